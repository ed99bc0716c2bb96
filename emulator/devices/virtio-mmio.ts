// virtio-mmio transport, version 2 (Virtio 1.2 §4.2.2, "modern"; no legacy registers), one per
// slot of QEMU virt's 0x1000_1000 + 0x1000·n windows, IRQ 1 + n. An empty slot answers the
// magic, version 2 and device ID 0 (as QEMU's empty transports do), so drivers skip it.
// Requests are processed synchronously when the driver writes QueueNotify.
import type { DmaPort, IrqLine } from '../bus/device';
import type { FdtBuilder } from '../board/fdt';
import { unitName, type DescribedDevice, type FdtContext, type Placement } from '../board/fdt-node';
import { SplitVirtqueue, VirtioError } from './virtqueue';
import { StateReader, type StateValue } from '../checkpoint/state';
import { CheckpointError } from '../checkpoint/errors';

export const VIRTIO_MMIO_SIZE = 0x1000;
export const VIRTIO_MAGIC = 0x74726976; // "virt"
export const VIRTIO_VENDOR_QEMU = 0x554d4551; // "QEMU", what QEMU's transports report
export const VIRTIO_F_VERSION_1 = 32;
export const VIRTIO_RING_F_INDIRECT_DESC = 28;

export const STATUS_ACKNOWLEDGE = 1;
export const STATUS_DRIVER = 2;
export const STATUS_DRIVER_OK = 4;
export const STATUS_FEATURES_OK = 8;
export const STATUS_DEVICE_NEEDS_RESET = 0x40;
export const STATUS_FAILED = 0x80;

/** Register offsets of the version 2 layout. */
export const enum Reg {
  MagicValue = 0x000, Version = 0x004, DeviceID = 0x008, VendorID = 0x00c,
  DeviceFeatures = 0x010, DeviceFeaturesSel = 0x014, DriverFeatures = 0x020, DriverFeaturesSel = 0x024,
  QueueSel = 0x030, QueueNumMax = 0x034, QueueNum = 0x038, QueueReady = 0x044, QueueNotify = 0x050,
  InterruptStatus = 0x060, InterruptACK = 0x064, Status = 0x070,
  QueueDescLow = 0x080, QueueDescHigh = 0x084, QueueDriverLow = 0x090, QueueDriverHigh = 0x094,
  QueueDeviceLow = 0x0a0, QueueDeviceHigh = 0x0a4, ConfigGeneration = 0x0fc, Config = 0x100,
}

/** A device behind a transport (virtio-blk here). */
export interface VirtioDevice {
  readonly deviceId: number;
  readonly queueCount: number;
  readonly queueMax: number;
  /** Offered feature bits, word `sel` (bits 32·sel .. 32·sel+31). */
  features(sel: number): number;
  configRead(offset: number, size: 1 | 2 | 4): number;
  /** Drains `queue` (called on QueueNotify); returns true when the driver should be interrupted. */
  process(queueIndex: number, queue: SplitVirtqueue, negotiated: readonly number[]): boolean;
  reset(): void;
  /** Checkpoints: state the device keeps beyond its queues (none for virtio-blk, whose data is the backend's). */
  saveState?(): StateValue;
  loadState?(state: StateReader): void;
}

const TWO32 = 0x1_0000_0000;

export class VirtioMmio implements DescribedDevice {
  readonly name: string;
  readonly size = VIRTIO_MMIO_SIZE;
  private status = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private readonly driverFeatures = [0, 0];
  private queueSel = 0;
  private interruptStatus = 0;
  /** ConfigGeneration (§4.2.2): changes with every configuration change (media change). Not in
   *  checkpoints: a driver only compares two reads around one config read. */
  private generation = 0;
  private readonly queues: SplitVirtqueue[];

  constructor(readonly slot: number, private readonly device: VirtioDevice | null, private readonly irq: IrqLine, private readonly irqNumber: number, dma: DmaPort) {
    this.name = `virtio_mmio${slot}`;
    this.queues = [];
    for (let q = 0; q < (device?.queueCount ?? 0); q++) this.queues.push(new SplitVirtqueue(dma, device!.queueMax));
  }

