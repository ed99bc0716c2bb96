// CRC-32 (the IEEE 802.3 polynomial, reflected, as zlib and PNG use it) to detect corrupted
// sections, and a fingerprint that names a kernel or firmware image by its bytes.

const TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 of `bytes` (unsigned). */
export function crc32(bytes: Uint8Array): number {
  let c = -1;
  const t = TABLE;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
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
