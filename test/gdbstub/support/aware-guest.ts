// The teaching kernel on our Machine with its console scripted (ConsoleSession) and our stub
// serving it with kernel awareness, as kwb wires them: KernelAwareness.open on the kernel's
// symbols, the kernel path for exec-file and vFile. Also the line numbers tests look up in the
// guest's sources (never hard-coded).
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KernelAwareness } from '../../../awareness';
import { machineControl } from '../../../gdbstub/machine-adapter';
import { startGdbServer, type GdbServer } from '../../../gdbstub/server';
import { SymbolFile } from '../../../symbols';
import { buildGuestKernel, GUEST_DIR, type GuestBuild } from '../../guest/support/build';
import { ConsoleSession, PROMPT } from '../../guest/support/console-session';
import { MachinePort } from '../../guest/support/machine-port';

export interface AwareGuest {
  build: GuestBuild;
  port: MachinePort;
  console: ConsoleSession;
  server: GdbServer;
  awareness: KernelAwareness;
  /** For `target remote`. */
  remote: string;
  close(): Promise<void>;
}

export const loadFile = (p: string): Uint8Array | undefined => { try { return new Uint8Array(readFileSync(p)); } catch { return undefined; } };

/** Boots the kernel to the shell prompt and serves it with awareness (the machine keeps running). */
export async function awareGuest(smp = 2): Promise<AwareGuest> {
  const build = buildGuestKernel();
  const port = new MachinePort({ kernel: build.kernel, smp });
  const console = new ConsoleSession(port);
  try {
    await console.waitFor(PROMPT);
    const det = KernelAwareness.open(SymbolFile.open(loadFile(build.kernel)!, { name: build.kernel }), port.machine, { kernelPath: build.kernel, loadFile });
    if (!det.ok) throw new Error(det.reason);
    const server = await startGdbServer(port.machine, {
      listen: 'tcp::0', control: machineControl(port.machine, 'Kernel Workbench (test)'), awareness: det.awareness, kernelPath: build.kernel,
      // KWB_GDB_TRACE=FILE: every packet, for debugging a failing test
      trace: process.env.KWB_GDB_TRACE ? (line) => appendFileSync(process.env.KWB_GDB_TRACE!, line + '\n') : undefined,
    });
    return {
      build, port, console, server, awareness: det.awareness, remote: server.address.replace(/^tcp:/, ''),
      async close() { await server.close(); await port.close(); },
    };
  } catch (e) {
    await port.close();
    throw e;
  }
}

/** The 1-based line of the first line of guest/DIR/FILE containing `text`. */
export function guestLine(file: string, text: string): number {
  const lines = readFileSync(join(GUEST_DIR, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`guest/${file} has no line with ${JSON.stringify(text)}`);
  return i + 1;
}
