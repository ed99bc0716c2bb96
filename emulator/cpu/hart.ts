// One RV64 hart: its architectural state, the instruction loop (fetch through a per-page
// decode cache, execute through the decode table) and the data-access helpers that the
// instruction groups call (TLB hit inline, RAM through typed-array views, everything else
// through the bus). Traps unwind with a preallocated sentinel, so the loop allocates nothing.
import { Bus, DecodedPage, PAGE_JIT } from '../bus/bus';
import { FpRegs } from './fpu/fpu';
import { CSR, Cause, IRQ_PRIORITY, MPP_SHIFT, MS } from './csr-numbers';
import { DECODER, EXEC, ILLEGAL_OP } from './instructions';
import { expandCompressed } from './compressed';
import { ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE, levelsOf, Tlb, walk } from './mmu';
import { Csrs, hiOf, loOf } from './csr';
import type { StateReader, StateValue } from '../checkpoint/state';

/** A translator of guest code (cpu/jit): runs the fast loop's instructions in its place. */
export interface HartTranslator {
  /** As Hart.inner: runs until n reaches budget or yieldFlag is set; returns the new n. */
  run(h: Hart, n: number, budget: number): number;
}

/** Thrown (never allocated per trap) to unwind from a faulting instruction to the loop. */
export const TRAP_UNWIND = { unwind: 'trap' } as const;

const TWO32 = 4294967296;
/**
 * Wide data addresses (Sv57's, beyond ±2^52) are held as numbers in one of two windows of
 * 2^51 bytes, at the ends of the exact range of doubles where no plain address falls (those
 * stay within ±(2^52 + 2^33)): WIN0_BASE + offset and WIN1_BASE + offset. Both bases are
 * page aligned and leave a page of headroom below 2^53 for the slow paths' va + k.
 */
const WIN_SPAN = 2 ** 51;
const WIN0_BASE = 2 ** 53 - WIN_SPAN - 4096;
const WIN1_BASE = -(2 ** 53) + 4096;
/** Plain addresses lie within ±PLAIN; window numbers (and va + k past a window's end) beyond. */
const PLAIN = 2 ** 52 + 2 ** 34;
/** No address has this window tag (tags are hi >> 19, within -4096..4095). */
const NO_WINDOW = 0x10000;

/** What the hart asks of the machine around it. */
export interface HartEnv {
  /** mtime now, as this hart sees it. */
  timeNow(h: Hart): number;
  /**
   * An access of [va, va+size) is about to happen (called only while watchpoints exist, once
   * the address has translated, before memory is touched; va as the hart holds it: h.vaWords
   * gives the address). True: a watchpoint stops the hart before the access, as QEMU does (the
   * instruction is abandoned without effect; pc stays on it).
   */
  watchAccess?(h: Hart, va: number, size: number, write: boolean): boolean;
}

export class Hart {
  /** x registers: x[n] low word at x[2n], high word at x[2n+1]. */
  readonly x = new Int32Array(64);
  readonly f = new FpRegs();
  readonly csr: Csrs;
  /**
   * pc as a number, relative to pcHi: the pc is pcHi·2^32 + pc. pcHi is 0 (pc is the signed
   * 64-bit value itself) except while the pc is beyond ±2^52, which only Sv57 can fetch from
   * (a double is exact to 2^53): then pcHi is its high word and pc starts as its low word.
   * Branches and jal move pc relative to the same pcHi; jumps through registers, trap entry,
   * xRET and the debugger set both (setPcWords / jumpWords).
   */
  pc = 0;
  /** Where the instruction being executed continues (pc + its length, or a jump target). */
  nextPc = 0;
  pcHi = 0;
  priv = 3;
  /** Retired instructions of this hart. */
  instret = 0;
  /** Parked by WFI until an enabled interrupt is pending. */
  waiting = false;
  /** Leave the inner loop to look at interrupts / stop requests. */
  yieldFlag = false;
  /** Leave run() early: the machine must recompute deadlines or stop. */
  reschedule = false;
  /** Set by the machine to stop this hart at the next instruction boundary. */
  stopRequested = false;
  /** Breakpoints (virtual pcs); undefined when none, so the fast loop runs. */
  breakpoints: Set<number> | undefined;
  /** Breakpoints beyond ±2^52 (Sv57): high word -> set of low words (unsigned). */
  wideBreakpoints: Map<number, Set<number>> | undefined;
  /** Skip the breakpoint at the current pc once (resuming from it). */
  skipBreakpointOnce = false;
  breakpointHit = false;
  /** A debugger's step that takes no interrupt (Target.step's noInterrupts); outside the hot loop. */
  maskInterrupts = false;
  watchOn = false;
  /** Watchpoints do not fire while instret equals this (resuming from a watchpoint stop). */
  watchSkipInstret = -1;
  /** Same trap at the same pc with nothing retired in between, repeated: reported, not run forever. */
  faultLoop = false;
  /** The last synchronous trap: its pc, cause and tval (words). */
  lastTrapPcLo = 0;
  lastTrapPcHi = 0;
  lastTrapCause = -1;
  private lastTrapInstret = -1;
  private sameTrapCount = 0;
  lastTrapTvalLo = 0;
  lastTrapTvalHi = 0;

