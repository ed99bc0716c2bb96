// MachineControl for the in-process Machine (emulator/machine.ts), built only from what the
// Machine exposes publicly: reset() for reboot, mtime() for virtual time, the board's device
// table for the memory map, powerOff() for halt, and sendBreak() + sendInput() for the guest's
// SysRq, machine.media for media change.
import type { Machine } from '../emulator/machine';
import type { MachineControl, MemoryRegion } from './machine-control';

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
      await machine.powerOff(code);
    },
    async sysrq(key: string) {
      machine.sendBreak();
      machine.sendInput(new TextEncoder().encode(key));
    },
    async virtualTime() {
      return { mtime: BigInt(machine.mtime()), frequencyHz: TIMEBASE_HZ };
    },
    media: {
      config: async (dev, spec) => machine.media.config(dev, spec),
      remove: async (dev, force) => machine.media.remove(dev, force),
      unavailable: machine.media.unavailable,
    },
    memoryRegions(): MemoryRegion[] {
      const regions: MemoryRegion[] = [{ base: 0x1000n, size: BigInt(machine.board.bootRom.length), kind: 'rom', name: 'boot ROM' }];
      for (const d of machine.board.devices) regions.push({ base: BigInt(d.base), size: BigInt(d.device.size), kind: 'io', name: d.device.name });
      regions.push({ base: BigInt(machine.bus.ramBase), size: BigInt(machine.bus.ramSize), kind: 'ram', name: 'RAM' });
      return regions;
    },
  };
}
