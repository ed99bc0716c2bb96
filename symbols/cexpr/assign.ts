// gdb's `set var LHS = RHS` (issue 13, DAP setVariable / setExpression): the left side resolved
// to an lvalue (memory, a register, a bitfield in either), the right side converted to its type
// by gdb's value_cast rules for C, and the bytes written through the caller's writer.
//
// The conversion, as gdb 13's value_cast (checked against gdb-multiarch, assign.test.ts):
//   - the same type: copied as is;
//   - an array on the right decays to a pointer to its first element, a function to its address;
//   - to a float from any scalar (integer, char, bool, enum, float): converted;
//   - to an integer or enum from a scalar or pointer: converted (floats truncated, clamped to
//     64 bits), then truncated to the size; to a pointer from an integer or enum: the same;
//   - otherwise, types of the same size: the bytes reinterpreted (a pointer from a double, a
//     struct from another struct of its size);
//   - otherwise, a right side in memory: the left's type read at its address;
//   - otherwise "Invalid cast.".
import { SymbolsError } from '../errors';
import { DW_ATE } from '../dwarf/constants';
import { csrName } from '../disasm/csr-names';
import { XREG } from '../disasm/riscv';
import { MemoryWriter } from '../target';
import { le } from '../values/format';
import { findMember, sizeOf, strip, Type, typeName } from '../values/types';
import { Variables } from '../values/variables';
import { EvalEnv, ExpressionEvaluator, Value } from './evaluate';
import { Expr, parseExpression } from './parse';

const NOT_LVALUE = 'Left operand of assignment is not an lvalue.';
const INVALID_CAST = 'Invalid cast.';

/** Where an assignment writes. */
type Lvalue =
  | { kind: 'memory'; type: Type; address: bigint; bit?: { offset: number; size: number } }
  | { kind: 'register'; type: Type; reg: number; offset: number; bit?: { offset: number; size: number } };

let csrNumbers: Map<string, number> | undefined;
function csrNumber(name: string): number | undefined {
  if (!csrNumbers) {
    csrNumbers = new Map();
    for (let i = 0; i < 4096; i++) { const n = csrName(i); if (n !== undefined && !csrNumbers.has(n)) csrNumbers.set(n, i); }
  }
  return csrNumbers.get(name);
}

const isFloatType = (t: Type) => { const s = strip(t); return s.kind === 'base' && s.encoding === DW_ATE.float; };
const isBool = (t: Type) => { const s = strip(t); return s.kind === 'base' && s.encoding === DW_ATE.boolean; };
const isScalar = (t: Type) => { const k = strip(t).kind; return k === 'base' || k === 'enum'; };

function packInt(v: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = BigInt.asUintN(64, v);
  for (let i = 0; i < size && i < 8; i++) { out[i] = Number(x & 0xffn); x >>= 8n; }
  return out;
}

function packFloat(x: number, size: number): Uint8Array {
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  if (size === 4) dv.setFloat32(0, x, true); else if (size === 8) dv.setFloat64(0, x, true);
  else throw new SymbolsError(INVALID_CAST);
  return b;
}

export class Assigner {
  constructor(private readonly ev: ExpressionEvaluator, private readonly vars: Variables) {}

  /**
   * Assigns; resolves with the lvalue's expression text once written. Errors are gdb's
   * messages (thrown as SymbolsError inside the layer).
   */
  async assign(lhsSrc: string, rhsSrc: string, env: EvalEnv, writer: MemoryWriter): Promise<void> {
    if (typeof lhsSrc !== 'string' || typeof rhsSrc !== 'string') throw new SymbolsError('An assignment needs two expressions (strings).');
    const lhs = parseExpression(lhsSrc, this.ev.isTypeName);
    const rhs = parseExpression(rhsSrc, this.ev.isTypeName);
    // gdb resolves every name of `LHS = RHS` while parsing, left to right, before evaluating
    this.ev.checkSymbols(lhs, env);
    this.ev.checkSymbols(rhs, env);
    const lv = await this.lvalue(lhs, env);
    if (strip(lv.type).kind === 'function' || strip(lv.type).kind === 'void') throw new SymbolsError(INVALID_CAST);
    const rv = await this.ev.evalParsed(rhs, env);
    const bytes = await this.convert(rv, lv.type, env);
    await this.write(lv, bytes, env, writer);
  }

