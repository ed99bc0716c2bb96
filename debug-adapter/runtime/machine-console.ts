// The launched machine's control as the debug adapter offers it to the management console's
// commands (`kwb/monitor` and the Debug Console's `monitor`): gdbstub's machineControl, plus
// `log` into the serial output (host/console/serial-log.ts, the same as kwb's) and checkpoints
// by name in the launch's `checkpointDir` (host/console/checkpoints.ts, host/checkpoint-file.ts).
//
// Save and load need a still machine. A running one is paused through run control (the editor
// sees the stop), and continued after, as kwb runs on after them. A load at a stop changes every
// thread, stack and variable under the editor: `loaded` tells the session, which reports a new
// stop so the client reads them all again.
import { loadMachine, saveMachine } from '../../host/checkpoint-file';
import { checkpointFolder } from '../../host/console/checkpoints';
import { machineControl } from '../../gdbstub/machine-adapter';
import type { MachineControl } from '../../gdbstub/machine-control';
import type { LaunchConfig } from '../launch-config';
import type { KernelRuntime } from './runtime';

/** How the console's commands move the machine: through run control and the session. */
export interface ConsoleMachineRun {
  pause(): Promise<void>;
  /** Resolves once run control has reported the stop a pause asked for (then it can continue). */
  settled?(): Promise<void>;
  resume(): Promise<void>;
  /** A checkpoint was loaded into the stopped machine: the client must read everything again. */
  loaded?(name: string): Promise<void>;
}

export const ADAPTER_VERSION = 'Kernel Workbench debug adapter';

/** The console's MachineControl for a launched machine (`{}` for an attached target: the stub has its own). */
export function launchedMachineControl(rt: KernelRuntime, run: ConsoleMachineRun): MachineControl {
  const m = rt.machine;
  const launched = rt.launched;
  if (!m || !launched) return {};
  const dir = (rt.config as LaunchConfig).checkpointDir;

  // runs fn on a paused machine; a running one is paused through run control and continued after
  const still = async <T>(fn: () => T, after?: (wasRunning: boolean) => Promise<void>): Promise<T> => {
    if (m.state() === 'exited') throw new Error('the machine has powered off');
    const wasRunning = m.state() === 'running';
    if (wasRunning) {
      await run.pause();
      await run.settled?.();
      for (let i = 0; i < 500 && m.state() === 'running'; i++) await new Promise((r) => setTimeout(r, 10));
      if (m.state() !== 'paused') throw new Error('the machine did not pause');
    }
    let result: T;
    try { result = fn(); } catch (e) {
      if (wasRunning) await run.resume();
      throw e;
    }
    await (after ? after(wasRunning) : wasRunning ? run.resume() : Promise.resolve());
    return result;
  };

  return {
    ...machineControl(m, ADAPTER_VERSION),
    log: (text) => { launched.serialLog.log(text); },
    checkpoints: checkpointFolder(dir, {
      save: (path) => still(() => { saveMachine(m, path); }),
      load: (path) => still(() => { loadMachine(m, path); }, async (wasRunning) => {
        // what was read at the old state is stale: frames, threads, values, awareness's caches
        rt.refreshStop();
        rt.gdb?.host.kernel.invalidate();
        if (wasRunning) await run.resume();
        else await run.loaded?.(path.replace(/^.*[\\/]/, '').replace(/\.kwbcp$/, ''));
      }).then(() => (rt.gdb?.host.busy ? 'gdb on the gdbPort: use `flushregs` so it rereads the registers' : undefined)),
    }),
  };
}
