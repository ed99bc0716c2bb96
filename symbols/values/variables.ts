// Variables: finding one by name the way C scoping (and gdb) does at a pc (block locals and
// parameters innermost first, then the unit's statics and globals, then globals and file
// statics of other units), reading its bytes through its location expression or location
// list in a given frame, and printing it as gdb's `print` does.
import { DW_AT, DW_TAG } from '../dwarf/constants';
import { Dwarf } from '../dwarf/dwarf';
import { evaluate, ExprContext, Location, Unavailable } from '../dwarf/expr';
import { Die, Unit } from '../dwarf/info';
import { Symbolizer } from '../symbolizer';
import { MemoryReader, RegisterSet } from '../target';
import { FormatContext, formatValue } from './format';
import { sizeOf, Type, typeName, TypeReader } from './types';

export interface FrameContext extends RegisterSet {
  /** Canonical frame address of this frame (for DW_OP_call_frame_cfa frame bases). */
  cfa?: bigint;
  /** True for the innermost frame (its pc is where it stopped, not a return address). */
  innermost: boolean;
  /** The calling frame, for DW_OP_entry_value through call-site parameters. */
  caller?: FrameContext;
  /**
   * How many of the inlined calls at pc this frame lies outside of (0: the innermost scope at
   * pc): names resolve in that function's scope, as in the gdb frame it stands for.
   */
  inlineDepth?: number;
}

const DW_AT_call_return_pc = 0x7d, DW_AT_call_value = 0x7e, DW_AT_call_origin = 0x7f, DW_AT_call_parameter = 0x80, DW_AT_call_target = 0x83;
const DW_AT_GNU_call_site_value = 0x2111, DW_AT_GNU_call_site_target = 0x2113;

/**
 * A variable's value: `register` when it lives in one DWARF register; `unavailable` marks (per
 * byte, 1) the parts of a value split into DW_OP_pieces that are optimized out.
 */
export type ReadResult = { ok: true; type: Type; bytes: Uint8Array; address?: bigint; register?: number; unavailable?: Uint8Array } | { ok: false; type: Type; reason: string };

const isVar = (d: Die) => d.tag === DW_TAG.variable || d.tag === DW_TAG.formal_parameter;

export class Variables {
  readonly types: TypeReader;
  constructor(private readonly dwarf: Dwarf, private readonly sym: Symbolizer) {
    this.types = new TypeReader(dwarf);
  }

  /** The DIE a name denotes at pc, outside `inlineDepth` inlined calls there (undefined when unknown). */
  lookup(name: string, pc?: bigint, inlineDepth = 0): Die | undefined {
    if (pc !== undefined) {
      const chain = this.scopesAt(pc, inlineDepth);
      for (const scope of chain) {
        for (const c of this.scopeVars(scope)) if (this.dwarf.nameOf(c) === name) return c;
        if (scope.tag === DW_TAG.subprogram || scope.tag === DW_TAG.inlined_subroutine) break;
      }
      const fn = chain[chain.length - 1];
      if (fn) for (const c of fn.unit.root().children) if (c.tag === DW_TAG.variable && this.dwarf.nameOf(c) === name && this.hasStorage(c)) return c;
    }
    // pick by reading single DIEs, then parse only the chosen one's unit (a global declared in
    // every unit of a kernel must not parse every unit)
    const all = this.dwarf.nameEntries(name).filter((e) => e.tag === DW_TAG.variable).map((e) => this.dwarf.peekAt(e.offset)).filter((d): d is Die => d !== undefined);
    const pick = all.find((d) => d.get(DW_AT.external) && this.hasStorage(d)) ?? all.find((d) => this.hasStorage(d)) ?? all[0];
    return pick && this.dwarf.dieAt(pick.offset);
  }

  private hasStorage(d: Die): boolean { return d.has(DW_AT.location) || d.has(DW_AT.const_value); }

