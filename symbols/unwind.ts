// Stack unwinding: CFI (.debug_frame, then .eh_frame) first; the RISC-V frame-pointer
// convention (ra at fp-8, caller's fp at fp-16) and, for the innermost frame, the ra register
// as fallbacks; a caller-supplied hook for trap frames (where an interrupted context's
// registers were saved); and a clean stop at the bottom of a stack. Between a callee and its
// caller, the frames of tail calls are reconstructed from call-site information (tailcall.ts).
// Each frame is expanded into its inlined frames, innermost first, as gdb's backtrace shows
// them; at the innermost pc, inlined calls that begin there are hidden as gdb hides them.
import { CallFrameInfo } from './dwarf/cfi';
import { evaluate, ExprContext } from './dwarf/expr';
import { Symbolizer } from './symbolizer';
import { DWARF_FP, DWARF_RA, DWARF_SP, leValue, MemoryReader, RegisterSet } from './target';
import { WarningSink } from './errors';
import { TailCalls } from './tailcall';
import type { FrameContext } from './values/variables';

export interface MachineFrame extends RegisterSet {
  /**
   * How this frame's registers were found ('tail-call': a frame a tail call left off the stack,
   * with its caller's registers and the tail-call site's return address as pc).
   */
  how: 'innermost' | 'cfi' | 'frame-pointer' | 'return-address' | 'trap' | 'tail-call';
  cfa?: bigint;
}

export interface Frame {
  /** Position in the backtrace, 0 = innermost. */
  level: number;
  pc: bigint;
  function: string;
  file?: string;
  line?: number;
  inlined: boolean;
  /** A frame that a tail call left off the stack, reconstructed from DWARF call sites (gdb shows it the same way). */
  tailCall?: boolean;
  /** How many inlined calls at this pc the frame lies outside of (0: the innermost scope there). */
  inlineDepth?: number;
  machine: MachineFrame;
  /** For printVariable / printExpression in this frame: its registers, CFA, caller and scope (inlineDepth). */
  context?: FrameContext;
}

/** A user breakpoint at the stop pc, described by the function its location was set for. */
export interface StopBreakpoint {
  /**
   * gdb's location symbol: for `break FN` FN; for `break FILE:LINE`, `break *ADDR` and
   * instruction breakpoints the innermost (possibly inlined) function at the location
   * (SymbolFile.locationFunction); undefined when the location has no function.
   */
  function?: string;
}

export interface UnwindOptions {
  maxFrames?: number;
  /**
   * For a frame in a trap entry (awareness knows which functions those are and where they
   * save the interrupted registers): the interrupted context, or undefined if not a trap frame.
   */
  trapFrame?: (frame: MachineFrame, functionName: string | undefined) => Promise<RegisterSet | undefined>;
  /** Also stop after the frame of any of these functions. */
  stopAt?: string[];
  /**
   * Continue below `main` into the start-up code (gdb's `set backtrace past-main on`). By
   * default, as gdb, the backtrace ends with main's frame.
   */
  pastMain?: boolean;
  /**
   * Why the target stopped, for frame 0 where inlined calls begin at pc (gdb's
   * skip_inline_frames). By default (a pause, a signal, a line step, a breakpoint set on the
   * outer function) they are hidden and frame 0 is the function that makes those calls, at the
   * call's line; a user breakpoint at pc whose location is one of the inlined functions (or has
   * no function) stops hiding at that function. `stepInstruction` (stepi) hides none.
   * `inlineSkip` says exactly how many to hide (a stepper that steps "into" an inlined call
   * without running, as gdb's step does, counts them down); it is clamped to the ones that begin at pc.
   */
  stopBreakpoints?: StopBreakpoint[];
  stepInstruction?: boolean;
  inlineSkip?: number;
  /** Reconstruct frames of tail calls (default true, as gdb). */
  tailCalls?: boolean;
}

