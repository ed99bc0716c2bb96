// RunControl's breakpoints on the teaching kernel (in-process Machine, 2 harts, no DAP session):
// source breakpoints in a user program that no process runs yet (unverified, bound at the first
// hit in a process of that program, never firing in ls or sh, which run other code at the same
// address), function breakpoints with conditions, hit counts and log points, instruction and
// data breakpoints, breakpointLocations, and a module breakpoint set before insmod, bound at the
// kernel's load hook, unbound at rmmod and hit at the new address after a second insmod.
// Oracles: the sources (line numbers found by text), nm (addresses), readelf via the symbols of
// ls, the kernel's own console output.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SymbolFile } from '../../../symbols';
import { PROMPT } from '../../guest/support/console-session';
import { GUEST, lineOf, nm } from './support/sources';
import { Rig } from './support/test-host';

describe('debug-adapter/control: breakpoints (RunControl on the teaching kernel)', function () {
  this.timeout(180_000);
  let rig: Rig;

  before(async () => {
    rig = new Rig(2);
    await rig.boot();
  });
  after(async () => { await rig?.close(); });

  /** Types a shell line and lets the machine run until the next prompt (no stop expected). */
  async function run(line: string): Promise<string> {
    return rig.session.run(line, line + '\n', PROMPT, 60_000);
  }

  it('lists the lines of a source that have code (breakpointLocations)', async () => {
    const src = join(GUEST, 'user', 'hello.c');
    const main = lineOf(src, 'int main(');
    const locs = (await rig.rc.breakpointLocations({ source: { path: src }, line: 1, endLine: 20 })).map((l) => l.line);
    assert.ok(locs.includes(lineOf(src, 'printf("hello from')), `${locs}`);
    assert.ok(locs.includes(lineOf(src, 'return 0;')), `${locs}`);
    assert.ok(!locs.some((l) => l < main), `no code in the comment and includes above main: ${locs}`);
  });

  it('binds a breakpoint in a program when a process runs it, and it never fires in ls or sh', async () => {
    const src = join(GUEST, 'user', 'hello.c');
    const line = lineOf(src, 'printf("hello from');
    const [bp] = await rig.rc.setBreakpoints({ source: { path: src }, breakpoints: [{ line }] });
    assert.equal(bp.verified, false);
    assert.match(bp.message ?? '', /no process runs program hello yet/);
    const address = BigInt(bp.instructionReference!);
    // the same address is code of ls's main (and of sh): ls must pass over it without a stop
    const ls = SymbolFile.open(new Uint8Array(readFileSync(join(rig.build.userDir, 'ls'))));
    assert.equal(ls.functionAt(address)?.name, 'main');
    let machineHits = 0;
    const d = rig.port.machine.onStop((ev) => { if (ev.reason.kind === 'breakpoint' && ev.reason.pc === address) machineHits++; });
    const before = rig.stops.length;
    const out = await run('ls');
    assert.match(out, /hello\s+program/);
    assert.ok(machineHits >= 1, 'ls ran the breakpoint\'s address');
    assert.equal(rig.stops.length, before, 'no stop in ls');
    d.dispose();

    const changesBefore = rig.changes.length;
    rig.session.type('hello a b\n');
    const s = await rig.nextStop();
    assert.equal(s.reason, 'breakpoint');
    assert.deepEqual(s.hitBreakpointIds, [bp.id]);
    const w = await rig.where(s.hart);
    assert.equal(w.pc, address);
    assert.equal(w.kind, 'program');
    assert.equal(w.line, line);
    const task = await rig.host.awareness!.taskOnHart(s.hart);
    assert.equal(task?.name, 'hello');
    assert.equal(s.threadId, task?.tid);
    const bound = rig.changes.slice(changesBefore).find((c) => c.id === bp.id);
    assert.equal(bound?.verified, true, 'a breakpoint event says it is bound now');
    await rig.rc.setBreakpoints({ source: { path: src }, breakpoints: [] });
    await rig.rc.continue();
    await rig.session.waitFor(/hello from user space: pid \d+, 2 arguments 'a' 'b'/);
    await rig.session.waitFor(PROMPT);
  });

  it('stops at a function breakpoint only when its condition holds', async () => {
    const [bp] = await rig.rc.setFunctionBreakpoints({ breakpoints: [{ name: 'timer_interrupt', condition: 'this_hart_id_is_0_dummy == 0' }] });
    // an unknown name makes the condition an error: gdb stops and says so
    assert.equal(bp.verified, true);
    await rig.rc.continue();
    const s = await rig.nextStop();
    assert.equal(s.reason, 'function breakpoint');
    assert.ok(rig.host.outputs.some((o) => /Error in testing condition/.test(o.text) && /this_hart_id_is_0_dummy/.test(o.text)));
    await rig.rc.setFunctionBreakpoints({ breakpoints: [{ name: 'timer_interrupt', condition: 'ticks % 7 == 3' }] });
    for (let i = 0; i < 3; i++) {
      await rig.rc.continue();
      const t = await rig.nextStop();
      assert.equal(t.reason, 'function breakpoint');
      assert.equal((await rig.where(t.hart)).fn, 'timer_interrupt');
      const v = await rig.host.evaluateAt('ticks % 7', t.hart);
      assert.ok(v.ok);
      assert.equal(v.text, '3');
    }
    await rig.rc.setFunctionBreakpoints({ breakpoints: [] });
  });

  it('counts hits (hitCondition) and logs without stopping (log points)', async () => {
    const file = join(GUEST, 'kernel', 'file.c');
    const line = lineOf(file, 'u64 n = len - done < CHUNK');
    const [log] = await rig.rc.setBreakpoints({ source: { path: file }, breakpoints: [{ line, logMessage: 'file_write len={len} done={done}' }] });
    assert.equal(log.verified, true);
    assert.equal(log.line, line);
    // sys_getpid: hello calls it once per run; the second run's call stops
    const [bp] = await rig.rc.setFunctionBreakpoints({ breakpoints: [{ name: 'sys_getpid', hitCondition: '2' }] });
    assert.equal(bp.verified, true);
    const [bad] = await rig.rc.setFunctionBreakpoints({ breakpoints: [{ name: 'sys_getpid', hitCondition: 'twice' }] });
    assert.equal(bad.verified, false);
    assert.match(bad.message!, /hitCondition "twice": expected/);
    await rig.rc.setFunctionBreakpoints({ breakpoints: [{ name: 'sys_getpid', hitCondition: '2' }] });
    await rig.rc.continue();
    const first = await run('hello');
    const firstPid = Number(/pid (\d+)/.exec(first)![1]);
    rig.session.type('hello\n');
    const s = await rig.nextStop();
    assert.equal(s.reason, 'function breakpoint');
    const task = await rig.host.awareness!.taskOnHart(s.hart);
    assert.equal(task?.name, 'hello');
    assert.notEqual(task?.pid, firstPid, 'the second hello stops, not the first');
    const logs = rig.host.outputs.filter((o) => o.text.startsWith('file_write len='));
    assert.ok(logs.length >= 2, 'the first hello logged its writes');
    assert.ok(logs.every((o) => /^file_write len=\d+ done=\d+\n$/.test(o.text)), logs.map((o) => o.text).join(''));
    await rig.rc.setFunctionBreakpoints({ breakpoints: [] });
    await rig.rc.setBreakpoints({ source: { path: file }, breakpoints: [] });
    await rig.rc.continue();
    await rig.session.waitFor(PROMPT);
  });

  it('stops at an instruction breakpoint at its exact address', async () => {
    const at = nm(rig.build.kernel, 'sys_uptime');
    const [bp] = await rig.rc.setInstructionBreakpoints({ breakpoints: [{ instructionReference: '0x' + (at - 2n).toString(16), offset: 2 }] });
    assert.equal(bp.verified, true);
    const [bad] = await rig.rc.setInstructionBreakpoints({ breakpoints: [{ instructionReference: 'main+4' }] });
    assert.equal(bad.verified, false);
    assert.match(bad.message!, /instructionReference "main\+4"/);
    await rig.rc.setInstructionBreakpoints({ breakpoints: [{ instructionReference: '0x' + at.toString(16) }] });
    rig.session.type('uptime\n');
    const s = await rig.nextStop();
    assert.equal(s.reason, 'instruction breakpoint');
    assert.equal(await rig.pc(s.hart), at);
    await rig.rc.setInstructionBreakpoints({ breakpoints: [] });
    await rig.rc.continue();
    await rig.session.waitFor(PROMPT);
  });

  it('stops at a write of a watched variable (data breakpoint)', async () => {
    const info = await rig.rc.dataBreakpointInfo({ name: 'ticks' });
    assert.equal(info.dataId, `0x${nm(rig.build.kernel, 'ticks').toString(16)}/8/ticks`);
    assert.deepEqual(info.accessTypes, ['write', 'read', 'readWrite']);
    const none = await rig.rc.dataBreakpointInfo({ name: 'no_such_variable' });
    assert.equal(none.dataId, null);
    assert.match(none.description, /no_such_variable/);
    const [bp] = await rig.rc.setDataBreakpoints({ breakpoints: [{ dataId: info.dataId!, accessType: 'write' }] });
    assert.equal(bp.verified, true);
    await rig.rc.continue();
    const s = await rig.nextStop();
    assert.equal(s.reason, 'data breakpoint');
    assert.deepEqual(s.hitBreakpointIds, [bp.id]);
    assert.equal((await rig.where(s.hart)).fn, 'timer_interrupt');
    await rig.rc.setDataBreakpoints({ breakpoints: [] });
    await rig.rc.continue();
  });

  it('binds a module breakpoint set before insmod at the load hook, unbinds it at rmmod and hits the new address after a second insmod', async () => {
    const src = join(GUEST, 'modules', 'hello.c');
    const line = lineOf(src, 'times_greeted++;');
    const [bp] = await rig.rc.setBreakpoints({ source: { path: src }, breakpoints: [{ line }] });
    assert.equal(bp.verified, false);
    assert.match(bp.message!, /a module not loaded yet/);
    const mark = rig.changes.length;
    rig.session.type('insmod hello.ko\n');
    const s = await rig.nextStop();
    assert.equal(s.reason, 'breakpoint');
    const w = await rig.where(s.hart);
    assert.equal(w.kind, 'module');
    assert.equal(w.line, line);
    assert.equal(w.fn, 'kmod_start');
    assert.ok(!/hello, kernel/.test(rig.session.all), 'stopped before kmod_start printed');
    const bound = rig.changes.slice(mark).filter((c) => c.id === bp.id);
    assert.equal(bound.at(-1)?.verified, true);
    assert.equal(BigInt(bound.at(-1)!.instructionReference!), w.pc);
    const firstPc = w.pc;
    await rig.rc.continue();
    const loadedAt = /my code is at (0x[0-9a-f]+)/.exec(await rig.session.waitFor(/my code is at 0x[0-9a-f]+(?=\r?\n)/))![1];
    assert.ok(firstPc >= BigInt(loadedAt) && firstPc < BigInt(loadedAt) + 0x100n);
    await rig.session.waitFor(PROMPT);

    const mark2 = rig.changes.length;
    await run('rmmod hello');
    const unbound = rig.changes.slice(mark2).filter((c) => c.id === bp.id);
    assert.equal(unbound.at(-1)?.verified, false);
    assert.match(unbound.at(-1)!.message!, /not loaded/);
    assert.ok(!rig.rc.machineBreakpoints().includes(firstPc), 'the old address left the machine');

    rig.session.type('insmod hello.ko\n');
    const s2 = await rig.nextStop();
    const w2 = await rig.where(s2.hart);
    assert.equal(w2.line, line);
    assert.notEqual(w2.pc, firstPc, 'a new load lands at a new address');
    assert.deepEqual(rig.host.moduleEvents.map((e) => e.kind), ['load', 'unload', 'load']);
    await rig.rc.setBreakpoints({ source: { path: src }, breakpoints: [] });
    await rig.rc.continue();
    await rig.session.waitFor(PROMPT);
  });
});
