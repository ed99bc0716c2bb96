// The F and D extensions of an RV64 hart: decodes one OP-FP (0x53) or fused multiply-add
// (0x43/0x47/0x4b/0x4f) instruction and runs it. The CPU owns loads/stores, the fcsr CSRs,
// mstatus.FS and dirty marking; this file owns everything else of F and D.
//
// Encodings (RISC-V unprivileged spec, "F" and "D" chapters, and the opcode map):
//   OP-FP:  funct5[31:27] fmt[26:25] rs2[24:20] rs1[19:15] rm[14:12] rd[11:7] 1010011
//   R4:     rs3[31:27]    fmt[26:25] rs2        rs1        rm        rd       opcode
// fmt 0 = S, 1 = D; H (2) and Q (3) are not implemented and decode as illegal.

import { sgnjD, sgnjS, minMaxD, minMaxS, compareD, compareS, classD, classS, moveXW, moveXD, moveWX, moveDX } from './bitops';
import { addD, addS, divD, divS, fmaD, fmaS, mulD, mulS, sqrtD, sqrtS } from './arith';
import { doubleToSingle, floatToInt, intToD, intToS, singleToDouble } from './convert';
import { RM_DYN, RM_RMM } from './constants';
import { FpRegs, readS } from './regs';

export { FpRegs } from './regs';

const ILLEGAL = -1;

/** The effective rounding mode, or -1 when reserved (5, 6) or DYN with an invalid frm. */
function roundingMode(rm: number, f: FpRegs): number {
  const mode = rm === RM_DYN ? f.frm : rm;
  return mode <= RM_RMM ? mode : -1;
}

/** Accumulates flags; returns 1 when they changed anything the CPU must mark dirty. */
function xResult(f: FpRegs, flags: number): number {
  if (flags === 0) return 0;
  f.fflags |= flags;
  return 1;
}

/** Executes one instruction of opcode 0x53 (OP-FP) or 0x43/0x47/0x4b/0x4f (FMADD/FMSUB/FNMSUB/FNMADD).
 *  x: the hart's integer registers, Int32Array(64), register n low word at x[2n], high at x[2n+1];
 *  never write x[0]/x[1] (x0). Returns -1: illegal instruction (unknown encoding, reserved rm,
 *  or dynamic rm with frm 5..7); 1: f registers or fflags were written; 0: only x was written. */
export function executeFp(insn: number, f: FpRegs, x: Int32Array): number {
  const opcode = insn & 0x7f;
  const fmt = (insn >>> 25) & 3;
  if (fmt > 1) return ILLEGAL;
  if (opcode === 0x53) return executeOpFp(insn, fmt === 1, f, x);
  if ((opcode & 0x73) !== 0x43) return ILLEGAL;
  return executeFused(insn, opcode, fmt === 1, f);
}

/** FMADD (0x43), FMSUB (0x47), FNMSUB (0x4b), FNMADD (0x4f). */
function executeFused(insn: number, opcode: number, double: boolean, f: FpRegs): number {
  const rm = roundingMode((insn >>> 12) & 7, f);
  if (rm < 0) return ILLEGAL;
  const rd = (insn >>> 7) & 31, rs1 = (insn >>> 15) & 31, rs2 = (insn >>> 20) & 31, rs3 = insn >>> 27;
  const negProduct = opcode === 0x4b || opcode === 0x4f;
  const negAddend = opcode === 0x47 || opcode === 0x4f;
  f.fflags |= double
    ? fmaD(f, rd, rs1, rs2, rs3, rm, negProduct, negAddend)
    : fmaS(f, rd, rs1, rs2, rs3, rm, negProduct, negAddend);
  return 1;
}

function executeOpFp(insn: number, double: boolean, f: FpRegs, x: Int32Array): number {
  const rd = (insn >>> 7) & 31, rs1 = (insn >>> 15) & 31, rs2 = (insn >>> 20) & 31;
  const rmField = (insn >>> 12) & 7;
  const funct5 = insn >>> 27;
  switch (funct5) {
    case 0x00: // FADD
    case 0x01: // FSUB
    case 0x02: // FMUL
    case 0x03: { // FDIV
      const rm = roundingMode(rmField, f);
      if (rm < 0) return ILLEGAL;
      let flags: number;
      if (funct5 <= 0x01) flags = double ? addD(f, rd, rs1, rs2, rm, funct5 === 1) : addS(f, rd, rs1, rs2, rm, funct5 === 1);
      else if (funct5 === 0x02) flags = double ? mulD(f, rd, rs1, rs2, rm) : mulS(f, rd, rs1, rs2, rm);
      else flags = double ? divD(f, rd, rs1, rs2, rm) : divS(f, rd, rs1, rs2, rm);
      f.fflags |= flags;
      return 1;
    }
    case 0x0b: { // FSQRT
      const rm = roundingMode(rmField, f);
      if (rm < 0 || rs2 !== 0) return ILLEGAL;
      f.fflags |= double ? sqrtD(f, rd, rs1, rm) : sqrtS(f, rd, rs1, rm);
      return 1;
    }
    case 0x04: // FSGNJ, FSGNJN, FSGNJX
      if (rmField > 2) return ILLEGAL;
      if (double) sgnjD(f, rd, rs1, rs2, rmField); else sgnjS(f, rd, rs1, rs2, rmField);
      return 1;
    case 0x05: // FMIN, FMAX
      if (rmField > 1) return ILLEGAL;
      f.fflags |= double ? minMaxD(f, rd, rs1, rs2, rmField === 1) : minMaxS(f, rd, rs1, rs2, rmField === 1);
      return 1;
    case 0x08: { // FCVT.S.D (fmt S, rs2 1), FCVT.D.S (fmt D, rs2 0)
      const rm = roundingMode(rmField, f);
      if (rm < 0 || rs2 !== (double ? 0 : 1)) return ILLEGAL;
      f.fflags |= double ? singleToDouble(f, rd, rs1, rm) : doubleToSingle(f, rd, rs1, rm);
      return 1;
    }
    case 0x14: // FLE (rm 0), FLT (1), FEQ (2)
      if (rmField > 2) return ILLEGAL;
      return xResult(f, double ? compareD(f, rs1, rs2, rmField, x, rd) : compareS(f, rs1, rs2, rmField, x, rd));
    case 0x18: { // FCVT.{W,WU,L,LU}.fmt
      const rm = roundingMode(rmField, f);
      if (rm < 0 || rs2 > 3) return ILLEGAL;
      return xResult(f, floatToInt(double ? f.f64[rs1] : readS(f, rs1), rs2, rm, x, rd));
    }
    case 0x1a: { // FCVT.fmt.{W,WU,L,LU}
      const rm = roundingMode(rmField, f);
      if (rm < 0 || rs2 > 3) return ILLEGAL;
      f.fflags |= double ? intToD(f, rd, x, rs1, rs2, rm) : intToS(f, rd, x, rs1, rs2, rm);
      return 1;
    }
    case 0x1c: // FMV.X.W/D (rm 0), FCLASS (rm 1)
      if (rs2 !== 0 || rmField > 1) return ILLEGAL;
      if (rmField === 1) { if (double) classD(f, rs1, x, rd); else classS(f, rs1, x, rd); }
      else if (double) moveXD(f, rs1, x, rd); else moveXW(f, rs1, x, rd);
      return 0;
    case 0x1e: // FMV.W.X / FMV.D.X
      if (rs2 !== 0 || rmField !== 0) return ILLEGAL;
      if (double) moveDX(f, rd, x, rs1); else moveWX(f, rd, x, rs1);
      return 1;
    default:
      return ILLEGAL;
  }
}
