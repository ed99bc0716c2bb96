// A module breakpoint's life at the DAP level: set in the hello module's init before `insmod
// hello.ko` (unverified, saying the module is not loaded), bound by a breakpoint event when the
// kernel loads the module and hit before kmod_start runs (frame in modules/hello.c, the module's
// own variables); unbound at `rmmod hello`; bound and hit again after a second insmod, at the
// module's new address. The modules request and module events follow along. Oracles: the
// sources (lines by text), the module's own console line (the address of its code), lsmod.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildGuestKernel } from '../../guest/support/build';
import { Dap, plainName } from '../support/dap';
import { GUEST, lineOf } from '../control/support/sources';

describe('debug adapter workflow: a breakpoint in a module, across insmod, rmmod and insmod', function () {
  this.timeout(120_000);
  const src = join(GUEST, 'modules', 'hello.c');
  const line = lineOf(src, 'times_greeted++;');
  let dap: Dap;
  let bp: DebugProtocol.Breakpoint;
  let first: { pc: bigint; range: [bigint, bigint] };

  before(async () => {
    dap = new Dap();
    await dap.start();
    await dap.launchToShell({ kernel: buildGuestKernel().kernel, smp: 2 });
  });
  after(async () => { await dap?.stop(); });

  const rangeOf = (m: DebugProtocol.Module): [bigint, bigint] => String(m.addressRange).split('-').map((x) => BigInt(x)) as [bigint, bigint];
  const helloModules = async () => (await dap.dc.modulesRequest({})).body.modules.filter((m) => m.name === 'hello');
  const eventsFor = (id: number, from: number) => dap.breakpointEvents.slice(from).filter((e) => e.breakpoint.id === id).map((e) => e.breakpoint);

  it('set before insmod (the machine running): unverified, the message says the module is not loaded', async () => {
    const r = await dap.dc.setBreakpointsRequest({ source: { path: src }, breakpoints: [{ line }] });
    bp = r.body.breakpoints[0];
    assert.equal(bp.verified, false);
    assert.match(bp.message ?? '', /no loaded code has hello\.c yet \(a module not loaded yet/);
    assert.equal(dap.moduleEvents.length, 0);
  });

  it('insmod: a breakpoint event binds it in the module, and it is hit before kmod_start has printed', async () => {
    const mark = dap.breakpointEvents.length;
    const from = dap.console.length;
    await dap.type('insmod hello.ko\n');
    const s = await dap.nextStop();
    assert.equal(s.reason, 'breakpoint');
    assert.deepEqual(s.hitBreakpointIds, [bp.id]);
    assert.ok(!dap.console.slice(from).includes('hello, kernel'), 'stopped before the module\'s init printed');
    const bound = eventsFor(bp.id!, mark).at(-1);
    assert.ok(bound, 'a breakpoint event for the module breakpoint');
    assert.equal(bound.verified, true);
    assert.equal(bound.line, line);
    // the new module, by event and in the modules request
    assert.deepEqual(dap.moduleEvents.map((e) => `${e.reason} ${e.module.name}`), ['new hello']);
    const [mod] = await helloModules();
    assert.ok(mod, 'the modules request lists hello');
    assert.equal(mod.symbolStatus, 'Symbols loaded.');
    const range = rangeOf(mod);
    const frames = await dap.frames(s.threadId!);
    const top = frames[0];
    assert.equal(plainName(top), 'kmod_start');
    assert.equal(top.source?.path, src);
    assert.equal(top.line, line);
    assert.equal(top.moduleId, mod.id, 'the frame belongs to the module');
    const pc = BigInt(top.instructionPointerReference!);
    assert.ok(pc >= range[0] && pc < range[1], `pc 0x${pc.toString(16)} in ${mod.addressRange}`);
    assert.equal(BigInt(bound.instructionReference!), pc);
    // below it the kernel's module loader, in the insmod task
    const names = frames.map(plainName);
    assert.deepEqual(names.slice(1, 3), ['module_load', 'sys_insmod'], names.join(' <- '));
    assert.equal(frames[1].line, lineOf(join(GUEST, 'kernel', 'module.c'), 'int rc = m->start();'), 'module_load calls the module\'s start');
    const label = frames.findIndex((f) => f.presentationHint === 'label');
    assert.match(frames[label]?.name ?? '', /trap from user mode \(insmod\)/, names.join(' <- '));
    assert.ok(frames.slice(label + 1).some((f) => plainName(f) === 'main' && /user[\\/]insmod\.c$/.test(f.source?.path ?? '')), names.join(' <- '));
    const thread = (await dap.threads()).find((t) => t.id === s.threadId);
    assert.match(thread?.name ?? '', /^pid \d+ insmod \(running on hart \d\)$/);
    // the module's own variables: its static, before and after the line runs
    const before = await dap.dc.evaluateRequest({ expression: 'times_greeted', frameId: top.id, context: 'watch' });
    assert.equal(before.body.result, '0');
    await dap.dc.nextRequest({ threadId: s.threadId! });
    const n = await dap.nextStop();
    assert.equal(n.reason, 'step');
    assert.equal(n.threadId, s.threadId);
    const after = await dap.frames(n.threadId!);
    assert.equal(plainName(after[0]), 'kmod_start');
    assert.equal(after[0].line, lineOf(src, 'kprintf("hello module: hello, kernel!'));
    const now = await dap.dc.evaluateRequest({ expression: 'times_greeted', frameId: after[0].id, context: 'watch' });
    assert.equal(now.body.result, '1');
    const sources = ((await dap.request<DebugProtocol.LoadedSourcesResponse['body']>('loadedSources', {})).sources).map((x) => x.path);
    assert.ok(sources.includes(src), 'loadedSources has the module\'s source');
    first = { pc, range };
    await dap.dc.continueRequest({ threadId: s.threadId! });
    await dap.waitConsole(/my code is at (0x[0-9a-f]+)\r?\n/, from);
    const at = BigInt(/my code is at (0x[0-9a-f]+)/.exec(dap.console.slice(from))![1]);
    assert.ok(at >= range[0] && at < range[1] && pc > at && pc < at + 0x40n, 'kmod_start, as the module prints it, is where the breakpoint was');
    await dap.waitConsole('$ ', from);
  });

  it('rmmod: the module goes (module event), the breakpoint is unverified again', async () => {
    const mark = dap.breakpointEvents.length;
    const from = dap.console.length;
    await dap.type('rmmod hello\n');
    await dap.waitConsole(/goodbye \(greeted 1 time\)/, from);
    await dap.waitConsole('$ ', from);
    const unbound = eventsFor(bp.id!, mark).at(-1);
    assert.ok(unbound, 'a breakpoint event when the module went');
    assert.equal(unbound.verified, false);
    assert.match(unbound.message ?? '', /not loaded/);
    assert.deepEqual(dap.moduleEvents.map((e) => `${e.reason} ${e.module.name}`), ['new hello', 'removed hello']);
    await dap.pause();
    assert.deepEqual(await helloModules(), []);
    assert.deepEqual((await dap.dc.modulesRequest({})).body.modules.map((m) => m.name), ['kernel.elf']);
    await dap.dc.continueRequest({ threadId: 1 });
  });

  it('a second insmod: bound at the module\'s new address, hit again', async () => {
    const mark = dap.breakpointEvents.length;
    const from = dap.console.length;
    await dap.type('insmod hello.ko\n');
    const s = await dap.nextStop();
    assert.equal(s.reason, 'breakpoint');
    assert.deepEqual(s.hitBreakpointIds, [bp.id]);
    const bound = eventsFor(bp.id!, mark).at(-1);
    assert.equal(bound?.verified, true);
    const [mod] = await helloModules();
    const range = rangeOf(mod);
    const top = (await dap.frames(s.threadId!))[0];
    const pc = BigInt(top.instructionPointerReference!);
    assert.equal(BigInt(bound!.instructionReference!), pc);
    assert.equal(top.source?.path, src);
    assert.equal(top.line, line);
    assert.ok(pc >= range[0] && pc < range[1]);
    assert.notEqual(pc, first.pc, 'module addresses are never reused: a new address');
    assert.equal(pc - range[0], first.pc - first.range[0], 'the same place in the module');
    assert.equal((await dap.dc.evaluateRequest({ expression: 'times_greeted', frameId: top.id, context: 'watch' })).body.result, '0', 'a fresh copy of the module');
    assert.deepEqual(dap.moduleEvents.map((e) => `${e.reason} ${e.module.name}`), ['new hello', 'removed hello', 'new hello']);
    assert.equal(dap.moduleEvents[2].module.addressRange, mod.addressRange);
    // cleared: lsmod runs through without a stop
    await dap.dc.setBreakpointsRequest({ source: { path: src }, breakpoints: [] });
    await dap.dc.continueRequest({ threadId: s.threadId! });
    await dap.waitConsole('$ ', from);
    const from2 = dap.console.length;
    await dap.type('lsmod\n');
    await dap.waitConsole('$ ', from2);
    assert.match(dap.console.slice(from2), new RegExp(`hello\\s+0x0*${range[0].toString(16)}`));
    assert.equal(dap.stops.length, dap.stops.indexOf(s) + 1, 'no further stop');
  });
});
