// The teaching kernel's SysRq on QEMU and on our machine, the same way in: a BREAK on the serial
// line, then the key. QEMU's 16550 gets its BREAK from the stdio mux (Ctrl-A b, with the serial
// port on mon:stdio); ours from Machine.sendBreak. QEMU is the oracle for our UART's BREAK (LSR.BI
// with a zero character) as the kernel reads it: both answers must be the same text.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { buildGuestKernel, type GuestBuild } from './support/build';
import { qemuArgs } from './support/qemu-port';
import { MachinePort } from './support/machine-port';

/** Waits until `get()` matches `re` after `from`; fails with what was seen (never hangs). */
async function waitFor(get: () => string, re: RegExp, from: number, what: string): Promise<string> {
  const end = Date.now() + 60_000;
  for (;;) {
    const m = re.exec(get().slice(from));
    if (m) return m[0];
    if (Date.now() > end) throw new Error(`${what}: no ${re} in:\n${get().slice(from).slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('guest: SysRq after a BREAK, on QEMU and on our machine (teaching kernel)', function () {
  this.timeout(180_000);
  let build: GuestBuild;
  let qemu: ChildProcessWithoutNullStreams;
  let qemuOut = '';
  let ours: MachinePort;
  let oursOut = '';

  before(async () => {
    build = buildGuestKernel();
    const args = qemuArgs({ kernel: build.kernel, smp: 2 }).filter((a) => a !== '-nographic').map((a, i, all) => (all[i - 1] === '-serial' ? 'mon:stdio' : a));
    qemu = spawn('qemu-system-riscv64', [...args, '-display', 'none'], { stdio: ['pipe', 'pipe', 'pipe'] });
    qemu.stdout.setEncoding('latin1');
    qemu.stdout.on('data', (d: string) => { qemuOut += d; });
    ours = new MachinePort({ kernel: build.kernel, smp: 2 });
    ours.onOutput((t) => { oursOut += t; });
    await waitFor(() => qemuOut, /\n\$ /, 0, 'qemu boot');
    await waitFor(() => oursOut, /\n\$ /, 0, 'our boot');
  });
  after(async () => {
    qemu?.kill('SIGKILL');
    await ours?.close();
  });

  /** Sends BREAK + key to both; resolves with both answers up to `end`. */
  async function sysrq(key: string, end: RegExp): Promise<[string, string]> {
    const q0 = qemuOut.length, o0 = oursOut.length;
    qemu.stdin.write(`\x01b${key}`); // the mux's "send break", then the key
    ours.machine.sendBreak();
    ours.write(key);
    const q = await waitFor(() => qemuOut, end, q0, `qemu sysrq ${key}`);
    const o = await waitFor(() => oursOut, end, o0, `our sysrq ${key}`);
    return [q.replace(/\r/g, ''), o.replace(/\r/g, '')];
  }

  it('t: every task with its backtrace, the same on both', async () => {
    const [q, o] = await sysrq('t', /sysrq: Show State\r\n[\s\S]*?pid 2 \(sh\)[\s\S]*?  user pc 0x[0-9a-f]+\r\n/);
    assert.match(o, /pid 1 \(init\) sleeping: child to exit\nbacktrace:\n {2}#0 0x[0-9a-f]+ schedule\+0x/);
    assert.equal(o, q);
  });

  it('m: the same page counts; an unknown key prints the help line; a key without a BREAK is input', async () => {
    const [q, o] = await sysrq('m', /sysrq: Show Memory\r\n[^\r]*\r\n/);
    assert.match(o, /^sysrq: Show Memory\n\d+ pages of 4 KiB: \d+ in use, \d+ free \(\d+ KiB free\)\n$/);
    assert.equal(o, q);
    const [qh, oh] = await sysrq('z', /sysrq: HELP[^\r]*\r\n/);
    assert.equal(oh, qh);
    const q0 = qemuOut.length, o0 = oursOut.length;
    qemu.stdin.write('t\r');
    ours.write('t\r');
    await waitFor(() => qemuOut, /t\r\n[\s\S]*\n\$ /, q0, 'qemu: t typed');
    await waitFor(() => oursOut, /t\r\n[\s\S]*\n\$ /, o0, 'ours: t typed');
    assert.doesNotMatch(qemuOut.slice(q0) + oursOut.slice(o0), /sysrq:/, 'without a BREAK, t is an ordinary character');
  });
});
