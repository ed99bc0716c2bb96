// Byte-level encodings of gdb's Remote Serial Protocol (gdb manual, "Overview" of the remote
// protocol): hex strings, little-endian register values, the `}` escape of binary data,
// run-length encoding of replies, and the modulo-256 checksum. Pure functions over bytes.

const HEX = '0123456789abcdef';
const ESCAPE = 0x7d; // '}'

/** Modulo-256 sum of the bytes, as the two-digit checksum after '#'. */
export function checksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + bytes[i]) & 0xff;
  return sum;
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += HEX[b >> 4] + HEX[b & 15];
  return s;
}

/** Parses an even-length hex string into bytes; undefined if any digit is bad. */
export function fromHex(s: string): Uint8Array | undefined {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return undefined;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
  return out;
}

export function asciiToHex(s: string): string {
  return toHex(new TextEncoder().encode(s));
}

/** A hex number (no prefix) as a bigint; undefined if empty, not hex, or longer than 16 digits. */
export function parseHexBig(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F]{1,16}$/.test(s)) return undefined;
  return BigInt('0x' + s);
}

/** A hex number that must fit in a safe integer (lengths, register numbers). */
export function parseHexInt(s: string, max = 0x7fffffff): number | undefined {
  if (!/^[0-9a-fA-F]{1,8}$/.test(s)) return undefined;
  const v = parseInt(s, 16);
  return v <= max ? v : undefined;
}

/** A register value as the target's byte order (little-endian) in hex, `size` bytes. */
export function regToHex(value: bigint, size: number): string {
  let s = '';
  let v = BigInt.asUintN(size * 8, value);
  for (let i = 0; i < size; i++) { const b = Number(v & 0xffn); s += HEX[b >> 4] + HEX[b & 15]; v >>= 8n; }
  return s;
}

/** Little-endian hex bytes back to a value; undefined on bad hex. */
export function hexToReg(s: string): bigint | undefined {
  const bytes = fromHex(s);
  if (!bytes || bytes.length === 0 || bytes.length > 16) return undefined;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

/** Escapes binary data for a packet: '#', '$', '}' and '*' become '}' followed by the byte ^ 0x20. */
export function escapeBinary(data: Uint8Array): Uint8Array {
  let extra = 0;
  for (const b of data) if (needsEscape(b)) extra++;
  if (extra === 0) return data;
  const out = new Uint8Array(data.length + extra);
  let j = 0;
  for (const b of data) {
    if (needsEscape(b)) { out[j++] = ESCAPE; out[j++] = b ^ 0x20; } else out[j++] = b;
  }
  return out;
}

function needsEscape(b: number): boolean {
  return b === 0x23 || b === 0x24 || b === 0x7d || b === 0x2a;
}

/** Undoes escapeBinary. A trailing lone '}' is dropped (the framing layer never produces one). */
export function unescapeBinary(data: Uint8Array): Uint8Array {
  if (!data.includes(ESCAPE)) return data;
  const out = new Uint8Array(data.length);
  let j = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === ESCAPE) { if (i + 1 < data.length) out[j++] = data[++i] ^ 0x20; } else out[j++] = data[i];
  }
  return out.subarray(0, j);
}

/**
 * Run-length encodes reply data: a byte repeated n more times becomes the byte, '*', and the
 * character n + 29. Counts that would give '#' or '$' (6 and 7) are cut to 5; '+' and '-'
 * are avoided too so a count never looks like an ack. Runs of '*', '}', '#', '$' are left alone.
 */
export function runLengthEncode(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < data.length) {
    const b = data[i];
    let run = 1;
    while (i + run < data.length && data[i + run] === b && run < 98) run++;
    out.push(b);
    let extra = run - 1;
    if (extra >= 3 && !needsEscape(b)) {
      if (extra === 6 || extra === 7) extra = 5;
      if (extra + 29 === 0x2b || extra + 29 === 0x2d) extra -= 1; // '+' or '-'
      out.push(0x2a, extra + 29);
      i += 1 + extra;
    } else {
      i += 1;
    }
  }
  return Uint8Array.from(out);
}

/** Expands run-length encoding ('*' + count char); undefined if a '*' has nothing to repeat or no count. */
export function runLengthDecode(data: Uint8Array): Uint8Array | undefined {
  if (!data.includes(0x2a)) return data;
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const b = data[i];
    if (b === 0x2a) {
      if (out.length === 0 || i + 1 >= data.length) return undefined;
      const n = data[++i] - 29;
      if (n < 0) return undefined;
      const prev = out[out.length - 1];
      for (let k = 0; k < n; k++) out.push(prev);
    } else out.push(b);
  }
  return Uint8Array.from(out);
}

export const latin1 = {
  encode(s: string): Uint8Array { const b = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff; return b; },
  decode(b: Uint8Array): string { let s = ''; for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096)); return s; },
};
