// Whole-system speed, in process: the teaching kernel (test/guest) booted and driven, and Linux 6.1
// (test/linux, only when /tmp/ci/build/linux or build/linux already holds a build: this bench never
// builds Linux) booted to its init's first line, each with the interpreter and with the translator,
// in one process. Prints instructions, wall seconds, MIPS, the translator's statistics, and checks
// that both runs retired the same instructions and printed the same output. Linux is also booted
// on qemu-system-riscv64 (same kernel, firmware, initramfs, command line and RAM; whole process,
// start-up included) to the same line, and the wall-time ratios ours/QEMU printed.
// Usage: npx tsx bench/emulator/systems.ts [--only kernel|linux] [--mode jit|interp] [--runs N]
import { existsSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Machine, type MachineOptions } from '../../emulator/machine';
import { buildGuestKernel } from '../../test/guest/support/build';
import { REPO_ROOT } from '../../test/support/toolchain';

const arg = (name: string) => { const i = process.argv.indexOf(name); return i < 0 ? undefined : process.argv[i + 1]; };
const only = arg('--only');
const modes = arg('--mode') === undefined ? [false, true] : [arg('--mode') === 'jit'];
const runs = Number(arg('--runs') ?? 1);
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

interface System { name: string; opts: () => MachineOptions; drive: (m: Machine, out: () => string) => void; qemu?: string[] }
const systems: System[] = [];

if (only === undefined || only === 'kernel') {
  const { kernel } = buildGuestKernel();
  systems.push({
    name: 'teaching kernel, smp 1, 400M instructions',
    opts: () => ({ kernel: new Uint8Array(readFileSync(kernel)), kernelName: kernel, smp: 1 }),
    drive: (m) => {
      m.runFor(30_000_000);
      for (const cmd of ['forktest\n', 'ls\n', 'hello\n', 'ps\n']) { m.sendInput(new TextEncoder().encode(cmd)); m.runFor(90_000_000); }
    },
  });
}
if (only === undefined || only === 'linux') {
  const candidates = ['/tmp/ci/build/linux/artifacts.json', join(REPO_ROOT, 'build', 'linux', 'artifacts.json')];
  const artifacts = candidates.find((f) => existsSync(f));
  const fw = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
  if (artifacts === undefined || !existsSync(fw)) console.log('Linux: not measured (no build at /tmp/ci/build/linux or build/linux, or no OpenSBI)');
  else {
    const a = JSON.parse(readFileSync(artifacts, 'utf8')) as { image: string; initramfs: string };
    systems.push({
      name: 'Linux 6.1 to init, 256 MiB',
      opts: () => ({
        kernel: new Uint8Array(readFileSync(a.image)), kernelName: a.image, firmware: new Uint8Array(readFileSync(fw)),
        initrd: new Uint8Array(readFileSync(a.initramfs)), append: 'console=ttyS0 earlycon', memoryBytes: 256 << 20,
      }),
      drive: (m, out) => { for (let i = 0; i < 400 && !out().includes('kwb-init'); i++) m.runFor(1_000_000); },
      qemu: ['-machine', 'virt', '-nographic', '-m', '256M', '-bios', fw, '-kernel', a.image, '-initrd', a.initramfs, '-append', 'console=ttyS0 earlycon'],
    });
  }
}

/** Seconds from QEMU's start until its serial output shows `until` (then it is killed). */
function qemuTime(args: string[], until: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const q = spawn('qemu-system-riscv64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => { q.kill('SIGKILL'); reject(new Error(`QEMU did not print ${until} within 120 s:\n${out.slice(-2000)}`)); }, 120_000);
    q.stdout.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      if (out.includes(until)) { const secs = (performance.now() - t0) / 1000; clearTimeout(timer); q.kill('SIGKILL'); resolve(secs); }
    });
    q.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

const ours = new Map<string, number[]>();
console.log(`load average before: ${load()}`);
for (const s of systems) {
  const seen = new Map<string, string>();
  for (let r = 0; r < runs; r++) {
    for (const jit of modes) {
      let out = '';
      const m = new Machine({ ...s.opts(), jit, serial: { output: (b) => { out += String.fromCharCode(b); } } });
      if (m.translator !== undefined && arg('--threshold') !== undefined) m.translator.hotThreshold = Number(arg('--threshold'));
      const t0 = performance.now(), c0 = process.cpuUsage();
      s.drive(m, () => out);
      const secs = (performance.now() - t0) / 1000;
      const cu = process.cpuUsage(c0), cpu = (cu.user + cu.system) / 1e6;
      const n = m.retired();
      const st = m.translator?.stats();
      console.log(`${s.name}  ${jit ? 'jit   ' : 'interp'}  ${n} instructions  ${secs.toFixed(2)} s  ${(n / secs / 1e6).toFixed(1)} MIPS  (CPU ${cpu.toFixed(2)} s, all threads; RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB)` +
        (st === undefined ? '' : `  blocks compiled ${st.compiled}, flushes ${st.flushes}, invalidations ${st.invalidations}, ` +
          `in blocks ${(100 * st.blockSteps / Math.max(1, st.blockSteps + st.interpretedSteps)).toFixed(1)}%`));
      const key = `${n} ${out}`;
      const other = seen.get(String(!jit));
      if (other !== undefined && other !== key) console.log(`  MISMATCH: the interpreter and the translator differ (instructions or output)`);
      seen.set(String(jit), key);
      const k = `${s.name}|${jit}`;
      ours.set(k, [...(ours.get(k) ?? []), secs]);
    }
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
void (async () => {
  for (const s of systems) {
    if (s.qemu === undefined) continue;
    const q: number[] = [];
    for (let r = 0; r < runs; r++) q.push(await qemuTime(s.qemu, 'kwb-init'));
    const qm = median(q);
    let line = `${s.name}  qemu    ${q.map((v) => v.toFixed(2)).join(', ')} s (median ${qm.toFixed(2)})`;
    for (const jit of modes) { const o = ours.get(`${s.name}|${jit}`); if (o !== undefined) line += `  ${jit ? 'jit' : 'interp'}/qemu ${(median(o) / qm).toFixed(2)}`; }
    console.log(line);
  }
  console.log(`load average after: ${load()}`);
})();