  // Result of 64-bit loads.
  vlo = 0;
  vhi = 0;
  /** Words of a data address (vaWords). */
  wlo = 0;
  whi = 0;
  /** The two windows of wide addresses: their high 13 bits (hi >> 19), and the one used last. */
  private win0 = NO_WINDOW;
  private win1 = NO_WINDOW;
  private winLast = 0;
  /** Words of a pc-relative value (pcWords). */
  plo = 0;
  phi = 0;

  // Memory.
  readonly bus: Bus;
  private readonly ram32: Int32Array;
  private readonly ram16: Uint16Array;
  private readonly ram8: Uint8Array;
  private readonly ramBase: number;
  private readonly ramSize: number;
  private readonly pageFlags: Uint8Array;

  // Translation state.
  /** Data accesses translate (effective privilege below M and satp in Sv39, Sv48 or Sv57). */
  dataVm = false;
  fetchVm = false;
  readonly tlbR = new Tlb();
  readonly tlbW = new Tlb();
  readonly tlbX = new Tlb();
  /** TLB tags are vpn * 16 + context (privilege, SUM, MXR), see updateVm. */
  fetchCtx = 3;
  dataCtx = 3;
  /** Virtual base of the page the fetch cache holds (NaN: none); read by the translator. */
  fBase = NaN;
  private fPage: DecodedPage | null = null;
  /** Decoded slots of the fetch page, null when it is not RAM (the boot ROM). */
  fCode: Int32Array | null = null;
  /** RAM offset of the fetch page. */
  fOff = 0;
  /** Translator used in place of the fast loop (undefined: the interpreter; see Machine's jit option). */
  translator: HartTranslator | undefined;
  private slowInsn = 0;

  constructor(readonly id: number, bus: Bus, readonly env: HartEnv) {
    this.bus = bus;
    this.ram32 = bus.ram32;
    this.ram16 = bus.ram16;
    this.ram8 = bus.ram;
    this.ramBase = bus.ramBase;
    this.ramSize = bus.ramSize;
    this.pageFlags = bus.pageFlags;
    this.csr = new Csrs(this);
  }

  // ---------------------------------------------------------------- run loop

  /** Runs up to `budget` instructions (fewer on stop, breakpoint, WFI or reschedule); returns steps taken. */
  run(budget: number): number {
    let n = 0;
    if (this.breakpoints === undefined) this.skipBreakpointOnce = false;
    while (n < budget) {
      this.yieldFlag = false;
      if (this.stopRequested || this.faultLoop || this.breakpointHit) break;
      if (this.waiting) {
        if (this.maskInterrupts || !this.csr.interruptWaiting()) break;
        this.waiting = false;
      }
      const retired = this.instret;
      try {
        if (!this.maskInterrupts) this.takeInterrupt();
        // Breakpoints or watchpoints set: every hart interprets (the translator never runs then).
        n = this.breakpoints === undefined && !this.watchOn
          ? (this.translator === undefined ? this.inner(n, budget) : this.translator.run(this, n, budget))
          : this.innerDebug(n, budget);
      } catch (e) {
        if (e !== TRAP_UNWIND) throw e;
        // The trap unwound the loop and its count: each instruction it completed retired once,
        // and the one that trapped is a step too. (Counting only n++ let a slice overrun its budget.)
        n += this.instret - retired + 1;
      }
      if (this.reschedule) { this.reschedule = false; break; }
    }
    return n;
  }

  /** The interpreter's fast loop (also the translator's fallback, one instruction at a time). */
  inner(n: number, budget: number): number {
    const x = this.x;
    const exec = EXEC;
    for (; n < budget && !this.yieldFlag; n++) {
      const pc = this.pc;
      const rel = pc - this.fBase;
      if (!(rel >= 0 && rel < 4096)) this.refillFetch(pc);
      const code = this.fCode;
      let op: number, insn: number;
      if (code !== null) {
        const k = pc & 4094;
        op = code[k];
        if (op === 0) op = this.decodeSlot(this.fPage!, k >> 1, pc);
        insn = code[k + 1];
      } else {
        op = this.fetchSlow(pc);
        insn = this.slowInsn;
      }
      this.nextPc = pc + 4 - ((op & 1) << 1);
      exec[op >> 1](this, insn);
      x[0] = 0; x[1] = 0;
      this.pc = this.nextPc;
      this.instret++;
    }
    return n;
  }

