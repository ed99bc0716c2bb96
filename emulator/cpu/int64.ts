// Exact 64-bit integer arithmetic on (lo, hi) pairs of int32s, without BigInt: the products and
// quotients of the M extension. Results go into a shared scratch pair (R[0] = lo, R[1] = hi) so
// nothing is allocated per instruction. Products use 16-bit limbs, whose partial products are
// exact in doubles; division is word-wise (see divu64).

/** Result of the last operation: R[0] low word, R[1] high word. */
export const R = new Int32Array(2);

const TWO32 = 4294967296;

/** High 32 bits of the unsigned product of two 32-bit words. */
export function mulhu32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

/** Low 64 bits of a * b (same for signed and unsigned). */
export function mul64(alo: number, ahi: number, blo: number, bhi: number): void {
  const hi = (mulhu32(alo, blo) + Math.imul(alo, bhi) + Math.imul(ahi, blo)) | 0;
  R[0] = Math.imul(alo, blo);
  R[1] = hi;
}

const L = new Uint32Array(8);
/** High 64 bits of the unsigned 128-bit product a * b. */
export function mulhu64(alo: number, ahi: number, blo: number, bhi: number): void {
  mulhuLimbs(alo, ahi, blo, bhi);
}

function mulhuLimbs(alo: number, ahi: number, blo: number, bhi: number): void {
  const a0 = alo & 0xffff, a1 = alo >>> 16, a2 = ahi & 0xffff, a3 = ahi >>> 16;
  const b0 = blo & 0xffff, b1 = blo >>> 16, b2 = bhi & 0xffff, b3 = bhi >>> 16;
  // Column sums of 16x16 products; each column < 4 * 2^32 + carry, exact in doubles.
  let c = a0 * b0;
  L[0] = c % 65536; c = Math.floor(c / 65536);
  c += a0 * b1 + a1 * b0;
  L[1] = c % 65536; c = Math.floor(c / 65536);
  c += a0 * b2 + a1 * b1 + a2 * b0;
  L[2] = c % 65536; c = Math.floor(c / 65536);
  c += a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  L[3] = c % 65536; c = Math.floor(c / 65536);
  c += a1 * b3 + a2 * b2 + a3 * b1;
  L[4] = c % 65536; c = Math.floor(c / 65536);
  c += a2 * b3 + a3 * b2;
  L[5] = c % 65536; c = Math.floor(c / 65536);
  c += a3 * b3;
  L[6] = c % 65536; c = Math.floor(c / 65536);
  L[7] = c;
  R[0] = L[4] | (L[5] << 16);
  R[1] = L[6] | (L[7] << 16);
}

/** High 64 bits of a * b with a and b signed (MULH). */
export function mulh64(alo: number, ahi: number, blo: number, bhi: number): void {
  mulhuLimbs(alo, ahi, blo, bhi);
  let lo = R[0], hi = R[1];
  if (ahi < 0) { const t = sub(lo, hi, blo, bhi); lo = t; hi = R[1]; }
  if (bhi < 0) { const t = sub(lo, hi, alo, ahi); lo = t; hi = R[1]; }
  R[0] = lo; R[1] = hi;
}

/** High 64 bits of a * b with a signed and b unsigned (MULHSU). */
export function mulhsu64(alo: number, ahi: number, blo: number, bhi: number): void {
  mulhuLimbs(alo, ahi, blo, bhi);
  if (ahi < 0) { R[0] = sub(R[0], R[1], blo, bhi); }
}

/** a - b; returns lo, leaves hi in R[1]. */
function sub(alo: number, ahi: number, blo: number, bhi: number): number {
  const lo = (alo - blo) | 0;
  const borrow = (alo >>> 0) < (blo >>> 0) ? 1 : 0;
  R[1] = (ahi - bhi - borrow) | 0;
  return lo;
}

/** Signed 64-bit value as a double when exact (|v| < 2^52), else NaN. */
function small(lo: number, hi: number): number {
  if (hi >= -0x100000 && hi < 0x100000) return hi * TWO32 + (lo >>> 0);
  return NaN;
}

function setFromDouble(v: number): void {
  const hi = Math.floor(v / TWO32);
  R[0] = (v - hi * TWO32) | 0;
  R[1] = hi | 0;
}

const Q = new Int32Array(4);
/**
 * Unsigned 64-bit division: quotient in Q[0..1], remainder in Q[2..3]; divisor non-zero.
 * Word-wise, no BigInt, no loop over bits. Cases by the divisor's size:
 * - both operands below 2^52: one double division (exact, see below);
 * - divisor below 2^32: short division of the dividend's 32-bit high word, then two 16-bit
 *   digits of the low word (every partial dividend stays below 2^48);
 * - divisor at or above 2^63: the quotient is 0 or 1;
 * - otherwise the quotient fits in 32 bits: a double estimate, off by at most one, corrected
 *   against the exact 96-bit product of the estimate and the divisor.
 * Math.floor(t / b) is the exact quotient of integers t, b whenever t + b < 2^53: a quotient
 * just below an integer k is at least 1/b below it, more than the division's rounding error
 * (at most k·2^-53).
 */
