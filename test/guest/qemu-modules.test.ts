// Loadable modules on QEMU: insmod, lsmod, rmmod, a second load at a new address, every
// relocation type (the relocs module checks its own patches), and a module that adds a device.
import { strict as assert } from 'node:assert';
import { buildGuestKernel } from './support/build';
import { QemuPort } from './support/qemu-port';
import { MODULES, runScript, stepOutput } from './support/scripts';
import type { TranscriptStep } from './support/console-session';
import { checkModuleSession } from './support/checks';

describe('guest kernel on QEMU: modules', function () {
  this.timeout(120_000);
  let steps: TranscriptStep[];

  before(async () => {
    const build = buildGuestKernel();
    steps = await runScript(new QemuPort({ kernel: build.kernel, smp: 1 }), MODULES);
  });

  it('insmod, lsmod, rmmod, and insmod again at a different address', () => {
    checkModuleSession(steps);
  });

  it('the relocs module finds every relocation applied correctly', () => {
    assert.match(stepOutput(steps, 'insmod relocs'), /relocs module: 14 relocation checks, failed mask 0x0\n/);
  });

  it('a module adds a device that user programs read, and takes it away again', () => {
    assert.match(stepOutput(steps, 'insmod fortune'), /fortune module: device 'fortune' ready/);
    assert.match(stepOutput(steps, 'cat fortune'), /A deadlock is two tasks being very polite at each other\./);
    assert.match(stepOutput(steps, 'cat fortune gone'), /cat: fortune: no such file/);
  });
});
