// Checkpoint bench: save time (machine state to bytes, then the atomic file write with fsync),
// load time (file read, then into a new Machine) and file size, medians of several runs, for
//   - the teaching kernel (guest/) at its shell after `ls`, 128 MiB of RAM, smp 1 and 2;
//   - a synthetic worst case: 256 MiB of RAM full of random bytes (nothing to skip), the
//     upper bound for any guest of that size;
//   - Linux 6.1 (test/linux) with 256 MiB, booted to its init, with --linux, only when
//     test/linux/build.sh has already built it into build/linux (this bench never builds Linux).
// Usage: npx tsx bench/checkpoint/run.ts [--runs N] [--linux]
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Machine, type MachineOptions } from '../../emulator/machine';
import { readCheckpointFile, writeFileAtomic } from '../../host/checkpoint-file';
import { buildGuestKernel } from '../../test/guest/support/build';
import { REPO_ROOT } from '../../test/support/toolchain';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const dir = mkdtempSync(join(tmpdir(), 'kwb-ckpt-bench-'));
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0: number) => performance.now() - t0;

const rows: string[][] = [['machine', 'RAM MiB', 'file MiB', 'state ms', 'write ms', 'read ms', 'load ms', 'save total', 'load total']];

function measure(name: string, opts: MachineOptions, prepare: (m: Machine) => void): void {
  const m = new Machine(opts);
  prepare(m);
  const file = join(dir, 'bench.kwb');
  const t = { state: [] as number[], write: [] as number[], read: [] as number[], load: [] as number[] };
  let size = 0;
  const fresh = new Machine(opts);
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    const bytes = m.saveCheckpoint();
    t.state.push(ms(t0));
    t0 = performance.now();
    writeFileAtomic(file, bytes);
    t.write.push(ms(t0));
    size = bytes.length;
    t0 = performance.now();
    const back = readCheckpointFile(file);
    t.read.push(ms(t0));
    t0 = performance.now();
    fresh.loadCheckpoint(back);
    t.load.push(ms(t0));
  }
  if (fresh.retired() !== m.retired()) throw new Error(`${name}: the loaded machine differs`);
  const f = (x: number) => x.toFixed(0);
  rows.push([name, String(m.bus.ramSize / 2 ** 20), (size / 2 ** 20).toFixed(2), f(median(t.state)), f(median(t.write)), f(median(t.read)), f(median(t.load)),
    f(median(t.state.map((x, i) => x + t.write[i]))), f(median(t.read.map((x, i) => x + t.load[i])))]);
}

console.log(`load average before: ${load()}; ${runs} runs each, medians`);
const { kernel } = buildGuestKernel();
for (const smp of [1, 2]) {
  measure(`teaching kernel smp ${smp}`, { kernel: new Uint8Array(readFileSync(kernel)), kernelName: kernel, smp }, (m) => {
    m.runFor(30_000_000);
    m.sendInput(new TextEncoder().encode('ls\n'));
    m.runFor(20_000_000);
  });
}
measure('random RAM (worst case)', { memoryBytes: 256 << 20 }, (m) => {
  let seed = 1;
  const w = m.bus.ram32;
  for (let i = 0; i < w.length; i++) { seed = (Math.imul(seed, 1103515245) + 12345) | 0; w[i] = seed; }
});

if (process.argv.includes('--linux')) {
  const artifacts = join(REPO_ROOT, 'build', 'linux', 'artifacts.json');
  const fw = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
  if (!existsSync(artifacts) || !existsSync(fw)) {
    console.log('Linux: not measured: build/linux is not built (run bash test/linux/build.sh, minutes, then this bench with --linux)');
  } else {
    const a = JSON.parse(readFileSync(artifacts, 'utf8')) as { image: string; initramfs: string };
    let out = '';
    measure('Linux 6.1, 256 MiB', {
      kernel: new Uint8Array(readFileSync(a.image)), kernelName: a.image, firmware: new Uint8Array(readFileSync(fw)),
      initrd: new Uint8Array(readFileSync(a.initramfs)), append: 'console=ttyS0 earlycon', memoryBytes: 256 << 20,
      serial: { output: (b) => { out += String.fromCharCode(b); } },
    }, (m) => {
      for (let i = 0; i < 400 && !/init|\/ #|\$ /.test(out.slice(-200)); i++) m.runFor(5_000_000);
    });
  }
}
rmSync(dir, { recursive: true, force: true });
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows) console.log(r.map((x, c) => x.padStart(widths[c])).join('  '));
console.log(`load average after: ${load()}`);
