// What the symbols layer needs from a running target: memory and a register snapshot, read
// asynchronously so the same code works over the in-process machine and over a remote stub.
// Registers use DWARF numbering for RISC-V (psABI): x0-x31 are 0-31, f0-f31 are 32-63.

export interface MemoryReader {
  /** `size` bytes at a virtual address, or undefined when they cannot be read. */
  readMemory(addr: bigint, size: number): Promise<Uint8Array | undefined>;
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