  /**
   * As inner, but also stops after an instruction that does not fall through (a taken branch, a
   * jump, an xRET), unless it jumps forward within a page that holds no compiled code: the
   * translator interprets cold code a stretch at a time and looks for compiled code (and counts
   * heat) only where a stretch starts. Every loop has a backward transfer, so loop heads still
   * start stretches; forward jumps inside cold code (if/else, loop exits) no longer cost a trip
   * through the dispatcher; in a page with blocks, every landing place is looked up as before.
   */
  innerStretch(n: number, budget: number): number {
    const x = this.x;
    const exec = EXEC;
    while (n < budget && !this.yieldFlag) {
      const pc = this.pc;
      const rel = pc - this.fBase;
      if (!(rel >= 0 && rel < 4096)) this.refillFetch(pc);
      const code = this.fCode;
      let op: number, insn: number;
      if (code !== null) {
        const k = pc & 4094;
        op = code[k];
        if (op === 0) op = this.decodeSlot(this.fPage!, k >> 1, pc);
        insn = code[k + 1];
      } else {
        op = this.fetchSlow(pc);
        insn = this.slowInsn;
      }
      const next = pc + 4 - ((op & 1) << 1);
      this.nextPc = next;
      exec[op >> 1](this, insn);
      x[0] = 0; x[1] = 0;
      const np = this.nextPc;
      this.pc = np;
      this.instret++;
      n++;
      // fBase is NaN once translation or privilege changed (updateVm, flushFetch): stops too
      if (np !== next && !(np > pc && np - this.fBase < 4096 && code !== null && (this.pageFlags[this.fOff >>> 12] & PAGE_JIT) === 0)) break;
    }
    return n;
  }

  /** The loop with breakpoint checks and watchpoints on (only while any are set). */
  private innerDebug(n: number, budget: number): number {
    const x = this.x;
    for (; n < budget && !this.yieldFlag; n++) {
      const pc = this.pc;
      if (this.breakpoints !== undefined && (this.pcHi === 0 ? this.breakpoints.has(pc) : this.atWideBreakpoint(pc))) {
        if (this.skipBreakpointOnce) this.skipBreakpointOnce = false;
        else { this.breakpointHit = true; this.yieldFlag = true; break; }
      }
      this.skipBreakpointOnce = false;
      const rel = pc - this.fBase;
      if (!(rel >= 0 && rel < 4096)) this.refillFetch(pc);
      const page = this.fPage;
      let op: number, insn: number;
      if (page !== null) {
        const k = pc & 4094;
        op = page.code[k];
        if (op === 0) op = this.decodeSlot(page, k >> 1, pc);
        insn = page.code[k + 1];
      } else {
        op = this.fetchSlow(pc);
        insn = this.slowInsn;
      }
      this.nextPc = pc + 4 - ((op & 1) << 1);
      EXEC[op >> 1](this, insn);
      x[0] = 0; x[1] = 0;
      this.pc = this.nextPc;
      this.instret++;
    }
    return n;
  }

  // ---------------------------------------------------------------- fetch

  /** RAM offset of an instruction fetch (a small integer: never boxed, see loadOff). */
  private fetchOff(va: number): number {
    // (A pc beyond ±2^52 untranslated is a physical address where nothing is: NaN, a fault.)
    if (!this.fetchVm) return this.pcHi === 0 ? va - this.ramBase : NaN;
    const vpn = Math.floor(va / 4096), k = vpn & 255;
    if (this.tlbX.tag[k] === vpn * 16 + this.fetchCtx) return this.tlbX.pa[k] - this.ramBase + (va & 4095);
    return walk(this, va, ACCESS_FETCH, true) - this.ramBase;
  }

  private fetchPa(va: number): number { return this.fetchOff(va) + this.ramBase; }

  /** Points the fetch cache at pc's page (may trap: fetch fault). */
  refillFetch(pc: number): void {
    const off = this.fetchOff(pc);
    if (off >= 0 && off < this.ramSize) {
      const page = this.bus.decodedPage(off);
      this.fPage = page; this.fCode = page.code;
      this.fOff = off - (off & 4095);
    } else {
      this.fPage = null; this.fCode = null;
      // Not RAM: only the boot ROM is executable (fetching from a device would have side effects).
      if (!this.inRom(off + this.ramBase)) this.trapFetch(Cause.InsnAccess, pc);
    }
    this.fBase = pc - (pc & 4095);
  }

  /** Raw bits of the instruction at va (16 or 32 bits), through the fetch translation. */
  fetchBits(va: number): number {
    const lo = this.fetch16(va);
    if ((lo & 3) !== 3) return lo;
    return (lo | (this.fetch16(va + 2) << 16)) >>> 0;
  }

