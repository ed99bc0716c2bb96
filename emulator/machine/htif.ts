// Spike's host-target interface as the ISA test suites and the riscv-tests benchmarks use it:
// the guest writes a 64-bit command to the `tohost` symbol (device in bits 63:56, command in
// 55:48, payload below). Device 0 command 0:
//   - payload bit 0 set: the run ends with exit code payload >> 1 (riscv-tests: 1 = pass);
//   - payload bit 0 clear: a proxied system call. The payload is the physical address of
//     eight 64-bit words (number, arguments...); the host answers in word 0 and sets
//     `fromhost` to 1. Supported: write (64) to fd 1 or 2 (to the console) and exit (93);
//     any other number answers -ENOSYS so the guest never waits forever.
// Device 1 command 1 writes one console byte and acknowledges through `fromhost`.
// The host clears `tohost` once it has taken a command, as Spike's front end does.
// Only used when the loaded ELF has a `tohost` symbol.
import type { Bus } from '../bus/bus';

export interface HtifHost {
  exit(code: number): void;
  putchar(byte: number): void;
}

const SYS_WRITE = 64;
const SYS_EXIT = 93;
const ENOSYS = 38;
const EBADF = 9;
const EFAULT = 14;

export function attachHtif(bus: Bus, tohost: number, fromhost: number | undefined, host: HtifHost): void {
  const off = tohost - bus.ramBase;
  const ram32 = bus.ram32;

  /** A 64-bit word of RAM as a Number (exact below 2^53; larger values only matter as "huge"). */
  const word = (o: number): number => (ram32[(o >> 2) + 1] >>> 0) * 4294967296 + (ram32[o >> 2] >>> 0);
  const setWord = (o: number, value: number): void => {
    ram32[o >> 2] = value | 0;
    ram32[(o >> 2) + 1] = value < 0 ? -1 : Math.floor(value / 4294967296) | 0;
  };
  const acknowledge = (device: number, cmd: number): void => {
    ram32[off >> 2] = 0; ram32[(off >> 2) + 1] = 0;
    if (fromhost !== undefined && bus.isRam(fromhost, 8)) {
      const f = fromhost - bus.ramBase;
      ram32[f >> 2] = 1; ram32[(f >> 2) + 1] = (device << 24) | (cmd << 16);
    }
  };

  /** Runs the system call whose eight words are at RAM offset `m`; returns its result. */
  const syscall = (m: number): number => {
    const which = word(m);
    if (which === SYS_EXIT) { host.exit(word(m + 8)); return 0; }
    if (which !== SYS_WRITE) return -ENOSYS;
    const fd = word(m + 8), buf = word(m + 16), len = word(m + 24);
    if (fd !== 1 && fd !== 2) return -EBADF;
    if (!bus.isRam(buf, len)) return -EFAULT;
    const b = buf - bus.ramBase;
    for (let i = 0; i < len; i++) host.putchar(bus.ram[b + i]);
    return len;
  };

  bus.hookStores(tohost, () => {
    const lo = ram32[off >> 2], hi = ram32[(off >> 2) + 1];
    if (lo === 0 && hi === 0) return;
    const device = hi >>> 24, cmd = (hi >>> 16) & 0xff;
    if (device === 0 && cmd === 0 && (lo & 1) === 1) {
      host.exit(((hi & 0xffff) * 2147483648) + (lo >>> 1));
    } else if (device === 0 && cmd === 0) {
      const addr = (hi & 0xffff) * 4294967296 + (lo >>> 0);
      if (!bus.isRam(addr, 64) || (addr & 7) !== 0) { acknowledge(0, 0); return; }
      const m = addr - bus.ramBase;
      const result = syscall(m);
      setWord(m, result);
      acknowledge(0, 0);
    } else if (device === 1 && cmd === 1) {
      host.putchar(lo & 0xff);
      acknowledge(1, 1);
    }
  });
}
