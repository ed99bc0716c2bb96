// The hart's side of F and D: FLW/FLD/FSW/FSD (FLW NaN-boxes), dispatch of OP-FP and the fused
// multiply-adds to the FPU helper's executeFp, mstatus.FS = Off making all of them illegal,
// and FS = Dirty whenever FP state is written.
import { def, enc, InsnDef, MASK_F3, MASK_OPCODE, fields } from './decode';
import * as fpu from './fpu/fpu';
import type { Hart } from './hart';

// Module-local bindings for the hot path (see decode.ts `fields`).
const { rd, rs1, rs2, immI, immS } = fields;
const { executeFp } = fpu;

const LOAD_FP = 0x07, STORE_FP = 0x27;

function fpOp(h: Hart, i: number): void {
  if (h.csr.fsOff()) h.illegal();
  const r = executeFp(i, h.f, h.x);
  if (r < 0) h.illegal();
  if (r === 1) h.csr.setFsDirty();
}

export const FP_INSNS: InsnDef[] = [
  def('flw', enc(LOAD_FP, 2), MASK_F3, (h, i) => {
    if (h.csr.fsOff()) h.illegal();
    const v = h.lw(h.addr(rs1(i), immI(i)));
    const d = 2 * rd(i);
    h.f.i32[d] = v; h.f.i32[d + 1] = -1;
    h.csr.setFsDirty();
  }),
  def('fld', enc(LOAD_FP, 3), MASK_F3, (h, i) => {
    if (h.csr.fsOff()) h.illegal();
    h.ld(h.addr(rs1(i), immI(i)));
    const d = 2 * rd(i);
    h.f.i32[d] = h.vlo; h.f.i32[d + 1] = h.vhi;
    h.csr.setFsDirty();
  }),
  def('fsw', enc(STORE_FP, 2), MASK_F3, (h, i) => {
    if (h.csr.fsOff()) h.illegal();
    h.sw(h.addr(rs1(i), immS(i)), h.f.i32[2 * rs2(i)]);
  }),
  def('fsd', enc(STORE_FP, 3), MASK_F3, (h, i) => {
    if (h.csr.fsOff()) h.illegal();
    const s = 2 * rs2(i);
    h.sd(h.addr(rs1(i), immS(i)), h.f.i32[s], h.f.i32[s + 1]);
  }),
  def('op-fp', enc(0x53), MASK_OPCODE, fpOp),
  def('fmadd', enc(0x43), MASK_OPCODE, fpOp),
  def('fmsub', enc(0x47), MASK_OPCODE, fpOp),
  def('fnmsub', enc(0x4b), MASK_OPCODE, fpOp),
  def('fnmadd', enc(0x4f), MASK_OPCODE, fpOp),
];