  private fetch16(va: number): number {
    const pa = this.fetchPa(va);
    const off = pa - this.ramBase;
    if (off >= 0 && off + 2 <= this.ramSize) return this.ram16[off >> 1];
    if (!this.inRom(pa)) this.trapFetch(Cause.InsnAccess, va);
    return this.bus.read(pa, 2);
  }

  private inRom(pa: number): boolean {
    const r = pa - this.bus.romBase;
    return r >= 0 && r + 2 <= this.bus.rom.length;
  }

  private decodeInsn(bits: number): number {
    if ((bits & 3) !== 3) {
      const e = expandCompressed(bits);
      this.slowInsn = e === 0 ? bits : e;
      return ((e === 0 ? ILLEGAL_OP : DECODER.lookup(e) + 1) << 1) | 1;
    }
    this.slowInsn = bits | 0;
    return (DECODER.lookup(bits) + 1) << 1;
  }

  private decodeSlot(page: DecodedPage, slot: number, pc: number): number {
    const lo = this.ram16[(this.fOff >> 1) + slot];
    let bits = lo;
    let cacheable = true;
    if ((lo & 3) === 3) {
      if (slot === 2047) { bits = this.fetchBits(pc); cacheable = false; }
      else bits = lo | (this.ram16[(this.fOff >> 1) + slot + 1] << 16);
    }
    const op = this.decodeInsn(bits);
    page.code[2 * slot + 1] = this.slowInsn;
    if (cacheable) {
      page.code[2 * slot] = op;
      this.bus.markCode(this.fOff >>> 12);
    }
    return op;
  }

  private fetchSlow(pc: number): number {
    return this.decodeInsn(this.fetchBits(pc));
  }

  /** Drop cached translations (satp writes, SFENCE.VMA). */
  flushTlb(): void {
    this.tlbR.flush(); this.tlbW.flush(); this.tlbX.flush();
    this.updateVm();
  }

  /** FENCE.I and anything else that may have changed code. */
  flushFetch(): void {
    this.fBase = NaN;
  }

  /**
   * Privilege, MPRV/MPP, SUM, MXR or satp changed: recompute whether accesses translate and
   * the context their TLB entries are tagged with (entries made under another privilege or
   * SUM/MXR setting simply miss, so traps and returns need no flush).
   */
  updateVm(): void {
    const paging = levelsOf(this.csr.satpMode()) !== 0;
    const ms = this.csr.mstatus;
    const dataPriv = (ms & MS.MPRV) !== 0 ? (ms >> MPP_SHIFT) & 3 : this.priv;
    this.fetchVm = paging && this.priv < 3;
    this.dataVm = paging && dataPriv < 3;
    this.fetchCtx = this.priv;
    this.dataCtx = dataPriv | ((ms & MS.SUM) !== 0 ? 4 : 0) | ((ms & MS.MXR) !== 0 ? 8 : 0);
    this.fBase = NaN;
  }

  // ---------------------------------------------------------------- traps

  /** Raises a synchronous exception at the current instruction; never returns. */
  trap(cause: number, tval: number): never {
    this.enterTrap(cause, false, loOf(tval), hiOf(tval));
    throw TRAP_UNWIND;
  }

  /** A data access fault at va (a data address as the hart holds it, see addr). */
  trapData(cause: number, va: number): never {
    this.vaWords(va);
    return this.trapWords(cause, this.wlo, this.whi);
  }

  /** trap() with tval as words. */
  trapWords(cause: number, tvalLo: number, tvalHi: number): never {
    this.enterTrap(cause, false, tvalLo, tvalHi);
    throw TRAP_UNWIND;
  }

  /** A fetch fault at va, a pc-like value relative to pcHi. */
  private trapFetch(cause: number, va: number): never {
    this.pcWords(va);
    return this.trapWords(cause, this.plo, this.phi);
  }

  illegal(): never {
    let bits = 0;
    try { bits = this.fetchBits(this.pc); } catch (e) { if (e !== TRAP_UNWIND) throw e; }
    this.enterTrap(Cause.Illegal, false, bits, 0);
    throw TRAP_UNWIND;
  }

