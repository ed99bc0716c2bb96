// The physical bus: RAM little-endian at 0x8000_0000, a read-only ROM, MMIO devices seeing
// offsets with 8-byte accesses split low word first, access faults for holes, and DMA that
// drops decoded instructions and LR/SC reservations of the range it writes.
import { strict as assert } from 'node:assert';
import { Bus } from '../../../emulator/bus/bus';
import type { Device } from '../../../emulator/bus/device';
import { Hart } from '../../../emulator/cpu/hart';

class Recorder implements Device {
  readonly name = 'recorder';
  readonly size = 0x100;
  log: string[] = [];
  read(offset: number, size: 1 | 2 | 4): number { this.log.push(`r${size}@${offset}`); return offset === 4 ? 0x89abcdef : 0x01234567; }
  write(offset: number, size: 1 | 2 | 4, value: number): void { this.log.push(`w${size}@${offset}=${(value >>> 0).toString(16)}`); }
}

function setup() {
  const bus = new Bus({ ramBytes: 1 << 20, harts: 2, rom: { base: 0x1000, bytes: new Uint8Array([1, 2, 3, 4]) } });
  const dev = new Recorder();
  bus.addDevice(0x2000_0000, dev);
  const hart = new Hart(0, bus, { timeNow: () => 0 });
  return { bus, dev, hart };
}

describe('emulator/bus', () => {
  it('RAM is little-endian at 0x80000000', () => {
    const { bus } = setup();
    bus.write(0x8000_0010, 4, 0x11223344);
    assert.equal(bus.read(0x8000_0010, 1), 0x44);
    assert.equal(bus.read(0x8000_0012, 2), 0x1122);
    assert.equal(bus.read(0x8000_0010, 4), 0x11223344);
    assert.equal(bus.fault, false);
  });

  it('faults on holes and on writes to the ROM; the ROM reads back', () => {
    const { bus } = setup();
    bus.read(0x4000_0000, 4);
    assert.equal(bus.fault, true);
    assert.equal(bus.read(0x1000, 4), 0x04030201);
    assert.equal(bus.fault, false);
    bus.write(0x1000, 1, 9);
    assert.equal(bus.fault, true);
    assert.equal(bus.read(0x1000, 1), 1);
    bus.read(0x8000_0000 + (1 << 20), 1);
    assert.equal(bus.fault, true, 'one past the end of RAM');
  });

  it('devices see offsets; 8-byte accesses are two 4-byte ones, low word first', () => {
    const { dev, hart } = setup();
    hart.sd(0x2000_0008, 0x55667788, 0x11223344);
    assert.deepEqual(dev.log, ['w4@8=55667788', 'w4@12=11223344']);
    dev.log = [];
    hart.ld(0x2000_0000);
    assert.deepEqual(dev.log, ['r4@0', 'r4@4']);
    assert.equal(hart.vlo, 0x01234567);
    assert.equal(hart.vhi >>> 0, 0x89abcdef);
  });

  it('refuses overlapping devices', () => {
    const { bus } = setup();
    assert.throws(() => bus.addDevice(0x2000_0080, new Recorder()), /overlaps/);
  });

  it('DMA writes drop decoded instructions and reservations in their range', () => {
    const { bus } = setup();
    const page = bus.decodedPage(0x3000);
    page.code[10] = 42; page.code[11] = 0x13; page.code[20] = 7;
    bus.reserve(1, 0x8000_3008);
    assert.ok(bus.dmaWrite(0x8000_3008, new Uint8Array([1, 2, 3, 4])));
    assert.equal(page.code[10], 0);
    assert.equal(page.code[11], 0, 'the instruction word too');
    assert.equal(page.code[20], 7, 'slots past the written bytes stay decoded');
    assert.equal(bus.takeReservation(1, 0x8000_3008), false);
    assert.equal(bus.dmaWrite(0x7fff_fff0, new Uint8Array(32)), false, 'not all RAM');
    const dst = new Uint8Array(4);
    assert.ok(bus.dmaRead(0x8000_3008, dst));
    assert.deepEqual([...dst], [1, 2, 3, 4]);
  });

  it("another hart's store breaks a reservation; a store elsewhere does not", () => {
    const { bus, hart } = setup();
    bus.reserve(1, 0x8000_4000);
    hart.sw(0x8000_4100, 1);
    assert.equal(bus.takeReservation(1, 0x8000_4000), true);
    bus.reserve(1, 0x8000_4000);
    hart.sw(0x8000_4004, 1);
    assert.equal(bus.takeReservation(1, 0x8000_4000), false);
  });
});
