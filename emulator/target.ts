// The Target seam of the design brief: what a debugger (the gdb stub, the debug adapter)
// may do to a machine, independent of whether the machine runs in this process (Machine)
// or behind a gdb remote stub (gdbstub's RSP client). Nothing here is hot path, so 64-bit
// values are bigints. Every method is async because a remote target answers over a socket.
//
// Register numbers follow gdb's RISC-V numbering so the stub can pass them through:
//   0..31 x0..x31, 32 pc, 33..64 f0..f31, 65 + csrno for CSRs, 4161 the virtual `priv`.

export const REG_X0 = 0;
export const REG_PC = 32;
export const REG_F0 = 33;
export const REG_CSR0 = 65;
export const REG_PRIV = 65 + 4096;

export const regX = (n: number): number => REG_X0 + n;
export const regF = (n: number): number => REG_F0 + n;
export const regCsr = (csrno: number): number => REG_CSR0 + csrno;

/** Privilege levels as encoded in mstatus.MPP and gdb's `priv` register. */
export const enum Priv { U = 0, S = 1, M = 3 }

export type WatchKind = 'write' | 'read' | 'access';
export type BreakKind = 'sw' | 'hw';

/** Which address space a memory access goes through. */
export type AddressSpace =
  /** Physical address on the system bus (RAM and MMIO). */
  | { kind: 'physical' }
  /** Virtual address as the given hart sees it now (its satp, privilege, MPRV/SUM). */
  | { kind: 'virtual'; hart: number }
  /** Virtual address through an explicit Sv39, Sv48 or Sv57 root (any task's page table), as S-mode with SUM=1. */
  | { kind: 'satp'; satp: bigint };

export type StopReason =
  | { kind: 'breakpoint'; hart: number; pc: bigint }
  /**
   * Before the access, as QEMU's stub reports it: pc is the accessing instruction and memory is
   * unchanged (gdb steps it with its watchpoints removed). Resuming or stepping the Machine from
   * there runs that access once without stopping again.
   */
  | { kind: 'watchpoint'; hart: number; pc: bigint; watch: WatchKind; address: bigint }
  | { kind: 'step'; hart: number; pc: bigint }
  | { kind: 'pause'; hart: number; pc: bigint }
  /** The guest wrote the sifive_test device or HTIF: code is the exit status. */
  | { kind: 'poweroff'; code: number }
  | { kind: 'reboot' }
  /** The hart takes the same trap at the same pc over and over (e.g. mtvec points at unmapped memory). */
  | { kind: 'fault-loop'; hart: number; pc: bigint; cause: bigint; tval: bigint }
  /** A remote target's connection ended. */
  | { kind: 'disconnected'; message: string };

export interface StopEvent {
  reason: StopReason;
  /** Retired instructions of the machine (all harts) when it stopped. */
  instret: bigint;
}

export type TargetState = 'paused' | 'running' | 'exited';

/** What a target can do; consumers derive what they advertise (qSupported, DAP capabilities) from this. */
export interface TargetFeatures {
  harts: number;
  /** Number of hardware watchpoints, 0 when unsupported. */
  watchpoints: number;
  physicalMemory: boolean;
  /** Explicit-satp translation (walks a given page table). */
  satpTranslation: boolean;
  /** CSR numbers readable on this target. */
  csrs: readonly number[];
  fpu: boolean;
}

/** An error a consumer reports back to the user (or as Exx); never ends the session. */
export class TargetError extends Error {
  constructor(message: string, readonly code: 'unmapped' | 'bad-register' | 'bad-hart' | 'busy' | 'unsupported' | 'io' | 'state') {
    super(message);
    this.name = 'TargetError';
  }
}

export type Disposable = { dispose(): void };

export interface StepOptions {
  /**
   * Take no interrupt during the step (QEMU's default for gdb's single step): the step runs the
   * instruction at pc and a pending interrupt waits for the next resume, so stepping through
   * kernel code does not drop into the trap vector whenever the timer is due.
   */
  noInterrupts?: boolean;
}

export interface Target {
  readonly features: TargetFeatures;
  state(): TargetState;

  /** Resume all harts. Resolves once running; the stop arrives through onStop. */
  resume(): Promise<void>;
  /** Stop all harts; resolves with the stop event (reason 'pause' unless something else won the race). */
  pause(): Promise<StopEvent>;
  /** Execute exactly one instruction on `hart` (others stay put) and stop. */
  step(hart: number, opts?: StepOptions): Promise<StopEvent>;

  readRegister(hart: number, reg: number): Promise<bigint>;
  writeRegister(hart: number, reg: number, value: bigint): Promise<void>;

  /** Reads `length` bytes; throws TargetError('unmapped') naming the first bad address. */
  readMemory(address: bigint, length: number, space?: AddressSpace): Promise<Uint8Array>;
  writeMemory(address: bigint, data: Uint8Array, space?: AddressSpace): Promise<void>;

  /**
   * Breakpoints and watchpoints live in the machine; guest memory is never patched. Addresses are
   * virtual (as fetched). Several owners share one Target (the gdb stub and the debug adapter's
   * run control on one Machine): each address (and watch range and kind) is counted, so adding
   * twice and removing once leaves it set, and removing what was never added does nothing. A
   * running target takes them too (RemoteTarget pauses its stub quietly for the packet).
   */
  addBreakpoint(address: bigint, kind?: BreakKind): Promise<void>;
  removeBreakpoint(address: bigint, kind?: BreakKind): Promise<void>;
  addWatchpoint(address: bigint, length: number, kind: WatchKind): Promise<void>;
  removeWatchpoint(address: bigint, length: number, kind: WatchKind): Promise<void>;

  /** Retired instructions, all harts together (or of one hart). */
  instructionCount(hart?: number): Promise<bigint>;

  onStop(listener: (event: StopEvent) => void): Disposable;
}