  /** Takes a trap at pc: delegation, xEPC/xCAUSE/xTVAL, status stack, new pc and privilege. */
  enterTrap(cause: number, interrupt: boolean, tvalLo: number, tvalHi: number): void {
    const c = this.csr;
    this.pcWords(this.pc);
    const epcLo = this.plo, epcHi = this.phi;
    if (!interrupt) {
      if (epcLo === this.lastTrapPcLo && epcHi === this.lastTrapPcHi && cause === this.lastTrapCause && this.instret === this.lastTrapInstret) {
        if (++this.sameTrapCount >= 16) { this.faultLoop = true; this.yieldFlag = true; }
      } else this.sameTrapCount = 0;
      this.lastTrapPcLo = epcLo; this.lastTrapPcHi = epcHi;
      this.lastTrapCause = cause; this.lastTrapInstret = this.instret;
      this.lastTrapTvalLo = tvalLo; this.lastTrapTvalHi = tvalHi;
    }
    const delegated = this.priv <= 1 && (((interrupt ? c.mideleg : c.medeleg) >>> cause) & 1) !== 0;
    let ms = c.mstatus;
    let tvec: number;
    if (delegated) {
      c.setPair(CSR.sepc, epcLo, epcHi);
      c.setPair(CSR.scause, cause, interrupt ? 0x80000000 | 0 : 0);
      c.setPair(CSR.stval, tvalLo, tvalHi);
      ms = (ms & ~(MS.SPP | MS.SPIE | MS.SIE)) | (this.priv << 8) | ((ms & MS.SIE) ? MS.SPIE : 0);
      tvec = CSR.stvec;
      this.priv = 1;
    } else {
      c.setPair(CSR.mepc, epcLo, epcHi);
      c.setPair(CSR.mcause, cause, interrupt ? 0x80000000 | 0 : 0);
      c.setPair(CSR.mtval, tvalLo, tvalHi);
      ms = (ms & ~(MS.MPP | MS.MPIE | MS.MIE)) | (this.priv << MPP_SHIFT) | ((ms & MS.MIE) ? MS.MPIE : 0);
      tvec = CSR.mtvec;
      this.priv = 3;
    }
    c.mstatus = ms;
    // xtvec: BASE, plus 4·cause for an interrupt in vectored mode.
    const tlo = c.store[2 * tvec], thi = c.store[2 * tvec + 1];
    const base = tlo & ~3;
    const lo = (tlo & 3) === 1 && interrupt ? (base + 4 * cause) | 0 : base;
    this.setPcWords(lo, (lo >>> 0) < (base >>> 0) ? (thi + 1) | 0 : thi);
    this.waiting = false;
    this.updateVm();
  }

  // ---------------------------------------------------------------- pc words

  /** The words of pcHi·2^32 + v (v: pc, nextPc or another pc-relative value) into plo/phi. */
  pcWords(v: number): void {
    const t = Math.floor(v / TWO32);
    this.plo = (v - t * TWO32) | 0;
    this.phi = (t + this.pcHi) | 0;
  }

  /** Sets pc and nextPc to hi:lo (trap entry, the debugger, reset). */
  setPcWords(lo: number, hi: number): void {
    this.jumpWords(lo, hi);
    this.pc = this.nextPc;
  }

  /**
   * The instruction continues at hi:lo (jumps through registers, xRET): sets nextPc, and pcHi
   * (which must be the last thing an instruction changes: pc is still relative to the old one).
   */
  jumpWords(lo: number, hi: number): void {
    let newHi: number;
    if (((hi + 0x100000) >>> 21) === 0) { newHi = 0; this.nextPc = hi * TWO32 + (lo >>> 0); }
    else { newHi = hi; this.nextPc = lo >>> 0; }
    if (newHi !== this.pcHi) {
      // Fetch translations and the decoded page are keyed by pc relative to pcHi.
      this.pcHi = newHi;
      this.tlbX.flush();
      this.fBase = NaN;
    }
  }

  /** Whether a breakpoint is set at pc (a wide pc: through wideBreakpoints). */
  atBreakpoint(): boolean {
    if (this.breakpoints === undefined) return false;
    return this.pcHi === 0 ? this.breakpoints.has(this.pc) : this.atWideBreakpoint(this.pc);
  }

  private atWideBreakpoint(pc: number): boolean {
    if (this.wideBreakpoints === undefined) return false;
    this.pcWords(pc);
    return this.wideBreakpoints.get(this.phi)?.has(this.plo >>> 0) ?? false;
  }

  /** Takes the highest-priority pending and enabled interrupt, if any. */
  takeInterrupt(): void {
    const c = this.csr;
    const pending = c.mipValue() & c.mie;
    if (pending === 0) return;
    const ms = c.mstatus;
    const mEnabled = this.priv < 3 || (ms & MS.MIE) !== 0;
    const sEnabled = this.priv < 1 || (this.priv === 1 && (ms & MS.SIE) !== 0);
    for (const irq of IRQ_PRIORITY) {
      const bit = 1 << irq;
      if ((pending & bit) === 0) continue;
      const toS = (c.mideleg & bit) !== 0;
      if (toS ? sEnabled : mEnabled) {
        this.enterTrap(irq, true, 0, 0);
        return;
      }
    }
  }

  // ---------------------------------------------------------------- data access

