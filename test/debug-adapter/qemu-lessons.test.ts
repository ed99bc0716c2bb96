// The deadlock and crash lessons with the debug adapter attached to qemu-system-riscv64's own
// gdb stub (the QEMU oracle tests' machine: -machine virt -bios none -m 128M, console on stdio,
// -S and -gdb on a free port), asserting what test/debug-adapter/workflow/deadlock.test.ts and
// crash.test.ts assert on our in-process machine. QEMU's console is its stdio, so the lessons
// are typed there (the adapter's kwb/serialInput belongs to a launched machine). QEMU knows harts
// only: threads, the Task scope and the sleeping workers' stacks come from the adapter's kernel
// awareness reading memory through QEMU's stub. Oracles: the kernel's own console lines (which
// pids hold which account; the panic message it prints once it runs on), the sources, and
// gdb-multiarch on the same QEMU at the page-fault stop: the adapter undoes the trap by writing
// pc, the virtual priv register and sstatus through QEMU's stub (which takes all three), and gdb
// sees the hart at the faulting instruction; a second adapter session attached there runs the
// load again and faults at the same pc. (The sleeping workers are not QEMU threads, so gdb on
// QEMU cannot show their stacks: the in-process test's gdb comparison of them has no QEMU
// counterpart.) Then, as crash.test.ts: the panic filter alone, and a fault in the buggy.ko
// module. One QEMU per describe.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildGuestKernel, type GuestBuild } from '../guest/support/build';
import { QemuPort } from '../guest/support/qemu-port';
import { ConsoleSession, PROMPT } from '../guest/support/console-session';
import { freePort } from '../gdbstub/support/qemu';
import { GdbMi } from '../support/gdb-mi';
import { Dap, plainName } from './support/dap';
import { listening } from './support/listening';
import { assertPanicStack, assertWorkerStack } from './support/lessons';
import { GUEST, lineOf } from './control/support/sources';

/** QEMU waiting at -S with its gdb stub on a free port, its console in a session, and an adapter attached (stopped at entry). */
class AttachedQemu {
  qemu!: QemuPort;
  con!: ConsoleSession;
  dap!: Dap;

  port = 0;
  private kernel = '';

  async start(build: GuestBuild): Promise<void> {
    this.port = await freePort();
    this.kernel = build.kernel;
    this.qemu = new QemuPort({ kernel: build.kernel, smp: 1 }, ['-S', '-gdb', `tcp:127.0.0.1:${this.port}`]);
    this.con = new ConsoleSession(this.qemu, 60_000);
    await listening(this.port, () => this.qemu.errors);
    const stop = await this.attach();
    assert.equal(stop?.body.reason, 'entry');
  }

  /** A new adapter session attaches and stops at once (QEMU is stopped already, or stopped by it). */
  async attach(): Promise<DebugProtocol.StoppedEvent | undefined> {
    this.dap = new Dap();
    await this.dap.start();
    return this.dap.begin('attach', { target: `tcp:127.0.0.1:${this.port}`, kernel: this.kernel, stopOnEntry: true }, true);
  }

  /** Ends the adapter's session without detaching: QEMU keeps the stop (its stub pauses on a lost connection). */
  async leaveStopped(): Promise<void> {
    await this.dap.stop();
  }

  async close(): Promise<void> {
    await this.dap?.stop();
    await this.qemu?.close();
  }
}


