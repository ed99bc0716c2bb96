// Hotness (issue 15): cold code is interpreted a stretch at a time (up to the next jump) and a
// location is compiled once hotThreshold instructions have been interpreted from it, not after a
// count of visits; everything the translator ran is counted as interpreted or as run in blocks.
import { strict as assert } from 'node:assert';
import { HOT_THRESHOLD } from '../../emulator/cpu/jit/translator';
import { machineFor } from './machine/support';

describe('emulator/cpu/jit: hotness counted in interpreted instructions', () => {
  it('compiles the two-instruction loop after hotThreshold instructions from its head, then runs it compiled', () => {
    const { m } = machineFor('spin.S', { jit: true });
    const t = m.translator!;
    t.hotThreshold = 10_000;
    m.runFor(9_000); // 4500 passes of `addi; j`: 9000 instructions counted at `spin`
    assert.equal(t.stats().compiled, 0, 'compiled before the threshold');
    assert.equal(t.stats().interpretedSteps, 9_000);
    m.runFor(2_000);
    assert.equal(t.stats().compiled, 1, 'not compiled after the threshold');
    m.runFor(100_000);
    const st = t.stats();
    assert.ok(st.blockSteps > 90_000, `only ${st.blockSteps} steps in blocks`);
    assert.equal(st.blockSteps + st.interpretedSteps, m.retired(), 'steps lost between the interpreter and the blocks');
  });

  it('keeps code run fewer instructions than the default threshold interpreted', () => {
    const { m } = machineFor('spin.S', { jit: true });
    m.runFor(HOT_THRESHOLD - 10);
    assert.equal(m.translator!.stats().compiled, 0);
    assert.equal(m.translator!.stats().interpretedSteps, HOT_THRESHOLD - 10);
  });
});
