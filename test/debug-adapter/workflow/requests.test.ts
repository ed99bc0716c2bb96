// The DAP requests the other workflow tests and session.test do not already exercise, each with
// an assertion on a real answer, on one boot of the teaching kernel (launched in the adapter's
// process, driven as VS Code drives it): threads while running, pause and continue (continued
// event), function breakpoints (and one that cannot bind), conditional and hit-count breakpoints,
// log points (output events), instruction breakpoints, a data breakpoint on a kernel global the
// shell writes when a command is typed (dataBreakpointInfo + setDataBreakpoints),
// breakpointLocations, instruction-granularity stepIn/next/stepOut, loadedSources, exceptionInfo
// on a thread that did not stop on an exception. Oracles: the sources (lines by text), nm, the
// instruction bytes (disassemble and readMemory), the shell's own output.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildGuestKernel, type GuestBuild } from '../../guest/support/build';
import { Dap, plainName } from '../support/dap';
import { GUEST, lineOf, nm } from '../control/support/sources';

describe('debug adapter workflow: the remaining requests', function () {
  this.timeout(120_000);
  const syscallC = join(GUEST, 'kernel', 'syscall.c');
  const consoleC = join(GUEST, 'kernel', 'console.c');
  const dispatchLine = lineOf(syscallC, 'r->x[10] = (u64)syscall_table[number](r);');
  let build: GuestBuild;
  let dap: Dap;

  before(async () => {
    build = buildGuestKernel();
    dap = new Dap();
    await dap.start();
    await dap.launchToShell({ kernel: build.kernel, smp: 2 });
  });
  after(async () => { await dap?.stop(); });

  const hex = (v: bigint): string => `0x${v.toString(16)}`;

  /** Types a shell command and waits for the next prompt (no stop expected). */
  async function run(line: string): Promise<string> {
    const from = dap.console.length;
    const stops = dap.stops.length;
    await dap.type(line + '\n');
    await dap.waitConsole(/\n\$ $/, from);
    assert.equal(dap.stops.length, stops, `no stop while '${line}' ran`);
    return dap.console.slice(from);
  }

  /** Continues and waits for the prompt. */
  async function resume(threadId: number): Promise<void> {
    const from = dap.console.length;
    await dap.dc.continueRequest({ threadId });
    await dap.waitConsole(/\n\$ $/, from);
  }

  it('threads while running answer with the last stop\'s threads; pause stops, continue sends a continued event', async () => {
    const running = (await dap.dc.threadsRequest()).body.threads;
    assert.ok(Array.isArray(running), 'threads answers while the machine runs');
    const p = await dap.pause();
    assert.equal(p.body.reason, 'pause');
    assert.equal(p.body.allThreadsStopped, true);
    const stopped = await dap.threads();
    assert.ok(stopped.some((t) => t.name === 'pid 2 sh (sleeping: console input)'), stopped.map((t) => t.name).join(' | '));
    const continued = dap.dc.waitForEvent('continued');
    await dap.dc.continueRequest({ threadId: p.body.threadId! });
    assert.equal(((await continued) as DebugProtocol.ContinuedEvent).body.allThreadsContinued, true);
    const whileRunning = (await dap.dc.threadsRequest()).body.threads;
    assert.deepEqual(whileRunning.map((t) => t.name), stopped.map((t) => t.name), 'the threads of the last stop');
    await assert.rejects(dap.dc.stackTraceRequest({ threadId: 2 }), /running/);
  });

  it('function breakpoints: sys_uptime binds and stops with reason function breakpoint; an unknown name says why', async () => {
    const r = (await dap.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sys_uptime' }, { name: 'no_such_function' }] })).body.breakpoints;
    assert.equal(r[0].verified, true);
    assert.equal(r[0].source?.path, syscallC);
    assert.equal(r[0].line, lineOf(syscallC, 'static i64 sys_uptime('));
    assert.equal(r[1].verified, false);
    assert.match(r[1].message ?? '', /no function no_such_function in the kernel/);
    await dap.type('uptime\n');
    const s = await dap.nextStop();
    assert.equal(s.reason, 'function breakpoint');
    assert.deepEqual(s.hitBreakpointIds, [r[0].id]);
    const top = (await dap.frames(s.threadId!))[0];
    assert.equal(plainName(top), 'sys_uptime');
    assert.equal(BigInt(top.instructionPointerReference!), BigInt(r[0].instructionReference!));
    assert.match((await dap.threads()).find((t) => t.id === s.threadId)?.name ?? '', /^pid \d+ uptime /);
    await dap.dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await resume(s.threadId!);
  });

  it('hitCondition: the second call stops, the first runs through', async () => {
    const [bp] = (await dap.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sys_uptime', hitCondition: '2' }] })).body.breakpoints;
    assert.equal(bp.verified, true);
    const first = await run('uptime');
    assert.match(first, /\d/);
    await dap.type('uptime\n');
    const s = await dap.nextStop();
    assert.equal(s.reason, 'function breakpoint');
    assert.deepEqual(s.hitBreakpointIds, [bp.id]);
    await dap.dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await resume(s.threadId!);
  });

  it('conditions and log points: a log point with {expressions} prints without stopping; a conditional breakpoint stops only when it holds', async () => {
    // every system call passes this line: log only uptime's (8), stop only at getpid (6)
    const logs = dap.outputs.length;
    const [bp] = (await dap.dc.setBreakpointsRequest({ source: { path: syscallC }, breakpoints: [{ line: dispatchLine, condition: 'number == 8', logMessage: 'syscall {number} ({r->x[17]})' }] })).body.breakpoints;
    assert.equal(bp.verified, true);
    assert.equal(bp.line, dispatchLine);
    await run('uptime');
    const logged = dap.outputs.slice(logs).filter((o) => /^syscall /.test(o.output)).map((o) => o.output);
    assert.deepEqual(logged, ['syscall 8 (8)\n'], 'one line for uptime\'s one system call');
    const [cond] = (await dap.dc.setBreakpointsRequest({ source: { path: syscallC }, breakpoints: [{ line: dispatchLine, condition: 'number == 6' }] })).body.breakpoints;
    assert.equal(cond.verified, true);
    await dap.type('hello\n');
    const s = await dap.nextStop();
    assert.equal(s.reason, 'breakpoint');
    assert.deepEqual(s.hitBreakpointIds, [cond.id]);
    const top = (await dap.frames(s.threadId!))[0];
    assert.equal(top.line, dispatchLine);
    assert.equal((await dap.dc.evaluateRequest({ expression: 'number', frameId: top.id, context: 'watch' })).body.result, '6');
    assert.match((await dap.threads()).find((t) => t.id === s.threadId)?.name ?? '', /^pid \d+ hello /);
    // a condition that cannot be evaluated stops and says why (as gdb)
    await dap.dc.setBreakpointsRequest({ source: { path: syscallC }, breakpoints: [{ line: dispatchLine, condition: 'no_such_name == 1' }] });
    const before = dap.outputs.length;
    await dap.dc.continueRequest({ threadId: s.threadId! });
    const e = await dap.nextStop();
    assert.equal(e.reason, 'breakpoint');
    assert.ok(dap.outputs.slice(before).some((o) => /Error in testing condition/.test(o.output) && /no_such_name/.test(o.output)), 'the condition\'s error is shown');
    await dap.dc.setBreakpointsRequest({ source: { path: syscallC }, breakpoints: [] });
    await resume(e.threadId!);
  });

  it('instruction breakpoints stop at their exact address; a bad reference is refused by name', async () => {
    const at = nm(build.kernel, 'sys_uptime');
    const r = (await dap.dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: hex(at - 4n), offset: 4 }, { instructionReference: 'sys_uptime+2' }] })).body.breakpoints as DebugProtocol.Breakpoint[];
    assert.equal(r[0].verified, true);
    assert.equal(BigInt(r[0].instructionReference!), at);
    assert.equal(r[1].verified, false);
    assert.match(r[1].message ?? '', /instructionReference "sys_uptime\+2": expected an address/);
    await dap.type('uptime\n');
    const s = await dap.nextStop();
    assert.equal(s.reason, 'instruction breakpoint');
    const top = (await dap.frames(s.threadId!))[0];
    assert.equal(BigInt(top.instructionPointerReference!), at, 'at the function\'s first instruction (before its prologue)');
    await dap.dc.customRequest('setInstructionBreakpoints', { breakpoints: [] });
    await resume(s.threadId!);
  });

  it('a data breakpoint on a kernel global the shell changes: typing a line writes the console\'s input.line_end', async () => {
    const info = (await dap.dc.customRequest('dataBreakpointInfo', { name: 'input.line_end' })).body as DebugProtocol.DataBreakpointInfoResponse['body'];
    assert.ok(info.dataId, info.description);
    assert.match(info.dataId, /^0x[0-9a-f]+\/8\/input\.line_end$/);
    assert.deepEqual(info.accessTypes, ['write', 'read', 'readWrite']);
    const none = (await dap.dc.customRequest('dataBreakpointInfo', { name: 'no_such_global' })).body as DebugProtocol.DataBreakpointInfoResponse['body'];
    assert.equal(none.dataId, null);
    assert.match(none.description, /no_such_global/);
    const [bp] = (await dap.dc.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId, accessType: 'write' }] })).body.breakpoints as DebugProtocol.Breakpoint[];
    assert.equal(bp.verified, true);
    const count = dap.stops.length;
    const from = dap.console.length;
    await dap.type('uptime');
    await dap.waitConsole('uptime', from);
    await dap.type('\n');
    const s = await dap.nextStop();
    assert.equal(dap.stops.length, count + 1, 'characters typed before Enter did not write line_end');
    assert.equal(s.reason, 'data breakpoint');
    assert.deepEqual(s.hitBreakpointIds, [bp.id]);
    const top = (await dap.frames(s.threadId!))[0];
    assert.equal(plainName(top), 'console_input');
    assert.equal(top.source?.path, consoleC);
    const writes = lineOf(consoleC, 'input.line_end = input.edit_pos;');
    assert.ok(top.line === writes || top.line === writes + 1, `at the line that writes it: ${top.line}`);
    const now = (await dap.dc.evaluateRequest({ expression: 'input.line_end == input.edit_pos', frameId: top.id, context: 'watch' })).body.result;
    assert.equal(now, '1', 'stopped after the write');
    await dap.dc.customRequest('setDataBreakpoints', { breakpoints: [] });
    await resume(s.threadId!);
  });

  it('breakpointLocations lists the lines of a source that have code', async () => {
    const lsmod = join(GUEST, 'user', 'lsmod.c');
    const r = (await dap.dc.customRequest('breakpointLocations', { source: { path: lsmod }, line: 1, endLine: 20 })).body.breakpoints as DebugProtocol.BreakpointLocation[];
    const lines = r.map((l) => l.line);
    for (const text of ['int n = lsmod(text', 'write(1, text, n);', 'return 0;']) assert.ok(lines.includes(lineOf(lsmod, text)), `${text}: ${lines}`);
    assert.ok(!lines.includes(1) && !lines.includes(lineOf(lsmod, '#include')), 'no code in comments and includes');
    const none = (await dap.dc.customRequest('breakpointLocations', { source: { path: join(GUEST, 'README.md') }, line: 1, endLine: 5 })).body.breakpoints;
    assert.deepEqual(none, []);
  });

  it('instruction granularity: stepIn is one instruction, next steps over a call instruction, stepOut returns to the caller', async () => {
    const [bp] = (await dap.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sys_write' }] })).body.breakpoints;
    await dap.type('hello\n');
    const s = await dap.nextStop();
    assert.deepEqual(s.hitBreakpointIds, [bp.id]);
    await dap.dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    const thread = s.threadId!;
    const pcOf = async () => BigInt((await dap.frames(thread))[0].instructionPointerReference!);
    for (let k = 0; k < 40; k++) {
      const pc = await pcOf();
      const [insn] = (await dap.dc.customRequest('disassemble', { memoryReference: hex(pc), instructionCount: 2, resolveSymbols: false })).body.instructions as DebugProtocol.DisassembledInstruction[];
      assert.equal(BigInt(insn.address), pc);
      const length = insn.instructionBytes!.split(' ').length;
      const mnemonic = insn.instruction.split(/\s/)[0];
      const args = { threadId: thread, granularity: 'instruction' as const };
      if (mnemonic === 'call' || mnemonic === 'jal' || mnemonic === 'jalr') {
        await dap.dc.nextRequest(args);
        const n = await dap.nextStop();
        assert.equal(n.reason, 'step');
        assert.equal(n.threadId, thread);
        assert.equal(await pcOf(), pc + BigInt(length), `next over ${insn.instruction} lands after it`);
        assert.equal(plainName((await dap.frames(thread))[0]), 'sys_write');
        await dap.dc.stepOutRequest(args);
        const o = await dap.nextStop();
        assert.equal(o.reason, 'step');
        assert.equal(o.threadId, thread);
        assert.equal(plainName((await dap.frames(thread))[0]), 'syscall_dispatch', 'stepOut returned to the caller');
        await resume(thread);
        return;
      }
      await dap.dc.stepInRequest(args);
      const t = await dap.nextStop();
      assert.equal(t.reason, 'step');
      assert.equal(t.threadId, thread);
      if (!/^(j|b|beq|bne|blt|bge|bltu|bgeu|beqz|bnez|c\.)/.test(mnemonic)) assert.equal(await pcOf(), pc + BigInt(length), `one instruction: ${insn.instruction}`);
    }
    assert.fail('no call instruction in sys_write');
  });

  it('loadedSources lists the kernel\'s sources; exceptionInfo on a thread that did not stop on an exception is an error', async () => {
    const sources = ((await dap.dc.customRequest('loadedSources', {})).body.sources as DebugProtocol.Source[]).map((s) => s.path ?? '');
    for (const f of ['kernel/lesson.c', 'kernel/sched.c', 'kernel/trap_entry.S']) assert.ok(sources.some((p) => p.endsWith(f)), f);
    assert.ok(!sources.some((p) => p.endsWith('user/sh.c')), 'user programs are not the kernel\'s sources');
    const p = await dap.pause();
    await assert.rejects(dap.dc.exceptionInfoRequest({ threadId: p.body.threadId! }), /did not stop on an exception/);
    await dap.dc.continueRequest({ threadId: p.body.threadId! });
  });
});
