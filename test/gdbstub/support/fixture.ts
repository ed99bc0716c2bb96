// The gdbstub test program (fixtures/), built with buildGuest(), and the line numbers of its
// MARK:name comments so tests never hard-code a line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGuest } from '../../support/toolchain';

export const FIXTURES = join(__dirname, '..', 'fixtures');
export const PROG_C = join(FIXTURES, 'prog.c');

let cached: string | undefined;
/** Path of the built test program ELF. */
export function progElf(): string {
  cached ??= buildGuest([join(FIXTURES, 'start.S'), join(FIXTURES, 'trap.S'), PROG_C], { name: 'gdbstub-prog' });
  return cached;
}

/** Line number (1-based) of the `MARK:name` comment in prog.c. */
export function markLine(name: string): number {
  const lines = readFileSync(PROG_C, 'utf8').split('\n');
  const re = new RegExp(`MARK:${name}\\b`);
  const i = lines.findIndex((l) => re.test(l));
  if (i < 0) throw new Error(`prog.c has no MARK:${name}`);
  return i + 1;
}
