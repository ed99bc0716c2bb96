// virtio-blk DISCARD and WRITE_ZEROES (Virtio 1.1+ §5.2): offered only when the backend can
// do them, the configuration fields, segment checks (all segments checked before any is
// carried out), UNSUPP for flags, IOERR for bad lists, through a hand-built virtqueue.
import { strict as assert } from 'node:assert';
import { MemoryBlockBackend } from '../../../emulator/devices/block-backend';
import {
  BLK_F_DISCARD, BLK_F_WRITE_ZEROES, BLK_S_IOERR, BLK_S_OK, BLK_S_UNSUPP, BLK_T_DISCARD, BLK_T_WRITE_ZEROES,
  MAX_DISCARD_SECTORS, MAX_DISCARD_SEG, VirtioBlk,
} from '../../../emulator/devices/virtio-blk';
import { Reg, VirtioMmio } from '../../../emulator/devices/virtio-mmio';
import { FakeIrq, FakeRam } from './fakes';

const RAM = 0x8000_0000;
const DESC = RAM + 0x1000, AVAIL = RAM + 0x2000, USED = RAM + 0x3000, HDR = RAM + 0x4000, SEGS = RAM + 0x5000, STATUS = RAM + 0x9000;
const QSIZE = 4;

/** A memory disk that records discards and zeroings (and does them: zeros). */
class RecordingDisk extends MemoryBlockBackend {
  readonly calls: string[] = [];
  discard(offset: number, length: number): void {
    this.calls.push(`discard ${offset} ${length}`);
    this.bytes.fill(0, offset, offset + length);
  }
  writeZeroes(offset: number, length: number, unmap: boolean): void {
    this.calls.push(`zero ${offset} ${length}${unmap ? ' unmap' : ''}`);
    this.bytes.fill(0, offset, offset + length);
  }
}

class Driver {
  readonly ram = new FakeRam(RAM, 0x10000);
  readonly dev: VirtioMmio;
  private idx = 0;
  constructor(disk: MemoryBlockBackend) {
    this.dev = new VirtioMmio(0, new VirtioBlk(disk, this.ram, 'd'), new FakeIrq(), 1, this.ram);
    const w = (r: number, v: number) => this.dev.write(r, 4, v);
    w(Reg.Status, 0); w(Reg.Status, 1); w(Reg.Status, 3);
    w(Reg.DriverFeaturesSel, 1); w(Reg.DriverFeatures, 1);
    w(Reg.Status, 11);
    w(Reg.QueueSel, 0); w(Reg.QueueNum, QSIZE);
    w(Reg.QueueDescLow, DESC); w(Reg.QueueDescHigh, 0);
    w(Reg.QueueDriverLow, AVAIL); w(Reg.QueueDriverHigh, 0);
    w(Reg.QueueDeviceLow, USED); w(Reg.QueueDeviceHigh, 0);
    w(Reg.QueueReady, 1); w(Reg.Status, 15);
  }
  features(): number {
    this.dev.write(Reg.DeviceFeaturesSel, 4, 0);
    return this.dev.read(Reg.DeviceFeatures, 4);
  }
  config(offset: number, size: 1 | 4 = 4): number {
    return this.dev.read(Reg.Config + offset, size);
  }
  /** A request with the given segments [sector, count, flags]; `extra` bytes of junk appended. */
  request(type: number, segs: [number, number, number][], extra = 0): number {
    const r = this.ram;
    r.view.setUint32(HDR - RAM, type, true);
    r.view.setUint32(HDR - RAM + 4, 0, true);
    r.view.setBigUint64(HDR - RAM + 8, 0n, true);
    segs.forEach(([sector, count, flags], i) => {
      r.view.setBigUint64(SEGS - RAM + 16 * i, BigInt(sector), true);
      r.view.setUint32(SEGS - RAM + 16 * i + 8, count, true);
      r.view.setUint32(SEGS - RAM + 16 * i + 12, flags, true);
    });
    const chain = [[HDR, 16, 0], [SEGS, 16 * segs.length + extra, 0], [STATUS, 1, 2]].filter(([, len]) => len > 0);
    chain.forEach(([addr, len, flags], i) => {
      const d = DESC - RAM + 16 * i;
      r.view.setBigUint64(d, BigInt(addr), true);
      r.view.setUint32(d + 8, len, true);
      r.view.setUint16(d + 12, flags | (i < chain.length - 1 ? 1 : 0), true);
      r.view.setUint16(d + 14, i + 1, true);
    });
    r.bytes[STATUS - RAM] = 0xee;
    r.view.setUint16(AVAIL - RAM + 4 + 2 * (this.idx % QSIZE), 0, true);
    this.idx++;
    r.view.setUint16(AVAIL - RAM + 2, this.idx, true);
    this.dev.write(Reg.QueueNotify, 4, 0);
    assert.equal(r.u16(USED + 2), this.idx & 0xffff, 'answered');
    return r.bytes[STATUS - RAM];
  }
}

