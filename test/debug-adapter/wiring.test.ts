// The pieces built beside the DAP session, as a client reaches them through it: the Debug
// Console's gdb commands (evaluate, context 'repl'), the Registers scope with decoded CSRs and
// register writes, the kernel's name index built in the background with cancellable progress,
// and restart. The teaching kernel is launched with gdbPort and stopped at syscall_dispatch;
// gdb-multiarch attached to the same stopped machine through that port is the oracle for what
// the console prints and what the registers hold. A second adapter attaches to that port and
// runs `monitor` through qRcmd.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { SymbolFile } from '../../symbols';
import { csrFields } from '../../gdbstub/monitor/csr-fields';
import { BackgroundIndex } from '../../debug-adapter/runtime/background-index';
import { buildGuestKernel, type GuestBuild } from '../guest/support/build';
import { GdbMi } from '../support/gdb-mi';
import { startQemu, type RunningQemu } from '../gdbstub/support/qemu';
import { Dap, plainName } from './support/dap';
import { listening } from './support/listening';

type ProgressEv = { event: string; body: { progressId: string; title?: string; message?: string; percentage?: number; cancellable?: boolean } };

function recordProgress(dap: Dap): ProgressEv[] {
  const seen: ProgressEv[] = [];
  for (const e of ['progressStart', 'progressUpdate', 'progressEnd']) dap.dc.on(e, (ev: DebugProtocol.Event) => seen.push({ event: e, body: ev.body }));
  return seen;
}

