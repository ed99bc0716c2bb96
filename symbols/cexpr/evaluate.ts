// Evaluates parsed C expressions against the program's DWARF in a frame, reading memory and
// registers through the target readers, with C's integer promotions, the usual arithmetic
// conversions for float and double (computed as IEEE binary32/64, as gdb on its host), pointer
// arithmetic, and prints results as gdb's `print` does.
import { SymbolsError } from '../errors';
import { DW_AT, DW_ATE, DW_TAG } from '../dwarf/constants';
import { Dwarf } from '../dwarf/dwarf';
import { Die } from '../dwarf/info';
import { MemoryReader } from '../target';
import { FormatContext, formatValue, le } from '../values/format';
import { FormatLetter, formatWithLetter } from '../values/format-letters';
import { findMember, sizeOf, strip, Type, typeName, VOID } from '../values/types';
import { FrameContext, MAX_VALUE_SIZE, toBytes, tooLarge, Variables } from '../values/variables';
import { XREG } from '../disasm/riscv';
import { Expr, parseExpression, TypeName } from './parse';

/**
 * A value: its bytes, and its address when it lives in memory. A struct, union or array reached
 * through a pointer is lazy (no bytes read yet), as in gdb: `p->member` reads only the member,
 * and `&p->member` or `sizeof *p` read nothing.
 */
export interface Value {
  type: Type; bytes: Uint8Array; address?: bigint; lazy?: boolean; optimizedOut?: boolean;
  /** Per byte, 1 where a value made of DW_OP_pieces is optimized out (the rest is available). */
  unavailable?: Uint8Array;
  /** Held in this DWARF register (a variable's location). */
  register?: number;
}

/** The part of a mask for bytes off..off+n, when any of them is unavailable. */
const subMask = (m: Uint8Array | undefined, off: number, n: number) => { const s = m?.subarray(off, off + n); return s && s.some((x) => x) ? s : undefined; };

const OPTIMIZED_OUT = 'value has been optimized out';

const base = (name: string, size: number, encoding: number): Type => ({ kind: 'base', name, size, encoding });
const INT = base('int', 4, DW_ATE.signed), UINT = base('unsigned int', 4, DW_ATE.unsigned);
const LONG = base('long', 8, DW_ATE.signed), ULONG = base('unsigned long', 8, DW_ATE.unsigned);
const CHAR = base('char', 1, DW_ATE.unsigned_char); // plain char is unsigned on RISC-V (psABI)
const BASE_TYPES: Record<string, Type> = {
  int: INT, 'signed int': INT, signed: INT, unsigned: UINT, 'unsigned int': UINT, long: LONG, 'long int': LONG, 'signed long': LONG,
  'unsigned long': ULONG, 'long unsigned int': ULONG, 'unsigned long int': ULONG, 'long long': LONG, 'unsigned long long': ULONG,
  char: CHAR, 'signed char': base('signed char', 1, DW_ATE.signed_char), 'unsigned char': base('unsigned char', 1, DW_ATE.unsigned_char), short: base('short', 2, DW_ATE.signed),
  'unsigned short': base('unsigned short', 2, DW_ATE.unsigned), _Bool: base('_Bool', 1, DW_ATE.boolean), void: VOID,
  float: base('float', 4, DW_ATE.float), double: base('double', 8, DW_ATE.float),
};
const ptrTo = (t: Type): Type => ({ kind: 'pointer', size: 8, target: () => t });
const FUNC_PTR: Type = ptrTo({ kind: 'function', ret: VOID, params: [], varargs: false });
const VOID_PTR = ptrTo(VOID);
const FLOAT = BASE_TYPES.float, DOUBLE = BASE_TYPES.double;

/** A floating value; `neg` keeps a NaN's sign, which a JS number cannot carry. */
interface Flt { x: number; neg: boolean }

const isFloat = (t: Type): boolean => { const s = strip(t); return s.kind === 'base' && s.encoding === DW_ATE.float && (s.size === 4 || s.size === 8); };

