// The management console through its socket door: `kwb run --console-socket` on the teaching
// kernel, driven by `kwb ctl` processes, each command in turn. Oracles: the kernel's own output
// on the serial console (SysRq answers, Ctrl-P's task list and free pages, the boot banner after
// a reset), the debugger's view of the same tasks (sysrq t from awareness against the kernel's
// own sysrq t), the files in the checkpoint folder, and kwb's exit.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGuestKernel, type GuestBuild } from '../guest/support/build';
import { bundleKwb, guestFrames, kwb, KwbProcess, type ProcResult } from './support/kwb-console';

const BANNER = /Kernel Workbench teaching kernel, booting on hart 0/g;
const PROMPT = /\n\$ $/;
const TASK_LIST_END = /\((\d+) tasks, (\d+) pages free\)\r?\n/;
const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

describe('cli: kwb ctl drives the management console (teaching kernel)', function () {
  this.timeout(180_000);
  let build: GuestBuild;
  let dir: string;
  let sock: string;
  let m: KwbProcess;
  const ctl = (...words: string[]): Promise<ProcResult> => kwb(['ctl', sock, ...words]);
  async function ok(...words: string[]): Promise<string> {
    const r = await ctl(...words);
    assert.equal(r.status, 0, `kwb ctl ${words.join(' ')}: ${r.err}`);
    assert.equal(r.err, '');
    return r.out;
  }
  /** The kernel's own Ctrl-P task list, typed now: [tasks, free pages]. */
  async function ctrlP(): Promise<[number, number]> {
    const from = m.out.length;
    m.type('\x10');
    const t = await m.waitFor(TASK_LIST_END, from);
    return [Number(t[1]), Number(t[2])];
  }

  before(async () => {
    build = buildGuestKernel();
    bundleKwb();
    dir = mkdtempSync(join(tmpdir(), 'kwb-ctl-'));
    sock = join(dir, 'console.sock');
    m = new KwbProcess(['--kernel', build.kernel, '--smp', '2', '--console-socket', sock, '--checkpoint-dir', join(dir, 'cps')]);
    await m.waitFor(/\n\$ /);
    await m.waitForErr(/console socket on /);
  });
  after(() => {
    m?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the socket is 0600; help lists every console command; version is kwb version', async () => {
    assert.equal(statSync(sock).mode & 0o777, 0o600);
    const help = await ok('help');
    for (const c of ['help', 'info', 'stop', 'go', 'halt', 'reboot', 'cad', 'sysrq KEY', 'config DEV=FILE', 'remove DEV', 'log TEXT', 'save NAME', 'load NAME', 'list', 'pagetable VA', 'regs']) {
      assert.ok(help.includes(`\n  ${c}`), `${c} in\n${help}`);
    }
    assert.equal(await ok('version'), (await kwb(['version'])).out);
  });

  it('info, stop and go: paused, the instruction count stands still; running again after go', async () => {
    assert.match(await ok('info'), /^state: running$[\s\S]*^harts: 2$[\s\S]*^kernel awareness: teaching/m);
    assert.equal(await ok('stop'), 'guest paused\n');
    const a = await ok('info');
    assert.match(a, /^state: paused$/m);
    const n = /^instructions: (\d+)$/m.exec(a)![1];
    assert.equal(/^instructions: (\d+)$/m.exec(await ok('info'))![1], n);
    assert.equal(await ok('stop'), 'the guest is already paused\n');
    assert.equal(await ok('go'), 'guest running\n');
    assert.match(await ok('info'), /^state: running$/m);
  });

  it('log TEXT appears in the serial console output on a line of its own', async () => {
    const from = m.out.length;
    assert.equal(await ok('log', 'hello', 'from the host'), 'logged\n');
    await m.waitFor(/\r\n\[kwb log\] hello from the host\r\n/, from > 0 ? from - 2 : 0);
  });

  it('sysrq t: the debugger\'s answer and the kernel\'s own (BREAK + t) list the same tasks and stacks', async () => {
    await ok('stop');
    const dbg = await ok('sysrq', 't');
    const sent = await ok('sysrq', '--guest', 't');
    assert.match(sent, /^SysRq t sent to the guest \(BREAK \+ t on its serial line\); it answers on its serial console once it runs \(the machine is paused\)$/m);
    const from = m.out.length;
    await ok('go');
    await m.waitFor(/sysrq: Show State\r\n/, from);
    const end = m.out.length;
    await ctrlP();
    const guest = m.out.slice(from, m.out.indexOf('  PID  PPID', end)).replace(/\r/g, '');
    const guestBlocks = new Map<number, string>();
    for (const b of guest.split(/^(?=pid \d+ \()/m).slice(1)) guestBlocks.set(Number(/^pid (\d+)/.exec(b)![1]), b);
    const dbgBlocks = new Map<number, string>();
    for (const b of dbg.split('\n\n')) { const p = /^pid (\d+) /.exec(b); if (p && p[1] !== '0') dbgBlocks.set(Number(p[1]), b); }
    assert.ok(dbgBlocks.size >= 2, dbg);
    assert.deepEqual([...guestBlocks.keys()].sort(), [...dbgBlocks.keys()].sort(), `kernel:\n${guest}\ndebugger:\n${dbg}`);
    for (const [pid, g] of guestBlocks) {
      const d = dbgBlocks.get(pid)!;
      assert.equal(/^pid \d+ \((\S+)\)/.exec(g)![1], /^pid \d+ \((\S+)\)/.exec(d)![1]);
      if (!/ sleeping/.test(d)) continue;
      // kernel frames: the debugger's names (DWARF, CFI) up to the trap entry equal the kernel's walk
      const dbgKernel = [...d.matchAll(/^\s+#\d+ 0x[0-9a-f]+ in (\S+)(?![^\n]*\[user)/gm)].map((x) => x[1]);
      assert.deepEqual(guestFrames(g), dbgKernel, `pid ${pid}:\n${g}\n${d}`);
      assert.ok(guestFrames(g).includes('sleep_on'), g);
      assert.equal(/#0 (0x[0-9a-f]+)/.exec(g)![1], /#0 (0x[0-9a-f]+)/.exec(d)![1], 'the saved ra of the sleeping task');
    }
  });

  it('sysrq m (the guest\'s) counts the same free pages as Ctrl-P; sysrq p both ways', async () => {
    const from = m.out.length;
    assert.match(await ok('sysrq', 'm'), /^SysRq m sent to the guest/);
    const mem = await m.waitFor(/sysrq: Show Memory\r\n(\d+) pages of 4 KiB: (\d+) in use, (\d+) free/, from);
    const [total, used, free] = [Number(mem[1]), Number(mem[2]), Number(mem[3])];
    assert.equal(used + free, total);
    assert.equal((await ctrlP())[1], free);

    assert.match(await ok('sysrq', 'p'), /^hart 0:\n  pc 0x[0-9a-f]+ {2}\S+[\s\S]*^hart 1:/m);
    const from2 = m.out.length;
    await ok('sysrq', '--guest', 'p');
    await m.waitFor(/sysrq: Show Regs\r\nhart \d, pid \d+ \(\S+\), (kernel|user) mode\r\n pc : 0x[0-9a-f]+[^\n]*\r\n ra: 0x[0-9a-f]+ sp: 0x[0-9a-f]+ gp: 0x[0-9a-f]+/, from2);
  });

  it('pagetable and regs answer', async () => {
    assert.match(await ok('pagetable', '0x80000000'), /VA 0x80000000 -> PA 0x80000000/);
    assert.match(await ok('regs', '1'), /^hart 1:[\s\S]*^ {2}satp /m);
    const bad = await ctl('regs', '7');
    assert.equal(bad.status, 1);
    assert.equal(bad.err, 'regs: no hart 7 (this machine has 2)\n');
  });

  it('save, list and load: the checkpoint file, and the machine back at the saved instruction', async () => {
    await ok('stop');
    const n0 = /^instructions: (\d+)$/m.exec(await ok('info'))![1];
    const saved = await ok('save', 'before');
    const file = join(dir, 'cps', 'before.kwbcp');
    assert.equal(saved, `saved before (${statSync(file).size} bytes in ${file})\n`);
    assert.equal(await ok('list'), 'before\n');
    await ok('go');
    const from = m.out.length;
    m.type('hello a b\n');
    await m.waitFor(PROMPT, from);
    await ok('stop');
    const n1 = /^instructions: (\d+)$/m.exec(await ok('info'))![1];
    assert.ok(BigInt(n1) > BigInt(n0));
    assert.equal(await ok('load', 'before'), `loaded before from ${file}\n`);
    assert.equal(/^instructions: (\d+)$/m.exec(await ok('info'))![1], n0);
    await ok('go');
    const from2 = m.out.length;
    m.type('ps\n');
    await m.waitFor(/\n\s+\d+\s+\d+\s+running\s+ps\b[\s\S]*\n\$ $/, from2);
    const missing = await ctl('load', 'nope');
    assert.equal(missing.status, 1);
    assert.match(missing.err, /^load: no checkpoint nope in /);
    writeFileSync(join(dir, 'cps', 'junk.kwbcp'), 'not a checkpoint');
    const junk = await ctl('load', 'junk');
    assert.equal(junk.status, 1);
    assert.match(junk.err, /^load: checkpoint '.*junk\.kwbcp'/);
    assert.match(await ok('info'), /^state: running$/m, 'a refused load leaves the machine running');
  });

  it('config and remove without a slot declared empty: refused (status 1, the reason on stderr)', async () => {
    const c = await ctl('config', 'vdb=/tmp/x.img');
    assert.deepEqual([c.status, c.out, c.err], [1, '', 'config: vdb is not a slot declared empty at start (--drive empty); there is none\n']);
    const r = await ctl('remove', 'vdb');
    assert.deepEqual([r.status, r.err], [1, 'remove: vdb is not a slot declared empty at start (--drive empty); there is none\n']);
  });

  it('two clients at once are both served', async () => {
    const rs = await Promise.all([ctl('version'), ctl('info'), ctl('ps'), ctl('list')]);
    assert.deepEqual(rs.map((r) => r.status), [0, 0, 0, 0]);
    assert.match(rs[2].out, /\binit\b[\s\S]*\bsh\b/);
  });

  it('cad: the guest restarts itself (SysRq b); reboot resets the machine: the boot banner each time', async () => {
    const banners = count(m.out, BANNER);
    let from = m.out.length;
    assert.match(await ok('cad'), /^Ctrl-Alt-Del \(SysRq b, restart\) sent to the guest/);
    await m.waitFor(/sysrq: Resetting\r\n[\s\S]*Kernel Workbench teaching kernel, booting on hart 0[\s\S]*\n\$ /, from);
    assert.equal(count(m.out, BANNER), banners + 1);
    from = m.out.length;
    assert.equal(await ok('reboot'), 'machine reset; use `flushregs` so gdb rereads the registers\n');
    await m.waitFor(/Kernel Workbench teaching kernel, booting on hart 0[\s\S]*\n\$ /, from);
    assert.equal(count(m.out, BANNER), banners + 2);
  });

  it('sysrq c crashes the guest kernel: its panic names the SysRq handler; the machine stays up', async () => {
    const from = m.out.length;
    await ok('sysrq', 'c');
    const p = await m.waitFor(/sysrq: Trigger a crash\r\n\r\npanic on hart \d: kernel store page fault at pc 0x[0-9a-f]+ \(sysrq_handle\+0x[0-9a-f]+\), address 0x0\r\nbacktrace:\r\n([\s\S]*?)system halted/, from);
    const frames = guestFrames(p[1]);
    assert.deepEqual(frames.slice(0, 3), ['sysrq_handle', 'sysrq_key', 'uart_interrupt']);
    assert.match(await ok('info'), /^state: running$/m);
  });

  it('halt: the reply arrives, kwb exits 0, the socket is gone; then ctl says nothing is there', async () => {
    assert.equal(await ok('halt'), 'machine halted\n');
    assert.equal(await m.exited, 0);
    assert.ok(!existsSync(sock));
    const r = await ctl('info');
    assert.deepEqual([r.status, r.out], [1, '']);
    assert.equal(r.err, `kwb ctl: ${sock}: no such file (is the machine running with --console-socket ${sock}?)\n`);
  });

  it('ctl: a path that is not a socket, bad usage', async () => {
    const file = join(dir, 'plain');
    writeFileSync(file, '');
    assert.deepEqual(await kwb(['ctl', file, 'info']), { status: 1, out: '', err: `kwb ctl: ${file}: not a socket\n` });
    const u = await kwb(['ctl', sock]);
    assert.equal(u.status, 2);
    assert.match(u.err, /usage: kwb ctl SOCKET COMMAND/);
  });
});
