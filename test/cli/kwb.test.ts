// kwb as a user runs it: a real process, real files, the guest's poweroff code as exit
// status, one clear line and exit 2 for bad input, and Ctrl-A X always answered, even while
// the guest spins or loops on traps.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { buildGuest, CACHE_DIR, REPO_ROOT } from '../support/toolchain';
import { GdbMi } from '../support/gdb-mi';

const KWB = join(CACHE_DIR, 'kwb-under-test.js');
const guest = (name: string) => buildGuest([join(__dirname, 'guests', `${name}.S`)], { name: `cli-${name}` });
/** The --initrd guest: prints /chosen's initrd cells and values and a checksum of those RAM bytes. */
const initrdGuest = () => buildGuest([join(__dirname, 'guests', 'initrd.c')], {
  linkerScript: join(REPO_ROOT, 'test', 'baremetal', 'link.ld'), flags: ['-O2', '-ffreestanding', '-Wall', '-Werror'], name: 'cli-initrd',
});

function fnv1a(bytes: Uint8Array): number {
  let h = 2166136261;
  for (const b of bytes) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h;
}
const hex16 = (v: number) => `0x${v.toString(16).padStart(16, '0')}`;

function kwbSync(args: string[], input?: string) {
  const r = spawnSync('node', [KWB, ...args], { encoding: 'utf8', input, timeout: 60_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** Starts kwb, waits for `ready` on stdout, sends `keys`, resolves with the exit status. */
function kwbInteractive(args: string[], ready: string, keys: string): Promise<{ status: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('node', [KWB, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = ''; let err = ''; let sent = false;
    const killer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`kwb did not exit; stdout: ${out}; stderr: ${err}`)); }, 30_000);
    p.stdout.on('data', (d) => {
      out += d;
      if (!sent && out.includes(ready)) { sent = true; p.stdin.write(keys); }
    });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (status) => { clearTimeout(killer); resolve({ status, out, err }); });
  });
}

