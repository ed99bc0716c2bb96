// Helpers the console commands share: symbols of an address across the loaded files, gdb's
// source file names, an address from an expression, and the error a command returns.
import { DW_AT } from '../../symbols/dwarf/constants';
import { parseCNumber } from '../registers/write';
import { registerNumber } from '../registers/names';
import type { ConsoleContext, ConsoleObjfile } from './types';

/** A user error with gdb's text; the command's output ends with it. */
export class ConsoleError extends Error {
  constructor(message: string) { super(message); this.name = 'ConsoleError'; }
}

export const hex = (v: bigint): string => '0x' + BigInt.asUintN(64, v).toString(16);
export const hex16 = (v: bigint): string => '0x' + BigInt.asUintN(64, v).toString(16).padStart(16, '0');

/** gdb's `<sym+off>` for an address in any loaded file, or undefined. */
export function symbolize(ctx: ConsoleContext, addr: bigint): string | undefined {
  for (const o of ctx.objfiles()) {
    const s = o.file.symbolText(addr);
    if (s) return s;
  }
  return undefined;
}

/** The loaded file whose sections hold an address. */
export function objfileAt(ctx: ConsoleContext, addr: bigint): ConsoleObjfile | undefined {
  return ctx.objfiles().find((o) => o.file.symbolizer?.sectionAt(addr) !== undefined);
}

/**
 * The name gdb shows for a source file (its symtab name): the path relative to the unit's
 * compilation directory when it lies below it, else the full path.
 */
export function gdbFileName(ctx: ConsoleContext, pc: bigint, path: string): string {
  try {
    for (const o of ctx.objfiles()) {
      const units = o.file.dwarf?.unitsFor(pc);
      if (!units || !units.length) continue;
      for (const u of units) {
        const dir = u.str(u.root()?.get(DW_AT.comp_dir));
        if (dir && path.startsWith(dir.replace(/\/$/, '') + '/')) return path.slice(dir.replace(/\/$/, '').length + 1);
      }
      return path;
    }
  } catch { /* fall back to the full path */ }
  return path;
}

/** The numeric value of an expression, as gdb's `x` and `info symbol` take their address. */
export async function evaluateAddress(ctx: ConsoleContext, expr: string): Promise<bigint> {
  let e = expr.trim();
  if (ctx.state.lastAddress !== undefined) e = e.replace(/\$_(?![_\w])/g, hex(ctx.state.lastAddress));
  const n = parseCNumber(e);
  if (n !== undefined) return n;
  const reg = /^\$(\w+)$/.exec(e);
  if (reg) {
    const r = registerNumber(reg[1]);
    if (r !== undefined) {
      const v = await ctx.readRegister(r, ctx.frameLevel);
      if (v === undefined) throw new ConsoleError(`value is not available`);
      return v;
    }
  }
  const r = await ctx.print(`(unsigned long)(${e})`);
  if (!r.ok) {
    // the expression's own error, without the cast around it
    const plain = await ctx.print(e);
    throw new ConsoleError(plain.ok ? r.text : plain.text);
  }
  const v = parseCNumber(r.text.trim());
  if (v === undefined) throw new ConsoleError(`Value can't be converted to integer.`);
  return v;
}
