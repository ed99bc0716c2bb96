// The seam between the DAP session (debug-adapter/session.ts and the runtime it drives) and
// run control (breakpoints, stepping, stops and exceptions, in this folder). The session owns
// the machine, the symbol files and kernel awareness and answers inspection requests; run
// control owns every resume and every stop, and tells the session what happened through
// events. Both sides code against these types only.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Target } from '../../emulator/target';
import type { SymbolFile } from '../../symbols';
import type { KernelAwareness, ModuleInfo } from '../../awareness';

/** Which symbol file describes some code, and where that code lives. */
export interface CodeSymbols {
  file: SymbolFile;
  kind: 'kernel' | 'module' | 'program';
  /** Module name, program path, or the kernel's path. */
  name: string;
  /** A program's code exists per address space: the satp of the process it was found for. */
  satp?: bigint;
}

/** What run control needs from the session. */
export interface ControlHost {
  readonly target: Target;
  readonly kernel: SymbolFile;
  /** Undefined when awareness is off (threads are then harts). */
  readonly awareness?: KernelAwareness;
  /** The symbols describing `pc` as `hart` sees it now: the kernel, a loaded module, or the current process's program. */
  symbolsAt(pc: bigint, hart: number): Promise<CodeSymbols | undefined>;
  /** Every symbol file with code in the machine now (kernel, loaded modules, programs of live processes), for binding breakpoints. */
  loadedSymbols(): Promise<CodeSymbols[]>;
  /** Program files the session knows (user-program mapping), loaded or not: breakpoints in them wait for a process to run them. */
  knownPrograms(): CodeSymbols[];
  /** A module came or went (run control saw the kernel's hook): the session loads or drops its symbols and sends the DAP module event before run control rebinds. */
  moduleChanged(kind: 'load' | 'unload', module: ModuleInfo): Promise<void>;
  /** DAP thread id of what runs on `hart` now (the task's tid with awareness, else hart + 1), and back. */
  threadOfHart(hart: number): Promise<number>;
  hartOfThread(threadId: number): Promise<number | undefined>;
  /** For data breakpoints and conditions: an expression's lvalue address and size in a frame (DAP frameId), or an error text. */
  lvalue(expression: string, frameId?: number): Promise<{ address: bigint; size: number; type: string } | { error: string }>;
  /** A condition, hit message expression or log-point interpolation, evaluated at the stop on `hart`. */
  evaluateAt(expression: string, hart: number): Promise<{ ok: true; text: string; truthy: boolean } | { ok: false; text: string }>;
  /** The session forgets per-stop caches (awareness.invalidate, frame handles) before each resume. */
  willResume(): void;
  output(category: 'console' | 'stdout' | 'stderr' | 'important', text: string): void;
}

export type StopReason = 'entry' | 'breakpoint' | 'function breakpoint' | 'instruction breakpoint' | 'data breakpoint' | 'step' | 'pause' | 'exception' | 'goto';

export interface StoppedInfo {
  reason: StopReason;
  threadId: number;
  hart: number;
  /** Shown in the CALL STACK view's pause label (e.g. 'Paused on kernel panic'). */
  description?: string;
  /** Exception id or short text (DAP `text`). */
  text?: string;
  hitBreakpointIds?: number[];
}

export type Granularity = DebugProtocol.SteppingGranularity;

/** What the session calls; implemented by RunControl (run-control.ts). */
export interface RunControlApi {
  readonly exceptionFilters: DebugProtocol.ExceptionBreakpointsFilter[];
  setBreakpoints(args: DebugProtocol.SetBreakpointsArguments): Promise<DebugProtocol.Breakpoint[]>;
  setFunctionBreakpoints(args: DebugProtocol.SetFunctionBreakpointsArguments): Promise<DebugProtocol.Breakpoint[]>;
  setInstructionBreakpoints(args: DebugProtocol.SetInstructionBreakpointsArguments): Promise<DebugProtocol.Breakpoint[]>;
  dataBreakpointInfo(args: DebugProtocol.DataBreakpointInfoArguments): Promise<DebugProtocol.DataBreakpointInfoResponse['body']>;
  setDataBreakpoints(args: DebugProtocol.SetDataBreakpointsArguments): Promise<DebugProtocol.Breakpoint[]>;
  breakpointLocations(args: DebugProtocol.BreakpointLocationsArguments): Promise<DebugProtocol.BreakpointLocation[]>;
  setExceptionBreakpoints(args: DebugProtocol.SetExceptionBreakpointsArguments): Promise<DebugProtocol.Breakpoint[]>;
  exceptionInfo(threadId: number): Promise<DebugProtocol.ExceptionInfoResponse['body']>;
  /** The machine starts: stop at entry, at a function, or run. */
  start(how: { stopOnEntry?: boolean; stopAt?: string }): Promise<void>;
  continue(threadId?: number): Promise<void>;
  pause(threadId?: number): Promise<void>;
  next(threadId: number, granularity?: Granularity): Promise<void>;
  stepIn(threadId: number, granularity?: Granularity): Promise<void>;
  stepOut(threadId: number, granularity?: Granularity): Promise<void>;
  /** Only breakpoints in this process's program (and the kernel) stop it (per-process attach). */
  setProcessFilter(filter: { pid?: number; name?: string } | undefined): void;
  onStopped(listener: (s: StoppedInfo) => void): void;
  onBreakpointChanged(listener: (bp: DebugProtocol.Breakpoint) => void): void;
  onExited(listener: (exitCode: number) => void): void;
  /** The machine is running (after a resume run control made). */
  onContinued(listener: (threadId: number) => void): void;
  /** Resolves once the current operation (continue, step, a pause) has reported its stop. */
  settled(): Promise<void>;
  dispose(): void;
}
