// CLINT against the SiFive CLINT layout QEMU's virt board uses (msip at 4·h, mtimecmp at
// 0x4000 + 8·h, mtime at 0xBFF8), with the reset state read from a paused QEMU (mtimecmp 0,
// so mip.MTIP is set at reset), and the TimedDevice contract of emulator/bus/device.ts.
import { strict as assert } from 'node:assert';
import { MIP_MSIP, MIP_MTIP } from '../../../emulator/bus/device';
import { Clint } from '../../../emulator/devices/clint';
import { FakeClock, FakeHartLines } from './fakes';

function make(harts = 2, t = 0) {
  const lines = new FakeHartLines(harts);
  const clock = new FakeClock(t);
  return { lines, clock, clint: new Clint(harts, lines, clock) };
}
const setCmp = (c: Clint, hart: number, v: number) => {
  c.write(0x4000 + 8 * hart + 4, 4, Math.floor(v / 2 ** 32));
  c.write(0x4000 + 8 * hart, 4, v >>> 0);
};

describe('devices: CLINT', () => {
  it('resets mtimecmp to 0 with MTIP pending, as QEMU does', () => {
    const { clint, lines } = make(2);
    assert.equal(clint.read(0x4000, 4), 0);
    assert.equal(clint.read(0x4004, 4), 0);
    assert.deepEqual(lines.mip, [MIP_MTIP, MIP_MTIP]);
  });

  it('drives MSIP of the addressed hart from bit 0 of its msip word', () => {
    const { clint, lines } = make(2);
    clint.write(4, 4, 0xffffffff);
    assert.equal(clint.read(4, 4), 1);
    assert.equal(lines.mip[1] & MIP_MSIP, MIP_MSIP);
    assert.equal(lines.mip[0] & MIP_MSIP, 0);
    clint.write(4, 4, 0);
    assert.equal(lines.mip[1] & MIP_MSIP, 0);
  });

  it('reads mtime from the clock, as two 32-bit halves', () => {
    const { clint, clock } = make(1);
    clock.t = 0x1_2345_6789;
    assert.equal(clint.read(0xbff8, 4), 0x2345_6789);
    assert.equal(clint.read(0xbffc, 4), 1);
    assert.equal(clint.read(0xbff8, 1), 0x89);
    assert.equal(clint.read(0xbff9, 2), 0x4567);
  });

  it('sets MTIP exactly while mtime >= mtimecmp, and reports the next deadline', () => {
    const { clint, clock, lines } = make(2, 100);
    setCmp(clint, 0, 1000);
    setCmp(clint, 1, 600);
    assert.deepEqual(lines.mip, [0, 0]);
    assert.equal(clint.nextDeadline(), 600);
    clock.t = 599; clint.advance(599);
    assert.deepEqual(lines.mip, [0, 0]);
    clock.t = 600; clint.advance(600);
    assert.deepEqual(lines.mip, [0, MIP_MTIP]);
    assert.equal(clint.nextDeadline(), 1000, 'a fired timer is no longer a deadline');
    setCmp(clint, 1, 5000);
    assert.deepEqual(lines.mip, [0, 0], 'a new future mtimecmp clears MTIP at once');
    clock.t = 1000; clint.advance(1000);
    assert.deepEqual(lines.mip, [MIP_MTIP, 0]);
    setCmp(clint, 0, 10);
    assert.deepEqual(lines.mip, [MIP_MTIP, 0], 'a past mtimecmp is pending at once');
  });

  it('keeps 64-bit mtimecmp values: a high word alone is far in the future', () => {
    const { clint, clock, lines } = make(1, 50);
    assert.equal(lines.mip[0], MIP_MTIP, 'reset value 0 <= 50');
    clint.write(0x4004, 4, 1);
    assert.equal(lines.mip[0], 0, 'mtimecmp = 2^32 is in the future');
    assert.equal(clint.nextDeadline(), 2 ** 32);
    clock.t = 2 ** 32; clint.advance(clock.t);
    assert.equal(lines.mip[0], MIP_MTIP);
  });

  it('treats mtimecmp = all ones as never', () => {
    const { clint, lines } = make(1, 50);
    clint.write(0x4004, 4, 0xffffffff);
    clint.write(0x4000, 4, 0xffffffff);
    assert.equal(lines.mip[0], 0);
    assert.equal(clint.read(0x4000, 4), 0xffffffff);
    assert.equal(clint.read(0x4004, 4), 0xffffffff);
    clint.advance(2 ** 52);
    assert.equal(lines.mip[0], 0);
  });
});
