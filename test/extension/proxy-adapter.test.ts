// The extension's proxy (extension/src/adapter-host.ts + router.ts) over the real adapter
// process (the bundle as dist/kwb-dap.js is built) on the teaching kernel, as VS Code would drive
// it through DebugAdapterInlineImplementation: serial output reaches the terminal side and not the
// Debug Console, kwb/stats counts instructions, kwb/tasks lists the tasks with the threads' ids
// and finds the deadlock lesson's cycle, `monitor ...` from the Debug Console is answered, module
// events reach the Modules model, halt ends the session, and no process is left behind.
import { strict as assert } from 'node:assert';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AdapterProxy, ProcessBackend } from '../../extension/src/adapter-host';
import { SessionRouter } from '../../extension/src/router';
import { ModulesModel, TasksModel, type TasksBody } from '../../extension/src/models';
import { readReply } from '../../extension/src/commands';
import { OutputSanitizer } from '../../extension/src/serial';
import type { DapMessage } from '../../extension/src/wire';
import { Client } from './support/client';
import { buildGuestKernel, type GuestBuild } from '../guest/support/build';
import { adapterBundle } from '../debug-adapter/support/dap';
import { CACHE_DIR } from '../support/toolchain';

describe('extension: the proxy over the adapter process on the teaching kernel', function () {
  this.timeout(120_000);
  let build: GuestBuild;
  let backend: ProcessBackend;
  let router: SessionRouter;
  let c: Client;
  const modules = new ModulesModel();

  before(async () => {
    build = buildGuestKernel();
    backend = new ProcessBackend(adapterBundle(), { node: process.execPath });
    router = new SessionRouter({ serialToTerminal: true });
    router.onModule.event((e) => modules.event(e.reason, e.module));
    c = new Client(new AdapterProxy(backend, router), router);
    await c.ok('initialize', { adapterID: 'kernel', clientID: 'vscode', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    await c.ok('launch', { kernel: build.kernel, programs: build.userDir, moduleDirs: [build.moduleDir], profile: 'teaching', sourceFileMap: { '/nowhere/guest': '/here/guest' } });
    await c.until('initialized', () => c.events('initialized').length > 0);
    await c.ok('configurationDone');
    await c.until('the shell prompt', () => c.serial.includes('$ '));
  });

  after(async () => {
    c?.proxy.dispose();
    await backend?.exited();
  });

  it('sends the serial output to the terminal side only, never to the Debug Console', () => {
    assert.match(c.serial, /\$ $/m);
    const stdout = c.events('output').filter((m) => (m.body as { category?: string }).category === 'stdout');
    assert.equal(stdout.length, 0, 'no stdout output event reaches VS Code');
  });

  it('kwb/stats: running, one hart, instructions growing, virtual time', async () => {
    const a = await c.ok('kwb/stats');
    await new Promise((r) => setTimeout(r, 200));
    const b = await c.ok('kwb/stats');
    assert.equal(a.state, 'running');
    assert.equal(a.harts, 1);
    assert.ok(Number(a.instructions) > 0 && Number(b.instructions) >= Number(a.instructions), `${a.instructions} then ${b.instructions}`);
    assert.equal(b.frequencyHz, 10_000_000);
    assert.ok(Number(b.mtime) > 0);
  });

  it('typed input reaches the guest (kwb/serialInput) and its answer the terminal side', async () => {
    const before = c.serial.length;
    await c.ok('kwb/serialInput', { text: 'ls\r' });
    await c.until('ls output', () => /motd/.test(c.serial.slice(before)) && /\$ $/.test(c.serial));
  });

  it('binary garbage from the guest (cat hello.ko: an ELF file to the console) reaches the terminal safe, and the console goes on', async () => {
    const sanitizer = new OutputSanitizer();
    const mark = c.serial.length;
    await c.ok('kwb/serialInput', { text: 'cat hello.ko\r' });
    await c.until('the prompt after the garbage', () => /\$ $/.test(c.serial.slice(mark + 5)) && c.serial.length - mark > 2000);
    const raw = c.serial.slice(mark);
    assert.ok(/[\x00-\x08\x0e-\x1f\ufffd]/.test(raw), 'the guest really sent control bytes or invalid UTF-8');
    const safe = sanitizer.push(raw);
    assert.ok(!/[\x00-\x06\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/.test(safe), 'no control byte a terminal would obey');
    assert.ok(!/\x1b(?!\[[0-9;?]{0,24}[ -/]{0,2}[@-~])/.test(safe), 'no escape outside kept sequences');
    const before = c.serial.length;
    await c.ok('kwb/serialInput', { text: '\rls\r' });
    await c.until('ls after the garbage', () => /motd/.test(c.serial.slice(before)) && /\$ $/.test(c.serial));
  });

  it('kwb/tasks at a stop: the shell sleeping on console input, thread ids as the threads request gives them', async () => {
    const running = await c.send('kwb/tasks');
    assert.equal(running.success, false, 'no task list while the machine runs');
    assert.match(String(running.message), /running/);
    const stops = c.events('stopped').length;
    await c.ok('pause', { threadId: 1 });
    await c.until('the stop', () => c.events('stopped').length > stops);
    assert.equal(router.state, 'paused');
    const body = await c.ok<TasksBody>('kwb/tasks');
    assert.equal(body.awareness, true);
    const sh = body.tasks.find((t) => t.name === 'sh');
    assert.ok(sh, `sh among ${body.tasks.map((t) => t.name).join(', ')}`);
    assert.equal(sh.state, 'sleeping');
    assert.match(`${sh.waitReason} ${sh.waitText}`, /console/);
    assert.ok(body.tasks.some((t) => t.name === 'init'));
    const threads = (await c.ok('threads')).threads as Array<{ id: number; name: string }>;
    for (const t of body.tasks) assert.ok(threads.some((x) => x.id === t.threadId), `thread ${t.threadId} (${t.name}) is a thread`);
    assert.deepEqual(body.deadlocks, []);
    // the Tasks view's click: a stopped event for that thread, while paused
    const ev = router.focusEvent(sh.threadId);
    assert.equal((ev?.body as { threadId: number }).threadId, sh.threadId);
  });

  it('`monitor ...` in the Debug Console is answered by the monitor; unknown and unsupported commands say so', async () => {
    const r = await c.send('evaluate', { expression: 'monitor ps', context: 'repl' });
    assert.ok(r.success, String(r.message));
    assert.equal(r.command, 'evaluate');
    assert.match((r.body as { result: string }).result, /\bsh\b/);
    const info = await c.ok('kwb/monitor', { command: 'info' });
    assert.match(info.text, /harts: 1/);
    assert.deepEqual(readReply('bogus', await c.ok('kwb/monitor', { command: 'bogus' })), { kind: 'unsupported', message: 'The machine does not support `bogus` yet.' });
    const x = readReply('sysrq x', await c.ok('kwb/monitor', { command: 'sysrq x' }));
    assert.equal(x.kind, 'unsupported');
    const p = readReply('sysrq p', await c.ok('kwb/monitor', { command: 'sysrq p' }));
    assert.equal(p.kind, 'ok');
    assert.match((p as { text: string }).text, /^hart 0:\n  pc 0x[0-9a-f]+  \w.*\n\s+ra [0-9a-f]{16}\s+sp [0-9a-f]{16}\s+gp [0-9a-f]{16}\n/);
    const w = readReply('sysrq w', await c.ok('kwb/monitor', { command: 'sysrq w' }));
    assert.match((w as { text: string }).text, /^\d+ blocked tasks? \(sleeping\)\n[^]*pid \d+ \(sh\) sleeping[^]*#0 /);
    const l = readReply('sysrq l', await c.ok('kwb/monitor', { command: 'sysrq l' }));
    assert.equal(l.kind, 'ok');
    assert.doesNotMatch((l as { text: string }).text, /\(sh\) sleeping/, 'sysrq l shows only tasks on harts');
    const t = readReply('sysrq t', await c.ok('kwb/monitor', { command: 'sysrq t' }));
    assert.equal(t.kind, 'ok');
    assert.match((t as { text: string }).text, /pid \d+ \(sh\) sleeping/);
  });

  it('stop and go through the monitor are seen by the editor (continued, then stopped)', async () => {
    const cont = c.events('continued').length;
    assert.match((await c.ok('kwb/monitor', { command: 'go' })).text, /running/);
    await c.until('continued', () => c.events('continued').length > cont);
    assert.equal(router.state, 'running');
    const stops = c.events('stopped').length;
    assert.match((await c.ok('kwb/monitor', { command: 'stop' })).text, /paused/);
    await c.until('stopped', () => c.events('stopped').length > stops);
    assert.equal(router.state, 'paused');
    await c.ok('continue', { threadId: 1 });
  });

  it('insmod: the module event reaches the Modules model with symbols loaded', async () => {
    await c.ok('kwb/serialInput', { text: 'insmod hello.ko\r' });
    await c.until('the module event', () => modules.items.some((m) => m.label === 'hello'), 60_000);
    const hello = modules.items.find((m) => m.label === 'hello')!;
    assert.equal(hello.symbolsLoaded, true, hello.description);
    assert.match(hello.description, /^0x[0-9a-f]+ · [\d.]+ (KiB|B)/);
  });

  it('the deadlock lesson: kwb/tasks names the cycle and the Tasks model marks both workers', async () => {
    await c.until('prompt', () => /\$ $/.test(c.serial));
    await c.ok('kwb/serialInput', { text: 'deadlock\r' });
    // the program says when its workers are stuck
    await c.until('the deadlock', () => /both are stuck for good/.test(c.serial));
    const stops = c.events('stopped').length;
    await c.ok('pause', { threadId: 1 });
    await c.until('the stop', () => c.events('stopped').length > stops);
    const body = await c.ok<TasksBody>('kwb/tasks');
    assert.equal(body.deadlocks.length, 1, JSON.stringify(body.tasks.map((t) => [t.pid, t.name, t.state, t.waitReason])));
    assert.equal(body.deadlocks[0].pids.length, 2);
    assert.match(body.deadlocks[0].text, /^deadlock: pid \d+ \(deadlock\) waits for account[01]/);
    const model = new TasksModel();
    model.update(body);
    const marked = model.items.filter((i) => i.deadlocked);
    assert.deepEqual(marked.map((i) => i.threadId).sort(), [...body.deadlocks[0].threadIds].sort());
    assert.ok(marked.every((i) => i.description.startsWith('DEADLOCK · sleeping')));
    assert.equal(model.message, body.deadlocks[0].text);
  });

  it('reboot through the monitor while the guest runs: the machine starts again from power-on and boots to the shell', async () => {
    await c.ok('continue', { threadId: 1 });
    await c.until('running', () => router.state === 'running');
    const mark = c.serial.length;
    const r = await c.ok('kwb/monitor', { command: 'reboot' });
    assert.match(r.text, /machine reset/);
    await c.until('the shell again', () => /\$ $/.test(c.serial.slice(mark)));
    assert.equal((await c.ok('kwb/stats')).state, 'running');
    assert.ok(!modules.items.some((m) => m.label === 'hello'), 'the module is gone after the reset');
    // SysRq b is the same reset
    const again = c.serial.length;
    assert.match((await c.ok('kwb/monitor', { command: 'sysrq b' })).text, /^SysRq : Resetting\nmachine reset/);
    await c.until('the shell after SysRq b', () => /\$ $/.test(c.serial.slice(again)));
  });

  it('halt ends the session and the adapter process exits when the proxy is disposed', async () => {
    const pid = backend.pid!;
    const r = await c.ok('kwb/monitor', { command: 'halt' });
    assert.match(r.text, /halted/);
    await c.until('terminated', () => c.events('terminated').length > 0);
    assert.equal(router.state, 'ended');
    c.proxy.dispose();
    await backend.exited();
    assert.throws(() => process.kill(pid, 0), /ESRCH/);
  });
});

describe('extension: an adapter process that dies', function () {
  this.timeout(30_000);
  it('ends the session in VS Code with the reason (exit code and its last stderr line)', async () => {
    const dir = join(CACHE_DIR, 'extension-test');
    mkdirSync(dir, { recursive: true });
    const script = join(dir, 'dies.js');
    writeFileSync(script, "process.stderr.write('kwb-dap: out of cheese\\n'); process.exit(3);\n");
    const backend = new ProcessBackend(script, { node: process.execPath });
    const router = new SessionRouter({ serialToTerminal: true });
    const proxy = new AdapterProxy(backend, router);
    const got: DapMessage[] = [];
    proxy.onDidSendMessage((m) => got.push(m));
    await backend.exited();
    await new Promise((r) => setTimeout(r, 50));
    const out = got.find((m) => m.event === 'output');
    assert.match(String((out?.body as { output: string }).output), /the debug adapter ended: its process exited \(code 3\): kwb-dap: out of cheese/);
    assert.ok(got.some((m) => m.event === 'terminated'));
    assert.equal(router.state, 'ended');
    proxy.handleMessage({ seq: 1, type: 'request', command: 'threads' }); // to a dead process: no throw
    proxy.dispose();
  });
});