  /** The scope chain at pc (innermost first) from the block enclosing the `inlineDepth`-th inlined call out (gdb's get_frame_block). */
  scopesAt(pc: bigint, inlineDepth = 0): Die[] {
    const chain = this.sym.scopeChain(pc);
    let i = 0;
    for (let n = 0; n < inlineDepth && i < chain.length; i++) if (chain[i].tag === DW_TAG.inlined_subroutine) n++;
    return inlineDepth > 0 ? chain.slice(i) : chain;
  }

  /** Locals and parameters visible at pc, innermost block first (as gdb's info locals / args), outside `inlineDepth` inlined calls. */
  localsAt(pc: bigint, inlineDepth = 0): Die[] {
    const out: Die[] = [];
    for (const scope of this.scopesAt(pc, inlineDepth)) {
      out.push(...this.scopeVars(scope, true));
      if (scope.tag === DW_TAG.subprogram || scope.tag === DW_TAG.inlined_subroutine) break;
    }
    return out;
  }

  /**
   * The variables a scope declares, as gdb reads them: its own, plus those of its abstract
   * origin (an inline function's or an out-of-line instance's abstract DIE) that no concrete
   * child stands for, including those in abstract lexical blocks no concrete block stands for
   * (gdb puts a block without addresses into the enclosing one). Inherited ones have no
   * location: gdb shows them as <optimized out>.
   */
  scopeVars(scope: Die, labels = false): Die[] {
    const out: Die[] = [];
    this.collectVars(scope, out, 0, true, labels);
    return out;
  }

  /**
   * gdb's reading of one scope: its variables; the variables of its lexical blocks that have
   * no addresses (gdb puts them in the enclosing block), recursively; and the variables of its
   * abstract origin that no concrete child stands for (abstract blocks count as address-less).
   */
  private collectVars(scope: Die, out: Die[], depth: number, inherit = true, labels = false): void {
    if (depth > 16) return;
    const pcLess = (d: Die) => d.tag === DW_TAG.lexical_block && d.unit.pcBounds(d) === 'none';
    // gdb's info locals also lists a goto label the compiler left without an address: gdb reads
    // it as an optimized-out symbol (`done = <optimized out>` in Linux's really_probe); labels
    // with an address are not locals, and no label is a name for expressions
    const take = (c: Die) => isVar(c) || (labels && c.tag === DW_TAG.label && !c.has(DW_AT.low_pc));
    for (const c of scope.children) {
      if (take(c)) out.push(c);
      else if (pcLess(c)) this.collectVars(c, out, depth + 1, false, labels); // gdb inherits nothing into an address-less block
    }
    if (!inherit) return;
    const origin = this.dwarf.ref(scope, DW_AT.abstract_origin);
    if (!origin) return;
    const used = new Set<number>();
    for (const c of scope.children) { const o = c.get(DW_AT.abstract_origin); if (o?.cls === 'ref') used.add(o.v as number); }
    for (const c of origin.children) {
      if (used.has(c.offset)) continue;
      if (take(c)) out.push(c);
      else if (pcLess(c)) this.collectVars(c, out, depth + 1, false, labels);
    }
  }

  typeOfVar(d: Die): Type {
    const t = this.dwarf.ref(d, DW_AT.type) ?? (() => { const o = this.dwarf.ref(d, DW_AT.abstract_origin) ?? this.dwarf.ref(d, DW_AT.specification); return o ? this.dwarf.ref(o, DW_AT.type) : undefined; })();
    return t ? this.types.read(t) : { kind: 'void' };
  }