async function until<T>(what: string, f: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('debug adapter wiring: console, registers, progress and restart through DAP, checked against gdb', function () {
  this.timeout(180_000);
  let build: GuestBuild;
  let dap: Dap;
  let gdb: GdbMi | undefined;
  let progress: ProgressEv[];
  let stop: DebugProtocol.StoppedEvent['body'];
  let frames: DebugProtocol.StackFrame[];

  const repl = async (expression: string, frameId = frames[0].id): Promise<string> => {
    try {
      return (await dap.dc.evaluateRequest({ expression, frameId, context: 'repl' })).body.result;
    } catch (e) {
      return `ERROR ${(e as Error).message}`;
    }
  };
  /** gdb's console text for a command (its error message prefixed as ours is). */
  const gdbSays = async (cmd: string): Promise<string> => {
    try {
      return (await gdb!.console(cmd)).replace(/\n$/, '');
    } catch (e) {
      return `ERROR ${((e as { gdbMessage?: string }).gdbMessage ?? (e as Error).message).replace(/\n$/, '')}`;
    }
  };

  before(async () => {
    build = buildGuestKernel();
    dap = new Dap();
    progress = recordProgress(dap);
    await dap.start();
    await dap.begin('launch', { kernel: build.kernel, stopOnEntry: true, gdbPort: 0 }, true);
  });

  after(async () => {
    await gdb?.close();
    await dap?.stop();
  });

  it('launch builds the kernel\'s name index in the background: progressStart (cancellable), updates up to 100 %, progressEnd', async () => {
    const start = await until('progressStart', () => progress.find((p) => p.event === 'progressStart'));
    assert.equal(start.body.title, 'Indexing symbols of kernel.elf');
    assert.equal(start.body.cancellable, true);
    const id = start.body.progressId;
    const end = await until('progressEnd', () => progress.find((p) => p.event === 'progressEnd' && p.body.progressId === id));
    assert.equal(end.body.message, 'done');
    const pcts = progress.filter((p) => p.event === 'progressUpdate' && p.body.progressId === id).map((p) => p.body.percentage!);
    assert.ok(pcts.length >= 2, `updates: ${JSON.stringify(progress)}`);
    assert.deepEqual(pcts, [...pcts].sort((a, b) => a - b), 'percentages only grow');
    assert.equal(pcts[pcts.length - 1], 100);
    assert.equal(progress.filter((p) => p.event === 'progressEnd' && p.body.progressId === id).length, 1, 'ended once');
  });

  it('stops at syscall_dispatch (function breakpoint) and gdb joins the same stop', async () => {
    const bps = await dap.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'syscall_dispatch' }] });
    assert.equal(bps.body.breakpoints[0].verified, true);
    dap.skipStops();
    await dap.dc.continueRequest({ threadId: 1 });
    stop = await dap.nextStop();
    assert.equal(stop.reason, 'function breakpoint');
    frames = await dap.frames(stop.threadId!);
    assert.equal(plainName(frames[0]), 'syscall_dispatch');
    gdb = await GdbMi.start({ file: build.kernel, timeoutMs: 60_000 });
    await gdb.command('-gdb-set mi-async on');
    gdb.clearStops();
    await gdb.command(`-target-select remote ${dap.gdbAddress()}`);
    const threads: Array<{ id: string; 'target-id': string }> = (await gdb.command('-thread-info')).data.threads;
    const t = threads.find((x) => x['target-id'] === `Thread ${stop.threadId}`);
    assert.ok(t, `gdb has the stopped thread ${stop.threadId}: ${JSON.stringify(threads)}`);
    await gdb.command(`-thread-select ${t.id}`);
  });

  it('Debug Console: bt as gdb\'s (kernel frames; below the trap ours names the user program\'s frames, gdb has no symbols for it)', async () => {
    const noEntry = (s: string) => s.replace(/(\w+)=\1@entry=/g, '$1=');
    const ours = (await repl('bt')).split('\n');
    const theirs = noEntry(await gdbSays('bt')).split('\n');
    // gdb ends with the user pc it has no symbols for: `#N  0x... in ?? ()`
    assert.match(theirs[theirs.length - 1], /in \?\? \(\)$/);
    const kernel = theirs.slice(0, -1);
    assert.ok(kernel.length >= 2, theirs.join('\n'));
    assert.deepEqual(ours.slice(0, kernel.length), kernel);
    assert.ok(ours.length > kernel.length, 'ours goes on into the user program');
    assert.match(ours[kernel.length], new RegExp(`^#${kernel.length}\\s+0x[0-9a-f]+ in \\w+ \\(.*\\) at `), ours.join('\n'));
    assert.equal(await repl('bt 1'), noEntry(await gdbSays('bt 1')));
  });

  it('Debug Console: info threads, x/4xw, p, p/x, plain C expressions and errors, as gdb prints them', async () => {
    const noEntry = (t: string) => t.replace(/(\w+)=\1@entry=/g, '$1=');
    assert.equal(await repl('info threads'), noEntry(await gdbSays('info threads')));
    for (const c of ['x/4xw &ticks', 'x/4xw $sp', 'x/2i $pc', 'x/s task_table[1].name', 'p ticks', 'p/x task_table[1].pid', 'p task_table[1].name', 'p/x $sp',
      'p $1', 'p nosuchvar', 'p/q 1', 'info registers sp ra', 'whatis task_table[1]', 'info symbol $pc', 'info line', 'output 3 * 4', 'frobnicate the thing',
      'ptype task_table[1]', 'ptype struct task', 'ptype syscall_table', 'ptype syscall_table[0]', 'whatis syscall_table', 'ptype enum task_state', 'ptype harts',
      'ptype u64', 'whatis u64', 'whatis pagetable_t', 'ptype pagetable_t', 'ptype ticks', 'ptype struct nosuch', 'ptype r', 'ptype *r', 'whatis r->a0']) {
      const ours = await repl(c), theirs = await gdbSays(c);
      // gdb writes an error to stderr after what it printed on stdout (`$6 = ` before `Undefined output format "q".`): ours is both
      if (theirs.startsWith('ERROR ') && ours.startsWith('ERROR ')) assert.ok(ours.endsWith(theirs.slice(6)), `${c}: ${ours} vs ${theirs}`);
      else assert.equal(ours, theirs, c);
    }
    // unreadable memory: gdb prints the address, then its error (on stderr)
    const x0 = await repl('x/4xw 0');
    assert.match(x0, /^ERROR 0x0:\t/);
    assert.ok(x0.endsWith((await gdbSays('x/4xw 0')).replace(/^ERROR /, '')), x0);
    // a plain C expression still evaluates (no $N: it is Watch's evaluation), expandable
    const r = await dap.dc.evaluateRequest({ expression: 'task_table[1]', frameId: frames[0].id, context: 'repl' });
    assert.equal(r.body.result, await gdbSays('output task_table[1]'));
    assert.ok(r.body.variablesReference > 0);
    // watch and hover stay C: a gdb command is not one
    await assert.rejects(dap.dc.evaluateRequest({ expression: 'info threads', frameId: frames[0].id, context: 'watch' }));
  });

  it('Debug Console: the selected frame counts (info locals and x/2xg $sp in frame 1 as gdb\'s `frame 1`)', async () => {
    await gdb!.console('frame 1');
    try {
      for (const c of ['info locals', 'info args', 'x/2xg $sp', 'p/x $ra', 'p/x $sstatus', 'p $priv']) assert.equal(await repl(c, frames[1].id), await gdbSays(c), c);
      // CSRs are the hart's in every frame (not unwound), in Watch too
      const w = await dap.dc.evaluateRequest({ expression: '$scause', frameId: frames[1].id, context: 'watch' });
      assert.equal(w.body.result, (await gdbSays('p $scause')).replace(/^\$\d+ = /, ''));
    } finally { await gdb!.console('frame 0'); }
  });

  it('Debug Console: monitor help and monitor regs reach the machine\'s monitor as gdb\'s monitor does', async () => {
    for (const c of ['monitor help', 'monitor regs', 'monitor nosuch']) assert.equal(await repl(c), await gdbSays(c), c);
  });

  it('Registers: General as gdb\'s info registers, Floating point, CSRs whose fields decode the value gdb reads', async () => {
    const groups = await dap.scopeVars(frames[0].id, 'Registers');
    assert.deepEqual(groups.map((g) => g.name), ['General', 'Floating point', 'CSRs']);
    const general = await dap.vars(groups[0].variablesReference);
    const info = (await gdbSays('info registers')).split('\n').map((l) => /^(\w+)\s+(\S+)\s+(.*)$/.exec(l)!).filter(Boolean);
    assert.equal(info.length, 32);
    for (const [, name, , natural] of info) {
      const ours = general.find((g) => g.name === name);
      assert.ok(ours, `General has ${name}`);
      assert.equal(ours.value, natural, name);
      assert.equal(ours.evaluateName, `$${name}`);
    }
    const fp = await dap.vars(groups[1].variablesReference);
    for (const name of ['ft0', 'fa0', 'fs1']) {
      const union = /\{float = .*\}/.exec(await gdbSays(`info registers ${name}`));
      assert.ok(union, name);
      assert.equal(fp.find((v) => v.name === name)?.value, union[0], name);
    }
    assert.ok(fp.some((v) => v.name === 'fcsr'), 'fcsr with the floating-point registers');
    const csrs = await dap.vars(groups[2].variablesReference);
    assert.equal(csrs[0].name, 'priv');
    assert.match(csrs[0].value, /^1 \(S-mode\)$/);
    let decoded = 0;
    for (const name of ['sstatus', 'mstatus', 'scause', 'satp', 'sie', 'mie', 'medeleg', 'stvec']) {
      const v = csrs.find((c) => c.name === name);
      assert.ok(v, `CSRs has ${name}`);
      const raw = BigInt((await gdbSays(`p/x $${name}`)).replace(/^\$\d+ = /, ''));
      assert.equal(BigInt(v.value.split(' ')[0]), raw, name);
      const want = csrFields(name, raw);
      if (!want) continue;
      assert.ok(v.variablesReference > 0, `${name} has fields`);
      const kids = await dap.vars(v.variablesReference);
      const wantPairs = want.map((f) => [f.name, f.text]);
      assert.deepEqual(kids.map((k) => [k.name, k.value]).map(([n, t]) => [n, t.replace(/ <.*>$/, '')]), wantPairs.map(([n, t]) => [n, String(t).replace(/ <.*>$/, '')]), name);
      decoded += kids.length;
    }
    assert.ok(decoded > 20, `${decoded} fields`);
  });

  it('Registers of an outer frame are the unwound ones (callee-saved as gdb\'s frame 1), others say <not saved>', async () => {
    const groups = await dap.scopeVars(frames[1].id, 'Registers');
    const general = await dap.vars(groups[0].variablesReference);
    await gdb!.console('frame 1');
    try {
      const info = (await gdbSays('info registers')).split('\n').map((l) => /^(\w+)\s+(\S+)\s+(.*)$/.exec(l) ?? /^(\w+)\s+(<not saved>)()$/.exec(l)!);
      assert.equal(info.length, 32);
      for (const [, name, raw, natural] of info) assert.equal(general.find((g) => g.name === name)?.value, raw === '<not saved>' ? raw : natural, name);
    } finally { await gdb!.console('frame 0'); }
    assert.match(await dap.failing('setVariable', { variablesReference: groups[0].variablesReference, name: 's1', value: '1' }), /only the registers of a task running on a hart/);
  });

  it('setVariable on a register, a CSR field and a variable changes what gdb sees (and the views are invalidated)', async () => {
    const invalidated = dap.dc.waitForEvent('invalidated');
    let groups = await dap.scopeVars(frames[0].id, 'Registers');
    const t0Before = (await gdbSays('p/x $t0')).replace(/^\$\d+ = /, '');
    const w = await dap.dc.setVariableRequest({ variablesReference: groups[0].variablesReference, name: 't0', value: '0x1234' });
    assert.equal(w.body.value, '4660');
    await invalidated;
    await gdb!.console('flushregs');
    assert.equal((await gdbSays('p/x $t0')).replace(/^\$\d+ = /, ''), '0x1234');
    // an expression as the value: evaluated in the frame
    frames = await dap.frames(stop.threadId!);
    groups = await dap.scopeVars(frames[0].id, 'Registers');
    await dap.dc.setVariableRequest({ variablesReference: groups[0].variablesReference, name: 't0', value: t0Before });
    await gdb!.console('flushregs');
    assert.equal((await gdbSays('p/x $t0')).replace(/^\$\d+ = /, ''), t0Before);
    // a CSR field by its decoded name: sstatus.SUM
    frames = await dap.frames(stop.threadId!);
    groups = await dap.scopeVars(frames[0].id, 'Registers');
    const csrs = await dap.vars(groups[2].variablesReference);
    const sstatus = csrs.find((c) => c.name === 'sstatus')!;
    const before = BigInt((await gdbSays('p/x $sstatus')).replace(/^\$\d+ = /, ''));
    const sum = (await dap.vars(sstatus.variablesReference)).find((f) => f.name === 'SUM');
    assert.ok(sum, 'sstatus has SUM');
    const flipped = (before >> 18n) & 1n ? '0' : '1';
    await dap.dc.setVariableRequest({ variablesReference: sstatus.variablesReference, name: 'SUM', value: flipped });
    await gdb!.console('flushregs');
    assert.equal(BigInt((await gdbSays('p/x $sstatus')).replace(/^\$\d+ = /, '')), before ^ (1n << 18n));
    frames = await dap.frames(stop.threadId!);
    groups = await dap.scopeVars(frames[0].id, 'Registers');
    const sstatus2 = (await dap.vars(groups[2].variablesReference)).find((c) => c.name === 'sstatus')!;
    await dap.dc.setVariableRequest({ variablesReference: sstatus2.variablesReference, name: 'SUM', value: flipped === '1' ? '0' : '1' });
    await gdb!.console('flushregs');
    assert.equal(BigInt((await gdbSays('p/x $sstatus')).replace(/^\$\d+ = /, '')), before);
    // an argument in a register (innermost frame) through symbols' assign, as gdb's set var
    frames = await dap.frames(stop.threadId!);
    const args = await dap.scopeVars(frames[0].id, 'Arguments');
    assert.ok(args.length > 0);
    const bad = await dap.failing('setVariable', { variablesReference: (await dap.dc.scopesRequest({ frameId: frames[0].id })).body.scopes[1].variablesReference, name: args[0].name, value: 'nosuchvar' });
    assert.equal(bad, (await gdbSays(`set var ${args[0].name} = nosuchvar`)).replace(/^ERROR /, ''));
    // a member written: gdb sees it; the values shown are stale, so their handles are forgotten and the views told
    const t1 = await dap.dc.evaluateRequest({ expression: 'task_table[1]', frameId: frames[0].id, context: 'watch' });
    const was = (await dap.vars(t1.body.variablesReference)).find((v) => v.name === 'exit_code')!.value;
    const inv = dap.dc.waitForEvent('invalidated');
    const set = await dap.dc.setVariableRequest({ variablesReference: t1.body.variablesReference, name: 'exit_code', value: '5 * 7' });
    assert.equal(set.body.value, '35');
    assert.deepEqual((await inv).body.areas, ['variables']);
    assert.equal((await gdbSays('p task_table[1].exit_code')).replace(/^\$\d+ = /, ''), '35');
    assert.match(await dap.failing('variables', { variablesReference: t1.body.variablesReference }), /no variables reference/);
    const again = await dap.dc.evaluateRequest({ expression: 'task_table[1]', frameId: frames[0].id, context: 'watch' });
    assert.equal((await dap.vars(again.body.variablesReference)).find((v) => v.name === 'exit_code')!.value, '35');
    await dap.dc.customRequest('setExpression', { expression: 'task_table[1].exit_code', value: was, frameId: frames[0].id });
    assert.equal((await gdbSays('p task_table[1].exit_code')).replace(/^\$\d+ = /, ''), was);
  });

  it('run control through the value API: dataBreakpointInfo gives an lvalue\'s address and size as gdb\'s, refuses a computed value; a conditional breakpoint is accepted', async () => {
    const info = (await dap.dc.dataBreakpointInfoRequest({ name: 'task_table[1].pid', frameId: frames[0].id })).body;
    const addr = BigInt((await gdbSays('p/x (long)&task_table[1].pid')).replace(/^\$\d+ = /, ''));
    const size = (await gdbSays('p sizeof(task_table[1].pid)')).replace(/^\$\d+ = /, '');
    assert.equal(info.dataId, `0x${addr.toString(16)}/${size}/task_table[1].pid`);
    const reg = (await dap.dc.dataBreakpointInfoRequest({ name: '1 + 2', frameId: frames[0].id })).body;
    assert.equal(reg.dataId, null);
    assert.match(reg.description, /not in memory/);
    const bps = await dap.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'syscall_dispatch', condition: 'task_table[0].state != task_table[0].state' }] });
    assert.equal(bps.body.breakpoints[0].verified, true);
    await dap.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'syscall_dispatch' }] });
  });

  it('cancel of the index\'s progress (a second launch): it ends at once, once, and names still resolve on demand', async () => {
    const second = new Dap();
    const seen = recordProgress(second);
    let cancelled = false;
    second.dc.on('progressStart', (ev: DebugProtocol.ProgressStartEvent) => {
      cancelled = true;
      void second.dc.customRequest('cancel', { progressId: ev.body.progressId }).catch(() => undefined);
    });
    try {
      await second.start();
      // awareness off: nothing waits for the index, which runs while the session goes on
      await second.begin('launch', { kernel: build.kernel, stopOnEntry: true, profile: 'none' }, true);
      const start = await until('progressStart', () => seen.find((p) => p.event === 'progressStart'));
      assert.ok(cancelled);
      const end = await until('progressEnd', () => seen.find((p) => p.event === 'progressEnd' && p.body.progressId === start.body.progressId));
      // the teaching kernel's index takes two or three slices of ~8 ms, so it often ends before the
      // cancel arrives ('done'); either way it ends once. The cancel itself is checked between
      // slices, deterministically, in process (below).
      assert.match(end.body.message ?? '', /^(cancelled: names are looked up when first needed|done)$/);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(seen.filter((p) => p.event === 'progressEnd').length, 1, 'one progressEnd');
      const threads = await second.threads();
      const f = await second.frames(threads[0].id);
      const r = await second.dc.evaluateRequest({ expression: 'sizeof(task_table)', frameId: f[0].id, context: 'watch' });
      assert.equal(r.body.result, (await gdbSays('p sizeof(task_table)')).replace(/^\$\d+ = /, ''));
      // cancelling again (or an unknown id) is harmless
      await second.dc.customRequest('cancel', { progressId: start.body.progressId });
      await second.dc.customRequest('cancel', { progressId: 'nope' });
    } finally {
      await second.stop();
    }
  });

  it('attach to the adapter\'s gdb port: monitor goes to the stub through qRcmd', async () => {
    await gdb?.close();
    gdb = undefined;
    const ours = await repl('monitor help');
    const second = new Dap();
    try {
      await second.start();
      // stopped where it is (the first session owns this machine; attaching must not run it)
      await second.begin('attach', { target: `tcp:${dap.gdbAddress()}`, kernel: build.kernel, stopOnEntry: true }, true);
      const threads = await second.threads();
      const f = await second.frames(threads[0].id);
      const r = await second.dc.evaluateRequest({ expression: 'monitor help', frameId: f[0]?.id, context: 'repl' });
      assert.equal(r.body.result, ours);
      const info = await second.dc.evaluateRequest({ expression: 'monitor info', context: 'repl' });
      assert.match(info.body.result, /^version: Kernel Workbench/m);
      const bad = await second.dc.evaluateRequest({ expression: 'monitor nosuch', context: 'repl' });
      assert.match(bad.body.result, /unknown monitor command "nosuch"/);
    } finally {
      await second.dc.disconnectRequest({ terminateDebuggee: false }).catch(() => undefined);
      await second.dc.stop();
    }
  });

  it('restart: a fresh boot of the same configuration stops at entry again; the breakpoint is bound again and hit', async () => {
    const from = dap.console.length;
    dap.skipStops();
    await dap.dc.customRequest('restart', {});
    const entry = await dap.nextStop();
    assert.equal(entry.reason, 'entry');
    const threads = await dap.threads();
    assert.deepEqual(threads.map((t) => t.name), ['hart 0 (no task)']);
    assert.equal((await dap.frames(threads[0].id))[0].instructionPointerReference, '0x1000', 'the reset vector');
    await dap.dc.continueRequest({ threadId: threads[0].id });
    const hit = await dap.nextStop();
    assert.equal(hit.reason, 'function breakpoint');
    assert.equal(plainName((await dap.frames(hit.threadId!))[0]), 'syscall_dispatch');
    assert.match(dap.console.slice(from), /Kernel Workbench teaching kernel, booting on hart 0/);
    // restart while the machine runs: paused first (that stop may be reported), then the fresh boot's entry stop
    await dap.dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dap.dc.continueRequest({ threadId: hit.threadId! });
    const second = dap.console.length;
    await dap.waitConsole('$ ', second);
    assert.match(await dap.failing('evaluate', { expression: 'bt', context: 'repl' }), /the machine is running/);
    assert.match((await dap.dc.evaluateRequest({ expression: 'monitor help', context: 'repl' })).body.result, /^monitor commands:/, 'monitor works while it runs');
    dap.skipStops();
    await dap.dc.customRequest('restart', {});
    let s = await dap.nextStop();
    if (s.reason === 'pause') s = await dap.nextStop();
    assert.equal(s.reason, 'entry');
    assert.equal((await dap.frames((await dap.threads())[0].id))[0].instructionPointerReference, '0x1000');
  });
});