  private pa(va: number, access: number): number {
    const vpn = Math.floor(va / 4096), k = vpn & 255;
    const tlb = access === ACCESS_STORE ? this.tlbW : this.tlbR;
    if (tlb.tag[k] === vpn * 16 + this.dataCtx) return tlb.pa[k] + (va & 4095);
    return walk(this, va, access, true);
  }

  /**
   * RAM offsets of a data access (pa - ramBase): small integers for RAM, so returning them
   * from a function V8 does not inline never boxes a heap number (a physical address above
   * 2^31 would, once per access).
   */
  private loadOff(va: number): number {
    if (!this.dataVm) return va - this.ramBase;
    const vpn = Math.floor(va / 4096), k = vpn & 255;
    if (this.tlbR.tag[k] === vpn * 16 + this.dataCtx) return this.tlbR.pa[k] - this.ramBase + (va & 4095);
    return walk(this, va, ACCESS_LOAD, true) - this.ramBase;
  }

  private storeOff(va: number): number {
    if (!this.dataVm) return va - this.ramBase;
    const vpn = Math.floor(va / 4096), k = vpn & 255;
    if (this.tlbW.tag[k] === vpn * 16 + this.dataCtx) return this.tlbW.pa[k] - this.ramBase + (va & 4095);
    return walk(this, va, ACCESS_STORE, true) - this.ramBase;
  }

  /** Physical addresses, for the slow paths (misaligned, MMIO). */
  private loadPa(va: number): number { return this.loadOff(va) + this.ramBase; }
  private storePa(va: number): number { return this.storeOff(va) + this.ramBase; }

  lbu(va: number): number {
    const off = this.loadOff(va);
    if (this.watchOn) this.watch(va, 1, false);
    if (off >= 0 && off < this.ramSize) return this.ram8[off];
    return this.loadSlow(va, off + this.ramBase, 1);
  }

  lhu(va: number): number {
    const off = this.loadOff(va);
    if (this.watchOn) this.watch(va, 2, false);
    if ((off & 1) === 0 && off >= 0 && off < this.ramSize) return this.ram16[off >> 1];
    return this.loadSlow(va, off + this.ramBase, 2);
  }

  /** 32-bit load, returned as a signed int32. */
  lw(va: number): number {
    const off = this.loadOff(va);
    if (this.watchOn) this.watch(va, 4, false);
    if ((off & 3) === 0 && off >= 0 && off < this.ramSize) return this.ram32[off >> 2];
    return this.loadSlow(va, off + this.ramBase, 4) | 0;
  }

  /** 64-bit load into vlo/vhi. */
  ld(va: number): void {
    const off = this.loadOff(va);
    if (this.watchOn) this.watch(va, 8, false);
    if ((off & 7) === 0 && off >= 0 && off < this.ramSize) {
      this.vlo = this.ram32[off >> 2]; this.vhi = this.ram32[(off >> 2) + 1];
      return;
    }
    const pa = off + this.ramBase;
    if ((va & 7) !== 0) {
      this.vlo = this.loadSlow(va, pa, 4) | 0;
      this.vhi = this.loadSlow(va + 4, this.loadPa(va + 4), 4) | 0;
      return;
    }
    const lo = this.bus.read(pa, 4);
    if (this.bus.fault) this.trapData(Cause.LoadAccess, va);
    const hi = this.bus.read(pa + 4, 4);
    if (this.bus.fault) this.trapData(Cause.LoadAccess, va);
    this.vlo = lo | 0; this.vhi = hi | 0;
  }

  /** Unsigned load of `size` bytes outside the fast path (misaligned, MMIO, ROM). */
  private loadSlow(va: number, pa: number, size: 1 | 2 | 4): number {
    if ((va & (size - 1)) !== 0) {
      // Misaligned: emulated byte by byte, each byte through its own translation.
      let v = 0;
      for (let k = size - 1; k >= 0; k--) {
        const p = this.loadPa(va + k);
        const b = this.bus.read(p, 1);
        if (this.bus.fault) this.trapData(Cause.LoadAccess, va + k);
        v = v * 256 + b;
      }
      return v;
    }
    const v = this.bus.read(pa, size);
    if (this.bus.fault) this.trapData(Cause.LoadAccess, va);
    return v;
  }

  sb(va: number, v: number): void {
    const off = this.storeOff(va);
    if (this.watchOn) this.watch(va, 1, true);
    if (off >= 0 && off < this.ramSize) {
      this.ram8[off] = v;
      if (this.pageFlags[off >>> 12] !== 0) this.bus.afterStore(off, 1);
      return;
    }
    this.storeSlow(va, off + this.ramBase, 1, v);
  }