  /** The variable's value; with `addressOnly`, a variable in memory comes back with its address and no bytes (nothing read). */
  async read(d: Die, frame: FrameContext | undefined, mem: MemoryReader, addressOnly = false): Promise<ReadResult> {
    const type = this.typeOfVar(d);
    const size = sizeOf(type);
    const u = d.unit;
    const cv = d.get(DW_AT.const_value);
    if (cv) {
      if (cv.v instanceof Uint8Array) return { ok: true, type, bytes: cv.v };
      const v = u.big(cv) ?? 0n;
      return { ok: true, type, bytes: toBytes(v, size) };
    }
    const la = d.get(DW_AT.location);
    if (!la) {
      // a declaration only (defined in assembly or by the linker script, e.g. Linux's jiffies):
      // the ELF symbol of that name gives its address, as gdb does
      const name = d.get(DW_AT.declaration) ? this.dwarf.nameOf(d) : undefined;
      const at = name !== undefined ? this.sym.symbolAddress(name) : undefined;
      if (at === undefined) return { ok: false, type, reason: 'optimized out' };
      if (addressOnly) return { ok: true, type, bytes: new Uint8Array(0), address: at };
      return this.fetch({ kind: 'memory', addr: at }, type, size, frame, mem);
    }
    let expr: Uint8Array | undefined;
    if (la.cls === 'exprloc' || la.cls === 'block') expr = la.v as Uint8Array;
    else {
      if (!frame) return { ok: false, type, reason: 'optimized out' };
      const pc = frame.innermost ? frame.pc : frame.pc - 1n;
      expr = u.locationList(la).find((e) => pc >= e.lo && pc < e.hi)?.expr;
      if (!expr) return { ok: false, type, reason: 'optimized out' };
    }
    const ctx = this.exprContext(u, frame, mem);
    let loc: Location;
    try {
      loc = await evaluate(expr, ctx);
    } catch (e) {
      if (e instanceof Unavailable) return { ok: false, type, reason: 'optimized out' };
      throw e;
    }
    if (loc.kind === 'optimizedOut' && loc.why === 'implicit pointer') return { ok: false, type, reason: 'synthetic pointer' };
    if (addressOnly && loc.kind === 'memory') return { ok: true, type, bytes: new Uint8Array(0), address: loc.addr };
    return this.fetch(loc, type, size, frame, mem);
  }

  /** How DWARF expressions of unit `u` read a frame: its registers, CFA, frame base, caller. */
  private exprContext(u: Unit, frame: FrameContext | undefined, mem: MemoryReader): ExprContext {
    const fnDie = frame ? this.sym.scopeChain(frame.innermost ? frame.pc : frame.pc - 1n).find((x) => x.tag === DW_TAG.subprogram) : undefined;
    const ctx: ExprContext = {
      addrSize: u.h.addrSize, little: true,
      readReg: async (n) => frame?.regs.get(n),
      readMem: (a, n) => mem.readMemory(a, n),
      cfa: async () => frame?.cfa,
      addrIndex: (i) => u.addrIndex(i),
      entryValue: async (sub) => this.entryValue(sub, frame, mem),
      parameterRef: async (off) => this.parameterValue(u.offset + off, frame, mem),
      frameBase: async () => {
        const fb = fnDie?.get(DW_AT.frame_base);
        if (!fb || !(fb.v instanceof Uint8Array)) return undefined;
        const l = await evaluate(fb.v, { ...ctx, frameBase: undefined });
        if (l.kind === 'memory') return l.addr;
        if (l.kind === 'register') return frame?.regs.get(l.reg);
        return undefined;
      },
    };
    return ctx;
  }

  /**
   * DW_OP_entry_value(DW_OP_regN): the value register N had when this frame's function was
   * entered, found as gdb does through the caller's call site (DW_TAG_call_site at the return
   * address) and its DW_TAG_call_site_parameter for that register, evaluated in the caller.
   */
  private async entryValue(sub: Uint8Array, frame: FrameContext | undefined, mem: MemoryReader): Promise<bigint | undefined> {
    if (sub.length !== 1 || sub[0] < 0x50 || sub[0] > 0x6f) return undefined;
    const reg = sub[0] - 0x50;
    return this.callSiteValue(frame, mem, (p) => { const l = p.get(DW_AT.location); return l?.v instanceof Uint8Array && l.v.length === 1 && l.v[0] === 0x50 + reg; });
  }

