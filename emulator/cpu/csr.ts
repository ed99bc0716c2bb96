// The hart's control and status registers: storage, the access rules (privilege encoded in
// the CSR number, read-only ranges, counter enables, TVM, Sstc's STCE, FS for the FP CSRs)
// and each register's WARL behaviour. Plain XLEN registers live as (lo, hi) pairs in one
// Int32Array; the ones with structure (mstatus, mip/mie, counters, fcsr) are computed.
import { CSR, FS_SHIFT, MEDELEG_MASK, MIE_MASK, MISA_HI, MISA_LO, MPP_SHIFT, MS, MSTATUS_HI, MSTATUS_WMASK, SIP_MASK, SSTATUS_MASK } from './csr-numbers';
import type { Hart } from './hart';
import { levelsOf } from './mmu';
import type { StateReader, StateValue } from '../checkpoint/state';

const TWO32 = 4294967296;
const STIP = 1 << 5;
const SEIP = 1 << 9;

/** Splits a signed 64-bit value held in a double into words. */
export function hiOf(v: number): number { return Math.floor(v / TWO32) | 0; }
export function loOf(v: number): number { return (v - Math.floor(v / TWO32) * TWO32) | 0; }
export function toNumber(lo: number, hi: number): number { return hi * TWO32 + (lo >>> 0); }

export class Csrs {
  /** mstatus low word (the high word is constant apart from SD). */
  mstatus = 0;
  mie = 0;
  /** mip bits written by software (SSIP, STIP, SEIP). */
  mipSw = 0;
  /** mip bits driven by devices (MSIP, MTIP, MEIP, SEIP). */
  mipHw = 0;
  mideleg = 0;
  medeleg = 0;
  /** Backing store of plain CSRs: csr n at [2n] (low) and [2n+1] (high). */
  readonly store = new Int32Array(8192);
  /** minstret / mcycle = instret + offset (64-bit offsets as pairs). */
  private instretOff = new Int32Array(2);
  private cycleOff = new Int32Array(2);
  /** Value of the last successful read. */
  rlo = 0;
  rhi = 0;

  constructor(private readonly h: Hart) {}

  get(n: number): number { return toNumber(this.store[2 * n], this.store[2 * n + 1]); }
  set(n: number, v: number): void { this.store[2 * n] = loOf(v); this.store[2 * n + 1] = hiOf(v); }
  setPair(n: number, lo: number, hi: number): void { this.store[2 * n] = lo; this.store[2 * n + 1] = hi; }

  satpMode(): number { return this.store[2 * CSR.satp + 1] >>> 28; }
  satpPpn(): number { return (this.store[2 * CSR.satp + 1] & 0xfff) * TWO32 + (this.store[2 * CSR.satp] >>> 0); }

  /** Sstc enabled (menvcfg.STCE, bit 63). */
  stce(): boolean { return this.store[2 * CSR.menvcfg + 1] < 0; }

  /** stimecmp as a number of ticks (Infinity when Sstc is off). */
  stimecmpDeadline(): number {
    if (!this.stce()) return Infinity;
    return (this.store[2 * CSR.stimecmp + 1] >>> 0) * TWO32 + (this.store[2 * CSR.stimecmp] >>> 0);
  }

  mipValue(): number {
    let v = this.mipSw | this.mipHw;
    if (this.stce()) {
      v &= ~STIP;
      if (this.h.env.timeNow(this.h) >= this.stimecmpDeadline()) v |= STIP;
    }
    return v;
  }

  /** mip as CSRRS/CSRRC modify it: `lo` (the value read) with SEIP as software wrote it, without the PLIC's signal. */
  mipRmwLow(lo: number): number {
    return (lo & ~SEIP) | (this.mipSw & SEIP);
  }

  /** WFI wakes when any interrupt is pending and enabled in mie, whatever the global enables. */
  interruptWaiting(): boolean {
    return (this.mipValue() & this.mie) !== 0;
  }

