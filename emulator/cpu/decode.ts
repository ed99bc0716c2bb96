// Instruction encodings as (match, mask) pairs, Spike's scheme: an instruction word `i` is
// instruction D when (i & D.mask) === D.match. Each instruction group file lists its
// instructions with their semantics next to the encoding; this file holds the shared field
// extractors and builds the lookup the decoder uses (per major opcode, most specific first).
import type { Hart } from './hart';

export type Exec = (h: Hart, i: number) => void;

export interface InsnDef {
  readonly name: string;
  readonly match: number;
  readonly mask: number;
  readonly exec: Exec;
}

export function def(name: string, match: number, mask: number, exec: Exec): InsnDef {
  return { name, match: match | 0, mask: mask | 0, exec };
}

// Encoding builders for the common formats (opcode, funct3, funct7...).
export const MASK_OPCODE = 0x7f;
export const MASK_F3 = 0x707f;
export const MASK_F7 = 0xfe00707f;
export const MASK_F6 = 0xfc00707f;
export const MASK_ALL = 0xffffffff | 0;
export const enc = (opcode: number, f3 = 0, f7 = 0): number => (opcode | (f3 << 12) | (f7 << 25)) | 0;

// Field extraction.
export const rd = (i: number): number => (i >> 7) & 31;
export const rs1 = (i: number): number => (i >> 15) & 31;
export const rs2 = (i: number): number => (i >> 20) & 31;
export const rs3 = (i: number): number => (i >>> 27);
export const f3 = (i: number): number => (i >> 12) & 7;
export const immI = (i: number): number => i >> 20;
export const immS = (i: number): number => ((i >> 25) << 5) | ((i >> 7) & 31);
export const immB = (i: number): number =>
  ((i >> 31) << 12) | (((i >> 7) & 1) << 11) | (((i >> 25) & 0x3f) << 5) | (((i >> 8) & 0xf) << 1);
export const immU = (i: number): number => i & ~0xfff;
export const immJ = (i: number): number =>
  ((i >> 31) << 20) | (((i >> 12) & 0xff) << 12) | (((i >> 20) & 1) << 11) | (((i >> 21) & 0x3ff) << 1);

/**
 * The extractors as one object, for instruction files to destructure once at load:
 * transpiled module imports are property getters, too slow to call per instruction.
 */
export const fields = { rd, rs1, rs2, rs3, f3, immI, immS, immB, immU, immJ };

/** Instruction lookup built from the definitions: per major opcode, the candidates to test. */
export class DecodeTable {
  /** All definitions; a decoded op is an index into this list. */
  readonly defs: InsnDef[];
  readonly exec: Exec[];
  private readonly byOpcode: number[][] = [];

  constructor(defs: InsnDef[], readonly illegalIndex: number) {
    this.defs = defs;
    this.exec = defs.map((d) => d.exec);
    for (let op = 0; op < 128; op++) this.byOpcode.push([]);
    defs.forEach((d, idx) => {
      if (idx === illegalIndex) return;
      const lowMask = d.mask & 0x7f;
      for (let op = 0; op < 128; op++) if ((op & lowMask) === (d.match & 0x7f)) this.byOpcode[op].push(idx);
    });
    // Most specific first so that e.g. a hint-free exact match wins over a pattern.
    for (const list of this.byOpcode) list.sort((a, b) => popcount(defs[b].mask) - popcount(defs[a].mask));
  }

  /** Index of the definition matching the 32-bit instruction, or illegalIndex. */
  lookup(insn: number): number {
    const list = this.byOpcode[insn & 0x7f];
    for (let k = 0; k < list.length; k++) {
      const d = this.defs[list[k]];
      if ((insn & d.mask) === d.match) return list[k];
    }
    return this.illegalIndex;
  }
}

export function popcount(v: number): number {
  let n = 0;
  for (let b = v >>> 0; b; b >>>= 1) n += b & 1;
  return n;
}