  /** The lvalue an expression denotes, or gdb's "not an lvalue". */
  private async lvalue(e: Expr, env: EvalEnv): Promise<Lvalue> {
    switch (e.k) {
      case 'id': {
        const f = env.frame;
        const pc = f ? (f.innermost ? f.pc : f.pc - 1n) : undefined;
        const d = this.vars.lookup(e.name, pc, f?.inlineDepth);
        if (!d) {
          // an enumerator (not an lvalue) or a function (gdb: the cast to a function type fails)
          const v = await this.ev.evalParsed(e, env);
          throw new SymbolsError(strip(v.type).kind === 'function' ? INVALID_CAST : NOT_LVALUE);
        }
        const r = await this.vars.read(d, f, env.mem, true);
        if (!r.ok) {
          if (r.reason === 'optimized out' || r.reason === 'synthetic pointer') throw new SymbolsError(NOT_LVALUE);
          throw new SymbolsError(r.reason.replace(/^cannot access/, 'Cannot access'));
        }
        if (r.address !== undefined) return { kind: 'memory', type: r.type, address: r.address };
        if (r.register !== undefined) return { kind: 'register', type: r.type, reg: r.register, offset: 0 };
        throw new SymbolsError(NOT_LVALUE); // a constant, a computed value, pieces
      }
      case 'reg': {
        const alias: Record<string, string> = { fp: 's0' };
        const n = alias[e.name] ?? e.name;
        const xi = /^x([0-9]|[12][0-9]|3[01])$/.exec(n);
        const idx = XREG.indexOf(n);
        const LONG: Type = { kind: 'base', name: 'long', size: 8, encoding: DW_ATE.signed };
        if (idx >= 0 || xi) return { kind: 'register', type: LONG, reg: idx >= 0 ? idx : Number(xi![1]), offset: 0 };
        const csr = csrNumber(n);
        // RISC-V psABI: CSRs are DWARF registers 4096 + number
        if (csr !== undefined) return { kind: 'register', type: LONG, reg: 4096 + csr, offset: 0 };
        if (n === 'pc') throw new SymbolsError('Cannot assign to $pc here (set the pc through the debugger\'s run control).');
        throw new SymbolsError(`Invalid register \`${e.name}'`);
      }
      case 'member': {
        let base: Lvalue;
        if (e.arrow) base = await this.pointee(e.obj, env);
        else base = await this.lvalue(e.obj, env);
        const s = strip(base.type);
        if (s.kind !== 'struct' && s.kind !== 'union') throw new SymbolsError(`Attempt to extract a component of a value that is not a structure${e.arrow ? ' pointer' : ''}.`);
        const m = findMember(s, e.name);
        if (!m) throw new SymbolsError(`There is no member named ${e.name}.`);
        const bit = m.bitSize !== undefined ? { offset: m.bitOffset ?? 0, size: m.bitSize } : undefined;
        if (base.kind === 'memory') return { kind: 'memory', type: m.type, address: base.address + BigInt(m.offset), bit };
        return { kind: 'register', type: m.type, reg: base.reg, offset: base.offset + m.offset, bit };
      }
      case 'index': {
        const i = this.ev.toInt(await this.ev.evalParsed(e.index, env));
        const obj = await this.ev.evalParsed(e.obj, env);
        const s = strip(obj.type);
        if (s.kind === 'array') {
          const es = BigInt(sizeOf(s.element));
          if (obj.address !== undefined) return { kind: 'memory', type: s.element, address: obj.address + i * es };
          const base = await this.lvalue(e.obj, env);
          if (base.kind === 'register') return { kind: 'register', type: s.element, reg: base.reg, offset: base.offset + Number(i * es) };
          throw new SymbolsError(NOT_LVALUE);
        }
        if (s.kind === 'pointer') {
          const t = s.target();
          return { kind: 'memory', type: t, address: this.ev.toInt(obj) + i * BigInt(sizeOf(t)) };
        }
        throw new SymbolsError('cannot subscript something of type `' + typeName(obj.type) + "'");
      }
      case 'unary':
        if (e.op === '*') return this.pointee(e.e, env);
        throw new SymbolsError(NOT_LVALUE);
      default:
        throw new SymbolsError(NOT_LVALUE);
    }
  }

