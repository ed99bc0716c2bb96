// Helpers the generated code calls (bound once per block by block.ts), each the same
// arithmetic as its twin in rv64i.ts. V8 inlines them into the block functions.

/** Signed 64-bit a < b. */
export function lt(ahi: number, alo: number, bhi: number, blo: number): boolean {
  return ahi < bhi || (ahi === bhi && (alo >>> 0) < (blo >>> 0));
}
/** Unsigned 64-bit a < b. */
export function ltu(ahi: number, alo: number, bhi: number, blo: number): boolean {
  return (ahi >>> 0) < (bhi >>> 0) || (ahi === bhi && (alo >>> 0) < (blo >>> 0));
}

export function sll(x: Int32Array, d: number, lo: number, hi: number, sh: number): void {
  if (sh === 0) { x[d] = lo; x[d + 1] = hi; } else if (sh < 32) { x[d + 1] = (hi << sh) | (lo >>> (32 - sh)); x[d] = lo << sh; } else { x[d + 1] = lo << (sh - 32); x[d] = 0; }
}
export function srl(x: Int32Array, d: number, lo: number, hi: number, sh: number): void {
  if (sh === 0) { x[d] = lo; x[d + 1] = hi; } else if (sh < 32) { x[d] = (lo >>> sh) | (hi << (32 - sh)); x[d + 1] = hi >>> sh; } else { x[d] = hi >>> (sh - 32); x[d + 1] = 0; }
}
export function sra(x: Int32Array, d: number, lo: number, hi: number, sh: number): void {
  if (sh === 0) { x[d] = lo; x[d + 1] = hi; } else if (sh < 32) { x[d] = (lo >>> sh) | (hi << (32 - sh)); x[d + 1] = hi >> sh; } else { x[d] = hi >> (sh - 32); x[d + 1] = hi >> 31; }
}

/** x[d] = a signed 64-bit value held exactly in a double (a pc-relative value with pcHi 0). */
export function setNum(x: Int32Array, d: number, v: number): void {
  const hi = Math.floor(v / 4294967296);
  x[d] = (v - hi * 4294967296) | 0; x[d + 1] = hi | 0;
}
