// Kernel awareness through gdb-multiarch (GDB/MI) on our stub serving the teaching kernel, as a
// user drives it: tasks as threads, the deadlock lesson's stuck tasks unwound into their user
// frames, the monitor's ps / sysrq t / deadlock / modules / harts, threads shown as harts again,
// a breakpoint in the hello module set before insmod that binds on load and is hit, again after
// rmmod and a second insmod at another address, modules as shared libraries, and stepping a
// sleeping task. Oracles: the kernel's own `ps` and console output, and line numbers found in
// the guest's sources.
import { strict as assert } from 'node:assert';
import { GdbMi } from '../support/gdb-mi';
import { PROMPT } from '../guest/support/console-session';
import { awareGuest, guestLine, type AwareGuest } from './support/aware-guest';

describe('gdbstub: kernel awareness under gdb-multiarch (teaching kernel)', function () {
  this.timeout(120_000);
  let g: AwareGuest;
  let gdb: GdbMi;
  /** The kernel's own ps, typed before gdb attached: pid -> [name, state]. */
  const kernelPs = new Map<number, [string, string]>();
  let workers: number[] = [];

  before(async () => {
    g = await awareGuest(2);
    const out = await g.console.run('deadlock', 'deadlock &\n', /both are stuck for good[^\n]*\n/, 30_000);
    workers = [...out.matchAll(/pid (\d+) holds/g)].map((m) => Number(m[1]));
    const ps = await g.console.run('ps', 'ps\n');
    for (const m of ps.matchAll(/^\s*(\d+)\s+\d+\s+(\w+)\s+(\S+)/gm)) if (m[3] !== 'ps') kernelPs.set(Number(m[1]), [m[3], m[2]]);
    gdb = await GdbMi.start({ file: g.build.kernel, timeoutMs: 60_000 });
    await gdb.command('-gdb-set mi-async on');
    gdb.clearStops();
    await gdb.command(`-target-select remote ${g.remote}`);
    await gdb.waitForStop();
  });

  after(async () => {
    await gdb?.close();
    await g?.close();
  });

  /** `thread N` takes gdb's own thread number: the one whose target id is `Thread PID`. */
  async function gdbThread(pid: number): Promise<string> {
    const threads: Array<{ id: string; 'target-id': string }> = (await gdb.command('-thread-info')).data.threads;
    const t = threads.find((x) => x['target-id'] === `Thread ${pid}`);
    assert.ok(t, `no thread for pid ${pid}: ${JSON.stringify(threads)}`);
    return t.id;
  }

  it('info threads lists every task with its pid, name and state (qXfer:threads, qThreadExtraInfo)', async () => {
    const text = await gdb.console('info threads');
    assert.equal(workers.length, 2, 'the deadlock lesson names its two workers');
    assert.ok(kernelPs.size >= 4, JSON.stringify([...kernelPs]));
    for (const [pid, [name, state]] of kernelPs) {
      assert.match(text, new RegExp(`Thread ${pid} "${name}" \\(pid ${pid}, ${state}[,)]`), `pid ${pid} in\n${text}`);
    }
    assert.match(text, /Thread \d+ "idle" \(pid 0, (running on hart 0|idle)/);
    for (const w of workers) assert.match(text, new RegExp(`Thread ${w} "deadlock" \\(pid ${w}, sleeping, account[01] \\(&accounts\\[[01]\\]\\) held by pid ${workers.find((x) => x !== w)}\\)`));
  });

  it('thread N + bt on each stuck task: lock acquire, sleep, the system call, then the user frame', async () => {
    for (const w of workers) {
      await gdb.console(`thread ${await gdbThread(w)}`);
      const frames = (await gdb.command('-stack-list-frames')).data.stack.map((f: { value: { func: string; addr: string } }) => f.value);
      const names: string[] = frames.map((f: { func: string }) => f.func);
      const at = (fn: string): number => { const i = names.indexOf(fn); assert.ok(i >= 0, `${fn} missing from ${names.join(' <- ')}`); return i; };
      assert.ok(at('sleep_on') < at('sleeplock_acquire'), names.join(' <- '));
      assert.ok(at('sleeplock_acquire') < at('lesson_transfer'));
      assert.ok(at('lesson_transfer') < at('sys_transfer'));
      assert.ok(at('sys_transfer') < at('syscall_dispatch'));
      assert.ok(at('user_trap') < at('from_user_entry'));
      const user = frames[at('from_user_entry') + 1];
      assert.ok(user, `no frame past the trap entry: ${names.join(' <- ')}`);
      assert.ok(BigInt(user.addr) < 0x4000_0000n, `the frame past the trap is the user program's: ${user.addr}`);
    }
  });

  it('a sleeping task\'s registers: the saved ones, the rest unavailable; its user memory reads through its page table', async () => {
    const w = workers[0];
    await gdb.console(`thread ${await gdbThread(w)}`);
    assert.match(await gdb.console('info registers a0'), /a0\s+<unavailable>/);
    assert.match(await gdb.console('print $pc'), /<schedule\+\d+>/);
    // the worker's user stack pointer, from its trap frame, and the bytes there
    const usp = (await gdb.console(`print/x task_table[${w - 1}].pid == ${w} ? task_table[${w - 1}].user_regs->x[2] : 0`)).replace(/^\$\d+ = /, '').trim();
    assert.match(usp, /^0x3ff[0-9a-f]{4}$/, 'user sp below 0x0400_0000');
    assert.match(await gdb.console(`x/2gx ${usp}`), new RegExp(`^${usp}:\\s+0x[0-9a-f]+\\s+0x[0-9a-f]+`, 'm'));
  });

  it('monitor deadlock names the cycle; ps, sysrq t/w/l/p, harts, help and info answer', async () => {
    const dl = await gdb.console('monitor deadlock');
    const [a, b] = workers;
    assert.match(dl, new RegExp(`deadlock: pid (${a}|${b}) \\(deadlock\\) waits for account[01] held by pid (${a}|${b}) \\(deadlock\\), pid (${a}|${b}) \\(deadlock\\) waits for account[01] held by pid (${a}|${b})`));
    const ps = await gdb.console('monitor ps');
    for (const [pid, [name, state]] of kernelPs) assert.match(ps, new RegExp(`^\\s*${pid}\\s+\\S+\\s+${state}\\s+${name}\\b`, 'm'), ps);
    const sysrq = await gdb.console('monitor sysrq t');
    const block = sysrq.split('\n\n').find((x) => x.startsWith(`pid ${a} (deadlock) sleeping`));
    assert.ok(block, sysrq);
    assert.match(block, /#\d+ 0x[0-9a-f]+ in sleeplock_acquire at \S+sleeplock\.c:\d+/);
    assert.match(block, /#\d+ 0x[0-9a-f]+ in worker at \S+deadlock\.c:\d+ \[user deadlock\]/);
    assert.match(block, /in main at \S+deadlock\.c:\d+ \[user deadlock\]$/m);
    assert.match(await gdb.console('monitor harts'), /^hart 0: [USM]-mode pc 0x[0-9a-f]+/m);
    // the other SysRq keys: a list when none is given, registers per hart, the tasks on harts, blocked tasks
    assert.match(await gdb.console('monitor sysrq'), /usage: sysrq KEY, KEY one of: t \(.*\); l \(.*\); w \(.*\); p \(.*\); b \(.*\); o \(.*\)/);
    const regs = await gdb.console('monitor sysrq p');
    const pc = BigInt(/^hart 0: \S+ pc (0x[0-9a-f]+)/m.exec(await gdb.console('monitor harts'))![1]); // the hart's, not the selected task's
    assert.match(regs, new RegExp(`^hart 0:\n  pc 0x${pc.toString(16)}  `), regs);
    const blocked = await gdb.console('monitor sysrq w');
    assert.match(blocked, new RegExp(`pid ${a} \\(deadlock\\) sleeping`), blocked);
    assert.match(blocked, new RegExp(`pid ${b} \\(deadlock\\) sleeping`), blocked);
    assert.doesNotMatch(await gdb.console('monitor sysrq l'), /\(deadlock\) sleeping/);
    const help = await gdb.console('monitor help');
    for (const c of ['ps', 'sysrq KEY', 'deadlock', 'modules', 'harts', 'threads']) assert.match(help, new RegExp(`^  ${c}\\b`, 'm'), help);
    assert.match(await gdb.console('monitor info'), /kernel awareness: teaching \(Kernel Workbench teaching kernel\), threads are tasks/);
  });

  it('monitor threads harts shows harts as threads again, and tasks come back', async () => {
    assert.match(await gdb.console('monitor threads harts'), /threads are now harts/);
    const harts = await gdb.console('info threads');
    assert.match(harts, /Thread 1 "hart0" \(hart 0 [USM]-mode\)/);
    assert.match(harts, /Thread 2 "hart1" \(hart 1 [USM]-mode\)/);
    assert.doesNotMatch(harts, /deadlock/);
    await gdb.console('monitor threads tasks');
    assert.match(await gdb.console('info threads'), new RegExp(`Thread ${workers[0]} "deadlock"`));
    // the thread gdb had selected went away with the switch: select one again
    await gdb.console(`thread ${await gdbThread(workers[0])}`);
  });

  it('a breakpoint in the hello module set before insmod binds on load and is hit; again after rmmod and insmod elsewhere', async () => {
    const line = guestLine('modules/hello.c', 'times_greeted++');
    await gdb.console('set breakpoint pending on');
    const set = await gdb.console(`break hello.c:${line}`);
    assert.match(set, /pending/);
    assert.match(await gdb.console('info sharedlibrary'), /No shared libraries loaded/);

    // Between hits the breakpoint is disabled rather than stepped over: a step over it may take a
    // pending interrupt first, and the breakpoint would then be hit again at once (the Machine's
    // step takes interrupts; QEMU's masks them).
    const hits: Array<{ addr: string; file: string; line: number }> = [];
    for (let round = 0; round < 2; round++) {
      await gdb.console('enable 1');
      gdb.clearStops();
      await gdb.command('-exec-continue');
      g.console.type('insmod hello.ko\n');
      const s = await gdb.waitForStop();
      assert.equal(s.reason, 'breakpoint-hit', JSON.stringify(s));
      assert.equal(s.frame.func, 'kmod_start');
      hits.push({ addr: s.frame.addr, file: String(s.frame.file), line: Number(s.frame.line) });
      const libs = await gdb.console('info sharedlibrary');
      const row = /^(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+Yes\s+\S*\/build\/modules\/hello\.ko$/m.exec(libs);
      assert.ok(row, libs);
      assert.ok(BigInt(row[1]) <= BigInt(s.frame.addr) && BigInt(s.frame.addr) <= BigInt(row[2]), `the hit lies in the library's range: ${libs}`);
      assert.match(await gdb.console('monitor modules'), /^hello\s+0x[0-9a-f]+\s+\d+\s+\.text=0x[0-9a-f]+/m);
      // the module runs on and prints its greeting; rmmod passes its unload hook without a stop
      await gdb.console('disable 1');
      gdb.clearStops();
      await gdb.command('-exec-continue');
      await g.console.waitFor('hello module: hello, kernel!');
      await g.console.waitFor(PROMPT);
      if (round === 0) {
        await g.console.run('rmmod', 'rmmod hello\n');
        assert.match(g.console.steps[g.console.steps.length - 1].output, /goodbye/);
      }
      await gdb.command('-exec-interrupt');
      await gdb.waitForStop();
    }
    assert.notEqual(hits[0].addr, hits[1].addr, 'the second insmod places the module elsewhere');
    for (const h of hits) assert.deepEqual([h.file.replace(/.*\//, ''), h.line], ['hello.c', line]);
    // gdb was told about each load and unload (library stops it handled by itself)
    const lib = gdb.asyncRecords.filter((r) => r.state === 'library-loaded' || r.state === 'library-unloaded').map((r) => r.state);
    assert.deepEqual(lib, ['library-loaded', 'library-unloaded', 'library-loaded']);
    await gdb.console('delete');
  });

  it('a user breakpoint on the load hook is reported as the user\'s stop and, deleted, leaves the hook in place', async () => {
    const line = guestLine('modules/hello.c', 'times_greeted++');
    const kmodStart = (s: { reason: string; frame: { func: string; line: string } }) => [s.reason, s.frame.func, Number(s.frame.line)];
    await gdb.console('break module_loaded');
    gdb.clearStops();
    await gdb.command('-exec-continue');
    g.console.type('rmmod hello\n'); // its unload hook passes as a library stop gdb handles by itself
    await g.console.waitFor('module hello: unloaded');
    await g.console.waitFor(PROMPT);
    g.console.type('insmod hello.ko\n');
    let s = await gdb.waitForStop();
    assert.deepEqual([s.reason, s.frame.func], ['breakpoint-hit', 'module_loaded'], JSON.stringify(s));
    await gdb.console('delete');
    const bp = (await gdb.command(`-break-insert -f hello.c:${line}`)).data.bkpt.number;
    // gdb learns of this load when it resumes from the hook (a library stop first), then binds
    gdb.clearStops();
    await gdb.command('-exec-continue');
    s = await gdb.waitForStop();
    assert.deepEqual(kmodStart(s), ['breakpoint-hit', 'kmod_start', line], JSON.stringify(s));
    const first = s.frame.addr;
    // the hooks are still in place (the user's breakpoint at one of them is gone, not the hook)
    await gdb.console(`disable ${bp}`);
    gdb.clearStops();
    await gdb.command('-exec-continue');
    await g.console.waitFor('hello module: hello, kernel!');
    await g.console.waitFor(PROMPT);
    g.console.type('rmmod hello\n');
    await g.console.waitFor('module hello: unloaded');
    await g.console.waitFor(PROMPT);
    await gdb.command('-exec-interrupt');
    await gdb.waitForStop();
    await gdb.console(`enable ${bp}`);
    gdb.clearStops();
    await gdb.command('-exec-continue');
    g.console.type('insmod hello.ko\n');
    s = await gdb.waitForStop();
    assert.deepEqual(kmodStart(s), ['breakpoint-hit', 'kmod_start', line], JSON.stringify(s));
    assert.notEqual(s.frame.addr, first);
    await gdb.console('delete');
    gdb.clearStops();
    await gdb.command('-exec-continue');
    await g.console.waitFor('hello module: hello, kernel!');
    await g.console.waitFor(PROMPT);
    await gdb.command('-exec-interrupt');
    await gdb.waitForStop();
  });

  it('stepping a sleeping task runs the machine until it resumes, then steps it once', async () => {
    const sh = [...kernelPs].find(([, [name]]) => name === 'sh')![0];
    await gdb.console(`thread ${await gdbThread(sh)}`);
    const before = BigInt((await gdb.console('print/x $pc')).replace(/^\$\d+ = /, '').trim());
    gdb.clearStops();
    await gdb.command('-exec-step-instruction');
    g.console.type('\n'); // the shell wakes on a line of input
    const s = await gdb.waitForStop();
    assert.match(await gdb.console('info threads'), new RegExp(`\\* \\d+\\s+Thread ${sh} "sh" \\(pid ${sh}, running on hart \\d\\)`));
    const after = BigInt(s.frame.addr);
    // one instruction on: the next one, or the trap vector if an interrupt was pending (the Machine's step takes it)
    assert.ok((after > before && after - before <= 4n) || s.frame.func === 'from_kernel_entry', `one instruction past 0x${before.toString(16)}: 0x${after.toString(16)} ${s.frame.func}`);
  });
});
