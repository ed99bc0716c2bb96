// Instruction-level tests of the hart: small assembly programs (test/emulator/cpu/guest/*.S,
// expected values hand-computed from the ISA specification in the sources) built with
// riscv64-unknown-elf-gcc at test time and run on the Machine; each reports through HTIF
// tohost (poweroff code 0 = pass, n = check n failed).
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGuest } from '../../support/toolchain';
import { Machine } from '../../../emulator/machine';

const GUEST = join(__dirname, 'guest');

export function runGuest(name: string, limit = 5_000_000): { code: number | string; machine: Machine } {
  const elf = buildGuest([join(GUEST, name)], { name: name.replace(/\.S$/, ''), flags: ['-I', GUEST, '-Wl,--no-relax'] });
  const machine = new Machine({ kernel: readFileSync(elf), kernelName: elf, memoryBytes: 16 << 20 });
  const e = machine.runFor(limit);
  if (!e) return { code: `no stop after ${limit} instructions (pc 0x${machine.harts[0].pc.toString(16)})`, machine };
  if (e.reason.kind !== 'poweroff') return { code: `stopped: ${e.reason.kind}`, machine };
  return { code: e.reason.code, machine };
}

describe('emulator/cpu: instruction groups (guest programs, HTIF)', () => {
  const programs = readdirSync(GUEST).filter((f) => f.endsWith('.S')).sort();
  it('has guest programs', () => assert.ok(programs.length >= 5));
  for (const p of programs) {
    it(p.replace(/\.S$/, ''), () => {
      const { code } = runGuest(p);
      assert.equal(code, 0, `${p}: ${typeof code === 'number' ? `check ${code & 0x7ff} failed${code > 0x7ff ? ' (unexpected trap)' : ''}` : code}`);
    });
  }
});
