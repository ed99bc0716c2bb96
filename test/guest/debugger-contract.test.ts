// The debugger contract of guest/README.md, checked with stock gdb-multiarch (over GDB/MI),
// once on QEMU's gdb stub and once on our stub serving our Machine: the module hooks are real
// stopping places, and at them the module's name and sections, the task table and the per-hart
// current task read correctly through DWARF alone; a sleeping task's saved context unwinds.
// Oracles: readelf for the module's allocated sections, the kernel's console for addresses.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { GdbMi } from '../support/gdb-mi';
import { buildGuestKernel } from './support/build';
import { ConsoleSession, PROMPT } from './support/console-session';
import { QemuPort } from './support/qemu-port';
import { linkedSectionBytes } from './support/ld-oracle';
import { MachinePort } from './support/machine-port';
import type { ConsolePort } from './support/console-port';
import { startGdbServer } from '../../gdbstub/server';
import { machineControl } from '../../gdbstub/machine-adapter';

/** A machine stopped at reset with a gdb stub listening, and its console. */
interface Debuggee {
  console: ConsolePort;
  /** host:port for gdb's `target remote`. */
  remote: string;
  close(): Promise<void>;
}

async function qemuDebuggee(kernel: string): Promise<Debuggee> {
  const port = await freePort();
  const qemu = new QemuPort({ kernel, smp: 1 }, ['-S', '-gdb', `tcp:127.0.0.1:${port}`]);
  return { console: qemu, remote: `127.0.0.1:${port}`, close: () => qemu.close() };
}

async function machineDebuggee(kernel: string): Promise<Debuggee> {
  const m = new MachinePort({ kernel, smp: 1 }, true);
  const server = await startGdbServer(m.machine, { listen: 'tcp::0', control: machineControl(m.machine) });
  return {
    console: m,
    remote: server.address.replace(/^tcp:/, ''),
    async close() { await server.close(); await m.close(); },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** SHF_ALLOC sections of an object with non-zero size, in section-header order, per readelf. */
function allocSections(object: string): { name: string; size: number }[] {
  const out = execFileSync('riscv64-unknown-elf-readelf', ['-SW', object], { encoding: 'utf8' });
  const list: { name: string; size: number }[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+(\S*)/.exec(line);
    if (m && m[3].includes('A') && parseInt(m[2], 16) > 0) list.push({ name: m[1], size: parseInt(m[2], 16) });
  }
  return list;
}

/** A C char array's text from gdb's value ("hello", '\000' <repeats 26 times>). */
function cString(value: string): string {
  const m = /^"((?:[^"\\]|\\.)*)"/.exec(value);
  assert.ok(m, `a string value: ${value}`);
  return m[1].split('\\000')[0];                      // C strings end at the first NUL
}

