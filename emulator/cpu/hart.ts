// One RV64 hart: its architectural state, the instruction loop (fetch through a per-page
// decode cache, execute through the decode table) and the data-access helpers that the
// instruction groups call (TLB hit inline, RAM through typed-array views, everything else
// through the bus). Traps unwind with a preallocated sentinel, so the loop allocates nothing.
import { Bus, DecodedPage } from '../bus/bus';
import { FpRegs } from './fpu/fpu';
import { CSR, Cause, IRQ_PRIORITY, MPP_SHIFT, MS } from './csr-numbers';
import { DECODER, EXEC, ILLEGAL_OP } from './instructions';
import { expandCompressed } from './compressed';
import { ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE, Tlb, walk } from './mmu';
import { Csrs } from './csr';

/** Thrown (never allocated per trap) to unwind from a faulting instruction to the loop. */
export const TRAP_UNWIND = { unwind: 'trap' } as const;

const TWO32 = 4294967296;

/** What the hart asks of the machine around it. */
export interface HartEnv {
  /** mtime now, as this hart sees it. */
  timeNow(h: Hart): number;
  /** A watched address was accessed (called only while watchpoints exist). */
  watchAccess?(h: Hart, va: number, size: number, write: boolean): void;
}

export class Hart {
  /** x registers: x[n] low word at x[2n], high word at x[2n+1]. */
  readonly x = new Int32Array(64);
  readonly f = new FpRegs();
  readonly csr: Csrs;
  /** pc as a signed 64-bit value (exact for all addresses a fetch can succeed at). */
  pc = 0;
  /** Where the instruction being executed continues (pc + its length, or a jump target). */
  nextPc = 0;
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
  /** Skip the breakpoint at the current pc once (resuming from it). */
  skipBreakpointOnce = false;
  breakpointHit = false;
  watchOn = false;
  /** Same trap at the same pc with nothing retired in between, repeated: reported, not run forever. */
  faultLoop = false;
  lastTrapPc = NaN;
  lastTrapCause = -1;
  private lastTrapInstret = -1;
  private sameTrapCount = 0;
  lastTrapTval = 0;

  // Result of 64-bit loads.
  vlo = 0;
  vhi = 0;

  // Memory.
  readonly bus: Bus;
  private readonly ram32: Int32Array;
  private readonly ram16: Uint16Array;
  private readonly ram8: Uint8Array;
  private readonly ramBase: number;
  private readonly ramSize: number;
  private readonly pageFlags: Uint8Array;