  sh(va: number, v: number): void {
    const off = this.storeOff(va);
    if (this.watchOn) this.watch(va, 2, true);
    if ((off & 1) === 0 && off >= 0 && off < this.ramSize) {
      this.ram16[off >> 1] = v;
      if (this.pageFlags[off >>> 12] !== 0) this.bus.afterStore(off, 2);
      return;
    }
    this.storeSlow(va, off + this.ramBase, 2, v);
  }

  sw(va: number, v: number): void {
    const off = this.storeOff(va);
    if (this.watchOn) this.watch(va, 4, true);
    if ((off & 3) === 0 && off >= 0 && off < this.ramSize) {
      this.ram32[off >> 2] = v;
      if (this.pageFlags[off >>> 12] !== 0) this.bus.afterStore(off, 4);
      return;
    }
    this.storeSlow(va, off + this.ramBase, 4, v);
  }

  sd(va: number, lo: number, hi: number): void {
    const off = this.storeOff(va);
    if (this.watchOn) this.watch(va, 8, true);
    if ((off & 7) === 0 && off >= 0 && off < this.ramSize) {
      this.ram32[off >> 2] = lo; this.ram32[(off >> 2) + 1] = hi;
      if (this.pageFlags[off >>> 12] !== 0) this.bus.afterStore(off, 8);
      return;
    }
    const pa = off + this.ramBase;
    if ((va & 7) !== 0) {
      // Check both halves translate before writing either.
      this.storePa(va + 7);
      this.storeSlow(va, pa, 4, lo);
      this.storeSlow(va + 4, this.storePa(va + 4), 4, hi);
      return;
    }
    this.bus.write(pa, 4, lo);
    if (this.bus.fault) this.trapData(Cause.StoreAccess, va);
    this.bus.write(pa + 4, 4, hi);
    if (this.bus.fault) this.trapData(Cause.StoreAccess, va);
    this.afterDeviceWrite(pa);
  }

  private storeSlow(va: number, pa: number, size: 1 | 2 | 4, v: number): void {
    if ((va & (size - 1)) !== 0) {
      this.storePa(va + size - 1); // both ends must translate before any byte is written
      for (let k = 0; k < size; k++) {
        const p = this.storePa(va + k);
        this.bus.write(p, 1, (v >>> (8 * k)) & 0xff);
        if (this.bus.fault) this.trapData(Cause.StoreAccess, va + k);
      }
      return;
    }
    this.bus.write(pa, size, v);
    if (this.bus.fault) this.trapData(Cause.StoreAccess, va);
    this.afterDeviceWrite(pa);
  }

  /** A device register was written: it may have moved a deadline or raised an interrupt. */
  private afterDeviceWrite(pa: number): void {
    if (!this.bus.isRam(pa, 1)) { this.reschedule = true; this.yieldFlag = true; }
  }

  /** Physical address for an AMO / LR / SC of `size` bytes (alignment and write permission checked). */
  amoAddress(va: number, size: number, isLoadReserved: boolean): number {
    if ((va & (size - 1)) !== 0) this.trapData(isLoadReserved ? Cause.LoadMisaligned : Cause.StoreMisaligned, va);
    const pa = this.dataVm ? this.pa(va, isLoadReserved ? ACCESS_LOAD : ACCESS_STORE) : va;
    if (this.watchOn) this.watch(va, size, !isLoadReserved);
    return pa;
  }

  /** A watchpoint on the access stops the hart before it: the instruction unwinds, pc stays. */
  private watch(va: number, size: number, write: boolean): void {
    if (this.instret !== this.watchSkipInstret && this.env.watchAccess?.(this, va, size, write)) throw TRAP_UNWIND;
  }

  /** 32-bit physical read for AMOs (fault = store/AMO access fault unless `load`). */
  physRead32(pa: number, load: boolean, va: number): number {
    const off = pa - this.ramBase;
    if (off >= 0 && off < this.ramSize) return this.ram32[off >> 2];
    const v = this.bus.read(pa, 4);
    if (this.bus.fault) this.trapData(load ? Cause.LoadAccess : Cause.StoreAccess, va);
    return v | 0;
  }

  physWrite32(pa: number, v: number, va: number): void {
    const off = pa - this.ramBase;
    if (off >= 0 && off < this.ramSize) {
      this.ram32[off >> 2] = v;
      if (this.pageFlags[off >>> 12] !== 0) this.bus.afterStore(off, 4);
      return;
    }
    this.bus.write(pa, 4, v);
    if (this.bus.fault) this.trapData(Cause.StoreAccess, va);
  }

  // ---------------------------------------------------------------- helpers for instructions

