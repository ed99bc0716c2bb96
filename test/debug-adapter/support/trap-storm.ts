// The trap-storm guest (trap-storm.S next to this file), built from source with
// riscv64-unknown-elf-gcc into the test cache: 'ecall' takes an ecall from S-mode into M-mode in
// a loop; 'interrupt' leaves the machine timer interrupt pending for ever.
import { join } from 'node:path';
import { buildGuest } from '../../support/toolchain';

export const TRAP_STORM_SOURCE = join(__dirname, 'trap-storm.S');

export function trapStormGuest(kind: 'ecall' | 'interrupt'): string {
  return buildGuest([TRAP_STORM_SOURCE], { flags: kind === 'interrupt' ? ['-DINTERRUPTS'] : [], name: `trap-storm-${kind}` });
}
