// What outlives a gdb connection: the Target and MachineControl being served, the options, the
// last stop the machine reported, and the monitor's stop/go state. A StubHost serves one
// session at a time (the transport decides what to do with a second gdb); tests drive a
// session directly with bytes, without sockets.
import type { Disposable, StopEvent, Target } from '../emulator/target';
import type { KernelAwareness } from '../awareness';
import { KernelView } from './kernel-view';
import type { MachineControl } from './machine-control';
import type { StubOptions } from './packets/types';
import { StubSession, type ByteSink } from './session';

export const DEFAULT_OPTIONS: StubOptions = {
  packetSize: 0x4000,
  runLength: true,
  onDisconnect: 'resume',
  onKill: 'halt',
};

export interface StubHostOptions extends Partial<StubOptions> {
  /** Receives one line per packet in each direction (debugging aid: `--gdb-trace`). */
  trace?: (line: string) => void;
  /** Kernel awareness over this target (KernelAwareness.open): tasks as threads, modules as libraries, attach. */
  awareness?: KernelAwareness;
  /** Why there is no awareness (one line, for `monitor info`). */
  awarenessOff?: string;
  /** The kernel's ELF on the host (qXfer:exec-file:read, vFile). */
  kernelPath?: string;
}

export class StubHost {
  readonly options: StubOptions;
  readonly trace?: (line: string) => void;
  readonly kernel: KernelView;
  /** The latest stop the target reported (kept across sessions for `?`). */
  lastStop: StopEvent | undefined;
  /** Whether `monitor go` let the guest run while gdb believes it is stopped. */
  freeRunning = false;
  /** A stop that happened while free-running and that gdb has not been told about. */
  pendingStop: StopEvent | undefined;
  private session: StubSession | undefined;
  private readonly subscription: Disposable;

  constructor(readonly target: Target, readonly control: MachineControl = {}, options: StubHostOptions = {}) {
    const { trace, awareness, awarenessOff, kernelPath, ...rest } = options;
    this.options = { ...DEFAULT_OPTIONS, ...rest };
    this.trace = trace;
    this.kernel = new KernelView(target, awareness, awarenessOff, kernelPath);
    this.subscription = target.onStop((ev) => this.onStop(ev));
  }

  get busy(): boolean {
    return this.session !== undefined;
  }

  /** Starts a session writing to `sink`; throws if one is already active. */
  openSession(sink: ByteSink): StubSession {
    if (this.session) throw new Error('a gdb session is already active');
    const s = new StubSession(this, sink);
    this.session = s;
    void s.finished.then(() => { if (this.session === s) this.session = undefined; });
    return s;
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private onStop(ev: StopEvent): void {
    this.kernel.invalidate();
    if (this.session?.offerStop(ev)) { this.lastStop = ev; return; }
    if (this.freeRunning && this.session?.isInternalStop(ev)) {
      // a module hook passed under `monitor go`: run on, and report a library event at gdb's next resume
      this.kernel.hookMissed = true;
      void this.target.resume().catch(() => undefined);
      return;
    }
    this.lastStop = ev;
    if (this.freeRunning) { this.freeRunning = false; this.pendingStop = ev; }
  }
}
