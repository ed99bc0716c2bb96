// Kernel features on our own Machine (emulator/machine.ts): modules, the two lessons, and two
// harts, each session compared line by line with QEMU's transcript of the same script.
import { strict as assert } from 'node:assert';
import { both, assertSame } from './support/compare-machines';
import { checkDeadlock, checkModuleSession } from './support/checks';
import { BASICS, CRASH, DEADLOCK, MODULES, stepOutput } from './support/scripts';

describe('guest kernel on our Machine, compared with QEMU: modules, lessons, two harts', function () {
  this.timeout(110_000);

  it('the module session: the same transcript, second load at a new address', async () => {
    const t = await both(MODULES, { smp: 1 });
    checkModuleSession(t.ours);
    assertSame(MODULES, t);
  });

  it('the deadlock lesson: the same transcript', async () => {
    const t = await both(DEADLOCK, { smp: 1 });
    checkDeadlock(t.ours);
    assertSame(DEADLOCK, t);
  });

  it('the crash lesson: the same panic and backtrace', async () => {
    const t = await both(CRASH, { smp: 1 });
    assert.match(stepOutput(t.ours, 'crash'), /#0 0x[0-9a-f]+ lesson_peek\+0x/);
    assertSame(CRASH, t);
  });

  it('with two harts: boot, forktest and the module session', async () => {
    const script = [...BASICS.filter((s) => ['boot', 'forktest'].includes(s.label)), ...MODULES.slice(1)];
    const t = await both(script, { smp: 2 });
    assert.match(stepOutput(t.ours, 'boot'), /harts: 2\n/);
    assert.match(stepOutput(t.ours, 'forktest'), /exit codes all correct/);
    checkModuleSession(t.ours);
    assertSame(script, t);
  });
});
