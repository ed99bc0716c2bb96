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

/** Leaves the block with pc = pc0 + off after `k` instructions of this pass. */
export function exitAt(off: number, k: number): string {
  return `{ h.pc = pc0 + ${off}; h.instret = I + ${k}; return n + ${k}; }`;
}

/** A jump back to the block's start after `k` instructions: another pass if the budget allows. */
export function backEdge(k: number): string {
  return `{ n += ${k}; I += ${k}; if (n + LEN > budget || h.yieldFlag) { h.pc = pc0; h.instret = I; return n; } continue; }`;
}

/** pc and instret as the interpreter has them while this instruction executes. */
export function sync(s: Slot, i: number): string {
  return `h.pc = pc0 + ${s.off}; h.instret = I + ${i}; `;
}

/** After a call that may touch memory or devices: leave if the hart must yield or code changed. */
export function check(s: Slot, i: number): string {
  return ` if (h.yieldFlag || J.epoch !== E) ${exitAt(s.off + s.len, i + 1)}`;
}

/** The interpreter's executor for the instruction; the block ends at the pc it chose. */
export function callEnd(s: Slot, i: number): string {
  return `${sync(s, i)}h.nextPc = pc0 + ${s.off + s.len}; EXEC[${s.k}](h, ${s.insn}); x[0] = 0; x[1] = 0; ` +
    `h.pc = h.nextPc; h.instret = I + ${i + 1}; return n + ${i + 1};`;
}

/** RAM offset of the data access at va through the TLB (NaN on a miss), as Hart.loadOff/storeOff. */
export function offsetOf(tlb: string): string {
  return `let off = NaN; if (!h.dataVm) off = va - RB; else { const vpn = Math.floor(va / 4096), k = vpn & 255; ` +
    `if (h.${tlb}.tag[k] === vpn * 16 + h.dataCtx) off = h.${tlb}.pa[k] - RB + (va & 4095); }`;
}

export type Emitter = (s: Slot, i: number) => Emitted;
export const fall = (code: string): Emitted => ({ code, ends: false });

