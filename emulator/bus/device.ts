// The contracts between the bus, the devices and the harts. Devices see offsets from their
// own base (Spike's habit), never absolute addresses; 64-bit accesses are split by the bus
// into two 32-bit ones (low word first), so devices implement only 1, 2 and 4 byte accesses.
import type { StateReader, StateValue } from '../checkpoint/state';

/** A memory-mapped device. */
export interface Device {
  readonly name: string;
  /** Size in bytes of the device's MMIO window. */
  readonly size: number;
  /** Unsigned value of `size` bytes at `offset`; an unknown register reads as 0. */
  read(offset: number, size: 1 | 2 | 4): number;
  /** `value` holds the low `size` bytes to write; writes to unknown registers are ignored. */
  write(offset: number, size: 1 | 2 | 4, value: number): void;
  /** Back to power-on state (machine reset / reboot). */
  reset?(): void;
  /** Checkpoints (emulator/checkpoint): the device's state, and putting it back without side effects. */
  saveState?(): StateValue;
  loadState?(state: StateReader): void;
}

/**
 * Interrupt inputs of the PLIC (sources 1..N). Devices call setIrq after every state update
 * that may change their interrupt condition, not only when the level changes: as on QEMU,
 * each assertion is a new request at the PLIC's gateway (see devices/plic.ts for why).
 */
export interface IrqLine {
  setIrq(source: number, level: boolean): void;
}

/** Bits of mip that devices drive (CLINT: MSIP, MTIP; PLIC: MEIP, SEIP). */
export const MIP_SSIP = 1 << 1;
export const MIP_MSIP = 1 << 3;
export const MIP_STIP = 1 << 5;
export const MIP_MTIP = 1 << 7;
export const MIP_SEIP = 1 << 9;
export const MIP_MEIP = 1 << 11;

/** The harts' interrupt-pending inputs, as wired by the board. */
export interface HartInterruptLines {
  setPending(hart: number, mipMask: number, level: boolean): void;
}

/**
 * Virtual time, in ticks of the 10 MHz timebase. `now()` is the machine's mtime. Devices with
 * a deadline (CLINT's mtimecmp) report it through nextDeadline(), and the machine calls
 * advance() whenever time has moved, at the latest when a deadline is reached, so no device
 * polls per instruction.
 */
export interface Clock {
  now(): number;
}

export interface TimedDevice {
  /** mtime value at which this device next needs advance(), or Infinity. */
  nextDeadline(): number;
  advance(now: number): void;
}

/**
 * Device access to physical memory (virtio DMA). Writes go through here, not around it, so
 * the harts can drop whatever they cached of the written range (decoded instructions, LR/SC
 * reservations). Both return false when the range is not all RAM.
 */
export interface DmaPort {
  dmaRead(paddr: number, dst: Uint8Array): boolean;
  dmaWrite(paddr: number, src: Uint8Array): boolean;
}

/** Backing store of a block device; synchronous so the core needs no host APIs. */
export interface BlockBackend {
  readonly byteLength: number;
  readonly readOnly: boolean;
  read(offset: number, dst: Uint8Array): void;
  write(offset: number, src: Uint8Array): void;
  flush(): void;
  /** Forgets a byte range (virtio-blk DISCARD); it reads as zeros afterwards. Offered to the guest only when present. */
  discard?(offset: number, length: number): void;
  /** Zeros a byte range (WRITE_ZEROES); `unmap` allows giving the space back, as discard does. */
  writeZeroes?(offset: number, length: number, unmap: boolean): void;
  /** Checkpoints: what was written since the machine started (the copy-on-write overlay), and putting it back. */
  saveState?(): StateValue;
  loadState?(state: StateReader): void;
}

/** Host side of a serial port. */
export interface SerialHost {
  /** Called with every byte the guest transmits. */
  output(byte: number): void;
}
