// Sv39, Sv48 and Sv57 address translation (privileged spec 4.3-4.6): the page-table walk with
// every page-fault rule (non-canonical addresses, invalid and reserved PTE encodings, reserved
// high bits, misaligned superpages at every level, U against SUM, MXR), hardware A/D updates
// written back to the PTE in memory, and the small direct-mapped TLBs the hart's fast paths
// look in first.
//
// Addresses reach the walk as (lo, hi) int32 words: a canonical Sv57 address has 57
// significant bits, more than a double holds exactly. The hart holds data addresses as
// numbers (hart.ts `addr`: the value itself within ±2^52, else a number in one of two
// windows) and the pc relative to a high word (hart.ts `pc`); walk() turns both into words.
import type { Bus } from '../bus/bus';
import { Cause, MS } from './csr-numbers';
import type { Hart } from './hart';

export const ACCESS_FETCH = 0;
export const ACCESS_LOAD = 1;
export const ACCESS_STORE = 2;

const TLB_SIZE = 256;
const TWO32 = 4294967296;

/** Direct-mapped: virtual page number -> physical page base; one per access kind. */
export class Tlb {
  readonly tag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly pa = new Float64Array(TLB_SIZE);
  /** Changes with every insert and flush (the translator's jump cache holds entries of one generation). */
  gen = 0;
  flush(): void { this.tag.fill(NaN); this.gen++; }
  /** ctx: the hart's fetchCtx / dataCtx the entry was made under. */
  insert(vpn: number, ctx: number, paBase: number): void {
    const k = vpn & (TLB_SIZE - 1);
    this.tag[k] = vpn * 16 + ctx; this.pa[k] = paBase;
    this.gen++;
  }
}

/** Outcome codes of translate() below zero. */
export const PAGE_FAULT = -1;
export const ACCESS_FAULT = -2;

const PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_A = 64, PTE_D = 128;

/** satp.MODE values the harts implement (others are WARL-ignored by a satp write). */
export const SATP_BARE = 0, SATP_SV39 = 8, SATP_SV48 = 9, SATP_SV57 = 10;

/** Page-table levels of a satp MODE: 3, 4 or 5; 0 for Bare and anything unsupported. */
export function levelsOf(satpMode: number): number {
  return satpMode === SATP_SV39 ? 3 : satpMode === SATP_SV48 ? 4 : satpMode === SATP_SV57 ? 5 : 0;
}

