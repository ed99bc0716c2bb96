// Stack unwinding: CFI (.debug_frame, then .eh_frame) first; the RISC-V frame-pointer
// convention (ra at fp-8, caller's fp at fp-16) and, for the innermost frame, the ra register
// as fallbacks; a caller-supplied hook for trap frames (where an interrupted context's
// registers were saved); and a clean stop at the bottom of a stack. Each machine frame is
// expanded into its inlined frames, innermost first, as gdb's backtrace shows them.
import { CallFrameInfo } from './dwarf/cfi';
import { evaluate, ExprContext } from './dwarf/expr';
import { Symbolizer } from './symbolizer';
import { DWARF_FP, DWARF_RA, DWARF_SP, leValue, MemoryReader, RegisterSet } from './target';
import { WarningSink } from './errors';

export interface MachineFrame extends RegisterSet {
  /** How this frame's registers were found. */
  how: 'innermost' | 'cfi' | 'frame-pointer' | 'return-address' | 'trap';
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
  machine: MachineFrame;
}

export interface UnwindOptions {
  maxFrames?: number;
  /**
   * For a frame in a trap entry (awareness knows which functions those are and where they
   * save the interrupted registers): the interrupted context, or undefined if not a trap frame.
   */
  trapFrame?: (frame: MachineFrame, functionName: string | undefined) => Promise<RegisterSet | undefined>;
  /** Stop after the frame of this function (gdb stops at main by default). */
  stopAt?: string[];
}

export class Unwinder {
  constructor(private readonly sym: Symbolizer, private readonly cfi: CallFrameInfo, private readonly warnings: WarningSink) {}

  /** Machine frames from the innermost outwards. Never throws; stops at the first frame it cannot unwind. */
  async machineFrames(start: RegisterSet, mem: MemoryReader, opts: UnwindOptions = {}): Promise<MachineFrame[]> {
    const max = opts.maxFrames ?? 256;
    const frames: MachineFrame[] = [{ pc: start.pc, regs: new Map(start.regs), how: 'innermost' }];
    try {
      while (frames.length < max) {
        const cur = frames[frames.length - 1];
        const name = this.sym.functionAt(frames.length === 1 ? cur.pc : cur.pc - 1n)?.name;
        if (name && opts.stopAt?.includes(name)) break;
        const next = await this.caller(cur, frames.length === 1, mem, opts, name);
        if (!next || next.pc === 0n) break;
        const spNew = next.regs.get(DWARF_SP), spOld = cur.regs.get(DWARF_SP);
        if (next.pc === cur.pc && spNew === spOld) break; // no progress
        if (!this.sym.functionAt(next.pc - 1n) && !this.sym.symbolAt(next.pc)) break; // left known code
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

  /** The backtrace as gdb prints it: machine frames expanded into inlined frames. */
  async backtrace(start: RegisterSet, mem: MemoryReader, opts: UnwindOptions = {}): Promise<Frame[]> {
    const out: Frame[] = [];
    const machine = await this.machineFrames(start, mem, opts);
    machine.forEach((m, i) => {
      const lookup = i === 0 ? m.pc : m.pc - 1n;
      let inl: ReturnType<Symbolizer['inlineFrames']> = [];
      try { inl = this.sym.inlineFrames(lookup); } catch (e) { this.warnings.caught('inline frames', e); }
      if (!inl.length) inl = [{ function: '??', inlined: false }];
      for (const f of inl) out.push({ level: out.length, pc: m.pc, function: f.function, file: f.file, line: f.line, inlined: f.inlined, machine: m });
    });
    return out;
  }
}
