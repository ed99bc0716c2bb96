// Breakpoints set and cleared while an attached QEMU runs, as VS Code sets them at any time:
// QEMU's stub takes packets only while stopped, so the RemoteTarget pauses it quietly for the
// Z/z packet and resumes it, and the user sees no stop for that. The kernel then stops at the
// breakpoint when the shell's command reaches it, and runs through once it is cleared.
import { strict as assert } from 'node:assert';
import { buildGuestKernel, type GuestBuild } from '../guest/support/build';
import { QemuPort } from '../guest/support/qemu-port';
import { ConsoleSession, PROMPT } from '../guest/support/console-session';
import { freePort } from '../gdbstub/support/qemu';
import { Dap, plainName } from './support/dap';
import { listening } from './support/listening';

describe('debug adapter: breakpoints set while an attached qemu-system-riscv64 runs', function () {
  this.timeout(180_000);
  let build: GuestBuild;
  let qemu: QemuPort;
  let con: ConsoleSession;
  let dap: Dap | undefined;

  before(async () => {
    build = buildGuestKernel();
    const port = await freePort();
    qemu = new QemuPort({ kernel: build.kernel, smp: 1 }, ['-S', '-gdb', `tcp:127.0.0.1:${port}`]);
    con = new ConsoleSession(qemu, 60_000);
    dap = new Dap();
    await dap.start();
    await listening(port);
    await dap.begin('attach', { target: `tcp:127.0.0.1:${port}`, kernel: build.kernel, stopOnEntry: false }, false);
    await con.waitFor(PROMPT, 90_000);
  });

  after(async () => {
    await dap?.stop();
    await qemu?.close();
  });

  it('a function breakpoint set while running is hit by the next command; cleared while running, the command runs through', async () => {
    const [bp] = (await dap!.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sys_uptime' }] })).body.breakpoints;
    assert.equal(bp.verified, true, JSON.stringify(bp));
    assert.equal(dap!.stops.length, 0, `the quiet pause for the insertion is not reported: ${JSON.stringify(dap!.stops)}`);
    con.type('uptime\n');
    const s = await dap!.nextStop(60_000);
    assert.equal(s.reason, 'function breakpoint', JSON.stringify(s));
    assert.deepEqual(s.hitBreakpointIds, [bp.id]);
    assert.equal(plainName((await dap!.frames(s.threadId!))[0]), 'sys_uptime');
    await dap!.dc.continueRequest({ threadId: s.threadId! });
    await con.waitFor(PROMPT);
    // cleared while running: the next uptime answers without a stop
    const stopsBefore = dap!.stops.length;
    assert.deepEqual((await dap!.dc.setFunctionBreakpointsRequest({ breakpoints: [] })).body.breakpoints, []);
    const out = await con.run('uptime', 'uptime\n');
    assert.match(out, /\d/);
    assert.equal(dap!.stops.length, stopsBefore, `no stop after the breakpoint was cleared: ${JSON.stringify(dap!.stops.slice(stopsBefore))}`);
  });
});
