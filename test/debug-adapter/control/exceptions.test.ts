// RunControl's exception filters on the teaching kernel (in-process Machine, 2 harts): pause
// while the guest spins in a storm of traps through a watched vector (every timer interrupt from
// user mode is an internal stop); the crash lesson stops on the S-mode page fault filter at the
// faulting instruction, with the faulting function on top and exceptionInfo in words; continuing
// takes the fault, and the panic filter stops in panic_at with the message the kernel then
// prints. Oracles: the kernel's own panic line (pc, function+offset, address), scause/stval,
// the sources.
import { strict as assert } from 'node:assert';
import { REG_PC } from '../../../emulator/target';
import { EXCEPTION_FILTERS } from '../../../debug-adapter/control/exceptions';
import { PROMPT } from '../../guest/support/console-session';
import { join } from 'node:path';
import { GUEST, lineOf } from './support/sources';
import { Rig } from './support/test-host';

describe('debug-adapter/control: exception filters and pause (RunControl on the teaching kernel)', function () {
  this.timeout(180_000);
  let rig: Rig;

  before(async () => {
    rig = new Rig(2);
    await rig.boot(['panic', 'page-fault', 'illegal-instruction', 'trap-loop']);
  });
  after(async () => { await rig?.close(); });

  it('offers the filters with ids, labels and defaults', () => {
    assert.deepEqual(rig.rc.exceptionFilters.map((f) => f.filter), ['panic', 'page-fault', 'illegal-instruction', 'm-mode-trap', 'trap-loop']);
    assert.ok(EXCEPTION_FILTERS.every((f) => f.label && f.description));
  });

  it('rejects an unknown filter by name', async () => {
    const r = await rig.rc.setExceptionBreakpoints({ filters: ['panic', 'page-fault', 'illegal-instruction', 'trap-loop', 'segfault'] });
    assert.deepEqual(r.map((b) => b.verified), [true, true, true, true, false]);
    assert.match(r[4].message!, /exception filter "segfault": expected one of/);
  });

  it('pauses a spinning guest in a storm of internal trap stops', async () => {
    // a conditional breakpoint in spin's loop whose condition never holds, and the watched trap
    // vectors (every trap from user mode): the machine stops internally thousands of times a second
    const spinSrc = join(GUEST, 'user', 'spin.c');
    const [bp] = await rig.rc.setBreakpoints({ source: { path: spinSrc }, breakpoints: [{ line: lineOf(spinSrc, 'counter++;'), condition: 'i < 0' }] });
    assert.match(bp.message ?? '', /no process runs program spin yet/);
    await rig.session.run('spin', 'spin &\n');
    let internal = 0;
    const d = rig.port.machine.onStop((ev) => { if (ev.reason.kind === 'breakpoint') internal++; });
    // wait for the storm by count, not by wall time (a loaded machine runs the guest slowly)
    const until = Date.now() + 60_000;
    while (internal < 100 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const before = rig.stops.length;
    const t0 = performance.now();
    await rig.rc.pause();
    const s = await rig.nextStop();
    const ms = performance.now() - t0;
    d.dispose();
    assert.equal(s.reason, 'pause');
    assert.equal(rig.stops.length, before + 1, 'only the pause reached the user');
    assert.ok(internal >= 100, `the guest was trapping through a watched vector (${internal} internal stops within 60 s)`);
    console.log(`      pause in a trap storm (${internal} internal stops before it): stopped event after ${ms.toFixed(1)} ms`);
    const spin = (await rig.host.awareness!.tasks()).find((t) => t.name === 'spin');
    assert.ok(spin, 'spin runs');
    await rig.rc.setBreakpoints({ source: { path: spinSrc }, breakpoints: [] });
    await rig.rc.continue();
    await rig.session.run('kill', `kill ${spin.pid}\n`);
  });

  it('stops the crash lesson at the faulting instruction on the page fault filter, and then on the panic filter with its message', async () => {
    rig.session.type('crash\n');
    const s = await rig.nextStop();
    assert.equal(s.reason, 'exception');
    assert.equal(s.description, 'Paused on page fault');
    assert.equal(s.text, 'Load page fault');
    const w = await rig.where(s.hart);
    assert.equal(w.fn, 'lesson_peek', 'the faulting function on top');
    assert.equal(w.priv, 1, 'in S-mode, as when it faulted');
    const info = await rig.rc.exceptionInfo(s.threadId);
    assert.equal(info.exceptionId, 'page-fault');
    assert.match(info.description!, /^Load page fault at 0x10 \(stval\) in the kernel \(S-mode\), at pc 0x[0-9a-f]+ in lesson_peek$/);
    assert.ok(info.description!.includes(`0x${w.pc.toString(16)}`));
    await assert.rejects(rig.rc.exceptionInfo(s.threadId + 1000), /did not stop on an exception/);

    await rig.rc.continue();
    const p = await rig.nextStop();
    assert.equal(p.reason, 'exception');
    assert.equal(p.description, 'Paused on kernel panic');
    const pw = await rig.where(p.hart);
    assert.equal(pw.fn, 'panic_at');
    const pinfo = await rig.rc.exceptionInfo(p.threadId);
    assert.equal(pinfo.exceptionId, 'panic');
    const message = pinfo.details!.message!;
    assert.equal(p.text, message);
    // the kernel's own words, printed once it runs on
    await rig.rc.continue();
    const printed = /panic on hart \d+: ([^\r\n]*)\r?\n/.exec(await rig.session.waitFor(/panic on hart \d+: [^\r\n]*\r?\n/))![1];
    assert.equal(message, printed);
    assert.match(printed, new RegExp(`kernel load page fault at pc 0x${w.pc.toString(16)} \\(lesson_peek\\+0x[0-9a-f]+\\), address 0x10`));
    await rig.rc.pause();
    await rig.nextStop();
    assert.notEqual(await rig.port.machine.readRegister(p.hart, REG_PC), 0n);
  });
});