export class Unwinder {
  readonly tailCalls: TailCalls;
  constructor(private readonly sym: Symbolizer, private readonly cfi: CallFrameInfo, private readonly warnings: WarningSink) {
    this.tailCalls = new TailCalls(sym.dwarf, sym);
  }

  /** How many of the inlined calls that begin at pc frame 0 hides (see UnwindOptions). */
  hiddenInlineFrames(pc: bigint, opts: UnwindOptions = {}): number {
    try {
      const entries = this.sym.inlineEntriesAt(pc);
      if (opts.inlineSkip !== undefined) return Math.max(0, Math.min(entries.length, Math.floor(opts.inlineSkip)));
      if (opts.stepInstruction) return 0;
      let n = 0;
      for (const d of entries) {
        const name = this.sym.dwarf.nameOf(d);
        if (opts.stopBreakpoints?.some((b) => b.function === undefined || b.function === name)) break;
        n++;
      }
      return n;
    } catch (e) {
      this.warnings.caught('inline frames', e);
      return 0;
    }
  }

  /** Machine frames from the innermost outwards. Never throws; stops at the first frame it cannot unwind. */
  async machineFrames(start: RegisterSet, mem: MemoryReader, opts: UnwindOptions = {}): Promise<MachineFrame[]> {
    const max = opts.maxFrames ?? 256;
    const frames: MachineFrame[] = [{ pc: start.pc, regs: new Map(start.regs), how: 'innermost' }];
    const stopAt = opts.pastMain ? opts.stopAt ?? [] : [...(opts.stopAt ?? []), 'main'];
    try {
      while (frames.length < max) {
        const cur = frames[frames.length - 1];
        const name = this.sym.functionAt(frames.length === 1 ? cur.pc : cur.pc - 1n)?.name;
        if (name && stopAt.includes(name)) break;
        const next = await this.caller(cur, frames.length === 1, mem, opts, name);
        if (!next || next.pc === 0n) break;
        const spNew = next.regs.get(DWARF_SP), spOld = cur.regs.get(DWARF_SP);
        if (next.pc === cur.pc && spNew === spOld) break; // no progress
        if (!this.sym.functionAt(next.pc - 1n) && !this.sym.symbolAt(next.pc)) {
          // Left known code. A caller the CFI described exactly (a trap entry's saved pc: the
          // interrupted program) is still a frame, shown as `??` as gdb shows it; the walk ends there.
          if (next.how === 'cfi') frames.push(next);
          break;
        }
        frames.push(next);
      }
    } catch (e) {
      this.warnings.caught('unwinding', e);
    }
    return frames;
  }

