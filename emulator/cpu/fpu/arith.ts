// Rounded arithmetic of F and D: add, subtract, multiply, divide, square root and the fused
// multiply-adds. Each operation has a native-double fast path for round-to-nearest-even that
// is taken only where the result and its flags are provably right, and otherwise defers to
// the exact slow path (softfloat.ts). Every function writes rd and returns the raised flags.
//
// Why the fast paths are correct:
// - Doubles: one native operation is the correctly rounded RNE result; exactness (NX) comes
//   from an error-free transformation. Sums are never tiny-and-inexact (a sum below 2^-1022 is
//   a multiple of 2^-1074, hence exact), so add needs no underflow check. Products, quotients
//   and roots stay inside windows where TwoProduct is exact and nothing underflows.
// - Singles: the operation in double then rounded to single is correctly rounded for + - * / sqrt
//   because 53 >= 2*24 + 2; products of singles are exact in double. Tiny results go slow.
// - FMA: Boldo and Melquiond's emulation (IEEE Trans. Computers 57(4), 2008): uh+ul = a*b,
//   th+tl = c+uh, v = RO(tl+ul), z = RN(th+v), with RO (round to odd) built from TwoSum.
//   For singles, RO to 53 bits of the exact a*b+c followed by RN to 24 bits is correct.

import { FLAG_NX, RM_RNE } from './constants';
import { SAFE_MAX, SAFE_MIN, roundToOdd, twoProductErr, twoSumErr } from './eft';
import { FpRegs, bitsD, bitsS, readS, writeBitsD, writeBitsS, writeS } from './regs';
import * as sf from './softfloat';

const MIN_NORMAL_S = 2 ** -126;
/** Below this an FMA result might be tiny or its error terms subnormal: take the slow path. */
const FMA_MIN_RESULT = 2 ** -969;
const FMA_MAX_ADDEND = 2 ** 970;
/** Sums at least this large take the slow path: TwoSum's intermediates are then at the edge of
 *  overflow, and the exact path costs nothing that matters there. */
const ADD_MAX = 2 ** 1023;
const SQRT_MIN = 2 ** -960;
const SQRT_MAX = 2 ** 960;

function slowS(f: FpRegs, rd: number, r: sf.Result): number {
  writeBitsS(f, rd, r.bits);
  return r.flags;
}

function slowD(f: FpRegs, rd: number, r: sf.Result): number {
  writeBitsD(f, rd, r.bits);
  return r.flags;
}

function inProductWindow(v: number): boolean {
  const m = Math.abs(v);
  return m >= SAFE_MIN && m <= SAFE_MAX;
}

/** FADD.D (negate false) and FSUB.D (negate true). */
export function addD(f: FpRegs, rd: number, rs1: number, rs2: number, rm: number, negate: boolean): number {
  if (rm === RM_RNE) {
    const a = f.f64[rs1], b = negate ? -f.f64[rs2] : f.f64[rs2];
    const r = a + b;
    if (Math.abs(r) < ADD_MAX) { // finite, and TwoSum's intermediates cannot overflow
      f.f64[rd] = r;
      return twoSumErr(a, b, r) !== 0 ? FLAG_NX : 0;
    }
  }
  return slowD(f, rd, sf.add(sf.DOUBLE, bitsD(f, rs1), bitsD(f, rs2), rm, negate));
}

export function mulD(f: FpRegs, rd: number, rs1: number, rs2: number, rm: number): number {
  if (rm === RM_RNE) {
    const a = f.f64[rs1], b = f.f64[rs2];
    const r = a * b;
    if (inProductWindow(a) && inProductWindow(b)) {
      f.f64[rd] = r;
      return twoProductErr(a, b, r) !== 0 ? FLAG_NX : 0;
    }
    if ((a === 0 || b === 0) && r === 0) { f.f64[rd] = r; return 0; } // zero times finite
  }
  return slowD(f, rd, sf.mul(sf.DOUBLE, bitsD(f, rs1), bitsD(f, rs2), rm));
}

export function divD(f: FpRegs, rd: number, rs1: number, rs2: number, rm: number): number {
  if (rm === RM_RNE) {
    const a = f.f64[rs1], b = f.f64[rs2];
    const q = a / b;
    if (inProductWindow(q) && inProductWindow(b)) {
      f.f64[rd] = q;
      const p = q * b; // exact quotient iff q*b == a exactly
      return p === a && twoProductErr(q, b, p) === 0 ? 0 : FLAG_NX;
    }
    if (a === 0 && q === 0) { f.f64[rd] = q; return 0; } // zero over nonzero, non-NaN
  }
  return slowD(f, rd, sf.div(sf.DOUBLE, bitsD(f, rs1), bitsD(f, rs2), rm));
}

export function sqrtD(f: FpRegs, rd: number, rs1: number, rm: number): number {
  if (rm === RM_RNE) {
    const a = f.f64[rs1];
    if (a >= SQRT_MIN && a <= SQRT_MAX) {
      const r = Math.sqrt(a);
      f.f64[rd] = r;
      const p = r * r;
      return p === a && twoProductErr(r, r, p) === 0 ? 0 : FLAG_NX;
    }
    if (a === 0) { f.f64[rd] = a; return 0; } // sqrt(±0) = ±0
  }
  return slowD(f, rd, sf.sqrt(sf.DOUBLE, bitsD(f, rs1), rm));
}

