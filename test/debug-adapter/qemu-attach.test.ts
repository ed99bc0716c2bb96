// The debug adapter attached to qemu-system-riscv64's own gdb stub running the teaching kernel
// (the QEMU oracle tests' machine: -machine virt -bios none -m 128M, console on stdio, -S and
// -gdb on a free port). QEMU knows harts only; with awareness the adapter reads the kernel's
// tasks from memory. One QEMU, handed back and forth: the adapter stops it at a breakpoint,
// leaves it stopped (terminate closes the connection without detaching, and QEMU stays
// paused), gdb-multiarch connects to the very same stop and is the oracle for the stack,
// every frame's locals and arguments, C expressions and memory; gdb disconnects (QEMU still
// paused) and a second adapter session attaches to carry on: the shell's sleeping stack, the
// kernel's own ps against the thread list, stepping in the kernel and from a user program's
// write() through the ecall, a module breakpoint set before insmod, pause and continue, and the
// answers for what an attached QEMU cannot do (serial input, restart).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildGuestKernel, type GuestBuild } from '../guest/support/build';
import { QemuPort } from '../guest/support/qemu-port';
import { ConsoleSession, PROMPT } from '../guest/support/console-session';
import { freePort } from '../gdbstub/support/qemu';
import { GdbMi } from '../support/gdb-mi';
import { Dap, plainName } from './support/dap';
import { listening } from './support/listening';
import { dapEvaluate, dapFrames, dapScopes, gdbFrames, gdbPrint, gdbScopes, row, type FrameRow } from './support/gdb-oracle';
import { GUEST, lineOf } from './control/support/sources';

const CONSOLE_C = join(GUEST, 'kernel', 'console.c');
const SCHED_C = join(GUEST, 'kernel', 'sched.c');
const SYSCALL_C = join(GUEST, 'kernel', 'syscall.c');
const HELLO_KO_C = join(GUEST, 'modules', 'hello.c');
const SYSCALLS_C = join(GUEST, 'user', 'syscalls.c');
const HELLO_C = join(GUEST, 'user', 'hello.c');