  private async caller(cur: MachineFrame, innermost: boolean, mem: MemoryReader, opts: UnwindOptions, name: string | undefined): Promise<MachineFrame | undefined> {
    if (opts.trapFrame) {
      const t = await opts.trapFrame(cur, name);
      if (t) return { pc: t.pc, regs: new Map(t.regs), how: 'trap' };
    }
    const lookup = innermost ? cur.pc : cur.pc - 1n;
    const fde = this.cfi.find(lookup);
    const read8 = async (a: bigint) => { const b = await mem.readMemory(a, 8); return b && b.length === 8 ? leValue(b) : undefined; };
    if (fde) {
      const row = this.cfi.rowAt(fde, lookup);
      const ctx: ExprContext = {
        addrSize: 8, little: true,
        readReg: async (n) => cur.regs.get(n),
        readMem: (a, n) => mem.readMemory(a, n),
      };
      let cfa: bigint | undefined;
      if (row.cfa.kind === 'regOffset') {
        const base = cur.regs.get(row.cfa.reg);
        if (base === undefined) return undefined;
        cfa = BigInt.asUintN(64, base + BigInt(row.cfa.offset));
      } else {
        const l = await evaluate(row.cfa.expr, ctx);
        if (l.kind !== 'memory') return undefined;
        cfa = l.addr;
      }
      ctx.cfa = async () => cfa;
      const regs = new Map(cur.regs);
      for (const [reg, rule] of row.regs) {
        switch (rule.kind) {
          case 'undefined': regs.delete(reg); break;
          case 'same': break;
          case 'offset': { const v = await read8(cfa + BigInt(rule.offset)); if (v === undefined) regs.delete(reg); else regs.set(reg, v); break; }
          case 'valOffset': regs.set(reg, BigInt.asUintN(64, cfa + BigInt(rule.offset))); break;
          case 'register': { const v = cur.regs.get(rule.reg); if (v === undefined) regs.delete(reg); else regs.set(reg, v); break; }
          case 'expression': { const l = await evaluate(rule.expr, ctx, [cfa]); if (l.kind === 'memory') { const v = await read8(l.addr); if (v !== undefined) regs.set(reg, v); } break; }
          case 'valExpression': { const l = await evaluate(rule.expr, ctx, [cfa]); if (l.kind === 'memory') regs.set(reg, l.addr); else if (l.kind === 'value') regs.set(reg, l.value); break; }
        }
      }
      const ruleRa = row.regs.get(row.raReg);
      if (ruleRa?.kind === 'undefined') return undefined; // the CFI marks the bottom of the stack
      const ra = ruleRa ? regs.get(row.raReg) : cur.regs.get(row.raReg);
      if (ra === undefined) return undefined;
      regs.set(DWARF_SP, cfa);
      return { pc: ra, regs, how: 'cfi', cfa };
    }
    // No CFI: the frame-pointer convention, if s0 looks like a frame pointer into the stack.
    const fp = cur.regs.get(DWARF_FP), sp = cur.regs.get(DWARF_SP);
    if (fp !== undefined && sp !== undefined && fp > sp && fp - sp < 0x100000n && (fp & 7n) === 0n && this.setsFramePointer(lookup)) {
      let ra = await read8(fp - 8n), prevFp = await read8(fp - 16n);
      const isCode = (a: bigint | undefined) => a !== undefined && this.sym.isCode(a - 1n);
      // A leaf function saves only the caller's fp (at fp-8); its return address is still in ra.
      if (innermost && !isCode(ra) && isCode(cur.regs.get(DWARF_RA))) { prevFp = ra; ra = cur.regs.get(DWARF_RA); }
      if (ra !== undefined && prevFp !== undefined) {
        const regs = new Map(cur.regs);
        regs.set(DWARF_SP, fp); regs.set(DWARF_FP, prevFp); regs.set(DWARF_RA, ra);
        return { pc: ra, regs, how: 'frame-pointer', cfa: fp };
      }
    }
    if (innermost) {
      const ra = cur.regs.get(DWARF_RA);
      if (ra !== undefined) return { pc: ra, regs: new Map(cur.regs), how: 'return-address' };
    }
    return undefined;
  }

  /**
   * Whether the function containing pc has set up its own frame pointer before pc (an
   * `addi s0,sp,N`, `c.addi4spn s0,sp,N` or `c.mv s0,sp` in its first instructions). Without one,
   * s0 still belongs to a caller or to an interrupted context (assembly trap entries), and
   * following it would skip frames.
   */
  private setsFramePointer(pc: bigint): boolean {
    const fn = this.sym.functionAt(pc);
    if (!fn) return false;
    const elf = this.sym.elf;
    let a = fn.lo;
    for (let n = 0; n < 64 && a <= pc; n++) {
      const b = elf.readVirtual(a, 2);
      if (!b || b.length < 2) return false;
      const h = b[0] | (b[1] << 8);
      if ((h & 3) !== 3) {
        if ((h & 0xe01f) === 0 && (h & 0x1fe0) !== 0) return true; // c.addi4spn s0, sp, N
        if (h === 0x840a) return true; // c.mv s0, sp
        a += 2n;
        continue;
      }
      const w = elf.readVirtual(a, 4);
      if (!w || w.length < 4) return false;
      const insn = (w[0] | (w[1] << 8) | (w[2] << 16) | (w[3] << 24)) >>> 0;
      if ((insn & 0xfffff) === 0x10413) return true; // addi s0, sp, N
      a += 4n;
    }
    return false;
  }

