// Media change at the device (virtio-blk in a slot declared empty, behind the virtio-mmio
// transport): capacity, ConfigGeneration, the configuration-change interrupt (InterruptStatus
// bit 1, Virtio 1.2 §4.2.2 / §2.4.2: not before DRIVER_OK), IOERR without a disk, "in use".
import { strict as assert } from 'node:assert';
import { MemoryBlockBackend } from '../../../emulator/devices/block-backend';
import {
  BLK_F_DISCARD, BLK_F_RO, BLK_F_WRITE_ZEROES, BLK_S_IOERR, BLK_S_OK, BLK_T_FLUSH, BLK_T_GET_ID, BLK_T_IN, BLK_T_OUT, VirtioBlk,
} from '../../../emulator/devices/virtio-blk';
import { Reg, VirtioMmio } from '../../../emulator/devices/virtio-mmio';
import { MediaBay } from '../../../emulator/machine/media';
import { FakeIrq, FakeRam } from './fakes';

const RAM = 0x8000_0000, IRQ = 3, QSIZE = 4;
const DESC = RAM + 0x1000, AVAIL = RAM + 0x2000, USED = RAM + 0x3000, HDR = RAM + 0x4000, DATA = RAM + 0x5000, STATUS = RAM + 0x6000;

/** A minimal driver: reset, features, one queue of 4, requests of header + one buffer + status. */
class MiniDriver {
  readonly ram = new FakeRam(RAM, 0x8000);
  readonly irq = new FakeIrq();
  readonly blk = new VirtioBlk(null, this.ram, 'media-test');
  readonly dev = new VirtioMmio(2, this.blk, this.irq, IRQ, this.ram);
  private avail = 0;
  r(reg: number): number { return this.dev.read(reg, 4); }
  w(reg: number, v: number): void { this.dev.write(reg, 4, v); }
  capacity(): number { return this.r(Reg.Config) + this.r(Reg.Config + 4) * 0x1_0000_0000; }
  features(): number { this.w(Reg.DeviceFeaturesSel, 0); return this.r(Reg.DeviceFeatures); }
  start(): void {
    for (const s of [0, 1, 3]) this.w(Reg.Status, s);
    this.w(Reg.DriverFeaturesSel, 1); this.w(Reg.DriverFeatures, 1);
    this.w(Reg.Status, 11);
    this.w(Reg.QueueSel, 0); this.w(Reg.QueueNum, QSIZE);
    this.w(Reg.QueueDescLow, DESC); this.w(Reg.QueueDriverLow, AVAIL); this.w(Reg.QueueDeviceLow, USED);
    this.w(Reg.QueueReady, 1);
    this.w(Reg.Status, 15);
  }
  request(type: number, sector: number, len: number): number {
    this.ram.set32(HDR, type); this.ram.set32(HDR + 4, 0); this.ram.set64(HDR + 8, sector);
    this.ram.bytes[STATUS - RAM] = 0xee;
    const segs = [{ a: HDR, n: 16, w: false }, ...(len ? [{ a: DATA, n: len, w: type !== BLK_T_OUT }] : []), { a: STATUS, n: 1, w: true }];
    segs.forEach((s, i) => {
      const d = DESC + 16 * i;
      this.ram.set64(d, s.a); this.ram.set32(d + 8, s.n);
      this.ram.set16(d + 12, (i < segs.length - 1 ? 1 : 0) | (s.w ? 2 : 0)); this.ram.set16(d + 14, i + 1);
    });
    this.ram.set16(AVAIL + 4 + 2 * (this.avail % QSIZE), 0);
    this.avail++;
    this.ram.set16(AVAIL + 2, this.avail);
    this.w(Reg.QueueNotify, 0);
    return this.ram.bytes[STATUS - RAM];
  }
}

function disk(sectors: number, fill: (sector: number) => number): MemoryBlockBackend {
  const b = new Uint8Array(sectors * 512);
  for (let i = 0; i < b.length; i++) b[i] = fill(i >> 9);
  return new MemoryBlockBackend(b);
}