for (const [where, start] of [['QEMU\'s stub', qemuDebuggee], ['our stub on our Machine', machineDebuggee]] as const) {
  describe(`guest debugger contract, read by gdb-multiarch through DWARF (${where})`, function () {
    this.timeout(120_000);
    let target: Debuggee | undefined;
    let gdb: GdbMi | undefined;

    after(async () => {
      await gdb?.close();
      await target?.close();
    });

    it('stops at module_loaded and module_unloading with the module, its sections and the tasks readable', async () => {
      const build = buildGuestKernel();
      target = await start(build.kernel);
      const console = new ConsoleSession(target.console);
      gdb = await GdbMi.start({ file: build.kernel });
      await gdb.command('-gdb-set mi-async on');          // so -exec-interrupt works while it runs
      await gdb.command(`-target-select remote ${target.remote}`);
      await gdb.command('-break-insert module_loaded');
      await gdb.command('-break-insert module_unloading');
      const value = async (expr: string): Promise<string> => (await gdb!.command(`-data-evaluate-expression "${expr}"`)).data.value;

      gdb.clearStops();                                  // the stop reported on connecting
      await gdb.command('-exec-continue');
      await console.waitFor(PROMPT, 60_000);
      console.type('insmod hello.ko\r');
      const stop = await gdb.waitForStop(60_000);
      assert.equal(stop.frame.func, 'module_loaded');

      assert.equal(cString(await value('m->name')), 'hello');
      const expected = allocSections(join(build.moduleDir, 'hello.ko'));
      assert.equal(Number(await value('m->section_count')), expected.length);
      const addrs = new Map<string, bigint>();
      for (let i = 0; i < expected.length; i++) {
        assert.equal(cString(await value(`m->sections[${i}].name`)), expected[i].name, `section ${i}`);
        assert.equal(Number(await value(`m->sections[${i}].size`)), expected[i].size, `size of ${expected[i].name}`);
        addrs.set(expected[i].name, BigInt(await value(`m->sections[${i}].addr`)));
      }
      assert.equal(await value('module_list == m'), '1');

      // the loader's work, byte for byte, against GNU ld linking the same object at the same places
      const placements = expected.map((e) => ({ name: e.name, addr: addrs.get(e.name)! }));
      const linked = linkedSectionBytes(join(build.moduleDir, 'hello.ko'), placements, build.kernel);
      assert.ok(linked.has('.text'));
      for (const [name, bytes] of linked) {
        const mem = await gdb.command(`-data-read-memory-bytes 0x${addrs.get(name)!.toString(16)} ${bytes.length}`);
        assert.equal(mem.data.memory[0].contents, bytes.toString('hex'), `${name} as loaded and relocated`);
      }
      // the task that asked for the load: the current task of hart 0, found through the table
      assert.equal(cString(await value('harts[0].current->name')), 'insmod');
      assert.equal(await value('harts[0].current->state'), 'TASK_RUNNING');
      assert.equal(cString(await value('task_table[0].name')), 'init');
      assert.equal(await value('task_table[0].pid'), '1');

      await gdb.command('-exec-continue');
      const loaded = await console.waitFor(PROMPT);
      const said = /my code is at 0x([0-9a-f]+)/.exec(loaded);
      assert.ok(said, loaded);
      assert.equal(addrs.get('.text'), BigInt('0x' + said[1]), 'the .text address gdb read is where the code runs');

      console.type('rmmod hello\r');
      const stop2 = await gdb.waitForStop(60_000);
      assert.equal(stop2.frame.func, 'module_unloading');
      assert.equal(cString(await value('m->name')), 'hello');
      assert.match(console.all, /hello module: goodbye/, 'kmod_stop ran before the hook');
      assert.doesNotMatch(console.all, /module hello: unloaded/, 'the module is not freed yet');
    });

    it('every C module is loaded and relocated exactly as GNU ld links it at the same addresses', async () => {
      // continues the first test's machine (stopped at module_unloading of hello). relocs.ko is
      // left out on purpose: it carries R_RISCV_ALIGN, which ld honours by deleting nops and
      // our loader, which never relaxes, leaves in place (see kernel/reloc.c); its own checks
      // cover it. Control comes back through breakpoints only (module_load's entry, then
      // module_loaded), and never by continuing from an inserted breakpoint.
      const build = buildGuestKernel();
      const console = new ConsoleSession(target!.console);
      const value = async (expr: string): Promise<string> => (await gdb!.command(`-data-evaluate-expression "${expr}"`)).data.value;
      await gdb!.command('-break-delete');
      await gdb!.command('-break-insert module_load');
      gdb!.clearStops();
      await gdb!.command('-exec-continue');
      for (const mod of ['fortune', 'buggy']) {
        console.type(`insmod ${mod}.ko\r`);
        assert.equal((await gdb!.waitForStop(60_000)).frame.func, 'module_load');
        await gdb!.command('-break-delete');
        await gdb!.command('-break-insert module_loaded');
        gdb!.clearStops();
        await gdb!.command('-exec-continue');
        const stop = await gdb!.waitForStop(60_000);
        assert.equal(stop.frame.func, 'module_loaded');
        assert.equal(cString(await value('m->name')), mod);
        const count = Number(await value('m->section_count'));
        const placements = [];
        for (let i = 0; i < count; i++) {
          placements.push({ name: cString(await value(`m->sections[${i}].name`)), addr: BigInt(await value(`m->sections[${i}].addr`)) });
        }
        const linked = linkedSectionBytes(join(build.moduleDir, `${mod}.ko`), placements, build.kernel);
        assert.ok(linked.size >= 2, `${mod}: sections with contents`);
        for (const [name, bytes] of linked) {
          const mem = await gdb!.command(`-data-read-memory-bytes 0x${placements.find((p) => p.name === name)!.addr.toString(16)} ${bytes.length}`);
          assert.equal(mem.data.memory[0].contents, bytes.toString('hex'), `${mod} ${name} as loaded and relocated`);
        }
        await gdb!.command('-break-delete');
        await gdb!.command('-break-insert module_load');   // for the next insmod
        gdb!.clearStops();
        await gdb!.command('-exec-continue');
        await console.waitFor(PROMPT, 60_000);
      }
      // stop once more (at module_load) so the next test finds the machine stopped
      console.type('insmod hello.ko\r');
      assert.equal((await gdb!.waitForStop(60_000)).frame.func, 'module_load');
    });

    it("a sleeping task's saved context unwinds to where it went to sleep (the deadlock)", async () => {
      // continues the same machine from its stop, and causes the deadlock
      await gdb!.command('-break-delete');
      gdb!.clearStops();
      await gdb!.command('-exec-continue');
      const console = new ConsoleSession(target!.console);
      console.type('\r');
      await console.waitFor(PROMPT);
      console.type('deadlock\r');
      await console.waitFor(/both are stuck for good[^\n]*\n[\s\S]*\$ $/);
      gdb!.clearStops();
      await gdb!.command('-exec-interrupt');
      await gdb!.waitForStop();
      const value = async (expr: string): Promise<string> => (await gdb!.command(`-data-evaluate-expression "${expr}"`)).data.value;

      // find a deadlocked worker in the table, through DWARF names only
      let slot = -1;
      for (let i = 0; i < 32 && slot < 0; i++) {
        if ((await value(`task_table[${i}].state`)) === 'TASK_SLEEPING' && (await value(`task_table[${i}].blocked_on != 0`)) === '1') slot = i;
      }
      assert.ok(slot >= 0, 'a task blocked on a sleeplock');
      const t = `task_table[${slot}]`;
      assert.equal(cString(await value(`${t}.name`)), 'deadlock');
      const holder = await value(`${t}.blocked_on->holder_pid`);
      const holderSlot = await value(`${t}.blocked_on->holder - task_table`);
      assert.equal(await value(`task_table[${holderSlot}].pid`), holder);
      assert.equal(await value(`task_table[${holderSlot}].blocked_on->holder_pid`), await value(`${t}.pid`), 'each holds what the other wants');

      // unwind from the saved context: pc = ra, sp, s0 = frame pointer (and back afterwards)
      const saved = { pc: await value('$pc'), sp: await value('$sp'), s0: await value('$s0') };
      try {
        await gdb!.console(`set var $pc = ${t}.context.ra`);
        await gdb!.console(`set var $sp = ${t}.context.sp`);
        await gdb!.console(`set var $s0 = ${t}.context.s[0]`);
        const frames = (await gdb!.command('-stack-list-frames 0 12')).data.stack;
        const names: string[] = frames.map((f: { value?: { func?: string }; func?: string }) => f.value?.func ?? f.func ?? '?');
        for (const fn of ['schedule', 'sleep_on', 'sleeplock_acquire', 'lesson_transfer', 'syscall_dispatch', 'user_trap']) {
          assert.ok(names.includes(fn), `${fn} in ${names.join(' <- ')}`);
        }
      } finally {
        await gdb!.console(`set var $pc = ${saved.pc.split(' ')[0]}`);
        await gdb!.console(`set var $sp = ${saved.sp.split(' ')[0]}`);
        await gdb!.console(`set var $s0 = ${saved.s0.split(' ')[0]}`);
      }
    });
  });
}
