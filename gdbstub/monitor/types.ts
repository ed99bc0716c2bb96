// The `monitor` command contract: one MonitorCommand per command, all in one table
// (monitor/commands.ts). A command gets its argument words and a MonitorContext, and returns
// the text to print. The context is independent of the RSP session so the management console
// can run the same commands later.
import type { Target } from '../../emulator/target';
import type { MachineControl } from '../machine-control';
import type { AttachedProcess, KernelView } from '../kernel-view';

export interface MonitorContext {
  readonly target: Target;
  readonly control: MachineControl;
  /** The hart gdb has selected (registers and page tables default to it). */
  readonly hart: number;
  /** Pause (false) or resume (true) the guest without gdb noticing (UML mconsole stop/go). */
  freeRun(run: boolean): Promise<void>;
  isFreeRunning(): boolean;
  /** Kernel awareness as the stub shows it (ps, sysrq t, deadlock, modules, threads). */
  readonly kernel?: KernelView;
  /** The user process gdb attached to, if any. */
  readonly process?: AttachedProcess;
}

/** A user mistake (bad arguments) or an unavailable operation: printed, never a crash. */
export class MonitorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MonitorError';
  }
}

export interface MonitorCommand {
  name: string;
  usage: string;
  summary: string;
  /** Whether this machine offers the command (e.g. reboot needs MachineControl.reboot). */
  available(ctx: MonitorContext): boolean;
  run(args: string[], ctx: MonitorContext): Promise<string>;
}
