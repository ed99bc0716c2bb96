// gdb's output formats, `print/FMT` (x d u o t c a z f s): each scalar printed in the format,
// structs and arrays recursively member by member and element by element (char arrays as
// element lists, not strings, except with /s), as gdb 13's print_formatted / print_scalar_formatted
// do. Checked against gdb-multiarch (test/symbols/formats.test.ts).
import { DW_ATE } from '../dwarf/constants';
import { charLiteral, FormatContext, formatValue, le } from './format';
import { sizeOf, strip, Type } from './types';

export type FormatLetter = 'x' | 'd' | 'u' | 'o' | 't' | 'c' | 'a' | 'z' | 'f' | 's';
export const FORMAT_LETTERS: readonly string[] = ['x', 'd', 'u', 'o', 't', 'c', 'a', 'z', 'f', 's'];

const PRINT_MAX = 200, REPEAT_THRESHOLD = 10;

/** `value` printed in format `letter` (top: the outermost value of a print command). */
export async function formatWithLetter(letter: FormatLetter, t: Type, b: Uint8Array, ctx: FormatContext, top = true, bitSize?: number, bitOffset?: number, address?: bigint, unavailable?: Uint8Array): Promise<string> {
  if (letter === 's') return formatValue(t, b, ctx, top, bitSize, bitOffset, address, unavailable);
  const s = strip(t);
  const mask = unavailable && unavailable.some((x) => x) ? unavailable : undefined;
  const sub = (off: number, n: number) => (mask ? mask.subarray(off, off + n) : undefined);
  switch (s.kind) {
    case 'struct': case 'union': {
      if (mask && b.length > 0 && mask.subarray(0, b.length).every((x) => x)) return '<optimized out>';
      if (!s.members().length) return '{<No data fields>}';
      const parts: string[] = [];
      for (const m of s.members()) {
        let v: string;
        if (m.bitSize !== undefined) {
          const bo = m.bitOffset ?? 0;
          const byte = m.offset + Math.floor(bo / 8), span = Math.ceil(((bo % 8) + m.bitSize) / 8);
          v = await formatWithLetter(letter, m.type, b.subarray(byte, byte + span), ctx, false, m.bitSize, bo % 8, undefined, sub(byte, span));
        } else {
          const n = sizeOf(m.type);
          v = await formatWithLetter(letter, m.type, b.subarray(m.offset, m.offset + n), ctx, false, undefined, undefined, address !== undefined ? address + BigInt(m.offset) : undefined, sub(m.offset, n));
        }
        parts.push(m.name !== undefined ? `${m.name} = ${v}` : v);
      }
      return `{${parts.join(', ')}}`;
    }
    case 'array': {
      // an array of unknown bound prints where it is, whatever the format
      if (s.count === undefined) return formatValue(t, b, ctx, top, undefined, undefined, address);
      if (mask && b.length > 0 && mask.subarray(0, b.length).every((x) => x)) return '<optimized out>';
      const el = s.element, es = sizeOf(el);
      const count = Math.min(s.count, es > 0 ? Math.floor(b.length / es) : 0);
      const elem = (i: number) => b.subarray(i * es, (i + 1) * es);
      const same = (x: Uint8Array | undefined, y: Uint8Array | undefined) => (x === undefined || y === undefined ? x === y : x.length === y.length && x.every((v, k) => v === y[k]));
      const out: string[] = [];
      let i = 0, printed = 0;
      while (i < count && printed < PRINT_MAX) {
        let j = i + 1;
        while (j < count && same(elem(j), elem(i)) && same(sub(j * es, es), sub(i * es, es))) j++;
        const item = await formatWithLetter(letter, el, elem(i), ctx, false, undefined, undefined, undefined, sub(i * es, es));
        if (j - i > REPEAT_THRESHOLD) { out.push(`${item} <repeats ${j - i} times>`); i = j; printed += REPEAT_THRESHOLD; }
        else { out.push(item); i++; printed++; }
      }
      return `{${out.join(', ')}${i < s.count ? '...' : ''}}`;
    }
    case 'base': case 'enum': case 'pointer': break;
    default: return formatValue(t, b, ctx, top, bitSize, bitOffset, address, unavailable);
  }
  if (mask) return '<optimized out>';
  const size = s.size;
  const width = size * 8;
  const isFloat = s.kind === 'base' && s.encoding === DW_ATE.float;
  const signed = (s.kind === 'base' && (s.encoding === DW_ATE.signed || s.encoding === DW_ATE.signed_char || isFloat)) || (s.kind === 'enum' && s.signed);
  // a bitfield is unpacked into its declared type (sign-extended when signed), then formatted at that type's size
  let raw: bigint;
  if (bitSize !== undefined) {
    const field = (le(b, 0, b.length) >> BigInt(bitOffset ?? 0)) & ((1n << BigInt(bitSize)) - 1n);
    raw = BigInt.asUintN(width, signed ? BigInt.asIntN(bitSize, field) : field);
    b = new Uint8Array(size);
    for (let i = 0, x = raw; i < size; i++, x >>= 8n) b[i] = Number(x & 0xffn);
  } else raw = BigInt.asUintN(width, le(b, 0, size));
  /** The value as a number (floats converted, truncated toward zero, as C's conversion to an integer). */
  const numeric = (): bigint => {
    if (isFloat && (size === 4 || size === 8)) {
      const dv = new DataView(new ArrayBuffer(8));
      let x: number;
      if (size === 4) { dv.setUint32(0, Number(raw), true); x = dv.getFloat32(0, true); } else { dv.setBigUint64(0, raw, true); x = dv.getFloat64(0, true); }
      if (Number.isNaN(x)) return -(1n << 63n);
      if (x >= 9223372036854775807) return (1n << 63n) - 1n;
      if (x <= -9223372036854775808) return -(1n << 63n);
      return BigInt(Math.trunc(x));
    }
    return signed ? BigInt.asIntN(width, raw) : raw;
  };
  switch (letter) {
    case 'x': return '0x' + raw.toString(16);
    case 'z': return '0x' + raw.toString(16).padStart(Math.max(1, size * 2), '0');
    case 'o': return raw === 0n ? '0' : '0' + raw.toString(8);
    case 't': return raw.toString(2);
    case 'd': return String(BigInt.asIntN(width, raw));
    case 'u': return String(raw);
    case 'c': {
      // the value converted to a char of the type's signedness
      const v = numeric();
      const c = signed ? BigInt.asIntN(8, v) : BigInt.asUintN(8, v);
      return `${c} ${charLiteral(Number(BigInt.asUintN(8, c)))}`;
    }
    case 'a': {
      const v = BigInt.asUintN(64, numeric());
      const sym = v !== 0n ? ctx.symbolize(v) : undefined;
      return `0x${v.toString(16)}${sym ? ' ' + sym : ''}`;
    }
    case 'f': {
      if (isFloat) return formatValue(t, b, ctx, false);
      // an integer of a float's size is reinterpreted as that float; others print as integers
      if (size === 4 || size === 8) return formatValue({ kind: 'base', name: size === 4 ? 'float' : 'double', size, encoding: DW_ATE.float }, b, ctx, false);
      return String(signed ? BigInt.asIntN(width, raw) : raw);
    }
  }
  return formatValue(t, b, ctx, top, bitSize, bitOffset, address, unavailable);
}
