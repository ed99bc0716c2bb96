// `kwb run --console-socket PATH`: the management console's control socket for this machine
// (host/console), and the machine's control as kwb offers it to the socket and to gdb's monitor
// alike: `log` writes to the terminal's serial output, checkpoints (host/checkpoint-file.ts) live
// in the folder given (--checkpoint-dir, default ./checkpoints).
import type { Machine } from '../emulator/machine';
import type { StubHost } from '../gdbstub/host';
import { machineControl } from '../gdbstub/machine-adapter';
import type { MachineControl } from '../gdbstub/machine-control';
import type { KernelAwareness } from '../awareness';
import { loadMachine, saveMachine } from '../host/checkpoint-file';
import { checkpointFolder, type CheckpointIo } from '../host/console/checkpoints';
import { MachineConsole } from '../host/console/machine-context';
import type { SerialLog } from '../host/console/serial-log';
import { startConsoleServer, type ConsoleServer } from '../host/console/server';

export interface KwbControlOptions {
  machine: Machine;
  version: string;
  serialLog: SerialLog;
  stub: () => StubHost | undefined;
  checkpointDir: string;
}

/** The machine's control as kwb offers it to every door (gdb's monitor and the socket). */
export function kwbControl(o: KwbControlOptions): MachineControl {
  return {
    ...machineControl(o.machine, o.version),
    log: (text) => o.serialLog.log(text),
    checkpoints: checkpointFolder(o.checkpointDir, checkpointIo(o.machine, o.stub)),
  };
}

export interface ConsoleSocketOptions {
  path: string;
  machine: Machine;
  control: MachineControl;
  awareness: () => { awareness?: KernelAwareness; awarenessOff?: string; kernelPath?: string };
  stub: () => StubHost | undefined;
}

/** Save and load through host/checkpoint-file.ts; the machine is paused around them (and runs
 *  on after), except while gdb runs it: gdb would see a stop it did not ask for. */
function checkpointIo(machine: Machine, stub: () => StubHost | undefined): CheckpointIo {
  const paused = async <T>(what: string, fn: () => T): Promise<T> => {
    const host = stub();
    const running = machine.state() === 'running';
    if (running && host?.busy && !host.freeRunning) throw new Error(`gdb is running the machine: interrupt it in gdb first, then ${what}`);
    if (machine.state() === 'exited') throw new Error('the machine has powered off');
    if (running) await machine.pause();
    try { return fn(); } finally { if (running) await machine.resume(); }
  };
  return {
    save: (path) => paused('save', () => { saveMachine(machine, path); }),
    load: (path) => paused('load', () => {
      loadMachine(machine, path);
      const host = stub();
      host?.kernel.invalidate();
      return host?.busy ? 'use `flushregs` so gdb rereads the registers' : undefined;
    }),
  };
}

export function startConsoleSocket(o: ConsoleSocketOptions): Promise<ConsoleServer> {
  const mc = new MachineConsole({ machine: o.machine, control: o.control, ...o.awareness(), stub: o.stub });
  return startConsoleServer({ path: o.path, context: () => mc.context(), beforeCommand: () => mc.beforeCommand() });
}