  /**
   * rs1 + imm, the effective address of a load, store or AMO, as a number: the signed value
   * itself while the register is within ±2^52 (every Sv39 and Sv48 address, and M-mode's).
   * Beyond, only Sv57 has addresses ("wide" ones), and a double cannot hold them: they are
   * numbers in one of two windows (WIN0_BASE, WIN1_BASE), each standing for an aligned 2^51
   * bytes of the address space, so the TLBs and every path below work on them unchanged;
   * vaWords turns a number back into the address (walks, traps, watchpoints).
   */
  addr(rs: number, imm: number): number {
    const hi = this.x[2 * rs + 1];
    if (((hi + 0x100000) >>> 21) !== 0) return this.addrWide(this.x[2 * rs], hi, imm);
    return hi * TWO32 + (this.x[2 * rs] >>> 0) + imm;
  }

  /** addr for a register beyond ±2^52 (public for translated blocks, which compute the plain case inline). */
  addrWide(xlo: number, xhi: number, imm: number): number {
    const lo = (xlo + imm) | 0;
    const hi = (xhi + (imm >> 31) + ((lo >>> 0) < (xlo >>> 0) ? 1 : 0)) | 0;
    if (((hi + 0x100000) >>> 21) === 0) return hi * TWO32 + (lo >>> 0);
    const tag = hi >> 19;
    const off = (hi & 0x7ffff) * TWO32 + (lo >>> 0);
    if (tag === this.win0) { this.winLast = 0; return WIN0_BASE + off; }
    if (tag === this.win1) { this.winLast = 1; return WIN1_BASE + off; }
    // A third region: it takes the window used less recently, whose TLB entries go.
    this.tlbR.flush(); this.tlbW.flush();
    if (this.winLast === 1) { this.win0 = tag; this.winLast = 0; return WIN0_BASE + off; }
    this.win1 = tag; this.winLast = 1;
    return WIN1_BASE + off;
  }

  /** The words of the address a data-address number stands for (see addr), into wlo/whi. */
  vaWords(va: number): void {
    let off = va, tagHi = 0;
    if (va >= WIN0_BASE) { off = va - WIN0_BASE; tagHi = this.win0 << 19; }
    else if (va < -PLAIN) { off = va - WIN1_BASE; tagHi = this.win1 << 19; }
    const t = Math.floor(off / TWO32);
    this.wlo = (off - t * TWO32) | 0;
    this.whi = (tagHi + t) | 0;
  }

  /** The privilege for data accesses (MPRV applied). */
  dataPriv(): number {
    const ms = this.csr.mstatus;
    return (ms & MS.MPRV) !== 0 ? (ms >> MPP_SHIFT) & 3 : this.priv;
  }

  /** Changes privilege (debugger write of `priv`, mret/sret). */
  setPriv(p: number): void {
    this.priv = p;
    this.updateVm();
  }

  // ---------------------------------------------------------------- checkpoints

  /** Architectural state and the trap-loop and address-window bookkeeping (not the TLBs or fetch cache). */
  saveState(): StateValue {
    return {
      x: this.x.slice(), f: this.f.i32.slice(), fflags: this.f.fflags, frm: this.f.frm,
      pc: this.pc, pcHi: this.pcHi, priv: this.priv, instret: this.instret, waiting: this.waiting,
      lastTrap: new Float64Array([this.lastTrapPcLo, this.lastTrapPcHi, this.lastTrapCause, this.lastTrapInstret,
        this.sameTrapCount, this.lastTrapTvalLo, this.lastTrapTvalHi]),
      windows: new Float64Array([this.win0, this.win1, this.winLast]),
      csr: this.csr.saveState(),
    };
  }

  /** Restores saveState's fields; the TLBs and the fetch cache start empty. */
  loadState(s: StateReader): void {
    const x = s.i32('x', 64), f = s.i32('f', 64), trap = s.f64('lastTrap', 7), win = s.f64('windows', 3);
    const fflags = s.num('fflags', 0, 0x1f), frm = s.num('frm', 0, 7);
    const pc = s.num('pc', -(2 ** 53), 2 ** 53), pcHi = s.num('pcHi', -(2 ** 31), 2 ** 31 - 1), priv = s.num('priv', 0, 3);
    const instret = s.num('instret', 0), waiting = s.bool('waiting');
    this.csr.loadState(s.child('csr'));
    this.x.set(x); this.f.i32.set(f); this.f.fflags = fflags; this.f.frm = frm;
    this.pc = pc; this.nextPc = pc; this.pcHi = pcHi; this.priv = priv; this.instret = instret; this.waiting = waiting;
    [this.lastTrapPcLo, this.lastTrapPcHi, this.lastTrapCause, this.lastTrapInstret, this.sameTrapCount, this.lastTrapTvalLo, this.lastTrapTvalHi] = trap;
    [this.win0, this.win1, this.winLast] = win;
    this.faultLoop = false; this.breakpointHit = false; this.stopRequested = false; this.skipBreakpointOnce = false;
    this.flushTlb();
    this.flushFetch();
    this.yieldFlag = true;
  }
}
