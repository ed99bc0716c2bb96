// Oracles from the build's own files: source line numbers found by their text, symbol addresses by nm.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const GUEST = join(__dirname, '..', '..', '..', '..', 'guest');

/** The 1-based number of the first line of a source file containing `text`. */
export function lineOf(file: string, text: string): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`${text} not in ${file}`);
  return i + 1;
}

export function nm(elf: string, name: string): bigint {
  const m = new RegExp(`^([0-9a-f]+) \\w ${name}$`, 'm').exec(execFileSync('riscv64-unknown-elf-nm', [elf], { encoding: 'utf8' }));
  if (!m) throw new Error(`no ${name} in ${elf}`);
  return BigInt('0x' + m[1]);
}
