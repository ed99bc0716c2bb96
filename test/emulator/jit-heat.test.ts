// Hotness (issue 15): cold code is interpreted a stretch at a time (up to the next jump) and a
// location is compiled once hotThreshold instructions have been interpreted from it, not after a
// count of visits; everything the translator ran is counted as interpreted or as run in blocks.
import { strict as assert } from 'node:assert';
import { PAGE_JIT } from '../../emulator/bus/bus';
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

  it('runs a stretch through forward jumps in a page without blocks, and stops at every jump in a page with blocks', () => {
    const { m, sym } = machineFor('forward.S', { jit: true });
    const h = m.harts[0];
    m.runFor(1); // the boot ROM's first instruction; run until the kernel's first instruction
    while (BigInt(h.pc) !== sym('_start')) m.runFor(1);
    // cold page: li, addi, beq (taken, forward: goes on), addi, j loop (backward: stops)
    assert.equal(h.innerStretch(0, 1000), 5);
    assert.equal(BigInt(h.pc), sym('loop'));
    assert.equal(h.innerStretch(0, 1000), 4, 'loop, beq, fwd, j');
    assert.equal(BigInt(h.pc), sym('loop'));
    // the same page once it holds compiled code: every landing place is looked up
    const page = Number(sym('loop') - 0x80000000n) >>> 12;
    m.bus.pageFlags[page] |= PAGE_JIT;
    assert.equal(h.innerStretch(0, 1000), 2, 'addi, beq: stops where the branch lands');
    assert.equal(BigInt(h.pc), sym('fwd'));
    m.bus.pageFlags[page] &= ~PAGE_JIT;
    // the budget still bounds a stretch: from fwd, one instruction of the two before `j loop`
    assert.equal(h.innerStretch(0, 1), 1);
    assert.equal(BigInt(h.pc), sym('back'));
  });

  it('runs past CSR reads and writes that change no translation and make no interrupt pending', () => {
    const { m } = machineFor('csrloop.S', { jit: true });
    const t = m.translator!;
    t.hotThreshold = 1000;
    let exits = 0;
    t.onBlockExit = () => { exits++; };
    m.runFor(200_000);
    const st = t.stats();
    assert.ok(st.blockSteps > 190_000, `only ${st.blockSteps} steps in blocks`);
    // one block holds the whole loop (6 instructions a pass): it leaves at the end of a slice,
    // not at every CSR instruction (which would be 4 exits a pass)
    assert.ok(exits < st.blockSteps / 60, `${exits} block exits for ${st.blockSteps} steps`);
    const ref = machineFor('csrloop.S', { jit: false }).m;
    ref.runFor(200_000);
    assert.ok(m.harts[0].x[2 * 6] > 30_000, 'passes of the loop (t1)');
    assert.deepEqual([...m.harts[0].x], [...ref.harts[0].x], 'registers as the interpreter has them');
  });
});
