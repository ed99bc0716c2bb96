// F and D end to end: one C program (guest/fp-mix.c) compiled for RISC-V and run on our
// machine (CPU loads/stores, fcsr, mstatus.FS and the FPU together) and compiled for the host,
// whose IEEE 754 hardware is the oracle. Both print a hash of every result and flag set.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../../emulator/machine';
import { buildGuest, CACHE_DIR } from '../../support/toolchain';

const SRC = join(__dirname, 'guest');
const FLAGS = ['-O2', '-frounding-math', '-ffp-contract=off', '-fno-math-errno'];

function hostOracle(): string {
  const src = join(SRC, 'fp-mix.c');
  const cpu = readFileSync('/proc/cpuinfo', 'utf8');
  const flags = [...FLAGS, ...(/\bfma\b/.test(cpu) ? ['-mfma'] : [])];
  const key = createHash('sha256').update(readFileSync(src)).update(flags.join(' ')).digest('hex').slice(0, 16);
  mkdirSync(CACHE_DIR, { recursive: true });
  const exe = join(CACHE_DIR, `fp-mix-host-${key}`);
  if (!existsSync(exe)) {
    execFileSync('gcc', [...flags, '-o', `${exe}.tmp`, src, '-lm']);
    renameSync(`${exe}.tmp`, exe);
  }
  return execFileSync(exe).toString();
}

describe('emulator/fpu: a C program on the machine matches the same program on the host', function () {
  this.timeout(100_000);
  it('prints the same hash of results and flags in four rounding modes', () => {
    const elf = buildGuest([join(SRC, 'start.S'), join(SRC, 'fp-mix.c')], { name: 'fp-mix', flags: [...FLAGS, '-ffreestanding'] });
    let out = '';
    const m = new Machine({ kernel: readFileSync(elf), kernelName: 'fp-mix', memoryBytes: 16 << 20, serial: { output: (b) => { out += String.fromCharCode(b); } } });
    const e = m.runFor(200_000_000);
    assert.deepEqual(e?.reason, { kind: 'poweroff', code: 0 });
    const want = hostOracle();
    const m2 = /^[0-9a-f]{16} ([0-9a-f]{16})\n$/.exec(want);
    assert.ok(m2 && parseInt(m2[1], 16) > 100_000, `host oracle printed ${JSON.stringify(want)}`);
    assert.equal(out, want);
  });
});
