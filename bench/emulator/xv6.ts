// xv6-riscv's `usertests -q` on qemu-system-riscv64, on kwb interpreted (--no-jit) and on kwb
// translated (--jit), in the same run. xv6 is not part of this repository: build it elsewhere
// (`make kernel/kernel fs.img` in a clone of mit-pdos/xv6-riscv) and name its folder.
// Each run boots the kernel with a fresh copy of fs.img (QEMU writes its drive in place; kwb's
// drive is copy-on-write, but gets a copy too so both start from the same bytes), waits for the
// shell's prompt, types `usertests -q`, waits for ALL TESTS PASSED (a FAILED line, a panic or
// the process ending is a failure, reported with the last output), then ends the process.
// Prints wall time from the typed command to the result line ("tests") and of the whole
// process, ratios ours/QEMU, our instructions and MIPS over the tests (read with the console's
// Ctrl-A S before and after) and over the whole process (--stats at exit), and the load average.
// Usage: npx tsx bench/emulator/xv6.ts --xv6 DIR [--smp N] [--runs N] [--kwb path/to/kwb.js]
//          [--only qemu,interp,jit] [--timeout MINUTES] [--idle sleep|skip]
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..');
const arg = (name: string) => { const i = process.argv.indexOf(name); return i < 0 ? undefined : process.argv[i + 1]; };

function usage(problem: string): never {
  process.stderr.write(`xv6.ts: ${problem}\nusage: npx tsx bench/emulator/xv6.ts --xv6 DIR [--smp N] [--runs N] [--kwb FILE] [--only qemu,interp,jit] [--timeout MINUTES] [--idle sleep|skip]\n`);
  process.exit(2);
}
const positive = (name: string, fallback: number): number => {
  const v = arg(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) usage(`${name} '${v}': not a positive whole number`);
  return n;
};

const dir = arg('--xv6') ?? usage('--xv6 DIR is required (a built xv6-riscv: DIR/kernel/kernel and DIR/fs.img)');
const kernel = join(dir, 'kernel', 'kernel');
const fsImg = join(dir, 'fs.img');
for (const f of [kernel, fsImg]) {
  if (!existsSync(f)) usage(`--xv6 '${dir}': '${f}' is missing (run \`make kernel/kernel fs.img\` in the xv6-riscv folder first)`);
}
const smp = positive('--smp', 1);
if (smp > 8) usage(`--smp ${smp}: at most 8`);
const runs = positive('--runs', 1);
const timeoutMs = positive('--timeout', 40) * 60_000;
const kwb = arg('--kwb') ?? join(REPO_ROOT, 'dist', 'kwb.js');
if (!existsSync(kwb)) usage(`--kwb '${kwb}': no such file (build it with \`node scripts/build.mjs\`)`);
const idle = arg('--idle');
if (idle !== undefined && idle !== 'sleep' && idle !== 'skip') usage(`--idle '${idle}': sleep or skip`);
const engines = ['qemu', 'interp', 'jit'] as const;
type Engine = typeof engines[number];
const only = (arg('--only') ?? engines.join(',')).split(',');
for (const e of only) if (!(engines as readonly string[]).includes(e)) usage(`--only '${e}': one of ${engines.join(', ')}`);

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const CTRL_A_S = '\x01s'; // kwb's console: print the statistics line on stdout
const STATS = /\[kwb\] (\d+) instructions in/g;

interface Result { tests: number; whole: number; testInsns?: number; wholeInsns?: number }

function command(engine: Engine, disk: string): [string, string[]] {
  if (engine === 'qemu') {
    return ['qemu-system-riscv64', ['-machine', 'virt', '-bios', 'none', '-kernel', kernel, '-m', '128M', '-smp', String(smp), '-nographic',
      '-global', 'virtio-mmio.force-legacy=false', '-drive', `file=${disk},if=none,format=raw,id=x0`,
      '-device', 'virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0']];
  }
  return ['node', [kwb, 'run', '--kernel', kernel, '--drive', disk, '--smp', String(smp), '--mem', '128M', '--stats',
    engine === 'jit' ? '--jit' : '--no-jit', ...(idle ? ['--idle', idle] : [])]];
}

