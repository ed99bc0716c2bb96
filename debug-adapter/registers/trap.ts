// What a trap means, for DAP's exceptionInfo: scause (or mcause), stval and sepc decoded by the
// privileged specification's cause table (causeInfo, gdbstub/monitor/csr-fields.ts) into a
// sentence a kernel developer reads: "Load page fault: the kernel read address 0x10 (stval) at
// lesson_peek+12 (sepc)". stval's meaning depends on the cause (a faulting address, the
// instruction bits of an illegal instruction, nothing for ecalls and interrupts).
import { causeInfo } from '../../gdbstub/monitor/csr-fields';
import type { Symbolize } from './format';

export type BreakMode = 'never' | 'always' | 'unhandled' | 'userUnhandled';

export interface TrapDescription {
  /** A stable id: `load-page-fault`, `ecall-u`, `supervisor-timer-interrupt`, `exception-10`. */
  id: string;
  description: string;
  breakMode: BreakMode;
  /** DAP ExceptionDetails. */
  details: { message: string; typeName: string; fullTypeName: string; evaluateName?: string };
}

export interface TrapOptions {
  /** The privilege the trap came from (sstatus.SPP / mstatus.MPP, or the hart's priv before it): 0 U, 1 S, 3 M. */
  from?: number;
  /** Whether the registers are the M-mode ones (mcause/mtval/mepc); names them so in the text. */
  machineMode?: boolean;
  breakMode?: BreakMode;
}

const hex = (v: bigint): string => '0x' + BigInt.asUintN(64, v).toString(16);

function place(addr: bigint, symbolize?: Symbolize): string {
  const s = symbolize?.(addr);
  if (!s) return hex(addr);
  return s.replace(/^<(.*)>$/, '$1');
}

/** Describes a trap by its cause, trap value and exception pc. Never throws. */
export function describeTrap(scause: bigint, stval: bigint, sepc: bigint, symbolize?: Symbolize, opts: TrapOptions = {}): TrapDescription {
  const c = causeInfo(scause);
  const [causeReg, tvalReg, epcReg] = opts.machineMode ? ['mcause', 'mtval', 'mepc'] : ['scause', 'stval', 'sepc'];
  const who = opts.from === 0 ? 'the user program' : opts.from === 1 ? 'the kernel' : opts.from === 3 ? 'machine-mode code' : 'the hart';
  const at = `at ${place(sepc, symbolize)} (${epcReg})`;
  const addr = `${hex(stval)} (${tvalReg})`;
  let what: string;
  let evaluateName: string | undefined;
  if (c.interrupt) what = `taken ${at}`;
  else {
    switch (Number(c.code)) {
      case 0: what = `${who} jumped to the misaligned address ${addr} ${at}`; evaluateName = `$${tvalReg}`; break;
      case 1: case 12: what = `${who} fetched an instruction at ${addr}${stval !== 0n && symbolize?.(stval) ? ` <${place(stval, symbolize)}>` : ''}, ${at}`; evaluateName = `$${tvalReg}`; break;
      case 2: what = stval !== 0n
        ? `${who} executed the instruction ${hex(stval)} (${tvalReg}) ${at}`
        : `${who} executed an instruction it may not ${at}`; break;
      case 3: what = `${who} executed ebreak ${at}`; break;
      case 4: case 5: case 13: what = `${who} read address ${addr} ${at}`; evaluateName = `$${tvalReg}`; break;
      case 6: case 7: case 15: what = `${who} wrote address ${addr} ${at}`; evaluateName = `$${tvalReg}`; break;
      case 8: case 9: case 11: what = `a system call (ecall) ${at}`; break;
      default: what = `${tvalReg} ${hex(stval)}, ${at}`;
    }
  }
  const description = `${c.name}: ${what}`;
  const kind = c.interrupt ? 'interrupt' : 'exception';
  return {
    id: c.id,
    description,
    breakMode: opts.breakMode ?? 'always',
    details: {
      message: `${description}\n${causeReg} = ${hex(scause)} (${kind} ${c.code}${c.standard ? '' : ', not a standard cause'})\n${tvalReg} = ${hex(stval)}\n${epcReg} = ${hex(sepc)}${symbolize?.(sepc) ? ` <${place(sepc, symbolize)}>` : ''}`,
      typeName: c.name,
      fullTypeName: `${causeReg} ${kind} ${c.code}: ${c.name}`,
      evaluateName,
    },
  };
}
