// The management console through gdb's door: gdb-multiarch's `monitor` against `kwb --gdb` on
// the teaching kernel, each console command in turn (the same table as the control socket, which
// the same kwb also serves: both doors see one machine). gdb attaching stops the machine, so the
// guest's SysRq answers come once `monitor go` lets it run.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GdbMi } from '../support/gdb-mi';
import { buildGuestKernel, type GuestBuild } from '../guest/support/build';
import { bundleKwb, guestFrames, kwb, KwbProcess } from './support/kwb-console';

describe('cli: gdb-multiarch `monitor` runs the management console (kwb --gdb, teaching kernel)', function () {
  this.timeout(180_000);
  let build: GuestBuild;
  let dir: string;
  let sock: string;
  let m: KwbProcess;
  let gdb: GdbMi;
  const mon = (line: string) => gdb.console(`monitor ${line}`);
  /** Lets the guest run until `re` shows in its output after `from`, then stops it again. */
  async function runUntil(re: RegExp, from: number): Promise<RegExpExecArray> {
    assert.match(await mon('go'), /^guest running/);
    try { return await m.waitFor(re, from); } finally { assert.equal(await mon('stop'), 'guest paused\n'); }
  }

  before(async () => {
    build = buildGuestKernel();
    bundleKwb();
    dir = mkdtempSync(join(tmpdir(), 'kwb-ctl-gdb-'));
    sock = join(dir, 'console.sock');
    m = new KwbProcess(['--kernel', build.kernel, '--smp', '2', '--gdb', 'tcp:127.0.0.1:0', '--console-socket', sock, '--checkpoint-dir', join(dir, 'cps')]);
    const addr = (await m.waitForErr(/gdb stub listening on tcp:([\d.]+:\d+)/))[1];
    await m.waitFor(/\n\$ /);
    gdb = await GdbMi.start({ file: build.kernel, timeoutMs: 60_000 });
    await gdb.command('-gdb-set mi-async on');
    gdb.clearStops();
    await gdb.command(`-target-select remote ${addr}`);
    await gdb.waitForStop();
  });
  after(async () => {
    await gdb?.close();
    m?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('help lists the console commands; version is kwb version; info says paused', async () => {
    const help = await mon('help');
    for (const c of ['help', 'info', 'stop', 'go', 'halt', 'reboot', 'cad', 'sysrq KEY', 'config DEV=FILE', 'remove DEV', 'log TEXT', 'save NAME', 'load NAME', 'list', 'pagetable VA', 'regs']) {
      assert.ok(help.includes(`\n  ${c}`), `${c} in\n${help}`);
    }
    assert.equal(await mon('version'), (await kwb(['version'])).out);
    assert.match(await mon('info'), /^state: paused$[\s\S]*^kernel awareness: teaching/m);
  });

  it('log TEXT reaches the serial console', async () => {
    const from = m.out.length;
    assert.equal(await mon('log gdb was here'), 'logged\n');
    await m.waitFor(/\[kwb log\] gdb was here\r\n/, from);
  });

  it('sysrq t: the debugger answers at once; --guest t is answered by the kernel when it runs', async () => {
    const dbg = await mon('sysrq t');
    assert.match(dbg, /^pid 2 \(sh\) sleeping: console input[^\n]*\n(\s+#\d+ [^\n]+\n)+/m);
    const from = m.out.length;
    assert.match(await mon('sysrq --guest t'), /^SysRq t sent to the guest \(BREAK \+ t on its serial line\); it answers on its serial console once it runs \(the machine is paused\)$/m);
    await runUntil(/sysrq: Show State\r\n[\s\S]*pid 2 \(sh\) sleeping: console input\r\nbacktrace:\r\n((  #\d+ [^\r]+\r\n)+)/, from);
    const block = /pid 2 \(sh\) sleeping: console input\r\nbacktrace:\r\n((  #\d+ [^\r]+\r\n)+)/.exec(m.out.slice(from))!;
    const frames = guestFrames(block[1]);
    const shown = `the kernel's SysRq t printed:\n${m.out.slice(from).slice(0, 4000)}`;
    assert.deepEqual(frames.slice(0, 3), ['schedule', 'sleep_on', 'console_read'], shown);
    assert.equal(frames.at(-1), 'from_user_entry', shown);
  });

  it('sysrq m and p: the kernel reports memory and the interrupted registers', async () => {
    const from = m.out.length;
    assert.match(await mon('sysrq m'), /^SysRq m sent to the guest/);
    await mon('sysrq --guest p');
    await runUntil(/sysrq: Show Memory\r\n\d+ pages of 4 KiB: \d+ in use, \d+ free[\s\S]*sysrq: Show Regs\r\nhart \d, pid \d+/, from);
    assert.match(await mon('sysrq p'), /^hart 0:\n  pc 0x[0-9a-f]+/, 'with awareness, p is the debugger\'s');
  });

  it('pagetable and regs', async () => {
    assert.match(await mon('pagetable 0x80000000'), /VA 0x80000000 -> PA 0x80000000/);
    assert.match(await mon('regs 0'), /^ {2}satp /m);
  });

  it('save, list, load: one checkpoint folder for both doors', async () => {
    const file = join(dir, 'cps', 'g1.kwbcp');
    assert.equal(await mon('save g1'), `saved g1 (${statSync(file).size} bytes in ${file})\n`);
    assert.equal(await mon('list'), 'g1\n');
    assert.equal((await kwb(['ctl', sock, 'list'])).out, 'g1\n');
    assert.equal(await mon('load g1'), `loaded g1 from ${file}; use \`flushregs\` so gdb rereads the registers\n`);
    assert.match(await mon('load ../g1'), /^load: checkpoint name "\.\.\/g1" is not a plain name/);
  });

  it('config and remove without a slot declared empty are refused', async () => {
    assert.equal(await mon('config vdb=/tmp/x.img'), 'config: vdb is not a slot declared empty at start (--drive empty); there is none\n');
    assert.equal(await mon('remove vdb'), 'remove: vdb is not a slot declared empty at start (--drive empty); there is none\n');
  });

  it('go from the socket while gdb is stopped is monitor go (free-running); stop from gdb ends it', async () => {
    const r = await kwb(['ctl', sock, 'go']);
    assert.equal(r.out, 'guest running; gdb still sees the old state until you continue or `monitor stop`\n');
    assert.match(await mon('info'), /^state: running \(free-running under monitor go\)$/m);
    assert.equal(await mon('stop'), 'guest paused\n');
    assert.match((await kwb(['ctl', sock, 'info'])).out, /^state: paused$/m);
  });

  it('cad and reboot: the kernel boots again', async () => {
    let from = m.out.length;
    assert.match(await mon('cad'), /^Ctrl-Alt-Del \(SysRq b, restart\) sent to the guest/);
    // the guest's own reset is a stop while gdb is attached (gdb hears of it when it resumes)
    assert.match(await mon('go'), /^guest running/);
    await m.waitFor(/sysrq: Resetting\r\n/, from);
    for (let i = 0; i < 200 && !/^state: paused$/m.test(await mon('info')); i++) await new Promise((r) => setTimeout(r, 25));
    assert.match(await mon('info'), /^state: paused$/m, 'the reset stopped the machine for gdb');
    await runUntil(/booting on hart 0[\s\S]*\n\$ /, from);
    from = m.out.length;
    assert.equal(await mon('reboot'), 'machine reset; use `flushregs` so gdb rereads the registers\n');
    await runUntil(/booting on hart 0[\s\S]*\n\$ /, from);
  });

  it('sysrq c: the kernel panics from its SysRq handler', async () => {
    const from = m.out.length;
    await mon('sysrq c');
    await runUntil(/sysrq: Trigger a crash\r\n\r\npanic on hart \d: kernel store page fault at pc 0x[0-9a-f]+ \(sysrq_handle\+0x[0-9a-f]+\)[\s\S]*system halted/, from);
  });

  it('halt powers off: gdb gets the reply, kwb exits 0 and removes its socket', async () => {
    // the reply, or the connection closing under it as the process ends (gdb: "Remote
    // connection closed"), as QEMU's `monitor quit` does
    const reply = await mon('halt').catch((e: Error) => e.message);
    assert.match(reply, /^machine halted\n|Remote connection closed/);
    assert.equal(await m.exited, 0);
    assert.ok(!existsSync(sock));
  });
});