  fsOff(): boolean { return (this.mstatus & MS.FS) === 0; }
  setFsDirty(): void { this.mstatus |= MS.FS; }

  private counterAllowed(idx: number): boolean {
    const p = this.h.priv;
    if (p < 3 && ((this.store[2 * CSR.mcounteren] >>> idx) & 1) === 0) return false;
    if (p < 1 && ((this.store[2 * CSR.scounteren] >>> idx) & 1) === 0) return false;
    return true;
  }

  /** Whether csr `n` exists and may be accessed now (write: a write is attempted). */
  allowed(n: number, write: boolean): boolean {
    const p = this.h.priv;
    if (((n >> 8) & 3) > p) return false;
    if (write && (n >> 10) === 3) return false;
    if (n >= CSR.cycle && n <= CSR.hpmcounter31) return this.counterAllowed(n - CSR.cycle);
    switch (n) {
      case CSR.fflags: case CSR.frm: case CSR.fcsr:
        return !this.fsOff();
      case CSR.satp:
        return !(p === 1 && (this.mstatus & MS.TVM) !== 0);
      case CSR.stimecmp:
        if (p === 3) return true;
        return this.stce() && ((this.store[2 * CSR.mcounteren] >>> 1) & 1) === 1;
    }
    return this.exists(n);
  }

  /** Whether csr n is implemented (regardless of privilege). */
  exists(n: number): boolean {
    if ((n >= CSR.cycle && n <= CSR.hpmcounter31) || n === CSR.fflags || n === CSR.frm || n === CSR.fcsr || n === CSR.satp || n === CSR.stimecmp) return true;
    if (n >= CSR.pmpcfg0 && n <= CSR.pmpcfg15) return (n & 1) === 0;
    if (n >= CSR.pmpaddr0 && n <= CSR.pmpaddr63) return true;
    if (n >= CSR.mhpmcounter3 && n <= CSR.mhpmcounter31) return true;
    if (n >= CSR.mhpmevent3 && n <= CSR.mhpmevent31) return true;
    switch (n) {
      case CSR.sstatus: case CSR.sie: case CSR.stvec: case CSR.scounteren: case CSR.senvcfg:
      case CSR.sscratch: case CSR.sepc: case CSR.scause: case CSR.stval: case CSR.sip:
      case CSR.mvendorid: case CSR.marchid: case CSR.mimpid: case CSR.mhartid: case CSR.mconfigptr:
      case CSR.mstatus: case CSR.misa: case CSR.medeleg: case CSR.mideleg: case CSR.mie: case CSR.mtvec:
      case CSR.mcounteren: case CSR.menvcfg: case CSR.mcountinhibit: case CSR.mscratch: case CSR.mepc:
      case CSR.mcause: case CSR.mtval: case CSR.mip:
      case CSR.tselect: case CSR.tdata1: case CSR.tdata2: case CSR.tdata3:
      case CSR.mcycle: case CSR.minstret:
        return true;
    }
    return false;
  }

