// Register packets: g (all general registers), G (write them), p n (one register), P n=v.
// `g` carries x0..x31 and pc (33 x 8 bytes, as QEMU sends); gdb fetches FPRs, CSRs and priv
// one at a time with `p`, using the numbers of our target description (target.ts numbering).
// The Hg thread's registers: a hart's, or (kernel awareness) a task's: the hart's while it runs,
// its saved ones otherwise, where registers it did not save read as unavailable ('xx' bytes)
// and writing is refused.
import { REG_PC } from '../../emulator/target';
import { Errno, errorReply, PacketError } from '../errors';
import { hexToReg, regToHex } from '../rsp/encoding';
import { describedRegisters } from '../target-description';
import { savedRegister, type RegisterSource } from '../kernel-view';
import { hexInt, isError } from './parse';
import { packet, type StubContext } from './types';

const G_REGS = REG_PC + 1;

async function source(ctx: StubContext): Promise<RegisterSource | undefined> {
  const e = await ctx.selectedThread('g');
  if (!e) return ctx.kernel.awareness ? undefined : { kind: 'hart', hart: ctx.state.gHart };
  return ctx.kernel.registerSource(e, ctx.state.process);
}

/** A register's value, or undefined when the thread's saved state does not hold it. */
async function read(ctx: StubContext, src: RegisterSource, reg: number): Promise<bigint | undefined> {
  return src.kind === 'hart' ? ctx.target.readRegister(src.hart, reg) : savedRegister(src, reg);
}

const unavailable = (size: number): string => 'xx'.repeat(size);

export const readAllRegisters = packet({
  key: 'g',
  parse: (text) => (text === 'g' ? {} : new PacketError(text, 'g takes no arguments')),
  async handle(_cmd, ctx) {
    try {
      const src = await source(ctx);
      if (!src) return Errno.ESRCH;
      let s = '';
      for (let r = 0; r < G_REGS; r++) {
        const v = await read(ctx, src, r);
        s += v === undefined ? unavailable(8) : regToHex(v, 8);
      }
      return s;
    } catch (e) { return errorReply(e); }
  },
});

export const writeAllRegisters = packet({
  key: 'G',
  parse(text) {
    const hex = text.slice(1);
    if (hex.length === 0 || hex.length % 16 !== 0 || hex.length > G_REGS * 16 || !/^[0-9a-fA-F]*$/.test(hex)) {
      return new PacketError(text, `expected up to ${G_REGS} registers of 16 hex digits`);
    }
    const values: bigint[] = [];
    for (let i = 0; i < hex.length; i += 16) values.push(hexToReg(hex.slice(i, i + 16))!);
    return { values };
  },
  async handle(cmd, ctx) {
    try {
      const src = await source(ctx);
      if (src?.kind !== 'hart') return Errno.EPERM; // a task not on a hart: its saved registers are the kernel's
      // x0 is hard-wired to zero; writing it is harmless but skip it to keep targets simple.
      for (let r = 1; r < cmd.values.length; r++) await ctx.target.writeRegister(src.hart, r, cmd.values[r]);
      ctx.kernel.invalidate(); // what awareness read at this stop may have changed
      return 'OK';
    } catch (e) { return errorReply(e); }
  },
});

export const readRegister = packet({
  key: 'p',
  parse(text) {
    const reg = hexInt(text, text.slice(1), 'register number', 0xffff);
    return isError(reg) ? reg : { reg };
  },
  async handle(cmd, ctx) {
    const size = describedRegisters(ctx.target.features).get(cmd.reg);
    if (size === undefined) return 'E22';
    try {
      const src = await source(ctx);
      if (!src) return Errno.ESRCH;
      const v = await read(ctx, src, cmd.reg);
      return v === undefined ? unavailable(size) : regToHex(v, size);
    } catch (e) { return errorReply(e); }
  },
});

export const writeRegister = packet({
  key: 'P',
  parse(text) {
    const eq = text.indexOf('=');
    if (eq < 0) return new PacketError(text, 'expected P n=value');
    const reg = hexInt(text, text.slice(1, eq), 'register number', 0xffff);
    if (isError(reg)) return reg;
    const value = hexToReg(text.slice(eq + 1));
    if (value === undefined) return new PacketError(text, 'bad register value');
    return { reg, value };
  },
  async handle(cmd, ctx) {
    if (!describedRegisters(ctx.target.features).has(cmd.reg)) return 'E22';
    try {
      const src = await source(ctx);
      if (src?.kind !== 'hart') return Errno.EPERM;
      await ctx.target.writeRegister(src.hart, cmd.reg, cmd.value);
      ctx.kernel.invalidate();
      return 'OK';
    } catch (e) { return errorReply(e); }
  },
});
