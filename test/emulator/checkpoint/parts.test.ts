// Each part on its own: state put in through its registers, saved, loaded into a new part of
// the same kind (without driving any interrupt line), after which both answer every register
// read and every later event alike. Also each hart's CSRs read back through the CSR file.
import { strict as assert } from 'node:assert';
import type { HartInterruptLines, IrqLine } from '../../../emulator/bus/device';
import { StateReader, decodeState, encodeState, type StateValue } from '../../../emulator/checkpoint/state';
import { Clint } from '../../../emulator/devices/clint';
import { GoldfishRtc } from '../../../emulator/devices/goldfish-rtc';
import { Plic } from '../../../emulator/devices/plic';
import { Uart16550 } from '../../../emulator/devices/uart16550';
import { Machine } from '../../../emulator/machine';

/** Saves `from` through the encoding (as a file would) and loads it into `to`. */
function transfer(from: { saveState(): StateValue }, to: { loadState(s: StateReader): void }, path: string): void {
  to.loadState(new StateReader(decodeState(encodeState(from.saveState()), path), path));
}

class Lines implements HartInterruptLines, IrqLine {
  log: string[] = [];
  setPending(hart: number, mask: number, level: boolean): void { this.log.push(`hart${hart}:${mask}=${level}`); }
  setIrq(source: number, level: boolean): void { this.log.push(`irq${source}=${level}`); }
}