const disk = (sectors: number, readOnly = false) => new RecordingDisk(new Uint8Array(sectors * 512).fill(0x77), readOnly);

describe('devices: virtio-blk DISCARD and WRITE_ZEROES', () => {
  it('offers both, with their configuration fields, only for a writable backend that implements them', () => {
    const d = new Driver(disk(64));
    assert.ok(d.features() & (1 << BLK_F_DISCARD));
    assert.ok(d.features() & (1 << BLK_F_WRITE_ZEROES));
    assert.deepEqual([d.config(36), d.config(40), d.config(44), d.config(48), d.config(52), d.config(56, 1)],
      [MAX_DISCARD_SECTORS, MAX_DISCARD_SEG, 8, MAX_DISCARD_SECTORS, MAX_DISCARD_SEG, 1]);
    for (const plain of [new MemoryBlockBackend(new Uint8Array(4096)), disk(8, true)]) {
      const p = new Driver(plain);
      assert.equal(p.features() & ((1 << BLK_F_DISCARD) | (1 << BLK_F_WRITE_ZEROES)), 0);
      assert.equal(p.config(36), 0);
      assert.equal(p.request(BLK_T_DISCARD, [[0, 1, 0]]), BLK_S_UNSUPP, 'not offered: UNSUPP');
    }
  });

  it('carries out every segment, unmap passed through for WRITE_ZEROES', () => {
    const b = disk(64);
    const d = new Driver(b);
    assert.equal(d.request(BLK_T_DISCARD, [[8, 8, 0], [40, 2, 0]]), BLK_S_OK);
    assert.equal(d.request(BLK_T_WRITE_ZEROES, [[1, 1, 0], [60, 4, 1]]), BLK_S_OK);
    assert.deepEqual(b.calls, ['discard 4096 4096', 'discard 20480 1024', 'zero 512 512', 'zero 30720 2048 unmap']);
    assert.equal(b.bytes[4096], 0);
    assert.equal(b.bytes[0], 0x77);
  });

  const refused: [string, number, [number, number, number][], number, number][] = [
    ['unmap on a DISCARD', BLK_T_DISCARD, [[0, 1, 0], [2, 1, 1]], 0, BLK_S_UNSUPP],
    ['a reserved flag', BLK_T_WRITE_ZEROES, [[0, 1, 0], [2, 1, 2]], 0, BLK_S_UNSUPP],
    ['a segment past the end', BLK_T_DISCARD, [[0, 1, 0], [63, 2, 0]], 0, BLK_S_IOERR],
    ['a segment above max_discard_sectors', BLK_T_WRITE_ZEROES, [[0, MAX_DISCARD_SECTORS + 1, 0]], 0, BLK_S_IOERR],
    ['a list that is not whole segments', BLK_T_DISCARD, [[0, 1, 0]], 5, BLK_S_IOERR],
    ['no segments', BLK_T_DISCARD, [], 0, BLK_S_IOERR],
    ['more than max_discard_seg segments', BLK_T_DISCARD, Array.from({ length: MAX_DISCARD_SEG + 1 }, (_, i) => [i, 1, 0] as [number, number, number]), 0, BLK_S_IOERR],
  ];
  for (const [what, type, segs, extra, want] of refused) {
    it(`answers ${want === BLK_S_UNSUPP ? 'UNSUPP' : 'IOERR'} for ${what}, and carries out none of the segments`, () => {
      const b = disk(64);
      assert.equal(new Driver(b).request(type, segs, extra), want);
      assert.deepEqual(b.calls, []);
      assert.ok(b.bytes.every((v) => v === 0x77));
    });
  }

  it('turns a backend failure into IOERR', () => {
    const b = disk(16);
    b.discard = () => { throw new Error('host disk gone'); };
    assert.equal(new Driver(b).request(BLK_T_DISCARD, [[0, 1, 0]]), BLK_S_IOERR);
  });
});
