// Exception breakpoint filters and what an exception stop says about itself: the trap causes of
// the RISC-V privileged specification in words, stval read as the spec defines it per cause,
// and a kernel panic's message formatted from the panic function's own arguments.
import type { DebugProtocol } from '@vscode/debugprotocol';

export type FilterId = 'panic' | 'page-fault' | 'illegal-instruction' | 'm-mode-trap' | 'trap-loop';

export const EXCEPTION_FILTERS: DebugProtocol.ExceptionBreakpointsFilter[] = [
  { filter: 'panic', label: 'Kernel panic', description: 'Stop when the kernel panics (panic, panic_at, Linux die), with the panic message', default: true },
  { filter: 'page-fault', label: 'Page fault in kernel mode', description: 'Stop at the faulting instruction when the kernel (S-mode) takes an instruction, load or store page fault (on Linux, only at kernel addresses: Linux handles faults on user memory itself, and an oops stops on the panic filter)', default: true },
  { filter: 'illegal-instruction', label: 'Illegal instruction', description: 'Stop at an instruction that traps as illegal (scause 2), in the kernel or a user program', default: false },
  { filter: 'm-mode-trap', label: 'Unexpected trap into M-mode', description: 'Stop when S-mode or U-mode code traps into machine mode for anything but an environment call or an interrupt', default: false },
  { filter: 'trap-loop', label: 'Hart stuck in a trap loop', description: 'Stop when a hart takes the same trap at the same pc over and over', default: true },
];

export const FILTER_IDS = new Set<string>(EXCEPTION_FILTERS.map((f) => f.filter));

const EXCEPTIONS: Record<number, string> = {
  0: 'Instruction address misaligned', 1: 'Instruction access fault', 2: 'Illegal instruction', 3: 'Breakpoint',
  4: 'Load address misaligned', 5: 'Load access fault', 6: 'Store/AMO address misaligned', 7: 'Store/AMO access fault',
  8: 'Environment call from U-mode', 9: 'Environment call from S-mode', 11: 'Environment call from M-mode',
  12: 'Instruction page fault', 13: 'Load page fault', 15: 'Store/AMO page fault',
  18: 'Software check', 19: 'Hardware error',
};
const INTERRUPTS: Record<number, string> = {
  1: 'Supervisor software interrupt', 3: 'Machine software interrupt', 5: 'Supervisor timer interrupt',
  7: 'Machine timer interrupt', 9: 'Supervisor external interrupt', 11: 'Machine external interrupt', 13: 'Counter-overflow interrupt',
};

export const INTERRUPT_BIT = 1n << 63n;
export const isInterrupt = (cause: bigint): boolean => (cause & INTERRUPT_BIT) !== 0n;
export const isPageFault = (cause: bigint): boolean => cause === 12n || cause === 13n || cause === 15n;

const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** scause/mcause in words ("Load page fault", "Supervisor timer interrupt", "Exception 24"). */
export function causeName(cause: bigint): string {
  const code = Number(cause & ~INTERRUPT_BIT);
  if (isInterrupt(cause)) return INTERRUPTS[code] ?? `Interrupt ${code}`;
  return EXCEPTIONS[code] ?? `Exception ${code}`;
}

/** The cause with its tval read as the spec defines it for that cause. */
export function describeTrap(cause: bigint, tval: bigint, tvalName: 'stval' | 'mtval'): string {
  const name = causeName(cause);
  if (isInterrupt(cause)) return name;
  const code = Number(cause);
  if ([0, 1, 4, 5, 6, 7, 12, 13, 15].includes(code)) return `${name} at ${hex(tval)} (${tvalName})`;
  if (code === 2) return tval ? `${name}: instruction bits ${hex(tval)} (${tvalName})` : name;
  if (code === 3) return `${name} at ${hex(tval)} (${tvalName})`;
  return name;
}

export interface ExceptionRecord {
  filter: FilterId;
  /** exceptionInfo's description: the trap in words, where, in which function. */
  description: string;
  details: DebugProtocol.ExceptionDetails;
  /** The short text of the stopped event (DAP `text`). */
  text: string;
}

/**
 * A printf-style message from a format string and arguments as a callee reads its varargs: the
 * integer argument registers after the fixed ones, then the stack. Covers the conversions
 * kernels use in panic messages (%d %i %u %x %X %p %s %c %%, with l/ll/z/h length and flags).
 */
export async function formatMessage(fmt: string, nextArg: () => Promise<bigint>, readString: (addr: bigint) => Promise<string>): Promise<string> {
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c !== '%') { out += c; continue; }
    const m = /^%([-+ 0#]*)(\d*|\*)(?:\.(\d+|\*))?(hh|h|ll|l|z|j|t)?([diuxXpscoa%])/.exec(fmt.slice(i));
    if (!m) { out += c; continue; }
    i += m[0].length - 1;
    const [, flags, widthText, , len, conv] = m;
    if (conv === '%') { out += '%'; continue; }
    let width = 0;
    if (widthText === '*') width = Number(BigInt.asIntN(32, await nextArg())); else if (widthText) width = Number(widthText);
    if (m[3] === '*') await nextArg();
    const raw = await nextArg();
    const bits = len === 'l' || len === 'll' || len === 'z' || len === 'j' || len === 't' || conv === 'p' ? 64 : len === 'h' ? 16 : len === 'hh' ? 8 : 32;
    let s: string;
    switch (conv) {
      case 'd': case 'i': s = BigInt.asIntN(bits, raw).toString(); break;
      case 'u': s = BigInt.asUintN(bits, raw).toString(); break;
      case 'x': s = BigInt.asUintN(bits, raw).toString(16); if (flags.includes('#')) s = '0x' + s; break;
      case 'X': s = BigInt.asUintN(bits, raw).toString(16).toUpperCase(); if (flags.includes('#')) s = '0X' + s; break;
      case 'o': s = BigInt.asUintN(bits, raw).toString(8); break;
      case 'p': s = '0x' + BigInt.asUintN(64, raw).toString(16); break;
      case 'c': s = String.fromCharCode(Number(raw & 0xffn)); break;
      case 's': s = raw === 0n ? '(null)' : await readString(raw); break;
      default: s = '?';
    }
    if (s.length < width) s = flags.includes('-') ? s.padEnd(width) : s.padStart(width, flags.includes('0') && conv !== 's' ? '0' : ' ');
    out += s;
  }
  return out;
}

/** The panic functions run control knows, and where their format string is among the arguments. */
export const PANIC_FUNCTIONS: Array<{ name: string; formatArg: number; kind: 'printf' | 'string' }> = [
  { name: 'panic', formatArg: 0, kind: 'printf' },        // teaching kernel, Linux, xv6 (panic(char *s): a plain string)
  { name: 'panic_at', formatArg: 2, kind: 'printf' },     // teaching kernel: panic_at(pc, fp, fmt, ...)
  { name: 'die', formatArg: 1, kind: 'string' },          // Linux riscv: die(regs, str)
];
