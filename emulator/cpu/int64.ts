// Exact 64-bit integer arithmetic on (lo, hi) pairs of int32s, without BigInt: the products and
// quotients of the M extension. Results go into a shared scratch pair (R[0] = lo, R[1] = hi) so
// nothing is allocated per instruction. Products use 16-bit limbs, whose partial products are
// exact in doubles; division has an exact double fast path and a shift-subtract slow path.

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
/** Unsigned 64-bit division: quotient in Q[0..1], remainder in Q[2..3]; divisor non-zero. */
function divu64(alo: number, ahi: number, blo: number, bhi: number): void {
  // Fast path: both below 2^52, exact in doubles.
  if (ahi >>> 0 < 0x100000 && bhi >>> 0 < 0x100000) {
    const a = (ahi >>> 0) * TWO32 + (alo >>> 0), b = (bhi >>> 0) * TWO32 + (blo >>> 0);
    let q = Math.floor(a / b);
    let r = a - q * b;
    if (r < 0) { q--; r += b; } else if (r >= b) { q++; r -= b; }
    setFromDouble(q); Q[0] = R[0]; Q[1] = R[1];
    setFromDouble(r); Q[2] = R[0]; Q[3] = R[1];
    return;
  }
  // Restoring shift-subtract, one quotient bit per step.
  let qlo = 0, qhi = 0, rlo = 0, rhi = 0;
  for (let i = 63; i >= 0; i--) {
    rhi = (rhi << 1) | (rlo >>> 31);
    rlo = (rlo << 1) | (i >= 32 ? (ahi >>> (i - 32)) & 1 : (alo >>> i) & 1);
    const ge = (rhi >>> 0) > (bhi >>> 0) || ((rhi >>> 0) === (bhi >>> 0) && (rlo >>> 0) >= (blo >>> 0));
    if (ge) {
      rlo = sub(rlo, rhi, blo, bhi); rhi = R[1];
      if (i >= 32) qhi |= 1 << (i - 32); else qlo |= 1 << i;
    }
  }
  Q[0] = qlo; Q[1] = qhi; Q[2] = rlo; Q[3] = rhi;
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
