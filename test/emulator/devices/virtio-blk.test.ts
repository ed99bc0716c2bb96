// virtio-mmio version 2 transport and virtio-blk against the Virtio 1.2 specification
// (§4.2.2 registers, §3.1.1 initialisation, §2.7 split virtqueues, §5.2 block device), driven
// by a small driver written here that builds its virtqueue by hand in a RAM buffer.
import { strict as assert } from 'node:assert';
import { MemoryBlockBackend } from '../../../emulator/devices/block-backend';
import {
  BLK_F_FLUSH, BLK_F_RO, BLK_S_IOERR, BLK_S_OK, BLK_S_UNSUPP, BLK_T_FLUSH, BLK_T_GET_ID, BLK_T_IN, BLK_T_OUT, VirtioBlk,
} from '../../../emulator/devices/virtio-blk';
import { Reg, VirtioMmio, STATUS_DEVICE_NEEDS_RESET } from '../../../emulator/devices/virtio-mmio';
import { FakeIrq, FakeRam } from './fakes';

const RAM = 0x8000_0000;
const IRQ = 1;
const QSIZE = 8;
const DESC = RAM + 0x1000, AVAIL = RAM + 0x2000, USED = RAM + 0x3000, HDR = RAM + 0x4000, DATA = RAM + 0x5000, STATUS = RAM + 0x8000;

interface Seg { addr: number; len: number; write: boolean }

class Driver {
  readonly ram = new FakeRam(RAM, 0x10000);
  readonly irq = new FakeIrq();
  readonly dev: VirtioMmio;
  private availIdx = 0;
  constructor(readonly disk: MemoryBlockBackend | null) {
    this.dev = new VirtioMmio(0, disk ? new VirtioBlk(disk, this.ram, 'test-disk') : null, this.irq, IRQ, this.ram);
  }
  r(reg: number): number { return this.dev.read(reg, 4); }
  w(reg: number, v: number): void { this.dev.write(reg, 4, v); }
  features(): [number, number] {
    this.w(Reg.DeviceFeaturesSel, 0);
    const lo = this.r(Reg.DeviceFeatures);
    this.w(Reg.DeviceFeaturesSel, 1);
    return [lo, this.r(Reg.DeviceFeatures)];
  }
  /** §3.1.1 steps 1-6; returns whether the device kept FEATURES_OK. */
  negotiate(lo: number, hi: number): boolean {
    this.w(Reg.Status, 0);
    this.w(Reg.Status, 1);
    this.w(Reg.Status, 3);
    this.w(Reg.DriverFeaturesSel, 0); this.w(Reg.DriverFeatures, lo);
    this.w(Reg.DriverFeaturesSel, 1); this.w(Reg.DriverFeatures, hi);
    this.w(Reg.Status, 11);
    return (this.r(Reg.Status) & 8) !== 0;
  }
  setupQueue(): void {
    this.w(Reg.QueueSel, 0);
    this.w(Reg.QueueNum, QSIZE);
    this.w(Reg.QueueDescLow, DESC); this.w(Reg.QueueDescHigh, 0);
    this.w(Reg.QueueDriverLow, AVAIL); this.w(Reg.QueueDriverHigh, 0);
    this.w(Reg.QueueDeviceLow, USED); this.w(Reg.QueueDeviceHigh, 0);
    this.w(Reg.QueueReady, 1);
    this.w(Reg.Status, 15);
  }
  start(): void {
    assert.ok(this.negotiate(0, 1));
    this.setupQueue();
  }
  /** Puts a chain of descriptors from index `first` in the table and makes it available. */
  submit(segs: Seg[], first = 0, link?: number[]): void {
    segs.forEach((s, i) => {
      const d = DESC + 16 * (first + i);
      this.ram.set64(d, s.addr);
      this.ram.set32(d + 8, s.len);
      const last = i === segs.length - 1 && !link; // an explicit link keeps NEXT on every descriptor
      this.ram.set16(d + 12, (last ? 0 : 1) | (s.write ? 2 : 0));
      this.ram.set16(d + 14, link ? link[i] : last ? 0 : first + i + 1);
    });
    this.ram.set16(AVAIL + 4 + 2 * (this.availIdx % QSIZE), first);
    this.availIdx = (this.availIdx + 1) & 0xffff;
    this.ram.set16(AVAIL + 2, this.availIdx);
    this.w(Reg.QueueNotify, 0);
  }
  header(type: number, sector: number): void {
    this.ram.set32(HDR, type);
    this.ram.set32(HDR + 4, 0);
    this.ram.set64(HDR + 8, sector);
  }
  request(type: number, sector: number, dataLen: number, deviceWrites: boolean): { status: number; used: { id: number; len: number } } {
    this.header(type, sector);
    this.ram.bytes[STATUS - RAM] = 0xee;
    const segs: Seg[] = [{ addr: HDR, len: 16, write: false }];
    if (dataLen) segs.push({ addr: DATA, len: dataLen, write: deviceWrites });
    segs.push({ addr: STATUS, len: 1, write: true });
    const usedBefore = this.ram.u16(USED + 2);
    this.submit(segs);
    const usedIdx = this.ram.u16(USED + 2);
    assert.equal(usedIdx, (usedBefore + 1) & 0xffff, 'one used element per request');
    const e = USED + 4 + 8 * (usedBefore % QSIZE);
    return { status: this.ram.bytes[STATUS - RAM], used: { id: this.ram.u32(e), len: this.ram.u32(e + 4) } };
  }
  data(n: number): Uint8Array { return this.ram.bytes.subarray(DATA - RAM, DATA - RAM + n); }
}

