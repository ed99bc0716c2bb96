// The Registers scope of a frame, through debug-adapter/registers/: General (the hart's live
// registers in a running task's innermost frame; an outer frame's or a sleeping task's are the
// unwound ones, `<not saved>` where the unwinder recovered none), Floating point and CSRs with
// their decoded fields (the hart's, only for a frame on a hart). Register names for `$name` in
// expressions (CSRs, FPRs, priv) and the DWARF → Target numbering for writes.
import { REG_CSR0, REG_F0, type Target } from '../../emulator/target';
import { registerGroups, registerNumber, type RegisterNode } from '../registers';
import type { FrameInfo } from './stack';

/** Whether a frame's registers are the hart's own (writable): a task running on a hart, innermost frame. */
export function liveFrame(f: FrameInfo): boolean {
  return f.hart !== undefined && f.machineIndex === 0;
}

/** The Registers scope's groups for a frame; children are read when a group is expanded. */
export function frameRegisterGroups(target: Target, f: FrameInfo, symbolize: (a: bigint) => string | undefined): RegisterNode[] {
  const live = liveFrame(f);
  const frame = live ? undefined : { pc: f.context.pc, regs: f.context.regs };
  const groups = registerGroups(target, f.hart ?? 0, { symbolize, frame });
  // a task that is not on a hart has only the registers its saved context (and the unwinder) hold
  return f.hart === undefined ? groups.filter((g) => g.name === 'General') : groups;
}

/** `$name` of a register symbols' expressions do not read from the frame (FPRs, CSRs, priv): its Target number. */
export function namedRegister(name: string): number | undefined {
  const r = registerNumber(name);
  return r !== undefined && r > 32 ? r : undefined;
}

/** A DWARF register number (symbols' MemoryWriter.writeRegister) as the Target numbers it. */
export function targetRegisterOfDwarf(dwarf: number): number | undefined {
  if (dwarf >= 0 && dwarf < 32) return dwarf;
  if (dwarf >= 32 && dwarf < 64) return REG_F0 + (dwarf - 32);
  if (dwarf >= 4096 && dwarf < 8192) return REG_CSR0 + (dwarf - 4096);
  return undefined;
}
