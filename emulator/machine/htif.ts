// Spike's host-target interface as the ISA test suites use it: the guest writes a 64-bit
// command to the `tohost` symbol. Device 0 command 0 with bit 0 set ends the run with exit
// code value >> 1 (riscv-tests: 1 = pass); device 1 command 1 writes one console byte and
// acknowledges through `fromhost`. Only used when the loaded ELF has a `tohost` symbol.
import type { Bus } from '../bus/bus';

export interface HtifHost {
  exit(code: number): void;
  putchar(byte: number): void;
}

export function attachHtif(bus: Bus, tohost: number, fromhost: number | undefined, host: HtifHost): void {
  const off = tohost - bus.ramBase;
  bus.hookStores(tohost, () => {
    const lo = bus.ram32[off >> 2], hi = bus.ram32[(off >> 2) + 1];
    if (lo === 0 && hi === 0) return;
    const device = hi >>> 24, cmd = (hi >>> 16) & 0xff;
    if (device === 0 && cmd === 0 && (lo & 1) === 1) {
      host.exit(((hi & 0xffff) * 2147483648) + (lo >>> 1));
    } else if (device === 1 && cmd === 1) {
      host.putchar(lo & 0xff);
      bus.ram32[off >> 2] = 0; bus.ram32[(off >> 2) + 1] = 0;
      if (fromhost !== undefined && bus.isRam(fromhost, 8)) {
        const f = fromhost - bus.ramBase;
        bus.ram32[f >> 2] = 1; bus.ram32[(f >> 2) + 1] = (1 << 24) | (1 << 16);
      }
    }
  });
}
