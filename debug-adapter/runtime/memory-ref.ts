// DAP memory references: `0xADDR` for memory as the kernel sees it, `0xADDR@satp:0xSATP` for
// a process's address space (a user frame's pc, a pointer into a user program's memory), so
// the Memory and Disassembly views read the right process's memory.
export interface MemoryRef { address: bigint; satp?: bigint }

export function formatMemoryRef(address: bigint, satp?: bigint): string {
  const a = `0x${BigInt.asUintN(64, address).toString(16)}`;
  return satp === undefined ? a : `${a}@satp:0x${satp.toString(16)}`;
}

/** Parses a reference; undefined when it is not one of ours (or not a number). */
export function parseMemoryRef(ref: unknown): MemoryRef | undefined {
  if (typeof ref !== 'string') return undefined;
  const m = /^\s*(0x[0-9a-f]{1,16}|\d{1,20})(?:@satp:(0x[0-9a-f]{1,16}))?\s*$/i.exec(ref);
  if (!m) return undefined;
  const address = BigInt(m[1]);
  if (address > 0xffff_ffff_ffff_ffffn) return undefined;
  return { address, satp: m[2] === undefined ? undefined : BigInt(m[2]) };
}
