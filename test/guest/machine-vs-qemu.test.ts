// The acceptance sessions on our own Machine (emulator/machine.ts), each compared line by line
// with QEMU's transcript of the same script (timing lines masked, interleavable steps sorted;
// see support/transcript.ts). The content checks of the QEMU tests apply to the Machine too.
import { strict as assert } from 'node:assert';
import { buildGuestKernel } from './support/build';
import { makeDataDisk, SECTOR0_TEXT } from './support/data-disk';
import { MachinePort } from './support/machine-port';
import { QemuPort } from './support/qemu-port';
import { BASICS, CRASH, DEADLOCK, LEAKS, MISTAKES, MODULES, PREEMPTION, runScript, stepOutput, type ScriptStep } from './support/scripts';
import { compareTranscripts, describeDifferences } from './support/transcript';
import { checkDeadlock, checkModuleSession } from './support/checks';
import type { TranscriptStep } from './support/console-session';
import type { ConsolePort, MachineSpec } from './support/console-port';

async function both(script: ScriptStep[], spec: Omit<MachineSpec, 'kernel'>, makePort: (s: MachineSpec) => ConsolePort = (s) => new MachinePort(s)):
    Promise<{ qemu: TranscriptStep[]; ours: TranscriptStep[] }> {
  const kernel = buildGuestKernel().kernel;
  // each machine gets its own fresh disk image (QEMU writes its copy; the Machine keeps its in memory)
  const qemu = await runScript(new QemuPort({ ...spec, kernel, disk: spec.disk && makeDataDisk() }), script);
  const ours = await runScript(makePort({ ...spec, kernel, disk: spec.disk && makeDataDisk() }), script);
  return { qemu, ours };
}

function assertSame(script: ScriptStep[], t: { qemu: TranscriptStep[]; ours: TranscriptStep[] }): void {
  const diffs = compareTranscripts(script, t.qemu, t.ours);
  assert.equal(diffs.length, 0, describeDifferences(diffs));
}

describe('guest kernel on our Machine, compared with QEMU', function () {
  this.timeout(110_000);

  it('boot and user programs: the same transcript', async () => {
    const t = await both(BASICS, { smp: 1, disk: 'fresh' });
    assert.match(stepOutput(t.ours, 'forktest'), /exit codes all correct/);
    assert.ok(stepOutput(t.ours, 'disk').includes(`sector 0 says "${SECTOR0_TEXT}"`));
    assertSame(BASICS, t);
  });

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
    const t = await both(LEAKS, { smp: 1, disk: 'fresh' });
    assertSame(LEAKS, t);
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