describe('debug adapter: attached to qemu-system-riscv64 (teaching kernel), checked against gdb on the same QEMU', function () {
  this.timeout(180_000);
  let build: GuestBuild;
  let qemu: QemuPort;
  let con: ConsoleSession;
  let port: number;
  let dap: Dap | undefined;
  let gdb: GdbMi | undefined;
  /** The adapter's view of the stop at console.c's sleep_on line (the shell reading its first line). */
  let atRead: { frames: DebugProtocol.StackFrame[]; threadId: number; scopes: Array<{ args: Record<string, string>; locals: Record<string, string> }>; values: Record<string, string>; memory: string; memAddr: bigint };
  let gdbAtRead: FrameRow[];
  const readLine = () => lineOf(CONSOLE_C, 'sleep_on(&line_ready, "console input"');
  // evaluated in console_read's frame (frame 0 at the stop), then in the frame of each caller
  const EXPRS = ['n', 'len', 'input.read_pos', 'input.line_end', 'input.buf[0]', 'task_table[1].name', 'task_table[1].state', 'task_table[1].parent->pid',
    '&task_table[1]', 'task_table[1].context', 'harts[0].current->name', 'harts[0].current->pid == 2', 'sizeof(struct task)', '*task_table[0].parent',
    'task_table[1].wait_reason', 'ticks > 0', 'nosuchvar', 'task_table[1].nosuch', 'len * 2 + 1', '(char)input.buf[1]'];

  before(async () => {
    build = buildGuestKernel();
    port = await freePort();
    qemu = new QemuPort({ kernel: build.kernel, smp: 1 }, ['-S', '-gdb', `tcp:127.0.0.1:${port}`]);
    con = new ConsoleSession(qemu, 60_000);
  });

  after(async () => {
    await gdb?.close();
    await dap?.stop();
    await qemu?.close();
  });

  async function attach(stopOnEntry: boolean): Promise<DebugProtocol.StoppedEvent | undefined> {
    await listening(port);
    dap = new Dap();
    await dap.start();
    return dap.begin('attach', { target: `tcp:127.0.0.1:${port}`, kernel: build.kernel, stopOnEntry }, stopOnEntry);
  }

  /** Ends the adapter's session without detaching: QEMU keeps the stop (its stub pauses on a lost connection). */
  async function leaveStopped(): Promise<void> {
    await dap!.stop();
    dap = undefined;
  }

  async function gdbConnect(): Promise<GdbMi> {
    gdb = await GdbMi.start({ file: build.kernel, timeoutMs: 60_000 });
    await gdb.command('-gdb-set mi-async on');
    await gdb.command('-gdb-set charset ASCII'); // bytes past ASCII print as escapes whatever the locale (as ours)
    await gdb.command(`-target-select remote 127.0.0.1:${port}`);
    return gdb;
  }

  /** gdb leaves without detaching (QEMU stays paused where it is). */
  async function gdbLeave(): Promise<void> {
    await gdb!.command('-target-disconnect');
    await gdb!.close();
    gdb = undefined;
  }

  it('attaches to QEMU waiting at -S: the entry stop at the reset vector; before the kernel has tasks, threads are harts', async () => {
    const stop = await attach(true);
    assert.equal(stop?.body.reason, 'entry');
    const threads = await dap!.threads();
    assert.deepEqual(threads.map((t) => t.name), ['hart 0 (no task)']);
    assert.equal((await dap!.frames(threads[0].id))[0].instructionPointerReference, '0x1000');
    const mods = (await dap!.dc.modulesRequest({})).body.modules;
    assert.equal(mods[0].path, build.kernel);
  });

  it('a source breakpoint set before boot is hit when the shell reads its first line: the running shell\'s stack through the trap into sh.c', async () => {
    const line = readLine();
    const [bp] = (await dap!.dc.setBreakpointsRequest({ source: { path: CONSOLE_C }, breakpoints: [{ line }] })).body.breakpoints;
    assert.equal(bp.verified, true, JSON.stringify(bp));
    assert.equal(bp.line, line);
    await dap!.dc.continueRequest({ threadId: 1 });
    const s = await dap!.nextStop(90_000);
    assert.equal(s.reason, 'breakpoint');
    assert.deepEqual(s.hitBreakpointIds, [bp.id]);
    assert.match(con.all, /\$ $/, 'the shell printed its prompt, then read');
    const threads = await dap!.threads();
    const names = threads.map((t) => t.name);
    assert.ok(names.includes('pid 2 sh (running on hart 0)'), names.join('\n'));
    // init has forked sh and is on its way to wait for it (runnable) or waiting already
    assert.ok(names.some((n) => /^pid 1 init \((sleeping: child to exit|runnable)\)$/.test(n)), names.join('\n'));
    assert.equal(s.threadId, 2, 'the stop is reported for the shell (thread id = pid)');
    const frames = await dap!.frames(2);
    assert.equal(plainName(frames[0]), 'console_read');
    assert.equal(frames[0].line, line);
    const label = frames.findIndex((f) => f.presentationHint === 'label');
    assert.ok(label > 0, 'a label row marks the trap from user mode');
    assert.match(frames[label].name, /trap from user mode \(sh\)/);
    const user = frames.slice(label + 1);
    assert.ok(user.some((f) => plainName(f) === 'main' && /user[\\/]sh\.c$/.test(f.source?.path ?? '')), JSON.stringify(user));
    for (const f of user) assert.match(f.instructionPointerReference ?? '', /@satp:0x8/, 'user frames read the process\'s own address space');
    // everything gdb will be asked about at this same stop
    const scopes = [];
    for (const f of frames.slice(0, label)) scopes.push(await dapScopes(dap!, f.id));
    const values: Record<string, string> = {};
    for (const e of EXPRS) values[e] = await dapEvaluate(dap!, e, frames[0].id);
    for (let i = 1; i < label; i++) values[`#${i} r`] = await dapEvaluate(dap!, 'r', frames[i].id);
    const memAddr = BigInt((await dapEvaluate(dap!, '(long)&task_table[1]', frames[0].id)));
    const mem = await dap!.dc.customRequest('readMemory', { memoryReference: `0x${memAddr.toString(16)}`, count: 96 });
    atRead = { frames, threadId: 2, scopes, values, memory: Buffer.from(mem.body.data, 'base64').toString('hex'), memAddr };
  });

  it('gdb-multiarch on the same QEMU stop: the same frames (functions, lines, pcs), locals and arguments, values and memory', async () => {
    await dap!.dc.setBreakpointsRequest({ source: { path: CONSOLE_C }, breakpoints: [] });
    await leaveStopped();
    const g = await gdbConnect();
    try {
      await compareAtRead(g);
    } finally {
      await gdbLeave(); // QEMU takes one debugger at a time: the next session attaches after this
    }
  });

  async function compareAtRead(g: GdbMi): Promise<void> {
    gdbAtRead = await gdbFrames(g);
    const label = atRead.frames.findIndex((f) => f.presentationHint === 'label');
    const ours = dapFrames(atRead.frames.slice(0, label));
    // gdb has no symbols for sh: after the kernel's frames it shows the trap entry and stops
    assert.deepEqual(ours.map(row), gdbAtRead.slice(0, ours.length).map(row));
    assert.deepEqual(ours.map((f) => f.pc), gdbAtRead.slice(0, ours.length).map((f) => f.pc));
    for (const fn of ['console_read', 'sys_read', 'syscall_dispatch', 'user_trap']) assert.ok(ours.some((f) => f.fn === fn), fn);
    let compared = 0;
    for (let i = 0; i < ours.length; i++) {
      const want = await gdbScopes(g, i);
      assert.deepEqual(atRead.scopes[i].args, want.args, `arguments of frame ${i} ${ours[i].fn}`);
      assert.deepEqual(atRead.scopes[i].locals, want.locals, `locals of frame ${i} ${ours[i].fn}`);
      compared += Object.keys(want.args).length + Object.keys(want.locals).length;
    }
    assert.ok(compared >= 5, `compared ${compared} variables`);
    await g.command('-stack-select-frame 0');
    for (const e of EXPRS) assert.equal(atRead.values[e], await gdbPrint(g, e), e);
    for (let i = 1; i < ours.length; i++) {
      await g.command(`-stack-select-frame ${i}`);
      assert.equal(atRead.values[`#${i} r`], await gdbPrint(g, 'r'), `r in frame ${i} ${ours[i].fn}`);
    }
    const theirs = (await g.command(`-data-read-memory-bytes 0x${atRead.memAddr.toString(16)} 96`)).data.memory[0].contents;
    assert.equal(atRead.memory, theirs);
  }

  it('attached again: the shell\'s sleeping stack (from its saved context) continues gdb\'s backtrace at the read', async () => {
    await attach(false);
    await con.waitFor(PROMPT, 30_000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    const p = await dap!.pause();
    assert.equal(p.body.reason, 'pause');
    const threads = await dap!.threads();
    const sh = threads.find((t) => t.id === 2);
    assert.equal(sh?.name, 'pid 2 sh (sleeping: console input)');
    const frames = await dap!.frames(2);
    const label = frames.findIndex((f) => f.presentationHint === 'label');
    const ours = dapFrames(frames.slice(0, label));
    // the saved context returns into schedule() just after switch_to; calls inlined there that
    // begin at that pc are frames of their own (this_hart(), read_tp()), as gdb shows a task that
    // is not the one that stopped
    const k = ours.findIndex((f) => f.fn === 'schedule');
    assert.ok(k >= 0, ours.map(row).join(' <- '));
    for (const f of frames.slice(0, k)) assert.match(f.name, / \[inlined\]$/, `${f.name}: only inlined calls above schedule`);
    const switchLine = lineOf(SCHED_C, 'switch_to(&prev->context, &next->context);');
    assert.deepEqual(ours.slice(k, k + 2).map(row), [`schedule:${switchLine + 1}`, `sleep_on:${sleepOnScheduleLine()}`], ours.map(row).join(' <- '));
    const outer = gdbAtRead.slice(0, ours.length - k - 2);
    assert.deepEqual(ours.slice(k + 2).map(row), outer.map(row));
    // outer frames return to the same places; console_read's pc is now the return from sleep_on
    assert.deepEqual(ours.slice(k + 3).map((f) => f.pc), outer.slice(1).map((f) => f.pc));
    const userNow = frames.slice(label + 1).map((f) => `${plainName(f)}:${f.line}`);
    const userAtRead = atRead.frames.slice(atRead.frames.findIndex((f) => f.presentationHint === 'label') + 1).map((f) => `${plainName(f)}:${f.line}`);
    assert.deepEqual(userNow, userAtRead, 'the same user frames');
  });

  it('threads are the tasks the kernel\'s own ps lists', async () => {
    await dap!.dc.continueRequest({ threadId: 2 });
    const out = await con.run('ps', 'ps\n');
    const rows = [...out.matchAll(/^\s*(\d+)\s+(\d+)\s+(\S+)\s+(\S+)/gm)].map((m) => ({ pid: Number(m[1]), name: m[4] }));
    assert.ok(rows.length >= 3, out);
    await new Promise((r) => setTimeout(r, 200));
    await dap!.pause();
    const threads = await dap!.threads();
    const tasks = threads.filter((t) => /^pid \d+ /.test(t.name)).map((t) => { const m = /^pid (\d+) (\S+)/.exec(t.name)!; return { pid: Number(m[1]), name: m[2] }; });
    // ps itself has exited by now
    assert.deepEqual(tasks.sort((a, b) => a.pid - b.pid), rows.filter((r) => r.name !== 'ps').sort((a, b) => a.pid - b.pid));
    for (const t of threads.filter((x) => /^pid /.test(x.name))) assert.equal(t.id, Number(/^pid (\d+)/.exec(t.name)![1]));
    assert.ok(threads.some((t) => /^idle /.test(t.name)), threads.map((t) => t.name).join('\n'));
    assert.ok(threads.filter((t) => /running on hart 0/.test(t.name)).length <= 1, `one task runs on hart 0: ${threads.map((t) => t.name).join(', ')}`);
  });

  it('steps in the kernel: next over the system call\'s dispatch, stepIn to sys_getpid, stepOut back', async () => {
    const callLine = lineOf(SYSCALL_C, 'r->x[10] = (u64)syscall_table[number](r);');
    const [bp] = (await dap!.dc.setBreakpointsRequest({ source: { path: SYSCALL_C }, breakpoints: [{ line: callLine, condition: 'r->x[17] == 6' }] })).body.breakpoints;
    assert.equal(bp.verified, true, JSON.stringify(bp));
    await dap!.dc.continueRequest({ threadId: 1 });
    con.type('hello\n');
    const s = await dap!.nextStop();
    assert.equal(s.reason, 'breakpoint');
    let f = (await dap!.frames(s.threadId!))[0];
    assert.equal(plainName(f), 'syscall_dispatch');
    assert.equal(f.line, callLine);
    const name = (await dap!.threads()).find((t) => t.id === s.threadId)?.name;
    assert.match(name ?? '', /^pid \d+ hello \(running on hart 0\)$/);
    await dap!.dc.setBreakpointsRequest({ source: { path: SYSCALL_C }, breakpoints: [] });
    await dap!.dc.stepInRequest({ threadId: s.threadId! });
    const i = await dap!.nextStop();
    assert.equal(i.reason, 'step');
    assert.equal(i.threadId, s.threadId, 'the step ends in the task it started in');
    f = (await dap!.frames(i.threadId!))[0];
    assert.equal(plainName(f), 'sys_getpid');
    await dap!.dc.stepOutRequest({ threadId: s.threadId! });
    const o = await dap!.nextStop();
    assert.equal(o.threadId, s.threadId);
    f = (await dap!.frames(o.threadId!))[0];
    assert.equal(plainName(f), 'syscall_dispatch');
    assert.equal(f.line, callLine, 'back in the call line, after the call (as gdb finish)');
    await dap!.dc.nextRequest({ threadId: s.threadId! });
    const n = await dap!.nextStop();
    assert.equal(n.threadId, s.threadId);
    f = (await dap!.frames(n.threadId!))[0];
    assert.equal(plainName(f), 'syscall_dispatch');
    assert.ok(f.line > callLine, `after the call line: ${f.line}`);
    await dap!.dc.continueRequest({ threadId: s.threadId! });
    await con.waitFor(PROMPT);
  });

  it('steps from write() in a user program into the kernel\'s trap handler at the ecall', async () => {
    // a breakpoint in hello's own source waits for a process running hello, then binds
    const mainLine = lineOf(HELLO_C, 'printf("hello from user space');
    await dap!.pause(); // QEMU's stub takes breakpoints only while stopped (see the README)
    const [bp] = (await dap!.dc.setBreakpointsRequest({ source: { path: HELLO_C }, breakpoints: [{ line: mainLine }] })).body.breakpoints;
    assert.equal(bp.verified, false);
    assert.match(bp.message ?? '', /no process runs program hello yet/);
    await dap!.dc.continueRequest({ threadId: 1 });
    con.type('hello\n');
    const s = await dap!.nextStop();
    assert.equal(s.reason, 'breakpoint');
    const name = (await dap!.threads()).find((t) => t.id === s.threadId)?.name ?? '';
    assert.match(name, /^pid \d+ hello \(running on hart 0\)$/);
    let f = (await dap!.frames(s.threadId!))[0];
    assert.equal(plainName(f), 'main');
    assert.equal(f.line, mainLine);
    assert.match(f.instructionPointerReference ?? '', /@satp:0x8/);
    // then the next write() of this process (sh sleeps in wait until hello exits)
    const line = lineOf(SYSCALLS_C, 'long write(int fd');
    await dap!.dc.setBreakpointsRequest({ source: { path: HELLO_C }, breakpoints: [] });
    await dap!.dc.setBreakpointsRequest({ source: { path: SYSCALLS_C }, breakpoints: [{ line }] });
    await dap!.dc.continueRequest({ threadId: s.threadId! });
    const w = await dap!.nextStop();
    assert.equal(w.threadId, s.threadId);
    f = (await dap!.frames(w.threadId!))[0];
    assert.equal(plainName(f), 'write');
    assert.equal(f.line, line);
    await dap!.dc.setBreakpointsRequest({ source: { path: SYSCALLS_C }, breakpoints: [] });
    for (let k = 0; k < 8 && plainName(f) !== 'from_user_entry'; k++) {
      await dap!.dc.stepInRequest({ threadId: s.threadId! });
      const t = await dap!.nextStop();
      assert.equal(t.threadId, s.threadId, 'each step ends in the task it started in');
      f = (await dap!.frames(t.threadId!))[0];
    }
    assert.equal(plainName(f), 'from_user_entry', 'stepIn on the ecall enters the kernel\'s trap vector');
    assert.doesNotMatch(f.instructionPointerReference ?? '', /@satp/);
    await dap!.dc.continueRequest({ threadId: s.threadId! });
    await con.waitFor(PROMPT);
  });

  it('a module breakpoint set before insmod binds at the load and is hit; after rmmod a second insmod hits it again', async () => {
    const line = lineOf(HELLO_KO_C, 'times_greeted++;');
    await dap!.pause();
    const [bp] = (await dap!.dc.setBreakpointsRequest({ source: { path: HELLO_KO_C }, breakpoints: [{ line }] })).body.breakpoints;
    assert.equal(bp.verified, false);
    assert.match(bp.message ?? '', /not loaded/);
    const events = dap!.breakpointEvents.length;
    await dap!.dc.continueRequest({ threadId: 1 });
    con.type('insmod hello.ko\n');
    const s = await dap!.nextStop();
    assert.equal(s.reason, 'breakpoint');
    const f = (await dap!.frames(s.threadId!))[0];
    assert.equal(plainName(f), 'kmod_start');
    assert.equal(f.line, line);
    assert.match(f.source?.path ?? '', /modules[\\/]hello\.c$/);
    assert.ok(!/hello, kernel/.test(con.all), 'stopped before kmod_start printed');
    const bound = dap!.breakpointEvents.slice(events).filter((e) => e.breakpoint.id === bp.id);
    assert.equal(bound.at(-1)?.breakpoint.verified, true);
    const firstPc = BigInt(f.instructionPointerReference!);
    await dap!.dc.continueRequest({ threadId: s.threadId! });
    const at = BigInt(/my code is at (0x[0-9a-f]+)/.exec(await con.waitFor(/my code is at 0x[0-9a-f]+(?=\r?\n)/))![1]);
    assert.ok(firstPc >= at && firstPc < at + 0x100n, `the hit 0x${firstPc.toString(16)} lies in kmod_start at 0x${at.toString(16)}`);
    await con.waitFor(PROMPT);
    await con.run('rmmod', 'rmmod hello\n');
    con.type('insmod hello.ko\n');
    const s2 = await dap!.nextStop();
    const f2 = (await dap!.frames(s2.threadId!))[0];
    assert.equal(f2.line, line);
    assert.equal(plainName(f2), 'kmod_start');
    await dap!.dc.setBreakpointsRequest({ source: { path: HELLO_KO_C }, breakpoints: [] });
    await dap!.dc.continueRequest({ threadId: s2.threadId! });
    await con.waitFor(PROMPT);
  });

  it('a data breakpoint (QEMU\'s watchpoint, Z2) stops at the write of ticks in timer_interrupt', async () => {
    await dap!.pause();
    const info = (await dap!.dc.customRequest('dataBreakpointInfo', { name: 'ticks' })).body;
    assert.ok(info.dataId, JSON.stringify(info));
    const [bp] = (await dap!.dc.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId, accessType: 'write' }] })).body.breakpoints;
    assert.equal(bp.verified, true, JSON.stringify(bp));
    await dap!.dc.continueRequest({ threadId: 1 });
    const s = await dap!.nextStop();
    assert.equal(s.reason, 'data breakpoint');
    const f = (await dap!.frames(s.threadId!))[0];
    assert.equal(plainName(f), 'timer_interrupt');
    await dap!.dc.customRequest('setDataBreakpoints', { breakpoints: [] });
    await dap!.dc.continueRequest({ threadId: 1 });
  });

  it('a function breakpoint, pause and continue; what an attached QEMU cannot do is answered, not crashed', async () => {
    await dap!.pause();
    const [bp] = (await dap!.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sys_uptime' }] })).body.breakpoints;
    assert.equal(bp.verified, true);
    await dap!.dc.continueRequest({ threadId: 1 });
    con.type('uptime\n');
    const s = await dap!.nextStop();
    assert.equal(s.reason, 'function breakpoint');
    assert.equal(plainName((await dap!.frames(s.threadId!))[0]), 'sys_uptime');
    await dap!.dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    assert.match(await dap!.failing('kwb/serialInput', { text: 'x' }), /serial console belongs to the machine of a launch/);
    assert.match(await dap!.failing('restart', {}), /cannot be restarted from here/);
    await dap!.dc.continueRequest({ threadId: s.threadId! });
    await con.waitFor(PROMPT);
    const p = await dap!.pause();
    assert.equal(p.body.reason, 'pause');
    await dap!.dc.continueRequest({ threadId: 1 });
    // disconnect detaches: QEMU runs on and its shell still answers
    await dap!.dc.disconnectRequest({});
    await dap!.dc.stop();
    dap = undefined;
    const out = await con.run('uptime', 'uptime\n');
    assert.match(out, /\d/);
  });
});

function sleepOnScheduleLine(): number {
  // the line of sleep_on's own call to schedule() (the first "schedule();" after "void sleep_on(")
  const src = readFileSync(SCHED_C, 'utf8').split('\n');
  const start = src.findIndex((l) => l.startsWith('void sleep_on('));
  const i = src.findIndex((l, k) => k > start && l.trim() === 'schedule();');
  return i + 1;
}
