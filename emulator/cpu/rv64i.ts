// RV64I base integer instructions (unprivileged spec, chapters 2 and 4): each instruction's
// semantics next to its encoding. Registers are (lo, hi) int32 pairs: x[2n], x[2n+1].
import type { Hart } from './hart';
import { def, enc, InsnDef, MASK_F3, MASK_F6, MASK_F7, MASK_OPCODE, fields } from './decode';

// Module-local bindings for the hot path (see decode.ts `fields`).
const { rd, rs1, rs2, immI, immS, immB, immU, immJ } = fields;

const OP_IMM = 0x13, OP_IMM_32 = 0x1b, OP = 0x33, OP_32 = 0x3b, LOAD = 0x03, STORE = 0x23, BRANCH = 0x63;

/** x[d] = x[s] + sext(imm) (64-bit). */
function addImm(x: Int32Array, d: number, s: number, imm: number): void {
  const alo = x[s];
  const lo = (alo + imm) | 0;
  x[d + 1] = (x[s + 1] + (imm >> 31) + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0;
  x[d] = lo;
}

/** Signed 64-bit a < b. */
function lt(ahi: number, alo: number, bhi: number, blo: number): boolean {
  return ahi < bhi || (ahi === bhi && (alo >>> 0) < (blo >>> 0));
}
/** Unsigned 64-bit a < b. */
function ltu(ahi: number, alo: number, bhi: number, blo: number): boolean {
  return (ahi >>> 0) < (bhi >>> 0) || (ahi === bhi && (alo >>> 0) < (blo >>> 0));
}

function sll(x: Int32Array, d: number, lo: number, hi: number, sh: number): void {
  if (sh === 0) { x[d] = lo; x[d + 1] = hi; } else if (sh < 32) { x[d + 1] = (hi << sh) | (lo >>> (32 - sh)); x[d] = lo << sh; } else { x[d + 1] = lo << (sh - 32); x[d] = 0; }
}
function srl(x: Int32Array, d: number, lo: number, hi: number, sh: number): void {
  if (sh === 0) { x[d] = lo; x[d + 1] = hi; } else if (sh < 32) { x[d] = (lo >>> sh) | (hi << (32 - sh)); x[d + 1] = hi >>> sh; } else { x[d] = hi >>> (sh - 32); x[d + 1] = 0; }
}
function sra(x: Int32Array, d: number, lo: number, hi: number, sh: number): void {
  if (sh === 0) { x[d] = lo; x[d + 1] = hi; } else if (sh < 32) { x[d] = (lo >>> sh) | (hi << (32 - sh)); x[d + 1] = hi >> sh; } else { x[d] = hi >> (sh - 32); x[d + 1] = hi >> 31; }
}

/** Writes a 32-bit result sign-extended to 64 bits. */
function setW(x: Int32Array, d: number, v: number): void { x[d] = v; x[d + 1] = v >> 31; }

/** Writes the value of a double (an exact signed 64-bit value) to x[d]. */
function setNum(x: Int32Array, d: number, v: number): void {
  const hi = Math.floor(v / 4294967296);
  x[d] = (v - hi * 4294967296) | 0; x[d + 1] = hi | 0;
}

/** Writes a pc-relative value (pc + offset, a link) to x[d]: the pc is relative to pcHi (hart.ts). */
function setPcRel(h: Hart, d: number, v: number): void {
  const hi = Math.floor(v / 4294967296);
  const x = h.x;
  x[d] = (v - hi * 4294967296) | 0; x[d + 1] = (hi + h.pcHi) | 0;
}

export const RV64I: InsnDef[] = [
  def('lui', enc(0x37), MASK_OPCODE, (h, i) => setW(h.x, 2 * rd(i), immU(i))),
  def('auipc', enc(0x17), MASK_OPCODE, (h, i) => setPcRel(h, 2 * rd(i), h.pc + immU(i))),
  def('jal', enc(0x6f), MASK_OPCODE, (h, i) => {
    const link = h.nextPc;
    h.nextPc = h.pc + immJ(i);
    setPcRel(h, 2 * rd(i), link);
  }),
  def('jalr', enc(0x67, 0), MASK_F3, (h, i) => {
    const x = h.x, s = 2 * rs1(i), imm = immI(i);
    const alo = x[s], lo = (alo + imm) | 0;
    const hi = (x[s + 1] + (imm >> 31) + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0;
    const link = h.nextPc;
    if (h.pcHi === 0 && ((hi + 0x100000) >>> 21) === 0) {
      // Both ends within ±2^52: plain numbers.
      h.nextPc = hi * 4294967296 + ((lo & ~1) >>> 0);
      setNum(x, 2 * rd(i), link);
    } else {
      setPcRel(h, 2 * rd(i), link);
      h.jumpWords(lo & ~1, hi);
    }
  }),

  def('beq', enc(BRANCH, 0), MASK_F3, (h, i) => { const x = h.x, a = 2 * rs1(i), b = 2 * rs2(i); if (x[a] === x[b] && x[a + 1] === x[b + 1]) h.nextPc = h.pc + immB(i); }),
  def('bne', enc(BRANCH, 1), MASK_F3, (h, i) => { const x = h.x, a = 2 * rs1(i), b = 2 * rs2(i); if (x[a] !== x[b] || x[a + 1] !== x[b + 1]) h.nextPc = h.pc + immB(i); }),
  def('blt', enc(BRANCH, 4), MASK_F3, (h, i) => { const x = h.x, a = 2 * rs1(i), b = 2 * rs2(i); if (lt(x[a + 1], x[a], x[b + 1], x[b])) h.nextPc = h.pc + immB(i); }),
  def('bge', enc(BRANCH, 5), MASK_F3, (h, i) => { const x = h.x, a = 2 * rs1(i), b = 2 * rs2(i); if (!lt(x[a + 1], x[a], x[b + 1], x[b])) h.nextPc = h.pc + immB(i); }),
  def('bltu', enc(BRANCH, 6), MASK_F3, (h, i) => { const x = h.x, a = 2 * rs1(i), b = 2 * rs2(i); if (ltu(x[a + 1], x[a], x[b + 1], x[b])) h.nextPc = h.pc + immB(i); }),
  def('bgeu', enc(BRANCH, 7), MASK_F3, (h, i) => { const x = h.x, a = 2 * rs1(i), b = 2 * rs2(i); if (!ltu(x[a + 1], x[a], x[b + 1], x[b])) h.nextPc = h.pc + immB(i); }),

  def('lb', enc(LOAD, 0), MASK_F3, (h, i) => setW(h.x, 2 * rd(i), (h.lbu(h.addr(rs1(i), immI(i))) << 24) >> 24)),
  def('lh', enc(LOAD, 1), MASK_F3, (h, i) => setW(h.x, 2 * rd(i), (h.lhu(h.addr(rs1(i), immI(i))) << 16) >> 16)),
  def('lw', enc(LOAD, 2), MASK_F3, (h, i) => setW(h.x, 2 * rd(i), h.lw(h.addr(rs1(i), immI(i))))),
  def('ld', enc(LOAD, 3), MASK_F3, (h, i) => { h.ld(h.addr(rs1(i), immI(i))); const d = 2 * rd(i); h.x[d] = h.vlo; h.x[d + 1] = h.vhi; }),
  def('lbu', enc(LOAD, 4), MASK_F3, (h, i) => { const d = 2 * rd(i); h.x[d] = h.lbu(h.addr(rs1(i), immI(i))); h.x[d + 1] = 0; }),
  def('lhu', enc(LOAD, 5), MASK_F3, (h, i) => { const d = 2 * rd(i); h.x[d] = h.lhu(h.addr(rs1(i), immI(i))); h.x[d + 1] = 0; }),
  def('lwu', enc(LOAD, 6), MASK_F3, (h, i) => { const d = 2 * rd(i); h.x[d] = h.lw(h.addr(rs1(i), immI(i))); h.x[d + 1] = 0; }),

  def('sb', enc(STORE, 0), MASK_F3, (h, i) => h.sb(h.addr(rs1(i), immS(i)), h.x[2 * rs2(i)])),
  def('sh', enc(STORE, 1), MASK_F3, (h, i) => h.sh(h.addr(rs1(i), immS(i)), h.x[2 * rs2(i)])),
  def('sw', enc(STORE, 2), MASK_F3, (h, i) => h.sw(h.addr(rs1(i), immS(i)), h.x[2 * rs2(i)])),
  def('sd', enc(STORE, 3), MASK_F3, (h, i) => { const s = 2 * rs2(i); h.sd(h.addr(rs1(i), immS(i)), h.x[s], h.x[s + 1]); }),

  def('addi', enc(OP_IMM, 0), MASK_F3, (h, i) => addImm(h.x, 2 * rd(i), 2 * rs1(i), immI(i))),
  def('slti', enc(OP_IMM, 2), MASK_F3, (h, i) => { const x = h.x, a = 2 * rs1(i), m = immI(i); setW(x, 2 * rd(i), lt(x[a + 1], x[a], m >> 31, m) ? 1 : 0); }),
  def('sltiu', enc(OP_IMM, 3), MASK_F3, (h, i) => { const x = h.x, a = 2 * rs1(i), m = immI(i); setW(x, 2 * rd(i), ltu(x[a + 1], x[a], m >> 31, m) ? 1 : 0); }),
  def('xori', enc(OP_IMM, 4), MASK_F3, (h, i) => { const x = h.x, a = 2 * rs1(i), d = 2 * rd(i), m = immI(i); x[d] = x[a] ^ m; x[d + 1] = x[a + 1] ^ (m >> 31); }),
  def('ori', enc(OP_IMM, 6), MASK_F3, (h, i) => { const x = h.x, a = 2 * rs1(i), d = 2 * rd(i), m = immI(i); x[d] = x[a] | m; x[d + 1] = x[a + 1] | (m >> 31); }),
  def('andi', enc(OP_IMM, 7), MASK_F3, (h, i) => { const x = h.x, a = 2 * rs1(i), d = 2 * rd(i), m = immI(i); x[d] = x[a] & m; x[d + 1] = x[a + 1] & (m >> 31); }),
  def('slli', enc(OP_IMM, 1), MASK_F6, (h, i) => { const x = h.x, a = 2 * rs1(i); sll(x, 2 * rd(i), x[a], x[a + 1], (i >> 20) & 63); }),
  def('srli', enc(OP_IMM, 5), MASK_F6, (h, i) => { const x = h.x, a = 2 * rs1(i); srl(x, 2 * rd(i), x[a], x[a + 1], (i >> 20) & 63); }),
  def('srai', enc(OP_IMM, 5, 0x20), MASK_F6, (h, i) => { const x = h.x, a = 2 * rs1(i); sra(x, 2 * rd(i), x[a], x[a + 1], (i >> 20) & 63); }),

  def('add', enc(OP, 0, 0), MASK_F7, (h, i) => {
    const x = h.x, a = 2 * rs1(i), b = 2 * rs2(i), d = 2 * rd(i);
    const alo = x[a], lo = (alo + x[b]) | 0;
    x[d + 1] = (x[a + 1] + x[b + 1] + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0; x[d] = lo;
  }),
  def('sub', enc(OP, 0, 0x20), MASK_F7, (h, i) => {
    const x = h.x, a = 2 * rs1(i), b = 2 * rs2(i), d = 2 * rd(i);
    const alo = x[a], blo = x[b], lo = (alo - blo) | 0;
    x[d + 1] = (x[a + 1] - x[b + 1] - ((alo >>> 0) < (blo >>> 0) ? 1 : 0)) | 0; x[d] = lo;
  }),
  def('sll', enc(OP, 1, 0), MASK_F7, (h, i) => { const x = h.x, a = 2 * rs1(i); sll(x, 2 * rd(i), x[a], x[a + 1], x[2 * rs2(i)] & 63); }),
  def('slt', enc(OP, 2, 0), MASK_F7, (h, i) => { const x = h.x, a = 2 * rs1(i), b = 2 * rs2(i); setW(x, 2 * rd(i), lt(x[a + 1], x[a], x[b + 1], x[b]) ? 1 : 0); }),
  def('sltu', enc(OP, 3, 0), MASK_F7, (h, i) => { const x = h.x, a = 2 * rs1(i), b = 2 * rs2(i); setW(x, 2 * rd(i), ltu(x[a + 1], x[a], x[b + 1], x[b]) ? 1 : 0); }),
  def('xor', enc(OP, 4, 0), MASK_F7, (h, i) => { const x = h.x, a = 2 * rs1(i), b = 2 * rs2(i), d = 2 * rd(i); x[d] = x[a] ^ x[b]; x[d + 1] = x[a + 1] ^ x[b + 1]; }),
  def('srl', enc(OP, 5, 0), MASK_F7, (h, i) => { const x = h.x, a = 2 * rs1(i); srl(x, 2 * rd(i), x[a], x[a + 1], x[2 * rs2(i)] & 63); }),
  def('sra', enc(OP, 5, 0x20), MASK_F7, (h, i) => { const x = h.x, a = 2 * rs1(i); sra(x, 2 * rd(i), x[a], x[a + 1], x[2 * rs2(i)] & 63); }),
  def('or', enc(OP, 6, 0), MASK_F7, (h, i) => { const x = h.x, a = 2 * rs1(i), b = 2 * rs2(i), d = 2 * rd(i); x[d] = x[a] | x[b]; x[d + 1] = x[a + 1] | x[b + 1]; }),
  def('and', enc(OP, 7, 0), MASK_F7, (h, i) => { const x = h.x, a = 2 * rs1(i), b = 2 * rs2(i), d = 2 * rd(i); x[d] = x[a] & x[b]; x[d + 1] = x[a + 1] & x[b + 1]; }),

  def('addiw', enc(OP_IMM_32, 0), MASK_F3, (h, i) => setW(h.x, 2 * rd(i), (h.x[2 * rs1(i)] + immI(i)) | 0)),
  def('slliw', enc(OP_IMM_32, 1, 0), MASK_F7, (h, i) => setW(h.x, 2 * rd(i), h.x[2 * rs1(i)] << ((i >> 20) & 31))),
  def('srliw', enc(OP_IMM_32, 5, 0), MASK_F7, (h, i) => setW(h.x, 2 * rd(i), h.x[2 * rs1(i)] >>> ((i >> 20) & 31) | 0)),
  def('sraiw', enc(OP_IMM_32, 5, 0x20), MASK_F7, (h, i) => setW(h.x, 2 * rd(i), h.x[2 * rs1(i)] >> ((i >> 20) & 31))),
  def('addw', enc(OP_32, 0, 0), MASK_F7, (h, i) => setW(h.x, 2 * rd(i), (h.x[2 * rs1(i)] + h.x[2 * rs2(i)]) | 0)),
  def('subw', enc(OP_32, 0, 0x20), MASK_F7, (h, i) => setW(h.x, 2 * rd(i), (h.x[2 * rs1(i)] - h.x[2 * rs2(i)]) | 0)),
  def('sllw', enc(OP_32, 1, 0), MASK_F7, (h, i) => setW(h.x, 2 * rd(i), h.x[2 * rs1(i)] << (h.x[2 * rs2(i)] & 31))),
  def('srlw', enc(OP_32, 5, 0), MASK_F7, (h, i) => setW(h.x, 2 * rd(i), (h.x[2 * rs1(i)] >>> (h.x[2 * rs2(i)] & 31)) | 0)),
  def('sraw', enc(OP_32, 5, 0x20), MASK_F7, (h, i) => setW(h.x, 2 * rd(i), h.x[2 * rs1(i)] >> (h.x[2 * rs2(i)] & 31))),

  // FENCE (including FENCE.TSO and PAUSE): harts run one at a time, so memory is always ordered.
  def('fence', enc(0x0f, 0), MASK_F3, () => {}),
];

export { setW, setNum };
