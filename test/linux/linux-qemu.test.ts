// Linux 6.1 (Debian's linux-source, built by test/linux/build.sh at test time) with our init
// and module: on QEMU, the oracle, looked at through Linux's own gdb helpers (lx-ps,
// lx-lsmod); then the same Image and initramfs on our machine (kwb run --initrd), which must
// reach our init's prompt, load and unload the module and power off with exit status 0.
import { strict as assert } from 'node:assert';
import { buildLinux, LINUX_BUILD_TIMEOUT_MS, type LinuxBuild } from './support/linux-build';
import {
  bootLinuxKwb, bootLinuxQemu, bootToPrompt, INIT_CHILDREN, LinuxGdb, runInit, type LinuxMachine, type LinuxTask,
} from './support/qemu-linux';

/** Our init's "kwb-init: child NAME pid N" lines. */
function childPids(consoleText: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of consoleText.matchAll(/kwb-init: child (\S+) pid (\d+)/g)) m.set(x[1], Number(x[2]));
  return m;
}

/** Our init's `ps`: "  PID S NAME" lines. */
function initPs(text: string): { pid: number; state: string; name: string }[] {
  const rows: { pid: number; state: string; name: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+) (\S) (.*)$/.exec(line.trimEnd());
    if (m) rows.push({ pid: Number(m[1]), state: m[2], name: m[3] });
  }
  return rows;
}

describe('linux: Linux 6.1 with our init and module on QEMU, seen by lx-ps and lx-lsmod', function () {
  this.timeout(120_000);
  let build: LinuxBuild;
  let machine: LinuxMachine | undefined;
  let gdb: LinuxGdb | undefined;
  let bootText = '';

  before(async function () {
    this.timeout(LINUX_BUILD_TIMEOUT_MS);
    build = buildLinux();
    machine = await bootLinuxQemu(build, { smp: 2 });
    bootText = await bootToPrompt(machine, 60_000);
    gdb = await LinuxGdb.attach({ build, port: machine.gdbPort! });
    await gdb.resume(); // attach() leaves the kernel stopped; the tests type into its console
  });

  after(async () => {
    await gdb?.close();
    await machine?.close();
  });

  it('boots to our init: banner, four children, prompt', () => {
    assert.match(bootText, /Linux version 6\.1\./);
    assert.match(bootText, /kwb-init: started/);
    assert.deepEqual([...childPids(bootText).keys()], INIT_CHILDREN);
  });

  it('lx-ps lists the idle task, init, our four children and the kernel threads, as /proc does', async () => {
    // the kernel's own view first (our init reads /proc), then gdb's
    const ps = initPs(await runInit(machine!, 'ps'));
    await gdb!.interrupt();
    let tasks: LinuxTask[];
    try {
      tasks = await gdb!.lxPs();
    } finally {
      await gdb!.resume();
    }
    const byPid = new Map(tasks.map((t) => [t.pid, t]));
    assert.equal(byPid.get(0)?.comm, 'swapper/0');
    assert.equal(byPid.get(1)?.comm, 'init');
    assert.equal(byPid.get(2)?.comm, 'kthreadd');
    for (const t of tasks) assert.match(t.task, /^0xff[0-9a-f]{14}$/, `task address of ${t.comm}`);
    assert.equal(new Set(tasks.map((t) => t.task)).size, tasks.length, 'one task_struct per task');
    for (const [name, pid] of childPids(bootText)) {
      assert.equal(byPid.get(pid)?.comm, name, `pid ${pid} in lx-ps:\n${JSON.stringify(tasks)}`);
    }
    const states = new Map(ps.map((r) => [r.name, r.state]));
    assert.equal(states.get('kwb-stopped'), 'T');
    assert.equal(states.get('kwb-zombie'), 'Z');
    // every task /proc listed that is still there is in lx-ps under the same name (kworkers
    // carry their workqueue in /proc's name: "kworker/0:1-events")
    const kthreads = ps.filter((r) => !r.name.startsWith('kworker/'));
    assert.ok(kthreads.length >= 15, `ps listed ${ps.length} tasks`);
    for (const r of kthreads) assert.equal(byPid.get(r.pid)?.comm, r.name, `pid ${r.pid}`);
    for (const r of ps.filter((x) => x.name.startsWith('kworker/'))) {
      const t = byPid.get(r.pid);
      if (t) assert.ok(r.name.startsWith(t.comm), `${r.name} vs ${t.comm}`);
    }
  });

  it('insmod: the module prints, lx-lsmod lists kwbdemo with an address and size; rmmod: it is gone', async () => {
    const loaded = await runInit(machine!, 'insmod');
    assert.match(loaded, /kwbdemo: loaded/);
    assert.match(loaded, /insmod: ok/);
    await gdb!.interrupt();
    try {
      const mods = await gdb!.lxLsmod();
      const k = mods.find((m) => m.name === 'kwbdemo');
      assert.ok(k, `lx-lsmod: ${JSON.stringify(mods)}`);
      assert.match(k.address, /^0xff[0-9a-f]{14}$/);
      assert.ok(k.size > 0x1000, `size ${k.size}`);
      // the same address as the kernel's list head says, read through gdb's own expression evaluator
      const head = await gdb!.mi.console('print/x ((struct module *)((char *)modules.next - (unsigned long)&((struct module *)0)->list))->core_layout.base');
      assert.match(head, new RegExp(k.address));
    } finally {
      await gdb!.resume();
    }
    const unloaded = await runInit(machine!, 'rmmod');
    assert.match(unloaded, /kwbdemo: unloaded/);
    assert.match(unloaded, /rmmod: ok/);
    await gdb!.interrupt();
    try {
      assert.deepEqual(await gdb!.lxLsmod(), []);
    } finally {
      await gdb!.resume();
    }
  });

  it('poweroff ends QEMU with status 0', async () => {
    await gdb!.close();
    gdb = undefined;
    machine!.port.write('poweroff\n');
    await machine!.session.waitFor('kwb-init: poweroff');
    const { code } = await machine!.exited;
    assert.equal(code, 0, machine!.stderr());
  });
});

