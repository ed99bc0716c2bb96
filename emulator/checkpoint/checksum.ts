// CRC-32 (the IEEE 802.3 polynomial, reflected, as zlib and PNG use it) to detect corrupted
// sections, and a fingerprint that names a kernel or firmware image by its bytes. Words are
// read little-endian (typed arrays in host order: every host we run on is little-endian).

/** Slicing-by-8 tables, one after another: T[256k + n] is the CRC of byte n followed by k zero bytes. */
const T = (() => {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let k = 1; k < 8; k++) for (let n = 0; n < 256; n++) t[256 * k + n] = (t[256 * (k - 1) + n] >>> 8) ^ t[t[256 * (k - 1) + n] & 0xff];
  return t;
})();

/**
 * CRC-32 of `bytes` (unsigned): eight bytes per step, read as two little-endian words.
 * `previous`: the CRC of the bytes before these, to checksum a sequence of parts.
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const t = T;
  let c = ~previous;
  let i = 0;
  const n = bytes.length;
  // bytes up to a 4-byte boundary of the buffer, so the middle can be read as words
  while (i < n && ((bytes.byteOffset + i) & 3) !== 0) c = t[(c ^ bytes[i++]) & 0xff] ^ (c >>> 8);
  const pairs = n > i ? (n - i) >> 3 : 0;
  const w = pairs > 0 ? new Int32Array(bytes.buffer, bytes.byteOffset + i, pairs * 2) : new Int32Array(0);
  for (let j = 0; j < w.length; j += 2) {
    const a = c ^ w[j], b = w[j + 1];
    c = t[1792 + (a & 0xff)] ^ t[1536 + ((a >>> 8) & 0xff)] ^ t[1280 + ((a >>> 16) & 0xff)] ^ t[1024 + (a >>> 24)]
      ^ t[768 + (b & 0xff)] ^ t[512 + ((b >>> 8) & 0xff)] ^ t[256 + ((b >>> 16) & 0xff)] ^ t[b >>> 24];
  }
  i += pairs * 8;
  while (i < n) c = t[(c ^ bytes[i++]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** FNV-1a, 32 bits (a second, independent hash for fingerprints). */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

/**
 * Names an image by its contents: length, CRC-32 and FNV-1a ("len:crc:fnv" in hex). Two
 * different kernels agreeing on all three by accident is not a practical concern; this is an
 * identity check against mistakes, not against forgery.
 */
export function fingerprint(bytes: Uint8Array): string {
  const h = (v: number) => v.toString(16).padStart(8, '0');
  return `${bytes.length.toString(16)}:${h(crc32(bytes))}:${h(fnv1a(bytes))}`;
}
