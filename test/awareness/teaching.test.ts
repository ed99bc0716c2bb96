// Kernel awareness on the teaching kernel, through the API (no gdb): the machine runs the
// deadlock lesson with a module loaded on two harts and stops; the task list, states, wait
// channels, lock holders, saved stacks into the user programs, the deadlock cycle and the
// module list must be what the kernel itself and the build's files say. Oracles: the kernel's
// own `ps` output on the console, readelf (module sections), nm (hook addresses), the sources.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KernelAwareness, type TaskInfo } from '../../awareness';
import type { StopEvent } from '../../emulator/target';
import { SymbolFile } from '../../symbols';
import { buildGuestKernel, type GuestBuild } from '../guest/support/build';
import { ConsoleSession, PROMPT } from '../guest/support/console-session';
import { MachinePort } from '../guest/support/machine-port';

const load = (p: string): Uint8Array => new Uint8Array(readFileSync(p));

/** The allocated sections with contents of an object, in section-header order (readelf -S): what the kernel's loader places. */
export function allocSections(obj: string): string[] {
  const out = execFileSync('riscv64-unknown-elf-readelf', ['-SW', obj], { encoding: 'utf8' });
  const names: string[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+(\S*)/.exec(line);
    if (m && m[3].includes('A') && parseInt(m[2], 16) > 0) names.push(m[1]);
  }
  return names;
}

export function nmAddress(elf: string, name: string): bigint {
  const out = execFileSync('riscv64-unknown-elf-nm', [elf], { encoding: 'utf8' });
  const m = new RegExp(`^([0-9a-f]+) \\w ${name}$`, 'm').exec(out);
  if (!m) throw new Error(`nm: no ${name} in ${elf}`);
  return BigInt('0x' + m[1]);
}