/** How a walk should behave. */
export interface WalkMode {
  rootPpn: number;
  /** 3 (Sv39), 4 (Sv48) or 5 (Sv57). */
  levels: number;
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

/** VPN[level] of the address lo:hi (9 bits at 12 + 9·level). */
function vpnIndex(lo: number, hi: number, level: number): number {
  switch (level) {
    case 0: return (lo >>> 12) & 0x1ff;
    case 1: return (lo >>> 21) & 0x1ff;
    case 2: return ((lo >>> 30) | (hi << 2)) & 0x1ff;
    case 3: return (hi >>> 7) & 0x1ff;
    default: return (hi >>> 16) & 0x1ff;
  }
}

/**
 * Physical address for the virtual address hi:lo (int32 words), or PAGE_FAULT / ACCESS_FAULT.
 * Pure apart from A/D updates. (A physical address above 2^53 comes back rounded; nothing is
 * mapped there, so the access that follows faults either way.)
 */
export function translate(bus: Bus, lo: number, hi: number, access: number, m: WalkMode): number {
  // Canonical: bits 63..VALEN-1 all equal (VALEN = 39, 48, 57: bit 6, 15, 24 of the high word).
  const top = hi >> (9 * m.levels - 21);
  if (top !== 0 && top !== -1) return PAGE_FAULT;
  let table = m.rootPpn * 4096;
  for (let level = m.levels - 1; level >= 0; level--) {
    const pteAddr = table + vpnIndex(lo, hi, level) * 8;
    if (!readPte(bus, pteAddr)) return ACCESS_FAULT;
    let plo = PTE[0];
    const phi = PTE[1];
    if ((plo & PTE_V) === 0 || ((plo & PTE_R) === 0 && (plo & PTE_W) !== 0)) return PAGE_FAULT;
    // Bits 63..54 (N, PBMT, reserved) must be zero: no Svnapot, no Svpbmt.
    if ((phi >>> 22) !== 0) return PAGE_FAULT;
    const ppn = (phi & 0x3fffff) * 4194304 + (plo >>> 10);
    if ((plo & (PTE_R | PTE_X)) === 0) {
      if (level === 0) return PAGE_FAULT;
      table = ppn * 4096;
      continue;
    }
    // Leaf: permissions.
    if (access === ACCESS_FETCH) {
      if ((plo & PTE_X) === 0) return PAGE_FAULT;
    } else if (access === ACCESS_LOAD) {
      if ((plo & PTE_R) === 0 && !(m.mxr && (plo & PTE_X) !== 0)) return PAGE_FAULT;
    } else if ((plo & PTE_W) === 0) return PAGE_FAULT;
    if (m.priv === 0) {
      if ((plo & PTE_U) === 0) return PAGE_FAULT;
    } else if ((plo & PTE_U) !== 0 && (access === ACCESS_FETCH || !m.sum)) return PAGE_FAULT;
    // Superpages must be aligned: the PPN's low 9·level bits are zero.
    const span = level === 0 ? 1 : 2 ** (9 * level);
    if (ppn % span !== 0) return PAGE_FAULT;
    // Hardware A/D update.
    const want = PTE_A | (access === ACCESS_STORE ? PTE_D : 0);
    // (A debugger walk reports what the access would reach without touching the PTE.)
    if ((plo & want) !== want && m.updateAD) {
      plo |= want;
      bus.write(pteAddr, 4, plo);
      if (bus.fault) return ACCESS_FAULT;
    }
    // The VPN bits below the leaf's level select the page inside the superpage.
    const inSuper = level === 0 ? 0 : (((hi & 0xffffff) * 1048576 + (lo >>> 12)) % span);
    return (ppn + inSuper) * 4096 + (lo & 4095);
  }
  return PAGE_FAULT;
}

/** translate() of an address held exactly in a number (|va| < 2^53). */
export function translateNumber(bus: Bus, va: number, access: number, m: WalkMode): number {
  const hi = Math.floor(va / TWO32);
  return translate(bus, (va - hi * TWO32) | 0, hi | 0, access, m);
}

/**
 * The hart's walk on a TLB miss: translates, fills the TLB, or raises the fault. `va` is the
 * address as the hart holds it: for data, a number of hart.ts `addr` (vaWords gives its
 * words); for a fetch, the pc, relative to h.pcHi. TLB entries are keyed by those numbers.
 */
export function walk(h: Hart, va: number, access: number, fill: boolean): number {
  let lo: number, hi: number;
  if (access === ACCESS_FETCH) {
    const t = Math.floor(va / TWO32);
    lo = (va - t * TWO32) | 0;
    hi = (t + h.pcHi) | 0;
  } else {
    h.vaWords(va);
    lo = h.wlo; hi = h.whi;
  }
  const mode: WalkMode = WALK;
  const c = h.csr;
  mode.rootPpn = c.satpPpn();
  mode.levels = levelsOf(c.satpMode());
  mode.priv = access === ACCESS_FETCH ? h.priv : h.dataPriv();
  const ms = c.mstatus;
  mode.sum = (ms & MS.SUM) !== 0;
  mode.mxr = (ms & MS.MXR) !== 0;
  mode.updateAD = true;
  const pa = translate(h.bus, lo, hi, access, mode);
  if (pa < 0) {
    const page = access === ACCESS_FETCH ? Cause.InsnPage : access === ACCESS_LOAD ? Cause.LoadPage : Cause.StorePage;
    const acc = access === ACCESS_FETCH ? Cause.InsnAccess : access === ACCESS_LOAD ? Cause.LoadAccess : Cause.StoreAccess;
    h.trapWords(pa === PAGE_FAULT ? page : acc, lo, hi);
  }
  if (fill) {
    const vpn = Math.floor(va / 4096);
    const base = pa - (lo & 4095);
    if (access === ACCESS_FETCH) h.tlbX.insert(vpn, h.fetchCtx, base);
    else (access === ACCESS_LOAD ? h.tlbR : h.tlbW).insert(vpn, h.dataCtx, base);
    // A store leaves A and D set, so later loads of the page may hit too.
    if (access === ACCESS_STORE) h.tlbR.insert(vpn, h.dataCtx, base);
  }
  return pa;
}

/** Reused walk parameters (no allocation per miss). */
const WALK: WalkMode = { rootPpn: 0, levels: 3, priv: 0, sum: false, mxr: false, updateAD: true };
