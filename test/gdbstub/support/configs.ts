// The three ways the behavioural tests reach a guest with gdb: our stub serving the in-process
// Machine, our stub serving our RSP client connected to QEMU (gdb -> stub -> client -> QEMU:
// real components end to end), and QEMU's own stub directly (the oracle).
import { readFileSync } from 'node:fs';
import { Machine } from '../../../emulator/machine';
import { RemoteTarget } from '../../../gdbstub/client/remote-target';
import { machineControl } from '../../../gdbstub/machine-adapter';
import { startGdbServer, type GdbServer } from '../../../gdbstub/server';
import { startQemu } from './qemu';

export interface GuestUnderGdb {
  name: string;
  /** What to give `target remote`. */
  remote: string;
  /** Whether this is our stub (monitor commands, priv register, memory map). */
  ours: boolean;
  server?: GdbServer;
  machine?: Machine;
  close(): Promise<void>;
}

export async function connectRemoteTarget(port: number): Promise<RemoteTarget> {
  let lastError: unknown;
  for (let i = 0; i < 100; i++) {
    try { return await RemoteTarget.connect({ host: '127.0.0.1', port }); } catch (e) { lastError = e; }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw lastError;
}

export async function ourStubOnMachine(elf: string, smp = 2): Promise<GuestUnderGdb> {
  const machine = new Machine({ kernel: new Uint8Array(readFileSync(elf)), kernelName: elf, smp });
  const server = await startGdbServer(machine, { listen: 'tcp::0', control: machineControl(machine, 'Kernel Workbench (test)') });
  return {
    name: 'our stub on the Machine', remote: server.address.replace(/^tcp:/, ''), ours: true, server, machine,
    async close() {
      await server.close();
      if (machine.state() === 'running') await machine.pause();
    },
  };
}

export async function ourStubOnQemu(elf: string, smp = 2): Promise<GuestUnderGdb> {
  const qemu = await startQemu({ elf, smp });
  try {
    const target = await connectRemoteTarget(qemu.port);
    const server = await startGdbServer(target, { listen: 'tcp::0' });
    return {
      name: 'our stub on our client on QEMU', remote: server.address.replace(/^tcp:/, ''), ours: true, server,
      async close() { await server.close(); await target.close(); await qemu.close(); },
    };
  } catch (e) {
    await qemu.close();
    throw e;
  }
}

export async function qemuDirect(elf: string, smp = 2): Promise<GuestUnderGdb> {
  const qemu = await startQemu({ elf, smp });
  return { name: 'QEMU\'s stub', remote: `127.0.0.1:${qemu.port}`, ours: false, close: () => qemu.close() };
}
