// What stepping needs to know about one RISC-V instruction (RV64GC encodings, privileged spec):
// its length, and whether it calls (writes the link register), returns, jumps, or enters or
// leaves a trap (ecall, ebreak, sret, mret). Nothing else is decoded here; the disassembler in
// symbols/ is for showing code, this is for deciding what a step did.
import type { Target } from '../../emulator/target';

export type InsnKind = 'call' | 'return' | 'jump' | 'ecall' | 'ebreak' | 'trap-return' | 'other';

export interface InsnInfo {
  length: 2 | 4;
  kind: InsnKind;
  /** The raw encoding (16 or 32 bits). */
  word: number;
}

/** Link registers of the psABI: ra (x1) and the alternate t0 (x5). */
const isLink = (r: number): boolean => r === 1 || r === 5;

/** Classifies an instruction from its first bytes (at least 2; 4 for a 32-bit one). */
export function classify(bytes: Uint8Array): InsnInfo | undefined {
  if (bytes.length < 2) return undefined;
  const lo = bytes[0] | (bytes[1] << 8);
  if ((lo & 3) !== 3) return { length: 2, kind: classify16(lo), word: lo };
  if (bytes.length < 4) return undefined;
  const w = (lo | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
  return { length: 4, kind: classify32(w), word: w };
}

function classify16(h: number): InsnKind {
  const op = h & 3, funct3 = h >>> 13;
  if (op === 1 && funct3 === 5) return 'jump'; // c.j
  if (op === 2 && funct3 === 4) {
    const bit12 = (h >>> 12) & 1, rs1 = (h >>> 7) & 31, rs2 = (h >>> 2) & 31;
    if (rs2 === 0 && rs1 !== 0) {
      if (bit12 === 1) return 'call'; // c.jalr writes ra
      return rs1 === 1 ? 'return' : 'jump'; // c.jr ra is `ret`
    }
    if (bit12 === 1 && rs1 === 0 && rs2 === 0) return 'ebreak'; // c.ebreak
  }
  return 'other';
}

function classify32(w: number): InsnKind {
  const opcode = w & 0x7f, rd = (w >>> 7) & 31, rs1 = (w >>> 15) & 31;
  if (opcode === 0x6f) return isLink(rd) ? 'call' : 'jump'; // jal
  if (opcode === 0x67 && ((w >>> 12) & 7) === 0) { // jalr
    if (isLink(rd)) return 'call';
    return rd === 0 && isLink(rs1) && (w >>> 20) === 0 ? 'return' : 'jump';
  }
  if (w === 0x00000073) return 'ecall';
  if (w === 0x00100073) return 'ebreak';
  if (w === 0x10200073 || w === 0x30200073) return 'trap-return'; // sret, mret
  return 'other';
}

/** Reads and classifies the instruction at `pc` as `hart` fetches it (undefined when unreadable). */
export async function instructionAt(target: Target, hart: number, pc: bigint): Promise<InsnInfo | undefined> {
  try {
    const b = await target.readMemory(pc, 2, { kind: 'virtual', hart });
    if ((b[0] & 3) !== 3) return classify(b);
    return classify(await target.readMemory(pc, 4, { kind: 'virtual', hart }));
  } catch {
    return undefined;
  }
}