/** IEEE bytes of x as a float or double; a NaN is a quiet NaN with the given sign (x86's default NaN when produced, as gdb's host makes it). */
function floatBytes(size: number, f: Flt): Uint8Array {
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  if (Number.isNaN(f.x)) {
    if (size === 4) dv.setUint32(0, (f.neg ? 0xffc00000 : 0x7fc00000) >>> 0, true);
    else dv.setBigUint64(0, f.neg ? 0xfff8000000000000n : 0x7ff8000000000000n, true);
  } else if (size === 4) dv.setFloat32(0, f.x, true);
  else dv.setFloat64(0, f.x, true);
  return b;
}

/** A float converted to an integer as gdb does on its host: truncated, clamped to 64 bits (NaN gives the minimum). */
function floatToBig(x: number): bigint {
  if (Number.isNaN(x) || x <= -9223372036854775808) return -(1n << 63n);
  if (x >= 9223372036854775807) return (1n << 63n) - 1n;
  return BigInt(Math.trunc(x));
}

export interface EvalEnv {
  frame?: FrameContext;
  mem: MemoryReader;
  fmt: FormatContext;
  /** Extra registers by name (CSRs such as satp), when the target can read them. */
  readNamedRegister?: (name: string) => Promise<bigint | undefined>;
  /** Inside sizeof: types only, as gdb's "avoid side effects" (no reads, no division errors). */
  typeOnly?: boolean;
}

export class ExpressionEvaluator {
  private enumerators?: Map<string, { value: bigint; type: Die }>;
  constructor(private readonly dwarf: Dwarf, private readonly vars: Variables) {}

  isTypeName = (name: string): boolean => this.dwarf.nameEntries(name).some((e) => e.tag === DW_TAG.typedef || e.tag === DW_TAG.base_type);

  async evaluateText(src: string, env: EvalEnv): Promise<Value> {
    return this.fetch(await this.evaluateLazy(src, env), env);
  }

  /** The value without reading a lazy aggregate's bytes (the value tree reads what it shows). */
  async evaluateLazy(src: string, env: EvalEnv): Promise<Value> {
    const e = parseExpression(src, this.isTypeName);
    this.checkSymbols(e, env); // gdb resolves every name while parsing, before evaluating anything
    return this.eval(e, env);
  }

  /** A parsed expression's value (lazy aggregates unread), for assignment's operands. */
  evalParsed(e: Expr, env: EvalEnv): Promise<Value> { this.checkSymbols(e, env); return this.eval(e, env); }

  /** "No symbol" for the first name that is neither a variable, an enumerator nor a function. */
  checkSymbols(e: Expr, env: EvalEnv): void {
    switch (e.k) {
      case 'id': {
        const pc = env.frame ? (env.frame.innermost ? env.frame.pc : env.frame.pc - 1n) : undefined;
        if (this.vars.lookup(e.name, pc, env.frame?.inlineDepth) || this.enumerator(e.name) || this.functionNamed(e.name)) return;
        throw new SymbolsError(`No symbol "${e.name}" in current context.`);
      }
      case 'member': return this.checkSymbols(e.obj, env);
      case 'index': this.checkSymbols(e.obj, env); return this.checkSymbols(e.index, env);
      case 'unary': case 'cast': case 'sizeof': return this.checkSymbols(e.e, env);
      case 'binary': this.checkSymbols(e.l, env); return this.checkSymbols(e.r, env);
    }
  }

  private functionNamed(name: string): Die | undefined {
    return this.dwarf.byName(name, [DW_TAG.subprogram]).find((x) => x.unit.ranges(x).length);
  }

  /** The value with its bytes read, if it was lazy. */
  private async fetch(v: Value, env: EvalEnv): Promise<Value> {
    if (!v.lazy || v.address === undefined) return v;
    if (sizeOf(v.type) > MAX_VALUE_SIZE) throw new SymbolsError(tooLarge(sizeOf(v.type)));
    if (sizeOf(v.type) === 0) return { type: v.type, bytes: new Uint8Array(0), address: v.address };
    const b = await env.mem.readMemory(v.address, sizeOf(v.type));
    if (!b) throw new SymbolsError(`Cannot access memory at address 0x${v.address.toString(16)}`);
    return { type: v.type, bytes: b, address: v.address };
  }