  /** `*E` as an lvalue: the memory E points to. */
  private async pointee(e: Expr, env: EvalEnv): Promise<Lvalue> {
    const p = await this.ev.evalParsed(e, env);
    const s = strip(p.type);
    if (s.kind === 'pointer') {
      const t = s.target();
      const k = strip(t).kind;
      if (k === 'void') throw new SymbolsError('Attempt to take contents of a non-pointer value.');
      return { kind: 'memory', type: t, address: this.ev.toInt(p) };
    }
    if (s.kind === 'array') {
      if (p.address === undefined) throw new SymbolsError(NOT_LVALUE);
      return { kind: 'memory', type: s.element, address: p.address };
    }
    // gdb: `*` on an integer is an int at that address
    if (s.kind === 'base' && s.encoding !== DW_ATE.float && s.encoding !== DW_ATE.boolean) return { kind: 'memory', type: { kind: 'base', name: 'int', size: 4, encoding: DW_ATE.signed }, address: this.ev.toInt(p) };
    throw new SymbolsError('Attempt to take contents of a non-pointer value.');
  }

  /** The right side's bytes as a value of type `to` (gdb's value_cast). */
  private async convert(v: Value, to: Type, env: EvalEnv): Promise<Uint8Array> {
    if (v.optimizedOut || v.unavailable?.some((x) => x)) throw new SymbolsError('value has been optimized out');
    const toSize = sizeOf(to);
    const ts = strip(to);
    if (v.type === to) return this.bytesOf(v, env, toSize);
    let from = v;
    const fs0 = strip(v.type);
    // arrays decay to pointers, functions to their addresses
    if (fs0.kind === 'array') {
      if (v.address === undefined) throw new SymbolsError('Attempt to take address of value not located in memory.');
      from = { type: { kind: 'pointer', size: 8, target: () => fs0.element }, bytes: packInt(v.address, 8) };
    } else if (fs0.kind === 'function') {
      from = { type: { kind: 'pointer', size: 8, target: () => fs0 }, bytes: packInt(v.address ?? 0n, 8) };
    }
    const fs = strip(from.type);
    const fromScalar = isScalar(from.type);
    if (isFloatType(to) && fromScalar) {
      return packFloat(this.ev.toFloat(await this.fetched(from, env)).x, toSize);
    }
    if ((ts.kind === 'base' || ts.kind === 'enum') && !isFloatType(to) && (fromScalar || fs.kind === 'pointer')) {
      const x = this.ev.toInt(await this.fetched(from, env));
      return packInt(isBool(to) ? (x !== 0n ? 1n : 0n) : x, toSize);
    }
    if (ts.kind === 'pointer' && (fs.kind === 'enum' || (fs.kind === 'base' && !isFloatType(from.type)))) {
      return packInt(this.ev.toInt(await this.fetched(from, env)), toSize);
    }
    const fromSize = sizeOf(from.type);
    if (toSize === fromSize) return this.bytesOf(from, env, toSize);
    if (from === v && v.address !== undefined) {
      // gdb reads the left side's type at the right side's address
      const b = await env.mem.readMemory(v.address, toSize);
      if (!b) throw new SymbolsError(`Cannot access memory at address 0x${v.address.toString(16)}`);
      return b;
    }
    throw new SymbolsError(INVALID_CAST);
  }

  private async fetched(v: Value, env: EvalEnv): Promise<Value> {
    if (!v.lazy || v.address === undefined) return v;
    return { ...v, bytes: await this.bytesOf(v, env, sizeOf(v.type)), lazy: false };
  }

