// The management console on Linux (issue 16's acceptance, the Linux part): Linux 6.1 (the test
// input, CONFIG_MAGIC_SYSRQ_SERIAL) boots on our machine with `--console-socket`, and `kwb ctl`
// sends the guest's own SysRq (a BREAK on the 8250 line, then the key). Oracle: Linux's own
// answers on its serial console: "sysrq: Show State" and a "task:NAME state:S" line for our
// init's parked children, then "sysrq: Show Memory" and its Mem-Info report. Then `log`, `info`
// and `halt` through the same socket.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLinux, LINUX_BUILD_TIMEOUT_MS } from './support/linux-build';
import { bootLinuxKwb, bootToPrompt, INIT_CHILDREN, kwbScript, runInit, type LinuxMachine } from './support/qemu-linux';

/** `kwb ctl SOCKET WORDS...` in its own process: exit status, stdout, stderr. */
function ctl(sock: string, ...words: string[]): Promise<{ status: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [kwbScript(), 'ctl', sock, ...words], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
    p.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
    p.once('exit', (status) => resolve({ status, out, err }));
  });
}

describe('linux: the management console\'s SysRq through kwb ctl', function () {
  this.timeout(240_000);
  let dir: string;
  let sock: string;
  let m: LinuxMachine;

  before(async function () {
    this.timeout(LINUX_BUILD_TIMEOUT_MS);
    const build = buildLinux();
    dir = mkdtempSync(join(tmpdir(), 'kwb-linux-ctl-'));
    sock = join(dir, 'console.sock');
    m = await bootLinuxKwb(build, { gdb: false, extraArgs: ['--console-socket', sock, '--checkpoint-dir', join(dir, 'cps')] });
    await bootToPrompt(m, 180_000);
  });
  after(async () => {
    await m?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('info and log answer through the socket; the log line is on the serial console', async () => {
    const info = await ctl(sock, 'info');
    assert.equal(info.status, 0, info.err);
    assert.match(info.out, /harts: 1/);
    const from = m.session.all.length;
    const log = await ctl(sock, 'log', 'before', 'the', 'SysRq');
    assert.equal(log.status, 0, log.err);
    await m.session.waitFor('[kwb log] before the SysRq', 30_000);
    assert.ok(m.session.all.indexOf('[kwb log] before the SysRq', from) >= 0);
  });

  it('sysrq --guest t: Linux prints its own task dump (Show State, every parked child of our init)', async () => {
    const from = m.session.all.length;
    const r = await ctl(sock, 'sysrq', '--guest', 't');
    assert.equal(r.status, 0, r.err);
    assert.match(r.out, /sent to the guest \(BREAK \+ t on its serial line\)/);
    await m.session.waitFor('sysrq: Show State', 60_000);
    // then the scheduler's table of every task (CONFIG_SCHED_DEBUG), the zombie among them
    await m.session.waitFor(/Z\s+kwb-zombie\s+\d+/, 60_000);
    const dump = m.session.all.slice(from).replace(/\r/g, '');
    // each live task with its state and its own stack (a zombie has none: the table only)
    for (const [name, state] of [['init', 'S'], ['kwb-pipe', 'S'], ['kwb-sleep', 'S'], ['kwb-stopped', 'T']]) {
      assert.match(dump, new RegExp(`\ntask:${name}\\s+state:${state} [^\n]*\nCall Trace:\n\\[<[0-9a-f]{16}>\\] __schedule\\+0x`), `${name}'s stack in Linux's task dump`);
    }
    assert.match(dump, /task:kwb-pipe[^]*pipe_read/, 'the pipe reader waits in pipe_read');
    for (const name of INIT_CHILDREN) assert.match(dump, new RegExp(`\\n [SZTRI]\\s+${name}\\s+\\d+ `), `${name} in the scheduler's table`);
  });

  it('sysrq m: Linux prints its memory report (Show Memory, Mem-Info)', async () => {
    const from = m.session.all.length;
    const r = await ctl(sock, 'sysrq', 'm');
    assert.equal(r.status, 0, r.err);
    await m.session.waitFor('sysrq: Show Memory', 60_000);
    await m.session.waitFor(/\d+ pages reserved/, 60_000);
    assert.match(m.session.all.slice(from), /Mem-Info:[^]*\d+ pages RAM[^]*\d+ pages reserved/);
  });

  it('the init still answers after the SysRq, and halt ends the machine', async () => {
    assert.match(await runInit(m, 'echo still here'), /(^|\n)still here\n$/);
    const r = await ctl(sock, 'halt');
    assert.equal(r.status, 0, r.err);
    const ended = await m.exited;
    assert.equal(ended.signal, null);
  });
});