  /** The CFA of a frame (from its CFI row), for frame bases that use DW_OP_call_frame_cfa. */
  async cfaOf(frame: RegisterSet, innermost: boolean, mem: MemoryReader): Promise<bigint | undefined> {
    try {
      const lookup = innermost ? frame.pc : frame.pc - 1n;
      const fde = this.cfi.find(lookup);
      if (!fde) return undefined;
      const row = this.cfi.rowAt(fde, lookup);
      if (row.cfa.kind === 'regOffset') {
        const base = frame.regs.get(row.cfa.reg);
        return base === undefined ? undefined : BigInt.asUintN(64, base + BigInt(row.cfa.offset));
      }
      const l = await evaluate(row.cfa.expr, { addrSize: 8, little: true, readReg: async (n) => frame.regs.get(n), readMem: (a, n) => mem.readMemory(a, n) });
      return l.kind === 'memory' ? l.addr : undefined;
    } catch (e) {
      this.warnings.caught('CFA', e);
      return undefined;
    }
  }

  /**
   * gdb's real frames: the machine frames with the tail-call frames between them, each as a
   * context for reading values (frame 0 outside the inlined calls it hides; each context's
   * caller is the next one, as gdb's entry values go through tail-call frames).
   */
  async contexts(start: RegisterSet, mem: MemoryReader, opts: UnwindOptions = {}): Promise<Array<{ machine: MachineFrame; context: FrameContext; tailCall: boolean }>> {
    const machine = await this.machineFrames(start, mem, opts);
    const out: Array<{ machine: MachineFrame; context: FrameContext; tailCall: boolean }> = [];
    for (let i = 0; i < machine.length; i++) {
      const m = machine[i];
      out.push({ machine: m, tailCall: false, context: { pc: m.pc, regs: m.regs, innermost: i === 0, cfa: await this.cfaOf(m, i === 0, mem), inlineDepth: i === 0 ? this.hiddenInlineFrames(m.pc, opts) : 0 } });
      const next = machine[i + 1];
      if (!next || next.how !== 'cfi' || opts.tailCalls === false) continue;
      let sites: ReturnType<TailCalls['framesBetween']> = [];
      try { sites = this.tailCalls.framesBetween(i === 0 ? m.pc : m.pc - 1n, next.pc); } catch (e) { this.warnings.caught('tail-call frames', e); }
      for (const s of sites) {
        const tm: MachineFrame = { pc: s.pc, regs: next.regs, how: 'tail-call' };
        out.push({ machine: tm, tailCall: true, context: { pc: s.pc, regs: next.regs, innermost: false, inlineDepth: 0 } });
      }
    }
    for (let i = 0; i + 1 < out.length; i++) out[i].context.caller = out[i + 1].context;
    return out;
  }

  /** The backtrace as gdb prints it: real frames (machine and tail-call) expanded into inlined frames. */
  async backtrace(start: RegisterSet, mem: MemoryReader, opts: UnwindOptions = {}): Promise<Frame[]> {
    const out: Frame[] = [];
    const real = await this.contexts(start, mem, opts);
    real.forEach(({ machine: m, context, tailCall }, i) => {
      const lookup = i === 0 ? m.pc : m.pc - 1n;
      let inl: ReturnType<Symbolizer['inlineFrames']> = [];
      try { inl = this.sym.inlineFrames(lookup); } catch (e) { this.warnings.caught('inline frames', e); }
      if (!inl.length) inl = [{ function: '??', inlined: false }];
      const skip = Math.min(context.inlineDepth ?? 0, inl.length - 1);
      for (let j = skip; j < inl.length; j++) {
        const f = inl[j];
        const ctx: FrameContext = j === skip ? context : { ...context, inlineDepth: j };
        out.push({ level: out.length, pc: m.pc, function: f.function, file: f.file, line: f.line, inlined: f.inlined, tailCall, inlineDepth: j, machine: m, context: ctx });
      }
    });
    return out;
  }
}
