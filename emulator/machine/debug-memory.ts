// Memory access for the debugger through the three address spaces of target.ts: physical,
// virtual as a hart sees it now, and virtual through an explicit satp. Walks here have no
// side effects (no A/D updates, no TLB fill); writes go through the bus so decoded
// instructions and LR/SC reservations of the written range are dropped.
import type { Bus } from '../bus/bus';
import type { Hart } from '../cpu/hart';
import { ACCESS_LOAD, ACCESS_STORE, levelsOf, translate, WalkMode } from '../cpu/mmu';
import { MS } from '../cpu/csr-numbers';
import { AddressSpace, TargetError } from '../target';

const hex = (v: number | bigint) => `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;

/** Maps a virtual address to physical (a number: nothing is mapped above 2^53), or returns -1. */
type Mapper = (va: bigint, write: boolean) => number;

const identity: Mapper = (a) => Number(BigInt.asUintN(64, a));

function mapperFor(bus: Bus, harts: Hart[], space: AddressSpace | undefined): Mapper {
  if (!space || space.kind === 'physical') return identity;
  let mode: WalkMode;
  if (space.kind === 'virtual') {
    const h = harts[space.hart];
    if (!h) throw new TargetError(`no hart ${space.hart}`, 'bad-hart');
    if (!h.dataVm) return identity;
    const ms = h.csr.mstatus;
    mode = { rootPpn: h.csr.satpPpn(), levels: levelsOf(h.csr.satpMode()), priv: h.dataPriv(), sum: (ms & MS.SUM) !== 0, mxr: (ms & MS.MXR) !== 0, updateAD: false };
  } else {
    const satp = BigInt.asUintN(64, space.satp);
    const m = Number(satp >> 60n);
    if (m === 0) return identity;
    if (levelsOf(m) === 0) throw new TargetError(`satp ${hex(satp)} is not Sv39, Sv48, Sv57 or bare`, 'unsupported');
    mode = { rootPpn: Number(satp & ((1n << 44n) - 1n)), levels: levelsOf(m), priv: 1, sum: true, mxr: false, updateAD: false };
  }
  return (va, write) => {
    const lo = Number(va & 0xffffffffn) | 0, hi = Number((va >> 32n) & 0xffffffffn) | 0;
    // A debugger may read what the kernel could read; writes need no W permission either.
    const pa = translate(bus, lo, hi, write ? ACCESS_STORE : ACCESS_LOAD, mode);
    if (pa >= 0 || !write) return pa;
    return translate(bus, lo, hi, ACCESS_LOAD, mode);
  };
}

export function readMemory(bus: Bus, harts: Hart[], address: bigint, length: number, space?: AddressSpace): Uint8Array {
  const map = mapperFor(bus, harts, space);
  const out = new Uint8Array(length);
  const base = BigInt.asUintN(64, address);
  for (let i = 0; i < length;) {
    // One translation per page; the bytes of the page by number.
    const va = BigInt.asUintN(64, base + BigInt(i));
    const inPage = Number(va & 0xfffn);
    const n = Math.min(length - i, 4096 - inPage);
    const pageBase = map(va - BigInt(inPage), false);
    if (pageBase < 0) throw new TargetError(`address ${hex(va)} is not mapped`, 'unmapped');
    for (let j = 0; j < n; j++) {
      const pa = pageBase + inPage + j;
      const v = bus.read(pa, 1);
      if (bus.fault) throw new TargetError(`address ${hex(va + BigInt(j))} is not mapped (physical ${hex(pa)})`, 'unmapped');
      out[i + j] = v;
    }
    i += n;
  }
  return out;
}

export function writeMemory(bus: Bus, harts: Hart[], address: bigint, data: Uint8Array, space?: AddressSpace): void {
  const map = mapperFor(bus, harts, space);
  const base = BigInt.asUintN(64, address);
  // Check everything first so a failed write changes nothing.
  const pas = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const va = BigInt.asUintN(64, base + BigInt(i));
    const pa = map(va, true);
    if (pa < 0) throw new TargetError(`address ${hex(va)} is not mapped`, 'unmapped');
    if (!bus.isRam(pa, 1) && !bus.devices.some((d) => pa >= d.base && pa < d.base + d.device.size) && !(pa >= bus.romBase && pa < bus.romBase + bus.rom.length)) {
      throw new TargetError(`address ${hex(va)} is not mapped (physical ${hex(pa)})`, 'unmapped');
    }
    pas[i] = pa;
  }
  for (let i = 0; i < data.length; i++) {
    const pa = pas[i];
    const ro = pa - bus.romBase;
    if (ro >= 0 && ro < bus.rom.length) { bus.rom[ro] = data[i]; continue; }
    bus.write(pa, 1, data[i]);
  }
  for (const h of harts) h.flushFetch();
}
