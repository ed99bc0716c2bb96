// DWARF expression evaluator (DWARF 5 section 2.5 and 2.6): stack operations, register and
// memory reads through an asynchronous context, and location descriptions (memory, register,
// implicit value, stack value, pieces, optimized out). Iterations are capped.
import { Reader } from '../bytes';
import { SymbolsError } from '../errors';

export interface ExprContext {
  addrSize: number;
  little: boolean;
  readReg(reg: number): Promise<bigint | undefined>;
  readMem(addr: bigint, size: number): Promise<Uint8Array | undefined>;
  frameBase?(): Promise<bigint | undefined>;
  cfa?(): Promise<bigint | undefined>;
  addrIndex?(i: number): bigint | undefined;
  /** Value a register or expression had on entry to the function (DW_OP_entry_value), if known. */
  entryValue?(expr: Uint8Array): Promise<bigint | undefined>;
  /** Value passed for a parameter (unit-relative DIE offset) by the caller (DW_OP_GNU_parameter_ref). */
  parameterRef?(unitOffset: number): Promise<bigint | undefined>;
}

export type Location =
  | { kind: 'memory'; addr: bigint }
  | { kind: 'register'; reg: number }
  | { kind: 'value'; value: bigint }
  | { kind: 'implicit'; bytes: Uint8Array }
  | { kind: 'optimizedOut'; why: string }
  | { kind: 'pieces'; pieces: Array<{ loc: Location; size: number }> };

const M64 = (1n << 64n) - 1n;
const MAX_STEPS = 10000;

/** Thrown (inside the layer) when the value depends on something the target cannot give. */
export class Unavailable extends SymbolsError {}

