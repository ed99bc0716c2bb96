// The contract between the Debug Console's gdb-style commands and whoever hosts them (the DAP
// session today, the management console later): what a command may ask of the debugger. Nothing
// here knows DAP. Registers use the Target's numbers (gdb's RISC-V numbering); memory is read as
// the selected thread sees it; values are printed by the host's C-expression engine (symbols/).
import type { Target } from '../../emulator/target';
import type { MonitorContext } from '../../gdbstub/monitor/types';
import type { SymbolFile } from '../../symbols';

/** A variable as `info locals` shows it: its name and gdb's `print` text of its value. */
export interface NamedValue { name: string; value: string }

/** One frame of the selected thread's backtrace (gdb's frame numbering: 0 innermost). */
export interface ConsoleFrame {
  level: number;
  pc: bigint;
  /** Function name; undefined prints `??`. */
  function?: string;
  /** Source file (full path) and line, when known. */
  file?: string;
  line?: number;
  /** The frame is an inlined call (its caller is the next frame, at the same machine frame). */
  inlined?: boolean;
  /** A frame a tail call left off the stack, reconstructed from call-site information. */
  tailCall?: boolean;
  /** Canonical frame address (gdb's "frame at"), when the unwinder knows it. */
  cfa?: bigint;
  /** The object file the code is in when it is not the main one (a module, a user program). */
  objfile?: string;
  /** Parameters with their values; undefined when there is no debug information. */
  args?(): Promise<NamedValue[] | undefined>;
  /** Locals of the frame's blocks, innermost block first; undefined when there is no debug information. */
  locals?(): Promise<NamedValue[] | undefined>;
}

/** One thread as `info threads` lists it. */
export interface ConsoleThread {
  /** gdb's thread number (the DAP thread id). */
  id: number;
  /** gdb's target id: `Thread 3`, `Thread 1.1`. */
  targetId: string;
  /** The thread's name (`sh`, `hart0`), quoted by gdb. */
  name?: string;
  /** Extra info gdb shows in parentheses (`pid 3, sleeping, console input`). */
  extra?: string;
  current: boolean;
  /** Its innermost frame. */
  frame?: ConsoleFrame;
}

/** A loaded symbol file: the kernel (main), a module, a user program. */
export interface ConsoleObjfile { file: SymbolFile; path: string; main: boolean }

/** The result of one console line. */
export interface ConsoleResult {
  /** False: not a console command; the host evaluates the line as a C expression. */
  handled: boolean;
  text: string;
  error?: boolean;
}

/** What gdb remembers between commands: the `x` command's last format and address, the value history. */
export class ConsoleState {
  /** '' is gdb's initial natural format (signed decimal) until a format letter is given. */
  lastFormat = '';
  lastSize = 'w';
  lastCount = 1;
  /** Where a bare `x` continues. */
  nextAddress?: bigint;
  /** `$_`: the last address `x` examined. */
  lastAddress?: bigint;
  /** gdb's value history ($1, $2, ...): the printed texts. */
  readonly history: string[] = [];
}

export interface ConsoleContext {
  /** The machine: memory, registers, features (CSRs, FPU). */
  readonly target: Target;
  /** The selected thread's hart, or undefined when it is a task not on a hart. */
  readonly hart?: number;
  /** The selected frame's level (0 innermost). */
  readonly frameLevel: number;
  /** Memory as the selected thread sees it (undefined: unreadable). */
  readMemory(address: bigint, length: number): Promise<Uint8Array | undefined>;
  /** A register of a frame of the selected thread (unwound for outer frames), undefined when unavailable. */
  readRegister(regno: number, frameLevel: number): Promise<bigint | undefined>;
  /** The selected thread's backtrace (gdb's: ends at main). */
  frames(): Promise<ConsoleFrame[]>;
  /** Every thread, the selected one marked current. */
  threads(): Promise<ConsoleThread[]>;
  /** Loaded symbol files, the kernel first. */
  objfiles(): ConsoleObjfile[];
  /** Evaluates and prints a C expression in the selected frame; `format` is gdb's print format letter. */
  print(expr: string, opts?: { format?: string }): Promise<{ ok: boolean; text: string }>;
  /** `ptype`/`whatis` text, when the expression engine can name types. */
  typeOf?(expr: string, how: 'ptype' | 'whatis'): Promise<{ ok: boolean; text: string }>;
  /** A MonitorContext over the same machine for `monitor ...` (undefined: no monitor here). */
  monitor?(): MonitorContext | undefined;
  /** What gdb remembers between commands; the host keeps one per session. */
  readonly state: ConsoleState;
}