  /** `print EXPR` text (without `$1 = `); with a letter, `print/FMT EXPR`. */
  async print(src: string, env: EvalEnv, letter?: FormatLetter): Promise<string> {
    const v = await this.evaluateText(src, env);
    if (v.optimizedOut) return '<optimized out>';
    const s = strip(v.type);
    if (s.kind === 'function') {
      const a = v.address ?? 0n;
      const sym = env.fmt.symbolize(a);
      return `{${typeName(s)}} 0x${a.toString(16)}${sym ? ' ' + sym : ''}`;
    }
    if (letter) return formatWithLetter(letter, v.type, v.bytes, env.fmt, true, undefined, undefined, v.address, v.unavailable);
    return formatValue(v.type, v.bytes, env.fmt, true, undefined, undefined, v.address, v.unavailable);
  }

  resolveType(tn: TypeName): Type {
    let t: Type | undefined = BASE_TYPES[tn.base];
    if (!t) {
      const m = /^(struct|union|enum) (\w+)$/.exec(tn.base);
      const tag = m ? { struct: DW_TAG.structure_type, union: DW_TAG.union_type, enum: DW_TAG.enumeration_type }[m[1] as 'struct'] : DW_TAG.typedef;
      const name = m ? m[2] : tn.base;
      // resolve entries one at a time: a type named in every unit must not parse every unit
      let d: Die | undefined, first: Die | undefined;
      for (const en of this.dwarf.nameEntries(name)) {
        if (en.tag !== tag && (m || en.tag !== DW_TAG.base_type)) continue;
        const x = this.dwarf.dieAt(en.offset);
        if (!x) continue;
        first ??= x;
        if (!x.get(DW_AT.declaration)) { d = x; break; }
      }
      d ??= first;
      if (!d) throw new SymbolsError(`No ${m ? m[1] : 'type'} named ${name}.`);
      t = this.vars.types.read(d);
    }
    for (let i = 0; i < tn.pointers; i++) t = ptrTo(t);
    return t;
  }

  private intVal(t: Type, v: bigint): Value { return { type: t, bytes: toBytes(v, sizeOf(t)) }; }

  /** The value as an integer (signed or unsigned per its type). */
  toInt(v: Value): bigint {
    if (v.optimizedOut || v.unavailable?.some((x) => x)) throw new SymbolsError(OPTIMIZED_OUT);
    const s = strip(v.type);
    const raw = le(v.bytes, 0, Math.min(8, v.bytes.length));
    if (s.kind === 'base') {
      if (isFloat(s)) return floatToBig(this.toFloat(v).x);
      return s.encoding === DW_ATE.signed || s.encoding === DW_ATE.signed_char ? BigInt.asIntN(s.size * 8, raw) : raw;
    }
    if (s.kind === 'enum') return s.signed ? BigInt.asIntN(s.size * 8, raw) : raw;
    if (s.kind === 'array' && v.address !== undefined) return v.address; // arrays decay to pointers
    return raw;
  }

  /** The value as a floating number (integers converted, as C's usual arithmetic conversions). */
  toFloat(v: Value): Flt {
    if (v.optimizedOut || v.unavailable?.some((x) => x)) throw new SymbolsError(OPTIMIZED_OUT);
    if (!isFloat(v.type)) { const x = Number(this.toInt(v)); return { x, neg: x < 0 }; }
    const dv = new DataView(v.bytes.buffer, v.bytes.byteOffset, v.bytes.byteLength);
    if (sizeOf(v.type) === 4) { const x = dv.getFloat32(0, true); return { x, neg: (dv.getUint8(3) & 0x80) !== 0 }; }
    const x = dv.getFloat64(0, true);
    return { x, neg: (dv.getUint8(7) & 0x80) !== 0 };
  }

  private floatVal(t: Type, f: Flt): Value { return { type: t, bytes: floatBytes(sizeOf(t), sizeOf(t) === 4 ? { x: Math.fround(f.x), neg: f.neg } : f) }; }

  /** Whether a scalar is non-zero (a float by its value, not truncated). */
  private truthy(v: Value): boolean { return isFloat(v.type) ? this.toFloat(v).x !== 0 : this.toInt(v) !== 0n; } // NaN is true

  private isUnsigned(t: Type): boolean {
    const s = strip(t);
    return s.kind === 'pointer' || (s.kind === 'base' && (s.encoding === DW_ATE.unsigned || s.encoding === DW_ATE.unsigned_char || s.encoding === DW_ATE.boolean));
  }

