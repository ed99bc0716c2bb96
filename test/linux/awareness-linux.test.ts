// Kernel awareness on Linux 6.1 (the test input of test/linux/build.sh), through the API over
// our RSP client, on QEMU and on our machine: the tasks and modules must be exactly those that
// Linux's own gdb helpers (lx-ps, lx-lsmod, run by gdb-multiarch on the same stop) print, with
// states, saved stacks and module sections checked against /proc-style facts of our init and
// readelf; the module hook catches a reload at its new address.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KernelAwareness, IDLE_TID_BASE, type ModuleInfo, type TaskInfo } from '../../awareness';
import { RemoteTarget } from '../../gdbstub/client/remote-target';
import type { StopEvent } from '../../emulator/target';
import { SymbolFile } from '../../symbols';
import { CACHE_DIR } from '../support/toolchain';
import { buildLinux, LINUX_BUILD_TIMEOUT_MS, type LinuxBuild } from './support/linux-build';
import { bootLinuxKwb, bootLinuxQemu, bootToPrompt, INIT_CHILDREN, LinuxGdb, runInit, type LinuxMachine, type LinuxModule, type LinuxTask } from './support/qemu-linux';

/**
 * Non-empty SHF_ALLOC sections of an object in header order (readelf -S), less the two that
 * Linux's loader reads but does not keep (it clears SHF_ALLOC on .modinfo and __versions).
 */
function allocSections(obj: string): string[] {
  const out = execFileSync('riscv64-unknown-elf-readelf', ['-SW', obj], { encoding: 'utf8' });
  const names: string[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+(\S*)/.exec(line);
    if (m && m[3].includes('A') && parseInt(m[2], 16) > 0 && m[1] !== '.modinfo' && m[1] !== '__versions') names.push(m[1]);
  }
  return names;
}

const load = (p: string): Uint8Array => new Uint8Array(readFileSync(p));
let vmlinux: SymbolFile | undefined;

async function awarenessOn(build: LinuxBuild, port: number, root: string): Promise<{ rt: RemoteTarget; aw: KernelAwareness }> {
  const rt = await RemoteTarget.connect({ host: '127.0.0.1', port });
  if (rt.state() === 'running') await rt.pause();
  vmlinux ??= SymbolFile.open(load(build.vmlinux), { name: build.vmlinux });
  const det = KernelAwareness.open(vmlinux, rt, { programRoot: root, loadFile: load });
  assert.ok(det.ok, det.ok ? '' : det.reason);
  assert.equal(det.awareness.profile.id, 'linux');
  return { rt, aw: det.awareness };
}

const taskKey = (addr: bigint | string, pid: number, comm: string): string => `${BigInt(addr).toString(16)} ${pid} ${comm}`;

/**
 * Our task list against lx-ps's. lx-ps runs in gdb before our client connects (one debugger at a
 * time), and the kernel runs in between, so a kworker may be born or die there: such a
 * difference must show in a second lx-ps (`again`, run only when needed), never be ours alone.
 */