  reset(): void {
    this.status = 0;
    this.deviceFeaturesSel = this.driverFeaturesSel = this.queueSel = 0;
    this.driverFeatures[0] = this.driverFeatures[1] = 0;
    this.interruptStatus = 0;
    for (const q of this.queues) q.reset();
    this.device?.reset();
    this.update();
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (offset >= Reg.Config) return this.device ? this.device.configRead(offset - Reg.Config, size) : 0;
    if (size !== 4 || (offset & 3)) return 0; // §4.2.2.2: registers below 0x100 are 32-bit only
    switch (offset) {
      case Reg.MagicValue: return VIRTIO_MAGIC;
      case Reg.Version: return 2;
      case Reg.DeviceID: return this.device?.deviceId ?? 0;
      case Reg.VendorID: return VIRTIO_VENDOR_QEMU;
      default: break;
    }
    if (!this.device) return 0;
    const q = this.queues[this.queueSel];
    switch (offset) {
      case Reg.DeviceFeatures: return this.deviceFeaturesSel < 2 ? this.device.features(this.deviceFeaturesSel) >>> 0 : 0;
      case Reg.QueueNumMax: return q ? q.maxSize : 0;
      case Reg.QueueNum: return q ? q.num : 0;
      case Reg.QueueReady: return q?.ready ? 1 : 0;
      case Reg.InterruptStatus: return this.interruptStatus;
      case Reg.Status: return this.status;
      case Reg.QueueDescLow: return q ? q.descAddr >>> 0 : 0;
      case Reg.QueueDescHigh: return q ? Math.floor(q.descAddr / TWO32) : 0;
      case Reg.QueueDriverLow: return q ? q.availAddr >>> 0 : 0;
      case Reg.QueueDriverHigh: return q ? Math.floor(q.availAddr / TWO32) : 0;
      case Reg.QueueDeviceLow: return q ? q.usedAddr >>> 0 : 0;
      case Reg.QueueDeviceHigh: return q ? Math.floor(q.usedAddr / TWO32) : 0;
      case Reg.ConfigGeneration: return this.generation;
      default: return 0;
    }
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (!this.device || size !== 4 || (offset & 3) || offset >= Reg.Config) return; // config space is read-only here
    const v = value >>> 0;
    const q = this.queues[this.queueSel];
    switch (offset) {
      case Reg.DeviceFeaturesSel: this.deviceFeaturesSel = v; return;
      case Reg.DriverFeaturesSel: this.driverFeaturesSel = v; return;
      case Reg.DriverFeatures:
        if (this.driverFeaturesSel < 2 && !(this.status & STATUS_FEATURES_OK)) this.driverFeatures[this.driverFeaturesSel] = v;
        return;
      case Reg.QueueSel: this.queueSel = v; return;
      case Reg.QueueNum:
        // The size must be a power of two no larger than QueueNumMax (§2.7); others are ignored.
        if (q && !q.ready && v >= 1 && v <= q.maxSize && (v & (v - 1)) === 0) q.num = v;
        return;
      case Reg.QueueReady: if (q) q.ready = (v & 1) === 1; return;
      case Reg.QueueNotify: this.notify(v & 0xffff); return;
      case Reg.InterruptACK: this.interruptStatus &= ~v; this.update(); return;
      case Reg.Status: this.writeStatus(v & 0xff); return;
      case Reg.QueueDescLow: if (q && !q.ready) q.descAddr = hi(q.descAddr) + v; return;
      case Reg.QueueDescHigh: if (q && !q.ready) q.descAddr = v * TWO32 + (q.descAddr >>> 0); return;
      case Reg.QueueDriverLow: if (q && !q.ready) q.availAddr = hi(q.availAddr) + v; return;
      case Reg.QueueDriverHigh: if (q && !q.ready) q.availAddr = v * TWO32 + (q.availAddr >>> 0); return;
      case Reg.QueueDeviceLow: if (q && !q.ready) q.usedAddr = hi(q.usedAddr) + v; return;
      case Reg.QueueDeviceHigh: if (q && !q.ready) q.usedAddr = v * TWO32 + (q.usedAddr >>> 0); return;
      default: return;
    }
  }

  writeFdt(fdt: FdtBuilder, at: Placement, ctx: FdtContext): void {
    fdt.beginNode(unitName('virtio_mmio', at.base));
    fdt.u32('interrupts', at.irq ?? 0);
    fdt.u32('interrupt-parent', ctx.plicPhandle);
    fdt.reg2(at);
    fdt.str('compatible', 'virtio,mmio');
    fdt.endNode();
  }

