// The in-process Machine's side of the gdb stub's `monitor` commands (MachineControl):
// reboot, virtual time and the board's memory map.
import type { Machine } from '../emulator/machine';
import type { MachineControl, MemoryRegion } from '../gdbstub/machine-control';

export function machineControl(machine: Machine, version: string): MachineControl {
  const ramBytes = BigInt(machine.bus.ramSize);
  const regions: MemoryRegion[] = [
    { base: 0x1000n, size: 0x1000n, kind: 'rom', name: 'boot ROM' },
    ...machine.board.devices.map((d) => ({ base: BigInt(d.base), size: BigInt(d.device.size), kind: 'io' as const, name: d.device.name })),
    { base: 0x8000_0000n, size: ramBytes, kind: 'ram', name: 'RAM' },
  ];
  return {
    version,
    reboot: async () => { machine.reset(); },
    virtualTime: async () => ({ mtime: BigInt(machine.mtime()), frequencyHz: 10_000_000 }),
    memoryRegions: () => regions,
  };
}