describe('debug adapter wiring: attached to qemu-system-riscv64, the Debug Console\'s monitor is QEMU\'s (qRcmd)', function () {
  this.timeout(120_000);
  let qemu: RunningQemu | undefined;
  let dap: Dap | undefined;
  after(async () => { await dap?.stop(); await qemu?.close(); });

  it('monitor info registers shows the pc the stack shows; QEMU\'s own errors come back as its text', async () => {
    const build = buildGuestKernel();
    qemu = await startQemu({ elf: build.kernel });
      await listening(qemu.port);
    dap = new Dap();
    await dap.start();
    await dap.begin('attach', { target: `tcp:127.0.0.1:${qemu.port}`, kernel: build.kernel, stopOnEntry: true }, true);
    const threads = await dap.threads();
    const frames = await dap.frames(threads[0].id);
    const pc = BigInt(frames[0].instructionPointerReference!.split('@')[0]);
    const regs = (await dap.dc.evaluateRequest({ expression: 'monitor info registers', frameId: frames[0].id, context: 'repl' })).body.result;
    const m = /\bpc\s+([0-9a-f]{16})\b/.exec(regs);
    assert.ok(m, regs);
    assert.equal(BigInt(`0x${m[1]}`), pc);
    const bad = (await dap.dc.evaluateRequest({ expression: 'monitor nosuchcommand', context: 'repl' })).body.result;
    assert.match(bad, /unknown command: 'nosuchcommand'/);
    // the console's own commands still answer over QEMU
    assert.match((await dap.dc.evaluateRequest({ expression: 'x/2i $pc', frameId: frames[0].id, context: 'repl' })).body.result, /^=> 0x[0-9a-f]+:\t/);
  });
});

