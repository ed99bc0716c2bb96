// Emulator speed bench: our guest programs (sha256, quicksort, matrix product, 64-bit
// division; bare-metal M-mode and U-mode under Sv39) on kwb, interpreted (--no-jit) and
// translated (--jit), and on qemu-system-riscv64, in the same run. Prints, per program: our
// retired instructions, wall time and MIPS each way, QEMU's wall time, and the wall-time
// ratios ours/QEMU (medians of several runs; whole processes, start-up included on all sides),
// with the load average before and after (the numbers are only as quiet as the machine).
// Usage: npx tsx bench/emulator/run.ts [--runs N] [--kwb path/to/kwb.js]
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { buildGuest, REPO_ROOT } from '../../test/support/toolchain';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
const guestDir = join(REPO_ROOT, 'bench', 'guest');
const kwbAt = process.argv.indexOf('--kwb');
const kwb = kwbAt > 0 ? process.argv[kwbAt + 1] : join(REPO_ROOT, 'dist', 'kwb.js');
const programs = ['sha256', 'qsort', 'matmul', 'div64'];
const sourceOf = (p: string) => (p === 'div64' ? join(__dirname, 'guest', 'div64.c') : join(guestDir, `${p}.c`));
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`load average before: ${load()} (${cpus().length} CPUs)`);
const modes = [{ name: 'M-mode bare', flags: [] as string[] }, { name: 'U-mode Sv39', flags: ['-DUSER_MODE'] }];

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }

function timeRun(cmd: string, args: string[]): { wall: number; out: string; err: string; status: number | null } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { wall, out: r.stdout ?? '', err: r.stderr ?? '', status: r.status };
}

const rows: string[][] = [['program', 'mode', 'instructions', 'interp s', 'MIPS', 'jit s', 'MIPS', 'qemu s', 'interp/qemu', 'jit/qemu', 'jit speed-up']];
const allMips: number[] = [];
const jitMips: number[] = [];
for (const p of programs) {
  for (const m of modes) {
    const elf = buildGuest([join(guestDir, 'start.S'), sourceOf(p)], {
      name: `bench-${p}${m.flags.length ? '-user' : ''}`,
      flags: ['-O2', '-ffreestanding', '-I', guestDir, ...m.flags],
      linkerScript: join(guestDir, 'link.ld'),
    });
    const ours: number[] = []; const jit: number[] = []; const qemu: number[] = []; let insns = 0; let ourOut = ''; let jitOut = ''; let qemuOut = '';
    for (let i = 0; i < runs; i++) {
      for (const flag of ['--no-jit', '--jit']) {
        const a = timeRun('node', [kwb, 'run', '--kernel', elf, '--stats', flag]);
        const mm = /(\d+) instructions/.exec(a.err);
        if (a.status !== 0 || !mm) throw new Error(`kwb ${flag} failed on ${p} (${m.name}): status ${a.status}\n${a.err}`);
        if (insns !== 0 && Number(mm[1]) !== insns) throw new Error(`${p} (${m.name}): ${mm[1]} instructions with ${flag}, ${insns} before`);
        insns = Number(mm[1]);
        if (flag === '--jit') { jit.push(a.wall); jitOut = a.out; } else { ours.push(a.wall); ourOut = a.out; }
      }
      const b = timeRun('qemu-system-riscv64', ['-machine', 'virt', '-bios', 'none', '-nographic', '-m', '128M', '-kernel', elf]);
      if (b.status !== 0) throw new Error(`qemu failed on ${p}: ${b.err}`);
      qemu.push(b.wall); qemuOut = b.out;
    }
    if (ourOut.trim() !== qemuOut.trim() || jitOut.trim() !== qemuOut.trim()) {
      throw new Error(`output differs on ${p} (${m.name}):\nkwb:  ${ourOut}\njit:  ${jitOut}\nqemu: ${qemuOut}`);
    }
    const o = median(ours), j = median(jit), q = median(qemu), mips = insns / o / 1e6, jm = insns / j / 1e6;
    allMips.push(mips); jitMips.push(jm);
    rows.push([p, m.name, String(insns), o.toFixed(2), mips.toFixed(1), j.toFixed(2), jm.toFixed(1), q.toFixed(2), (o / q).toFixed(1), (j / q).toFixed(1), (o / j).toFixed(2)]);
  }
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows) console.log(r.map((cell, c) => cell.padStart(widths[c])).join('  '));
console.log(`median of ${runs} runs each; MIPS = our instructions / our wall time (process start-up included)`);
console.log(`interpreter: lowest MIPS ${Math.min(...allMips).toFixed(1)}, median ${median(allMips).toFixed(1)}, highest ${Math.max(...allMips).toFixed(1)}`);
console.log(`translator:  lowest MIPS ${Math.min(...jitMips).toFixed(1)}, median ${median(jitMips).toFixed(1)}, highest ${Math.max(...jitMips).toFixed(1)}`);
console.log(`load average after: ${load()}`);
