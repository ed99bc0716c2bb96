// Sv39 address translation (privileged spec 4.3-4.4): the page-table walk with every
// page-fault rule (invalid and reserved PTE encodings, reserved high bits, misaligned
// superpages, U against SUM, MXR), hardware A/D updates written back to the PTE in memory,
// and the small direct-mapped TLBs the hart's fast paths look in first.
import type { Bus } from '../bus/bus';
import { Cause, MS } from './csr-numbers';
import type { Hart } from './hart';

export const ACCESS_FETCH = 0;
export const ACCESS_LOAD = 1;
export const ACCESS_STORE = 2;

const TLB_SIZE = 256;

/** Direct-mapped: virtual page number -> physical page base; one per access kind. */
export class Tlb {
  readonly tag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly pa = new Float64Array(TLB_SIZE);
  flush(): void { this.tag.fill(NaN); }
  /** ctx: the hart's fetchCtx / dataCtx the entry was made under. */
  insert(vpn: number, ctx: number, paBase: number): void {
    const k = vpn & (TLB_SIZE - 1);
    this.tag[k] = vpn * 16 + ctx; this.pa[k] = paBase;
  }
}

/** Outcome codes of translate() below zero. */
export const PAGE_FAULT = -1;
export const ACCESS_FAULT = -2;

const PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_A = 64, PTE_D = 128;

/** How a walk should behave. */
export interface WalkMode {
  rootPpn: number;
  priv: number;
  sum: boolean;
  mxr: boolean;
  /** Write A/D bits back (a real access) or leave memory untouched (debugger). */
  updateAD: boolean;
}

/** Reads a 64-bit PTE at a physical address into PTE[0..1]; false on access fault. */
const PTE = new Int32Array(2);
function readPte(bus: Bus, pa: number): boolean {
  const off = pa - bus.ramBase;
  if (off >= 0 && off + 8 <= bus.ramSize) {
    PTE[0] = bus.ram32[off >> 2]; PTE[1] = bus.ram32[(off >> 2) + 1];
    return true;
  }
  const lo = bus.read(pa, 4);
  if (bus.fault) return false;
  const hi = bus.read(pa + 4, 4);
  if (bus.fault) return false;
  PTE[0] = lo; PTE[1] = hi;
  return true;
}

/** Physical address for `va`, or PAGE_FAULT / ACCESS_FAULT. Pure apart from A/D updates. */
export function translate(bus: Bus, va: number, access: number, m: WalkMode): number {
  // Bits 63..39 must equal bit 38.
  if (va >= 0x4000000000 || va < -0x4000000000) return PAGE_FAULT;
  const v = va < 0 ? va + 0x8000000000 : va;
  const vpn = Math.floor(v / 4096);
  let table = m.rootPpn * 4096;
  for (let level = 2; level >= 0; level--) {
    const idx = level === 2 ? vpn >>> 18 : level === 1 ? (vpn >>> 9) & 0x1ff : vpn & 0x1ff;
    const pteAddr = table + idx * 8;
    if (!readPte(bus, pteAddr)) return ACCESS_FAULT;
    let lo = PTE[0];
    const hi = PTE[1];
    if ((lo & PTE_V) === 0 || ((lo & PTE_R) === 0 && (lo & PTE_W) !== 0)) return PAGE_FAULT;
    // Bits 63..54 (N, PBMT, reserved) must be zero: no Svnapot, no Svpbmt.
    if ((hi >>> 22) !== 0) return PAGE_FAULT;
    const ppn = (hi & 0x3fffff) * 4194304 + (lo >>> 10);
    if ((lo & (PTE_R | PTE_X)) === 0) {
      if (level === 0) return PAGE_FAULT;
      table = ppn * 4096;
      continue;
    }
    // Leaf: permissions.
    if (access === ACCESS_FETCH) {
      if ((lo & PTE_X) === 0) return PAGE_FAULT;
    } else if (access === ACCESS_LOAD) {
      if ((lo & PTE_R) === 0 && !(m.mxr && (lo & PTE_X) !== 0)) return PAGE_FAULT;
    } else if ((lo & PTE_W) === 0) return PAGE_FAULT;
    if (m.priv === 0) {
      if ((lo & PTE_U) === 0) return PAGE_FAULT;
    } else if ((lo & PTE_U) !== 0 && (access === ACCESS_FETCH || !m.sum)) return PAGE_FAULT;
    // Superpages must be aligned.
    const lowBits = level === 2 ? ppn % 262144 : level === 1 ? ppn % 512 : 0;
    if (lowBits !== 0) return PAGE_FAULT;
    // Hardware A/D update.
    const want = PTE_A | (access === ACCESS_STORE ? PTE_D : 0);
    // (A debugger walk reports what the access would reach without touching the PTE.)
    if ((lo & want) !== want && m.updateAD) {
      lo |= want;
      bus.write(pteAddr, 4, lo);
      if (bus.fault) return ACCESS_FAULT;
    }
    const pageOffsetPages = level === 2 ? vpn % 262144 : level === 1 ? vpn % 512 : 0;
    return (ppn + pageOffsetPages) * 4096 + (va & 4095);
  }
  return PAGE_FAULT;
}

/** The hart's walk on a TLB miss: translates, fills the TLB, or raises the fault. */
export function walk(h: Hart, va: number, access: number, fill: boolean): number {
  const ms = h.csr.mstatus;
  const mode: WalkMode = WALK;
  mode.rootPpn = h.csr.satpPpn();
  mode.priv = access === ACCESS_FETCH ? h.priv : h.dataPriv();
  mode.sum = (ms & MS.SUM) !== 0;
  mode.mxr = (ms & MS.MXR) !== 0;
  mode.updateAD = true;
  const pa = translate(h.bus, va, access, mode);
  if (pa < 0) {
    const page = access === ACCESS_FETCH ? Cause.InsnPage : access === ACCESS_LOAD ? Cause.LoadPage : Cause.StorePage;
    const acc = access === ACCESS_FETCH ? Cause.InsnAccess : access === ACCESS_LOAD ? Cause.LoadAccess : Cause.StoreAccess;
    h.trap(pa === PAGE_FAULT ? page : acc, va);
  }
  if (fill) {
    const vpn = Math.floor(va / 4096);
    const base = pa - (va & 4095);
    if (access === ACCESS_FETCH) h.tlbX.insert(vpn, h.fetchCtx, base);
    else (access === ACCESS_LOAD ? h.tlbR : h.tlbW).insert(vpn, h.dataCtx, base);
    // A store leaves A and D set, so later loads of the page may hit too.
    if (access === ACCESS_STORE) h.tlbR.insert(vpn, h.dataCtx, base);
  }
  return pa;
}

/** Reused walk parameters (no allocation per miss). */
const WALK: WalkMode = { rootPpn: 0, priv: 0, sum: false, mxr: false, updateAD: true };

