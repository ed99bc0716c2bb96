// The debug adapter on the teaching kernel, as VS Code drives it (DebugClient over stdio): launch
// stopped at entry, boot to the shell with the serial console as output events, tasks as
// threads, the sleeping shell's stack into sh.c, its locals, C expressions, memory and
// disassembly, each compared with gdb-multiarch attached to the same stopped machine through
// the adapter's own gdb port (gdbPort: gdb reads the DWARF and the target itself); then a
// module inserted from the console (module event, symbols at its load addresses), and terminate.
import { strict as assert } from 'node:assert';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildGuestKernel, type GuestBuild } from '../guest/support/build';
import { GdbMi } from '../support/gdb-mi';
import { Dap, plainName } from './support/dap';

describe('debug adapter: a launched teaching kernel, checked against gdb', function () {
  this.timeout(120_000);
  let build: GuestBuild;
  let dap: Dap;
  let gdbAddress: string;
  let gdb: GdbMi | undefined;
  let sh: DebugProtocol.Thread;
  let shFrames: DebugProtocol.StackFrame[];
  let entry: DebugProtocol.StoppedEvent | undefined;

  before(async () => {
    build = buildGuestKernel();
    dap = new Dap();
    await dap.start();
    entry = await dap.begin('launch', { kernel: build.kernel, stopOnEntry: true, gdbPort: 0 }, true);
    const line = dap.outputs.map((o) => o.output).find((o) => /gdb stub listening on/.test(o));
    assert.ok(line, 'the adapter says where its gdb stub listens');
    gdbAddress = /listening on tcp:([\d.]+:\d+)/.exec(line)![1];
  });

  after(async () => {
    await gdb?.close();
    await dap?.stop();
  });

  /** gdb on the adapter's machine, at the same stop. */
  async function gdbHere(): Promise<GdbMi> {
    if (gdb) return gdb;
    gdb = await GdbMi.start({ file: build.kernel, timeoutMs: 60_000 });
    await gdb.command('-gdb-set mi-async on');
    gdb.clearStops();
    await gdb.command(`-target-select remote ${gdbAddress}`);
    return gdb;
  }

  async function gdbThread(pid: number): Promise<void> {
    const g = await gdbHere();
    const threads: Array<{ id: string; 'target-id': string }> = (await g.command('-thread-info')).data.threads;
    const t = threads.find((x) => x['target-id'] === `Thread ${pid}`);
    assert.ok(t, `gdb has no thread for pid ${pid}: ${JSON.stringify(threads)}`);
    await g.command(`-thread-select ${t.id}`);
  }

  /** gdb's `info locals` / `info args` text as name → value (a value may span lines). */
  function parseInfo(text: string): Record<string, string> {
    const out: Record<string, string> = {};
    let last: string | undefined;
    for (const line of text.split('\n')) {
      const m = /^([A-Za-z_]\w*) = (.*)$/.exec(line);
      if (m) { last = m[1]; out[last] = m[2]; } else if (last && line.trim() !== '' && !/^No (locals|arguments)\.$/.test(line.trim())) out[last] += `\n${line}`;
    }
    return out;
  }

  async function gdbPrint(expr: string): Promise<string> {
    const out = await (await gdbHere()).console(`print ${expr}`).catch((e: Error) => e.message.replace(/^gdb: .*?: /, ''));
    return out.replace(/^\$\d+ = /, '').trim();
  }

  it('stops at entry at the reset vector; before the kernel has tasks, threads are harts', async () => {
    assert.equal(entry?.body.reason, 'entry');
    const threads = await dap.threads();
    assert.deepEqual(threads.map((t) => t.name), ['hart 0 (no task)']);
    const frames = await dap.frames(threads[0].id);
    assert.equal(frames[0].instructionPointerReference, '0x1000', 'the boot ROM\'s reset vector');
  });

  it('boots to the shell: the console arrives as output events; pause shows the kernel\'s tasks as threads', async () => {
    await dap.dc.continueRequest({ threadId: 1 });
    await dap.waitConsole('$ ');
    assert.match(dap.console, /Kernel Workbench teaching kernel, booting on hart 0/);
    await dap.pause();
    const names = (await dap.threads()).map((t) => t.name);
    assert.ok(names.includes('pid 1 init (sleeping: child to exit)'), names.join('\n'));
    assert.ok(names.includes('pid 2 sh (sleeping: console input)'), names.join('\n'));
    assert.ok(names.some((n) => /^idle \w+ \((running on hart 0|idle)\)$/.test(n)), names.join('\n'));
    sh = (await dap.threads()).find((t) => t.name.startsWith('pid 2 sh'))!;
  });

  it('the sleeping shell\'s stack: kernel frames, the trap from user mode, then sh.c, the same frames and lines as gdb\'s bt', async () => {
    shFrames = await dap.frames(sh.id);
    const label = shFrames.findIndex((f) => f.presentationHint === 'label');
    assert.ok(label > 0, 'a label row marks the trap from user mode');
    assert.match(shFrames[label].name, /trap from user mode \(sh\)/);
    const user = shFrames.slice(label + 1);
    assert.ok(user.some((f) => plainName(f) === 'main' && /user[\\/]sh\.c$/.test(f.source?.path ?? '')), JSON.stringify(user));
    for (const f of user) assert.match(f.instructionPointerReference ?? '', /@satp:0x8/, 'user frames read the process\'s own address space');
    // gdb has no symbols for sh (nothing tells it which program a task runs): it stops at the trap
    const ours = shFrames.slice(0, label).map((f) => `${plainName(f)}:${f.line}`);
    await gdbThread(2);
    const theirs = (await gdb!.command('-stack-list-frames')).data.stack.map((f: { value: { func: string; line?: string } }) => `${f.value.func}:${f.value.line ?? 0}`);
    assert.deepEqual([...ours, '??:0'], theirs);
    for (const fn of ['console_read', 'sys_read', 'syscall_dispatch', 'user_trap']) assert.ok(ours.some((x) => x.startsWith(`${fn}:`)), fn);
  });

  it('Locals and Arguments of each kernel frame of the shell agree with gdb\'s', async () => {
    const g = await gdbHere();
    let compared = 0;
    const kernelFrames = shFrames.slice(0, shFrames.findIndex((f) => f.presentationHint === 'label'));
    for (let i = 0; i < kernelFrames.length; i++) {
      const f = kernelFrames[i];
      await g.command(`-stack-select-frame ${i}`);
      const gdbArgs = parseInfo(await g.console('info args'));
      const gdbLocals = parseInfo(await g.console('info locals'));
      const args = Object.fromEntries((await dap.scopeVars(f.id, 'Arguments')).map((v) => [v.name, v.value]));
      const locals = Object.fromEntries((await dap.scopeVars(f.id, 'Locals')).map((v) => [v.name, v.value]));
      assert.deepEqual(args, gdbArgs, `arguments of frame ${i} ${f.name}`);
      assert.deepEqual(locals, gdbLocals, `locals of frame ${i} ${f.name}`);
      compared += Object.keys(gdbArgs).length + Object.keys(gdbLocals).length;
    }
    assert.ok(compared >= 5, `compared ${compared} variables`);
  });

  it('the Registers and Task scopes of the shell', async () => {
    // a sleeping task: only the registers its saved context holds (General), no hart's FPRs or CSRs
    const groups = await dap.scopeVars(shFrames[0].id, 'Registers');
    assert.deepEqual(groups.map((g) => g.name), ['General']);
    const regs = await dap.vars(groups[0].variablesReference);
    const sp = regs.find((r) => r.name === 'sp');
    assert.ok(sp && /^0x[0-9a-f]+( <\w+\+\d+>)?$/.test(sp.value), JSON.stringify(sp));
    await (await gdbHere()).command('-stack-select-frame 0');
    assert.equal(BigInt(sp.value.split(' ')[0]), BigInt((await gdbPrint('/x $sp')).replace(/^\(.*?\) /, '')));
    const task = Object.fromEntries((await dap.scopeVars(shFrames[0].id, 'Task')).map((v) => [v.name, v.value]));
    assert.equal(task.pid, '2');
    assert.equal(task.name, 'sh');
    assert.match(task.state, /^sleeping/);
    assert.equal(task.parent, 'pid 1');
    assert.match(task.wait, /console input/);
    assert.match(task.program, /user[\\/]sh$/);
  });

  it('evaluate: watch and hover expressions print as gdb prints them, errors too', async () => {
    const frameId = shFrames[0].id;
    const exprs = ['task_table[1].name', 'task_table[1].state', 'ticks', 'sizeof(struct task)', 'task_table[1].parent->pid', '&task_table[2]',
      'task_table[1].context.ra', 'task_table[1]', 'harts[0].id', 'task_table[1].wait_reason', 'nosuchvar', 'task_table[1].nosuch'];
    await gdb!.command('-stack-select-frame 0');
    for (const e of exprs) {
      const want = await gdbPrint(e);
      let got: string;
      try { got = (await dap.dc.evaluateRequest({ expression: e, frameId, context: 'watch' })).body.result; } catch (err) { got = (err as Error).message; }
      assert.equal(got, want, e);
    }
    const hover = await dap.dc.evaluateRequest({ expression: 'ticks', frameId, context: 'hover' });
    assert.equal(hover.body.type, 'volatile u64');
  });

  it('variables: lazy children with evaluateName, memoryReference on pointers and arrays, large arrays in pages', async () => {
    const frameId = shFrames[0].id;
    const t1 = await dap.dc.evaluateRequest({ expression: 'task_table[1]', frameId, context: 'watch' });
    assert.ok(t1.body.variablesReference > 0);
    const kids = await dap.vars(t1.body.variablesReference);
    const byName = Object.fromEntries(kids.map((k) => [k.name, k]));
    assert.equal(byName.pid.value, '2');
    assert.equal(byName.pid.evaluateName, 'task_table[1].pid');
    assert.equal(byName.name.memoryReference, `0x${BigInt((await gdbPrint('/x (long)&task_table[1].name')).trim()).toString(16)}`);
    assert.equal(byName.wait_reason.memoryReference, `0x${BigInt(await gdbPrint('/x (long)task_table[1].wait_reason')).toString(16)}`);
    const text = await dap.dc.customRequest('readMemory', { memoryReference: byName.wait_reason.memoryReference, count: 13 });
    assert.equal(Buffer.from(text.body.data, 'base64').toString('latin1'), 'console input');
    // a pointer to a struct expands to the members of what it points to
    const parent = await dap.vars(byName.parent.variablesReference);
    assert.equal(parent.find((v) => v.name === 'pid')?.value, '1');
    assert.equal(parent.find((v) => v.name === 'pid')?.evaluateName, 'task_table[1].parent->pid');
    // 256 bytes of RAM as an array: paged
    const arr = await dap.dc.evaluateRequest({ expression: '*(unsigned char *)0x80000000@256', frameId, context: 'watch' });
    assert.equal(arr.body.indexedVariables, 256);
    const page = await dap.vars(arr.body.variablesReference, { filter: 'indexed', start: 250, count: 10 });
    assert.deepEqual(page.map((v) => v.name), ['[250]', '[251]', '[252]', '[253]', '[254]', '[255]']);
    const raw = Buffer.from((await dap.dc.customRequest('readMemory', { memoryReference: '0x80000000', offset: 250, count: 6 })).body.data, 'base64');
    assert.deepEqual(page.map((v) => Number(v.value.split(' ')[0])), [...raw]);
  });

  it('readMemory agrees with gdb, reports unreadable bytes; writeMemory, setExpression and setVariable change what gdb sees', async () => {
    const g = await gdbHere();
    const addr = BigInt(await gdbPrint('/x (long)&task_table[1]'));
    const ours = Buffer.from((await dap.dc.customRequest('readMemory', { memoryReference: `0x${addr.toString(16)}`, count: 64 })).body.data, 'base64');
    const theirs = (await g.command(`-data-read-memory-bytes 0x${addr.toString(16)} 64`)).data.memory[0].contents;
    assert.equal(ours.toString('hex'), theirs);
    const edge = await dap.dc.customRequest('readMemory', { memoryReference: '0x87fffff0', count: 32 });
    assert.equal(Buffer.from(edge.body.data, 'base64').length, 16, 'the last 16 bytes of RAM');
    assert.equal(edge.body.unreadableBytes, 16);
    const exit = BigInt(await gdbPrint('/x (long)&task_table[1].exit_code'));
    await dap.dc.customRequest('writeMemory', { memoryReference: `0x${exit.toString(16)}`, data: Buffer.from([42, 0, 0, 0]).toString('base64') });
    assert.equal(await gdbPrint('task_table[1].exit_code'), '42');
    const set = await dap.dc.customRequest('setExpression', { expression: 'task_table[1].exit_code', value: '7 * 3', frameId: shFrames[0].id });
    assert.equal(set.body.value, '21');
    assert.equal(await gdbPrint('task_table[1].exit_code'), '21');
    const t1 = await dap.dc.evaluateRequest({ expression: 'task_table[1]', frameId: shFrames[0].id, context: 'watch' });
    const sv = await dap.dc.setVariableRequest({ variablesReference: t1.body.variablesReference, name: 'exit_code', value: '0' });
    assert.equal(sv.body.value, '0');
    assert.equal(await gdbPrint('task_table[1].exit_code'), '0');
    // a struct from an int: gdb's own refusal
    const gdbSays = await g.console('set var task_table[1] = 1').then(() => 'accepted', (e: { gdbMessage?: string; message: string }) => e.gdbMessage ?? e.message);
    assert.equal(await dap.failing('setExpression', { expression: 'task_table[1]', value: '1', frameId: shFrames[0].id }), gdbSays);
  });

  it('disassemble: the instructions around a frame\'s pc, as gdb decodes them, with symbols and lines', async () => {
    const f = shFrames.find((x) => plainName(x) === 'console_read')!;
    const pc = BigInt(f.instructionPointerReference!);
    const dis = (await dap.dc.customRequest('disassemble', { memoryReference: f.instructionPointerReference, instructionOffset: -4, instructionCount: 10, resolveSymbols: true })).body.instructions as DebugProtocol.DisassembledInstruction[];
    assert.equal(dis.length, 10);
    assert.equal(BigInt(dis[4].address), pc, 'the fifth instruction is at the pc');
    const start = BigInt(dis[0].address), end = BigInt(dis[9].address) + BigInt(dis[9].instructionBytes!.split(' ').length);
    const g = await gdbHere();
    const gd: Array<{ address: string; inst: string }> = (await g.command(`-data-disassemble -s 0x${start.toString(16)} -e 0x${end.toString(16)} -- 0`)).data.asm_insns;
    assert.deepEqual(dis.map((d) => BigInt(d.address)), gd.map((x) => BigInt(x.address)));
    assert.deepEqual(dis.map((d) => d.instruction.split(/\s/)[0]), gd.map((x) => x.inst.split(/\s/)[0]));
    assert.ok(dis.some((d) => d.location?.path?.endsWith('console.c') && d.line !== undefined));
  });

  it('modules: the kernel; insmod from the console loads the module\'s symbols at its addresses (module event)', async () => {
    await gdb?.close();
    gdb = undefined;
    const mods = (await dap.dc.modulesRequest({})).body.modules;
    assert.deepEqual(mods.map((m) => m.name), ['kernel.elf']);
    await dap.dc.continueRequest({ threadId: sh.id });
    const from = dap.console.length;
    await dap.dc.customRequest('kwb/serialInput', { text: 'insmod hello.ko\n' });
    await dap.waitConsole(/hello module: hello, kernel! my code is at (0x[0-9a-f]+)\r?\n/, from);
    const at = BigInt(/my code is at (0x[0-9a-f]+)/.exec(dap.console.slice(from))![1]);
    await dap.waitConsole('$ ', from);
    await dap.pause();
    const now = (await dap.dc.modulesRequest({})).body.modules;
    const hello = now.find((m) => m.name === 'hello');
    assert.ok(hello, JSON.stringify(now));
    assert.match(hello.path ?? '', /modules[\\/]hello\.ko$/);
    assert.equal(hello.symbolStatus, 'Symbols loaded.');
    const [lo, hi] = String(hello.addressRange).split('-').map((x) => BigInt(x));
    assert.ok(at >= lo && at < hi, `kmod_start at ${at.toString(16)} within ${hello.addressRange}`);
    assert.ok(dap.moduleEvents.some((e) => e.reason === 'new' && e.module.name === 'hello'));
    // the module's code disassembles with its own symbols
    const dis = (await dap.dc.customRequest('disassemble', { memoryReference: `0x${at.toString(16)}`, instructionCount: 2, resolveSymbols: true })).body.instructions as DebugProtocol.DisassembledInstruction[];
    assert.equal(dis[0].symbol, 'kmod_start');
    assert.match(dis[0].location?.path ?? '', /hello\.c$/);
    const sources = ((await dap.dc.customRequest('loadedSources', {})).body.sources as DebugProtocol.Source[]).map((s) => s.path ?? '');
    assert.ok(sources.some((p) => p.endsWith('hello.c')) && sources.some((p) => p.endsWith('sched.c')), 'kernel and module sources');
  });

  it('terminate powers the machine off and ends the session', async () => {
    const terminated = dap.dc.waitForEvent('terminated');
    await dap.dc.terminateRequest();
    await terminated;
  });
});
