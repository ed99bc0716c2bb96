// The crash lesson at the DAP level: exception breakpoint filters chosen with
// setExceptionBreakpoints, `crash` typed into the console. With the S-mode page fault filter the
// stop comes at the faulting instruction with lesson_peek on top, exceptionInfo decoding scause
// (load page fault) and stval 0x10; continuing stops on the panic filter with the kernel's panic
// message, and the panic's stack reaches the faulting function through the kernel's trap frame.
// With the panic filter alone the first stop is the panic. Oracles: the kernel's own panic line
// (printed once it runs on), the sources, gdb-multiarch on the adapter's gdb port.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { buildGuestKernel } from '../../guest/support/build';
import { GdbMi } from '../../support/gdb-mi';
import { Dap, plainName } from '../support/dap';
import { assertPanicStack } from '../support/lessons';
import { GUEST, lineOf } from '../control/support/sources';

describe('debug adapter workflow: the crash lesson', function () {
  this.timeout(120_000);
  let kernel: string;
  before(() => { kernel = buildGuestKernel().kernel; });

  describe('with the page fault and panic filters', () => {
    let dap: Dap;
    let gdb: GdbMi | undefined;
    let faultPc: bigint;
    let panicMessage: string;
    before(async () => {
      dap = new Dap();
      await dap.start();
      await dap.launchToShell({ kernel, gdbPort: 0 });
    });
    after(async () => { await gdb?.close(); await dap?.stop(); });

    it('offers the exception filters in the capabilities, and rejects an unknown one by name', async () => {
      const r = await dap.dc.setExceptionBreakpointsRequest({ filters: ['page-fault', 'panic', 'segfault'] });
      assert.deepEqual(r.body?.breakpoints?.map((b) => b.verified), [true, true, false]);
      assert.match(r.body!.breakpoints![2].message ?? '', /exception filter "segfault": expected one of panic, page-fault/);
      await dap.dc.setExceptionBreakpointsRequest({ filters: ['page-fault', 'panic'] });
    });

    it('stops at the faulting instruction: reason exception, lesson_peek on top, exceptionInfo decodes scause and stval', async () => {
      await dap.type('crash\n');
      const s = await dap.nextStop();
      assert.equal(s.reason, 'exception');
      assert.equal(s.text, 'Load page fault');
      const thread = (await dap.threads()).find((t) => t.id === s.threadId);
      assert.match(thread?.name ?? '', /^pid \d+ crash \(running on hart \d\)$/, 'the crashing task is the stopped thread');
      const onHart = (await dap.threads()).filter((t) => t.name.endsWith(`(running on hart ${/hart (\d)/.exec(thread!.name)![1]})`));
      assert.deepEqual(onHart.map((t) => t.id), [s.threadId], 'one thread runs on that hart (its idle task is idle)');
      const frames = await dap.frames(s.threadId!);
      const top = frames[0];
      assert.equal(plainName(top), 'lesson_peek', 'the faulting function on top');
      assert.match(top.source?.path ?? '', /kernel[\\/]lesson\.c$/);
      assert.equal(top.line, lineOf(top.source!.path!, 'u64 value = *p;'), 'the line that dereferences the user pointer');
      assert.deepEqual(frames.slice(1, 3).map(plainName), ['sys_peek', 'syscall_dispatch']);
      faultPc = BigInt(top.instructionPointerReference!);
      const info = (await dap.dc.exceptionInfoRequest({ threadId: s.threadId! })).body;
      assert.equal(info.exceptionId, 'page-fault');
      assert.equal(info.breakMode, 'always');
      assert.equal(info.description, `Load page fault at 0x10 (stval) in the kernel (S-mode), at pc 0x${faultPc.toString(16)} in lesson_peek`);
      assert.equal(info.details?.typeName, 'Load page fault');
      // the registers say the same: the trap was undone to the faulting instruction
      const groups = await dap.scopeVars(top.id, 'Registers');
      const regs = await dap.vars(groups.find((g) => g.name === 'General')!.variablesReference);
      assert.equal(BigInt(regs.find((r) => r.name === 'pc')!.value.split(' ')[0]), faultPc);
      // gdb on the same machine sees the same pc and function
      gdb = await GdbMi.start({ file: kernel, timeoutMs: 60_000 });
      await gdb.command(`-target-select remote ${dap.gdbAddress()}`);
      const threads: Array<{ id: string; 'target-id': string }> = (await gdb.command('-thread-info')).data.threads;
      const gt = threads.find((x) => x['target-id'] === `Thread ${s.threadId}`);
      assert.ok(gt, `gdb has the crashing task as a thread: ${JSON.stringify(threads)}`);
      await gdb.command(`-thread-select ${gt.id}`);
      // no register-cache flush: the stub's answer to gdb's first '?' expedites the hart's pc now
      // (the faulting instruction run control went back to), not the last stop event's trap vector
      const f0 = (await gdb.command('-stack-info-frame')).data.frame;
      assert.equal(f0.func, 'lesson_peek');
      assert.equal(BigInt(f0.addr), faultPc);
      await gdb.close();
      gdb = undefined;
      await assert.rejects(dap.dc.exceptionInfoRequest({ threadId: 1 }), /did not stop on an exception/);
    });

    it('continuing takes the fault once; the panic filter stops with the kernel\'s message and a stack through the trap to lesson_peek', async () => {
      await dap.dc.continueRequest({ threadId: dap.stops.at(-1)!.threadId! });
      const p = await dap.nextStop();
      assert.equal(p.reason, 'exception');
      assert.equal(p.description, 'Paused on kernel panic');
      const info = (await dap.dc.exceptionInfoRequest({ threadId: p.threadId! })).body;
      assert.equal(info.exceptionId, 'panic');
      panicMessage = info.details!.message!;
      assert.equal(p.text, panicMessage);
      assert.equal(info.description, `Kernel panic: ${panicMessage}`);
      assert.match(panicMessage, new RegExp(`^kernel load page fault at pc 0x${faultPc.toString(16)} \\(lesson_peek\\+0x[0-9a-f]+\\), address 0x10$`));
      assertPanicStack(await dap.frames(p.threadId!), faultPc);
    });

    it('the kernel prints the same message once it runs on', async () => {
      const from = dap.console.length;
      await dap.dc.continueRequest({ threadId: dap.stops.at(-1)!.threadId! });
      await dap.waitConsole(/panic on hart \d+: [^\r\n]*\r?\n/, from);
      const printed = /panic on hart \d+: ([^\r\n]*)\r?\n/.exec(dap.console.slice(from))![1];
      assert.equal(printed, panicMessage);
    });
  });

  describe('with the panic filter alone', () => {
    let dap: Dap;
    before(async () => {
      dap = new Dap();
      await dap.start();
      await dap.launchToShell({ kernel });
    });
    after(async () => { await dap?.stop(); });

    it('the page fault passes; the first stop is the panic, with the message', async () => {
      const r = await dap.dc.setExceptionBreakpointsRequest({ filters: ['panic'] });
      assert.deepEqual(r.body?.breakpoints?.map((b) => b.verified), [true]);
      await dap.type('crash\n');
      const p = await dap.nextStop();
      assert.equal(p.reason, 'exception');
      assert.equal(p.description, 'Paused on kernel panic');
      const info = (await dap.dc.exceptionInfoRequest({ threadId: p.threadId! })).body;
      assert.equal(info.exceptionId, 'panic');
      assert.match(info.details!.message!, /^kernel load page fault at pc 0x[0-9a-f]+ \(lesson_peek\+0x[0-9a-f]+\), address 0x10$/);
      assert.ok(dap.console.includes('peek: reading 0x10 without checking it'));
      const names = (await dap.frames(p.threadId!)).map(plainName);
      assert.equal(names[0], 'panic_at');
      assert.ok(names.includes('lesson_peek'), names.join(' <- '));
    });
  });
  describe('in a module: insmod buggy.ko; cat buggy', () => {
    let dap: Dap;
    before(async () => {
      dap = new Dap();
      await dap.start();
      await dap.launchToShell({ kernel });
    });
    after(async () => { await dap?.stop(); });

    it('stops at the faulting instruction in the module, its function on top, its callers below (unwound with the module\'s CFI)', async () => {
      await dap.dc.setExceptionBreakpointsRequest({ filters: ['page-fault', 'panic'] });
      const from = dap.console.length;
      await dap.type('insmod buggy.ko\n');
      await dap.waitConsole(/device 'buggy' ready/, from);
      await dap.waitConsole('$ ', from);
      await dap.type('cat buggy\n');
      const s = await dap.nextStop();
      assert.equal(s.reason, 'exception');
      assert.equal(s.text, 'Load page fault', 'reads++ loads first');
      const buggy = join(GUEST, 'modules', 'buggy.c');
      const frames = await dap.frames(s.threadId!);
      const names = frames.map(plainName);
      assert.deepEqual(names.slice(0, 2), ['buggy_format_record', 'buggy_read'], names.join(' <- '));
      assert.equal(frames[0].source?.path, buggy);
      assert.ok([lineOf(buggy, 'buggy_current_record->reads++;')].includes(frames[0].line), `line ${frames[0].line}`);
      assert.equal(frames[1].source?.path, buggy);
      assert.equal(frames[1].line, lineOf(buggy, 'return (i64)buggy_format_record(buf, len);'));
      const mod = (await dap.dc.modulesRequest({})).body.modules.find((m) => m.name === 'buggy');
      assert.equal(frames[0].moduleId, mod?.id);
      assert.ok(names.includes('sys_read') && names.indexOf('sys_read') > 1, `the kernel's callers below the module: ${names.join(' <- ')}`);
      const label = frames.findIndex((f) => f.presentationHint === 'label');
      assert.match(frames[label]?.name ?? '', /trap from user mode \(cat\)/, names.join(' <- '));
      const info = (await dap.dc.exceptionInfoRequest({ threadId: s.threadId! })).body;
      assert.match(info.description ?? '', /^Load page fault at 0x8 \(stval\) in the kernel \(S-mode\), at pc 0x[0-9a-f]+ in buggy_format_record \[buggy\]$/);
    });
  });
});