describe('debug adapter attached to qemu-system-riscv64: the lessons', function () {
  this.timeout(120_000);
  let build: GuestBuild;
  before(() => { build = buildGuestKernel(); });

  describe('the deadlock lesson', () => {
    const m = new AttachedQemu();
    let workers: Array<{ pid: number; other: number; lock: string; thread: DebugProtocol.Thread }> = [];
    before(async () => { await m.start(build); });
    after(async () => { await m.close(); });

    it('deadlock typed on QEMU\'s console; after pause the two workers are threads sleeping on a lock the other holds', async () => {
      await m.dap.dc.continueRequest({ threadId: 1 });
      await m.con.waitFor(PROMPT, 60_000);
      const out = await m.con.run('deadlock', 'deadlock\n', /both are stuck for good[^\n]*/);
      const said = /pid (\d+) holds account0 and wants account1; pid (\d+) holds account1/.exec(out);
      assert.ok(said, out);
      await m.con.waitFor(PROMPT);
      const stop = await m.dap.pause();
      assert.equal(stop.body.reason, 'pause');
      const threads = await m.dap.threads();
      const [a, b] = [Number(said[1]), Number(said[2])];
      workers = [];
      for (const [pid, other, lock] of [[a, b, 'account1'], [b, a, 'account0']] as const) {
        const t = threads.find((x) => x.name.startsWith(`pid ${pid} deadlock `));
        assert.ok(t, `a thread for worker ${pid}: ${threads.map((x) => x.name).join(' | ')}`);
        assert.equal(t.id, pid, 'a task\'s thread id is its pid');
        assert.match(t.name, /\(sleeping: /, t.name);
        assert.ok(t.name.includes(lock), `${t.name} names the lock it waits for (${lock})`);
        assert.ok(t.name.includes(`pid ${other}`), `${t.name} names the holder (pid ${other})`);
        workers.push({ pid, other, lock, thread: t });
      }
    });

    it('each worker\'s stack, from its saved context: sleep_on <- sleeplock_acquire <- lesson_transfer (the second lock) <- sys_transfer, down to deadlock.c\'s worker', async () => {
      assert.equal(workers.length, 2, 'the workers were found');
      for (const w of workers) {
        const frames = await m.dap.frames(w.thread.id);
        const { label } = assertWorkerStack(frames);
        for (const f of frames.slice(label + 1)) assert.match(f.instructionPointerReference ?? '', /@satp:0x8/, 'user frames read the worker\'s own address space');
      }
    });

    it('the Task scope and evaluate of task_table[...].blocked_on->holder_pid name the other worker', async () => {
      assert.equal(workers.length, 2, 'the workers were found');
      for (const w of workers) {
        const frames = await m.dap.frames(w.thread.id);
        const task = Object.fromEntries((await m.dap.scopeVars(frames[0].id, 'Task')).map((v) => [v.name, v.value]));
        assert.equal(task.pid, String(w.pid));
        assert.equal(task.name, 'deadlock');
        assert.match(task.state, /^sleeping/);
        assert.equal(task.lock, `${w.lock} held by pid ${w.other}`, 'the Task scope names the lock and its holder');
        assert.match(task.wait, new RegExp(`^${w.lock} on &accounts\\[${w.lock.slice(-1)}\\]$`));
        const slot = await slotOf(w.pid, frames[0].id);
        const holder = await m.dap.dc.evaluateRequest({ expression: `task_table[${slot}].blocked_on->holder_pid`, frameId: frames[0].id, context: 'watch' });
        assert.equal(holder.body.result, String(w.other));
        const name = await m.dap.dc.evaluateRequest({ expression: 'l->name', frameId: frames.find((f) => plainName(f) === 'sleeplock_acquire')!.id, context: 'watch' });
        assert.match(name.body.result, new RegExp(`"${w.lock}"$`));
      }
    });

    /** The task_table index of a pid, found through evaluate. */
    async function slotOf(pid: number, frameId: number): Promise<number> {
      for (let i = 0; i < 32; i++) {
        const r = await m.dap.dc.evaluateRequest({ expression: `task_table[${i}].pid`, frameId, context: 'watch' });
        if (r.body.result === String(pid)) return i;
      }
      return assert.fail(`no task_table slot with pid ${pid}`);
    }
  });

  describe('the crash lesson, with the page fault and panic filters', () => {
    const m = new AttachedQemu();
    let faultPc: bigint;
    let panicMessage: string;
    before(async () => { await m.start(build); });
    after(async () => { await m.close(); });

    it('the exception filters are taken while QEMU is stopped; an unknown one is rejected by name', async () => {
      const r = await m.dap.dc.setExceptionBreakpointsRequest({ filters: ['page-fault', 'panic', 'segfault'] });
      assert.deepEqual(r.body?.breakpoints?.map((b) => b.verified), [true, true, false]);
      assert.match(r.body!.breakpoints![2].message ?? '', /exception filter "segfault": expected one of panic, page-fault/);
      const ok = await m.dap.dc.setExceptionBreakpointsRequest({ filters: ['page-fault', 'panic'] });
      assert.deepEqual(ok.body?.breakpoints?.map((b) => b.verified), [true, true]);
    });

    it('crash typed on QEMU\'s console stops at the faulting instruction: reason exception, lesson_peek on top, exceptionInfo decodes scause and stval', async () => {
      await m.dap.dc.continueRequest({ threadId: 1 });
      await m.con.waitFor(PROMPT, 60_000);
      m.con.type('crash\n');
      const s = await m.dap.nextStop(60_000);
      assert.equal(s.reason, 'exception');
      assert.equal(s.text, 'Load page fault');
      assert.match(m.con.all, /peek: reading 0x10 without checking it/);
      const threads = await m.dap.threads();
      const thread = threads.find((t) => t.id === s.threadId);
      assert.match(thread?.name ?? '', /^pid \d+ crash \(running on hart 0\)$/, 'the crashing task is the stopped thread');
      assert.deepEqual(threads.filter((t) => t.name.endsWith('(running on hart 0)')).map((t) => t.id), [s.threadId], 'one thread runs on the hart');
      const frames = await m.dap.frames(s.threadId!);
      const top = frames[0];
      // QEMU's stub writes pc, the virtual priv register and sstatus: the trap is undone, so the
      // faulting function is on top (not the kernel's trap vector)
      assert.equal(plainName(top), 'lesson_peek', `the faulting function on top: ${frames.map(plainName).join(' <- ')}`);
      assert.match(top.source?.path ?? '', /kernel[\\/]lesson\.c$/);
      assert.equal(top.line, lineOf(top.source!.path!, 'u64 value = *p;'), 'the line that dereferences the user pointer');
      assert.deepEqual(frames.slice(1, 3).map(plainName), ['sys_peek', 'syscall_dispatch']);
      faultPc = BigInt(top.instructionPointerReference!);
      const info = (await m.dap.dc.exceptionInfoRequest({ threadId: s.threadId! })).body;
      assert.equal(info.exceptionId, 'page-fault');
      assert.equal(info.breakMode, 'always');
      assert.equal(info.description, `Load page fault at 0x10 (stval) in the kernel (S-mode), at pc 0x${faultPc.toString(16)} in lesson_peek`);
      assert.equal(info.details?.typeName, 'Load page fault');
      // the registers QEMU reports say the same: pc back at the faulting instruction, in S-mode
      const groups = await m.dap.scopeVars(top.id, 'Registers');
      const regs = await m.dap.vars(groups.find((g) => g.name === 'General')!.variablesReference);
      assert.equal(BigInt(regs.find((r) => r.name === 'pc')!.value.split(' ')[0]), faultPc);
      await assert.rejects(m.dap.dc.exceptionInfoRequest({ threadId: 1 }), /did not stop on an exception/);
    });

    it('the undone trap is QEMU\'s own state: gdb-multiarch on the same stop sees the hart at the faulting instruction in lesson_peek, in S-mode', async () => {
      // the adapter leaves QEMU stopped; gdb is the oracle for what QEMU's hart holds (not the adapter's cache)
      await m.leaveStopped();
      const g = await GdbMi.start({ file: build.kernel, timeoutMs: 60_000 });
      try {
        await g.command(`-target-select remote 127.0.0.1:${m.port}`);
        const f0 = (await g.command('-stack-info-frame')).data.frame;
        assert.equal(f0.func, 'lesson_peek');
        assert.equal(BigInt(f0.addr), faultPc);
        const names: string[] = (await g.command('-stack-list-frames 0 2')).data.stack.map((f: { value: { func: string } }) => f.value.func);
        assert.deepEqual(names, ['lesson_peek', 'sys_peek', 'syscall_dispatch']);
        const priv = (await g.command('-data-evaluate-expression $priv')).data.value as string;
        assert.match(priv, /^(1|prv_s)$/, `the hart is back in S-mode: ${priv}`);
        // QEMU's stval still holds the faulting address
        assert.equal(BigInt((await g.command('-data-evaluate-expression $stval')).data.value), 0x10n);
        await g.command('-target-disconnect');
      } finally {
        await g.close();
      }
    });

    it('a new session attached at that stop, with the filters set again: continuing runs the load again and faults at the same pc', async () => {
      const entry = await m.attach();
      assert.ok(entry, 'attached stopped');
      const top = (await m.dap.frames(entry.body.threadId!))[0];
      assert.equal(BigInt(top.instructionPointerReference!), faultPc);
      await m.dap.dc.setExceptionBreakpointsRequest({ filters: ['page-fault', 'panic'] });
      await m.dap.dc.continueRequest({ threadId: entry.body.threadId! });
      const s = await m.dap.nextStop();
      assert.equal(s.reason, 'exception');
      assert.equal(s.text, 'Load page fault');
      const frames = await m.dap.frames(s.threadId!);
      assert.equal(plainName(frames[0]), 'lesson_peek');
      assert.equal(BigInt(frames[0].instructionPointerReference!), faultPc);
      assert.doesNotMatch(m.con.all, /panic on hart/);
    });

    it('continuing takes the fault once; the panic filter stops with the kernel\'s message and a stack through the trap to lesson_peek', async () => {
      await m.dap.dc.continueRequest({ threadId: m.dap.stops.at(-1)!.threadId! });
      const p = await m.dap.nextStop();
      assert.equal(p.reason, 'exception');
      assert.equal(p.description, 'Paused on kernel panic');
      const info = (await m.dap.dc.exceptionInfoRequest({ threadId: p.threadId! })).body;
      assert.equal(info.exceptionId, 'panic');
      panicMessage = info.details!.message!;
      assert.equal(p.text, panicMessage);
      assert.equal(info.description, `Kernel panic: ${panicMessage}`);
      assert.match(panicMessage, new RegExp(`^kernel load page fault at pc 0x${faultPc.toString(16)} \\(lesson_peek\\+0x[0-9a-f]+\\), address 0x10$`));
      assert.doesNotMatch(m.con.all, /panic on hart/, 'stopped before the kernel printed its panic');
      assertPanicStack(await m.dap.frames(p.threadId!), faultPc);
    });

    it('QEMU\'s kernel prints the same message once it runs on', async () => {
      await m.dap.dc.continueRequest({ threadId: m.dap.stops.at(-1)!.threadId! });
      const line = await m.con.waitFor(/panic on hart \d+: [^\r\n]*\r?\n/, 30_000);
      const printed = /panic on hart \d+: ([^\r\n]*)\r?\n/.exec(line)![1];
      assert.equal(printed, panicMessage);
    });
  });

  describe('the crash lesson, with the panic filter alone', () => {
    const m = new AttachedQemu();
    before(async () => { await m.start(build); });
    after(async () => { await m.close(); });

    it('the page fault passes; the first stop is the panic, with the message', async () => {
      const r = await m.dap.dc.setExceptionBreakpointsRequest({ filters: ['panic'] });
      assert.deepEqual(r.body?.breakpoints?.map((b) => b.verified), [true]);
      await m.dap.dc.continueRequest({ threadId: 1 });
      await m.con.waitFor(PROMPT, 60_000);
      m.con.type('crash\n');
      const p = await m.dap.nextStop(60_000);
      assert.equal(p.reason, 'exception');
      assert.equal(p.description, 'Paused on kernel panic');
      const info = (await m.dap.dc.exceptionInfoRequest({ threadId: p.threadId! })).body;
      assert.equal(info.exceptionId, 'panic');
      assert.match(info.details!.message!, /^kernel load page fault at pc 0x[0-9a-f]+ \(lesson_peek\+0x[0-9a-f]+\), address 0x10$/);
      assert.match(m.con.all, /peek: reading 0x10 without checking it/);
      const names = (await m.dap.frames(p.threadId!)).map(plainName);
      assert.equal(names[0], 'panic_at');
      assert.ok(names.includes('lesson_peek'), names.join(' <- '));
    });
  });

  describe('a crash in a module: insmod buggy.ko; cat buggy', () => {
    const m = new AttachedQemu();
    before(async () => { await m.start(build); });
    after(async () => { await m.close(); });

    it('stops at the faulting instruction in the module, its function on top, its callers below (unwound with the module\'s CFI)', async () => {
      await m.dap.dc.setExceptionBreakpointsRequest({ filters: ['page-fault', 'panic'] });
      await m.dap.dc.continueRequest({ threadId: 1 });
      await m.con.waitFor(PROMPT, 60_000);
      await m.con.run('insmod', 'insmod buggy.ko\n', /device 'buggy' ready/);
      await m.con.waitFor('$ ');
      m.con.type('cat buggy\n');
      const s = await m.dap.nextStop(60_000);
      assert.equal(s.reason, 'exception');
      assert.equal(s.text, 'Load page fault', 'reads++ loads first');
      const buggy = join(GUEST, 'modules', 'buggy.c');
      const frames = await m.dap.frames(s.threadId!);
      const names = frames.map(plainName);
      assert.deepEqual(names.slice(0, 2), ['buggy_format_record', 'buggy_read'], names.join(' <- '));
      assert.equal(frames[0].source?.path, buggy);
      assert.equal(frames[0].line, lineOf(buggy, 'buggy_current_record->reads++;'));
      assert.equal(frames[1].source?.path, buggy);
      assert.equal(frames[1].line, lineOf(buggy, 'return (i64)buggy_format_record(buf, len);'));
      const mod = (await m.dap.dc.modulesRequest({})).body.modules.find((x) => x.name === 'buggy');
      assert.equal(frames[0].moduleId, mod?.id);
      assert.ok(names.includes('sys_read') && names.indexOf('sys_read') > 1, `the kernel's callers below the module: ${names.join(' <- ')}`);
      const label = frames.findIndex((f) => f.presentationHint === 'label');
      assert.match(frames[label]?.name ?? '', /trap from user mode \(cat\)/, names.join(' <- '));
      const info = (await m.dap.dc.exceptionInfoRequest({ threadId: s.threadId! })).body;
      assert.match(info.description ?? '', /^Load page fault at 0x8 \(stval\) in the kernel \(S-mode\), at pc 0x[0-9a-f]+ in buggy_format_record \[buggy\]$/);
    });
  });
});