  private async load(t: Type, addr: bigint, env: EvalEnv): Promise<Value> {
    if (env.typeOnly) return { type: t, bytes: new Uint8Array(Math.min(sizeOf(t), MAX_VALUE_SIZE)), address: addr };
    const k = strip(t).kind;
    if (k === 'struct' || k === 'union' || k === 'array') return { type: t, bytes: new Uint8Array(0), address: addr, lazy: true };
    const n = sizeOf(t);
    if (n > MAX_VALUE_SIZE) throw new SymbolsError(tooLarge(n));
    const b = await env.mem.readMemory(addr, n);
    if (!b) throw new SymbolsError(`Cannot access memory at address 0x${addr.toString(16)}`);
    return { type: t, bytes: b, address: addr };
  }

  private async eval(e: Expr, env: EvalEnv): Promise<Value> {
    switch (e.k) {
      case 'num': {
        const t = e.long ? (e.unsigned ? ULONG : LONG) : e.unsigned ? UINT : INT;
        return this.intVal(t, e.v);
      }
      case 'float': return this.floatVal(e.single ? FLOAT : DOUBLE, { x: e.v, neg: e.v < 0 });
      case 'char': return this.intVal(CHAR, BigInt(e.v));
      case 'id': return this.identifier(e.name, env);
      case 'reg': return this.register(e.name, env);
      case 'member': {
        let obj = await this.eval(e.obj, env);
        if (e.arrow) obj = await this.deref(obj, env);
        const s = strip(obj.type);
        if (s.kind !== 'struct' && s.kind !== 'union') throw new SymbolsError(`Attempt to extract a component of a value that is not a structure${e.arrow ? ' pointer' : ''}.`);
        const m = findMember(s, e.name);
        if (!m) throw new SymbolsError(`There is no member named ${e.name}.`);
        if (obj.optimizedOut) return { type: m.type, bytes: new Uint8Array(sizeOf(m.type)), optimizedOut: true };
        if (obj.lazy && m.bitSize === undefined) return this.load(m.type, obj.address! + BigInt(m.offset), env);
        obj = await this.fetch(obj, env);
        if (m.bitSize !== undefined) {
          const bo = m.bitOffset ?? 0;
          if (subMask(obj.unavailable, m.offset + Math.floor(bo / 8), Math.ceil(((bo % 8) + m.bitSize) / 8))) return { type: m.type, bytes: new Uint8Array(sizeOf(m.type)), optimizedOut: true };
          let v = (le(obj.bytes, m.offset, obj.bytes.length - m.offset) >> BigInt(bo)) & ((1n << BigInt(m.bitSize)) - 1n);
          const ms = strip(m.type);
          if ((ms.kind === 'base' && ms.encoding === DW_ATE.signed) || (ms.kind === 'enum' && ms.signed)) v = BigInt.asIntN(m.bitSize, v);
          return this.intVal(m.type, v);
        }
        const n = sizeOf(m.type);
        return { type: m.type, bytes: obj.bytes.subarray(m.offset, m.offset + n), address: obj.address !== undefined ? obj.address + BigInt(m.offset) : undefined, unavailable: subMask(obj.unavailable, m.offset, n) };
      }
      case 'index': {
        const obj = await this.eval(e.obj, env);
        const i = this.toInt(await this.eval(e.index, env));
        const s = strip(obj.type);
        if (s.kind === 'array') {
          const es = sizeOf(s.element);
          if (obj.optimizedOut) return { type: s.element, bytes: new Uint8Array(es), optimizedOut: true };
          const off = Number(i) * es;
          if (off >= 0 && off + es <= obj.bytes.length) return { type: s.element, bytes: obj.bytes.subarray(off, off + es), address: obj.address !== undefined ? obj.address + BigInt(off) : undefined, unavailable: subMask(obj.unavailable, off, es) };
          if (obj.address === undefined) throw new SymbolsError('no such vector element');
          return this.load(s.element, obj.address + BigInt(off), env);
        }
        if (s.kind === 'pointer') { const t = s.target(); return this.load(t, this.toInt(obj) + i * BigInt(sizeOf(t)), env); }
        throw new SymbolsError('cannot subscript something of type `' + typeName(obj.type) + "'");
      }
      case 'unary': {
        if (e.op === '&') {
          // the address alone, as gdb: `&((struct proc *)0)->pid` reads nothing
          const a = await this.addressOf(e.e, env);
          if (a) return this.intVal(ptrTo(a.type), a.address);
          const v = await this.eval(e.e, env);
          if (e.e.k === 'id' && v.address === undefined) {
            // gdb: a variable in a register names it; one optimized out, computed or in pieces is no lvalue
            if (v.register !== undefined && v.register < 32) throw new SymbolsError(`Address requested for identifier "${e.e.name}" which is in register $${XREG[v.register]}`);
            if (v.optimizedOut || v.register === undefined) throw new SymbolsError(`Can't take address of "${e.e.name}" which isn't an lvalue.`);
          }
          if (v.address === undefined) throw new SymbolsError('Attempt to take address of value not located in memory.');
          return this.intVal(ptrTo(v.type), v.address);
        }
        const v = await this.eval(e.e, env);
        if (e.op === '*') return this.deref(v, env);
        const vk = strip(v.type).kind;
        if (vk === 'struct') throw new SymbolsError(`Structure has no component named operator${e.op}.`);
        if (vk === 'union' && e.op === '-') throw new SymbolsError('Argument to negate operation not a number.');
        if (isFloat(v.type)) {
          const f = this.toFloat(v);
          if (e.op === '~') throw new SymbolsError('Argument to complement operation not an integer, boolean.');
          if (e.op === '!') return this.intVal(INT, f.x === 0 ? 1n : 0n);
          // gdb negates as 0 - x: -0.0 is 0, a NaN keeps its sign
          if (e.op === '-') return this.floatVal(v.type, Number.isNaN(f.x) ? f : { x: 0 - f.x, neg: 0 - f.x < 0 });
          return v;
        }
        const x = this.toInt(v);
        const t = this.unopPromote(v.type);
        if (e.op === '-') return this.intVal(t, -x);
        if (e.op === '+') return this.intVal(t, x);
        if (e.op === '~') return this.intVal(t, ~x);
        return this.intVal(INT, x === 0n ? 1n : 0n);
      }
      case 'cast': {
        const t = this.resolveType(e.type);
        const v = await this.eval(e.e, env);
        const s = strip(t);
        if (s.kind === 'struct' || s.kind === 'union' || s.kind === 'array') throw new SymbolsError('Invalid cast.');
        if (isFloat(t)) return this.floatVal(t, this.toFloat(v));
        // a float cast to a pointer keeps its bits, as gdb does; to an integer it is converted
        if (s.kind === 'pointer' && isFloat(v.type)) return this.intVal(t, le(v.bytes, 0, v.bytes.length));
        return this.intVal(t, this.toInt(v));
      }
      // gdb's sizeof is an int, and its operand is not evaluated (only typed)
      case 'sizeofType': return this.intVal(INT, BigInt(sizeOf(this.resolveType(e.type))));
      case 'sizeof': return this.intVal(INT, BigInt(sizeOf((await this.eval(e.e, { ...env, typeOnly: true })).type)));
      case 'binary': return this.binary(e.op, e.l, e.r, env);
    }
  }