describe('debug adapter wiring: the background name index (in process)', () => {
  let kernel: string;
  before(() => { kernel = buildGuestKernel().kernel; });

  it('runs to 100 % and ends once with done', async () => {
    const file = SymbolFile.open(new Uint8Array(readFileSync(kernel)), { name: kernel });
    const ev: string[] = [];
    const idx = new BackgroundIndex(file, { start: (id, t) => ev.push(`start ${t}`), update: (id, m, p) => ev.push(`update ${p}`), end: (id, m) => ev.push(`end ${m}`) });
    assert.equal(await idx.done, true);
    assert.equal(idx.outcome, 'complete');
    assert.equal(ev[0], 'start Indexing kernel symbols');
    assert.equal(ev[ev.length - 2], 'update 100');
    assert.equal(ev[ev.length - 1], 'end done');
    assert.equal(ev.filter((e) => e.startsWith('end')).length, 1);
  });

  it('cancel between slices stops the build (ended at once, once); lookups by name still work on demand', async () => {
    const file = SymbolFile.open(new Uint8Array(readFileSync(kernel)), { name: kernel });
    const ev: string[] = [];
    let yields = 0;
    let idx: BackgroundIndex | undefined;
    // the host cancels during the second pause between slices (as a DAP cancel would arrive)
    idx = new BackgroundIndex(file, { start: () => ev.push('start'), update: (id, m, p) => ev.push(`update ${p}`), end: (id, m) => ev.push(`end ${m}`) }, 'Indexing', {
      sliceMs: 0.01,
      yieldToHost: async () => { if (++yields === 2) idx!.cancel(); await new Promise((r) => setImmediate(r)); },
    });
    assert.equal(await idx.done, false);
    assert.equal(idx.outcome, 'cancelled');
    assert.equal(yields, 2, 'no slice after the cancel');
    assert.deepEqual(ev.filter((e) => e.startsWith('end')), ['end cancelled: names are looked up when first needed']);
    const last = Number(ev.filter((e) => e.startsWith('update')).pop()?.split(' ')[1] ?? 0);
    assert.ok(last < 100, `stopped at ${last} %`);
    // a type and a global by name: the lookup finishes the index itself
    assert.ok(file.typeNamed('struct task'), 'struct task resolves');
    assert.ok(file.globalVariable('task_table'), 'task_table resolves');
  });
});
