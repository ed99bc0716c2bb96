// Test doubles for the device contracts of emulator/bus/device.ts: interrupt lines that
// record levels, a clock the test sets, and RAM behind a DmaPort.
import type { Clock, DmaPort, HartInterruptLines, IrqLine } from '../../../emulator/bus/device';

/** mip bits driven by devices, per hart. */
export class FakeHartLines implements HartInterruptLines {
  readonly mip: number[];
  /** Every change, in order: [hart, mask, level]. */
  readonly log: [number, number, boolean][] = [];
  constructor(harts: number) {
    this.mip = new Array(harts).fill(0);
  }
  setPending(hart: number, mask: number, level: boolean): void {
    this.log.push([hart, mask, level]);
    this.mip[hart] = level ? this.mip[hart] | mask : this.mip[hart] & ~mask;
  }
}

export class FakeIrq implements IrqLine {
  readonly level = new Map<number, boolean>();
  changes = 0;
  setIrq(source: number, level: boolean): void {
    this.changes++;
    this.level.set(source, level);
  }
  high(source: number): boolean {
    return this.level.get(source) === true;
  }
}

export class FakeClock implements Clock {
  constructor(public t = 0) {}
  now(): number {
    return this.t;
  }
}

/** RAM at `base` behind a DmaPort; accesses outside it fail as the contract says. */
export class FakeRam implements DmaPort {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  constructor(readonly base: number, size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  private inside(paddr: number, n: number): boolean {
    return paddr >= this.base && paddr + n <= this.base + this.bytes.length;
  }
  dmaRead(paddr: number, dst: Uint8Array): boolean {
    if (!this.inside(paddr, dst.length)) return false;
    dst.set(this.bytes.subarray(paddr - this.base, paddr - this.base + dst.length));
    return true;
  }
  dmaWrite(paddr: number, src: Uint8Array): boolean {
    if (!this.inside(paddr, src.length)) return false;
    this.bytes.set(src, paddr - this.base);
    return true;
  }
  u16(paddr: number): number { return this.view.getUint16(paddr - this.base, true); }
  u32(paddr: number): number { return this.view.getUint32(paddr - this.base, true); }
  set16(paddr: number, v: number): void { this.view.setUint16(paddr - this.base, v, true); }
  set32(paddr: number, v: number): void { this.view.setUint32(paddr - this.base, v, true); }
  set64(paddr: number, v: number): void { this.view.setBigUint64(paddr - this.base, BigInt(v), true); }
}