  /** Reads csr n into rlo/rhi (access already checked). */
  read(n: number): void {
    const s = this.store;
    let lo = s[2 * n], hi = s[2 * n + 1];
    switch (n) {
      case CSR.fflags: lo = this.h.f.fflags; hi = 0; break;
      case CSR.frm: lo = this.h.f.frm; hi = 0; break;
      case CSR.fcsr: lo = (this.h.f.frm << 5) | this.h.f.fflags; hi = 0; break;
      case CSR.cycle: case CSR.mcycle: this.counter(this.cycleOff); return;
      case CSR.instret: case CSR.minstret: this.counter(this.instretOff); return;
      case CSR.time: { const t = this.h.env.timeNow(this.h); lo = loOf(t); hi = hiOf(t); break; }
      case CSR.mstatus: lo = this.mstatus; hi = this.statusHi(MSTATUS_HI); break;
      case CSR.sstatus: lo = this.mstatus & SSTATUS_MASK; hi = this.statusHi(0x2); break;
      case CSR.misa: lo = MISA_LO; hi = MISA_HI; break;
      case CSR.medeleg: lo = this.medeleg; hi = 0; break;
      case CSR.mideleg: lo = this.mideleg; hi = 0; break;
      case CSR.mie: lo = this.mie; hi = 0; break;
      case CSR.sie: lo = this.mie & this.mideleg; hi = 0; break;
      case CSR.mip: lo = this.mipValue(); hi = 0; break;
      case CSR.sip: lo = this.mipValue() & this.mideleg; hi = 0; break;
      case CSR.mhartid: lo = this.h.id; hi = 0; break;
      default:
        if ((n >= CSR.hpmcounter3 && n <= CSR.hpmcounter31) || (n >= CSR.mhpmcounter3 && n <= CSR.mhpmcounter31)) { lo = 0; hi = 0; }
    }
    this.rlo = lo; this.rhi = hi;
  }

  private statusHi(base: number): number {
    const fs = (this.mstatus >> FS_SHIFT) & 3;
    return fs === 3 ? base | 0x80000000 : base;
  }

  private counter(off: Int32Array): void {
    const c = this.h.instret;
    const clo = loOf(c), chi = hiOf(c);
    const lo = (clo + off[0]) | 0;
    const carry = (lo >>> 0) < (clo >>> 0) ? 1 : 0;
    this.rlo = lo; this.rhi = (chi + off[1] + carry) | 0;
  }

  /** Sets a counter so that the next read (after this instruction retires) returns lo:hi. */
  private setCounter(off: Int32Array, lo: number, hi: number): void {
    const c = this.h.instret + 1;
    const clo = loOf(c), chi = hiOf(c);
    const r = (lo - clo) | 0;
    const borrow = (lo >>> 0) < (clo >>> 0) ? 1 : 0;
    off[0] = r; off[1] = (hi - chi - borrow) | 0;
  }

  /** Writes csr n (access already checked) with its WARL rules. */
  write(n: number, lo: number, hi: number): void {
    const h = this.h;
    const s = this.store;
    switch (n) {
      case CSR.fflags: h.f.fflags = lo & 0x1f; this.setFsDirty(); return;
      case CSR.frm: h.f.frm = lo & 7; this.setFsDirty(); return;
      case CSR.fcsr: h.f.fflags = lo & 0x1f; h.f.frm = (lo >> 5) & 7; this.setFsDirty(); return;
      case CSR.mcycle: this.setCounter(this.cycleOff, lo, hi); return;
      case CSR.minstret: this.setCounter(this.instretOff, lo, hi); return;
      case CSR.mstatus: this.writeStatus(lo, MSTATUS_WMASK); return;
      case CSR.sstatus: this.writeStatus(lo, SSTATUS_MASK & MSTATUS_WMASK); return;
      case CSR.misa: case CSR.mhartid: case CSR.mvendorid: case CSR.marchid: case CSR.mimpid: case CSR.mconfigptr:
        return;
      case CSR.medeleg: this.medeleg = lo & MEDELEG_MASK; return;
      case CSR.mideleg: this.mideleg = lo & SIP_MASK; this.poke(); return;
      case CSR.mie: this.mie = lo & MIE_MASK; this.poke(); return;
      case CSR.sie: this.mie = (this.mie & ~this.mideleg) | (lo & this.mideleg); this.poke(); return;
      case CSR.mip: {
        const m = this.stce() ? (1 << 1) | (1 << 9) : SIP_MASK;
        this.mipSw = (this.mipSw & ~m) | (lo & m); this.poke(); return;
      }
      case CSR.sip: {
        const m = this.mideleg & (1 << 1);
        this.mipSw = (this.mipSw & ~m) | (lo & m); this.poke(); return;
      }
      case CSR.mtvec: case CSR.stvec:
        if ((lo & 3) >= 2) lo = (lo & ~3) | (s[2 * n] & 3);
        break;
      case CSR.mepc: case CSR.sepc: lo &= ~1; break;
      case CSR.satp: {
        // WARL: a MODE the harts lack (Sv32's 1, the reserved ones, Sv64's 11) leaves satp as it was.
        const mode = hi >>> 28;
        if (mode !== 0 && levelsOf(mode) === 0) return;
        // 16 ASID bits kept, as on QEMU; the TLB is not tagged by ASID, so every write flushes it
        s[2 * n] = lo; s[2 * n + 1] = hi;
        h.flushTlb();
        return;
      }
      case CSR.mcounteren: case CSR.scounteren: lo &= 7; hi = 0; break;
      case CSR.menvcfg: lo &= 1; hi &= 0x80000000 | 0; s[2 * n] = lo; s[2 * n + 1] = hi; this.reschedule(); return;
      case CSR.senvcfg: lo &= 1; hi = 0; break;
      case CSR.stimecmp: s[2 * n] = lo; s[2 * n + 1] = hi; this.reschedule(); return;
      case CSR.tselect: case CSR.tdata1: case CSR.tdata2: case CSR.tdata3:
        return;
      default:
        if (n >= CSR.pmpaddr0 && n <= CSR.pmpaddr63) hi &= 0x3fffff;
        else if ((n >= CSR.mhpmcounter3 && n <= CSR.mhpmcounter31) || (n >= CSR.mhpmevent3 && n <= CSR.mhpmevent31)) return;
    }
    s[2 * n] = lo; s[2 * n + 1] = hi;
  }

