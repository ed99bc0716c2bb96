// Goldfish RTC ("google,goldfish-rtc", Android emulator's real-time clock; register layout from
// Linux's Documentation and the Android emulator's goldfish device spec) at 0x0010_1000, IRQ 11.
//   0x00 TIME_LOW (reading it latches TIME_HIGH)  0x04 TIME_HIGH     nanoseconds since the epoch
//   0x08 ALARM_LOW (writing it arms the alarm)    0x0c ALARM_HIGH
//   0x10 IRQ_ENABLED   0x14 CLEAR_ALARM   0x18 ALARM_STATUS   0x1c CLEAR_INTERRUPT
// Time is the machine's virtual clock (10 MHz ticks, 100 ns each) plus a fixed epoch offset,
// so runs stay deterministic. Writing the time (TIME_LOW after TIME_HIGH) moves the offset.
// Nanoseconds since 1970 exceed 2^53, so they are bigints (RTC accesses are rare: not hot path).
import type { Clock, IrqLine, TimedDevice } from '../bus/device';
import type { FdtBuilder } from '../board/fdt';
import { unitName, type DescribedDevice, type FdtContext, type Placement } from '../board/fdt-node';
import type { StateReader, StateValue } from '../checkpoint/state';

export const GOLDFISH_RTC_SIZE = 0x1000;
const NS_PER_TICK = 100n;
const MASK32 = 0xffffffffn;
/** Default wall time at power-on: 2026-01-01T00:00:00Z, in ns (a fixed value: determinism). */
export const DEFAULT_EPOCH_NS = 1767225600n * 1_000_000_000n;

export class GoldfishRtc implements DescribedDevice, TimedDevice {
  readonly name = 'rtc';
  readonly size = GOLDFISH_RTC_SIZE;
  private offsetNs: bigint;
  private latchedHigh = 0;
  private writeHigh = 0n;
  private alarmHigh = 0n;
  /** Armed alarm time in ns, or -1n when none. */
  private alarmNs = -1n;
  private irqEnabled = 0;
  private alarmFired = 0;

  constructor(private readonly clock: Clock, private readonly irq: IrqLine, private readonly irqNumber: number, private readonly epochNs = DEFAULT_EPOCH_NS) {
    this.offsetNs = epochNs;
  }

  reset(): void {
    this.offsetNs = this.epochNs;
    this.alarmNs = -1n;
    this.irqEnabled = 0;
    this.alarmFired = 0;
    this.update();
  }

  private nsAt(now: number): bigint {
    return BigInt(Math.floor(now)) * NS_PER_TICK + this.offsetNs;
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (size !== 4) return 0;
    switch (offset) {
      case 0x00: {
        const t = this.nsAt(this.clock.now());
        this.latchedHigh = Number((t >> 32n) & MASK32);
        return Number(t & MASK32);
      }
      case 0x04: return this.latchedHigh;
      case 0x08: return this.alarmNs >= 0n ? Number(this.alarmNs & MASK32) : 0;
      case 0x0c: return Number(this.alarmHigh);
      case 0x10: return this.irqEnabled;
      case 0x18: return this.alarmNs >= 0n ? 1 : 0;
      default: return 0;
    }
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (size !== 4) return;
    const v = BigInt(value >>> 0);
    switch (offset) {
      case 0x00: this.offsetNs += ((this.writeHigh << 32n) | v) - this.nsAt(this.clock.now()); break;
      case 0x04: this.writeHigh = v; break;
      case 0x08: this.alarmNs = (this.alarmHigh << 32n) | v; this.alarmFired = 0; this.advance(this.clock.now()); break;
      case 0x0c: this.alarmHigh = v; break;
      case 0x10: this.irqEnabled = Number(v & 1n); break;
      case 0x14: this.alarmNs = -1n; break;
      case 0x1c: this.alarmFired = 0; break;
      default: break;
    }
    this.update();
  }

  nextDeadline(): number {
    if (this.alarmNs < 0n) return Infinity;
    const ticks = (this.alarmNs - this.offsetNs + NS_PER_TICK - 1n) / NS_PER_TICK;
    return ticks <= 0n ? 0 : Number(ticks);
  }

  advance(now: number): void {
    if (this.alarmNs >= 0n && this.nsAt(now) >= this.alarmNs) {
      this.alarmNs = -1n;
      this.alarmFired = 1;
      this.update();
    }
  }

  writeFdt(fdt: FdtBuilder, at: Placement, ctx: FdtContext): void {
    fdt.beginNode(unitName('rtc', at.base));
    fdt.u32('interrupts', at.irq ?? 0);
    fdt.u32('interrupt-parent', ctx.plicPhandle);
    fdt.reg2(at);
    fdt.str('compatible', 'google,goldfish-rtc');
    fdt.endNode();
  }

  /** Drives the IRQ line after every update, as QEMU's goldfish_rtc_update does (see plic.ts). */
  private update(): void {
    this.irq.setIrq(this.irqNumber, this.alarmFired === 1 && this.irqEnabled === 1);
  }

  /** Checkpoints: the offset from virtual time, the latches, the alarm and the interrupt state. */
  saveState(): StateValue {
    return {
      offsetNs: this.offsetNs, latchedHigh: this.latchedHigh, writeHigh: this.writeHigh, alarmHigh: this.alarmHigh,
      alarmNs: this.alarmNs, irqEnabled: this.irqEnabled, alarmFired: this.alarmFired,
    };
  }

  loadState(s: StateReader): void {
    const offsetNs = s.big('offsetNs'), latchedHigh = s.num('latchedHigh', 0, 2 ** 32 - 1), writeHigh = s.big('writeHigh');
    const alarmHigh = s.big('alarmHigh'), alarmNs = s.big('alarmNs'), irqEnabled = s.num('irqEnabled', 0, 1), alarmFired = s.num('alarmFired', 0, 1);
    this.offsetNs = offsetNs; this.latchedHigh = latchedHigh; this.writeHigh = writeHigh; this.alarmHigh = alarmHigh;
    this.alarmNs = alarmNs; this.irqEnabled = irqEnabled; this.alarmFired = alarmFired;
  }
}
