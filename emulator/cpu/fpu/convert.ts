// FCVT between S and D, from S/D to W/WU/L/LU and back, for RV64. Float-to-integer rounds
// natively in every mode (rounding a double to an integer is exact work for doubles) and
// saturates per the spec's table: NaN and too-large values give the largest integer, too-small
// values the smallest, with NV and without NX. W and WU results are sign-extended to 64 bits.

import { FLAG_NV, FLAG_NX, RM_RDN, RM_RNE, RM_RTZ, RM_RUP } from './constants';
import { twoSumErr } from './eft';
import { FpRegs, bitsD, bitsS, readS, writeBitsD, writeBitsS, writeS } from './regs';
import * as sf from './softfloat';

/** Integer kinds, numbered as the rs2 field of FCVT encodes them. */
export const INT_W = 0, INT_WU = 1, INT_L = 2, INT_LU = 3;

const TWO32 = 4294967296;
const MIN_NORMAL_S = 2 ** -126;

/** v rounded to an integer by rm (v finite or infinite; NaN gives NaN). */
function roundToInteger(v: number, rm: number): number {
  switch (rm) {
    case RM_RNE: {
      const fl = Math.floor(v);
      const frac = v - fl; // exact
      return frac > 0.5 || (frac === 0.5 && fl % 2 !== 0) ? fl + 1 : fl;
    }
    case RM_RTZ: return Math.trunc(v);
    case RM_RDN: return Math.floor(v);
    case RM_RUP: return Math.ceil(v);
    default: { // RMM: ties away from zero
      const t = Math.trunc(v);
      return Math.abs(v - t) >= 0.5 ? t + Math.sign(v) : t;
    }
  }
}

/** Lowest and highest value of each integer kind, as doubles (bounds exclusive above). */
const LOW = [-(2 ** 31), 0, -(2 ** 63), 0];
const HIGH_EXCLUSIVE = [2 ** 31, 2 ** 32, 2 ** 63, 2 ** 64];
/** Saturated results as (low word, high word). */
const MAX_LO = [0x7fffffff, -1, -1, -1];
const MAX_HI = [0, -1, 0x7fffffff, -1];
const MIN_LO = [0x80000000 | 0, 0, 0, 0];
const MIN_HI = [-1, 0, 0x80000000 | 0, 0];

function writeX(x: Int32Array, rd: number, lo: number, hi: number): void {
  if (rd !== 0) { x[2 * rd] = lo; x[2 * rd + 1] = hi; }
}

/** FCVT.{W,WU,L,LU}.{S,D}: v is the source value (NaN for any NaN or unboxed single). */
export function floatToInt(v: number, kind: number, rm: number, x: Int32Array, rd: number): number {
  const r = roundToInteger(v, rm);
  if (r !== r || r >= HIGH_EXCLUSIVE[kind]) { writeX(x, rd, MAX_LO[kind], MAX_HI[kind]); return FLAG_NV; }
  if (r < LOW[kind]) { writeX(x, rd, MIN_LO[kind], MIN_HI[kind]); return FLAG_NV; }
  if (kind <= INT_WU) {
    const lo = r | 0;
    writeX(x, rd, lo, lo >> 31); // 32-bit result sign-extended, also for WU
  } else {
    const hi = Math.floor(r / TWO32);
    writeX(x, rd, (r - hi * TWO32) | 0, hi | 0);
  }
  return r !== v ? FLAG_NX : 0;
}

/** The source integer of FCVT.{S,D}.{W,WU,L,LU} as a double, possibly rounded (RNE) when
 *  it has more than 53 bits; intErr receives the rounding error (0 when exact). */
let intErr = 0;
function intAsDouble(x: Int32Array, rs: number, kind: number): number {
  const lo = x[2 * rs];
  intErr = 0;
  switch (kind) {
    case INT_W: return lo;
    case INT_WU: return lo >>> 0;
    default: {
      const high = (kind === INT_L ? x[2 * rs + 1] : x[2 * rs + 1] >>> 0) * TWO32; // exact
      const low = lo >>> 0;
      const v = high + low;
      intErr = twoSumErr(high, low, v);
      return v;
    }
  }
}

function intAsBigInt(x: Int32Array, rs: number, kind: number): bigint {
  const lo = BigInt(x[2 * rs] >>> 0);
  switch (kind) {
    case INT_W: return BigInt(x[2 * rs]);
    case INT_WU: return lo;
    case INT_L: return (BigInt(x[2 * rs + 1]) << 32n) | lo;
    default: return (BigInt(x[2 * rs + 1] >>> 0) << 32n) | lo;
  }
}

/** FCVT.D.{W,WU,L,LU}. */
export function intToD(f: FpRegs, rd: number, x: Int32Array, rs: number, kind: number, rm: number): number {
  const v = intAsDouble(x, rs, kind);
  if (intErr === 0 || rm === RM_RNE) {
    f.f64[rd] = v;
    return intErr !== 0 ? FLAG_NX : 0;
  }
  const r = sf.fromInteger(sf.DOUBLE, intAsBigInt(x, rs, kind), rm);
  writeBitsD(f, rd, r.bits);
  return r.flags;
}

/** FCVT.S.{W,WU,L,LU}. */
export function intToS(f: FpRegs, rd: number, x: Int32Array, rs: number, kind: number, rm: number): number {
  const v = intAsDouble(x, rs, kind);
  if (intErr === 0) {
    const s = Math.fround(v);
    if (s === v || rm === RM_RNE) {
      writeS(f, rd, s);
      return s !== v ? FLAG_NX : 0;
    }
  }
  const r = sf.fromInteger(sf.SINGLE, intAsBigInt(x, rs, kind), rm);
  writeBitsS(f, rd, r.bits);
  return r.flags;
}

/** FCVT.S.D. */
export function doubleToSingle(f: FpRegs, rd: number, rs: number, rm: number): number {
  const d = f.f64[rs];
  if (rm === RM_RNE) {
    const s = Math.fround(d);
    if (s - s === 0 && (Math.abs(d) >= MIN_NORMAL_S || d === 0)) {
      writeS(f, rd, s);
      return s !== d ? FLAG_NX : 0;
    }
  }
  const r = sf.convert(sf.DOUBLE, sf.SINGLE, bitsD(f, rs), rm);
  writeBitsS(f, rd, r.bits);
  return r.flags;
}

/** FCVT.D.S: exact; only NaNs need the bits (sNaN raises NV, the result is canonical). */
export function singleToDouble(f: FpRegs, rd: number, rs: number, rm: number): number {
  const v = readS(f, rs);
  if (v === v) { f.f64[rd] = v; return 0; }
  const r = sf.convert(sf.SINGLE, sf.DOUBLE, bitsS(f, rs), rm);
  writeBitsD(f, rd, r.bits);
  return r.flags;
}
