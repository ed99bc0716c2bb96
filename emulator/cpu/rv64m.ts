// M extension (unprivileged spec, chapter 7): multiply and divide, exact in 64 bits through
// int64.ts (16-bit limbs; no BigInt). Division by zero and signed overflow give the
// spec's results (table 7.1), never a trap.
import { def, enc, InsnDef, MASK_F7, fields } from './decode';
import * as int64 from './int64';
import type { Hart } from './hart';

// Module-local bindings for the hot path (see decode.ts `fields`).
const { rd, rs1, rs2 } = fields;
const { div64, mul64, mulh64, mulhsu64, mulhu64, R } = int64;

const OP = 0x33, OP_32 = 0x3b, MULDIV = 1;

/** Applies a 64-bit operation of x[rs1], x[rs2] that leaves its result in R. */
function op64(h: Hart, i: number, f: (alo: number, ahi: number, blo: number, bhi: number) => void): void {
  const x = h.x, a = 2 * rs1(i), b = 2 * rs2(i), d = 2 * rd(i);
  f(x[a], x[a + 1], x[b], x[b + 1]);
  x[d] = R[0]; x[d + 1] = R[1];
}

function setW(h: Hart, i: number, v: number): void {
  const d = 2 * rd(i);
  h.x[d] = v; h.x[d + 1] = v >> 31;
}

const divS = (alo: number, ahi: number, blo: number, bhi: number) => div64(alo, ahi, blo, bhi, true, false);
const divU = (alo: number, ahi: number, blo: number, bhi: number) => div64(alo, ahi, blo, bhi, false, false);
const remS = (alo: number, ahi: number, blo: number, bhi: number) => div64(alo, ahi, blo, bhi, true, true);
const remU = (alo: number, ahi: number, blo: number, bhi: number) => div64(alo, ahi, blo, bhi, false, true);

export const RV64M: InsnDef[] = [
  def('mul', enc(OP, 0, MULDIV), MASK_F7, (h, i) => op64(h, i, mul64)),
  def('mulh', enc(OP, 1, MULDIV), MASK_F7, (h, i) => op64(h, i, mulh64)),
  def('mulhsu', enc(OP, 2, MULDIV), MASK_F7, (h, i) => op64(h, i, mulhsu64)),
  def('mulhu', enc(OP, 3, MULDIV), MASK_F7, (h, i) => op64(h, i, mulhu64)),
  def('div', enc(OP, 4, MULDIV), MASK_F7, (h, i) => op64(h, i, divS)),
  def('divu', enc(OP, 5, MULDIV), MASK_F7, (h, i) => op64(h, i, divU)),
  def('rem', enc(OP, 6, MULDIV), MASK_F7, (h, i) => op64(h, i, remS)),
  def('remu', enc(OP, 7, MULDIV), MASK_F7, (h, i) => op64(h, i, remU)),

  def('mulw', enc(OP_32, 0, MULDIV), MASK_F7, (h, i) => setW(h, i, Math.imul(h.x[2 * rs1(i)], h.x[2 * rs2(i)]))),
  def('divw', enc(OP_32, 4, MULDIV), MASK_F7, (h, i) => {
    const a = h.x[2 * rs1(i)], b = h.x[2 * rs2(i)];
    setW(h, i, b === 0 ? -1 : (a === -0x80000000 && b === -1) ? a : (a / b) | 0);
  }),
  def('divuw', enc(OP_32, 5, MULDIV), MASK_F7, (h, i) => {
    const a = h.x[2 * rs1(i)] >>> 0, b = h.x[2 * rs2(i)] >>> 0;
    setW(h, i, b === 0 ? -1 : Math.floor(a / b) | 0);
  }),
  def('remw', enc(OP_32, 6, MULDIV), MASK_F7, (h, i) => {
    const a = h.x[2 * rs1(i)], b = h.x[2 * rs2(i)];
    setW(h, i, b === 0 ? a : (a === -0x80000000 && b === -1) ? 0 : (a % b) | 0);
  }),
  def('remuw', enc(OP_32, 7, MULDIV), MASK_F7, (h, i) => {
    const a = h.x[2 * rs1(i)] >>> 0, b = h.x[2 * rs2(i)] >>> 0;
    setW(h, i, b === 0 ? a | 0 : (a % b) | 0);
  }),
];