  private writeStatus(lo: number, mask: number): void {
    const old = this.mstatus;
    let v = (old & ~mask) | (lo & mask);
    if (((v >> MPP_SHIFT) & 3) === 2) v = (v & ~MS.MPP) | (old & MS.MPP);
    this.mstatus = v;
    if (((old ^ v) & (MS.MPRV | MS.SUM | MS.MXR | MS.MPP)) !== 0) this.h.updateVm();
    // The loop stops to take an interrupt only if one is pending: a kernel's interrupt
    // disable/enable around every lock (push_off/pop_off, local_irq_save) goes on running.
    if (this.interruptWaiting()) this.poke();
  }

  /** Interrupt state may have changed: re-check at the next instruction boundary. */
  private poke(): void { this.h.yieldFlag = true; }

  /** A timer deadline may have moved: give control back to the machine. */
  private reschedule(): void { this.h.yieldFlag = true; this.h.reschedule = true; }

  /** Every CSR's storage (the computed ones through their fields) and the counter offsets. */
  saveState(): StateValue {
    return {
      mstatus: this.mstatus, mie: this.mie, mipSw: this.mipSw, mipHw: this.mipHw, mideleg: this.mideleg, medeleg: this.medeleg,
      store: this.store.slice(), instretOff: this.instretOff.slice(), cycleOff: this.cycleOff.slice(),
    };
  }

  loadState(s: StateReader): void {
    const store = s.i32('store', this.store.length), instretOff = s.i32('instretOff', 2), cycleOff = s.i32('cycleOff', 2);
    const i32 = (k: string) => s.num(k, -(2 ** 31), 2 ** 32 - 1) | 0;
    const mstatus = i32('mstatus'), mie = i32('mie'), mipSw = i32('mipSw'), mipHw = i32('mipHw'), mideleg = i32('mideleg'), medeleg = i32('medeleg');
    this.store.set(store); this.instretOff.set(instretOff); this.cycleOff.set(cycleOff);
    this.mstatus = mstatus; this.mie = mie; this.mipSw = mipSw; this.mipHw = mipHw; this.mideleg = mideleg; this.medeleg = medeleg;
  }
}
