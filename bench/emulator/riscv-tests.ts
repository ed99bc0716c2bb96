// The riscv-tests ISA programs (riscv-software-src/riscv-tests, built elsewhere: not part of this
// repository) on the Machine in process: interpreted, and translated with the translator's
// threshold at its default and at each --threshold given (1 compiles a block at its first
// visit, so even these short programs run in blocks). Each program ends through HTIF tohost:
// exit code 0 is a pass, n > 0 is test case n failing. Prints pass/fail counts per mode, the
// failures with their exit codes, the translator's statistics, and any program whose retired
// instruction count differs between modes.
// Usage: npx tsx bench/emulator/riscv-tests.ts --dir ISA_DIR [--threshold N]... [--only REGEX]
//   ISA_DIR holds the built programs (rv64ui-p-add, rv64ui-v-add, ...); by default every
//   rv64{ui,um,ua,uf,ud,uc,mi,si}-{p,v}-* file without an extension (244 with riscv-tests of 2024-2026).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../emulator/machine';

const argv = process.argv.slice(2);
const values = (name: string) => argv.flatMap((a, i) => (a === name && i + 1 < argv.length ? [argv[i + 1]] : []));
function usage(problem: string): never {
  process.stderr.write(`riscv-tests.ts: ${problem}\nusage: npx tsx bench/emulator/riscv-tests.ts --dir ISA_DIR [--threshold N]... [--only REGEX]\n`);
  process.exit(2);
}
const dir = values('--dir')[0] ?? usage('--dir ISA_DIR is required (the built riscv-tests isa folder)');
if (!existsSync(dir)) usage(`--dir '${dir}': no such folder`);
const thresholds = values('--threshold').map((t) => {
  const n = Number(t);
  if (!Number.isInteger(n) || n < 1) usage(`--threshold '${t}': not a positive whole number`);
  return n;
});
const only = new RegExp(values('--only')[0] ?? '^rv64(ui|um|ua|uf|ud|uc|mi|si)-(p|v)-[^.]+$');
const programs = readdirSync(dir).filter((f) => only.test(f)).sort();
if (programs.length === 0) usage(`--dir '${dir}': no program matches ${only} (build them with make in riscv-tests/isa)`);

const BUDGET = 50_000_000; // far more than any of them needs; a program still running after it fails

interface Mode { name: string; jit: boolean; threshold?: number }
const modes: Mode[] = [{ name: 'interpreter', jit: false }, { name: 'translator, default threshold', jit: true },
  ...thresholds.map((t) => ({ name: `translator, threshold ${t}`, jit: true, threshold: t }))];

const counts = new Map<string, number>(); // program -> instructions in the first mode
let mismatches = 0;
for (const mode of modes) {
  let pass = 0;
  const failures: string[] = [];
  let compiled = 0, blockSteps = 0, interpretedSteps = 0;
  const t0 = performance.now();
  for (const p of programs) {
    let out = '';
    const m = new Machine({ kernel: new Uint8Array(readFileSync(join(dir, p))), kernelName: p, jit: mode.jit, serial: { output: (b) => { out += String.fromCharCode(b); } } });
    if (mode.threshold !== undefined) m.translator!.hotThreshold = mode.threshold;
    let verdict: string | undefined;
    try {
      for (let run = 0; run < BUDGET && verdict === undefined; run += 1_000_000) {
        const e = m.runFor(1_000_000);
        if (e === undefined) continue;
        if (e.reason.kind === 'poweroff') verdict = e.reason.code === 0 ? 'pass' : `exit code ${e.reason.code} (test case ${e.reason.code})`;
        else verdict = `stopped: ${JSON.stringify(e.reason, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))}`;
      }
    } catch (e) { verdict = `threw ${(e as Error).stack}`; }
    verdict ??= `no result after ${BUDGET} instructions`;
    if (verdict === 'pass') pass++; else failures.push(`${p}: ${verdict}${out ? ` output ${JSON.stringify(out.slice(-200))}` : ''}`);
    const n = m.retired();
    const before = counts.get(p);
    if (before === undefined) counts.set(p, n);
    else if (before !== n) { mismatches++; console.log(`  ${p}: ${n} instructions with the ${mode.name}, ${before} interpreted`); }
    const st = m.translator?.stats();
    if (st) { compiled += st.compiled; blockSteps += st.blockSteps; interpretedSteps += st.interpretedSteps; }
  }
  const secs = (performance.now() - t0) / 1000;
  console.log(`${mode.name}: ${pass} of ${programs.length} pass, ${failures.length} fail (${secs.toFixed(1)} s)` +
    (mode.jit ? `; blocks compiled ${compiled}, steps in blocks ${(100 * blockSteps / Math.max(1, blockSteps + interpretedSteps)).toFixed(1)}%` : ''));
  for (const f of failures) console.log(`  FAIL ${f}`);
}
console.log(mismatches === 0 ? 'instruction counts: the same in every mode' : `instruction counts: ${mismatches} differences`);
