// The oracle for the module loader: GNU ld links the same relocatable object with every
// allocated section at the address our loader chose (and the module's undefined symbols at
// the kernel's addresses, from nm), without relaxation. The bytes ld writes must equal the
// bytes our loader left in memory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Placement { name: string; addr: bigint }

/** Addresses of the kernel's symbols, by name (nm). */
export function kernelSymbols(kernel: string): Map<string, bigint> {
  const map = new Map<string, bigint>();
  for (const line of execFileSync('riscv64-unknown-elf-nm', [kernel], { encoding: 'utf8' }).split('\n')) {
    const m = /^([0-9a-f]+) \S (\S+)$/.exec(line.trim());
    if (m) map.set(m[2], BigInt('0x' + m[1]));
  }
  return map;
}

/** Undefined symbols of an object file (nm -u). */
export function undefinedSymbols(object: string): string[] {
  return execFileSync('riscv64-unknown-elf-nm', ['-u', object], { encoding: 'utf8' })
    .split('\n').map((l) => l.trim().replace(/^U\s+/, '')).filter((s) => s.length > 0);
}

/** Links `object` with the given section placements; returns, per PROGBITS section, its bytes. */
export function linkedSectionBytes(object: string, placements: Placement[], kernel: string): Map<string, Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'kwb-ld-'));
  const script = join(dir, 'place.ld');
  writeFileSync(script, `SECTIONS {\n${placements.map((p) => `  ${p.name} 0x${p.addr.toString(16)} : { *(${p.name}) }`).join('\n')}\n}\n`);
  const ksyms = kernelSymbols(kernel);
  const defsyms = undefinedSymbols(object).flatMap((s) => {
    const a = ksyms.get(s);
    if (a === undefined) throw new Error(`${object} needs ${s}, which the kernel does not have`);
    return ['--defsym', `${s}=0x${a.toString(16)}`];
  });
  const out = join(dir, 'linked.elf');
  execFileSync('riscv64-unknown-elf-ld', ['--no-relax', '--no-warn-rwx-segments', '-T', script, object, ...defsyms, '-o', out]);
  const result = new Map<string, Buffer>();
  const sections = execFileSync('riscv64-unknown-elf-readelf', ['-SW', out], { encoding: 'utf8' });
  for (const p of placements) {
    const row = sections.split('\n').find((l) => new RegExp(`\\]\\s+${p.name.replace(/\./g, '\\.')}\\s`).test(l));
    if (!row || /NOBITS/.test(row)) continue;
    const bin = join(dir, 'section.bin');
    execFileSync('riscv64-unknown-elf-objcopy', ['-O', 'binary', `--only-section=${p.name}`, out, bin]);
    result.set(p.name, readFileSync(bin));
  }
  return result;
}