function divu64(alo: number, ahi: number, blo: number, bhi: number): void {
  const ah = ahi >>> 0, bh = bhi >>> 0;
  if (ah < 0x100000 && bh < 0x100000) {
    const a = ah * TWO32 + (alo >>> 0), b = bh * TWO32 + (blo >>> 0);
    const q = Math.floor(a / b);
    const r = a - q * b;
    setFromDouble(q); Q[0] = R[0]; Q[1] = R[1];
    setFromDouble(r); Q[2] = R[0]; Q[3] = R[1];
    return;
  }
  if (bh === 0) {
    const b = blo >>> 0, al = alo >>> 0;
    const qh = Math.floor(ah / b);
    let r = ah - qh * b;
    let t = r * 65536 + (al >>> 16);
    const q1 = Math.floor(t / b);
    r = t - q1 * b;
    t = r * 65536 + (al & 0xffff);
    const q0 = Math.floor(t / b);
    r = t - q0 * b;
    Q[0] = (q1 * 65536 + q0) | 0; Q[1] = qh | 0; Q[2] = r | 0; Q[3] = 0;
    return;
  }
  if (bh >= 0x80000000) {
    const ge = ah > bh || (ah === bh && (alo >>> 0) >= (blo >>> 0));
    Q[1] = 0;
    if (ge) { Q[0] = 1; Q[2] = sub(alo, ahi, blo, bhi); Q[3] = R[1]; } else { Q[0] = 0; Q[2] = alo; Q[3] = ahi; }
    return;
  }
  // 2^32 <= b < 2^63: quotient < 2^32. The double estimate errs by less than 2^-19.
  let q = Math.floor((ah * TWO32 + (alo >>> 0)) / (bh * TWO32 + (blo >>> 0)));
  if (q > 0xffffffff) q = 0xffffffff;
  // P = q * b exactly, as three words p2:p1:p0.
  let p0 = Math.imul(q, blo);
  const c0 = mulhu32(q, blo) >>> 0;
  const m = Math.imul(q, bhi) >>> 0;
  let p1s = c0 + m;
  let p2 = (mulhu32(q, bhi) >>> 0) + (p1s >= TWO32 ? 1 : 0);
  let p1 = p1s >>> 0;
  // Too big: one step down.
  if (p2 !== 0 || p1 > ah || (p1 === ah && (p0 >>> 0) > (alo >>> 0))) {
    q -= 1;
    const l = (p0 - blo) | 0;
    const borrow = (p0 >>> 0) < (blo >>> 0) ? 1 : 0;
    p1s = p1 - bh - borrow;
    if (p1s < 0) { p1s += TWO32; p2 -= 1; }
    p0 = l; p1 = p1s;
  }
  // r = a - P (fits in 64 bits now); one step up if r >= b.
  let rlo = sub(alo, ahi, p0, p1 | 0), rhi = R[1];
  if ((rhi >>> 0) > bh || ((rhi >>> 0) === bh && (rlo >>> 0) >= (blo >>> 0))) {
    q += 1;
    rlo = sub(rlo, rhi, blo, bhi); rhi = R[1];
  }
  Q[0] = q | 0; Q[1] = 0; Q[2] = rlo; Q[3] = rhi;
}

function neg(lo: number, hi: number): number {
  return sub(0, 0, lo, hi);
}

/** DIV / DIVU / REM / REMU with the RISC-V results for division by zero and overflow. */
export function div64(alo: number, ahi: number, blo: number, bhi: number, signed: boolean, rem: boolean): void {
  if (blo === 0 && bhi === 0) {
    if (rem) { R[0] = alo; R[1] = ahi; } else { R[0] = -1; R[1] = -1; }
    return;
  }
  if (signed) {
    const a = small(alo, ahi), b = small(blo, bhi);
    if (a === a && b === b) {
      const q = Math.trunc(a / b);
      // |a|, |b| < 2^52: a / b rounded cannot cross an integer boundary wrongly by more than one; fix up.
      let qq = q, r = a - qq * b;
      if (r !== 0 && (r < 0) !== (a < 0)) { qq += (a < 0) === (b < 0) ? -1 : 1; r = a - qq * b; }
      if (Math.abs(r) >= Math.abs(b)) { qq += (a < 0) === (b < 0) ? 1 : -1; r = a - qq * b; }
      setFromDouble(rem ? r : qq);
      return;
    }
    if (ahi === -0x80000000 && alo === 0 && blo === -1 && bhi === -1) {
      if (rem) { R[0] = 0; R[1] = 0; } else { R[0] = alo; R[1] = ahi; }
      return;
    }
    const na = ahi < 0, nb = bhi < 0;
    let ualo = alo, uahi = ahi, ublo = blo, ubhi = bhi;
    if (na) { ualo = neg(alo, ahi); uahi = R[1]; }
    if (nb) { ublo = neg(blo, bhi); ubhi = R[1]; }
    divu64(ualo, uahi, ublo, ubhi);
    if (rem) {
      if (na) { R[0] = neg(Q[2], Q[3]); } else { R[0] = Q[2]; R[1] = Q[3]; }
    } else if (na !== nb) { R[0] = neg(Q[0], Q[1]); } else { R[0] = Q[0]; R[1] = Q[1]; }
    return;
  }
  divu64(alo, ahi, blo, bhi);
  if (rem) { R[0] = Q[2]; R[1] = Q[3]; } else { R[0] = Q[0]; R[1] = Q[1]; }
}
