// The F/D operations that never round: sign injection, minimumNumber/maximumNumber (FMIN,
// FMAX), comparisons, FCLASS and the moves between x and f registers. All read raw bits
// where a NaN's payload or a zero's sign matters.

import { FLAG_NV } from './constants';
import {
  CANONICAL_NAN_D_HI, CANONICAL_NAN_S, FpRegs, isSNaND, isSNaNS, readS, wordS, writeWordS,
} from './regs';

function writeX(x: Int32Array, rd: number, lo: number, hi: number): void {
  if (rd !== 0) { x[2 * rd] = lo; x[2 * rd + 1] = hi; }
}

/** FSGNJ (mode 0), FSGNJN (1), FSGNJX (2) for doubles: rs1's magnitude with a chosen sign. */
export function sgnjD(f: FpRegs, rd: number, rs1: number, rs2: number, mode: number): void {
  const hi1 = f.i32[2 * rs1 + 1], hi2 = f.i32[2 * rs2 + 1];
  const sign = mode === 0 ? hi2 : mode === 1 ? ~hi2 : hi1 ^ hi2;
  f.i32[2 * rd] = f.i32[2 * rs1];
  f.i32[2 * rd + 1] = (hi1 & 0x7fffffff) | (sign & 0x80000000);
}

export function sgnjS(f: FpRegs, rd: number, rs1: number, rs2: number, mode: number): void {
  const w1 = wordS(f, rs1), w2 = wordS(f, rs2);
  const sign = mode === 0 ? w2 : mode === 1 ? ~w2 : w1 ^ w2;
  writeWordS(f, rd, (w1 & 0x7fffffff) | (sign & 0x80000000));
}

/** Which operand FMIN/FMAX picks among two non-NaN values: -0 counts as less than +0. */
function pickFirst(a: number, b: number, aNegative: boolean, isMax: boolean): boolean {
  if (a !== b) return (a < b) !== isMax;
  return aNegative !== isMax;
}

/** FMIN.D / FMAX.D (IEEE 754-2019 minimumNumber/maximumNumber; NV on a signaling NaN). */
export function minMaxD(f: FpRegs, rd: number, rs1: number, rs2: number, isMax: boolean): number {
  const a = f.f64[rs1], b = f.f64[rs2];
  let src: number;
  let flags = 0;
  if (a !== a || b !== b) {
    if (isSNaND(f, rs1) || isSNaND(f, rs2)) flags = FLAG_NV;
    if (a !== a && b !== b) {
      f.i32[2 * rd] = 0;
      f.i32[2 * rd + 1] = CANONICAL_NAN_D_HI;
      return flags;
    }
    src = a !== a ? rs2 : rs1;
  } else {
    src = pickFirst(a, b, f.i32[2 * rs1 + 1] < 0, isMax) ? rs1 : rs2;
  }
  f.i32[2 * rd] = f.i32[2 * src];
  f.i32[2 * rd + 1] = f.i32[2 * src + 1];
  return flags;
}

export function minMaxS(f: FpRegs, rd: number, rs1: number, rs2: number, isMax: boolean): number {
  const a = readS(f, rs1), b = readS(f, rs2);
  let flags = 0;
  let w: number;
  if (a !== a || b !== b) {
    if (isSNaNS(f, rs1) || isSNaNS(f, rs2)) flags = FLAG_NV;
    if (a !== a && b !== b) w = CANONICAL_NAN_S;
    else w = a !== a ? wordS(f, rs2) : wordS(f, rs1);
  } else {
    w = pickFirst(a, b, wordS(f, rs1) < 0, isMax) ? wordS(f, rs1) : wordS(f, rs2);
  }
  writeWordS(f, rd, w);
  return flags;
}

/** Comparison kinds as the rm field of FEQ/FLT/FLE encodes them. */
export const CMP_LE = 0, CMP_LT = 1, CMP_EQ = 2;

/** FEQ (quiet: NV only for a signaling NaN), FLT and FLE (signaling: NV for any NaN). */
function compare(a: number, b: number, kind: number, anySNaN: boolean, x: Int32Array, rd: number): number {
  if (a !== a || b !== b) {
    writeX(x, rd, 0, 0);
    return kind !== CMP_EQ || anySNaN ? FLAG_NV : 0;
  }
  const r = kind === CMP_EQ ? a === b : kind === CMP_LT ? a < b : a <= b;
  writeX(x, rd, r ? 1 : 0, 0);
  return 0;
}

export function compareD(f: FpRegs, rs1: number, rs2: number, kind: number, x: Int32Array, rd: number): number {
  const a = f.f64[rs1], b = f.f64[rs2];
  return compare(a, b, kind, (a !== a || b !== b) && (isSNaND(f, rs1) || isSNaND(f, rs2)), x, rd);
}

export function compareS(f: FpRegs, rs1: number, rs2: number, kind: number, x: Int32Array, rd: number): number {
  const a = readS(f, rs1), b = readS(f, rs2);
  return compare(a, b, kind, (a !== a || b !== b) && (isSNaNS(f, rs1) || isSNaNS(f, rs2)), x, rd);
}

/** FCLASS result bit from sign, exponent-all-ones/zero tests, fraction-nonzero and quiet bit. */
function classify(negative: boolean, expAllOnes: boolean, expZero: boolean, fracNonzero: boolean, quiet: boolean): number {
  if (expAllOnes) {
    if (fracNonzero) return quiet ? 1 << 9 : 1 << 8;
    return negative ? 1 << 0 : 1 << 7;
  }
  if (expZero) {
    if (fracNonzero) return negative ? 1 << 2 : 1 << 5;
    return negative ? 1 << 3 : 1 << 4;
  }
  return negative ? 1 << 1 : 1 << 6;
}

export function classD(f: FpRegs, rs1: number, x: Int32Array, rd: number): void {
  const hi = f.i32[2 * rs1 + 1], lo = f.i32[2 * rs1];
  const exp = (hi >>> 20) & 0x7ff;
  writeX(x, rd, classify(hi < 0, exp === 0x7ff, exp === 0, ((hi & 0xfffff) | lo) !== 0, (hi & 0x80000) !== 0), 0);
}

export function classS(f: FpRegs, rs1: number, x: Int32Array, rd: number): void {
  const w = wordS(f, rs1);
  const exp = (w >>> 23) & 0xff;
  writeX(x, rd, classify(w < 0, exp === 0xff, exp === 0, (w & 0x7fffff) !== 0, (w & 0x400000) !== 0), 0);
}

/** FMV.X.W: the low 32 bits of rs1, as they are (no NaN-box check), sign-extended. */
export function moveXW(f: FpRegs, rs1: number, x: Int32Array, rd: number): void {
  const w = f.i32[2 * rs1];
  writeX(x, rd, w, w >> 31);
}

export function moveXD(f: FpRegs, rs1: number, x: Int32Array, rd: number): void {
  writeX(x, rd, f.i32[2 * rs1], f.i32[2 * rs1 + 1]);
}

/** FMV.W.X: the low 32 bits of x[rs1], NaN-boxed. */
export function moveWX(f: FpRegs, rd: number, x: Int32Array, rs1: number): void {
  writeWordS(f, rd, x[2 * rs1]);
}

export function moveDX(f: FpRegs, rd: number, x: Int32Array, rs1: number): void {
  f.i32[2 * rd] = x[2 * rs1];
  f.i32[2 * rd + 1] = x[2 * rs1 + 1];
}