  /** Address and type of an lvalue reached through members, indexing or `*`, without reading it. */
  private async addressOf(e: Expr, env: EvalEnv): Promise<{ type: Type; address: bigint } | undefined> {
    if (e.k === 'unary' && e.op === '*') {
      const p = await this.eval(e.e, env);
      const s = strip(p.type);
      if (s.kind !== 'pointer') return undefined;
      const t = s.target();
      const k = strip(t).kind;
      return k === 'void' || k === 'function' ? undefined : { type: t, address: this.toInt(p) };
    }
    if (e.k === 'member') {
      let base: { type: Type; address: bigint } | undefined;
      if (e.arrow) base = await this.addressOf({ k: 'unary', op: '*', e: e.obj }, env);
      else base = await this.addressOf(e.obj, env);
      if (!base) return undefined;
      const s = strip(base.type);
      if (s.kind !== 'struct' && s.kind !== 'union') return undefined;
      const m = findMember(s, e.name);
      if (!m || m.bitSize !== undefined) return undefined;
      return { type: m.type, address: base.address + BigInt(m.offset) };
    }
    if (e.k === 'index') {
      const objAddr = await this.addressOf(e.obj, env);
      const i = this.toInt(await this.eval(e.index, env));
      if (objAddr && strip(objAddr.type).kind === 'array') {
        const el = (strip(objAddr.type) as { element: Type }).element;
        return { type: el, address: objAddr.address + i * BigInt(sizeOf(el)) };
      }
      const p = await this.eval(e.obj, env);
      const s = strip(p.type);
      if (s.kind !== 'pointer') return undefined;
      const t = s.target();
      return { type: t, address: this.toInt(p) + i * BigInt(sizeOf(t)) };
    }
    return undefined; // identifiers and the rest: evaluated as before
  }

