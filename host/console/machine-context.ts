// The console's MonitorContext for an in-process Machine (kwb): hart 0 selected; stop and go
// pause and run the machine. When a gdb stub serves the same machine, its StubHost is told, as
// gdb's own `monitor go` does: a machine let go while gdb is stopped is "free-running" (gdb hears
// of the next stop when it resumes), and the kernel view is the stub's (one threads setting).
import type { Machine } from '../../emulator/machine';
import type { StubHost } from '../../gdbstub/host';
import { KernelView } from '../../gdbstub/kernel-view';
import type { MachineControl } from '../../gdbstub/machine-control';
import type { MonitorContext } from '../../gdbstub/monitor/types';
import type { KernelAwareness } from '../../awareness';

export interface MachineConsoleOptions {
  machine: Machine;
  control: MachineControl;
  /** Kernel awareness (opened by the caller once), or why there is none. */
  awareness?: KernelAwareness;
  awarenessOff?: string;
  kernelPath?: string;
  /** The gdb stub's host, when one serves this machine now. */
  stub?: () => StubHost | undefined;
}

export class MachineConsole {
  private readonly ownKernel: KernelView;

  constructor(private readonly o: MachineConsoleOptions) {
    this.ownKernel = new KernelView(o.machine, o.awareness, o.awarenessOff, o.kernelPath);
  }

  private get kernel(): KernelView { return this.o.stub?.()?.kernel ?? this.ownKernel; }

  /** Cached kernel state is dropped before each command: the machine may have run since. */
  beforeCommand(): void { this.kernel.invalidate(); }

  context(): MonitorContext {
    const { machine, control } = this.o;
    const stub = this.o.stub?.();
    return {
      target: machine, control, hart: 0, kernel: this.kernel,
      // "free-running" is a gdb notion: the machine runs while gdb believes it stopped
      isFreeRunning: () => (stub?.busy ? stub.freeRunning : false),
      freeRun: async (run) => {
        if (stub?.busy) {
          // as the stub's own `monitor go`/`stop`: gdb still believes the machine is stopped
          if (!run) stub.freeRunning = false;
          else if (machine.state() === 'paused') stub.freeRunning = true;
        }
        this.kernel.invalidate();
        if (run && machine.state() === 'paused') await machine.resume();
        if (!run && machine.state() === 'running') await machine.pause();
      },
    };
  }
}
