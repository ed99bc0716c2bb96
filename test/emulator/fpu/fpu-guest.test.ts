// F and D end to end, through the CPU's loads/stores, fcsr and mstatus.FS and the FPU:
// - guest/fp-mix.c compiled for RISC-V and run on our machine, and compiled for the host,
//   whose IEEE 754 hardware is the oracle;
// - guest/fp-rules.c (RISC-V-specific rules, all five rounding modes, inline assembly) run on
//   our machine and on qemu-system-riscv64 -machine spike, whose softfloat is the oracle.
// Each prints a hash of every result and its flags.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../../emulator/machine';
import { buildGuest, CACHE_DIR } from '../../support/toolchain';

const SRC = join(__dirname, 'guest');
const FLAGS = ['-O2', '-frounding-math', '-ffp-contract=off', '-fno-math-errno'];

/** Runs an ELF on our machine; returns its HTIF console output. */
function runOurs(elf: string): string {
  let out = '';
  const m = new Machine({ kernel: readFileSync(elf), kernelName: elf, memoryBytes: 16 << 20, serial: { output: (b) => { out += String.fromCharCode(b); } } });
  const e = m.runFor(500_000_000);
  assert.deepEqual(e?.reason, { kind: 'poweroff', code: 0 });
  return out;
}

/** Runs an ELF on QEMU's spike board (HTIF console on stdio); QEMU exits on HTIF exit. */
function runQemu(elf: string): string {
  return execFileSync('qemu-system-riscv64', ['-machine', 'spike', '-bios', 'none', '-kernel', elf, '-display', 'none', '-monitor', 'none', '-serial', 'stdio'],
    { input: '', timeout: 60_000, killSignal: 'SIGKILL' }).toString();
}

function hostOracle(): string {
  const src = join(SRC, 'fp-mix.c');
  const cpu = readFileSync('/proc/cpuinfo', 'utf8');
  const flags = [...FLAGS, ...(/\bfma\b/.test(cpu) ? ['-mfma'] : [])];
  const key = createHash('sha256').update(readFileSync(src)).update(flags.join(' ')).digest('hex').slice(0, 16);
  mkdirSync(CACHE_DIR, { recursive: true });
  const exe = join(CACHE_DIR, `fp-mix-host-${key}`);
  if (!existsSync(exe)) {
    const tmp = `${exe}.${process.pid}.tmp`;
    execFileSync('gcc', [...flags, '-o', tmp, src, '-lm']);
    renameSync(tmp, exe);
  }
  return execFileSync(exe).toString();
}

describe('emulator/fpu: F/D programs on the machine match the host and QEMU', function () {
  this.timeout(100_000);
  it('prints the same hash of results and flags in four rounding modes', () => {
    const elf = buildGuest([join(SRC, 'start.S'), join(SRC, 'fp-mix.c')], { name: 'fp-mix', flags: [...FLAGS, '-ffreestanding', '-fno-reorder-functions'] }); // _start first, at 0x80000000
    const out = runOurs(elf);
    const want = hostOracle();
    const m2 = /^[0-9a-f]{16} ([0-9a-f]{16})\n$/.exec(want);
    assert.ok(m2 && parseInt(m2[1], 16) > 100_000, `host oracle printed ${JSON.stringify(want)}`);
    assert.equal(out, want);
    assert.equal(runQemu(elf), want); // the host and QEMU agree too, so the program is a fair test
  });

  it('RISC-V rules (NaN boxing, canonical NaN, FMIN/FMAX, saturation, RMM) match QEMU bit for bit', () => {
    const elf = buildGuest([join(SRC, 'start.S'), join(SRC, 'fp-rules.c')], { name: 'fp-rules', flags: ['-O2', '-ffreestanding', '-fno-reorder-functions'] });
    const ours = runOurs(elf);
    const qemu = runQemu(elf);
    assert.match(qemu, /^[0-9a-f]{16} [0-9a-f]{16}\n$/);
    assert.equal(ours, qemu);
  });
});