  /** gdb's unop_promote: integers narrower than int become int; others (enums included) keep their type. */
  private unopPromote(t: Type): Type {
    const s = strip(t);
    if ((s.kind === 'enum' || s.kind === 'base') && sizeOf(t) >= 4) return s.kind === 'enum' ? t : this.promote(t);
    return this.promote(t);
  }

  private promote(t: Type): Type {
    const s = strip(t);
    const n = sizeOf(t);
    if (s.kind === 'pointer') return t;
    if (n < 4) return INT;
    if (n === 4) return this.isUnsigned(t) ? UINT : INT;
    return this.isUnsigned(t) ? ULONG : LONG;
  }

  private async deref(v: Value, env: EvalEnv): Promise<Value> {
    const s = strip(v.type);
    if (s.kind === 'array') return v.lazy ? this.load(s.element, v.address!, env) : { type: s.element, bytes: v.bytes.subarray(0, sizeOf(s.element)), address: v.address };
    if (s.kind === 'function') return v;
    // gdb allows `*` on an integer (not an enum or float): an int at that address
    if (s.kind === 'base' && s.encoding !== DW_ATE.float && s.encoding !== DW_ATE.boolean) return this.load(INT, this.toInt(v), env);
    if (s.kind !== 'pointer') throw new SymbolsError('Attempt to take contents of a non-pointer value.');
    const t = s.target();
    if (strip(t).kind === 'void') throw new SymbolsError('Attempt to take contents of a non-pointer value.');
    if (strip(t).kind === 'function') return { type: t, bytes: new Uint8Array(0), address: this.toInt(v) };
    return this.load(t, this.toInt(v), env);
  }

  /** gdb's errors for structs and unions as operands (a struct on the left is looked up for a C++ operator). */
  private checkOperands(op: string, l: Value, r: Value): void {
    const lk = strip(l.type).kind, rk = strip(r.type).kind;
    if (lk === 'struct') throw new SymbolsError(`Structure has no component named operator${op}.`);
    if (lk === 'union' || rk === 'union') throw new SymbolsError('Argument to arithmetic operation not a number or boolean.');
    if (rk === 'struct') throw new SymbolsError("Can't do that binary op on that type");
  }

