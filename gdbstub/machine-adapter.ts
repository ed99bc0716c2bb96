// MachineControl for the in-process Machine (emulator/machine.ts), built only from what the
// Machine exposes publicly: reset() for reboot, mtime() for virtual time, the board's device
// table for the memory map, and a 32-bit write to the board's sifive_test device for halt
// (the Machine has no public power-off yet; a debugger memory write goes byte by byte, which
// the device ignores, so the device is written directly, as a guest store would).
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
      if (machine.state() === 'exited') return;
      // sifive_test: 0x5555 powers off with status 0, (code << 16) | 0x3333 with a failure code.
      const word = code === 0 ? 0x5555 : ((code & 0xffff) << 16) | 0x3333;
      const device = machine.board.devices.find((d) => d.device.name === 'sifive_test')?.device;
      if (!device) throw new Error('this board has no sifive_test device to power off with');
      const exited = new Promise<void>((resolve) => {
        const sub = machine.onStop((ev) => { if (ev.reason.kind === 'poweroff') { sub.dispose(); resolve(); } });
      });
      device.write(0, 4, word >>> 0);
      // The device's poweroff is taken when the machine next runs.
      if (machine.state() === 'paused') await machine.resume();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('the machine did not power off within 5 s')), 5000); });
      try { await Promise.race([exited, late]); } finally { clearTimeout(timer); }
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
