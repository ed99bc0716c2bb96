// The translator under a debugger (issue 15): pause still stops a guest that never leaves a
// compiled tight loop; a breakpoint set inside a compiled block, single steps and a resume
// give the same pcs and instruction counts as the interpreter.
import { strict as assert } from 'node:assert';
import { machineFor } from './machine/support';

describe('emulator/cpu/jit: pause, breakpoints and steps with the translator', function () {
  this.timeout(120_000);

  it('pauses a guest spinning in a compiled loop', async () => {
    const { m } = machineFor('spin.S', { jit: true });
    await m.resume();
    // run until the loop is compiled and has run compiled for a while
    while (m.translator!.stats().blockSteps < 5_000_000) await new Promise((r) => setTimeout(r, 5));
    const e = await m.pause();
    assert.equal(e.reason.kind, 'pause');
    assert.equal(m.state(), 'paused');
    const steps = m.translator!.stats().blockSteps;
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(m.translator!.stats().blockSteps, steps, 'the machine ran on after the pause');
  });

  it('a breakpoint inside a compiled block, steps and resume: the interpreter\'s pcs and counts', async () => {
    const runs = [false, true].map((jit) => machineFor('spin.S', { jit }));
    const trace: string[][] = [[], []];
    for (let k = 0; k < 2; k++) {
      const { m, sym } = runs[k];
      // compiled early (the default threshold is a million instructions: more than this test runs)
      if (m.translator !== undefined) m.translator.hotThreshold = 1000;
      assert.equal(m.runFor(123_457), undefined);
      await m.addBreakpoint(sym('spin')); // the head of the compiled loop
      let e = m.runFor(1_000_000);
      assert.equal(e?.reason.kind, 'breakpoint');
      trace[k].push(`${JSON.stringify(e!.reason, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v))} ${m.harts[0].instret}`);
      for (let s = 0; s < 3; s++) {
        const st = await m.step(0);
        trace[k].push(`step ${st.reason.kind} ${m.harts[0].pc.toString(16)} ${m.harts[0].instret} t0=${m.harts[0].x[10]}`);
      }
      // the loop's second instruction, in the middle of the block
      await m.removeBreakpoint(sym('spin'));
      const second = BigInt(m.harts[0].pc);
      await m.addBreakpoint(second);
      for (let hit = 0; hit < 3; hit++) {
        e = m.runFor(1_000_000);
        assert.equal(e?.reason.kind, 'breakpoint');
        trace[k].push(`${e?.reason.kind} ${m.harts[0].pc.toString(16)} ${m.harts[0].instret}`);
      }
      await m.removeBreakpoint(second);
      assert.equal(m.runFor(777_777), undefined);
      trace[k].push(`resumed ${m.harts[0].pc.toString(16)} ${m.harts[0].instret} t0=${m.harts[0].x[10]}`);
    }
    assert.ok(runs[1].m.translator!.stats().blockSteps > 500_000, 'the translator did not run the loop');
    assert.deepEqual(trace[1], trace[0]);
  });
});
