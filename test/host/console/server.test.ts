// The control socket over a scripted target: the line protocol (one JSON reply per line, in
// order), mode 0600, several clients at once, garbage and huge lines refused without touching
// the machine, stale and foreign paths, and the console commands' answers through it (sysrq to
// the guest, log, checkpoints by name, media change unavailable without MachineControl.media).
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MachineControl } from '../../../gdbstub/machine-control';
import type { MonitorContext } from '../../../gdbstub/monitor/types';
import { ConsoleClient, consoleRequest } from '../../../host/console/client';
import { checkpointFolder } from '../../../host/console/checkpoints';
import { MAX_LINE_BYTES } from '../../../host/console/protocol';
import { startConsoleServer, type ConsoleServer } from '../../../host/console/server';
import { FakeTarget } from '../../gdbstub/support/fake-target';

describe('host/console: the control socket', () => {
  let dir: string;
  let path: string;
  let server: ConsoleServer;
  let target: FakeTarget;
  let sysrqs: string[];
  let logged: string[];
  let commands: number;
  let control: MachineControl;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kwb-console-'));
    path = join(dir, 'console.sock');
    target = new FakeTarget();
    sysrqs = []; logged = []; commands = 0;
    control = {
      version: 'KWB console test',
      sysrq: async (k) => { sysrqs.push(k); },
      log: (t) => { logged.push(t); },
      checkpoints: checkpointFolder(join(dir, 'cps')),
    };
    const ctx = (): MonitorContext => ({ target, control, hart: 0, freeRun: async () => undefined, isFreeRunning: () => false });
    server = await startConsoleServer({ path, context: ctx, beforeCommand: () => { commands++; } });
  });
  afterEach(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is a socket only its owner may use (0600) and answers one JSON line per command', async () => {
    const st = statSync(path);
    assert.ok(st.isSocket());
    assert.equal(st.mode & 0o777, 0o600);
    assert.deepEqual(await consoleRequest(path, 'version'), { ok: true, text: 'KWB console test\n' });
    const help = await consoleRequest(path, 'help');
    for (const c of ['help', 'info', 'stop', 'go', 'version', 'cad', 'log TEXT', 'list', 'save NAME', 'load NAME', 'config DEV=FILE', 'remove DEV', 'sysrq KEY', 'pagetable', 'regs']) {
      assert.match(help.text, new RegExp(`^  ${c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'm'), c);
    }
    const bad = await consoleRequest(path, 'fly away');
    assert.equal(bad.ok, false);
    assert.match(bad.text, /unknown monitor command "fly"/);
    const usage = await consoleRequest(path, 'version 2');
    assert.deepEqual(usage, { ok: false, text: 'version: usage: version\n' });
  });

  it('answers several lines of one client in order, and two clients at once', async () => {
    const a = await ConsoleClient.connect(path);
    const b = await ConsoleClient.connect(path);
    try {
      assert.equal(server.clients(), 2);
      const replies = await Promise.all([a.request('version'), b.request('log from b'), a.request('log from a'), b.request('list'), a.request('nosuch')]);
      assert.deepEqual(replies.map((r) => r.ok), [true, true, true, true, false]);
      assert.deepEqual([...logged].sort(), ['from a', 'from b']);
      assert.match(replies[3].text, /no checkpoints in .*cps/);
    } finally { a.close(); b.close(); }
  });

  it('takes a line split across writes, and CR LF', async () => {
    const c = await ConsoleClient.connect(path);
    try {
      const reply = c.nextReply();
      c.writeRaw('vers');
      await new Promise((r) => setTimeout(r, 20));
      c.writeRaw('ion\r\n');
      assert.deepEqual(await reply, { ok: true, text: 'KWB console test\n' });
    } finally { c.close(); }
  });

  it('refuses garbage with an error and keeps serving: not UTF-8, control characters, empty lines', async () => {
    const c = await ConsoleClient.connect(path);
    try {
      const r1 = c.nextReply();
      c.writeRaw(Buffer.from([0x73, 0x79, 0xff, 0xfe, 0x0a]));
      assert.deepEqual(await r1, { ok: false, text: 'the command line is not UTF-8 text\n' });
      const r2 = c.nextReply();
      c.writeRaw('sysrq \u001b[A t\n');
      assert.deepEqual(await r2, { ok: false, text: 'the command line holds control character 0x1b\n' });
      const r3 = c.nextReply();
      c.writeRaw('   \n');
      assert.equal((await r3).ok, false);
      assert.deepEqual(sysrqs, [], 'nothing reached the machine');
      assert.equal(commands, 0, 'no command ran');
      assert.equal((await c.request('version')).ok, true, 'the same connection still works');
    } finally { c.close(); }
  });

  it('a line longer than the limit gets an error and the connection is closed; other clients go on', async () => {
    const other = await ConsoleClient.connect(path);
    const c = await ConsoleClient.connect(path);
    try {
      const reply = c.nextReply();
      c.writeRaw('log ' + 'x'.repeat(MAX_LINE_BYTES * 4));
      const r = await reply;
      assert.equal(r.ok, false);
      assert.match(r.text, new RegExp(`too long \\(at most ${MAX_LINE_BYTES} bytes`));
      await assert.rejects(c.request('version'), /closed the console connection|EPIPE|ECONNRESET/);
      assert.deepEqual(logged, []);
      assert.equal((await other.request('version')).ok, true);
      // exactly at the limit is fine (the newline counts)
      const long = 'log ' + 'y'.repeat(MAX_LINE_BYTES - 5);
      assert.equal(Buffer.byteLength(long) + 1, MAX_LINE_BYTES);
      const ok = await other.request(long);
      assert.match(ok.text, /at most 1024/, 'the command itself refuses so long a text');
    } finally { other.close(); c.close(); }
  });

  it('sysrq: m and c and --guest go to the guest through MachineControl.sysrq; t and p without awareness too; bad keys are usage errors', async () => {
    for (const line of ['sysrq m', 'sysrq c', 'sysrq --guest x', 'sysrq --guest 7', 'sysrq t', 'sysrq p']) {
      const r = await consoleRequest(path, line);
      assert.equal(r.ok, true, `${line}: ${r.text}`);
      assert.match(r.text, /sent to the guest \(BREAK \+ \w on its serial line\); it answers on its serial console once it runs \(the machine is paused\)/);
    }
    assert.deepEqual(sysrqs, ['m', 'c', 'x', '7', 't', 'p']);
    for (const line of ['sysrq', 'sysrq tt', 'sysrq ?', 'sysrq x', 'sysrq --guest', 'sysrq --guest ab', 'sysrq t p']) {
      const r = await consoleRequest(path, line);
      assert.equal(r.ok, false, line);
      assert.match(r.text, /^sysrq: usage: sysrq KEY, KEY one of: t .*; m \(.*; c \(.*--guest KEY/);
    }
    assert.equal(sysrqs.length, 6);
    const cad = await consoleRequest(path, 'cad');
    assert.match(cad.text, /^Ctrl-Alt-Del \(SysRq b, restart\) sent to the guest/);
    assert.equal(sysrqs.at(-1), 'b');
  });

  it('without a serial line (an RSP target) the guest-only keys say why, p is the debugger\'s', async () => {
    delete control.sysrq;
    const m = await consoleRequest(path, 'sysrq m');
    assert.deepEqual(m, { ok: false, text: 'sysrq: this target has no serial line the debugger can send a BREAK on, so the guest\'s SysRq is out of reach\n' });
    const p = await consoleRequest(path, 'sysrq p');
    assert.equal(p.ok, true);
    assert.match(p.text, /^hart 0:\n  pc 0x80000000/);
    assert.match((await consoleRequest(path, 'help')).text, /^(?![\s\S]*\bcad\b)/, 'cad is not offered');
  });

  it('log TEXT writes through MachineControl.log; an empty or huge text is an error', async () => {
    assert.deepEqual(await consoleRequest(path, 'log  hello   world'), { ok: true, text: 'logged\n' });
    assert.deepEqual(logged, ['hello world']);
    assert.equal((await consoleRequest(path, 'log')).ok, false);
    assert.equal((await consoleRequest(path, 'log ' + 'z'.repeat(2000))).ok, false);
    assert.equal(logged.length, 1);
  });

  it('list names the checkpoint files; save and load say they are not available without the file code; names are checked', async () => {
    mkdirSync(join(dir, 'cps'));
    writeFileSync(join(dir, 'cps', 'b.kwbcp'), 'x');
    writeFileSync(join(dir, 'cps', 'a.kwbcp'), 'x');
    writeFileSync(join(dir, 'cps', 'notes.txt'), 'x');
    assert.deepEqual(await consoleRequest(path, 'list'), { ok: true, text: 'a\nb\n' });
    assert.deepEqual(await consoleRequest(path, 'save one'), { ok: false, text: 'save: checkpoints are not available yet (the checkpoint file code is not built in)\n' });
    assert.equal((await consoleRequest(path, 'load a')).ok, false);
    for (const bad of ['save ../x', 'save .hidden', 'load a/b', 'save', 'save a b', 'load -rf']) {
      const r = await consoleRequest(path, bad);
      assert.equal(r.ok, false, bad);
      assert.match(r.text, /not a plain name|usage: (save|load) NAME/, bad);
    }
  });

  it('save and load go through the checkpoint file functions given, by NAME.kwbcp in the folder', async () => {
    const calls: string[] = [];
    control.checkpoints = checkpointFolder(join(dir, 'cps2'), {
      save: async (p) => { calls.push(`save ${p}`); writeFileSync(p, 'cp'); },
      load: async (p) => { calls.push(`load ${p}`); },
    });
    assert.deepEqual(await consoleRequest(path, 'save s1'), { ok: true, text: `saved s1 (2 bytes in ${join(dir, 'cps2', 's1.kwbcp')})\n` });
    assert.deepEqual(await consoleRequest(path, 'list'), { ok: true, text: 's1\n' });
    assert.equal((await consoleRequest(path, 'load s1')).text, `loaded s1 from ${join(dir, 'cps2', 's1.kwbcp')}\n`);
    assert.deepEqual(await consoleRequest(path, 'load s2'), { ok: false, text: `load: no checkpoint s2 in ${join(dir, 'cps2')}\n` });
    assert.deepEqual(calls, [`save ${join(dir, 'cps2', 's1.kwbcp')}`, `load ${join(dir, 'cps2', 's1.kwbcp')}`]);
  });

  it('config and remove check their arguments and say why media change is not available on a target without it', async () => {
    assert.deepEqual(await consoleRequest(path, 'config vdb=/tmp/x.img'), { ok: false, text: 'config: media change is not available on this target\n' });
    assert.deepEqual(await consoleRequest(path, 'remove vdb'), { ok: false, text: 'remove: media change is not available on this target\n' });
    assert.match((await consoleRequest(path, 'config vdb')).text, /usage: config DEV=FILE/);
    assert.match((await consoleRequest(path, 'remove')).text, /usage: remove DEV/);
  });

  it('close removes the socket; a stale socket file is replaced; a file or a live console at the path is refused', async () => {
    await server.close();
    assert.ok(!existsSync(path));
    await assert.rejects(consoleRequest(path, 'version'), /no such file \(is the machine running with --console-socket/);

    // a stale socket (its process killed, the file left behind) is taken over
    const killed = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    assert.equal(killed.signal, 'SIGKILL');
    assert.ok(statSync(path).isSocket(), 'the killed process left its socket file');
    await assert.rejects(consoleRequest(path, 'version'), /nothing listens on this socket/);
    const ctx = (): MonitorContext => ({ target, control, hart: 0, freeRun: async () => undefined, isFreeRunning: () => false });
    server = await startConsoleServer({ path, context: ctx });
    assert.equal((await consoleRequest(path, 'version')).ok, true);
    await assert.rejects(startConsoleServer({ path, context: ctx }), /another machine's console is listening there/);
    await server.close();
    const file = join(dir, 'plain');
    writeFileSync(file, 'not a socket');
    await assert.rejects(startConsoleServer({ path: file, context: ctx }), /the path exists and is not a socket/);
    await assert.rejects(consoleRequest(file, 'version'), /not a socket/);
    server = await startConsoleServer({ path, context: ctx });
  });
});
