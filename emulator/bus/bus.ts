// The physical address space: RAM (default at 0x8000_0000), a read-only boot ROM, and MMIO
// devices that see offsets from their base. It also owns what the harts cache per physical
// RAM page (decoded instructions) and the LR/SC reservations, so that every write that does
// not come from the hart's own fast path (DMA, debugger, other harts' slow stores) drops them.
import type { Device, DmaPort } from './device';
import { CheckpointError } from '../checkpoint/errors';
import type { StateReader, StateValue } from '../checkpoint/state';
import { checkRuns, decodeRuns, encodeRuns } from '../checkpoint/ram-runs';

export const RAM_BASE = 0x8000_0000;
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;

/** Flags per RAM page telling the store path to look closer (0 = plain data page). */
export const PAGE_CODE = 1;
export const PAGE_RESERVED = 2;
export const PAGE_HOOK = 4;
/** The translator (cpu/jit) holds compiled blocks of this page; FENCE.I leaves it set. */
export const PAGE_JIT = 8;

/** What the translator asks of the bus: to hear of every write into a page it compiled. */
export interface CodeWatcher {
  /** RAM page p (offset >>> 12) was written while PAGE_JIT was set. */
  pageWritten(p: number): void;
  /** RAM was reset wholesale. */
  reset(): void;
}

/**
 * Instructions decoded from one physical page: 2048 half-word slots, interleaved so one
 * array serves the fetch: code[2s] = op of slot s ((handler number << 1) | compressed flag;
 * 0 = not decoded yet), code[2s + 1] = the instruction (compressed ones expanded to 32 bits).
 */
export class DecodedPage {
  readonly code = new Int32Array(PAGE_SIZE);
}

export class BusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BusError';
  }
}

export interface MappedDevice {
  base: number;
  device: Device;
}

export interface BusOptions {
  ramBytes: number;
  ramBase?: number;
  rom?: { base: number; bytes: Uint8Array };
  devices?: MappedDevice[];
  harts?: number;
}

export class Bus implements DmaPort {
  readonly ramBase: number;
  readonly ramSize: number;
  readonly ram: Uint8Array;
  readonly ram16: Uint16Array;
  readonly ram32: Int32Array;
  romBase: number;
  rom: Uint8Array;
  readonly devices: MappedDevice[];
  /** Per RAM page: PAGE_* flags. */
  readonly pageFlags: Uint8Array;
  /** Per RAM page: its decoded instructions, when any were fetched from it. */
  readonly decoded: (DecodedPage | undefined)[];
  /** Per hart: reserved physical address (8-byte granule) or -1. */
  readonly reservation: Float64Array;
  /** Pages that may have PAGE_CODE set (FENCE.I visits only these). */
  private codePages: number[] = [];
  /** Set by the last read/write that hit nothing. */
  fault = false;
  /** Called after a store into a PAGE_HOOK page (HTIF tohost), with the RAM offset. */
  storeHook: ((ramOffset: number, size: number) => void) | undefined;
  private hookOffset = -1;
  /** The translator, when one runs on this bus (see PAGE_JIT). */
  codeWatcher: CodeWatcher | undefined;

  constructor(opts: BusOptions) {
    this.ramBase = opts.ramBase ?? RAM_BASE;
    if (!(opts.ramBytes > 0) || opts.ramBytes % PAGE_SIZE !== 0 || opts.ramBytes > 0x8000_0000) {
      throw new BusError(`RAM size ${opts.ramBytes} is not a positive multiple of 4 KiB up to 2 GiB`);
    }
    this.ramSize = opts.ramBytes;
    const buf = new ArrayBuffer(this.ramSize);
    this.ram = new Uint8Array(buf);
    this.ram16 = new Uint16Array(buf);
    this.ram32 = new Int32Array(buf);
    this.romBase = opts.rom?.base ?? 0x1000;
    this.rom = opts.rom?.bytes ?? new Uint8Array(0);
    this.devices = [...(opts.devices ?? [])].sort((a, b) => a.base - b.base);
    this.pageFlags = new Uint8Array(this.ramSize >>> PAGE_SHIFT);
    this.decoded = new Array(this.ramSize >>> PAGE_SHIFT).fill(undefined);
    this.reservation = new Float64Array(opts.harts ?? 1).fill(-1);
  }

  /** Maps a device (the board is built after the bus, since devices need the DmaPort). */
  addDevice(base: number, device: Device): void {
    for (const d of this.devices) {
      if (base < d.base + d.device.size && d.base < base + device.size) {
        throw new BusError(`device ${device.name} at 0x${base.toString(16)} overlaps ${d.device.name} at 0x${d.base.toString(16)}`);
      }
    }
    this.devices.push({ base, device });
    this.devices.sort((a, b) => a.base - b.base);
  }

