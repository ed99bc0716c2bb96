// Per-process attach at the DAP level (launch configuration `process: "sh"`): only the shell's
// user breakpoints count. A breakpoint in ls's main is another process's program (unverified,
// saying so) and never stops, though sh and ls have code at the same address; a breakpoint in a
// user function both programs have (printf, by name) binds in sh only and stops in sh, not in ls
// calling it first; kernel breakpoints still stop any task. Oracles: the sources (lines by
// text), the programs' own symbols (readelf/nm of the build), the shell's output.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { buildGuestKernel, type GuestBuild } from '../../guest/support/build';
import { Dap, plainName } from '../support/dap';
import { GUEST, lineOf, nm } from '../control/support/sources';

describe('debug adapter workflow: per-process attach (process: "sh")', function () {
  this.timeout(120_000);
  let build: GuestBuild;
  let dap: Dap;

  before(async () => {
    build = buildGuestKernel();
    dap = new Dap();
    await dap.start();
    await dap.launchToShell({ kernel: build.kernel, process: 'sh' });
  });
  after(async () => { await dap?.stop(); });

  async function run(line: string): Promise<string> {
    const from = dap.console.length;
    await dap.type(line + '\n');
    await dap.waitConsole(/\n\$ $/, from);
    return dap.console.slice(from);
  }

  it('a breakpoint in ls\'s main is another process\'s program and does not stop, in ls or in sh', async () => {
    const ls = join(GUEST, 'user', 'ls.c');
    const line = lineOf(ls, 'int main(');
    const [bp] = (await dap.dc.setBreakpointsRequest({ source: { path: ls }, breakpoints: [{ line: line + 2 }] })).body.breakpoints;
    assert.equal(bp.verified, false);
    assert.match(bp.message ?? '', /^ls is another process's program \(only the attached process's breakpoints count\)$/);
    const stops = dap.stops.length;
    const out = await run('ls');
    assert.match(out, /sh\s+program/);
    assert.equal(dap.stops.length, stops, 'no stop in ls');
    await dap.dc.setBreakpointsRequest({ source: { path: ls }, breakpoints: [] });
  });

  it('a function breakpoint on printf (in every program) binds in sh only: ls\'s printf runs through, sh\'s stops', async () => {
    const [bp] = (await dap.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'printf' }] })).body.breakpoints;
    assert.equal(bp.verified, true, bp.message);
    const shPrintf = nm(join(build.userDir, 'sh'), 'printf');
    assert.ok(BigInt(bp.instructionReference!) >= shPrintf && BigInt(bp.instructionReference!) < shPrintf + 0x40n, 'bound in sh\'s printf');
    // ls prints its listing with printf first; the shell prints its prompt with printf after it
    const from = dap.console.length;
    await dap.type('ls\n');
    const s = await dap.nextStop();
    assert.equal(s.reason, 'function breakpoint');
    const thread = (await dap.threads()).find((t) => t.id === s.threadId);
    assert.match(thread?.name ?? '', /^pid 2 sh /, 'the stop is in the shell');
    assert.match(dap.console.slice(from), /init\s+program/, 'ls ran (and called its own printf) before');
    const frames = await dap.frames(s.threadId!);
    assert.equal(plainName(frames[0]), 'printf');
    assert.match(frames[0].source?.path ?? '', /user[\\/]print\.c$/);
    assert.ok(frames.some((f) => plainName(f) === 'main' && /user[\\/]sh\.c$/.test(f.source?.path ?? '')), 'called from sh.c');
    await dap.dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    const from2 = dap.console.length;
    await dap.dc.continueRequest({ threadId: s.threadId! });
    await dap.waitConsole('$ ', from2);
  });

  it('kernel breakpoints still stop whichever task gets there', async () => {
    const [bp] = (await dap.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sys_uptime' }] })).body.breakpoints;
    assert.equal(bp.verified, true);
    await dap.type('uptime\n');
    const s = await dap.nextStop();
    assert.equal(s.reason, 'function breakpoint');
    assert.match((await dap.threads()).find((t) => t.id === s.threadId)?.name ?? '', /^pid \d+ uptime /);
    await dap.dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dap.dc.continueRequest({ threadId: s.threadId! });
    await dap.waitConsole(/up \d+\.\d+ seconds/);
  });
});
