// MachineControl for the in-process Machine (emulator/machine.ts), built only from what the
// Machine exposes publicly: reset() for reboot, mtime() for virtual time, the board's device
// table for the memory map, and the sifive_test device (0x100000 on the virt board) for halt,
// since the Machine has no public power-off yet.
import type { Machine } from '../emulator/machine';
import type { MachineControl, MemoryRegion } from './machine-control';

const SIFIVE_TEST = 0x100000n;
const TIMEBASE_HZ = 10_000_000;

export function machineControl(machine: Machine, version = 'Kernel Workbench'): MachineControl {
  return {
    version,
    async reboot() {
      const wasRunning = machine.state() === 'running';
      if (wasRunning) await machine.pause();
      machine.reset();
      if (wasRunning) await machine.resume();
    },
    async halt(code = 0) {
      if (machine.state() === 'exited') return;
      // sifive_test: 0x5555 powers off with status 0, (code << 16) | 0x3333 with a failure code.
      const word = code === 0 ? 0x5555 : ((code & 0xffff) << 16) | 0x3333;
      const bytes = Uint8Array.of(word & 0xff, (word >> 8) & 0xff, (word >> 16) & 0xff, (word >>> 24) & 0xff);
      const exited = new Promise<void>((resolve) => {
        const sub = machine.onStop((ev) => { if (ev.reason.kind === 'poweroff') { sub.dispose(); resolve(); } });
      });
      await machine.writeMemory(SIFIVE_TEST, bytes, { kind: 'physical' });
      // The device's poweroff is taken when the machine next runs.
      if (machine.state() === 'paused') await machine.resume();
      await exited;
    },
    async virtualTime() {
      return { mtime: BigInt(machine.mtime()), frequencyHz: TIMEBASE_HZ };
    },
    memoryRegions(): MemoryRegion[] {
      const regions: MemoryRegion[] = [{ base: 0x1000n, size: BigInt(machine.board.bootRom.length), kind: 'rom', name: 'boot ROM' }];
      for (const d of machine.board.devices) regions.push({ base: BigInt(d.base), size: BigInt(d.device.size), kind: 'io', name: d.device.name });
      regions.push({ base: BigInt(machine.bus.ramBase), size: BigInt(machine.bus.ramSize), kind: 'ram', name: 'RAM' });
      return regions;
    },
  };
}
