// CLINT (SiFive core-local interruptor) as QEMU's virt board has it at 0x0200_0000: per hart a
// 32-bit msip register at 4·h (bit 0 drives mip.MSIP) and a 64-bit mtimecmp at 0x4000 + 8·h;
// mtime at 0xBFF8. mtime is the machine's virtual Clock (10 MHz timebase); mip.MTIP is the
// level mtime >= mtimecmp. As a TimedDevice it reports the earliest future mtimecmp so the
// machine advances it exactly when a timer fires, with no polling per instruction.
// Writes to mtime are ignored: the machine owns time (Linux and OpenSBI never write it).
import { MIP_MSIP, MIP_MTIP, type Clock, type HartInterruptLines, type TimedDevice } from '../bus/device';
import type { DescribedDevice, FdtContext, Placement } from '../board/fdt-node';
import { unitName } from '../board/fdt-node';
import type { FdtBuilder } from '../board/fdt';
import type { StateReader, StateValue } from '../checkpoint/state';

export const CLINT_SIZE = 0x10000;
const MSIP_BASE = 0x0000;
const MTIMECMP_BASE = 0x4000;
const MTIME = 0xbff8;
const TWO32 = 0x1_0000_0000;

export class Clint implements DescribedDevice, TimedDevice {
  readonly name = 'clint';
  readonly size = CLINT_SIZE;
  private readonly msip: Uint8Array;
  private readonly cmpLo: Uint32Array;
  private readonly cmpHi: Uint32Array;
  /** mtimecmp as a number (exact below 2^53; larger values never fire, which is right). */
  private readonly cmp: Float64Array;
  private readonly mtip: Uint8Array;

  constructor(private readonly harts: number, private readonly lines: HartInterruptLines, private readonly clock: Clock) {
    this.msip = new Uint8Array(harts);
    this.cmpLo = new Uint32Array(harts);
    this.cmpHi = new Uint32Array(harts);
    this.cmp = new Float64Array(harts);
    this.mtip = new Uint8Array(harts);
    this.reset();
  }

  reset(): void {
    for (let h = 0; h < this.harts; h++) {
      // mtimecmp resets to 0 as in QEMU 7.2 (read back with gdb at reset: 0, and mip.MTIP
      // set), so MTIP is pending from the start; software writes mtimecmp before enabling MTIE.
      this.cmpLo[h] = 0;
      this.cmpHi[h] = 0;
      this.cmp[h] = 0;
      if (this.msip[h]) this.lines.setPending(h, MIP_MSIP, false);
      this.msip[h] = 0;
      this.updateTimer(h, this.clock.now());
    }
  }

  read(offset: number, size: 1 | 2 | 4): number {
    const word = offset & ~3;
    const shift = (offset & 3) * 8;
    return size === 4 ? this.readWord(word) : (this.readWord(word) >>> shift) & (size === 1 ? 0xff : 0xffff);
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    const word = offset & ~3;
    let v = value >>> 0;
    if (size !== 4) {
      const shift = (offset & 3) * 8;
      const mask = (size === 1 ? 0xff : 0xffff) << shift;
      v = ((this.readWord(word) & ~mask) | ((v << shift) & mask)) >>> 0;
    }
    this.writeWord(word, v);
  }

  nextDeadline(): number {
    let best = Infinity;
    for (let h = 0; h < this.harts; h++) if (!this.mtip[h] && this.cmp[h] < best) best = this.cmp[h];
    return best;
  }

  advance(now: number): void {
    for (let h = 0; h < this.harts; h++) this.updateTimer(h, now);
  }

  writeFdt(fdt: FdtBuilder, at: Placement, ctx: FdtContext): void {
    fdt.beginNode(unitName('clint', at.base));
    fdt.str('compatible', 'sifive,clint0', 'riscv,clint0');
    fdt.reg2(at);
    // Per hart: machine software (IRQ 3) and machine timer (IRQ 7) of its cpu-intc.
    fdt.u32('interrupts-extended', ...ctx.cpuIntcPhandles.flatMap((p) => [p, 3, p, 7]));
    fdt.endNode();
  }

  private readWord(word: number): number {
    if (word >= MSIP_BASE && word < MSIP_BASE + 4 * this.harts) return this.msip[(word - MSIP_BASE) >> 2];
    if (word >= MTIMECMP_BASE && word < MTIMECMP_BASE + 8 * this.harts) {
      const h = (word - MTIMECMP_BASE) >> 3;
      return (word & 4) ? this.cmpHi[h] : this.cmpLo[h];
    }
    if (word === MTIME || word === MTIME + 4) {
      const now = this.clock.now();
      return word === MTIME ? now >>> 0 : Math.floor(now / TWO32) >>> 0;
    }
    return 0;
  }

  private writeWord(word: number, v: number): void {
    if (word >= MSIP_BASE && word < MSIP_BASE + 4 * this.harts) {
      const h = (word - MSIP_BASE) >> 2;
      const bit = v & 1;
      if (bit !== this.msip[h]) {
        this.msip[h] = bit;
        this.lines.setPending(h, MIP_MSIP, bit === 1);
      }
      return;
    }
    if (word >= MTIMECMP_BASE && word < MTIMECMP_BASE + 8 * this.harts) {
      const h = (word - MTIMECMP_BASE) >> 3;
      if (word & 4) this.cmpHi[h] = v; else this.cmpLo[h] = v;
      this.cmp[h] = this.cmpHi[h] * TWO32 + this.cmpLo[h];
      this.updateTimer(h, this.clock.now());
    }
  }

  private updateTimer(h: number, now: number): void {
    const level = now >= this.cmp[h] ? 1 : 0;
    if (level !== this.mtip[h]) {
      this.mtip[h] = level;
      this.lines.setPending(h, MIP_MTIP, level === 1);
    }
  }

  /** Checkpoints: msip, mtimecmp and the MTIP levels as driven (mtime is the machine's). */
  saveState(): StateValue {
    return { msip: this.msip.slice(), cmpLo: this.cmpLo.slice(), cmpHi: this.cmpHi.slice(), mtip: this.mtip.slice() };
  }

  loadState(s: StateReader): void {
    const msip = s.u8('msip', this.harts), lo = s.u32('cmpLo', this.harts), hi = s.u32('cmpHi', this.harts), mtip = s.u8('mtip', this.harts);
    this.msip.set(msip); this.cmpLo.set(lo); this.cmpHi.set(hi); this.mtip.set(mtip);
    for (let h = 0; h < this.harts; h++) this.cmp[h] = this.cmpHi[h] * TWO32 + this.cmpLo[h];
  }
}