async function compareWithLxPs(ours: TaskInfo[], lx: LinuxTask[], harts: number, again: () => Promise<LinuxTask[]>): Promise<void> {
  const mine = new Set(ours.map((t) => taskKey(t.address, t.pid, t.name)));
  const first = new Set(lx.map((t) => taskKey(t.task, t.pid, t.comm)));
  const missing = [...first].filter((k) => !mine.has(k));
  // what we list beyond lx-ps: the other harts' idle tasks (lx-ps walks init_task's list only)
  const extra = ours.filter((t) => !first.has(taskKey(t.address, t.pid, t.name)) && !(t.pid === 0 && /^swapper\/\d+$/.test(t.name) && t.tid >= IDLE_TID_BASE));
  if (missing.length || extra.length) {
    const second = new Set((await again()).map((t) => taskKey(t.task, t.pid, t.comm)));
    for (const k of missing) assert.ok(!second.has(k), `lx-ps's ${k} is missing from awareness, and still there in a second lx-ps`);
    for (const t of extra) assert.ok(second.has(taskKey(t.address, t.pid, t.name)) && /^kworker\//.test(t.name), `awareness lists ${t.pid} ${t.name}, which neither lx-ps shows`);
  }
  assert.equal(ours.filter((t) => t.pid === 0).length, harts, 'one idle task per hart');
}

function compareWithLxLsmod(ours: ModuleInfo[], lx: LinuxModule[]): void {
  assert.deepEqual(ours.map((m) => [m.name, m.base, Number(m.size)]).sort(), lx.map((m) => [m.name, BigInt(m.address), m.size]).sort());
}

for (const where of ['qemu', 'kwb'] as const) {
  describe(`awareness: Linux 6.1 on ${where === 'qemu' ? 'qemu-system-riscv64' : 'our machine'}, through our RSP client, against lx-ps and lx-lsmod`, function () {
    this.timeout(180_000);
    let build: LinuxBuild;
    let machine: LinuxMachine | undefined;
    let rt: RemoteTarget | undefined;
    let aw: KernelAwareness;
    let lxTasks: LinuxTask[];
    let lxMods: LinuxModule[];
    let tasks: TaskInfo[];
    const root = join(CACHE_DIR, 'linux-root');

    before(async function () {
      this.timeout(LINUX_BUILD_TIMEOUT_MS);
      build = buildLinux();
      mkdirSync(root, { recursive: true });
      copyFileSync(build.init, join(root, 'init')); // the guest's /init, for user frames
      machine = where === 'qemu' ? await bootLinuxQemu(build, { smp: 2 }) : await bootLinuxKwb(build, { smp: 2 });
      await bootToPrompt(machine, 120_000);
      assert.match(await runInit(machine, 'insmod', 60_000), /insmod: ok/);
      // the oracle first: Linux's own helpers in gdb-multiarch; gdb detaches when it quits
      const gdb = await LinuxGdb.attach({ build, port: machine.gdbPort! });
      try {
        await gdb.interrupt().catch(() => undefined);
        lxTasks = await gdb.lxPs();
        lxMods = await gdb.lxLsmod();
      } finally { await gdb.close(); }
      ({ rt, aw } = await awarenessOn(build, machine.gdbPort!, root));
      tasks = await aw.tasks();
    });

    after(async () => {
      await rt?.close(true).catch(() => undefined);
      await machine?.close();
    });

    it('lists exactly the tasks lx-ps lists (address, pid, comm), plus each other hart\'s idle task', async () => {
      assert.ok(lxTasks.length >= 10, `lx-ps printed ${lxTasks.length} tasks`);
      await compareWithLxPs(tasks, lxTasks, 2, async () => {
        // hand the stub back to gdb for a second look, then take it again
        await rt!.close(true);
        const gdb = await LinuxGdb.attach({ build, port: machine!.gdbPort! });
        try { await gdb.interrupt().catch(() => undefined); return await gdb.lxPs(); } finally {
          await gdb.close();
          ({ rt, aw } = await awarenessOn(build, machine!.gdbPort!, root));
          tasks = await aw.tasks();
        }
      });
      assert.deepEqual(aw.warnings.list, []);
    });

    it('runs Linux in Sv57, as QEMU does (satp MODE 10 on every hart)', async () => {
      for (let h = 0; h < 2; h++) assert.equal((await rt!.readRegister(h, 65 + 0x180)) >> 60n, 10n, `hart ${h}`);
    });

    it('gives our init\'s parked children the states /proc would', () => {
      const by = (n: string): TaskInfo => { const t = tasks.find((x) => x.name === n); assert.ok(t, n); return t; };
      assert.deepEqual(INIT_CHILDREN.map((n) => [n, by(n).stateText]), [['kwb-pipe', 'S'], ['kwb-sleep', 'S'], ['kwb-stopped', 'T'], ['kwb-zombie', 'Z']]);
      assert.equal(by('kwb-pipe').waitText, 'pipe_read');
      assert.equal(by('kwb-sleep').waitText, 'hrtimer_nanosleep');
      for (const n of INIT_CHILDREN) assert.equal(by(n).parentPid, 1);
      assert.equal(by('kthreadd').kernelThread, true);
      assert.equal(by('kwb-pipe').kernelThread, false);
    });

    it('unwinds a sleeping process from __schedule through the system call into our init\'s source', async () => {
      const t = tasks.find((x) => x.name === 'kwb-pipe')!;
      const bt = await aw.backtrace(t);
      const fns = bt.map((f) => f.function);
      for (const fn of ['__schedule', 'pipe_read', 'vfs_read', 'ksys_read']) assert.ok(fns.includes(fn), `${fn} in ${fns.join(' <- ')}`);
      const user = bt.filter((f) => f.space === 'user');
      assert.ok(user.length >= 2, fns.join(' <- '));
      assert.ok(user.every((f) => f.file === undefined || f.file.endsWith('test/linux/init/init.c')), user.map((f) => f.file).join(', '));
      assert.ok(user.some((f) => f.function === 'start_child'));
    });

    it('lists the module as lx-lsmod does, with every allocated section of the .ko', async () => {
      const mods = await aw.modules();
      compareWithLxLsmod(mods, lxMods);
      const names = mods[0].sections.map((s) => s.name);
      for (const s of allocSections(build.moduleKo)) assert.ok(names.includes(s), `${s} missing from ${names.join(' ')}`);
    });

    it('catches rmmod and insmod at the kernel\'s hooks, and the reloaded module at its new address', async () => {
      const before = (await aw.modules())[0];
      const hooks = aw.moduleHooks();
      const loadHook = hooks.find((h) => h.kind === 'load')!;
      assert.equal(loadHook.symbol, 'do_init_module');
      for (const h of hooks) await rt!.addBreakpoint(h.address);
      /** Types a command and runs until the console shows `done`, noting every hook stop on the way. */
      const runThrough = async (line: string, done: RegExp): Promise<Array<{ kind: string; module?: ModuleInfo; listed: string[] }>> => {
        const events: Array<{ kind: string; module?: ModuleInfo; listed: string[] }> = [];
        let stopped: ((ev: StopEvent) => void) | undefined;
        const sub = rt!.onStop((ev) => stopped?.(ev));
        try {
          if (rt!.state() === 'paused') await rt!.resume();
          machine!.session.type(line + '\n');
          const finished = machine!.session.waitFor(done, 60_000).then(() => undefined);
          for (;;) {
            const ev = await Promise.race([finished, new Promise<StopEvent>((res) => { stopped = res; })]);
            if (!ev) break;
            aw.invalidate();
            const r = ev.reason as { pc: bigint; hart: number };
            const e = await aw.hookEvent(r.pc, r.hart);
            assert.ok(e, `stopped at 0x${r.pc.toString(16)}, not at a hook`);
            events.push({ kind: e.kind, module: e.module, listed: (await aw.modules()).map((m) => m.name) });
            await rt!.resume();
          }
        } finally { sub.dispose(); }
        return events;
      };
      const unloads = await runThrough('rmmod', /rmmod: ok/);
      if (hooks.some((h) => h.kind === 'unload')) {
        assert.ok(unloads.length >= 1 && unloads.every((u) => u.kind === 'unload'), JSON.stringify(unloads.map((u) => u.kind)));
        assert.deepEqual(unloads[0].listed, [], 'a GOING module is no longer listed');
      }
      const loads = await runThrough('insmod', /insmod: ok/);
      assert.deepEqual(loads.map((l) => l.kind), ['load']);
      const e = loads[0];
      assert.equal(e.module?.name, 'kwbdemo');
      assert.ok(e.module!.base > 0n && before.base > 0n);
      for (const s of allocSections(build.moduleKo)) assert.ok(e.module!.sections.some((x) => x.name === s), s);
      await rt!.pause();
      for (const h of hooks) await rt!.removeBreakpoint(h.address);
      aw.invalidate();
      assert.deepEqual((await aw.modules()).map((m) => [m.name, m.base]), [['kwbdemo', e!.module!.base]]);
    });
  });
}