describe('devices: virtio-blk media change', () => {
  it('an empty slot is a block device of capacity 0 whose requests fail with IOERR', () => {
    const d = new MiniDriver();
    assert.equal(d.r(Reg.DeviceID), 2, 'the driver binds to it');
    assert.equal(d.capacity(), 0);
    const f = d.features();
    assert.equal(f & ((1 << BLK_F_RO) | (1 << BLK_F_DISCARD) | (1 << BLK_F_WRITE_ZEROES)), 0, 'no features that depend on a disk');
    d.start();
    assert.equal(d.request(BLK_T_IN, 0, 512), BLK_S_IOERR);
    assert.equal(d.request(BLK_T_OUT, 0, 512), BLK_S_IOERR);
    assert.equal(d.request(BLK_T_FLUSH, 0, 0), BLK_S_IOERR);
    assert.equal(d.request(BLK_T_GET_ID, 0, 20), BLK_S_OK, 'the device itself still answers');
    assert.equal(d.blk.inUse, false);
  });

  it('a disk put in: new capacity, new generation, the config interrupt; the guest reads it', () => {
    const d = new MiniDriver();
    d.start();
    const gen = d.r(Reg.ConfigGeneration);
    d.blk.insert(disk(16, (s) => 0x40 + s));
    assert.equal(d.dev.configChanged(), true);
    assert.equal(d.capacity(), 16);
    assert.notEqual(d.r(Reg.ConfigGeneration), gen);
    assert.equal(d.r(Reg.InterruptStatus) & 2, 2, 'Configuration Change Notification');
    assert.ok(d.irq.high(IRQ));
    d.w(Reg.InterruptACK, 2);
    assert.equal(d.irq.high(IRQ), false, 'acknowledged');
    assert.equal(d.blk.inUse, false, 'not used until the guest makes a request');
    assert.equal(d.request(BLK_T_IN, 3, 512), BLK_S_OK);
    assert.deepEqual([d.ram.bytes[DATA - RAM], d.ram.bytes[DATA - RAM + 511]], [0x43, 0x43]);
    assert.equal(d.request(BLK_T_IN, 16, 512), BLK_S_IOERR, 'beyond the new capacity');
    assert.equal(d.blk.inUse, true);
  });

  it('a disk taken out: capacity 0, another generation and interrupt, IOERR again', () => {
    const d = new MiniDriver();
    d.start();
    const backend = disk(8, () => 7);
    d.blk.insert(backend);
    d.dev.configChanged();
    d.w(Reg.InterruptACK, 3);
    assert.equal(d.request(BLK_T_OUT, 1, 512), BLK_S_OK);
    const gen = d.r(Reg.ConfigGeneration);
    assert.equal(d.blk.eject(), backend);
    d.dev.configChanged();
    assert.equal(d.capacity(), 0);
    assert.notEqual(d.r(Reg.ConfigGeneration), gen);
    assert.equal(d.r(Reg.InterruptStatus) & 2, 2);
    assert.equal(d.request(BLK_T_IN, 0, 512), BLK_S_IOERR);
    assert.equal(d.blk.inUse, false, 'an empty slot is not in use');
    assert.throws(() => { d.blk.insert(backend); d.blk.insert(backend); }, /already holds a disk/);
  });

  it('before DRIVER_OK the generation changes but no interrupt is raised', () => {
    const d = new MiniDriver();
    const gen = d.r(Reg.ConfigGeneration);
    d.blk.insert(disk(4, () => 0));
    assert.equal(d.dev.configChanged(), false);
    assert.notEqual(d.r(Reg.ConfigGeneration), gen);
    assert.equal(d.r(Reg.InterruptStatus), 0);
    assert.equal(d.irq.high(IRQ), false);
    d.start();
    assert.equal(d.capacity(), 4, 'the driver reads the capacity when it starts');
  });

  it('a reset keeps the disk in the slot (a reboot does not eject)', () => {
    const d = new MiniDriver();
    d.start();
    d.blk.insert(disk(4, () => 9));
    d.w(Reg.Status, 0);
    d.start();
    assert.equal(d.capacity(), 4);
    assert.equal(d.request(BLK_T_IN, 0, 512), BLK_S_OK);
  });

  it('remove refuses a disk the guest has made a request to, unless forced (MediaBay over this slot)', () => {
    const d = new MiniDriver();
    d.start();
    const bay = new MediaBay([{ slot: 2, transport: d.dev, blk: d.blk }], () => ({ backend: disk(8, () => 1), close: () => {} }));
    assert.match(bay.config('vdc', 'a.img'), /^vdc: a.img put in \(8 sectors\); the guest was told$/);
    assert.equal(bay.list()[0].inUse, false);
    assert.equal(bay.remove('vdc', false), 'vdc: a.img taken out; the guest was told', 'not used: taken out without force');
    bay.config('vdc', 'a.img');
    assert.equal(d.request(BLK_T_IN, 0, 512), BLK_S_OK);
    assert.equal(bay.list()[0].inUse, true);
    assert.throws(() => bay.remove('vdc', false), /^MediaError: vdc is in use: the guest has read or written a.img since it was put in/);
    assert.equal(d.capacity(), 8, 'refused: the disk stays');
    assert.equal(d.request(BLK_T_IN, 7, 512), BLK_S_OK);
    assert.equal(bay.remove('vdc', true), 'vdc: a.img taken out (forced while in use); the guest was told');
    assert.equal(d.request(BLK_T_IN, 0, 512), BLK_S_IOERR, 'the guest\'s next request fails');
  });
});
