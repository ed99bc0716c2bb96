// Bounds-checked little/big-endian reading of ELF and DWARF bytes, including LEB128.
// Every read past the end throws SymbolsError naming the section and offset.
import { SymbolsError } from './errors';

/** Where the symbol engine gets file bytes: the whole file, or slices of it on demand. */
export interface ByteSource {
  readonly size: number;
  /** Returns `length` bytes at `offset`; may return fewer at end of input. */
  read(offset: number, length: number): Uint8Array;
}

/** A ByteSource over an in-memory buffer. */
export function bufferSource(buf: Uint8Array): ByteSource {
  return { size: buf.length, read: (o, n) => buf.subarray(Math.max(0, o), Math.max(0, Math.min(buf.length, o + n))) };
}

const TWO64 = 1n << 64n;

export class Reader {
  private readonly view: DataView;
  pos: number;
  constructor(readonly bytes: Uint8Array, readonly little: boolean, readonly section: string, pos = 0, readonly base = 0) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = pos;
  }
  get length(): number { return this.bytes.length; }
  get atEnd(): boolean { return this.pos >= this.bytes.length; }
  get remaining(): number { return Math.max(0, this.bytes.length - this.pos); }
  fail(msg: string, at = this.pos): never { throw new SymbolsError(msg, { section: this.section, offset: at + this.base }); }
  need(n: number): void {
    if (n < 0 || this.pos + n > this.bytes.length || this.pos < 0) this.fail(`truncated: need ${n} bytes, ${this.remaining} left`);
  }
  /** A sub-reader over [start, end) of this one (clamped), positioned at its start. */
  sub(start: number, end: number): Reader {
    const s = Math.max(0, Math.min(start, this.bytes.length));
    const e = Math.max(s, Math.min(end, this.bytes.length));
    return new Reader(this.bytes.subarray(s, e), this.little, this.section, 0, this.base + s);
  }
  u8(): number { this.need(1); return this.bytes[this.pos++]; }
  i8(): number { this.need(1); return this.view.getInt8(this.pos++); }
  u16(): number { this.need(2); const v = this.view.getUint16(this.pos, this.little); this.pos += 2; return v; }
  i16(): number { this.need(2); const v = this.view.getInt16(this.pos, this.little); this.pos += 2; return v; }
  u24(): number { const a = this.u8(), b = this.u8(), c = this.u8(); return this.little ? a | (b << 8) | (c << 16) : (a << 16) | (b << 8) | c; }
  u32(): number { this.need(4); const v = this.view.getUint32(this.pos, this.little); this.pos += 4; return v; }
  i32(): number { this.need(4); const v = this.view.getInt32(this.pos, this.little); this.pos += 4; return v; }
  u64(): bigint { this.need(8); const v = this.view.getBigUint64(this.pos, this.little); this.pos += 8; return v; }
  i64(): bigint { this.need(8); const v = this.view.getBigInt64(this.pos, this.little); this.pos += 8; return v; }
  /** A 64-bit value as a number; values beyond 2^53 are reported as an error (offsets, sizes). */
  u64n(): number {
    const at = this.pos;
    const v = this.u64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`value 0x${v.toString(16)} too large`, at);
    return Number(v);
  }
  /** Unsigned value of 1, 2, 4 or 8 bytes as bigint. */
  uN(n: number): bigint {
    switch (n) {
      case 1: return BigInt(this.u8());
      case 2: return BigInt(this.u16());
      case 4: return BigInt(this.u32());
      case 8: return this.u64();
      default: return this.fail(`unsupported size ${n}`);
    }
  }
  /** Offset of 4 or 8 bytes (DWARF 32/64) as a number. */
  offset(size: number): number { return size === 8 ? this.u64n() : this.u32(); }
  uleb(): number {
    let result = 0, mul = 1;
    for (let i = 0; ; i++) {
      const b = this.u8();
      if (i < 8) result += (b & 0x7f) * mul;
      else if ((b & 0x7f) !== 0 && i >= 8) result = Number.MAX_SAFE_INTEGER;
      mul *= 128;
      if (!(b & 0x80)) return result;
    }
  }
  sleb(): number {
    let result = 0, mul = 1, b = 0;
    for (let i = 0; ; i++) {
      b = this.u8();
      if (i < 8) result += (b & 0x7f) * mul;
      mul *= 128;
      if (!(b & 0x80)) break;
    }
    if (b & 0x40 && mul <= 2 ** 56) result -= mul;
    return result;
  }
  ulebBig(): bigint {
    let result = 0n, shift = 0n;
    for (;;) {
      const b = this.u8();
      if (shift < 64n) result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (!(b & 0x80)) return result & (TWO64 - 1n);
    }
  }
  slebBig(): bigint {
    let result = 0n, shift = 0n, b = 0;
    for (;;) {
      b = this.u8();
      if (shift < 64n) result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (!(b & 0x80)) break;
    }
    if (b & 0x40 && shift < 64n) result -= 1n << shift;
    return BigInt.asIntN(64, result);
  }
  cstring(): string {
    const start = this.pos;
    let end = start;
    while (end < this.bytes.length && this.bytes[end] !== 0) end++;
    if (end >= this.bytes.length) this.fail('unterminated string', start);
    this.pos = end + 1;
    return decodeLatin1(this.bytes, start, end);
  }
  bytesN(n: number): Uint8Array { this.need(n); const b = this.bytes.subarray(this.pos, this.pos + n); this.pos += n; return b; }
  skip(n: number): void { this.need(n); this.pos += n; }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
/** Decodes a NUL-free byte range; UTF-8 when valid (file names), otherwise byte-per-char. */
export function decodeLatin1(b: Uint8Array, start: number, end: number): string {
  let ascii = true;
  for (let i = start; i < end; i++) if (b[i] & 0x80) { ascii = false; break; }
  if (ascii) {
    let s = '';
    if (end - start <= 32) { for (let i = start; i < end; i++) s += String.fromCharCode(b[i]); return s; } // names: no spread, no subarray
    for (let i = start; i < end; i += 4096) s += String.fromCharCode(...b.subarray(i, Math.min(end, i + 4096)));
    return s;
  }
  return utf8.decode(b.subarray(start, end));
}

/** Reads a NUL-terminated string at `off` of a string section; undefined when out of range. */
export function stringAt(b: Uint8Array, off: number): string | undefined {
  if (off < 0 || off >= b.length) return undefined;
  let end = off;
  while (end < b.length && b[end] !== 0) end++;
  return decodeLatin1(b, off, end);
}

export function hex(v: bigint | number): string { return '0x' + v.toString(16); }
