// A DAP breakpoint and gdb on the adapter's gdbPort share one in-process Machine: the gdb stub's
// own module hook sits at module_loaded, as does run control's (and here a user breakpoint).
// gdb joining and leaving must not take the adapter's breakpoint with it (the Machine counts
// each address's holders): after gdb-multiarch connects and disconnects, `insmod hello.ko`
// typed on the console still stops at the DAP function breakpoint on module_loaded.
import { strict as assert } from 'node:assert';
import { buildGuestKernel, type GuestBuild } from '../guest/support/build';
import { GdbMi } from '../support/gdb-mi';
import { Dap, plainName } from './support/dap';

describe('debug adapter: a DAP breakpoint survives gdb leaving the gdbPort', function () {
  this.timeout(180_000);
  let build: GuestBuild;
  let dap: Dap;
  let gdb: GdbMi | undefined;

  before(async () => {
    build = buildGuestKernel();
    dap = new Dap();
    await dap.start();
    await dap.launchToShell({ kernel: build.kernel, gdbPort: 0 });
  });

  after(async () => {
    await gdb?.close();
    await dap?.stop();
  });

  it('stops at module_loaded on insmod after gdb-multiarch connected and disconnected', async () => {
    await dap.pause();
    const set = (await dap.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'module_loaded' }] })).body.breakpoints;
    assert.equal(set[0].verified, true, JSON.stringify(set));
    // gdb joins the stopped machine (its stub puts its own module hooks in) and leaves again
    gdb = await GdbMi.start({ file: build.kernel, timeoutMs: 60_000 });
    await gdb.command('-gdb-set mi-async on');
    gdb.clearStops();
    await gdb.command(`-target-select remote ${dap.gdbAddress()}`);
    const threads = (await gdb.command('-thread-info')).data.threads as unknown[];
    assert.ok(threads.length > 0, 'gdb sees the machine');
    await gdb.command('-target-detach');
    await gdb.close();
    gdb = undefined;
    dap.skipStops();
    await dap.dc.continueRequest({ threadId: 1 });
    const from = dap.console.length;
    await dap.type('insmod hello.ko\n');
    const stop = await dap.nextStop(60_000);
    assert.equal(stop.reason, 'function breakpoint', JSON.stringify(stop));
    const frames = await dap.frames(stop.threadId!);
    assert.equal(plainName(frames[0]), 'module_loaded');
    assert.doesNotMatch(dap.console.slice(from), /hello module: hello, kernel!/, 'stopped before the module\'s init ran');
    // and run control's own hook still saw the load: the module's symbols came with it
    await dap.dc.continueRequest({ threadId: stop.threadId! });
    await dap.waitConsole(/hello module: hello, kernel!/, from);
    assert.ok(dap.moduleEvents.some((e) => e.reason === 'new' && e.module.name === 'hello'), JSON.stringify(dap.moduleEvents));
  });
});
