// What the symbols layer needs from a running target: memory and a register snapshot, read
// asynchronously so the same code works over the in-process machine and over a remote stub.
// Registers use DWARF numbering for RISC-V (psABI): x0-x31 are 0-31, f0-f31 are 32-63.

export interface MemoryReader {
  /** `size` bytes at a virtual address, or undefined when they cannot be read. */
  readMemory(addr: bigint, size: number): Promise<Uint8Array | undefined>;
}

/** What an assignment (`set var`) needs to change a running target. */
export interface MemoryWriter {
  /** Writes bytes at a virtual address; rejects when they cannot be written. */
  writeMemory(addr: bigint, bytes: Uint8Array): Promise<void>;
  /** Writes a register of the innermost frame by DWARF number (x0-x31: 0-31, f0-f31: 32-63, CSRs: 4096 + number). */
  writeRegister?(dwarfReg: number, value: bigint): Promise<void>;
}

/** Register values known for a frame (DWARF numbers), plus its pc. */
export interface RegisterSet {
  pc: bigint;
  regs: Map<number, bigint>;
}

export const DWARF_SP = 2, DWARF_RA = 1, DWARF_FP = 8;

/** Reads a little-endian unsigned integer of 1..8 bytes. */
export function leValue(b: Uint8Array, size = b.length): bigint {
  let v = 0n;
  for (let i = Math.min(size, b.length) - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}
