// What every emitter shares: the decoded slot, the field extractors, and the snippets that leave
// a block, synchronise pc and instret with the interpreter's view, and check for a yield or for
// invalidated code after a call. Names the snippets use are listed in emit.ts's header.

/** What a block needs to know about one decoded instruction. */
export interface Slot {
  /** Byte offset from the block start, and length (2 or 4). */
  off: number;
  len: number;
  /** Executor index (EXEC[k]) and the instruction word (compressed ones expanded). */
  k: number;
  insn: number;
  name: string;
  /** A jal whose target, in the same page, is where the block goes on (a trace). */
  follow?: boolean;
}

/** How an instruction ends: it falls through, or the block stops after it. */
export interface Emitted {
  code: string;
  /** The block ends after this instruction (its code always leaves the function). */
  ends: boolean;
}

export const rd = (i: number) => (i >> 7) & 31;
export const rs1 = (i: number) => (i >> 15) & 31;
export const rs2 = (i: number) => (i >> 20) & 31;
export const immI = (i: number) => i >> 20;
export const immS = (i: number) => ((i >> 25) << 5) | ((i >> 7) & 31);
export const immB = (i: number) => ((i >> 31) << 12) | (((i >> 7) & 1) << 11) | (((i >> 25) & 0x3f) << 5) | (((i >> 8) & 0xf) << 1);
export const immU = (i: number) => i & ~0xfff;
export const immJ = (i: number) => ((i >> 31) << 20) | (((i >> 12) & 0xff) << 12) | (((i >> 20) & 1) << 11) | (((i >> 21) & 0x3ff) << 1);

/**
 * Registers live in locals inside a block (block.ts): emitters write `x[K]` with constant K as
 * if they used the hart's array, and compile() turns each into a local rK (x0 reads into 0),
 * loaded at entry and written back (FLUSH) at every exit, before every call of the
 * interpreter's executor, and when anything throws (a trap unwinding through the block).
 * The tokens below are how emitters ask for that code; compile() expands them.
 */
export const FLUSH = '/*FLUSH*/';
/** The executor may have written x[rd]: its local is read back (only if the block holds it). */
export const reload = (rd: number) => `/*RELOAD:${rd}*/`;
/** The executor's own x0 reset (x[0] and x[1] of the array, never the locals). */
export const X0 = '/*X0*/';

/** Leaves the block (through its epilogue, which writes the registers back) with h.pc = pc and h.instret = I + k. */
export function exitTo(pc: string, k: number): string {
  return `{ EP = ${pc}; EK = ${k}; break B; }`;
}

/** Leaves the block with pc = pc0 + off after `k` instructions of this pass. */
export function exitAt(off: number, k: number): string {
  return exitTo(`pc0 + ${off}`, k);
}

/** A jump back to the block's start after `k` instructions: another pass if the budget allows. */
export function backEdge(k: number): string {
  return `{ n += ${k}; I += ${k}; if (n + LEN > budget || h.yieldFlag) ${exitTo('pc0', 0)} continue B; }`;
}

/** pc and instret as the interpreter has them while this instruction executes. */
export function sync(s: Slot, i: number): string {
  return `h.pc = pc0 + ${s.off}; h.instret = I + ${i}; `;
}

/** After a call that may touch memory or devices: leave if the hart must yield or code changed. */
export function check(s: Slot, i: number): string {
  return ` if (h.yieldFlag || J.epoch !== E) ${exitAt(s.off + s.len, i + 1)}`;
}

/**
 * The interpreter's executor for the instruction, run where the block stands: pc and instret
 * synced, registers written back, then x[rd] read back (the one x register an executor the
 * block goes on after may write). The caller adds what follows (checks, or the block's end).
 */
export function execHere(s: Slot, i: number): string {
  return `${sync(s, i)}${FLUSH}EXEC[${s.k}](h, ${s.insn}); ${X0}${reload(rd(s.insn))}`;
}

/** The interpreter's executor for the instruction; the block ends at the pc it chose (no write-back after: the executor's writes stand). */
export function callEnd(s: Slot, i: number): string {
  return `${sync(s, i)}${FLUSH}h.nextPc = pc0 + ${s.off + s.len}; EXEC[${s.k}](h, ${s.insn}); ${X0} ` +
    `h.pc = h.nextPc; h.instret = I + ${i + 1}; return n + ${i + 1};`;
}

/** The effective address rs1 + imm as Hart.addr computes it (wide Sv57 addresses by the hart's addrWide). */
export function addrOf(rs: number, imm: number): string {
  if (rs === 0) return `const va = ${imm};`;
  const lo = `x[${2 * rs}]`, hi = `x[${2 * rs + 1}]`;
  return `const va = ((${hi} + 0x100000) >>> 21) === 0 ? ${hi} * 4294967296 + (${lo} >>> 0) + ${imm} : h.addrWide(${lo}, ${hi}, ${imm});`;
}

/**
 * RAM offset of the data access at va through the TLB (NaN on a miss), as Hart.loadOff/storeOff.
 * VM, CTX and the TLB arrays (TRT/TRP, TWT/TWP) are read once at the block's entry: nothing a
 * block runs can change them without ending it (CSR writes, xRET and traps end or unwind it).
 */
export function offsetOf(tlb: 'tlbR' | 'tlbW'): string {
  const t = tlb === 'tlbR' ? 'TR' : 'TW';
  return `let off = NaN; if (!VM) off = va - RB; else { const vpn = Math.floor(va / 4096), k = vpn & 255; ` +
    `if (${t}T[k] === vpn * 16 + CTX) off = ${t}P[k] - RB + (va & 4095); }`;
}

export type Emitter = (s: Slot, i: number) => Emitted;
export const fall = (code: string): Emitted => ({ code, ends: false });
