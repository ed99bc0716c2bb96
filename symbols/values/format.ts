// Values printed the way gdb prints them with its default settings: structs as
// `{a = 1, b = 2}`, char arrays as strings with `'\000' <repeats 11 times>`, pointers as
// `0x80001000 <symbol+16>` (typed `(struct proc *) ...` at top level), enums by name,
// bitfields, floats with %g precision 9/17, repeated array elements, a 200-element limit.
import { DW_ATE } from '../dwarf/constants';
import { strip, sizeOf, Type, typeName } from './types';

export interface FormatContext {
  /** `<sym+off>` text for an address that falls in a symbol, else undefined. */
  symbolize(addr: bigint): string | undefined;
  readMemory(addr: bigint, size: number): Promise<Uint8Array | undefined>;
}

const PRINT_MAX = 200, REPEAT_THRESHOLD = 10;

export function le(b: Uint8Array, off: number, size: number): bigint {
  let v = 0n;
  for (let i = Math.min(size, b.length - off) - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i]);
  return v;
}

function isCharType(t: Type): boolean {
  const s = strip(t);
  return s.kind === 'base' && s.size === 1 && (s.encoding === DW_ATE.signed_char || s.encoding === DW_ATE.unsigned_char || s.encoding === DW_ATE.UTF);
}

