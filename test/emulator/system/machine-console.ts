// Runs a bare-metal program on our Machine with the console captured, typing input once a
// prompt has appeared, within an instruction budget (so a broken guest fails, never hangs).
import { readFileSync } from 'node:fs';
import type { BlockBackend } from '../../../emulator/bus/device';
import { Machine } from '../../../emulator/machine';
import type { StopEvent } from '../../../emulator/target';

export interface MachineConsoleRun {
  elf: string;
  drives?: BlockBackend[];
  input?: Uint8Array;
  prompt?: string;
  /** Harts (default 1). */
  smp?: number;
  /** Instruction budget for the whole run. */
  maxInstructions?: number;
}

export interface MachineConsoleResult {
  output: string;
  stop: StopEvent | undefined;
  retired: number;
}

const CHUNK = 50_000;

export function runOnMachine(run: MachineConsoleRun): MachineConsoleResult {
  let output = '';
  const machine = new Machine({
    kernel: new Uint8Array(readFileSync(run.elf)),
    kernelName: run.elf,
    smp: run.smp,
    drives: run.drives,
    serial: { output: (b) => { output += String.fromCharCode(b); } },
  });
  let typed = false;
  let stop: StopEvent | undefined;
  const budget = run.maxInstructions ?? 20_000_000;
  while (machine.retired() < budget) {
    stop = machine.runFor(CHUNK);
    if (stop) break;
    if (!typed && run.input && (run.prompt === undefined || output.includes(run.prompt))) {
      typed = true;
      machine.sendInput(run.input);
    }
  }
  return { output, stop, retired: machine.retired() };
}
