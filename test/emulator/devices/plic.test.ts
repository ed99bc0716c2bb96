// PLIC against the RISC-V PLIC specification 1.0.0: priorities, pending, per-context enables
// and thresholds, claim/complete, and which mip bit each context drives (context 2h: hart h
// MEIP, 2h+1: hart h SEIP, as in QEMU's virt tree). Gateways behave as QEMU 7.2's do (see
// emulator/devices/plic.ts): that is what xv6 and Linux are tested against.
import { strict as assert } from 'node:assert';
import { MIP_MEIP, MIP_SEIP } from '../../../emulator/bus/device';
import { Plic, PLIC_MAX_SOURCE } from '../../../emulator/devices/plic';
import { FakeHartLines } from './fakes';

const prio = (s: number) => 4 * s;
const enable = (c: number) => 0x2000 + 0x80 * c;
const threshold = (c: number) => 0x200000 + 0x1000 * c;
const claim = (c: number) => 0x200004 + 0x1000 * c;

function make(harts = 2) {
  const lines = new FakeHartLines(harts);
  return { lines, plic: new Plic(harts, lines) };
}

describe('devices: PLIC', () => {
  it('keeps 3-bit priorities for sources 1..95; source 0 and sources past 95 read as 0', () => {
    const { plic } = make();
    plic.write(prio(1), 4, 0xffffffff);
    plic.write(prio(95), 4, 5);
    plic.write(prio(0), 4, 7);
    plic.write(prio(96), 4, 7);
    assert.equal(plic.read(prio(1), 4), 7);
    assert.equal(plic.read(prio(95), 4), 5);
    assert.equal(plic.read(prio(0), 4), 0);
    assert.equal(plic.read(prio(96), 4), 0);
  });

  it('sets a pending bit while a line is high and shows it in the read-only pending array', () => {
    const { plic } = make();
    plic.setIrq(10, true);
    plic.setIrq(33, true);
    assert.equal(plic.read(0x1000, 4), 1 << 10);
    assert.equal(plic.read(0x1004, 4), 1 << 1);
    plic.write(0x1000, 4, 0);
    assert.equal(plic.read(0x1000, 4), 1 << 10, 'pending is read-only');
    plic.setIrq(10, false);
    assert.equal(plic.read(0x1000, 4), 0, 'a dropped level withdraws the request');
  });

  it('interrupts a context only for an enabled source whose priority exceeds its threshold', () => {
    const { plic, lines } = make(1);
    plic.setIrq(10, true);
    assert.equal(lines.mip[0], 0, 'priority 0 never interrupts');
    plic.write(prio(10), 4, 3);
    assert.equal(lines.mip[0], 0, 'not enabled');
    plic.write(enable(0), 4, 1 << 10);
    assert.equal(lines.mip[0], MIP_MEIP);
    plic.write(threshold(0), 4, 3);
    assert.equal(lines.mip[0], 0, 'priority must be above the threshold');
    plic.write(threshold(0), 4, 2);
    assert.equal(lines.mip[0], MIP_MEIP);
  });

  it('routes context 2h to hart h MEIP and 2h+1 to hart h SEIP', () => {
    const { plic, lines } = make(2);
    plic.write(prio(5), 4, 1);
    plic.setIrq(5, true);
    plic.write(enable(3), 4, 1 << 5);
    assert.deepEqual(lines.mip, [0, MIP_SEIP]);
    plic.write(enable(0), 4, 1 << 5);
    assert.deepEqual(lines.mip, [MIP_MEIP, MIP_SEIP]);
  });

  it('claims the highest priority first, the lowest ID among equals, and 0 when nothing is pending', () => {
    const { plic } = make(1);
    for (const [s, p] of [[3, 2], [7, 5], [9, 5], [20, 1]]) {
      plic.write(prio(s), 4, p);
      plic.setIrq(s, true);
    }
    plic.write(enable(0), 4, (1 << 3) | (1 << 7) | (1 << 9) | (1 << 20));
    const order = [0, 1, 2, 3, 4].map(() => plic.read(claim(0), 4));
    assert.deepEqual(order, [7, 9, 3, 20, 0]);
  });

  it('holds a claimed source until completion and delivers a request made meanwhile afterwards (QEMU\'s gateway)', () => {
    const { plic, lines } = make(1);
    plic.write(prio(10), 4, 1);
    plic.write(enable(0), 4, 1 << 10);
    plic.setIrq(10, true);
    assert.equal(plic.read(claim(0), 4), 10);
    assert.equal(lines.mip[0], 0, 'in service: no interrupt');
    assert.ok(!plic.isPending(10));
    plic.setIrq(10, true); // the device re-asserts (a register update with its condition still true)
    assert.ok(plic.isPending(10));
    assert.equal(lines.mip[0], 0, 'held while in service');
    assert.equal(plic.read(claim(0), 4), 0, 'an in-service source cannot be claimed again');
    plic.write(claim(0), 4, 10);
    assert.equal(lines.mip[0], MIP_MEIP, 'delivered after completion');
    assert.equal(plic.read(claim(0), 4), 10);
    plic.write(claim(0), 4, 10);
    assert.equal(lines.mip[0], 0, 'a line left high but not re-asserted makes no new request, as in QEMU 7.2');
  });

  it('ignores a completion for a source the context has not enabled', () => {
    const { plic } = make(1);
    plic.write(prio(4), 4, 1);
    plic.write(enable(0), 4, 1 << 4);
    plic.setIrq(4, true);
    assert.equal(plic.read(claim(0), 4), 4);
    plic.write(enable(0), 4, 0);
    plic.write(claim(0), 4, 4);
    plic.write(enable(0), 4, 1 << 4);
    assert.equal(plic.read(claim(0), 4), 0, 'source 4 is still in service');
  });

  it('keeps enable bits for sources 0..95 as written (QEMU keeps bit 0 too) and hard-wires the rest to zero', () => {
    const { plic } = make(1);
    plic.write(enable(0), 4, 0xffffffff);
    plic.write(enable(0) + 8, 4, 0xffffffff);
    plic.write(enable(0) + 12, 4, 0xffffffff);
    assert.equal(plic.read(enable(0), 4), 0xffffffff);
    assert.equal(plic.read(enable(0) + 8, 4), 0xffffffff, 'sources 64..95');
    assert.equal(plic.read(enable(0) + 12, 4), 0, 'no sources 96..127');
    assert.equal(plic.read(claim(0), 4), 0, 'source 0 is never pending');
    assert.equal(PLIC_MAX_SOURCE, 95);
  });

  it('reset() clears configuration and pending requests', () => {
    const { plic, lines } = make(1);
    plic.write(prio(2), 4, 1);
    plic.write(enable(0), 4, 1 << 2);
    plic.write(threshold(0), 4, 0);
    plic.setIrq(2, true);
    assert.equal(lines.mip[0], MIP_MEIP);
    plic.reset();
    assert.equal(lines.mip[0], 0);
    assert.equal(plic.read(prio(2), 4), 0);
    assert.ok(!plic.isPending(2));
  });

  it('agrees with a brute-force model of the spec\'s selection rule over 20000 random operations (fixed seed)', () => {
    const harts = 2, contexts = 4;
    const { plic, lines } = make(harts);
    let x = 0x1234567;
    const next = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
    // The model: QEMU's gateway (pending set by assertion, cleared by deassertion or claim,
    // in-service sources skipped) and the spec's choice (priority above threshold, highest
    // priority, then lowest ID).
    const prioM = new Array(96).fill(0), pend = new Array(96).fill(false), busy = new Array(96).fill(false);
    const en = Array.from({ length: contexts }, () => new Array(96).fill(false));
    const thr = new Array(contexts).fill(0);
    const choose = (c: number) => {
      let best = 0, bp = thr[c];
      for (let s = 1; s < 96; s++) if (pend[s] && !busy[s] && en[c][s] && prioM[s] > bp) { best = s; bp = prioM[s]; }
      return best;
    };
    const src = () => 1 + (next() % 12); // a few sources, so that they collide
    for (let k = 0; k < 20000; k++) {
      const c = next() % contexts;
      switch (next() % 6) {
        case 0: { const s = src(), l = (next() & 1) === 1; plic.setIrq(s, l); pend[s] = l; break; }
        case 1: { const s = src(), p = next() & 7; plic.write(prio(s), 4, p); prioM[s] = p; break; }
        case 2: { const bits = next() & 0x1ffe; plic.write(enable(c), 4, bits); for (let s = 1; s < 32; s++) en[c][s] = ((bits >>> s) & 1) === 1; break; }
        case 3: { const t = next() % 4; plic.write(threshold(c), 4, t); thr[c] = t; break; }
        case 4: {
          const want = choose(c);
          assert.equal(plic.read(claim(c), 4), want, `claim by context ${c} at step ${k}`);
          if (want) { pend[want] = false; busy[want] = true; }
          break;
        }
        default: { const s = src(); plic.write(claim(c), 4, s); if (en[c][s]) busy[s] = false; break; }
      }
      for (let h = 0; h < harts; h++) {
        const want = (choose(2 * h) ? MIP_MEIP : 0) | (choose(2 * h + 1) ? MIP_SEIP : 0);
        assert.equal(lines.mip[h], want, `hart ${h} interrupt lines at step ${k}`);
      }
    }
  });
});
