// The teaching kernel on qemu-system-riscv64 (the oracle machine): boot to the shell, the user
// programs, line editing, and the virtio data disk, checked against what each program must print
// and, for the disk, against the image file itself after qemu has gone.
import { strict as assert } from 'node:assert';
import { buildGuestKernel } from './support/build';
import { makeDataDisk, sectorText, SECTOR0_TEXT } from './support/data-disk';
import { QemuPort } from './support/qemu-port';
import { BASICS, runScript, SHELL_TASK_LINE, stepOutput } from './support/scripts';
import type { TranscriptStep } from './support/console-session';

describe('guest kernel on QEMU: boot and user programs', function () {
  this.timeout(120_000);
  let steps: TranscriptStep[];
  let disk: string;

  before(async () => {
    const build = buildGuestKernel();
    disk = makeDataDisk();
    steps = await runScript(new QemuPort({ kernel: build.kernel, smp: 1, disk }), BASICS);
  });

  it('boots to the shell prompt, reporting the disk and the initramfs', () => {
    const boot = stepOutput(steps, 'boot');
    assert.match(boot, /Kernel Workbench teaching kernel/);
    assert.match(boot, /virtio-blk: slot 0, 2048 sectors/);          // 1 MiB image / 512
    assert.match(boot, /initfs: \d+ files/);
    assert.match(boot, /init: starting sh\n\$ $/);
  });

  it('hello receives its arguments', () => {
    assert.match(stepOutput(steps, 'hello'), /hello from user space: pid \d+, 2 arguments 'world' '42'/);
  });

  it('ls lists programs, modules, the text file and the devices', () => {
    const ls = stepOutput(steps, 'ls');
    for (const p of ['sh', 'hello', 'ls', 'cat', 'ps', 'spin', 'forktest', 'deadlock', 'crash', 'disk']) {
      assert.match(ls, new RegExp(`^${p} +program +\\d+$`, 'm'), `program ${p}`);
    }
    for (const m of ['hello.ko', 'fortune.ko', 'buggy.ko', 'relocs.ko']) assert.match(ls, new RegExp(`^${m.replace('.', '\\.')} +module`, 'm'));
    assert.match(ls, /^motd +text +\d+$/m);
    assert.match(ls, /^console +device/m);
    assert.match(ls, /^disk +device/m);
  });

  it('cat prints a file of the initramfs', () => {
    assert.match(stepOutput(steps, 'cat'), /Welcome to the Kernel Workbench teaching kernel\./);
  });

  it('ps shows init waiting, the shell, and itself running', () => {
    const ps = stepOutput(steps, 'ps');
    assert.match(ps, /^\s+1\s+0\s+sleeping\s+init\s+child to exit$/m);
    assert.match(ps, new RegExp(SHELL_TASK_LINE.source, 'm'));   // its state depends on timer ticks
    assert.match(ps, /^\s+\d+\s+2\s+running\s+ps\s*$/m);
  });

  it('forktest forks and reaps eight children with the right exit codes', () => {
    assert.match(stepOutput(steps, 'forktest'), /forktest: 8 children forked and reaped, exit codes all correct/);
  });

  it('the shell runs commands separated by ; in order', () => {
    const out = stepOutput(steps, 'sequence');
    const one = out.indexOf("'one'");
    const two = out.indexOf("'two'");
    assert.ok(one > 0 && two > one, out);
  });

  it('backspace and Ctrl-U edit the line before the shell sees it', () => {
    const out = stepOutput(steps, 'editing');
    assert.match(out, /hello from user space: pid \d+, 1 argument 'edited'/);
    assert.ok(out.includes('\b \b'), 'erasing is echoed as backspace, space, backspace');
  });

  it('disk reads sector 0 and writes sector 1 of the data disk', () => {
    const out = stepOutput(steps, 'disk');
    assert.ok(out.includes(`disk: sector 0 says "${SECTOR0_TEXT}"`), out);
    assert.match(out, /disk: sector 1 says "written by the disk program of the teaching kernel"/);
    // the independent check: the image file itself, read by the host
    assert.equal(sectorText(disk, 1), 'written by the disk program of the teaching kernel');
    assert.equal(sectorText(disk, 0), SECTOR0_TEXT);
  });

  it('a missing program gives a clear message', () => {
    assert.match(stepOutput(steps, 'missing'), /sh: nosuchprogram: no such file/);
  });
});

describe('guest kernel on QEMU: a hart without Sstc', function () {
  this.timeout(120_000);

  it('stops at boot with a message saying what is missing', async () => {
    const steps = await runScript(new QemuPort({ kernel: buildGuestKernel().kernel, smp: 1 }, ['-cpu', 'rv64,sstc=false']),
      [{ label: 'boot', until: 'system halted' }]);
    const out = stepOutput(steps, 'boot');
    assert.match(out, /panic on hart 0: this kernel needs the Sstc extension/);
    assert.match(out, /#1 0x[0-9a-f]+ kernel_main\+0x[0-9a-f]+\n(?!\s+#2)/, 'the backtrace ends at kernel_main');
  });
});