  /**
   * DW_OP_GNU_parameter_ref: the value the caller passed for a parameter that the callee (a
   * clone with that parameter removed) no longer has; the call site parameter names it by
   * DW_AT_call_parameter (or abstract_origin), as gdb resolves it.
   */
  private async parameterValue(paramOffset: number, frame: FrameContext | undefined, mem: MemoryReader): Promise<bigint | undefined> {
    return this.callSiteValue(frame, mem, (p) => {
      const a = p.get(DW_AT_call_parameter) ?? p.get(DW_AT.abstract_origin);
      return a?.cls === 'ref' && a.v === paramOffset;
    });
  }

  /** The value of the caller's call-site parameter chosen by `which`, evaluated in the caller. */
  private async callSiteValue(frame: FrameContext | undefined, mem: MemoryReader, which: (p: Die) => boolean): Promise<bigint | undefined> {
    const caller = frame?.caller;
    if (!caller) return undefined;
    const chain = this.sym.scopeChain(caller.pc - 1n);
    const fn = chain.find((x) => x.tag === DW_TAG.subprogram);
    if (!fn) return undefined;
    const u = fn.unit;
    const sites: Die[] = [];
    const walk = (d: Die, depth: number) => { for (const c of d.children) { if (c.tag === DW_TAG.call_site || c.tag === DW_TAG.GNU_call_site) sites.push(c); else if (depth < 16) walk(c, depth + 1); } };
    walk(fn, 0);
    const site = sites.find((s) => (u.addr(s.get(DW_AT_call_return_pc)) ?? u.addr(s.get(DW_AT.low_pc))) === caller.pc);
    if (!site) return undefined;
    // gdb uses a call site only when it can tell the call went to this frame's function
    const callee = this.sym.scopeChain(frame!.innermost ? frame!.pc : frame!.pc - 1n).find((x) => x.tag === DW_TAG.subprogram);
    const calleeLo = callee ? callee.unit.ranges(callee).reduce<bigint | undefined>((m, [lo]) => (m === undefined || lo < m ? lo : m), undefined) : undefined;
    if (calleeLo === undefined || (await this.callSiteTarget(site, caller, mem)) !== calleeLo) return undefined;
    for (const p of site.children) {
      if (!which(p)) continue;
      const val = p.get(DW_AT_call_value) ?? p.get(DW_AT_GNU_call_site_value);
      if (!(val?.v instanceof Uint8Array)) return undefined;
      const loc = await evaluate(val.v, this.exprContext(u, caller, mem)); // in the caller's frame
      if (loc.kind === 'memory') return loc.addr; // a DWARF expression value (not a location)
      if (loc.kind === 'value') return loc.value;
      if (loc.kind === 'register') return caller.regs.get(loc.reg);
      return undefined;
    }
    return undefined;
  }

  /**
   * The address a call site calls: its origin's entry (DW_AT_call_origin, or abstract_origin on
   * a GNU call site; by name through the ELF symbols when the origin is only a declaration), or
   * its DW_AT_call_target expression evaluated in the caller; undefined when it does not say.
   */
  private async callSiteTarget(site: Die, caller: FrameContext, mem: MemoryReader): Promise<bigint | undefined> {
    const u = site.unit;
    const origin = this.dwarf.ref(site, DW_AT_call_origin) ?? this.dwarf.ref(site, DW_AT.abstract_origin);
    if (origin) {
      const rs = origin.unit.ranges(origin);
      if (rs.length) return rs.reduce((m, [lo]) => (lo < m ? lo : m), rs[0][0]);
      const name = this.dwarf.nameOf(origin);
      return name !== undefined ? this.sym.symbolAddress(name) : undefined;
    }
    const t = site.get(DW_AT_call_target) ?? site.get(DW_AT_GNU_call_site_target);
    if (!(t?.v instanceof Uint8Array)) return undefined;
    const loc = await evaluate(t.v, {
      addrSize: u.h.addrSize, little: true,
      readReg: async (n) => caller.regs.get(n),
      readMem: (a, n) => mem.readMemory(a, n),
      cfa: async () => caller.cfa,
      addrIndex: (i) => u.addrIndex(i),
    });
    if (loc.kind === 'memory') return loc.addr;
    if (loc.kind === 'value') return loc.value;
    if (loc.kind === 'register') return caller.regs.get(loc.reg);
    return undefined;
  }