/** C's %.{p}g. */
export function formatG(x: number, p: number): string {
  if (Number.isNaN(x)) return x < 0 ? '-nan' : 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const e = Math.floor(Math.log10(Math.abs(x)));
  let s = x.toExponential(p - 1);
  let exp = Number(s.slice(s.indexOf('e') + 1));
  void e;
  if (exp < -4 || exp >= p) {
    let [m, ex] = s.split('e');
    if (m.includes('.')) m = m.replace(/0+$/, '').replace(/\.$/, '');
    exp = Number(ex);
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  s = x.toFixed(Math.max(0, p - 1 - exp));
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

function charEscape(c: number, quote: string): string {
  switch (c) {
    case 7: return '\\a'; case 8: return '\\b'; case 9: return '\\t'; case 10: return '\\n';
    case 11: return '\\v'; case 12: return '\\f'; case 13: return '\\r'; case 27: return '\\033';
    case 92: return '\\\\';
  }
  if (String.fromCharCode(c) === quote) return '\\' + quote;
  if (c >= 32 && c < 127) return String.fromCharCode(c);
  return '\\' + c.toString(8).padStart(3, '0');
}

export function charLiteral(c: number): string { return `'${charEscape(c, "'")}'`; }

/** gdb's string printing of bytes: quoted runs, long runs as `'c' <repeats N times>`. */
export function printString(bytes: number[], truncated: boolean): string {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < bytes.length;) {
    let j = i + 1;
    while (j < bytes.length && bytes[j] === bytes[i]) j++;
    const reps = j - i;
    if (reps > REPEAT_THRESHOLD) {
      if (cur) { parts.push(`"${cur}"`); cur = ''; }
      parts.push(`${charLiteral(bytes[i])} <repeats ${reps} times>`);
    } else {
      for (let k = 0; k < reps; k++) cur += charEscape(bytes[i], '"');
    }
    i = j;
  }
  if (cur || !parts.length) parts.push(`"${cur}"`);
  return parts.join(', ') + (truncated ? '...' : '');
}

/** `address`: where the value lives, when it does (an array of unknown bound prints as it). */
/**
 * `unavailable`: per byte of `b`, 1 where the value's bytes are not available (a DW_OP_piece
 * that is optimized out): a scalar touching one prints `<optimized out>`, a struct or array
 * prints its available members and elements (gdb's partial values).
 */
export async function formatValue(t: Type, b: Uint8Array, ctx: FormatContext, top = true, bitSize?: number, bitOffset?: number, address?: bigint, unavailable?: Uint8Array): Promise<string> {
  const s = strip(t);
  const mask = unavailable && unavailable.some((x) => x) ? unavailable : undefined;
  const sub = (off: number, n: number) => (mask ? mask.subarray(off, off + n) : undefined);
  if (mask && s.kind !== 'struct' && s.kind !== 'union' && !(s.kind === 'array' && s.count !== undefined)) return '<optimized out>';
  if (mask && mask.length >= b.length && b.length > 0 && mask.subarray(0, b.length).every((x) => x)) return '<optimized out>';
  switch (s.kind) {
    case 'void': return 'void';
    case 'base': {
      let raw = bitSize !== undefined ? (le(b, 0, b.length) >> BigInt(bitOffset ?? 0)) & ((1n << BigInt(bitSize)) - 1n) : le(b, 0, s.size);
      const bits = bitSize ?? s.size * 8;
      switch (s.encoding) {
        case DW_ATE.boolean: return raw === 0n ? 'false' : raw === 1n ? 'true' : String(raw);
        case DW_ATE.float: {
          // a NaN as gdb prints it: its sign and mantissa, `-nan(0x8000000000000)`
          const nan = (exp: bigint, man: bigint, sign: bigint) => ((raw & exp) === exp && (raw & man) !== 0n ? `${raw & sign ? '-' : ''}nan(0x${(raw & man).toString(16)})` : undefined);
          if (s.size === 4) return nan(0x7f800000n, 0x7fffffn, 0x80000000n) ?? formatG(new DataView(new Uint32Array([Number(raw)]).buffer).getFloat32(0, true), 9);
          if (s.size === 8) return nan(0x7ff0000000000000n, 0xfffffffffffffn, 0x8000000000000000n) ?? formatG(new DataView(new BigUint64Array([raw]).buffer).getFloat64(0, true), 17);
          return `<${s.size}-byte float>`;
        }
        case DW_ATE.signed: case DW_ATE.signed_char: {
          const v = BigInt.asIntN(bits, raw);
          return s.size === 1 && s.encoding === DW_ATE.signed_char ? `${v} ${charLiteral(Number(BigInt.asUintN(8, v)))}` : String(v);
        }
        case DW_ATE.unsigned_char: return `${raw} ${charLiteral(Number(raw))}`;
        default: raw = BigInt.asUintN(bits, raw); return String(raw);
      }
    }
    case 'enum': {
      let v = bitSize !== undefined ? (le(b, 0, b.length) >> BigInt(bitOffset ?? 0)) & ((1n << BigInt(bitSize)) - 1n) : le(b, 0, s.size);
      if (s.signed) v = BigInt.asIntN(bitSize ?? s.size * 8, v);
      const e = s.enumerators.find((x) => x.value === v);
      return e ? e.name : String(v);
    }
    case 'pointer': {
      const v = le(b, 0, s.size);
      const target = strip(s.target());
      const sym = v !== 0n ? ctx.symbolize(v) : undefined;
      let text = '0x' + v.toString(16) + (sym ? ` ${sym}` : '');
      // gdb's c_value_print: at top level the `(TYPE) ` prefix is left out only for an unnamed
      // pointer type (not a typedef) whose target is named `char` (qualifiers allowed): `char *`,
      // `const char *`; `unsigned char *`, `signed char *`, `uint8 *` and typedefs keep it
      let unq: Type = t;
      while (unq.kind === 'qualified') unq = unq.target;
      let tq = unq.kind === 'pointer' ? unq.target() : unq;
      while (tq.kind === 'qualified') tq = tq.target;
      const plainChar = unq.kind === 'pointer' && tq.kind === 'base' && tq.name === 'char';
      if (top && !plainChar) text = `(${typeName(t)}) ${text}`;
      if (isCharType(target) && v === 0n) return text; // a null string pointer: no string
      if (isCharType(target)) {
        const bytes: number[] = [];
        let trunc = false;
        for (let off = 0; off < PRINT_MAX + 1; off += 64) {
          const m = await ctx.readMemory(v + BigInt(off), 64);
          if (!m) break;
          let done = false;
          for (const c of m) { if (c === 0) { done = true; break; } bytes.push(c); if (bytes.length === PRINT_MAX) { trunc = true; done = true; break; } }
          if (done) break;
        }
        if (!bytes.length && !(await ctx.readMemory(v, 1))) return `${text} <error: Cannot access memory at address 0x${v.toString(16)}>`;
        return `${text} ${printString(bytes, trunc)}`;
      }
      return text;
    }
    case 'struct': case 'union': {
      if (!s.members().length) return '{<No data fields>}'; // gdb's text for an empty struct or union
      const parts: string[] = [];
      for (const m of s.members()) {
        const ms = sizeOf(m.type);
        let v: string;
        if (m.bitSize !== undefined) {
          const byte = Math.floor((m.bitOffset ?? 0) / 8);
          const span = Math.ceil(((m.bitOffset ?? 0) % 8 + m.bitSize) / 8);
          v = await formatValue(m.type, b.subarray(m.offset + byte, m.offset + byte + span), ctx, false, m.bitSize, (m.bitOffset ?? 0) % 8, undefined, sub(m.offset + byte, span));
        } else v = await formatValue(m.type, b.subarray(m.offset, m.offset + ms), ctx, false, undefined, undefined, address !== undefined ? address + BigInt(m.offset) : undefined, sub(m.offset, ms));
        parts.push(m.name !== undefined ? `${m.name} = ${v}` : v);
      }
      return `{${parts.join(', ')}}`;
    }
    case 'array': {
      const el = s.element, es = sizeOf(el);
      if (s.count === undefined) {
        // unknown bound (a flexible array member, `extern int a[]`): gdb prints where it is
        if (address === undefined) return '0x0';
        const sym = ctx.symbolize(address);
        return `0x${address.toString(16)}${sym ? ' ' + sym : ''}`;
      }
      const n = s.count;
      // gdb's limit of 200 elements: a run of equal elements is taken whole; as a string, each
      // character counts once; in braces, a `<repeats N times>` block counts as 10.
      const count = Math.min(n, es > 0 ? Math.floor(b.length / es) : 0);
      if (isCharType(el) && !mask) {
        const all = Array.from(b.subarray(0, count));
        if (all.length && all[all.length - 1] === 0) all.pop(); // the terminator is not shown
        let i = 0;
        while (i < all.length && i < PRINT_MAX) { let j = i + 1; while (j < all.length && all[j] === all[i]) j++; i = j; }
        return printString(all.slice(0, i), i < all.length);
      }
      const elem = (i: number) => b.subarray(i * es, (i + 1) * es);
      const same = (x: Uint8Array, y: Uint8Array) => x.length === y.length && x.every((v, k) => v === y[k]);
      const sameAt = (i: number, j: number) => same(elem(i), elem(j)) && (!mask || same(sub(i * es, es)!, sub(j * es, es)!));
      const out: string[] = [];
      let i = 0, printed = 0;
      while (i < count && printed < PRINT_MAX) {
        let j = i + 1;
        while (j < count && sameAt(j, i)) j++;
        const item = await formatValue(el, elem(i), ctx, false, undefined, undefined, undefined, sub(i * es, es));
        if (j - i > REPEAT_THRESHOLD) { out.push(`${item} <repeats ${j - i} times>`); i = j; printed += REPEAT_THRESHOLD; }
        else { out.push(item); i++; printed++; }
      }
      return `{${out.join(', ')}${i < n ? '...' : ''}}`;
    }
    case 'function': return `{${typeName(s)}} 0x?`;
  }
  return '?';
}