/** FADD.S / FSUB.S. */
export function addS(f: FpRegs, rd: number, rs1: number, rs2: number, rm: number, negate: boolean): number {
  if (rm === RM_RNE) {
    const a = readS(f, rs1), b = negate ? -readS(f, rs2) : readS(f, rs2);
    const d = a + b;
    const s = Math.fround(d);
    if (s - s === 0) {
      writeS(f, rd, s);
      return twoSumErr(a, b, d) !== 0 || s !== d ? FLAG_NX : 0;
    }
  }
  return slowS(f, rd, sf.add(sf.SINGLE, bitsS(f, rs1), bitsS(f, rs2), rm, negate));
}

export function mulS(f: FpRegs, rd: number, rs1: number, rs2: number, rm: number): number {
  if (rm === RM_RNE) {
    const d = readS(f, rs1) * readS(f, rs2); // exact
    const s = Math.fround(d);
    if (s - s === 0 && (Math.abs(d) >= MIN_NORMAL_S || d === 0)) {
      writeS(f, rd, s);
      return s !== d ? FLAG_NX : 0;
    }
  }
  return slowS(f, rd, sf.mul(sf.SINGLE, bitsS(f, rs1), bitsS(f, rs2), rm));
}

export function divS(f: FpRegs, rd: number, rs1: number, rs2: number, rm: number): number {
  if (rm === RM_RNE) {
    const a = readS(f, rs1), b = readS(f, rs2);
    const q = a / b;
    const s = Math.fround(q);
    if (s - s === 0 && Math.abs(q) > MIN_NORMAL_S) {
      writeS(f, rd, s);
      return s === q && s * b === a ? 0 : FLAG_NX; // s*b is exact (24 x 24 bits)
    }
    if (q === 0) { writeS(f, rd, q); return 0; } // zero dividend or infinite divisor: exact
  }
  return slowS(f, rd, sf.div(sf.SINGLE, bitsS(f, rs1), bitsS(f, rs2), rm));
}

export function sqrtS(f: FpRegs, rd: number, rs1: number, rm: number): number {
  if (rm === RM_RNE) {
    const a = readS(f, rs1);
    if (a > 0 && a - a === 0) {
      const r = Math.sqrt(a);
      const s = Math.fround(r);
      writeS(f, rd, s);
      return s === r && s * s === a ? 0 : FLAG_NX;
    }
    if (a === 0) { writeS(f, rd, a); return 0; }
  }
  return slowS(f, rd, sf.sqrt(sf.SINGLE, bitsS(f, rs1), rm));
}

/** FMADD.D / FMSUB.D / FNMSUB.D / FNMADD.D: (±rs1*rs2) ± rs3 with one rounding. */
export function fmaD(f: FpRegs, rd: number, rs1: number, rs2: number, rs3: number, rm: number,
  negProduct: boolean, negAddend: boolean): number {
  if (rm === RM_RNE) {
    const a = negProduct ? -f.f64[rs1] : f.f64[rs1];
    const b = f.f64[rs2];
    const c = negAddend ? -f.f64[rs3] : f.f64[rs3];
    if (inProductWindow(a) && inProductWindow(b) && Math.abs(c) <= FMA_MAX_ADDEND) {
      const uh = a * b, ul = twoProductErr(a, b, uh);
      const th = c + uh, tl = twoSumErr(c, uh, th);
      if (ul === 0 && (Math.abs(th) >= FMA_MIN_RESULT || th === 0)) {
        // the product is exact (small integers, powers of two), so c + uh is the one rounding
        // of the exact result (finite: the windows bound both); a sum of doubles is zero only
        // when they cancel exactly, and then IEEE's signed zero is FMA's
        f.f64[rd] = th;
        return tl !== 0 ? FLAG_NX : 0;
      }
      const vs = tl + ul, ve = twoSumErr(tl, ul, vs);
      const v = roundToOdd(vs, ve);
      const z = th + v;
      if (Math.abs(z) >= FMA_MIN_RESULT && z - z === 0) {
        f.f64[rd] = z;
        return ve !== 0 || twoSumErr(th, v, z) !== 0 ? FLAG_NX : 0;
      }
    } else if ((a === 0 || b === 0) && c - c === 0) {
      const p = a * b; // ±0 unless the other factor is infinite or NaN
      if (p === 0) { f.f64[rd] = p + c; return 0; }
    }
  }
  return slowD(f, rd, sf.fma(sf.DOUBLE, bitsD(f, rs1), bitsD(f, rs2), bitsD(f, rs3), rm, negProduct, negAddend));
}

/** FMADD.S and friends. */
export function fmaS(f: FpRegs, rd: number, rs1: number, rs2: number, rs3: number, rm: number,
  negProduct: boolean, negAddend: boolean): number {
  if (rm === RM_RNE) {
    const a = negProduct ? -readS(f, rs1) : readS(f, rs1);
    const c = negAddend ? -readS(f, rs3) : readS(f, rs3);
    const p = a * readS(f, rs2); // exact
    const s = p + c, e = twoSumErr(p, c, s);
    const odd = roundToOdd(s, e);
    const r = Math.fround(odd);
    if (r - r === 0 && (Math.abs(odd) > MIN_NORMAL_S || odd === 0)) {
      writeS(f, rd, r);
      return e !== 0 || r !== odd ? FLAG_NX : 0;
    }
  }
  return slowS(f, rd, sf.fma(sf.SINGLE, bitsS(f, rs1), bitsS(f, rs2), bitsS(f, rs3), rm, negProduct, negAddend));
}
