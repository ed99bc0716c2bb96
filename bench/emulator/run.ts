// Emulator speed bench: our guest programs (sha256, quicksort, matrix product; bare-metal
// M-mode and U-mode under Sv39) on kwb and on qemu-system-riscv64, in the same run.
// Prints, per program: our retired instructions, our wall time and MIPS, QEMU's wall time,
// and the wall-time ratio ours/QEMU (medians of several runs; whole processes, start-up
// included on both sides). Usage: npx tsx bench/emulator/run.ts [--runs N]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildGuest, REPO_ROOT } from '../../test/support/toolchain';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
const guestDir = join(REPO_ROOT, 'bench', 'guest');
const programs = ['sha256', 'qsort', 'matmul'];
const modes = [{ name: 'M-mode bare', flags: [] as string[] }, { name: 'U-mode Sv39', flags: ['-DUSER_MODE'] }];

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }

function timeRun(cmd: string, args: string[]): { wall: number; out: string; err: string; status: number | null } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { wall, out: r.stdout ?? '', err: r.stderr ?? '', status: r.status };
}

const rows: string[][] = [['program', 'mode', 'instructions', 'kwb s', 'kwb MIPS', 'qemu s', 'kwb/qemu']];
let allMips: number[] = [];
for (const p of programs) {
  for (const m of modes) {
    const elf = buildGuest([join(guestDir, 'start.S'), join(guestDir, `${p}.c`)], {
      name: `bench-${p}${m.flags.length ? '-user' : ''}`,
      flags: ['-O2', '-ffreestanding', '-I', guestDir, ...m.flags],
      linkerScript: join(guestDir, 'link.ld'),
    });
    const ours: number[] = []; const qemu: number[] = []; let insns = 0; let ourOut = ''; let qemuOut = '';
    for (let i = 0; i < runs; i++) {
      const a = timeRun('node', [join(REPO_ROOT, 'dist', 'kwb.js'), 'run', '--kernel', elf, '--stats']);
      const mm = /(\d+) instructions/.exec(a.err);
      if (a.status !== 0 || !mm) throw new Error(`kwb failed on ${p} (${m.name}): status ${a.status}\n${a.err}`);
      insns = Number(mm[1]); ours.push(a.wall); ourOut = a.out;
      const b = timeRun('qemu-system-riscv64', ['-machine', 'virt', '-bios', 'none', '-nographic', '-m', '128M', '-kernel', elf]);
      if (b.status !== 0) throw new Error(`qemu failed on ${p}: ${b.err}`);
      qemu.push(b.wall); qemuOut = b.out;
    }
    if (ourOut.trim() !== qemuOut.trim()) throw new Error(`output differs on ${p} (${m.name}):\nkwb:  ${ourOut}\nqemu: ${qemuOut}`);
    const o = median(ours), q = median(qemu), mips = insns / o / 1e6;
    allMips.push(mips);
    rows.push([p, m.name, String(insns), o.toFixed(2), mips.toFixed(1), q.toFixed(2), (o / q).toFixed(1)]);
  }
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows) console.log(r.map((cell, c) => cell.padStart(widths[c])).join('  '));
console.log(`median of ${runs} runs each; MIPS = our instructions / our wall time (process start-up included)`);
console.log(`lowest MIPS ${Math.min(...allMips).toFixed(1)}, highest ${Math.max(...allMips).toFixed(1)}`);