  // Translation state.
  /** Data accesses translate (effective privilege below M and satp in Sv39). */
  dataVm = false;
  fetchVm = false;
  readonly tlbR = new Tlb();
  readonly tlbW = new Tlb();
  readonly tlbX = new Tlb();
  /** TLB tags are vpn * 16 + context (privilege, SUM, MXR), see updateVm. */
  fetchCtx = 3;
  dataCtx = 3;
  /** Virtual base of the page the fetch cache holds (NaN: none). */
  private fBase = NaN;
  private fPage: DecodedPage | null = null;
  private fCode: Int32Array | null = null;
  private fOff = 0;
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
        if (!this.csr.interruptWaiting()) break;
        this.waiting = false;
      }
      const retired = this.instret;
      try {
        this.takeInterrupt();
        n = this.breakpoints === undefined && !this.watchOn ? this.inner(n, budget) : this.innerDebug(n, budget);
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

  private inner(n: number, budget: number): number {
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

  /** The loop with breakpoint checks and watchpoints on (only while any are set). */
  private innerDebug(n: number, budget: number): number {
    const x = this.x;
    for (; n < budget && !this.yieldFlag; n++) {
      const pc = this.pc;
      if (this.breakpoints !== undefined && this.breakpoints.has(pc)) {
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
    if (!this.fetchVm) return va - this.ramBase;
    const vpn = Math.floor(va / 4096), k = vpn & 255;
    if (this.tlbX.tag[k] === vpn * 16 + this.fetchCtx) return this.tlbX.pa[k] - this.ramBase + (va & 4095);
    return walk(this, va, ACCESS_FETCH, true) - this.ramBase;
  }

  private fetchPa(va: number): number { return this.fetchOff(va) + this.ramBase; }

  private refillFetch(pc: number): void {
    const off = this.fetchOff(pc);
    if (off >= 0 && off < this.ramSize) {
      const page = this.bus.decodedPage(off);
      this.fPage = page; this.fCode = page.code;
      this.fOff = off - (off & 4095);
    } else {
      this.fPage = null; this.fCode = null;
      // Not RAM: only the boot ROM is executable (fetching from a device would have side effects).
      if (!this.inRom(off + this.ramBase)) this.trap(Cause.InsnAccess, pc);
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
    if (!this.inRom(pa)) this.trap(Cause.InsnAccess, va);
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
    const sv39 = this.csr.satpMode() === 8;
    const ms = this.csr.mstatus;
    const dataPriv = (ms & MS.MPRV) !== 0 ? (ms >> MPP_SHIFT) & 3 : this.priv;
    this.fetchVm = sv39 && this.priv < 3;
    this.dataVm = sv39 && dataPriv < 3;
    this.fetchCtx = this.priv;
    this.dataCtx = dataPriv | ((ms & MS.SUM) !== 0 ? 4 : 0) | ((ms & MS.MXR) !== 0 ? 8 : 0);
    this.fBase = NaN;
  }

  // ---------------------------------------------------------------- traps

  /** Raises a synchronous exception at the current instruction; never returns. */
  trap(cause: number, tval: number): never {
    this.enterTrap(cause, false, tval, this.pc);
    throw TRAP_UNWIND;
  }

  illegal(): never {
    let bits = 0;
    try { bits = this.fetchBits(this.pc); } catch (e) { if (e !== TRAP_UNWIND) throw e; }
    this.enterTrap(Cause.Illegal, false, bits, this.pc);
    throw TRAP_UNWIND;
  }

  /** Takes a trap: delegation, xEPC/xCAUSE/xTVAL, status stack, new pc and privilege. */
  enterTrap(cause: number, interrupt: boolean, tval: number, epc: number): void {
    const c = this.csr;
    if (!interrupt) {
      if (epc === this.lastTrapPc && cause === this.lastTrapCause && this.instret === this.lastTrapInstret) {
        if (++this.sameTrapCount >= 16) { this.faultLoop = true; this.yieldFlag = true; }
      } else this.sameTrapCount = 0;
      this.lastTrapPc = epc; this.lastTrapCause = cause; this.lastTrapInstret = this.instret;
      this.lastTrapTval = tval;
    }
    const delegated = this.priv <= 1 && (((interrupt ? c.mideleg : c.medeleg) >>> cause) & 1) !== 0;
    let ms = c.mstatus;
    let target: number;
    if (delegated) {
      c.set(CSR.sepc, epc);
      c.setPair(CSR.scause, cause, interrupt ? 0x80000000 | 0 : 0);
      c.set(CSR.stval, tval);
      ms = (ms & ~(MS.SPP | MS.SPIE | MS.SIE)) | (this.priv << 8) | ((ms & MS.SIE) ? MS.SPIE : 0);
      target = c.tvecTarget(CSR.stvec, cause, interrupt);
      this.priv = 1;
    } else {
      c.set(CSR.mepc, epc);
      c.setPair(CSR.mcause, cause, interrupt ? 0x80000000 | 0 : 0);
      c.set(CSR.mtval, tval);
      ms = (ms & ~(MS.MPP | MS.MPIE | MS.MIE)) | (this.priv << MPP_SHIFT) | ((ms & MS.MIE) ? MS.MPIE : 0);
      target = c.tvecTarget(CSR.mtvec, cause, interrupt);
      this.priv = 3;
    }
    c.mstatus = ms;
    this.pc = this.nextPc = target;
    this.waiting = false;
    this.updateVm();
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
        this.enterTrap(irq, true, 0, this.pc);
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
    if (this.watchOn) this.env.watchAccess?.(this, va, 1, false);
    const off = this.loadOff(va);
    if (off >= 0 && off < this.ramSize) return this.ram8[off];
    return this.loadSlow(va, off + this.ramBase, 1);
  }

  lhu(va: number): number {
    if (this.watchOn) this.env.watchAccess?.(this, va, 2, false);
    const off = this.loadOff(va);
    if ((off & 1) === 0 && off >= 0 && off < this.ramSize) return this.ram16[off >> 1];
    return this.loadSlow(va, off + this.ramBase, 2);
  }

  /** 32-bit load, returned as a signed int32. */
  lw(va: number): number {
    if (this.watchOn) this.env.watchAccess?.(this, va, 4, false);
    const off = this.loadOff(va);
    if ((off & 3) === 0 && off >= 0 && off < this.ramSize) return this.ram32[off >> 2];
    return this.loadSlow(va, off + this.ramBase, 4) | 0;
  }

  /** 64-bit load into vlo/vhi. */
  ld(va: number): void {
    if (this.watchOn) this.env.watchAccess?.(this, va, 8, false);
    const off = this.loadOff(va);
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
    if (this.bus.fault) this.trap(Cause.LoadAccess, va);
    const hi = this.bus.read(pa + 4, 4);
    if (this.bus.fault) this.trap(Cause.LoadAccess, va);
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
        if (this.bus.fault) this.trap(Cause.LoadAccess, va + k);
        v = v * 256 + b;
      }
      return v;
    }
    const v = this.bus.read(pa, size);
    if (this.bus.fault) this.trap(Cause.LoadAccess, va);
    return v;
  }

  sb(va: number, v: number): void {
    if (this.watchOn) this.env.watchAccess?.(this, va, 1, true);
    const off = this.storeOff(va);
    if (off >= 0 && off < this.ramSize) {
      this.ram8[off] = v;
      if (this.pageFlags[off >>> 12] !== 0) this.bus.afterStore(off, 1);
      return;
    }
    this.storeSlow(va, off + this.ramBase, 1, v);
  }

  sh(va: number, v: number): void {
    if (this.watchOn) this.env.watchAccess?.(this, va, 2, true);
    const off = this.storeOff(va);
    if ((off & 1) === 0 && off >= 0 && off < this.ramSize) {
      this.ram16[off >> 1] = v;
      if (this.pageFlags[off >>> 12] !== 0) this.bus.afterStore(off, 2);
      return;
    }
    this.storeSlow(va, off + this.ramBase, 2, v);
  }

  sw(va: number, v: number): void {
    if (this.watchOn) this.env.watchAccess?.(this, va, 4, true);
    const off = this.storeOff(va);
    if ((off & 3) === 0 && off >= 0 && off < this.ramSize) {
      this.ram32[off >> 2] = v;
      if (this.pageFlags[off >>> 12] !== 0) this.bus.afterStore(off, 4);
      return;
    }
    this.storeSlow(va, off + this.ramBase, 4, v);
  }

  sd(va: number, lo: number, hi: number): void {
    if (this.watchOn) this.env.watchAccess?.(this, va, 8, true);
    const off = this.storeOff(va);
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
    if (this.bus.fault) this.trap(Cause.StoreAccess, va);
    this.bus.write(pa + 4, 4, hi);
    if (this.bus.fault) this.trap(Cause.StoreAccess, va);
    this.afterDeviceWrite(pa);
  }

  private storeSlow(va: number, pa: number, size: 1 | 2 | 4, v: number): void {
    if ((va & (size - 1)) !== 0) {
      this.storePa(va + size - 1); // both ends must translate before any byte is written
      for (let k = 0; k < size; k++) {
        const p = this.storePa(va + k);
        this.bus.write(p, 1, (v >>> (8 * k)) & 0xff);
        if (this.bus.fault) this.trap(Cause.StoreAccess, va + k);
      }
      return;
    }
    this.bus.write(pa, size, v);
    if (this.bus.fault) this.trap(Cause.StoreAccess, va);
    this.afterDeviceWrite(pa);
  }

  /** A device register was written: it may have moved a deadline or raised an interrupt. */
  private afterDeviceWrite(pa: number): void {
    if (!this.bus.isRam(pa, 1)) { this.reschedule = true; this.yieldFlag = true; }
  }

  /** Physical address for an AMO / LR / SC of `size` bytes (alignment and write permission checked). */
  amoAddress(va: number, size: number, isLoadReserved: boolean): number {
    if ((va & (size - 1)) !== 0) this.trap(isLoadReserved ? Cause.LoadMisaligned : Cause.StoreMisaligned, va);
    if (this.watchOn) this.env.watchAccess?.(this, va, size, !isLoadReserved);
    if (!this.dataVm) return va;
    return this.pa(va, isLoadReserved ? ACCESS_LOAD : ACCESS_STORE);
  }

  /** 32-bit physical read for AMOs (fault = store/AMO access fault unless `load`). */
  physRead32(pa: number, load: boolean, va: number): number {
    const off = pa - this.ramBase;
    if (off >= 0 && off < this.ramSize) return this.ram32[off >> 2];
    const v = this.bus.read(pa, 4);
    if (this.bus.fault) this.trap(load ? Cause.LoadAccess : Cause.StoreAccess, va);
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
    if (this.bus.fault) this.trap(Cause.StoreAccess, va);
  }

  // ---------------------------------------------------------------- helpers for instructions

  /** rs1 + imm as a (signed) number: the effective address of a load or store. */
  addr(rs: number, imm: number): number {
    return this.x[2 * rs + 1] * TWO32 + (this.x[2 * rs] >>> 0) + imm;
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
}