  /** Maps read-only bytes (the boot ROM). */
  setRom(base: number, bytes: Uint8Array): void {
    this.romBase = base;
    this.rom = bytes;
  }

  /** Watch stores to 8 bytes of RAM at `paddr` (HTIF tohost); one address at a time. */
  hookStores(paddr: number, hook: (ramOffset: number, size: number) => void): void {
    const off = paddr - this.ramBase;
    if (off < 0 || off + 8 > this.ramSize) throw new BusError(`HTIF address 0x${paddr.toString(16)} is not in RAM`);
    this.hookOffset = off;
    this.storeHook = hook;
    this.pageFlags[off >>> PAGE_SHIFT] |= PAGE_HOOK;
  }

  isRam(paddr: number, size: number): boolean {
    const off = paddr - this.ramBase;
    return off >= 0 && off + size <= this.ramSize;
  }

  // ---- cached state ----

  /** The decoded-instruction page for a RAM offset, created on first use. */
  decodedPage(ramOffset: number): DecodedPage {
    const p = ramOffset >>> PAGE_SHIFT;
    let d = this.decoded[p];
    if (!d) { d = new DecodedPage(); this.decoded[p] = d; }
    this.markCode(p);
    return d;
  }

  /** Page p holds decoded instructions (stores into it must drop them). */
  markCode(p: number): void {
    const f = this.pageFlags[p];
    if ((f & PAGE_CODE) === 0) { this.pageFlags[p] = f | PAGE_CODE; this.codePages.push(p); }
  }

  /**
   * Something wrote [off, off+size) of RAM: drop the decoded instructions that overlap it
   * (a 32-bit instruction may start 2 bytes before), break reservations, run the store hook.
   */
  afterStore(off: number, size: number): void {
    const first = off >>> PAGE_SHIFT, last = (off + size - 1) >>> PAGE_SHIFT;
    for (let p = first; p <= last && p < this.pageFlags.length; p++) {
      const f = this.pageFlags[p];
      if (f & PAGE_CODE) {
        const base = p * PAGE_SIZE;
        const lo = Math.max(off - base, 0), hi = Math.min(off + size - base, PAGE_SIZE);
        const firstSlot = Math.max(lo - 2, 0) >> 1, lastSlot = (hi - 1) >> 1;
        this.decoded[p]!.code.fill(0, 2 * firstSlot, 2 * lastSlot + 2);
      }
      if (f & PAGE_JIT) this.codeWatcher?.pageWritten(p);
      if (f & PAGE_RESERVED) this.breakReservations(off, size);
      if ((f & PAGE_HOOK) && this.storeHook && off < this.hookOffset + 8 && off + size > this.hookOffset) {
        this.storeHook(off, size);
      }
    }
  }

  /** FENCE.I: forget every decoded instruction. */
  flushDecoded(): void {
    for (const p of this.codePages) {
      if (this.pageFlags[p] & PAGE_CODE) { this.decoded[p]!.code.fill(0); this.pageFlags[p] &= ~PAGE_CODE; }
    }
    this.codePages.length = 0;
  }

  reserve(hart: number, paddr: number): void {
    const a = paddr - (paddr % 8);
    this.reservation[hart] = a;
    const off = a - this.ramBase;
    if (off >= 0 && off < this.ramSize) this.pageFlags[off >>> PAGE_SHIFT] |= PAGE_RESERVED;
  }

  /** Whether `hart` still holds a reservation on `paddr`; the reservation is consumed. */
  takeReservation(hart: number, paddr: number): boolean {
    const ok = this.reservation[hart] === paddr - (paddr % 8);
    this.reservation[hart] = -1;
    return ok;
  }

  private breakReservations(off: number, size: number): void {
    const lo = off + this.ramBase, hi = lo + size;
    for (let h = 0; h < this.reservation.length; h++) {
      const r = this.reservation[h];
      if (r >= 0 && r < hi && r + 8 > lo) this.reservation[h] = -1;
    }
  }

  // ---- slow-path accesses (MMIO, ROM, unaligned RAM, debugger) ----

  private deviceAt(paddr: number, size: number): MappedDevice | undefined {
    for (const d of this.devices) {
      if (paddr >= d.base && paddr + size <= d.base + d.device.size) return d;
    }
    return undefined;
  }

