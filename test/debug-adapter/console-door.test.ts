// The management console's third door (issue 16): each console command through the debug
// adapter's `kwb/monitor` request on the teaching kernel, launched in the adapter process:
// version, info, stop, go, log (into the serial output), save/list/load in the launch's
// checkpointDir (the loaded state shows: a stopped event, a global's saved value, the shell
// answering on), cad (the guest's SysRq b restarts it), sysrq m (the guest prints on serial),
// sysrq t (the debugger's task list), regs, pagetable, the Debug Console's `monitor` with the
// same control, and halt last. Then the launch fields checkpointDir and checkpoint, and their
// refusals naming the field.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGuestKernel } from '../guest/support/build';
import { Dap } from './support/dap';

const monitor = async (dap: Dap, command: string): Promise<string> => (await dap.request<{ text: string }>('kwb/monitor', { command })).text;

describe('debug adapter: the management console through kwb/monitor', function () {
  this.timeout(180_000);
  let kernel: string;
  let dir: string;
  let dap: Dap;
  const checkpoints = () => join(dir, 'cps');

  before(async () => {
    kernel = buildGuestKernel().kernel;
    dir = mkdtempSync(join(tmpdir(), 'kwb-dap-console-'));
    dap = new Dap();
    await dap.start();
    await dap.launchToShell({ kernel, checkpointDir: checkpoints() });
  });
  after(async () => {
    await dap?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The innermost frame of the stop just reported. */
  const topFrame = async (): Promise<number> => {
    const s = dap.stops[dap.stops.length - 1];
    return (await dap.frames(s.threadId!))[0].id;
  };
  const ticks = async (): Promise<bigint> => BigInt((await dap.dc.evaluateRequest({ expression: 'ticks', frameId: await topFrame(), context: 'watch' })).body.result);

  it('version and info', async () => {
    assert.equal(await monitor(dap, 'version'), 'Kernel Workbench debug adapter\n');
    assert.match(await monitor(dap, 'info'), /harts: 1/);
  });

  it('log writes a marked line into the serial output, on a line of its own', async () => {
    const mark = dap.console.length;
    assert.equal(await monitor(dap, 'log hello from the adapter'), 'logged\n');
    await dap.waitConsole('[kwb log] hello from the adapter\r\n', mark);
    // the shell's prompt was the last thing on the line: the log line starts a new one
    assert.match(dap.console.slice(mark), /^\r\n\[kwb log\] hello from the adapter\r\n/);
  });

  it('sysrq m goes to the running guest, which prints its memory use on serial', async () => {
    const mark = dap.console.length;
    assert.match(await monitor(dap, 'sysrq m'), /sent to the guest/);
    await dap.waitConsole(/sysrq: Show Memory\r?\n\d+ pages of \d+ KiB: \d+ in use, \d+ free/, mark);
  });

  it('stop pauses through run control (a stopped event); sysrq t, regs and pagetable answer at the stop', async () => {
    dap.skipStops();
    assert.match(await monitor(dap, 'stop'), /paused/);
    const s = await dap.nextStop();
    assert.equal(s.reason, 'pause');
    assert.match(await monitor(dap, 'sysrq t'), /pid \d+ \(sh\) sleeping/);
    assert.match(await monitor(dap, 'regs'), /^hart 0:\n[^]*\n  satp +0x8[0-9a-f]{15} +MODE=Sv39/);
    // the kernel's text through the stopped hart's satp
    assert.match(await monitor(dap, 'pagetable 0x80000000'), /^satp 0x8[0-9a-f]{15}, VA 0x80000000\n  L2 PTE at 0x[0-9a-f]+ = [^]*\nVA 0x80000000 -> PA 0x[0-9a-f]+ \(/);
  });

  it('save, list, and load at a stop: a new stop at the saved state, a global as it was saved', async () => {
    assert.equal(await monitor(dap, 'list'), `no checkpoints in ${checkpoints()}\n`);
    const saved = await ticks();
    assert.match(await monitor(dap, 'save before'), new RegExp(`^saved before \\(\\d+ bytes in ${join(checkpoints(), 'before.kwbcp').replace(/[.]/g, '\\.')}\\)\n$`));
    assert.equal(await monitor(dap, 'list'), 'before\n');
    // change the state: a value written, and the machine run on
    await dap.dc.customRequest('setExpression', { expression: 'ticks', value: String(saved + 100000n), frameId: await topFrame() });
    assert.equal(await ticks(), saved + 100000n);
    dap.skipStops();
    assert.match(await monitor(dap, 'load before'), /^loaded before from /);
    const s = await dap.nextStop();
    assert.equal(s.reason, 'checkpoint');
    assert.equal(s.description, 'Loaded checkpoint before');
    assert.ok((await dap.threads()).some((t) => t.id === s.threadId), 'the stop names a thread of the loaded state');
    assert.equal(await ticks(), saved, 'the frames and values are read again, at the saved state');
  });

  it('go runs the loaded machine on: the shell answers as after the save', async () => {
    assert.match(await monitor(dap, 'go'), /running/);
    const mark = dap.console.length;
    await dap.type('uptime\n');
    await dap.waitConsole(/up \d+\.\d\d seconds\r?\n\$ /, mark);
  });

  it('load while running: paused, loaded, running on (no stop left behind)', async () => {
    const mark = dap.console.length;
    assert.match(await monitor(dap, 'load before'), /^loaded before/);
    assert.equal((await dap.request<{ state: string }>('kwb/stats', {})).state, 'running');
    await dap.type('uptime\n');
    await dap.waitConsole(/up \d+\.\d\d seconds\r?\n\$ /, mark);
  });

  it('the Debug Console\'s monitor has the same control: list and log', async () => {
    dap.skipStops();
    await monitor(dap, 'stop');
    await dap.nextStop();
    const r = await dap.dc.evaluateRequest({ expression: 'monitor list', frameId: await topFrame(), context: 'repl' });
    assert.equal(r.body.result.trim(), 'before');
    const mark = dap.console.length;
    await dap.dc.evaluateRequest({ expression: 'monitor log from the Debug Console', frameId: await topFrame(), context: 'repl' });
    await dap.waitConsole('[kwb log] from the Debug Console', mark);
    assert.match(await monitor(dap, 'go'), /running/);
  });

  it('bad names and missing checkpoints are answered, the machine unchanged', async () => {
    assert.match(await monitor(dap, 'save ../x'), /checkpoint name "\.\.\/x" is not a plain name/);
    assert.match(await monitor(dap, 'load nothere'), /no checkpoint nothere in /);
    assert.equal((await dap.request<{ state: string }>('kwb/stats', {})).state, 'running');
  });

  it('cad: the guest restarts itself (its SysRq b) and boots to the shell again', async () => {
    const mark = dap.console.length;
    assert.match(await monitor(dap, 'cad'), /Ctrl-Alt-Del/);
    await dap.waitConsole('sysrq: Resetting', mark);
    await dap.waitConsole('$ ', dap.console.indexOf('sysrq: Resetting', mark));
  });

  it('halt powers off and ends the session', async () => {
    const ended = dap.dc.waitForEvent('terminated');
    assert.match(await monitor(dap, 'halt'), /halted/);
    await ended;
  });
});

describe('debug adapter: launch fields checkpointDir and checkpoint', function () {
  this.timeout(120_000);
  let kernel: string;
  let dir: string;
  before(() => {
    kernel = buildGuestKernel().kernel;
    dir = mkdtempSync(join(tmpdir(), 'kwb-dap-cpfield-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const launchFails = async (args: Record<string, unknown>): Promise<string> => {
    const dap = new Dap();
    await dap.start();
    try {
      await dap.dc.initializeRequest({ adapterID: 'kernel' });
      await dap.dc.launchRequest(args as never);
    } catch (e) {
      return (e as Error).message;
    } finally { await dap.stop(); }
    return assert.fail(`launch succeeded with ${JSON.stringify(args)}`);
  };

  it('refuses a wrong checkpointDir and a missing or foreign checkpoint, naming the field', async () => {
    assert.match(await launchFails({ kernel, checkpointDir: 7 }), /checkpointDir: expected the folder for the console's checkpoints/);
    assert.match(await launchFails({ kernel, checkpoint: join(dir, 'none.kwbcp') }), /checkpoint: the checkpoint file '.*none\.kwbcp' does not exist/);
    const junk = join(dir, 'junk.kwbcp');
    writeFileSync(junk, 'not a checkpoint');
    assert.match(await launchFails({ kernel, checkpoint: junk }), /checkpoint: checkpoint '.*junk\.kwbcp' refused: /);
  });

  it('defaults checkpointDir to .kwb/checkpoints under cwd; checkpoint starts the machine from a saved state', async () => {
    const cwd = join(dir, 'ws');
    mkdirSync(cwd);
    const a = new Dap();
    await a.start();
    let saved: bigint;
    try {
      await a.launchToShell({ kernel, cwd });
      a.skipStops();
      await monitor(a, 'stop');
      const s = await a.nextStop();
      const frame = (await a.frames(s.threadId!))[0].id;
      saved = BigInt((await a.dc.evaluateRequest({ expression: 'ticks', frameId: frame, context: 'watch' })).body.result);
      assert.match(await monitor(a, 'save boot'), /^saved boot/);
    } finally { await a.stop(); }
    assert.deepEqual(readdirSync(join(cwd, '.kwb', 'checkpoints')), ['boot.kwbcp']);

    const b = new Dap();
    await b.start();
    try {
      const first = await b.begin('launch', { kernel, cwd, checkpoint: '.kwb/checkpoints/boot.kwbcp', stopOnEntry: true }, true);
      const frame = (await b.frames(first!.body.threadId!))[0].id;
      assert.equal(BigInt((await b.dc.evaluateRequest({ expression: 'ticks', frameId: frame, context: 'watch' })).body.result), saved, 'the first stop is at the saved state');
      await b.dc.continueRequest({ threadId: first!.body.threadId! });
      const mark = b.console.length;
      await b.type('uptime\n');
      await b.waitConsole(/up \d+\.\d\d seconds\r?\n\$ /, mark);
    } finally { await b.stop(); }
    assert.ok(existsSync(join(cwd, '.kwb', 'checkpoints', 'boot.kwbcp')));
  });
});
