// The two lessons on QEMU: the deadlock (two tasks asleep on each other's lock, seen with ps and
// with the task-list key while the shell stays usable) and the kernel crash (a panic whose
// backtrace names the faulting function; names checked with addr2line and nm, not our own table).
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { buildGuestKernel } from './support/build';
import { QemuPort } from './support/qemu-port';
import { BUGGY, CRASH, DEADLOCK, runScript, stepOutput } from './support/scripts';
import { addr2lineFunction, functionAt, moduleTextFunctions, parseBacktrace } from './support/symbols';
import type { TranscriptStep } from './support/console-session';
import { checkDeadlock } from './support/checks';

describe('guest kernel on QEMU: the deadlock lesson', function () {
  this.timeout(120_000);
  let steps: TranscriptStep[];
  before(async () => {
    steps = await runScript(new QemuPort({ kernel: buildGuestKernel().kernel, smp: 1 }), DEADLOCK);
  });

  it('ps and the task-list key show both workers asleep on the lock the other holds', () => {
    checkDeadlock(steps);
  });
});

describe('guest kernel on QEMU: the crash lesson', function () {
  this.timeout(120_000);

  it('a bad pointer in a system call panics with a backtrace through the system call path', async () => {
    const build = buildGuestKernel();
    const steps = await runScript(new QemuPort({ kernel: build.kernel, smp: 1 }), CRASH);
    const out = stepOutput(steps, 'crash');
    assert.match(out, /panic on hart 0: kernel load page fault at pc 0x[0-9a-f]+ \(lesson_peek\+0x[0-9a-f]+\), address 0x10/);
    const frames = parseBacktrace(out);
    assert.ok(frames.length >= 4, out);
    assert.equal(frames[0].name, 'lesson_peek');
    for (const f of frames) {
      if (f.name.startsWith('from_user_entry')) continue;      // assembly: addr2line names it too
      assert.equal(addr2lineFunction(build.kernel, f.pc), f.name, `frame #${f.depth} at 0x${f.pc.toString(16)}`);
    }
    const names = frames.map((f) => f.name);
    for (const expected of ['sys_peek', 'syscall_dispatch', 'user_trap']) assert.ok(names.includes(expected), names.join(' '));
  });

  it('a fault inside a module names the module function in the backtrace', async () => {
    const build = buildGuestKernel();
    const steps = await runScript(new QemuPort({ kernel: build.kernel, smp: 1 }), BUGGY);
    const out = stepOutput(steps, 'cat buggy');
    const loaded = /module buggy: loaded at 0x([0-9a-f]+)/.exec(stepOutput(steps, 'insmod buggy'));
    assert.ok(loaded);
    const frames = parseBacktrace(out);
    assert.equal(frames[0].module, 'buggy', out);
    assert.equal(frames[0].name, 'buggy_format_record');
    // oracle: nm's offsets inside .text, the first section loaded at the module's base
    const fns = moduleTextFunctions(join(build.moduleDir, 'buggy.ko'));
    const base = BigInt('0x' + loaded[1]);
    for (const f of frames.filter((x) => x.module === 'buggy')) {
      assert.equal(functionAt(fns, f.pc - base), f.name, `frame #${f.depth}`);
    }
    assert.ok(frames.some((f) => f.name === 'file_read' && !f.module), 'the kernel frames follow the module ones');
  });
});
