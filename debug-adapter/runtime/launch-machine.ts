// Builds the in-process machine of a launch configuration: reads the kernel, firmware and
// initrd, opens the drives (copy-on-write unless asked otherwise: in memory, or in a
// copy-on-write file for a "FILE,cow=COW" entry) and sends the UART's output
// to a callback in batches (one call per event-loop turn, not one per byte), with the
// management console's `log` lines put in (host/console/serial-log.ts).
import { readFileSync } from 'node:fs';
import { Machine } from '../../emulator/machine';
import type { BlockBackend, SerialHost } from '../../emulator/bus/device';
import { ConfigError, type LaunchConfig } from '../launch-config';
import { driveSpecOfEntry, openDrive, type OpenedDrive } from '../../host/disks';
import { SerialLog } from '../../host/console/serial-log';

export const isElf = (b: Uint8Array): boolean => b.length >= 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;

export function readFileField(path: string, field: string): Uint8Array {
  try { return new Uint8Array(readFileSync(path)); } catch (e) { throw new ConfigError(field, `cannot read '${path}': ${(e as Error).message}`); }
}

/** Serial output gathered per event-loop turn. */
export class SerialBatcher implements SerialHost {
  private bytes: number[] = [];
  private scheduled = false;
  // streaming: a UTF-8 character split across two batches is decoded whole, not as two U+FFFD
  private readonly decoder = new TextDecoder('utf-8');
  constructor(private readonly sink: (text: string) => void) {}

  output(byte: number): void {
    this.bytes.push(byte);
    if (!this.scheduled) { this.scheduled = true; setImmediate(() => this.flush()); }
  }

  flush(): void {
    this.scheduled = false;
    if (!this.bytes.length) return;
    const text = this.decoder.decode(Uint8Array.from(this.bytes), { stream: true });
    this.bytes = [];
    if (text) this.sink(text);
  }
}

export interface LaunchedMachine {
  machine: Machine;
  kernelBytes: Uint8Array;
  disks: OpenedDrive[];
  serial: SerialBatcher;
  /** The serial output with the console's `log` lines put in (what the machine writes to). */
  serialLog: SerialLog;
}

export function launchMachine(cfg: LaunchConfig, serialOut: (text: string) => void): LaunchedMachine {
  const kernelBytes = readFileField(cfg.kernel, 'kernel');
  const firmware = cfg.bios === 'none' ? 'none' : readFileField(cfg.bios, 'bios');
  const initrd = cfg.initrd === undefined ? undefined : readFileField(cfg.initrd, 'initrd');
  const disks: OpenedDrive[] = [];
  const drives: BlockBackend[] = cfg.drives.map((entry, i) => {
    let d: OpenedDrive;
    try { d = openDrive(driveSpecOfEntry(entry), cfg.drivesWritable); } catch (e) {
      for (const o of disks) o.close();
      throw new ConfigError(`drives[${i}]`, (e as Error).message);
    }
    disks.push(d);
    return d.backend;
  });
  const serial = new SerialBatcher(serialOut);
  const serialLog = new SerialLog(serial);
  try {
    const machine = new Machine({
      kernel: kernelBytes, kernelName: cfg.kernel, firmware, drives, memoryBytes: cfg.memoryBytes, smp: cfg.smp,
      append: cfg.cmdline, initrd, initrdName: cfg.initrd, serial: serialLog, idle: cfg.idle, jit: cfg.jit,
    });
    return { machine, kernelBytes, disks, serial, serialLog };
  } catch (e) {
    for (const d of disks) d.close();
    const msg = (e as Error).message;
    // the loader's and the machine's messages name the file; say which field it came from
    const field = /initrd/i.test(msg) ? 'initrd' : /firmware|bios/i.test(msg) ? 'bios' : /smp|hart/i.test(msg) ? 'smp' : /memory/i.test(msg) ? 'memory' : 'kernel';
    throw new ConfigError(field, msg);
  }
}