/** One boot: prompt, `usertests -q`, result line, end. Rejects with the last output on failure. */
function runOnce(engine: Engine): Promise<Result> {
  const tmp = mkdtempSync(join(tmpdir(), 'kwb-xv6-'));
  const disk = join(tmp, 'fs.img');
  copyFileSync(fsImg, disk);
  const [cmd, args] = command(engine, disk);
  const ours = engine !== 'qemu';
  const t0 = performance.now();
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let phase: 'boot' | 'tests' | 'after' | 'ending' = 'boot';
  let typedAt = 0;
  let resultAt = 0;
  let failure: string | undefined;
  let typedIndex = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`no result within ${timeoutMs / 60_000} minutes`), timeoutMs);
    const end = () => { phase = 'ending'; child.kill('SIGTERM'); };
    function fail(why: string): void {
      if (failure !== undefined) return;
      failure = why;
      if (phase !== 'ending') end();
    }
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('latin1');
      if (phase === 'boot' && /init: starting sh\r?\n\$ $/.test(out)) {
        if (ours) child.stdin.write(CTRL_A_S);
        typedIndex = out.length;
        typedAt = performance.now();
        child.stdin.write('usertests -q\n');
        phase = 'tests';
        return;
      }
      if (phase === 'tests') {
        const tail = out.slice(typedIndex);
        if (/ALL TESTS PASSED/.test(tail)) {
          resultAt = performance.now();
          phase = 'after';
          if (ours) child.stdin.write(CTRL_A_S); else end();
        } else if (/SOME TESTS FAILED|FAILED --|panic/.test(tail)) {
          resultAt = performance.now();
          fail('usertests failed');
        }
      }
      if (phase === 'after' && ours) {
        const found = [...out.matchAll(STATS)];
        if (found.length >= 2) end();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString('latin1'); });
    child.on('error', (e) => fail(`cannot start ${cmd}: ${e.message}`));
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const whole = (performance.now() - t0) / 1000;
      rmSync(tmp, { recursive: true, force: true });
      if (phase !== 'ending' && failure === undefined) failure = `the process ended early (status ${status}, signal ${signal})`;
      if (failure !== undefined) {
        reject(new Error(`${engine}, smp ${smp}: ${failure}\n--- last output ---\n${out.slice(-3000)}\n--- stderr ---\n${err.slice(-2000)}`));
        return;
      }
      const found = [...out.matchAll(STATS)].map((m) => Number(m[1]));
      const atExit = /kwb: (\d+) instructions in/.exec(err);
      resolve({
        tests: (resultAt - typedAt) / 1000, whole,
        testInsns: ours && found.length >= 2 ? found[1] - found[0] : undefined,
        wholeInsns: atExit ? Number(atExit[1]) : undefined,
      });
    });
  });
}

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }

async function main(): Promise<void> {
  console.log(`xv6 usertests -q, smp ${smp}, ${runs} run(s); kernel ${kernel}`);
  console.log(`load average before: ${load()} (${cpus().length} CPUs)`);
  const results = new Map<Engine, Result[]>();
  for (let r = 0; r < runs; r++) {
    for (const e of engines) {
      if (!only.includes(e)) continue;
      const res = await runOnce(e);
      console.log(`  run ${r + 1} ${e.padEnd(6)} tests ${res.tests.toFixed(1)} s, whole ${res.whole.toFixed(1)} s` +
        (res.testInsns === undefined ? '' : `, ${res.testInsns} instructions in the tests, ${res.wholeInsns} in all`) + `  (load ${load()})`);
      results.set(e, [...(results.get(e) ?? []), res]);
    }
  }
  const q = results.get('qemu');
  const qTests = q ? median(q.map((x) => x.tests)) : undefined;
  const qWhole = q ? median(q.map((x) => x.whole)) : undefined;
  const rows: string[][] = [['engine', 'tests s', 'whole s', 'tests/qemu', 'whole/qemu', 'instructions (tests)', 'MIPS (tests)', 'instructions (whole)', 'MIPS (whole)']];
  for (const e of engines) {
    const rs = results.get(e);
    if (!rs) continue;
    const t = median(rs.map((x) => x.tests)), w = median(rs.map((x) => x.whole));
    const ti = rs[0].testInsns, wi = rs[0].wholeInsns;
    rows.push([e === 'qemu' ? 'qemu' : `kwb ${e === 'jit' ? '--jit' : '--no-jit'}`, t.toFixed(1), w.toFixed(1),
      qTests ? (t / qTests).toFixed(2) : '-', qWhole ? (w / qWhole).toFixed(2) : '-',
      ti === undefined ? '-' : String(ti), ti === undefined ? '-' : (median(rs.map((x) => x.testInsns! / x.tests)) / 1e6).toFixed(1),
      wi === undefined ? '-' : String(wi), wi === undefined ? '-' : (median(rs.map((x) => x.wholeInsns! / x.whole)) / 1e6).toFixed(1)]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padStart(widths[c])).join('  '));
  console.log(`median of ${runs} run(s); tests = typed command to ALL TESTS PASSED; whole = process start to exit;`);
  console.log('instructions: all harts, from the Ctrl-A S statistics (tests) and --stats at exit (whole)');
  console.log(`load average after: ${load()}`);
}

main().catch((e: Error) => { console.error(`xv6.ts: ${e.message}`); process.exit(1); });