describe('awareness: the teaching kernel (API, no gdb)', function () {
  this.timeout(120_000);
  let build: GuestBuild;
  let port: MachinePort;
  let session: ConsoleSession;
  let aw: KernelAwareness;
  let tasks: TaskInfo[];
  let psText: string;

  before(async () => {
    build = buildGuestKernel();
    port = new MachinePort({ kernel: build.kernel, smp: 2 });
    session = new ConsoleSession(port);
    await session.waitFor(PROMPT);
    await session.run('deadlock', 'deadlock &\n');
    // both workers have taken their first lock and wait for the other's (a few ticks)
    for (let i = 0; i < 50; i++) {
      psText = await session.run('ps', 'ps\n');
      if ((psText.match(/lock account/g) ?? []).length === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await session.run('insmod', 'insmod hello.ko\n');
    psText = await session.run('ps', 'ps\n');
    await port.machine.pause();
    const det = KernelAwareness.open(SymbolFile.open(load(build.kernel), { name: build.kernel }), port.machine, { kernelPath: build.kernel, loadFile: load });
    assert.ok(det.ok, det.ok ? '' : det.reason);
    aw = det.awareness;
    tasks = await aw.tasks();
  });

  after(async () => { await port?.close(); });

  it('chooses the teaching profile from the symbols', () => {
    assert.equal(aw.profile.id, 'teaching');
  });

  it('lists every task the kernel lists in ps, with the same pid, name and state', () => {
    // ps: "  PID  PPID  STATE     NAME  ..." lines; the shell's own ps task has exited by now
    const rows = psText.split('\n').map((l) => /^\s*(\d+)\s+(\d+)\s+(\w+)\s+(\S+)/.exec(l)).filter((m): m is RegExpExecArray => !!m && m[4] !== 'ps');
    assert.ok(rows.length >= 4, psText);
    for (const [, pid, ppid, state, name] of rows) {
      const t = tasks.find((x) => x.pid === Number(pid));
      assert.ok(t, `pid ${pid} (${name}) missing from ${JSON.stringify(tasks.map((x) => x.pid))}`);
      assert.equal(t.name, name);
      assert.equal(t.parentPid ?? 0, Number(ppid));
      if (state === 'sleeping') assert.equal(t.state, 'sleeping');
    }
    assert.equal(tasks.filter((t) => t.pid === 0).length, 2, 'one idle task per hart');
    assert.ok(tasks.filter((t) => t.pid === 0).every((t) => t.tid >= 0x400000 && t.kernelThread));
  });

  it('says what each sleeping task waits for and who holds its lock', () => {
    const sh = tasks.find((t) => t.name === 'sh')!;
    assert.equal(sh.waitReason, 'console input');
    assert.match(sh.waitText ?? '', /^&\w+/);
    const workers = tasks.filter((t) => t.name === 'deadlock' && t.blockedOn);
    assert.equal(workers.length, 2);
    const [a, b] = workers;
    assert.equal(a.blockedOn!.holderPid, b.pid);
    assert.equal(b.blockedOn!.holderPid, a.pid);
    assert.deepEqual(workers.map((w) => w.blockedOn!.name).sort(), ['account0', 'account1']);
    assert.match(a.waitText!, /^&accounts\[[01]\]/);
  });

  it('finds the deadlock cycle', async () => {
    const cycles = await aw.deadlocks();
    assert.equal(cycles.length, 1);
    assert.deepEqual(cycles[0].tasks.map((t) => t.name), ['deadlock', 'deadlock']);
    assert.deepEqual(cycles[0].locks.map((l) => l.name).sort(), ['account0', 'account1']);
  });

  it('unwinds a stuck task from its switch point through the system call into its user program', async () => {
    const w = tasks.find((t) => t.name === 'deadlock' && t.blockedOn)!;
    const regs = await aw.registers(w);
    assert.equal(regs?.source, 'saved');
    const bt = await aw.backtrace(w);
    const kernel = bt.filter((f) => f.space === 'kernel').map((f) => f.function);
    const user = bt.filter((f) => f.space === 'user');
    const order = ['sleep_on', 'sleeplock_acquire', 'lesson_transfer', 'sys_transfer', 'syscall_dispatch', 'user_trap', 'from_user_entry'];
    let at = -1;
    for (const fn of order) { const i = kernel.indexOf(fn); assert.ok(i > at, `${fn} after ${order[order.indexOf(fn) - 1]} in ${kernel.join(' <- ')}`); at = i; }
    assert.deepEqual(user.map((f) => f.function).slice(-2), ['worker', 'main']);
    assert.equal(user[user.length - 1].program, join(build.userDir, 'deadlock'));
    const src = readFileSync(join(build.userDir, '..', '..', 'user', 'deadlock.c'), 'utf8').split('\n');
    const mainFrame = user[user.length - 1];
    assert.match(src[mainFrame.line! - 1], /worker\(/, 'main\'s frame line calls worker');
  });

  it('runs one task per hart: the one harts[h].current names (an idle task is running only while it is current)', async () => {
    for (let h = 0; h < 2; h++) {
      const on = tasks.filter((t) => t.state === 'running' && t.hart === h);
      assert.ok(on.length <= 1, `hart ${h} runs ${on.map((t) => t.name).join(', ')}`);
    }
    // a task of the table made current on hart 0 (as schedule() does): hart 0's idle task is idle then
    const m = port.machine;
    const sym = SymbolFile.open(load(build.kernel), { name: build.kernel });
    const r = await sym.evaluate('(long)&harts[0].current', undefined, { readMemory: (a, n) => m.readMemory(a, n, { kind: 'physical' }).catch(() => undefined) });
    assert.ok(r.ok, r.ok ? '' : r.text);
    const at = BigInt(r.node.value);
    assert.ok(at >= nmAddress(build.kernel, 'harts'));
    const sh = tasks.find((t) => t.name === 'sh')!;
    const space = { kind: 'physical' as const };
    const saved = await m.readMemory(at, 8, space);
    const shAddr = new Uint8Array(8);
    new DataView(shAddr.buffer).setBigUint64(0, sh.address, true);
    await m.writeMemory(at, shAddr, space);
    try {
      aw.invalidate();
      const now = await aw.tasks();
      const idle0 = now.find((t) => t.tid === 0x400000)!;
      assert.equal(idle0.state, 'idle');
      assert.equal(idle0.hart, undefined);
    } finally {
      await m.writeMemory(at, saved, space);
      aw.invalidate();
    }
  });

  it('gives a running task the registers of its hart', async () => {
    const running = tasks.filter((t) => t.state === 'running');
    assert.ok(running.length >= 1);
    for (const t of running) {
      const r = await aw.registers(t);
      assert.equal(r?.source, 'live');
      assert.equal(r!.pc, await port.machine.readRegister(t.hart!, 32));
      assert.equal(r!.x[2], await port.machine.readRegister(t.hart!, 2));
    }
  });

  it('reads a process\'s user memory through its own page table', async () => {
    const sh = tasks.find((t) => t.name === 'sh')!;
    const prog = await aw.program(sh);
    assert.ok(prog);
    const text = prog.symbols.elf!.sections.find((s) => s.name === '.text')!;
    const want = prog.symbols.elf!.readVirtual(text.addr, 16)!;
    const got = await aw.memory.read(text.addr, 16, aw.addressSpace(sh));
    assert.deepEqual(got, want);
  });

  it('lists the loaded module with every allocated section in section-header order', async () => {
    const mods = await aw.modules();
    assert.deepEqual(mods.map((m) => m.name), ['hello']);
    const want = allocSections(join(build.moduleDir, 'hello.ko'));
    assert.deepEqual(mods[0].sections.map((s) => s.name), want);
    assert.ok(mods[0].sections.every((s) => s.address >= mods[0].base && s.address < mods[0].base + mods[0].size));
    const lsmod = await (async () => { await port.machine.resume(); const out = await session.run('lsmod', 'lsmod\n'); await port.machine.pause(); aw.invalidate(); return out; })();
    assert.match(lsmod, new RegExp(`hello\\s+0x0*${mods[0].base.toString(16)}`));
  });

  it('catches a module load at the kernel\'s hook, before the module starts', async () => {
    const hooks = aw.moduleHooks();
    assert.deepEqual(hooks.map((h) => [h.symbol, h.address]), [['module_loaded', nmAddress(build.kernel, 'module_loaded')], ['module_unloading', nmAddress(build.kernel, 'module_unloading')]]);
    const load = hooks.find((h) => h.kind === 'load')!;
    await port.machine.addBreakpoint(load.address);
    const stopped = new Promise<StopEvent>((res) => { const d = port.machine.onStop((ev) => { d.dispose(); res(ev); }); });
    await port.machine.resume();
    session.type('insmod fortune.ko\n');
    const ev = await stopped;
    await port.machine.removeBreakpoint(load.address);
    assert.equal(ev.reason.kind, 'breakpoint');
    aw.invalidate();
    const e = await aw.hookEvent(load.address, (ev.reason as { hart: number }).hart);
    assert.equal(e?.kind, 'load');
    assert.equal(e?.module?.name, 'fortune');
    assert.deepEqual(e?.module?.sections.map((s) => s.name), allocSections(join(build.moduleDir, 'fortune.ko')));
  });

  it('explains in one line when a kernel matches no profile', () => {
    const det = KernelAwareness.open(SymbolFile.open(load(join(build.userDir, 'hello'))), port.machine);
    assert.equal(det.ok, false);
    assert.match(det.ok ? '' : det.reason, /match no OS profile: teaching \(no [^)]+\).*threads are harts/);
    assert.doesNotMatch(det.ok ? '' : det.reason, /\n/);
    const off = KernelAwareness.open(SymbolFile.open(load(build.kernel)), port.machine, { profile: 'none' });
    assert.equal(off.ok, false);
  });
});