  private async binary(op: string, le_: Expr, re: Expr, env: EvalEnv): Promise<Value> {
    if (op === '&&' || op === '||') {
      const lv = await this.eval(le_, env);
      this.checkOperands(op, lv, await this.eval(re, { ...env, typeOnly: true })); // gdb checks both types first
      const l = this.truthy(lv);
      if (op === '&&' && !l) return this.intVal(INT, 0n);
      if (op === '||' && l) return this.intVal(INT, 1n);
      return this.intVal(INT, this.truthy(await this.eval(re, env)) ? 1n : 0n);
    }
    const l = await this.eval(le_, env), r = await this.eval(re, env);
    if (op !== '@') this.checkOperands(op, l, r);
    if (op === '@') {
      const n = Number(this.toInt(r));
      if (l.address === undefined) throw new SymbolsError('Only values in memory can be extended with \'@\'.');
      if (n <= 0 || n > 100000) throw new SymbolsError('Invalid number ' + n + ' of repetitions.');
      return this.load({ kind: 'array', element: l.type, count: n }, l.address, env);
    }
    const ls = strip(l.type), rs = strip(r.type);
    const lp = ls.kind === 'pointer' || ls.kind === 'array', rp = rs.kind === 'pointer' || rs.kind === 'array';
    if (isFloat(l.type) || isFloat(r.type)) return this.floatBinary(op, l, r, lp || rp);
    const elemSize = (s: Type) => BigInt(Math.max(1, sizeOf(s.kind === 'pointer' ? s.target() : s.kind === 'array' ? s.element : VOID)));
    const ptrType = (s: Type, v: Value) => (s.kind === 'array' ? ptrTo(s.element) : v.type);
    const a = this.toInt(l), b = this.toInt(r);
    if ((op === '+' || op === '-') && lp && !rp) return this.intVal(ptrType(ls, l), op === '+' ? a + b * elemSize(ls) : a - b * elemSize(ls));
    if (op === '+' && rp && !lp) return this.intVal(ptrType(rs, r), b + a * elemSize(rs));
    if (op === '-' && lp && rp) return this.intVal(LONG, (a - b) / elemSize(ls));
    const lt = this.promote(l.type), rt = this.promote(r.type);
    const size = Math.max(sizeOf(lt), sizeOf(rt));
    const unsigned = (sizeOf(lt) === size && this.isUnsigned(lt)) || (sizeOf(rt) === size && this.isUnsigned(rt));
    const t = size === 8 ? (unsigned ? ULONG : LONG) : unsigned ? UINT : INT;
    const norm = (x: bigint) => (unsigned ? BigInt.asUintN(size * 8, x) : BigInt.asIntN(size * 8, x));
    const x = norm(a), y = norm(b);
    switch (op) {
      case '+': return this.intVal(t, x + y);
      case '-': return this.intVal(t, x - y);
      case '*': return this.intVal(t, x * y);
      case '/': if (y === 0n) { if (env.typeOnly) return this.intVal(t, 0n); throw new SymbolsError('Division by zero'); } return this.intVal(t, x / y);
      case '%': if (y === 0n) { if (env.typeOnly) return this.intVal(t, 0n); throw new SymbolsError('Division by zero'); } return this.intVal(t, x % y);
      case '<<': case '>>': {
        // the left operand's promoted type (an enum stays an enum); a count outside 0..width-1 gives 0, as gdb
        const st = this.unopPromote(l.type);
        if (b < 0n || b >= BigInt(sizeOf(st) * 8)) return this.intVal(st, 0n);
        return this.intVal(st, op === '<<' ? a << b : a >> b);
      }
      case '&': return this.intVal(t, x & y);
      case '|': return this.intVal(t, x | y);
      case '^': return this.intVal(t, x ^ y);
      case '<': return this.intVal(INT, x < y ? 1n : 0n);
      case '>': return this.intVal(INT, x > y ? 1n : 0n);
      case '<=': return this.intVal(INT, x <= y ? 1n : 0n);
      case '>=': return this.intVal(INT, x >= y ? 1n : 0n);
      case '==': return this.intVal(INT, x === y ? 1n : 0n);
      case '!=': return this.intVal(INT, x !== y ? 1n : 0n);
    }
    throw new SymbolsError(`unsupported operator ${op}`);
  }

  /**
   * C's usual arithmetic conversions with a float or double operand, as gdb's binop_promote
   * for C: the wider floating type of the two (a float stays a float), the other converted.
   */
  private floatBinary(op: string, l: Value, r: Value, pointer: boolean): Value {
    if (['%', '<<', '>>', '&', '|', '^'].includes(op)) throw new SymbolsError('Integer-only operation on floating point number.');
    if (pointer) throw new SymbolsError('Argument to arithmetic operation not a number or boolean.');
    const size = Math.max(isFloat(l.type) ? sizeOf(l.type) : 0, isFloat(r.type) ? sizeOf(r.type) : 0);
    const t = size === 4 ? FLOAT : DOUBLE;
    const round = (x: number) => (size === 4 ? Math.fround(x) : x);
    const a = this.toFloat(l), b = this.toFloat(r);
    const x = round(a.x), y = round(b.x);
    const cmp = (c: boolean) => this.intVal(INT, c ? 1n : 0n);
    switch (op) {
      case '<': return cmp(x < y);
      case '>': return cmp(x > y);
      case '<=': return cmp(x <= y);
      case '>=': return cmp(x >= y);
      case '==': return cmp(x === y);
      case '!=': return cmp(x !== y);
    }
    let z: number;
    if (op === '+') z = x + y; else if (op === '-') z = x - y; else if (op === '*') z = x * y; else if (op === '/') z = x / y;
    else throw new SymbolsError(`unsupported operator ${op}`);
    // a NaN operand propagates (the first one, as x86 SSE does); a NaN made here is x86's default, negative
    const nan = Number.isNaN(x) ? a : Number.isNaN(y) ? b : { x: NaN, neg: true };
    return this.floatVal(t, Number.isNaN(z) ? nan : { x: z, neg: z < 0 });
  }