describe('cli: kwb run', function () {
  this.timeout(90_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kwb-cli-'));
    buildSync({ entryPoints: [join(REPO_ROOT, 'cli', 'main.ts')], outfile: KWB, bundle: true, platform: 'node', format: 'cjs', logLevel: 'error' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits with the guest poweroff code', () => {
    const r = kwbSync(['run', '--kernel', guest('exit-code')]);
    assert.equal(r.status, 3, r.err);
  });

  it('feeds piped stdin to the UART and prints what the guest sends', () => {
    const r = kwbSync(['--kernel', guest('echo')], 'hello, Kernel!q');
    assert.equal(r.status, 0, r.err);
    assert.equal(r.out, 'HELLO, KERNEL!');
  });

  const badInputs: [string, () => string[], RegExp][] = [
    ['a kernel that is not an ELF', () => { const f = join(dir, 'text'); writeFileSync(f, 'just text, not a kernel\n'.repeat(10)); return ['--kernel', f]; }, /not an ELF file/],
    ['an x86-64 ELF', () => ['--kernel', process.execPath], /wrong machine: ELF for x86-64/],
    ['a truncated ELF', () => { const f = join(dir, 'trunc.elf'); writeFileSync(f, readFileSync(guest('spin')).subarray(0, 120)); return ['--kernel', f]; }, /truncated/],
    ['a missing kernel', () => ['--kernel', join(dir, 'nope.elf')], /kernel '.*nope.elf': no such file/],
    ['a missing drive file', () => ['--kernel', guest('spin'), '--drive', join(dir, 'missing.img')], /drive '.*missing.img': no such file/],
    ['a nonsense flag', () => ['--kernel', guest('spin'), '--warp-speed'], /unknown option '--warp-speed'/],
    ['a drive whose size is not whole sectors', () => { const f = join(dir, 'odd.img'); writeFileSync(f, Buffer.alloc(1000)); return ['--kernel', guest('spin'), '--drive', f]; }, /not a multiple of 512/],
    ['a missing initrd', () => ['--kernel', guest('spin'), '--initrd', join(dir, 'no-initrd.img')], /initrd '.*no-initrd.img': no such file/],
    ['an initrd that is a folder', () => ['--kernel', guest('spin'), '--initrd', dir], /initrd '.*': not a regular file/],
    // 16 MiB of RAM: QEMU's place for it is 8 MiB above the kernel's lowest address (the spin
    // guest's first segment holds its ELF headers, from 0x7ffff000), so 9 MiB cannot fit.
    ['an initrd too big for RAM', () => { const f = join(dir, 'big.img'); writeFileSync(f, Buffer.alloc(9 << 20)); return ['--kernel', guest('spin'), '-m', '16M', '--initrd', f]; },
      /initrd '.*big.img': 9437184 bytes at 0x807ff000 do not fit in RAM \(0x80000000\.\.0x81000000\)/],
    // 128 MiB: the initrd starts 64 MiB above 0x7ffff000, the device tree sits at 0x87e00000.
    ['an initrd over the device tree', () => { const f = join(dir, 'huge.img'); writeFileSync(f, Buffer.alloc(63 << 20)); return ['--kernel', guest('spin'), '--initrd', f]; },
      /initrd '.*huge.img': 66060288 bytes at 0x83fff000 overlap the device tree at 0x87e00000/],
    ['a missing --symbols file', () => ['--kernel', guest('spin'), '--symbols', join(dir, 'no-vmlinux')], /^kwb: symbols '.*no-vmlinux': no such file$/m],
    ['a --symbols file that is not an ELF', () => { const f = join(dir, 'System.map'); writeFileSync(f, 'ffffffff80000000 T _start\n'); return ['--kernel', guest('spin'), '--symbols', f]; },
      /^kwb: symbols '.*System\.map': not an ELF file$/m],
    ['a --symbols folder', () => ['--kernel', guest('spin'), '--symbols', dir], /^kwb: symbols '.*': not a regular file$/m],
    ['a missing --program-root', () => ['--kernel', guest('spin'), '--program-root', join(dir, 'no-root')], /^kwb: program root '.*no-root': no such folder$/m],
  ];
  for (const [what, args, re] of badInputs) {
    it(`rejects ${what} with one line and exit 2`, () => {
      const r = kwbSync(args());
      assert.equal(r.status, 2);
      assert.match(r.err, re);
      assert.equal(r.err.trim().split('\n').length, 1, `one line, got: ${r.err}`);
      assert.doesNotMatch(r.err, /at .*\.(ts|js):\d+/, 'no stack trace');
    });
  }

  for (const mem of ['128M', '512M']) {
    it(`--initrd (-m ${mem}): the bytes in RAM where QEMU puts them, named by /chosen as QEMU names them`, () => {
      const file = join(dir, 'initrd.img');
      const bytes = new Uint8Array(300_001).map((_, i) => (i * 31 + (i >> 8)) & 0xff);
      writeFileSync(file, bytes);
      const r = kwbSync(['run', '--kernel', initrdGuest(), '-m', mem, '--initrd', file]);
      assert.equal(r.status, 0, r.err);
      // QEMU's rule: min(RAM / 2, 128 MiB) above the kernel's lowest address (0x80000000 here).
      const start = 0x8000_0000 + Math.min(parseInt(mem) << 19, 128 << 20);
      assert.equal(r.out, [
        `initrd-start cells 1 ${hex16(start)}`, `initrd-end cells 1 ${hex16(start + bytes.length)}`,
        `size ${hex16(bytes.length)} fnv1a ${hex16(fnv1a(bytes))}`, ''].join('\n'));
      const q = spawnSync('qemu-system-riscv64', ['-machine', 'virt', '-bios', 'none', '-nographic', '-monitor', 'none', '-m', mem,
        '-kernel', initrdGuest(), '-initrd', file], { encoding: 'latin1', timeout: 30_000 });
      assert.equal(r.out, q.stdout, 'the same transcript on QEMU');
    });
  }

  it('answers Ctrl-A X while the guest spins forever', async () => {
    const r = await kwbInteractive(['--kernel', guest('spin')], 'spinning\n', '\x01x');
    assert.equal(r.status, 0);
  });

  it('ends a run at --max-insns with exit 124 and says so (a hang never looks like a pass)', () => {
    const r = kwbSync(['--kernel', guest('spin'), '--max-insns', '100000']);
    assert.equal(r.status, 124);
    assert.match(r.err, /stopped at the instruction limit \(--max-insns 100000\) after \d+ instructions/);
  });

  it('exits 141 without a stack trace when the reader of its output goes away (kwb | head)', async () => {
    const p = spawn('node', [KWB, '--kernel', guest('chatter')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    await new Promise<void>((resolve) => p.stdout.once('data', () => resolve()));
    p.stdout.destroy();
    const status = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => { p.kill('SIGKILL'); resolve(-1); }, 20_000);
      p.on('exit', (s) => { clearTimeout(t); resolve(s); });
    });
    assert.equal(status, 141, err);
    assert.doesNotMatch(err, /internal error|EPIPE|at .*\.js:\d+/);
  });

  it('reports a guest that loops on a trap, naming hart, cause and pc, and exits 1', () => {
    const r = kwbSync(['--kernel', guest('trap-loop')]);
    assert.equal(r.status, 1);
    assert.match(r.err, /stuck: hart 0 takes trap cause 1 at pc 0x40000000/);
  });

  it('with --ignore-fault-loop keeps running the trap loop and still answers Ctrl-A X', async () => {
    const p = spawn('node', [KWB, '--kernel', guest('trap-loop'), '--ignore-fault-loop'], { stdio: ['pipe', 'pipe', 'pipe'] });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(p.exitCode, null, 'still running');
    p.stdin.write('\x01x');
    const status = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => { p.kill('SIGKILL'); resolve(-1); }, 20_000);
      p.on('exit', (s) => { clearTimeout(t); resolve(s); });
    });
    assert.equal(status, 0);
  });

  it('attaches gdb later (SIGUSR1, then Ctrl-A G), and a detached machine keeps running for the next gdb', async () => {
    const elf = guest('spin');
    const p = spawn('node', [KWB, '--kernel', elf, '--gdb-later', 'tcp::0'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = ''; let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    const until = async (what: () => boolean, desc: string) => {
      for (let t = 0; !what(); t += 50) {
        if (t > 30_000) throw new Error(`timed out waiting for ${desc}; stdout: ${out}; stderr: ${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    let gdb: GdbMi | undefined;
    try {
      await until(() => out.includes('spinning'), 'the guest');
      assert.doesNotMatch(err, /listening/, 'no stub before it is asked for');
      p.kill('SIGUSR1');
      await until(() => /gdb stub listening on tcp:[\d.]+:\d+/.test(err), 'the stub');
      const port = /gdb stub listening on tcp:[\d.]+:(\d+)/.exec(err)![1];
      gdb = await GdbMi.start({ file: elf });
      const count = async () => Number(/instructions: (\d+)/.exec(await gdb!.console('monitor info'))![1]);
      await gdb.command(`-target-select remote 127.0.0.1:${port}`);
      // stopped where the guest spins: a jump to itself
      const insn = await gdb.console('x/i $pc');
      const m = /(0x[0-9a-f]+)[^:]*:\s+j\s+(0x[0-9a-f]+)/.exec(insn);
      assert.ok(m && BigInt(m[1]) === BigInt(m[2]), `a jump to itself: ${insn}`);
      const first = await count();
      await gdb.command('-target-detach');
      await new Promise((r) => setTimeout(r, 500));
      await gdb.command(`-target-select remote 127.0.0.1:${port}`);
      const second = await count();
      assert.ok(second > first, `the machine ran between the two attaches (${first} then ${second} instructions)`);
      await gdb.command('-target-detach');
      p.stdin.write('\x01g');
      await until(() => /already listening/.test(err), 'Ctrl-A G to answer');
      p.stdin.write('\x01x');
      const status = await new Promise<number | null>((resolve) => {
        if (p.exitCode !== null) { resolve(p.exitCode); return; }
        p.on('exit', (s) => resolve(s));
      });
      assert.equal(status, 0);
    } finally {
      await gdb?.close();
      if (p.exitCode === null) p.kill('SIGKILL');
    }
  });
});