  private async bytesOf(v: Value, env: EvalEnv, n: number): Promise<Uint8Array> {
    if (v.lazy && v.address !== undefined) {
      if (n === 0) return new Uint8Array(0);
      const b = await env.mem.readMemory(v.address, n);
      if (!b) throw new SymbolsError(`Cannot access memory at address 0x${v.address.toString(16)}`);
      return b;
    }
    const out = new Uint8Array(n);
    out.set(v.bytes.subarray(0, n));
    return out;
  }

  private async write(lv: Lvalue, bytes: Uint8Array, env: EvalEnv, writer: MemoryWriter): Promise<void> {
    if (lv.kind === 'memory') {
      if (lv.bit) {
        // read-modify-write of the bytes holding the field (gdb truncates a value that does not fit)
        const first = Math.floor(lv.bit.offset / 8), span = Math.ceil(((lv.bit.offset % 8) + lv.bit.size) / 8);
        const at = lv.address + BigInt(first);
        const old = await env.mem.readMemory(at, span);
        if (!old) throw new SymbolsError(`Cannot access memory at address 0x${at.toString(16)}`);
        const shift = BigInt(lv.bit.offset % 8), mask = ((1n << BigInt(lv.bit.size)) - 1n) << shift;
        const word = (le(old, 0, span) & ~mask) | ((le(bytes, 0, bytes.length) << shift) & mask);
        await this.writeMemory(writer, at, packInt(word, span).subarray(0, span));
        return;
      }
      if (bytes.length === 0) return;
      await this.writeMemory(writer, lv.address, bytes);
      return;
    }
    const f = env.frame;
    if (!f) throw new SymbolsError('No registers.');
    if (!f.innermost) throw new SymbolsError('Cannot assign to a register in an outer frame.');
    if (!writer.writeRegister) throw new SymbolsError('Cannot write registers on this target.');
    const old = f.regs.get(lv.reg) ?? (lv.reg >= 4096 ? await env.readNamedRegister?.(csrName(lv.reg - 4096) ?? '') : undefined);
    if (old === undefined && (lv.offset !== 0 || lv.bit || (bytes.length < 8 && !(lv.reg >= 32 && lv.reg < 64 && bytes.length === 4)))) throw new SymbolsError('value is not available');
    // a float in a 64-bit FP register is NaN-boxed (upper half all ones)
    let word = old ?? (lv.reg >= 32 && lv.reg < 64 && bytes.length === 4 ? 0xffffffff00000000n : 0n);
    if (lv.bit) {
      const shift = BigInt(lv.offset * 8 + lv.bit.offset), mask = ((1n << BigInt(lv.bit.size)) - 1n) << shift;
      word = (word & ~mask) | ((le(bytes, 0, bytes.length) << shift) & mask);
    } else {
      // the value's bytes at its offset in the register, the rest kept (gdb's put_frame_register_bytes)
      const n = Math.min(bytes.length, 8 - lv.offset);
      if (n <= 0) throw new SymbolsError(NOT_LVALUE);
      const shift = BigInt(lv.offset * 8), mask = (n >= 8 ? (1n << 64n) - 1n : (1n << BigInt(n * 8)) - 1n) << shift;
      word = (word & ~mask) | ((le(bytes, 0, n) << shift) & mask);
    }
    word = BigInt.asUintN(64, word);
    try {
      await writer.writeRegister(lv.reg, word);
    } catch (e) {
      throw new SymbolsError(`Cannot write register ${lv.reg < 32 ? XREG[lv.reg] : lv.reg >= 4096 ? csrName(lv.reg - 4096) ?? lv.reg : lv.reg}: ${e instanceof Error ? e.message : String(e)}`);
    }
    // the frame now shows the new value
    f.regs.set(lv.reg, word);
  }

  private async writeMemory(writer: MemoryWriter, at: bigint, bytes: Uint8Array): Promise<void> {
    try {
      await writer.writeMemory(at, bytes);
    } catch {
      throw new SymbolsError(`Cannot access memory at address 0x${at.toString(16)}`);
    }
  }
}