function diskOf(sectors: number, readOnly = false): MemoryBlockBackend {
  const b = new Uint8Array(sectors * 512);
  for (let i = 0; i < b.length; i++) b[i] = (i * 31 + (i >> 9)) & 0xff;
  return new MemoryBlockBackend(b, readOnly);
}

describe('devices: virtio-mmio v2 transport and virtio-blk', () => {
  it('identifies itself: magic "virt", version 2, block device ID 2, vendor QEMU', () => {
    const d = new Driver(diskOf(4));
    assert.deepEqual([d.r(Reg.MagicValue), d.r(Reg.Version), d.r(Reg.DeviceID), d.r(Reg.VendorID)], [0x74726976, 2, 2, 0x554d4551]);
  });

  it('an empty slot answers device ID 0 and ignores writes', () => {
    const d = new Driver(null);
    assert.deepEqual([d.r(Reg.MagicValue), d.r(Reg.Version), d.r(Reg.DeviceID)], [0x74726976, 2, 0]);
    d.w(Reg.Status, 1);
    assert.equal(d.r(Reg.Status), 0);
    assert.equal(d.r(Reg.QueueNumMax), 0);
  });

  it('offers VERSION_1 and FLUSH, RO only for a read-only disk, and reports the capacity in sectors', () => {
    const rw = new Driver(diskOf(40));
    const [lo, hi] = rw.features();
    assert.equal(hi & 1, 1, 'VIRTIO_F_VERSION_1 is bit 32');
    assert.ok(lo & (1 << BLK_F_FLUSH));
    assert.equal(lo & (1 << BLK_F_RO), 0);
    assert.equal(rw.r(Reg.Config), 40);
    assert.equal(rw.r(Reg.Config + 4), 0);
    assert.equal(rw.dev.read(Reg.Config, 1), 40, 'config space allows byte reads');
    assert.equal(rw.r(Reg.Config + 20), 512, 'blk_size');
    const ro = new Driver(diskOf(4, true));
    assert.ok(ro.features()[0] & (1 << BLK_F_RO));
  });

  it('refuses FEATURES_OK with a feature it did not offer; accepts VERSION_1, and a driver without it as QEMU does (xv6)', () => {
    const d = new Driver(diskOf(4));
    assert.equal(d.negotiate(0, 0), true, 'xv6 writes feature word 0 only; QEMU accepts that');
    assert.equal(d.negotiate(1 << 29, 1), false, 'EVENT_IDX is not offered');
    assert.equal(d.negotiate(1 << BLK_F_FLUSH, 1), true);
    assert.equal(d.negotiate(0, 1), true);
  });

  it('reports QueueNumMax and accepts only power-of-two queue sizes up to it', () => {
    const d = new Driver(diskOf(4));
    d.w(Reg.QueueSel, 0);
    const max = d.r(Reg.QueueNumMax);
    assert.equal(max, 1024, 'what QEMU 7.2 reports');
    d.w(Reg.QueueNum, 6);
    assert.equal(d.r(Reg.QueueNum), max, 'non-power-of-two ignored');
    d.w(Reg.QueueNum, 16);
    assert.equal(d.r(Reg.QueueNum), 16);
    d.w(Reg.QueueSel, 1);
    assert.equal(d.r(Reg.QueueNumMax), 0, 'virtio-blk has one queue');
  });

  it('reads sectors (IN) into the driver buffer, writing status OK and used.len = data + status', () => {
    const disk = diskOf(8);
    const d = new Driver(disk);
    d.start();
    const r = d.request(BLK_T_IN, 3, 1024, true);
    assert.equal(r.status, BLK_S_OK);
    assert.deepEqual(r.used, { id: 0, len: 1025 });
    assert.deepEqual(d.data(1024), disk.bytes.subarray(3 * 512, 5 * 512));
  });

  it('writes sectors (OUT) to the backend and flushes (FLUSH)', () => {
    const disk = diskOf(8);
    const d = new Driver(disk);
    d.start();
    d.data(512).fill(0xab);
    const w = d.request(BLK_T_OUT, 6, 512, false);
    assert.equal(w.status, BLK_S_OK);
    assert.equal(w.used.len, 1, 'only the status byte was written');
    assert.ok(disk.bytes.subarray(6 * 512, 7 * 512).every((b) => b === 0xab));
    assert.equal(d.request(BLK_T_FLUSH, 0, 0, false).status, BLK_S_OK);
  });

  it('answers GET_ID with the device ID string, IOERR past the end or on a read-only disk, UNSUPP for unknown types', () => {
    const d = new Driver(diskOf(8));
    d.start();
    const id = d.request(BLK_T_GET_ID, 0, 20, true);
    assert.equal(id.status, BLK_S_OK);
    assert.equal(id.used.len, 21, 'used.len covers every device-writable byte, as QEMU reports');
    assert.equal(new TextDecoder().decode(d.data(9)), 'test-disk');
    const past = d.request(BLK_T_IN, 8, 512, true);
    assert.equal(past.status, BLK_S_IOERR);
    assert.equal(past.used.len, 513);
    assert.equal(d.request(BLK_T_IN, 7, 1024, true).status, BLK_S_IOERR, 'runs past the last sector');
    assert.equal(d.request(0x42, 0, 0, false).status, BLK_S_UNSUPP);
    const ro = new Driver(diskOf(8, true));
    ro.start();
    const before = (ro.disk as MemoryBlockBackend).bytes.slice();
    assert.equal(ro.request(BLK_T_OUT, 0, 512, false).status, BLK_S_IOERR);
    assert.deepEqual((ro.disk as MemoryBlockBackend).bytes, before);
  });

  it('answers IOERR when the host backend fails, without throwing', () => {
    const failing = diskOf(8);
    failing.read = () => { throw new Error('EIO: host disk went away'); };
    failing.flush = () => { throw new Error('EIO: fsync failed'); };
    const d = new Driver(failing);
    d.start();
    assert.equal(d.request(BLK_T_IN, 0, 512, true).status, BLK_S_IOERR);
    assert.equal(d.request(BLK_T_FLUSH, 0, 0, false).status, BLK_S_IOERR);
    assert.equal(d.request(BLK_T_OUT, 0, 512, false).status, BLK_S_OK, 'writes still work');
  });

  it('gathers a header split across descriptors and scatters data over several buffers', () => {
    const disk = diskOf(8);
    const d = new Driver(disk);
    d.start();
    d.header(BLK_T_IN, 2);
    d.submit([
      { addr: HDR, len: 4, write: false },
      { addr: HDR + 4, len: 12, write: false },
      { addr: DATA, len: 100, write: true },
      { addr: DATA + 0x800, len: 412, write: true },
      { addr: STATUS, len: 1, write: true },
    ], 2);
    assert.equal(d.ram.bytes[STATUS - RAM], BLK_S_OK);
    assert.deepEqual(d.data(100), disk.bytes.subarray(1024, 1124));
    assert.deepEqual(d.ram.bytes.subarray(DATA + 0x800 - RAM, DATA + 0x800 - RAM + 412), disk.bytes.subarray(1124, 1536));
    assert.equal(d.ram.u32(USED + 4), 2, 'used element names the head descriptor');
  });

  it('follows an indirect descriptor table when RING_INDIRECT_DESC was negotiated, and refuses one otherwise', () => {
    const disk = diskOf(8);
    const d = new Driver(disk);
    assert.ok(d.features()[0] & (1 << 28), 'offered');
    assert.ok(d.negotiate(1 << 28, 1));
    d.setupQueue();
    const TABLE = RAM + 0x9000;
    const put = (i: number, addr: number, len: number, flags: number, next: number) => {
      d.ram.set64(TABLE + 16 * i, addr); d.ram.set32(TABLE + 16 * i + 8, len);
      d.ram.set16(TABLE + 16 * i + 12, flags); d.ram.set16(TABLE + 16 * i + 14, next);
    };
    d.header(BLK_T_IN, 5);
    put(0, HDR, 16, 1, 1);
    put(1, DATA, 512, 1 | 2, 2);
    put(2, STATUS, 1, 2, 0);
    d.ram.set64(DESC + 16 * 3, TABLE); d.ram.set32(DESC + 16 * 3 + 8, 48);
    d.ram.set16(DESC + 16 * 3 + 12, 4); d.ram.set16(DESC + 16 * 3 + 14, 0);
    d.ram.set16(AVAIL + 4, 3);
    d.ram.set16(AVAIL + 2, 1);
    d.w(Reg.QueueNotify, 0);
    assert.equal(d.ram.bytes[STATUS - RAM], BLK_S_OK);
    assert.deepEqual(d.data(512), disk.bytes.subarray(5 * 512, 6 * 512));
    assert.deepEqual([d.ram.u32(USED + 4), d.ram.u32(USED + 8)], [3, 513], 'used names the ring descriptor; len 513');

    const without = new Driver(diskOf(8));
    without.start();
    without.ram.bytes.set(d.ram.bytes.subarray(TABLE - RAM, TABLE - RAM + 48), TABLE - RAM);
    without.ram.set64(DESC, TABLE); without.ram.set32(DESC + 8, 48); without.ram.set16(DESC + 12, 4);
    without.ram.set16(AVAIL + 4, 0);
    without.ram.set16(AVAIL + 2, 1);
    without.w(Reg.QueueNotify, 0);
    assert.ok(without.r(Reg.Status) & STATUS_DEVICE_NEEDS_RESET, 'INDIRECT without the feature is a driver error');
  });

  it('raises its interrupt after a request and lowers it on InterruptACK', () => {
    const d = new Driver(diskOf(8));
    d.start();
    assert.ok(!d.irq.high(IRQ));
    d.request(BLK_T_IN, 0, 512, true);
    assert.ok(d.irq.high(IRQ));
    assert.equal(d.r(Reg.InterruptStatus), 1);
    d.w(Reg.InterruptACK, 1);
    assert.ok(!d.irq.high(IRQ));
    assert.equal(d.r(Reg.InterruptStatus), 0);
  });

  it('does not interrupt when the driver set VIRTQ_AVAIL_F_NO_INTERRUPT', () => {
    const d = new Driver(diskOf(8));
    d.start();
    d.ram.set16(AVAIL, 1);
    assert.equal(d.request(BLK_T_IN, 0, 512, true).status, BLK_S_OK);
    assert.ok(!d.irq.high(IRQ));
  });

  it('ignores notifications before DRIVER_OK', () => {
    const d = new Driver(diskOf(8));
    assert.ok(d.negotiate(0, 1));
    d.w(Reg.QueueSel, 0);
    d.w(Reg.QueueNum, QSIZE);
    d.w(Reg.QueueDescLow, DESC); d.w(Reg.QueueDriverLow, AVAIL); d.w(Reg.QueueDeviceLow, USED);
    d.w(Reg.QueueReady, 1);
    d.header(BLK_T_IN, 0);
    d.submit([{ addr: HDR, len: 16, write: false }, { addr: STATUS, len: 1, write: true }]);
    assert.equal(d.ram.u16(USED + 2), 0);
  });

  it('sets DEVICE_NEEDS_RESET for a looping chain or buffers outside RAM, and recovers after reset', () => {
    const d = new Driver(diskOf(8));
    d.start();
    d.header(BLK_T_IN, 0);
    d.submit([{ addr: HDR, len: 16, write: false }, { addr: DATA, len: 512, write: true }], 0, [1, 0]);
    assert.ok(d.r(Reg.Status) & STATUS_DEVICE_NEEDS_RESET);
    assert.ok(d.irq.high(IRQ), 'configuration-change interrupt');
    assert.equal(d.r(Reg.InterruptStatus) & 2, 2);
    const again = new Driver(diskOf(8));
    again.start();
    again.header(BLK_T_IN, 0);
    again.submit([{ addr: HDR, len: 16, write: false }, { addr: 0x1000, len: 512, write: true }, { addr: STATUS, len: 1, write: true }]);
    assert.ok(again.r(Reg.Status) & STATUS_DEVICE_NEEDS_RESET);
    again.w(Reg.Status, 0);
    assert.equal(again.r(Reg.Status), 0);
    assert.ok(!again.irq.high(IRQ));
    again.start();
    (again as unknown as { availIdx: number }).availIdx = 0;
    assert.equal(again.request(BLK_T_IN, 1, 512, true).status, BLK_S_OK);
  });
});