  /** Unsigned value of 1, 2 or 4 bytes; sets `fault` (and returns 0) when nothing is there. */
  read(paddr: number, size: 1 | 2 | 4): number {
    this.fault = false;
    const off = paddr - this.ramBase;
    if (off >= 0 && off + size <= this.ramSize) {
      const r = this.ram;
      if (size === 1) return r[off];
      if (size === 2) return r[off] | (r[off + 1] << 8);
      return (r[off] | (r[off + 1] << 8) | (r[off + 2] << 16) | (r[off + 3] << 24)) >>> 0;
    }
    const ro = paddr - this.romBase;
    if (ro >= 0 && ro + size <= this.rom.length) {
      let v = 0;
      for (let i = size - 1; i >= 0; i--) v = v * 256 + this.rom[ro + i];
      return v;
    }
    const d = this.deviceAt(paddr, size);
    if (d) return d.device.read(paddr - d.base, size) >>> 0;
    this.fault = true;
    return 0;
  }

  /** Writes the low `size` bytes of value; sets `fault` when nothing writable is there. */
  write(paddr: number, size: 1 | 2 | 4, value: number): void {
    this.fault = false;
    const off = paddr - this.ramBase;
    if (off >= 0 && off + size <= this.ramSize) {
      const r = this.ram;
      r[off] = value;
      if (size >= 2) r[off + 1] = value >>> 8;
      if (size === 4) { r[off + 2] = value >>> 16; r[off + 3] = value >>> 24; }
      if (this.pageFlags[off >>> PAGE_SHIFT] !== 0 || this.pageFlags[(off + size - 1) >>> PAGE_SHIFT] !== 0) this.afterStore(off, size);
      return;
    }
    const d = this.deviceAt(paddr, size);
    if (d) { d.device.write(paddr - d.base, size, value); return; }
    this.fault = true;
  }

  // ---- DmaPort ----

  dmaRead(paddr: number, dst: Uint8Array): boolean {
    const off = paddr - this.ramBase;
    if (off < 0 || off + dst.length > this.ramSize) return false;
    dst.set(this.ram.subarray(off, off + dst.length));
    return true;
  }

  dmaWrite(paddr: number, src: Uint8Array): boolean {
    const off = paddr - this.ramBase;
    if (off < 0 || off + src.length > this.ramSize) return false;
    this.ram.set(src, off);
    if (src.length > 0) this.afterStoreRange(off, src.length);
    return true;
  }

  private afterStoreRange(off: number, len: number): void {
    const first = off >>> PAGE_SHIFT, last = (off + len - 1) >>> PAGE_SHIFT;
    for (let p = first; p <= last; p++) {
      if (this.pageFlags[p] !== 0) {
        const s = Math.max(off, p * PAGE_SIZE), e = Math.min(off + len, (p + 1) * PAGE_SIZE);
        this.afterStore(s, e - s);
      }
    }
  }

  /** Copies bytes into RAM or ROM (loading, debugger writes); false when not all of it is memory. */
  writeBytes(paddr: number, src: Uint8Array): boolean {
    if (this.dmaWrite(paddr, src)) return true;
    for (let i = 0; i < src.length; i++) {
      this.write(paddr + i, 1, src[i]);
      if (this.fault) return false;
    }
    return true;
  }

  /** Power-on state of RAM and devices (reboot). */
  reset(): void {
    this.ram.fill(0);
    this.flushDecoded();
    this.codeWatcher?.reset();
    this.reservation.fill(-1);
    for (const d of this.devices) d.device.reset?.();
  }

  // ---- checkpoints ----

  /** RAM sparsely (runs of zero words skipped, see checkpoint/ram-runs.ts) and the LR/SC reservations. */
  saveState(): StateValue {
    const { runs, data } = encodeRuns(this.ram32);
    return { bytes: this.ramSize, runs, data, reservation: this.reservation.slice() };
  }

  /** Checks the whole saved state first, then replaces RAM; decoded instructions are dropped. */
  loadState(s: StateReader): void {
    const bytes = s.num('bytes', 0);
    if (bytes !== this.ramSize) throw new CheckpointError(`${s.path}: ${bytes} bytes of RAM saved, this machine has ${this.ramSize}`);
    const runs = { runs: s.u32('runs'), data: s.u8('data') };
    const reservation = s.f64('reservation', this.reservation.length);
    checkRuns(runs, this.ram32.length, s.path);
    for (const r of reservation) if (r !== -1 && !this.isRam(r, 8)) throw new CheckpointError(`${s.path}.reservation: ${r} is not in RAM`);
    decodeRuns(runs, this.ram32);
    this.flushDecoded();
    this.codeWatcher?.reset();
    for (let p = 0; p < this.pageFlags.length; p++) this.pageFlags[p] &= ~PAGE_RESERVED;
    this.reservation.fill(-1);
    reservation.forEach((r, h) => { if (r !== -1) this.reserve(h, r); });
  }
}
