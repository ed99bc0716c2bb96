// The shell under pressure on QEMU: a task that never yields (the timer must take the hart
// away for the shell to answer), kill, uptime, and the mistakes a user makes, each answered with
// a clear message while the system keeps working; and no page is lost along the way.
import { strict as assert } from 'node:assert';
import { buildGuestKernel } from './support/build';
import { QemuPort } from './support/qemu-port';
import { backgroundPid, LEAKS, MISTAKES, PREEMPTION, runScript, stepOutput, TASK_LIST_END } from './support/scripts';
import { makeDataDisk } from './support/data-disk';
import type { TranscriptStep } from './support/console-session';

describe('guest kernel on QEMU: preemption and kill', function () {
  this.timeout(120_000);
  let steps: TranscriptStep[];
  before(async () => {
    steps = await runScript(new QemuPort({ kernel: buildGuestKernel().kernel, smp: 1 }), PREEMPTION);
  });

  it('the shell answers while spin runs on the only hart', () => {
    assert.match(stepOutput(steps, 'spin in background'), /^\[\d+\] spin$/m);
    assert.match(stepOutput(steps, 'shell still answers'), /hello from user space/);
    const pid = backgroundPid(steps, 'spin in background');
    assert.match(stepOutput(steps, 'ps with spinner'), new RegExp(`^\\s+${pid}\\s+2\\s+(runnable|running)\\s+spin\\s*$`, 'm'));
  });

  it('kill ends the spinner, and the shell reports the job done', () => {
    const pid = backgroundPid(steps, 'spin in background');
    assert.match(stepOutput(steps, 'kill spinner'), new RegExp(`^\\[${pid}\\] done, exit code -1$`, 'm'));
    assert.doesNotMatch(stepOutput(steps, 'ps after kill'), new RegExp(`^\\s+${pid}\\s`, 'm'));
  });

  it('uptime counts ticks', () => {
    const m = /up (\d+)\.(\d\d) seconds/.exec(stepOutput(steps, 'uptime'));
    assert.ok(m);
    assert.ok(Number(m[1]) * 100 + Number(m[2]) > 0, 'time has passed since boot');
  });
});

describe('guest kernel on QEMU: user mistakes', function () {
  this.timeout(120_000);
  let steps: TranscriptStep[];
  before(async () => {
    steps = await runScript(new QemuPort({ kernel: buildGuestKernel().kernel, smp: 1 }), MISTAKES);
  });

  const cases: [string, RegExp][] = [
    ['exec a module', /sh: hello\.ko: not a valid program or module/],
    ['exec a text', /sh: motd: not a valid program or module/],
    ['insmod a program', /insmod: hello: not a module/],
    ['insmod missing', /insmod: nosuch\.ko: no such file/],
    ['insmod twice 2', /insmod: hello\.ko: already exists/],
    ['rmmod missing', /rmmod: nosuch: no such file/],
    ['cat missing', /cat: nosuch: no such file/],
    ['usage', /usage: insmod FILE\.ko/],
    ['kill missing', /kill: 999: no such task/],
    ['kill init', /kill: 1: not permitted/],
    ['still fine', /hello from user space/],
  ];
  for (const [label, expected] of cases) {
    it(`${label}: ${expected.source.replace(/\\/g, '')}`, () => {
      assert.match(stepOutput(steps, label), expected);
    });
  }

  it('empty commands do nothing', () => {
    assert.equal(stepOutput(steps, 'empty commands'), ' ; ;; \n$ ');
  });
});

describe('guest kernel on QEMU: no memory leaks', function () {
  this.timeout(120_000);

  it('forks, execs, module loads and unloads, file and disk I/O give back every page', async () => {
    const steps = await runScript(new QemuPort({ kernel: buildGuestKernel().kernel, smp: 2, disk: makeDataDisk() }), LEAKS);
    const free = (label: string) => Number(TASK_LIST_END.exec(stepOutput(steps, label))![2]);
    assert.match(stepOutput(steps, 'work'), /relocs module: 14 relocation checks, failed mask 0x0/);
    assert.match(stepOutput(steps, 'work'), /disk: sector 1 says/);
    assert.ok(free('count before') > 30000, 'most of 128 MiB is free');
    assert.equal(free('count after'), free('count before'));
  });
});
