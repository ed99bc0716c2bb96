// Shared helpers of the machine tests: build a guest from guest/, make a Machine for it,
// and look its symbols up with the toolchain's nm (an oracle independent of our ELF loader).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGuest, CROSS } from '../../support/toolchain';
import { Machine, MachineOptions } from '../../../emulator/machine';

export const GUEST = join(__dirname, 'guest');

export function build(name: string): string {
  return buildGuest([join(GUEST, name)], { name: `machine-${name.replace(/\.S$/, '')}`, flags: ['-I', GUEST, '-Wl,--no-relax'] });
}

export function machineFor(name: string, opts: MachineOptions = {}): { m: Machine; elf: string; sym: (s: string) => bigint } {
  const elf = build(name);
  const m = new Machine({ kernel: readFileSync(elf), kernelName: elf, memoryBytes: 16 << 20, ...opts });
  return { m, elf, sym: symbolsOf(elf) };
}

export function symbolsOf(elf: string): (s: string) => bigint {
  const out = execFileSync(`${CROSS}nm`, [elf], { encoding: 'utf8' });
  const map = new Map<string, bigint>();
  for (const line of out.split('\n')) {
    const [addr, , name] = line.trim().split(/\s+/);
    if (name) map.set(name, BigInt(`0x${addr}`));
  }
  return (s: string) => {
    const v = map.get(s);
    if (v === undefined) throw new Error(`no symbol ${s} in ${elf}`);
    return v;
  };
}
