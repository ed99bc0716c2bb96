// Stepping from a user program's write() into the kernel and back out, at the DAP level: a
// breakpoint on the `write(` line of lsmod.c (set before any process runs lsmod: it binds when
// one does), lsmod run from the console; stepIn into the write() wrapper, on to its ecall, which
// enters the kernel's trap handler (the function stvec points at); out of the kernel with
// stepOut, and (a second run) with next, back in the user program's source; then the next line
// of lsmod.c. Every stop is in the same thread (lsmod's task). Oracles: the sources (lines by
// text), nm (from_user_entry), the instruction bytes before the user pc (an ecall).
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildGuestKernel, type GuestBuild } from '../../guest/support/build';
import { Dap, plainName } from '../support/dap';
import { GUEST, lineOf, nm } from '../control/support/sources';

describe('debug adapter workflow: from write() in a user program into the kernel and back', function () {
  this.timeout(120_000);
  const lsmod = join(GUEST, 'user', 'lsmod.c');
  const syscalls = join(GUEST, 'user', 'syscalls.c');
  const writeLine = lineOf(lsmod, 'write(1, text, n);');
  const returnLine = lineOf(lsmod, 'return 0;');
  let build: GuestBuild;
  let dap: Dap;
  let bp: DebugProtocol.Breakpoint;

  before(async () => {
    build = buildGuestKernel();
    dap = new Dap();
    await dap.start();
    await dap.launchToShell({ kernel: build.kernel, smp: 2 });
  });
  after(async () => { await dap?.stop(); });

  interface At { frame: DebugProtocol.StackFrame; frames: DebugProtocol.StackFrame[]; thread: number; user: boolean }

  /** One step request and its stop: same thread as asked, reason 'step'. */
  async function step(kind: 'next' | 'stepIn' | 'stepOut', threadId: number, granularity?: DebugProtocol.SteppingGranularity): Promise<At> {
    const args = { threadId, granularity };
    if (kind === 'next') await dap.dc.nextRequest(args); else if (kind === 'stepIn') await dap.dc.stepInRequest(args); else await dap.dc.stepOutRequest(args);
    const s = await dap.nextStop();
    assert.equal(s.reason, 'step', `${kind} stopped for a step`);
    assert.equal(s.threadId, threadId, `${kind} ended in the thread it started in`);
    return where(threadId);
  }

  async function where(threadId: number): Promise<At> {
    const frames = await dap.frames(threadId);
    const frame = frames[0];
    return { frame, frames, thread: threadId, user: /@satp:/.test(frame.instructionPointerReference ?? '') };
  }

  /** Runs lsmod to the breakpoint on its write( line. */
  async function toWrite(): Promise<At> {
    await dap.type('lsmod\n');
    const s = await dap.nextStop();
    assert.equal(s.reason, 'breakpoint');
    assert.deepEqual(s.hitBreakpointIds, [bp.id]);
    const thread = (await dap.threads()).find((t) => t.id === s.threadId);
    assert.match(thread?.name ?? '', /^pid \d+ lsmod \(running on hart \d\)$/);
    const at = await where(s.threadId!);
    assert.equal(at.frame.source?.path, lsmod);
    assert.equal(at.frame.line, writeLine);
    assert.ok(at.user, 'a user frame, read through the process\'s address space');
    return at;
  }

  /** stepIn from the write( line: into write() (after its prologue), then on until the ecall traps into the kernel. */
  async function intoKernel(start: At): Promise<At> {
    let at = await step('stepIn', start.thread);
    assert.equal(plainName(at.frame), 'write', 'statement stepIn enters the write() wrapper');
    assert.equal(at.frame.source?.path, syscalls);
    assert.ok(at.user);
    for (let i = 0; i < 12 && at.user; i++) {
      at = await step('stepIn', start.thread);
      if (at.user) assert.equal(at.frame.source?.path, syscalls, `still in the wrapper: ${at.frame.name} ${at.frame.source?.path}:${at.frame.line}`);
    }
    assert.ok(!at.user, 'the ecall entered the kernel');
    assert.equal(plainName(at.frame), 'from_user_entry', 'the kernel\'s trap handler');
    assert.equal(BigInt(at.frame.instructionPointerReference!), nm(build.kernel, 'from_user_entry'), 'at the trap vector, stvec\'s function');
    assert.match(at.frame.source?.path ?? '', /kernel[\\/]trap_entry\.S$/);
    // the user side is still on the stack, below the trap: live registers, the ecall's pc in sepc
    const label = at.frames.findIndex((f) => f.presentationHint === 'label');
    assert.equal(label, 1, 'a label row marks the trap from user mode, right below the vector');
    assert.match(at.frames[label].name, /trap from user mode \(lsmod\)/);
    const user = at.frames.slice(label + 1);
    assert.equal(user[0].source?.path, syscalls, 'the wrapper at its ecall');
    const insn = Buffer.from((await dap.request<DebugProtocol.ReadMemoryResponse['body']>('readMemory', { memoryReference: user[0].instructionPointerReference, count: 4 }))!.data!, 'base64');
    assert.equal(insn.readUInt32LE(0), 0x00000073, 'the user frame is at the ecall (sepc)');
    assert.ok(user.some((f) => plainName(f) === 'main' && f.source?.path === lsmod && f.line === writeLine), `lsmod.c's main at the write( line: ${user.map((f) => `${f.name}:${f.line}`).join(' <- ')}`);
    return at;
  }

  /** The pc of a user frame has an ecall just before it. */
  async function afterEcall(at: At): Promise<void> {
    const ref = at.frame.instructionPointerReference!;
    const bytes = Buffer.from((await dap.request<DebugProtocol.ReadMemoryResponse['body']>('readMemory', { memoryReference: ref, offset: -4, count: 4 }))!.data!, 'base64');
    assert.equal(bytes.readUInt32LE(0), 0x00000073, 'an ecall just before the pc');
  }

  it('binds the write( line when a process runs lsmod, and stops there', async () => {
    bp = (await dap.dc.setBreakpointsRequest({ source: { path: lsmod }, breakpoints: [{ line: writeLine }] })).body.breakpoints[0];
    assert.equal(bp.verified, false);
    assert.match(bp.message ?? '', /no process runs program lsmod yet/);
    const mark = dap.breakpointEvents.length;
    await toWrite();
    const bound = dap.breakpointEvents.slice(mark).filter((e) => e.breakpoint.id === bp.id).at(-1);
    assert.equal(bound?.breakpoint.verified, true, 'a breakpoint event says it is bound now');
  });

  it('stepIn reaches the ecall and the kernel\'s trap handler; stepOut returns to the user program after the ecall; stepOut and next reach the next line of lsmod.c', async () => {
    const start = await where(dap.stops.at(-1)!.threadId!);
    await intoKernel(start);
    let at = await step('stepOut', start.thread);
    assert.ok(at.user, 'back in user mode');
    assert.equal(at.frame.source?.path, syscalls, 'in the wrapper, with the program\'s symbols');
    await afterEcall(at);
    // out of call3 (inlined into write()), then out of write()
    for (let i = 0; i < 3 && at.frame.source?.path === syscalls; i++) at = await step('stepOut', start.thread);
    assert.equal(at.frame.source?.path, lsmod);
    assert.equal(plainName(at.frame), 'main');
    // finish semantics: at the return address, which is in write('s line or already the next one
    assert.ok(at.frame.line === writeLine || at.frame.line === returnLine, `main at line ${at.frame.line}`);
    if (at.frame.line === writeLine) at = await step('next', start.thread);
    assert.equal(at.frame.source?.path, lsmod);
    assert.equal(at.frame.line, returnLine, 'the next user line');
    const from = dap.console.length;
    await dap.dc.continueRequest({ threadId: start.thread });
    await dap.waitConsole('$ ', from);
  });

  it('next out of the kernel: every stop at a line start in the same task, until the user program\'s source again', async () => {
    const start = await toWrite();
    let at = await intoKernel(start);
    const kernelLines: string[] = [];
    const ecall = at.frames[2].instructionPointerReference;
    let inEntry = 0;
    for (let i = 0; i < 60 && !at.user; i++) {
      kernelLines.push(`${plainName(at.frame)}:${at.frame.line}`);
      if (plainName(at.frame) === 'from_user_entry') {
        // while the entry saves the registers (the pc last), the user side stays at the ecall
        assert.equal(at.frames[1].presentationHint, 'label', `${at.frame.line}: the trap from user mode`);
        assert.equal(at.frames[2].instructionPointerReference, ecall, `at from_user_entry line ${at.frame.line} the user frame is at the ecall`);
        inEntry++;
      }
      at = await step('next', start.thread);
    }
    assert.ok(inEntry > 30, `stopped at each line of the entry (${inEntry})`);
    assert.ok(at.user, `next left the kernel (through ${kernelLines.join(', ')})`);
    assert.equal(at.frame.source?.path, syscalls, 'in the wrapper after the ecall, with its source');
    assert.ok(kernelLines.some((l) => l.startsWith('from_user_entry:')), kernelLines.join(', '));
    // the user line after the ecall, at its start (a statement step)
    const pc = BigInt(at.frame.instructionPointerReference!.split('@')[0]);
    const locs = (await dap.request<DebugProtocol.BreakpointLocationsResponse['body']>('breakpointLocations', { source: { path: syscalls }, line: at.frame.line })).breakpoints;
    assert.ok(locs.some((l) => l.line === at.frame.line), `line ${at.frame.line} of syscalls.c has code`);
    assert.ok(pc > 0x10000n);
    for (let i = 0; i < 6 && at.frame.source?.path !== lsmod; i++) at = await step('next', start.thread);
    assert.equal(at.frame.source?.path, lsmod);
    assert.equal(at.frame.line, returnLine);
    await dap.dc.setBreakpointsRequest({ source: { path: lsmod }, breakpoints: [] });
    const from = dap.console.length;
    await dap.dc.continueRequest({ threadId: start.thread });
    await dap.waitConsole('$ ', from);
  });
});
