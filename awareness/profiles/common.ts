// Pieces the OS profiles share: a saved switch context (ra, sp, s0..s11) as registers, and a
// RISC-V trap frame (x[32] then pc, as the teaching kernel, xv6's trapframe and Linux's pt_regs
// lay them out in different structs) read into a register set.
import type { RegisterSet } from '../../symbols';
import type { View } from '../layout';
import type { ProfileContext, TaskRegisters } from '../model';
import type { GuestSpace } from '../target';

/** s0..s11 are x8, x9, x18..x27. */
export const S_REGS = [8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27];

/** Registers from a saved context: `ra` and `sp` members and an `s` array (or s0..s11 members). */
export function savedContextRegisters(v: View, ra: string, sp: string, s: string | string[]): TaskRegisters {
  const x: Array<bigint | undefined> = new Array(32).fill(undefined);
  x[0] = 0n;
  x[1] = v.u(ra);
  x[2] = v.u(sp);
  S_REGS.forEach((reg, i) => { x[reg] = typeof s === 'string' ? v.element(s, i) : v.u(s[i]); });
  return { pc: x[1]!, x, source: 'saved' };
}

/**
 * A trap frame at `address`: a struct with either an `x` array of 32 registers and `pc`
 * (teaching kernel), or one member per register name plus `epc`/`sepc` (Linux's pt_regs, xv6's
 * trapframe), read through the layout of `structName`.
 */
export async function trapRegsAt(ctx: ProfileContext, structName: string, address: bigint, space: GuestSpace): Promise<RegisterSet | undefined> {
  const layout = ctx.layouts.tryStruct(structName);
  if (!layout) return undefined;
  const b = await ctx.memory.read(address, layout.size, space);
  if (!b) return undefined;
  const v = layout.view(b, address);
  const regs = new Map<number, bigint>([[0, 0n]]);
  let pc: bigint | undefined;
  if (layout.has('x')) {
    for (let i = 1; i < 32; i++) regs.set(i, v.element('x', i));
    pc = v.u('pc');
  } else {
    ABI_NAMES.forEach((name, i) => { if (i > 0 && layout.has(name)) regs.set(i, v.u(name)); });
    if (!regs.has(8) && layout.has('fp')) regs.set(8, v.u('fp'));
    pc = layout.has('epc') ? v.u('epc') : layout.has('sepc') ? v.u('sepc') : undefined;
  }
  return pc === undefined ? undefined : { pc, regs };
}

export const ABI_NAMES = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7',
  's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
