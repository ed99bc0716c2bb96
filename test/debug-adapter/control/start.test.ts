// RunControl's start (stopOnEntry, stopAt), bad request arguments answered without a throw,
// and the unexpected-M-mode-trap filter (the crash lesson's page fault sent to M-mode by
// clearing its medeleg bit). Oracles: nm (reset vector, kernel_main after its prologue as the
// symbols engine computes it), mcause/mtval semantics of the privileged spec.
import { strict as assert } from 'node:assert';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { regCsr } from '../../../emulator/target';
import { nm } from './support/sources';
import { Rig } from './support/test-host';

describe('debug-adapter/control: start and bad input (RunControl on the teaching kernel)', function () {
  this.timeout(120_000);
  const rigs: Rig[] = [];
  const rig = (smp = 1): Rig => { const r = new Rig(smp); rigs.push(r); return r; };
  after(async () => { for (const r of rigs) await r.close(); });

  it('stops at entry before the first instruction (stopOnEntry)', async () => {
    const r = rig();
    await r.rc.start({ stopOnEntry: true });
    assert.equal(r.stops[0]?.reason, 'entry');
    assert.equal(await r.port.machine.instructionCount(), 0n);
    assert.equal(await r.pc(0), 0x1000n, 'at the reset vector');
    // a step there (no line information) is one instruction
    await r.rc.next(r.stops[0].threadId);
    const s = await r.nextStop();
    assert.equal(s.reason, 'step');
    assert.equal(await r.port.machine.instructionCount(), 1n);
  });

  it('runs to a function (stopAt) and says so, or names the field when the function is unknown', async () => {
    const r = rig();
    await r.rc.start({ stopAt: 'kernel_main' });
    const s = await r.nextStop();
    assert.equal(s.reason, 'function breakpoint');
    assert.equal(await r.pc(s.hart), r.host.kernel.afterPrologue('kernel_main'));
    assert.ok(await r.pc(s.hart) >= nm(r.build.kernel, 'kernel_main'));
    assert.deepEqual(r.rc.machineBreakpoints().filter((a) => a === r.host.kernel.afterPrologue('kernel_main')), [], 'the temporary breakpoint is gone');
    const r2 = rig();
    await assert.rejects(r2.rc.start({ stopAt: 'no_such_function' }), /stopAt: no function "no_such_function"/);
  });

  it('answers bad breakpoint arguments with unverified breakpoints that say why, never a throw', async () => {
    const r = rig();
    const rc = r.rc;
    const bad = <T>(v: unknown): T => v as T;
    assert.deepEqual(await rc.setBreakpoints(bad({})), []);
    const [noPath] = await rc.setBreakpoints(bad({ source: {}, breakpoints: [{ line: 3 }] }));
    assert.equal(noPath.verified, false);
    assert.match(noPath.message!, /"source" needs a "path"/);
    const [badLine] = await rc.setBreakpoints(bad({ source: { path: '/x/kernel/main.c' }, breakpoints: [{ line: 'ten' }] }));
    assert.match(badLine.message!, /line "ten": expected a line number/);
    const [badLog] = await rc.setBreakpoints({ source: { path: '/x/main.c' }, breakpoints: [{ line: 5, logMessage: 'x={x' }] });
    assert.match(badLog.message!, /logMessage "x=\{x": a '\{' at 2 has no closing/);
    const [noFn] = await rc.setFunctionBreakpoints(bad({ breakpoints: [{ name: 42 }] }));
    assert.match(noFn.message!, /"name" must be a function name/);
    const [unknownFn] = await rc.setFunctionBreakpoints({ breakpoints: [{ name: 'no_such_function' }] });
    assert.match(unknownFn.message!, /no function no_such_function/);
    const [badData] = await rc.setDataBreakpoints(bad({ breakpoints: [{ dataId: 'nonsense', accessType: 'write' }] }));
    assert.match(badData.message!, /dataId "nonsense"/);
    const [badAccess] = await rc.setDataBreakpoints(bad({ breakpoints: [{ dataId: '0x80000000/8/x', accessType: 'sometimes' }] }));
    assert.match(badAccess.message!, /accessType "sometimes"/);
    assert.equal((await rc.dataBreakpointInfo(bad({}))).dataId, null);
    assert.deepEqual(await rc.breakpointLocations(bad({ source: {} })), []);
    const huge: DebugProtocol.BreakpointLocationsArguments = { source: { path: '/nowhere.c' }, line: 1, endLine: 2 ** 40 };
    assert.deepEqual(await rc.breakpointLocations(huge), []);
    await assert.rejects(rc.next(999_999), /thread 999999 is not running on a hart/);
    await assert.rejects(rc.exceptionInfo(1), /did not stop on an exception/);
    assert.ok(r.stops.length === 0);
  });

  it('stops on an unexpected trap into M-mode (a page fault the kernel no longer delegates)', async () => {
    const r = rig();
    await r.boot(['m-mode-trap', 'trap-loop']);
    await r.rc.pause();
    const p = await r.nextStop();
    assert.equal(p.reason, 'pause');
    // the kernel delegates every exception (medeleg 0xffff): take the load page fault back
    const medeleg = regCsr(0x302);
    await r.port.machine.writeRegister(0, medeleg, (await r.port.machine.readRegister(0, medeleg)) & ~(1n << 13n));
    await r.rc.continue();
    r.session.type('crash\n');
    const s = await r.nextStop();
    assert.equal(s.reason, 'exception');
    assert.equal(s.description, 'Paused on a trap into M-mode');
    const info = await r.rc.exceptionInfo(s.threadId);
    assert.equal(info.exceptionId, 'm-mode-trap');
    assert.match(info.description!, /^Unexpected trap into M-mode from S-mode: Load page fault at 0x10 \(mtval\), at pc 0x[0-9a-f]+ in lesson_peek$/);
    assert.equal(await r.pc(s.hart), nm(r.build.kernel, 'probe_trap'), 'stopped at mtvec');
  });
});