  /** The device behind this transport (null: no device, ID 0). */
  get attached(): VirtioDevice | null {
    return this.device;
  }

  /**
   * The device's configuration changed (a disk put in or taken out): a new ConfigGeneration and,
   * once the driver has set DRIVER_OK, the "Configuration Change Notification" interrupt
   * (InterruptStatus bit 1, §4.2.2; §2.4.2: not before DRIVER_OK). Returns whether the driver
   * was notified.
   */
  configChanged(): boolean {
    this.generation = (this.generation + 1) >>> 0;
    if (!(this.status & STATUS_DRIVER_OK)) return false;
    this.interruptStatus |= 2;
    this.update();
    return true;
  }

  /** Status byte as the driver last left it (tests, debugger). */
  get deviceStatus(): number {
    return this.status;
  }

  private writeStatus(v: number): void {
    if (v === 0) { this.reset(); return; }
    if ((v & STATUS_FEATURES_OK) && !(this.status & STATUS_FEATURES_OK)) {
      if (!this.featuresAcceptable()) v &= ~STATUS_FEATURES_OK; // the driver reads it back and gives up (§3.1.1 step 6)
      const indirect = ((this.driverFeatures[0] >>> VIRTIO_RING_F_INDIRECT_DESC) & 1) === 1;
      for (const q of this.queues) q.indirect = indirect;
    }
    this.status = v | (this.status & STATUS_DEVICE_NEEDS_RESET);
  }

  private featuresAcceptable(): boolean {
    const device = this.device!;
    // Only features the device offered may be accepted. VIRTIO_F_VERSION_1 itself is not
    // required: §6.1 lets a device refuse a driver without it, but QEMU's version 2
    // transports accept one, and xv6 (which writes only feature word 0) relies on that.
    for (let w = 0; w < 2; w++) if ((this.driverFeatures[w] & ~device.features(w)) !== 0) return false;
    return true;
  }

  private notify(index: number): void {
    const q = this.queues[index];
    if (!q || !q.ready || !(this.status & STATUS_DRIVER_OK) || (this.status & STATUS_DEVICE_NEEDS_RESET)) return;
    try {
      if (this.device!.process(index, q, this.driverFeatures)) this.interruptStatus |= 1;
    } catch (e) {
      if (!(e instanceof VirtioError)) throw e;
      this.status |= STATUS_DEVICE_NEEDS_RESET;
      this.interruptStatus |= 2; // configuration change notifies the driver (§2.1.2)
    }
    this.update();
  }

  /** Drives the IRQ line after every update (notify, ack, reset), as QEMU does (see plic.ts). */
  private update(): void {
    this.irq.setIrq(this.irqNumber, this.interruptStatus !== 0);
  }

  /** Checkpoints: the transport's registers, each queue, and the device's own state if it has any. */
  saveState(): StateValue {
    return {
      regs: Float64Array.of(this.status, this.deviceFeaturesSel, this.driverFeaturesSel, this.driverFeatures[0], this.driverFeatures[1], this.queueSel, this.interruptStatus),
      queues: this.queues.map((q) => q.saveState()),
      device: this.device?.saveState?.() ?? null,
    };
  }

  loadState(s: StateReader): void {
    const regs = s.f64('regs', 7), queues = s.list('queues', this.queues.length);
    for (const r of regs) if (!Number.isInteger(r) || r < 0 || r > 0xffffffff) throw new CheckpointError(`${s.path}.regs: ${r} is not a register value`);
    const before = this.queues.map((q) => q.saveState());
    try {
      this.queues.forEach((q, i) => q.loadState(new StateReader(queues[i], `${s.path}.queues[${i}]`)));
      if (this.device?.loadState) this.device.loadState(s.child('device'));
    } catch (e) {
      this.queues.forEach((q, i) => q.loadState(new StateReader(before[i], `${s.path}.queues[${i}]`)));
      throw e;
    }
    [this.status, this.deviceFeaturesSel, this.driverFeaturesSel, this.driverFeatures[0], this.driverFeatures[1], this.queueSel, this.interruptStatus] = regs;
  }
}

function hi(addr: number): number {
  return Math.floor(addr / TWO32) * TWO32;
}
