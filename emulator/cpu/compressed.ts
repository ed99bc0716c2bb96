// C extension (unprivileged spec, chapter 16, RV64 encodings): each compressed instruction is
// expanded at decode time to the 32-bit instruction it stands for, so it shares that
// instruction's semantics; the hart only advances pc by 2 instead of 4. Reserved encodings
// expand to 0 (illegal instruction).
import { popcount } from './decode';

export interface CompressedDef {
  readonly name: string;
  readonly match: number;
  readonly mask: number;
  /** The equivalent 32-bit instruction, or 0 for a reserved encoding. */
  readonly expand: (c: number) => number;
}

// 32-bit encoders.
const I = (op: number, rd: number, f3: number, rs1: number, imm: number): number =>
  ((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
const S = (op: number, f3: number, rs1: number, rs2: number, imm: number): number =>
  (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | op;
const Rt = (op: number, rd: number, f3: number, rs1: number, rs2: number, f7: number): number =>
  (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
const B = (f3: number, rs1: number, rs2: number, imm: number): number =>
  (((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
  (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | 0x63;
const J = (rd: number, imm: number): number =>
  (((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) | (((imm >> 12) & 0xff) << 12) | (rd << 7) | 0x6f;

// Compressed fields.
const rdFull = (c: number) => (c >> 7) & 31;
const rs2Full = (c: number) => (c >> 2) & 31;
const rdP = (c: number) => 8 + ((c >> 2) & 7);
const rs1P = (c: number) => 8 + ((c >> 7) & 7);
const sext = (v: number, bits: number) => (v << (32 - bits)) >> (32 - bits);
const imm6 = (c: number) => sext(((c >> 2) & 0x1f) | ((c >> 7) & 0x20), 6);
const shamt6 = (c: number) => ((c >> 2) & 0x1f) | ((c >> 7) & 0x20);
const uimmLw = (c: number) => ((c >> 7) & 0x38) | ((c >> 4) & 4) | ((c << 1) & 0x40);
const uimmLd = (c: number) => ((c >> 7) & 0x38) | ((c << 1) & 0xc0);
const uimmLwsp = (c: number) => ((c >> 7) & 0x20) | ((c >> 2) & 0x1c) | ((c << 4) & 0xc0);
const uimmLdsp = (c: number) => ((c >> 7) & 0x20) | ((c >> 2) & 0x18) | ((c << 4) & 0x1c0);
const uimmSwsp = (c: number) => ((c >> 7) & 0x3c) | ((c >> 1) & 0xc0);
const uimmSdsp = (c: number) => ((c >> 7) & 0x38) | ((c >> 1) & 0x1c0);
const immJ = (c: number) => sext(((c >> 1) & 0x800) | ((c >> 7) & 0x10) | ((c >> 1) & 0x300) | ((c << 2) & 0x400) |
  ((c >> 1) & 0x40) | ((c << 1) & 0x80) | ((c >> 2) & 0xe) | ((c << 3) & 0x20), 12);
const immB = (c: number) => sext(((c >> 4) & 0x100) | ((c >> 7) & 0x18) | ((c << 1) & 0xc0) | ((c >> 2) & 6) | ((c << 3) & 0x20), 9);

const cdef = (name: string, match: number, mask: number, expand: (c: number) => number): CompressedDef => ({ name, match, mask, expand });
/** Quadrant (bits 1:0) and funct3 (bits 15:13). */
const q = (quadrant: number, f3: number) => quadrant | (f3 << 13);
const MASK_Q = 0xe003;
/** Quadrant 1, funct3 100 sub-ops: bits 12, 11:10, 6:5. */
const MASK_ALU = 0xfc63;
const alu = (b12: number, b1110: number, b65: number) => q(1, 4) | (b12 << 12) | (b1110 << 10) | (b65 << 5);

export const COMPRESSED: CompressedDef[] = [
  // Quadrant 0
  cdef('c.addi4spn', q(0, 0), MASK_Q, (c) => {
    const imm = ((c >> 7) & 0x30) | ((c >> 1) & 0x3c0) | ((c >> 4) & 4) | ((c >> 2) & 8);
    return imm === 0 ? 0 : I(0x13, rdP(c), 0, 2, imm);
  }),
  cdef('c.fld', q(0, 1), MASK_Q, (c) => I(0x07, rdP(c), 3, rs1P(c), uimmLd(c))),
  cdef('c.lw', q(0, 2), MASK_Q, (c) => I(0x03, rdP(c), 2, rs1P(c), uimmLw(c))),
  cdef('c.ld', q(0, 3), MASK_Q, (c) => I(0x03, rdP(c), 3, rs1P(c), uimmLd(c))),
  cdef('c.fsd', q(0, 5), MASK_Q, (c) => S(0x27, 3, rs1P(c), rdP(c), uimmLd(c))),
  cdef('c.sw', q(0, 6), MASK_Q, (c) => S(0x23, 2, rs1P(c), rdP(c), uimmLw(c))),
  cdef('c.sd', q(0, 7), MASK_Q, (c) => S(0x23, 3, rs1P(c), rdP(c), uimmLd(c))),

  // Quadrant 1
  cdef('c.addi', q(1, 0), MASK_Q, (c) => I(0x13, rdFull(c), 0, rdFull(c), imm6(c))),
  cdef('c.addiw', q(1, 1), MASK_Q, (c) => rdFull(c) === 0 ? 0 : I(0x1b, rdFull(c), 0, rdFull(c), imm6(c))),
  cdef('c.li', q(1, 2), MASK_Q, (c) => I(0x13, rdFull(c), 0, 0, imm6(c))),
  cdef('c.lui/c.addi16sp', q(1, 3), MASK_Q, (c) => {
    const r = rdFull(c);
    if (r === 2) {
      const imm = sext(((c >> 3) & 0x200) | ((c >> 2) & 0x10) | ((c << 1) & 0x40) | ((c << 4) & 0x180) | ((c << 3) & 0x20), 10);
      return imm === 0 ? 0 : I(0x13, 2, 0, 2, imm);
    }
    const imm = imm6(c);
    return imm === 0 ? 0 : ((imm & 0xfffff) << 12) | (r << 7) | 0x37;
  }),
  cdef('c.srli', q(1, 4), 0xec03, (c) => Rt(0x13, rs1P(c), 5, rs1P(c), 0, 0) | (shamt6(c) << 20)),
  cdef('c.srai', q(1, 4) | (1 << 10), 0xec03, (c) => Rt(0x13, rs1P(c), 5, rs1P(c), 0, 0x20) | (shamt6(c) << 20)),
  cdef('c.andi', q(1, 4) | (2 << 10), 0xec03, (c) => I(0x13, rs1P(c), 7, rs1P(c), imm6(c))),
  cdef('c.sub', alu(0, 3, 0), MASK_ALU, (c) => Rt(0x33, rs1P(c), 0, rs1P(c), rdP(c), 0x20)),
  cdef('c.xor', alu(0, 3, 1), MASK_ALU, (c) => Rt(0x33, rs1P(c), 4, rs1P(c), rdP(c), 0)),
  cdef('c.or', alu(0, 3, 2), MASK_ALU, (c) => Rt(0x33, rs1P(c), 6, rs1P(c), rdP(c), 0)),
  cdef('c.and', alu(0, 3, 3), MASK_ALU, (c) => Rt(0x33, rs1P(c), 7, rs1P(c), rdP(c), 0)),
  cdef('c.subw', alu(1, 3, 0), MASK_ALU, (c) => Rt(0x3b, rs1P(c), 0, rs1P(c), rdP(c), 0x20)),
  cdef('c.addw', alu(1, 3, 1), MASK_ALU, (c) => Rt(0x3b, rs1P(c), 0, rs1P(c), rdP(c), 0)),
  cdef('c.j', q(1, 5), MASK_Q, (c) => J(0, immJ(c))),
  cdef('c.beqz', q(1, 6), MASK_Q, (c) => B(0, rs1P(c), 0, immB(c))),
  cdef('c.bnez', q(1, 7), MASK_Q, (c) => B(1, rs1P(c), 0, immB(c))),

  // Quadrant 2
  cdef('c.slli', q(2, 0), MASK_Q, (c) => Rt(0x13, rdFull(c), 1, rdFull(c), 0, 0) | (shamt6(c) << 20)),
  cdef('c.fldsp', q(2, 1), MASK_Q, (c) => I(0x07, rdFull(c), 3, 2, uimmLdsp(c))),
  cdef('c.lwsp', q(2, 2), MASK_Q, (c) => rdFull(c) === 0 ? 0 : I(0x03, rdFull(c), 2, 2, uimmLwsp(c))),
  cdef('c.ldsp', q(2, 3), MASK_Q, (c) => rdFull(c) === 0 ? 0 : I(0x03, rdFull(c), 3, 2, uimmLdsp(c))),
  cdef('c.jr/c.mv', q(2, 4), 0xf003, (c) => {
    const r = rdFull(c), s = rs2Full(c);
    if (s !== 0) return Rt(0x33, r, 0, 0, s, 0);       // c.mv: add rd, x0, rs2
    return r === 0 ? 0 : I(0x67, 0, 0, r, 0);           // c.jr: jalr x0, 0(rs1)
  }),
  cdef('c.ebreak/c.jalr/c.add', q(2, 4) | (1 << 12), 0xf003, (c) => {
    const r = rdFull(c), s = rs2Full(c);
    if (s !== 0) return Rt(0x33, r, 0, r, s, 0);       // c.add
    if (r === 0) return 0x00100073;                     // c.ebreak
    return I(0x67, 1, 0, r, 0);                         // c.jalr: jalr x1, 0(rs1)
  }),
  cdef('c.fsdsp', q(2, 5), MASK_Q, (c) => S(0x27, 3, 2, rs2Full(c), uimmSdsp(c))),
  cdef('c.swsp', q(2, 6), MASK_Q, (c) => S(0x23, 2, 2, rs2Full(c), uimmSwsp(c))),
  cdef('c.sdsp', q(2, 7), MASK_Q, (c) => S(0x23, 3, 2, rs2Full(c), uimmSdsp(c))),
];

/** Lookup by the 5 bits quadrant/funct3, most specific mask first. */
const BY_KEY: CompressedDef[][] = [];
for (let k = 0; k < 32; k++) BY_KEY.push([]);
for (const d of COMPRESSED) for (let k = 0; k < 32; k++) {
  const bits = (k & 3) | ((k >> 2) << 13);
  if ((bits & MASK_Q & d.mask) === (d.match & MASK_Q)) BY_KEY[k].push(d);
}
for (const l of BY_KEY) l.sort((a, b) => popcount(b.mask) - popcount(a.mask));

/** The 32-bit instruction a 16-bit one stands for, or 0 when it is reserved/illegal. */
export function expandCompressed(c: number): number {
  c &= 0xffff;
  const list = BY_KEY[(c & 3) | ((c >> 13) << 2)];
  for (const d of list) if ((c & d.mask) === d.match) return d.expand(c) | 0;
  return 0;
}