  private async fetch(loc: Location, type: Type, size: number, frame: FrameContext | undefined, mem: MemoryReader): Promise<ReadResult> {
    switch (loc.kind) {
      case 'memory': {
        if (size > MAX_VALUE_SIZE) return { ok: false, type, reason: tooLarge(size) };
        if (size === 0) return { ok: true, type, bytes: new Uint8Array(0), address: loc.addr }; // an empty struct reads nothing
        const b = await mem.readMemory(loc.addr, size);
        if (!b) return { ok: false, type, reason: `cannot access memory at address 0x${loc.addr.toString(16)}` };
        return { ok: true, type, bytes: b, address: loc.addr };
      }
      case 'register': {
        const v = frame?.regs.get(loc.reg);
        if (v === undefined) return { ok: false, type, reason: 'optimized out' };
        return { ok: true, type, bytes: toBytes(v, size), register: loc.reg };
      }
      case 'value': return { ok: true, type, bytes: toBytes(loc.value, size) };
      case 'implicit': return { ok: true, type, bytes: loc.bytes };
      case 'optimizedOut': return { ok: false, type, reason: 'optimized out' };
      case 'pieces': {
        // pieces that are optimized out leave the rest available, as gdb's partial values
        const out = new Uint8Array(size), mask = new Uint8Array(size);
        let off = 0;
        for (const p of loc.pieces) {
          const n = Math.max(0, Math.min(p.size, size - off));
          const r = await this.fetch(p.loc, type, p.size, frame, mem);
          if (r.ok) out.set(r.bytes.subarray(0, n), off);
          else if (r.reason === 'optimized out') mask.fill(1, off, off + n);
          else return { ok: false, type, reason: r.reason };
          off += p.size;
        }
        if (off < size) mask.fill(1, off);
        if (size > 0 && mask.every((x) => x)) return { ok: false, type, reason: 'optimized out' };
        return { ok: true, type, bytes: out, unavailable: mask.some((x) => x) ? mask : undefined };
      }
    }
  }

  /** `print NAME` as gdb shows the value (without the `$1 = `). */
  async print(d: Die, frame: FrameContext | undefined, mem: MemoryReader, fmt: FormatContext): Promise<string> {
    const r = await this.read(d, frame, mem);
    if (!r.ok) {
      if (r.reason === 'synthetic pointer') return `(${typeName(r.type)}) <synthetic pointer>`; // DW_OP_implicit_pointer
      return r.reason === 'optimized out' ? '<optimized out>' : `<error: ${r.reason}>`;
    }
    return formatValue(r.type, r.bytes, fmt, true, undefined, undefined, r.address, r.unavailable);
  }
}

/** The most bytes one value may read from the target (gdb's default max-value-size). */
export const MAX_VALUE_SIZE = 65536;
export const tooLarge = (n: number) => `value requires ${n} bytes, which is more than max-value-size`;

export function toBytes(v: bigint, size: number): Uint8Array {
  const out = new Uint8Array(Math.max(size, 0));
  let x = BigInt.asUintN(64, v);
  for (let i = 0; i < out.length && i < 8; i++) { out[i] = Number(x & 0xffn); x >>= 8n; }
  return out;
}
