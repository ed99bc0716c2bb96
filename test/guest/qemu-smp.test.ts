// The kernel on two harts under QEMU: both harts come up, forktest passes, and the module
// session behaves as on one hart.
import { strict as assert } from 'node:assert';
import { buildGuestKernel } from './support/build';
import { QemuPort } from './support/qemu-port';
import { BASICS, MODULES, runScript, stepOutput } from './support/scripts';
import { checkModuleSession } from './support/checks';

describe('guest kernel on QEMU with -smp 2', function () {
  this.timeout(120_000);

  it('boots with both harts online and runs forktest', async () => {
    const steps = await runScript(new QemuPort({ kernel: buildGuestKernel().kernel, smp: 2 }),
      BASICS.filter((s) => ['boot', 'forktest', 'ps'].includes(s.label)));
    assert.match(stepOutput(steps, 'boot'), /harts: 2\n/);
    assert.match(stepOutput(steps, 'forktest'), /forktest: 8 children forked and reaped, exit codes all correct/);
  });

  it('runs the module session', async () => {
    const steps = await runScript(new QemuPort({ kernel: buildGuestKernel().kernel, smp: 2 }), MODULES);
    checkModuleSession(steps);
    assert.match(stepOutput(steps, 'insmod relocs'), /failed mask 0x0\n/);
  });
});