describe('linux: the same Linux on our machine (kwb run --initrd)', function () {
  this.timeout(300_000);
  let build: LinuxBuild;
  let machine: LinuxMachine | undefined;

  before(async function () {
    this.timeout(LINUX_BUILD_TIMEOUT_MS);
    build = buildLinux();
    machine = await bootLinuxKwb(build, { smp: 2, gdb: false });
  });

  after(async () => {
    await machine?.close();
  });

  it('reaches our init and its prompt', async () => {
    let text: string;
    try {
      text = await bootToPrompt(machine!, 240_000);
    } catch (e) {
      throw new Error(`${(e as Error).message}\nkwb's stderr: ${machine!.stderr()}`);
    }
    assert.match(text, /kwb-init: started/);
    assert.deepEqual([...childPids(text).keys()], INIT_CHILDREN);
  });

  it('insmod and rmmod work', async () => {
    const loaded = await runInit(machine!, 'insmod', 120_000);
    assert.match(loaded, /kwbdemo: loaded/);
    assert.match(loaded, /insmod: ok/);
    const ps = initPs(await runInit(machine!, 'ps', 120_000));
    for (const name of INIT_CHILDREN) assert.ok(ps.some((r) => r.name === name), `${name} in ps`);
    const unloaded = await runInit(machine!, 'rmmod', 120_000);
    assert.match(unloaded, /kwbdemo: unloaded/);
    assert.match(unloaded, /rmmod: ok/);
  });

  it('poweroff exits kwb with status 0', async () => {
    machine!.port.write('poweroff\n');
    await machine!.session.waitFor('kwb-init: poweroff', 120_000);
    const { code } = await machine!.exited;
    assert.equal(code, 0, machine!.stderr());
  });
});