export async function evaluate(expr: Uint8Array, ctx: ExprContext, initial: bigint[] = []): Promise<Location> {
  const r = new Reader(expr, ctx.little, 'DWARF expression');
  const st: bigint[] = [...initial];
  const pieces: Array<{ loc: Location; size: number }> = [];
  let loc: Location | undefined;
  const pop = (): bigint => { const v = st.pop(); return v === undefined ? r.fail('expression stack underflow') : v; };
  const push = (v: bigint) => { if (st.length > 1000) r.fail('expression stack overflow'); st.push(v & M64); };
  const reg = async (n: number) => { const v = await ctx.readReg(n); if (v === undefined) throw new Unavailable(`register ${n} unavailable`); return v; };
  const mem = async (a: bigint, n: number) => {
    const b = await ctx.readMem(a, n);
    if (!b || b.length < n) throw new Unavailable(`cannot read memory at 0x${a.toString(16)}`);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[ctx.little ? i : n - 1 - i]);
    return v;
  };
  const s64 = (v: bigint) => BigInt.asIntN(64, v);
  for (let steps = 0; !r.atEnd; steps++) {
    if (steps > MAX_STEPS) r.fail('expression runs too long');
    const op = r.u8();
    if (op >= 0x30 && op <= 0x4f) { push(BigInt(op - 0x30)); continue; }
    if (op >= 0x50 && op <= 0x6f) { loc = { kind: 'register', reg: op - 0x50 }; continue; }
    if (op >= 0x70 && op <= 0x8f) { push((await reg(op - 0x70)) + r.slebBig()); continue; }
    switch (op) {
      case 0x03: push(r.uN(ctx.addrSize)); break;
      case 0x06: push(await mem(pop(), ctx.addrSize)); break;
      case 0x08: push(BigInt(r.u8())); break;
      case 0x09: push(BigInt(r.i8())); break;
      case 0x0a: push(BigInt(r.u16())); break;
      case 0x0b: push(BigInt(r.i16())); break;
      case 0x0c: push(BigInt(r.u32())); break;
      case 0x0d: push(BigInt(r.i32())); break;
      case 0x0e: push(r.u64()); break;
      case 0x0f: push(r.i64()); break;
      case 0x10: push(r.ulebBig()); break;
      case 0x11: push(r.slebBig()); break;
      case 0x12: { const v = pop(); push(v); push(v); break; }
      case 0x13: pop(); break;
      case 0x14: { if (st.length < 2) r.fail('stack underflow'); push(st[st.length - 2]); break; }
      case 0x15: { const i = r.u8(); if (i >= st.length) r.fail('pick out of range'); push(st[st.length - 1 - i]); break; }
      case 0x16: { const a = pop(), b = pop(); push(a); push(b); break; }
      case 0x17: { const a = pop(), b = pop(), c = pop(); push(a); push(c); push(b); break; }
      case 0x19: { const a = s64(pop()); push(a < 0n ? -a : a); break; }
      case 0x1a: { const b = pop(), a = pop(); push(a & b); break; }
      case 0x1b: { const b = s64(pop()), a = s64(pop()); if (b === 0n) r.fail('division by zero'); push(a / b); break; }
      case 0x1c: { const b = pop(), a = pop(); push(a - b); break; }
      case 0x1d: { const b = pop(), a = pop(); if (b === 0n) r.fail('division by zero'); push(a % b); break; }
      case 0x1e: { const b = pop(), a = pop(); push(a * b); break; }
      case 0x1f: push(-pop()); break;
      case 0x20: push(~pop()); break;
      case 0x21: { const b = pop(), a = pop(); push(a | b); break; }
      case 0x22: { const b = pop(), a = pop(); push(a + b); break; }
      case 0x23: push(pop() + r.ulebBig()); break;
      case 0x24: { const b = pop(), a = pop(); push(b >= 64n ? 0n : a << b); break; }
      case 0x25: { const b = pop(), a = pop(); push(b >= 64n ? 0n : a >> b); break; }
      case 0x26: { const b = pop(), a = s64(pop()); push(a >> (b >= 64n ? 63n : b)); break; }
      case 0x27: { const b = pop(), a = pop(); push(a ^ b); break; }
      case 0x28: { const off = r.i16(); if (pop() !== 0n) r.pos += off; if (r.pos < 0 || r.pos > expr.length) r.fail('branch out of range'); break; }
      case 0x29: case 0x2a: case 0x2b: case 0x2c: case 0x2d: case 0x2e: {
        const b = s64(pop()), a = s64(pop());
        const t = op === 0x29 ? a === b : op === 0x2a ? a >= b : op === 0x2b ? a > b : op === 0x2c ? a <= b : op === 0x2d ? a < b : a !== b;
        push(t ? 1n : 0n);
        break;
      }
      case 0x2f: { const off = r.i16(); r.pos += off; if (r.pos < 0 || r.pos > expr.length) r.fail('skip out of range'); break; }
      case 0x90: loc = { kind: 'register', reg: r.uleb() }; break;
      case 0x91: {
        const off = r.slebBig();
        const fb = await ctx.frameBase?.();
        if (fb === undefined) throw new Unavailable('frame base unavailable');
        push(fb + off);
        break;
      }
      case 0x92: { const n = r.uleb(); push((await reg(n)) + r.slebBig()); break; }
      case 0x93: case 0x9d: {
        const size = r.uleb();
        if (op === 0x9d) r.uleb();
        const l: Location = loc ?? (st.length ? { kind: 'memory', addr: pop() } : { kind: 'optimizedOut', why: 'empty piece' });
        pieces.push({ loc: l, size: op === 0x9d ? Math.ceil(size / 8) : size });
        loc = undefined;
        break;
      }
      case 0x94: { const n = r.u8(); if (n < 1 || n > 8) r.fail(`bad deref size ${n}`); push(await mem(pop(), n)); break; }
      case 0x96: break;
      case 0x9c: { const c = await ctx.cfa?.(); if (c === undefined) throw new Unavailable('CFA unavailable'); push(c); break; }
      case 0x9e: { const n = r.uleb(); loc = { kind: 'implicit', bytes: r.bytesN(n) }; break; }
      case 0x9f: loc = { kind: 'value', value: pop() }; break;
      case 0xa0: case 0xf2: r.offset(4); r.slebBig(); loc = { kind: 'optimizedOut', why: 'implicit pointer' }; break;
      case 0xa1: case 0xfb: case 0xa2: case 0xfc: {
        const i = r.uleb();
        const v = ctx.addrIndex?.(i);
        push(v === undefined ? r.fail(`bad address index ${i}`) : v);
        break;
      }
      case 0xa3: case 0xf3: {
        const sub = r.bytesN(r.uleb());
        const v = await ctx.entryValue?.(sub);
        if (v === undefined) return { kind: 'optimizedOut', why: 'entry value unknown' };
        push(v);
        break;
      }
      case 0xfa: {
        const v = await ctx.parameterRef?.(r.u32());
        if (v === undefined) return { kind: 'optimizedOut', why: 'parameter reference unknown' };
        push(v);
        break;
      }
      default: r.fail(`unsupported DWARF operation 0x${op.toString(16)}`);
    }
  }
  if (pieces.length) return { kind: 'pieces', pieces };
  if (loc) return loc;
  if (!st.length) return { kind: 'optimizedOut', why: 'empty expression' };
  return { kind: 'memory', addr: st[st.length - 1] };
}