  private async identifier(name: string, env: EvalEnv): Promise<Value> {
    const pc = env.frame ? (env.frame.innermost ? env.frame.pc : env.frame.pc - 1n) : undefined;
    const d = this.vars.lookup(name, pc, env.frame?.inlineDepth);
    if (d && env.typeOnly) { const t = this.vars.typeOfVar(d); return { type: t, bytes: new Uint8Array(Math.min(sizeOf(t), MAX_VALUE_SIZE)), address: 0n }; }
    if (d) {
      // a struct, union or array in memory stays lazy: `big[3]`, `&big`, `big.m` read only what they need
      const k = strip(this.vars.typeOfVar(d)).kind;
      if (k === 'struct' || k === 'union' || k === 'array') {
        const r0 = await this.vars.read(d, env.frame, env.mem, true);
        if (r0.ok && r0.address !== undefined && !r0.bytes.length && sizeOf(r0.type) > 0) return { type: r0.type, bytes: r0.bytes, address: r0.address, lazy: true };
      }
      const r = await this.vars.read(d, env.frame, env.mem);
      // an optimized-out variable is a value too: printed as <optimized out>, an error only when its contents are needed
      if (!r.ok && r.reason === 'optimized out') return { type: r.type, bytes: new Uint8Array(Math.min(sizeOf(r.type), MAX_VALUE_SIZE)), optimizedOut: true };
      if (!r.ok) throw new SymbolsError(r.reason.replace(/^cannot access/, 'Cannot access'));
      return { type: r.type, bytes: r.bytes, address: r.address, unavailable: r.unavailable, register: r.register };
    }
    const en = this.enumerator(name);
    if (en) { const t = this.vars.types.read(en.type); return this.intVal(t, en.value); }
    const fn = this.functionNamed(name);
    if (fn) {
      // an out-of-line instance of an inline function keeps its type in the abstract DIE
      const src = this.dwarf.ref(fn, DW_AT.abstract_origin) ?? this.dwarf.ref(fn, DW_AT.specification) ?? fn;
      return { type: this.vars.types.read(src), bytes: new Uint8Array(0), address: fn.unit.ranges(fn)[0][0] };
    }
    throw new SymbolsError(`No symbol "${name}" in current context.`);
  }

  private enumerator(name: string): { value: bigint; type: Die } | undefined {
    if (!this.enumerators) {
      this.enumerators = new Map();
      for (const u of this.dwarf.units) {
        const visit = (d: Die, depth: number) => {
          for (const c of d.children) {
            if (c.tag === DW_TAG.enumeration_type) for (const en of c.children) { if (en.tag === DW_TAG.enumerator && en.name && !this.enumerators!.has(en.name)) this.enumerators!.set(en.name, { value: u.big(en.get(DW_AT.const_value)) ?? 0n, type: c }); }
            else if (depth < 2 && (c.tag === DW_TAG.typedef || c.tag === DW_TAG.structure_type)) visit(c, depth + 1);
          }
        };
        try { visit(u.root(), 0); } catch { /* partial */ }
      }
    }
    return this.enumerators.get(name);
  }

  private async register(name: string, env: EvalEnv): Promise<Value> {
    const f = env.frame;
    if (name === 'pc') { if (!f) throw new SymbolsError('No registers.'); return this.intVal(FUNC_PTR, f.pc); }
    const alias: Record<string, string> = { fp: 's0' };
    const idx = XREG.indexOf(alias[name] ?? name);
    const xi = /^x([0-9]|[12][0-9]|3[01])$/.exec(name);
    const reg = idx >= 0 ? idx : xi ? Number(xi[1]) : -1;
    if (reg >= 0) {
      const v = reg === 0 ? 0n : f?.regs.get(reg);
      if (v === undefined) throw new SymbolsError(f ? `value is not available` : 'No registers.');
      return this.intVal(reg === 1 ? FUNC_PTR : [2, 3, 4, 8].includes(reg) ? VOID_PTR : LONG, v);
    }
    const v = await env.readNamedRegister?.(name);
    if (v === undefined) throw new SymbolsError(`Invalid register \`${name}'`);
    return this.intVal(LONG, v);
  }
}
