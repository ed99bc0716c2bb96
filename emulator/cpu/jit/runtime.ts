// Helpers the generated code calls (bound once per block by block.ts), each the same
// arithmetic as its twin in rv64i.ts. V8 inlines them into the block functions. (Shifts and
// pc-relative writes are written out by emit.ts: they write registers, which are locals there.)

/** Signed 64-bit a < b. */
export function lt(ahi: number, alo: number, bhi: number, blo: number): boolean {
  return ahi < bhi || (ahi === bhi && (alo >>> 0) < (blo >>> 0));
}
/** Unsigned 64-bit a < b. */
export function ltu(ahi: number, alo: number, bhi: number, blo: number): boolean {
  return (ahi >>> 0) < (bhi >>> 0) || (ahi === bhi && (alo >>> 0) < (blo >>> 0));
}
