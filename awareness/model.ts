// What kernel awareness tells a debugger: tasks (with their state, what they wait for and their
// registers), processes (which program, which address space) and modules. Profiles (one per OS)
// produce these from the kernel's own tables; consumers (the gdb stub, the debug adapter) never
// see a kernel structure.
import type { RegisterSet, SymbolFile, UnwindOptions } from '../symbols';
import type { GuestMemory, GuestSpace, KernelTarget } from './target';
import type { Layouts } from './layout';
import type { Warnings } from './errors';
import type { TrapFrameCfi } from './trap-cfi';

export type TaskState = 'running' | 'runnable' | 'sleeping' | 'stopped' | 'zombie' | 'dead' | 'new' | 'idle' | 'unknown';

/** The registers of a task: x0..x31 by number (undefined when not saved) and its pc. */
export interface TaskRegisters {
  pc: bigint;
  x: Array<bigint | undefined>;
  /** 'live': read from the hart running it; 'saved': from its switch context (callee-saved only);
   *  'trap': its user registers as the last trap from user mode saved them. */
  source: 'live' | 'saved' | 'trap';
}

export interface LockInfo {
  address: bigint;
  name?: string;
  /** The task holding it, where the kernel records one. */
  holderPid?: number;
  holderAddress?: bigint;
}

export interface TaskInfo {
  /** Thread id for debuggers: the pid, or IDLE_TID_BASE + hart for a hart's idle task (pid 0). */
  tid: number;
  pid: number;
  name: string;
  state: TaskState;
  /** The kernel's own word for the state (`TASK_SLEEPING`, `S`, `SLEEPING`). */
  stateText: string;
  /** The hart running it (state 'running'). */
  hart?: number;
  /** Address of its task structure. */
  address: bigint;
  parentPid?: number;
  /** The address it sleeps on, and that address as a person reads it (`&console.line_ready`). */
  waitChannel?: bigint;
  waitText?: string;
  /** The kernel's own words for the wait (`console input`, `lock account0`). */
  waitReason?: string;
  blockedOn?: LockInfo;
  /** satp value of its address space (undefined for kernel threads without one). */
  satp?: bigint;
  /** A kernel thread (no user program). */
  kernelThread: boolean;
}

export interface ModuleSection {
  name: string;
  address: bigint;
  size?: bigint;
}

export interface ModuleInfo {
  name: string;
  /** Address of the kernel's module structure (identity across load events). */
  address: bigint;
  base: bigint;
  size: bigint;
  /** Every allocated section in section-header order, as gdb's <library> element needs. */
  sections: ModuleSection[];
}

export interface ModuleHook {
  address: bigint;
  kind: 'load' | 'unload';
  symbol: string;
}

/** Everything a profile reads with. */
export interface ProfileContext {
  symbols: SymbolFile;
  layouts: Layouts;
  memory: GuestMemory;
  target: KernelTarget;
  warnings: Warnings;
  /** Upper bound of any walk (tasks, list entries), so a corrupted list cannot run forever. */
  maxWalk: number;
}

export interface OsProfile {
  readonly id: 'teaching' | 'xv6' | 'linux';
  /** A person's name for the OS (`Kernel Workbench teaching kernel`, `xv6-riscv`, `Linux 6.1`). */
  readonly title: string;
  /** The address space in which kernel structures are read at this stop. */
  kernelSpace(): Promise<GuestSpace>;
  tasks(): Promise<TaskInfo[]>;
  /** Registers of a task that is not running (its saved switch context). */
  savedRegisters(task: TaskInfo): Promise<TaskRegisters | undefined>;
  modules(): Promise<ModuleInfo[]>;
  moduleHooks(): ModuleHook[];
  /** The module a hook stop concerns (its argument register), read at that stop. */
  hookModule?(hook: ModuleHook, hart: number): Promise<ModuleInfo | undefined>;
  /** The unwinder's trap-frame hook for `task`'s stack: the interrupted registers saved by a trap entry. */
  trapFrame(space: GuestSpace, task: TaskInfo): UnwindOptions['trapFrame'];
  /** The path of the program a user task runs, by the profile's default mapping. */
  programPath?(task: TaskInfo): Promise<string | undefined>;
  /** The user registers of a process, as its last trap from user mode saved them. */
  userRegisters?(task: TaskInfo): Promise<TaskRegisters | undefined>;
  /** File name of a module's object (`hello.ko`) and the profile's default folder for it. */
  moduleFile?(module: ModuleInfo): ModuleFile | undefined;
  /**
   * Where the kernel's trap return paths keep the interrupted registers, for a debugger that
   * unwinds with CFI only, when the kernel's own file has no CFI for that code (Linux's entry.S).
   */
  trapFrameCfi?(): TrapFrameCfi | undefined;
}

/** Where a module's object file is found, and what the kernel's loader does with its sections. */
export interface ModuleFile {
  /** File name (`hello.ko`), looked up in the configured folders, then `defaultDir`. */
  file: string;
  defaultDir?: string;
  /**
   * Allocated sections of the object that the loader reads but does not keep, so the kernel
   * lists no address for them (Linux clears SHF_ALLOC on .modinfo and __versions). Any other
   * allocated section with contents that the kernel does not list means the file is not the
   * one loaded.
   */
  dropped?: readonly string[];
}

/** Thread ids of idle tasks: pid 0 on every hart, so numbered past any real pid (Linux's limit is 2^22). */
export const IDLE_TID_BASE = 0x400000;

export function registerSet(r: TaskRegisters): RegisterSet {
  const regs = new Map<number, bigint>();
  r.x.forEach((v, i) => { if (v !== undefined && i > 0) regs.set(i, v); });
  regs.set(0, 0n);
  return { pc: r.pc, regs };
}