describe('checkpoint parts', () => {
  it('UART: registers, the receive FIFO and the host queue', () => {
    const la = new Lines(), lb = new Lines();
    const outA: number[] = [], outB: number[] = [];
    const a = new Uart16550(la, 10, { output: (b) => outA.push(b) });
    const b = new Uart16550(lb, 10, { output: (x) => outB.push(x) });
    a.write(3, 1, 0x80); a.write(0, 1, 0x12); a.write(1, 1, 0x34); a.write(3, 1, 0x03); // divisor, then 8N1
    a.write(2, 1, 0xc1);                       // FIFO on, trigger 14
    a.write(1, 1, 0x07); a.write(7, 1, 0x5a); a.write(4, 1, 0x0b);
    a.receive(new TextEncoder().encode('0123456789abcdefghijklmnopqrstuvwxyz'));
    a.read(0, 1); a.read(0, 1);               // two read: the FIFO refilled from the queue
    transfer(a, b, 'uart0');
    assert.deepEqual(lb.log, [], 'loading drove the interrupt line');
    assert.equal(b.bufferedInput, a.bufferedInput);
    const regs = (u: Uart16550) => [1, 3, 4, 5, 6, 7].map((r) => u.read(r, 1));
    assert.deepEqual(regs(b), regs(a));
    a.write(3, 1, 0x83); b.write(3, 1, 0x83);
    assert.deepEqual([a.read(0, 1), a.read(1, 1)], [0x12, 0x34]);
    assert.deepEqual([b.read(0, 1), b.read(1, 1)], [0x12, 0x34]);
    a.write(3, 1, 0x03); b.write(3, 1, 0x03);
    const drain = (u: Uart16550) => { const s: number[] = []; while (u.read(5, 1) & 1) s.push(u.read(2, 1), u.read(0, 1)); return s; };
    const drained = drain(a);
    assert.equal(String.fromCharCode(...drained.filter((_, i) => i % 2 === 1)), '23456789abcdefghijklmnopqrstuvwxyz');
    assert.deepEqual(drain(b), drained);
  });

  it('PLIC: priorities, enables, thresholds, pending and in-service sources', () => {
    const la = new Lines(), lb = new Lines();
    const a = new Plic(2, la), b = new Plic(2, lb);
    for (const s of [1, 5, 10]) a.write(4 * s, 4, s % 7);
    a.write(0x2000 + 0x80 * 1, 4, (1 << 1) | (1 << 5) | (1 << 10));
    a.write(0x2000 + 0x80 * 3, 4, 1 << 10);
    a.write(0x200000 + 0x1000 * 3, 4, 1);
    a.setIrq(5, true); a.setIrq(10, true); a.setIrq(1, true);
    assert.equal(a.read(0x200004 + 0x1000, 4), 5, 'claim by context 1'); // source 5 in service now
    transfer(a, b, 'plic');
    assert.deepEqual(lb.log, []);
    // source 5 asks again while in service: it waits until completed
    const claims = (p: Plic, l: Lines) => {
      l.log = [];
      p.setIrq(5, true);
      const r = [p.read(0x1000, 4), p.read(0x200004 + 0x1000, 4), p.read(0x200004 + 0x3000, 4)];
      p.write(0x200004 + 0x1000, 4, 5);
      r.push(p.read(0x200004 + 0x1000, 4));
      return [r, l.log];
    };
    const [claimed] = claims(a, la);
    assert.deepEqual(claimed, [(1 << 1) | (1 << 5) | (1 << 10), 10, 0, 5]);
    la.log = [];
    transfer(b, a, 'plic'); // back to the saved state, to compare from there
    transfer(a, b, 'plic');
    assert.deepEqual(claims(b, lb), claims(a, la));
  });

  it('CLINT: msip and mtimecmp per hart, and the timer firing at the same time', () => {
    let now = 1000;
    const clock = { now: () => now };
    const la = new Lines(), lb = new Lines();
    const a = new Clint(2, la, clock), b = new Clint(2, lb, clock);
    a.write(4, 4, 1);                        // msip hart 1
    a.write(0x4000, 4, 5000); a.write(0x4004, 4, 0);
    a.write(0x4008, 4, 0xffff_ffff); a.write(0x400c, 4, 0xffff_ffff);
    lb.log = [];
    transfer(a, b, 'clint');
    assert.deepEqual(lb.log, []);
    assert.equal(b.nextDeadline(), 5000);
    for (const off of [0, 4, 0x4000, 0x4004, 0x4008, 0x400c, 0xbff8]) assert.equal(b.read(off, 4), a.read(off, 4), `offset ${off}`);
    la.log = []; lb.log = [];
    now = 5000;
    a.advance(now); b.advance(now);
    assert.deepEqual(lb.log, ['hart0:128=true']);
    assert.deepEqual(lb.log, la.log);
  });

  it('RTC: time offset, latched high word and the alarm', () => {
    let now = 10;
    const clock = { now: () => now };
    const la = new Lines(), lb = new Lines();
    const a = new GoldfishRtc(clock, la, 11), b = new GoldfishRtc(clock, lb, 11);
    a.write(0x04, 4, 0x1000); a.write(0x00, 4, 0x2000);   // set the time
    a.read(0x00, 4);                                       // latches the high word
    a.write(0x0c, 4, 0x1000); a.write(0x08, 4, 0x2000 + 50_000); a.write(0x10, 4, 1);
    lb.log = [];
    transfer(a, b, 'rtc');
    assert.deepEqual(lb.log, []);
    assert.equal(b.read(0x04, 4), a.read(0x04, 4));
    assert.equal(b.nextDeadline(), a.nextDeadline());
    now = a.nextDeadline();
    la.log = [];
    a.advance(now); b.advance(now);
    assert.deepEqual(lb.log, ['irq11=true']);
    assert.deepEqual(lb.log, la.log);
    assert.deepEqual([b.read(0x00, 4), b.read(0x04, 4)], [a.read(0x00, 4), a.read(0x04, 4)]);
  });

  it('harts: every CSR, registers, pc with its high word, privilege, WFI and the reservation', () => {
    const a = new Machine({ smp: 2, memoryBytes: 1 << 20 });
    const h = a.harts[1];
    for (let i = 2; i < 64; i++) h.x[i] = Math.imul(i, 0x9e3779b1);
    for (let i = 0; i < 64; i++) h.f.i32[i] = Math.imul(i + 7, 0x85ebca6b);
    h.f.fflags = 0x13; h.f.frm = 3;
    const c = h.csr;
    c.write(0x300, 0x0000_1888, 0);           // mstatus: MPP = S, MPIE, SIE/MIE bits
    c.write(0x304, 0xaaa, 0); c.write(0x303, 0x222, 0); c.write(0x302, 0xb1ff, 0);
    c.write(0x305, 0x8000_0100, 0); c.write(0x105, 0x8000_0201, 0);
    c.write(0x340, 0x1234, 0x5678); c.write(0x140, -1, -1); c.write(0x180, 0x0008_0042, (9 << 28) | 0x0000_0abc);
    c.write(0x30a, 1, 0x8000_0000); c.write(0x14d, 0x10_0000, 0); // menvcfg.STCE, stimecmp
    c.write(0xb02, 1000, 0);                  // minstret
    c.write(0x344, 2, 0);                      // mip.SSIP by software
    h.setPcWords(0x1234_5678, 0x00ff_ffff);     // a pc beyond ±2^52: kept relative to pcHi
    h.setPriv(1); h.waiting = true; h.instret = 777;
    a.bus.reserve(1, 0x8000_0040);
    const saved = a.saveCheckpoint();
    const b = new Machine({ smp: 2, memoryBytes: 1 << 20 });
    b.loadCheckpoint(saved);
    const g = b.harts[1];
    assert.deepEqual(g.x, h.x); assert.deepEqual(g.f.i32, h.f.i32);
    assert.deepEqual([g.pc, g.pcHi, g.priv, g.waiting, g.instret, g.f.fflags, g.f.frm], [h.pc, h.pcHi, h.priv, h.waiting, h.instret, h.f.fflags, h.f.frm]);
    let compared = 0;
    for (let n = 0; n < 4096; n++) {
      // time: the machine's mtime (compared below); this test set instret behind the machine's back
      if (!c.exists(n) || n === 0xc01) continue;
      c.read(n); const want = [c.rlo, c.rhi];
      g.csr.read(n);
      assert.deepEqual([g.csr.rlo, g.csr.rhi], want, `csr 0x${n.toString(16)}`);
      compared++;
    }
    assert.ok(compared > 200, `${compared} CSRs compared`);
    assert.equal(b.mtime(), a.mtime());
    assert.equal(g.dataVm, true, 'translation state recomputed from satp (Sv48) and privilege (S)');
    assert.equal(b.bus.takeReservation(1, 0x8000_0040), true);
    assert.equal(b.bus.takeReservation(0, 0x8000_0040), false);
  });
});
