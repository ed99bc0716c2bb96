// Run control of the Machine: pause while the guest spins (run in slices), resume, stop
// events to listeners, fault-loop detection, idling when every hart waits with nothing
// scheduled, several harts taking turns, and determinism (same inputs, same run).
import { strict as assert } from 'node:assert';
import { StopEvent } from '../../../emulator/target';
import { machineFor } from './support';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('emulator/machine: run control', () => {
  it('pauses a spinning guest and resumes it', async () => {
    const { m, sym } = machineFor('spin.S');
    const events: StopEvent[] = [];
    m.onStop((e) => events.push(e));
    await m.resume();
    assert.equal(m.state(), 'running');
    await sleep(100);
    const e1 = await m.pause();
    assert.equal(e1.reason.kind, 'pause');
    assert.equal(m.state(), 'paused');
    assert.ok(e1.instret > 0n);
    const pc = await m.readRegister(0, 32);
    assert.ok(pc === sym('spin') || pc === sym('spin') + 2n, `pc 0x${pc.toString(16)} is in the loop`);
    await m.resume();
    await sleep(50);
    const e2 = await m.pause();
    assert.ok(e2.instret > e1.instret);
    assert.equal(events.length, 2);
  });

  it('idle: skip runs virtual time ahead of real time; sleep never lets it get ahead', async () => {
    for (const idle of ['skip', 'sleep'] as const) {
      const { m } = machineFor('metronome.S', { idle });
      const t0 = performance.now();
      await m.resume();
      await sleep(300);
      await m.pause();
      const wall = (performance.now() - t0) / 1000, virt = m.mtime() / 1e7;
      const ticks = await m.readRegister(0, 8);
      assert.ok(ticks >= 1n, `${idle}: the timer kept waking the hart (${ticks} ticks)`);
      if (idle === 'skip') assert.ok(virt > wall, `skip: ${virt} s virtual after ${wall} s`);
      else assert.ok(virt <= wall + 0.06, `sleep: ${virt} s virtual after only ${wall} s`);
    }
  });

  it('powers off from the host: running, paused, and once exited', async () => {
    const { m } = machineFor('spin.S');
    const seen: StopEvent[] = [];
    m.onStop((e) => seen.push(e));
    await m.resume();
    await sleep(20);
    const e = await m.powerOff(3);
    assert.deepEqual(e.reason, { kind: 'poweroff', code: 3 });
    assert.equal(m.state(), 'exited');
    assert.deepEqual(seen.map((x) => x.reason), [{ kind: 'poweroff', code: 3 }]);
    assert.deepEqual((await m.powerOff(5)).reason, { kind: 'poweroff', code: 3 }, 'already off: the first poweroff stands');
    await assert.rejects(m.resume(), /powered off/);

    const p = machineFor('spin.S').m;
    assert.deepEqual((await p.powerOff(0)).reason, { kind: 'poweroff', code: 0 });
    assert.equal(p.state(), 'exited');
  });

  it('a pause names the hart that was running (hart 1 spins while hart 0 sleeps in WFI)', async () => {
    const { m, sym } = machineFor('spin-hart1.S', { smp: 2 });
    await m.resume();
    await sleep(50);
    const e = await m.pause();
    assert.equal(e.reason.kind, 'pause');
    assert.equal(e.reason.kind === 'pause' && e.reason.hart, 1);
    const pc = e.reason.kind === 'pause' ? e.reason.pc : -1n;
    assert.ok(pc >= sym('spin') && pc < sym('spin') + 8n, `pc 0x${pc.toString(16)} is hart 1's loop`);
  });

  it('reports poweroff to listeners and ends in state exited', async () => {
    const out: number[] = [];
    const { m } = machineFor('ticks.S', { serial: { output: (b) => out.push(b) } });
    const stopped = new Promise<StopEvent>((resolve) => m.onStop(resolve));
    await m.resume();
    const e = await stopped;
    assert.deepEqual(e.reason, { kind: 'poweroff', code: 0 });
    assert.equal(m.state(), 'exited');
    assert.equal(Buffer.from(out).toString(), 'tick 1\ntick 2\ntick 3\ntick 4\ntick 5\n');
  });

  it('the same program gives the same run: instruction count and console bytes', () => {
    const runOnce = () => {
      const out: number[] = [];
      const { m } = machineFor('ticks.S', { serial: { output: (b) => out.push(b) } });
      const e = m.runUntilStop(10_000_000);
      return { reason: e?.reason, instret: e?.instret, out: Buffer.from(out).toString(), mtime: m.mtime() };
    };
    const a = runOnce(), b = runOnce();
    assert.deepEqual(a.reason, { kind: 'poweroff', code: 0 });
    assert.deepEqual(a, b);
    // five timer periods of 1000 ticks passed in virtual time
    assert.ok(a.mtime >= 5000, `mtime ${a.mtime}`);
  });

  it('stops a hart that faults at its trap vector forever (fault-loop)', () => {
    const { m } = machineFor('faultloop.S');
    const e = m.runUntilStop(1_000_000);
    assert.deepEqual(e?.reason, { kind: 'fault-loop', hart: 0, pc: 0x100n, cause: 1n, tval: 0x100n });
  });

  it('goes idle instead of spinning when every hart waits for nothing', async () => {
    const { m } = machineFor('idle.S');
    assert.equal(m.runFor(10_000_000), undefined);
    assert.ok(m.retired() < 1000, `retired ${m.retired()}`);
    await m.resume();
    const e = await m.pause();
    assert.equal(e.reason.kind, 'pause');
  });

  it('an idle machine wakes on host serial input (UART receive interrupt through the PLIC)', async () => {
    const out: number[] = [];
    const { m } = machineFor('echo.S', { serial: { output: (b) => out.push(b) } });
    const stopped = new Promise<StopEvent>((resolve) => m.onStop(resolve));
    await m.resume();
    await sleep(100);
    const idleInstret = m.retired();
    await sleep(100);
    assert.equal(m.retired(), idleInstret, 'no instructions while waiting for input');
    m.sendInput(new TextEncoder().encode('ab'));
    await sleep(50);
    m.sendInput(new TextEncoder().encode('q'));
    const e = await stopped;
    assert.deepEqual(e.reason, { kind: 'poweroff', code: 0 });
    assert.equal(Buffer.from(out).toString(), 'abq');
  });

  it('runs several harts in turn, deterministically', () => {
    const runOnce = () => {
      const { m } = machineFor('smp.S', { smp: 2 });
      const e = m.runUntilStop(10_000_000);
      return { reason: e?.reason, instret: e?.instret, h0: m.harts[0].instret, h1: m.harts[1].instret };
    };
    const a = runOnce();
    assert.deepEqual(a.reason, { kind: 'poweroff', code: 0 });
    assert.ok(a.h1 > 3000, 'hart 1 ran its loop');
    assert.deepEqual(runOnce(), a);
  });

  it('an LR/SC spinlock excludes the other harts (three harts, preempted inside the lock)', () => {
    const { m } = machineFor('smp-lock.S', { smp: 3 });
    const e = m.runUntilStop(50_000_000);
    assert.deepEqual(e?.reason, { kind: 'poweroff', code: 0 });
  });
});
