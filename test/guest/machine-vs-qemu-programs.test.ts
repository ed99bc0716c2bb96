// User programs on our own Machine (emulator/machine.ts), each session compared line by line with
// QEMU's transcript of the same script (timing lines masked, interleavable steps sorted; see
// support/transcript.ts). The content checks of the QEMU tests apply to the Machine too.
import { strict as assert } from 'node:assert';
import { both, assertSame } from './support/compare-machines';
import { SECTOR0_TEXT } from './support/data-disk';
import { BASICS, LEAKS, MISTAKES, PREEMPTION, stepOutput } from './support/scripts';

describe('guest kernel on our Machine, compared with QEMU: user programs', function () {
  this.timeout(110_000);

  it('boot and user programs: the same transcript', async () => {
    const t = await both(BASICS, { smp: 1, disk: true });
    assert.match(stepOutput(t.ours, 'forktest'), /exit codes all correct/);
    assert.ok(stepOutput(t.ours, 'disk').includes(`sector 0 says "${SECTOR0_TEXT}"`));
    assertSame(BASICS, t);
  });

  it('preemption, kill and uptime: the same transcript (uptime masked)', async () => {
    const t = await both(PREEMPTION, { smp: 1 });
    assert.match(stepOutput(t.ours, 'shell still answers'), /hello from user space/);
    assertSame(PREEMPTION, t);
  });

  it('user mistakes: the same messages', async () => {
    const t = await both(MISTAKES, { smp: 1 });
    assertSame(MISTAKES, t);
  });

  it('memory accounting: the same free-page counts before and after work', async () => {
    const t = await both(LEAKS, { smp: 1, disk: true });
    assertSame(LEAKS, t);
  });
});
