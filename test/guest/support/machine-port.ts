// Runs the kernel on our own Machine (emulator/machine.ts), in this process: the serial output
// comes from the UART through a SerialHost, typed input goes in with sendInput. The data disk
// is held in memory (a copy of the image), so the image file is never written.
import { readFileSync } from 'node:fs';
import { MemoryBlockBackend } from '../../../emulator/devices/block-backend';
import { Machine } from '../../../emulator/machine';
import type { ConsolePort, MachineSpec } from './console-port';

export class MachinePort implements ConsolePort {
  readonly description: string;
  readonly machine: Machine;
  readonly disk: MemoryBlockBackend | undefined;
  private readonly listeners: ((text: string) => void)[] = [];
  private closed = false;

  /** startPaused: leave the machine stopped at its reset vector (for a debugger to start it). */
  constructor(spec: MachineSpec, startPaused = false) {
    this.description = `our Machine --smp ${spec.smp}`;
    this.disk = spec.disk ? new MemoryBlockBackend(new Uint8Array(readFileSync(spec.disk))) : undefined;
    const decoder = new TextDecoder('latin1');
    this.machine = new Machine({
      kernel: new Uint8Array(readFileSync(spec.kernel)),
      kernelName: spec.kernel,
      smp: spec.smp,
      drives: this.disk ? [this.disk] : [],
      serial: { output: (byte) => this.emit(decoder.decode(new Uint8Array([byte]))) },
    });
    if (!startPaused) void this.machine.resume();
  }

  private emit(text: string): void {
    for (const l of this.listeners) l(text);
  }

  write(text: string): void {
    this.machine.sendInput(new Uint8Array(Buffer.from(text, 'latin1')));
  }

  onOutput(listener: (text: string) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.machine.state() === 'running') await this.machine.pause();
  }
}
