// Exact IEEE 754 binary32/binary64 arithmetic on raw bit patterns, with every rounding mode
// and exact exception flags, as RISC-V's F and D extensions define them. This is the slow path:
// the executor uses it for directed rounding, specials, overflow, underflow and anything its
// native-double fast paths cannot prove exact. BigInt is fine here and nowhere else.
//
// Representation: a finite nonzero value is sign, integer significand m > 0 and exponent e,
// worth (-1)^sign * m * 2^e. Every operation first computes the exact result (or the exact
// result truncated with a sticky bit below p+2 significant bits), then roundPack rounds it
// once. Tininess is detected after rounding (RISC-V unprivileged spec, "F" chapter, which
// follows IEEE 754-2008 §7.5 with the after-rounding choice); UF is raised when tiny and inexact.

import { FLAG_DZ, FLAG_NV, FLAG_NX, FLAG_OF, FLAG_UF, RM_RDN, RM_RMM, RM_RNE, RM_RTZ, RM_RUP } from './constants';

/** An IEEE 754 binary interchange format. */
export interface Format {
  readonly width: number;      // total bits
  readonly p: number;          // significand precision, hidden bit included
  readonly ebits: number;      // exponent field width
  readonly bias: number;
  readonly emin: number;       // exponent of the smallest normal
  readonly canonicalNaN: bigint;
}

export const SINGLE: Format = { width: 32, p: 24, ebits: 8, bias: 127, emin: -126, canonicalNaN: 0x7fc00000n };
export const DOUBLE: Format = { width: 64, p: 53, ebits: 11, bias: 1023, emin: -1022, canonicalNaN: 0x7ff8000000000000n };

/** Bits of the result and the exception flags the operation raised. */
export interface Result { bits: bigint; flags: number }

export const enum Kind { Zero, Finite, Inf, QNaN, SNaN }

export interface Unpacked { kind: Kind; sign: number; m: bigint; e: number }

/** Splits a bit pattern into kind, sign and (for finite nonzero values) m * 2^e. */
export function unpack(fmt: Format, bits: bigint): Unpacked {
  const fracBits = fmt.p - 1;
  const sign = Number((bits >> BigInt(fmt.width - 1)) & 1n);
  const expAll = (1 << fmt.ebits) - 1;
  const bexp = Number((bits >> BigInt(fracBits)) & BigInt(expAll));
  const frac = bits & ((1n << BigInt(fracBits)) - 1n);
  if (bexp === expAll) {
    if (frac === 0n) return { kind: Kind.Inf, sign, m: 0n, e: 0 };
    const quiet = (frac >> BigInt(fracBits - 1)) & 1n;
    return { kind: quiet ? Kind.QNaN : Kind.SNaN, sign, m: 0n, e: 0 };
  }
  if (bexp === 0) {
    if (frac === 0n) return { kind: Kind.Zero, sign, m: 0n, e: 0 };
    return { kind: Kind.Finite, sign, m: frac, e: fmt.emin - fracBits };
  }
  return { kind: Kind.Finite, sign, m: frac | (1n << BigInt(fracBits)), e: bexp - fmt.bias - fracBits };
}

function isNan(u: Unpacked): boolean { return u.kind === Kind.QNaN || u.kind === Kind.SNaN; }

/** The canonical NaN, with NV when any operand is signaling (or when `invalid` says so). */
function nanResult(fmt: Format, invalid: boolean, ...ops: Unpacked[]): Result {
  const nv = invalid || ops.some((u) => u.kind === Kind.SNaN);
  return { bits: fmt.canonicalNaN, flags: nv ? FLAG_NV : 0 };
}

function signBit(fmt: Format, sign: number): bigint { return BigInt(sign) << BigInt(fmt.width - 1); }

function infinity(fmt: Format, sign: number): bigint {
  return signBit(fmt, sign) | (BigInt((1 << fmt.ebits) - 1) << BigInt(fmt.p - 1));
}

function zero(fmt: Format, sign: number): bigint { return signBit(fmt, sign); }

/** Sign of an exact zero sum of operands with different signs: +0, except -0 when rounding down. */
function cancelSign(rm: number): number { return rm === RM_RDN ? 1 : 0; }

export function bitLength(m: bigint): number {
  // Number of significant bits of m > 0. toString(2) is plenty fast for a slow path.
  return m.toString(2).length;
}

/** Whether the last roundShift discarded nonzero bits (a second result without allocating). */
let lastInexact = false;

/** Rounds m / 2^k to an integer by rm (sign is the value's sign). Sets lastInexact. */
function roundShift(m: bigint, k: number, sign: number, rm: number): bigint {
  if (k <= 0) { lastInexact = false; return m << BigInt(-k); }
  const K = BigInt(k);
  let q = m >> K;
  const rem = m & ((1n << K) - 1n);
  lastInexact = rem !== 0n;
  if (!lastInexact) return q;
  const half = 1n << (K - 1n);
  switch (rm) {
    case RM_RNE: if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n; break;
    case RM_RTZ: break;
    case RM_RDN: if (sign) q += 1n; break;
    case RM_RUP: if (!sign) q += 1n; break;
    case RM_RMM: if (rem >= half) q += 1n; break;
  }
  return q;
}

/** Rounds (-1)^sign * m * 2^e to fmt by rm: the one rounding of every operation. m > 0 is exact,
 *  or (quotients, roots) has at least p+3 bits with a sticky bit as its lowest: always below
 *  the round bit, so ties and inexactness come out right. */
export function roundPack(fmt: Format, sign: number, m: bigint, e: number, rm: number): Result {
  const p = fmt.p;
  const n = bitLength(m);
  const top = e + n - 1; // exponent of the leading bit of the exact value
  // Tiny after rounding: rounded to p bits with an unbounded exponent, still below 2^emin?
  let tiny = top < fmt.emin - 1;
  if (top === fmt.emin - 1) {
    const q = roundShift(m, n - p, sign, rm);
    tiny = n - p <= 0 || q < (1n << BigInt(p));
  }
  let lsb = Math.max(top - p + 1, fmt.emin - p + 1);
  let q = roundShift(m, lsb - e, sign, rm);
  const inexact = lastInexact;
  let flags = inexact ? FLAG_NX : 0;
  if (tiny && inexact) flags |= FLAG_UF;
  if (q === (1n << BigInt(p))) { q >>= 1n; lsb += 1; }
  const hidden = 1n << BigInt(p - 1);
  if (q < hidden) return { bits: signBit(fmt, sign) | q, flags }; // subnormal or zero
  const biased = lsb + p - 1 + fmt.bias;
  if (biased >= (1 << fmt.ebits) - 1) {
    const toInf = rm === RM_RNE || rm === RM_RMM || (rm === RM_RUP && !sign) || (rm === RM_RDN && sign);
    const maxFinite = signBit(fmt, sign) | (BigInt((1 << fmt.ebits) - 2) << BigInt(p - 1)) | (hidden - 1n);
    return { bits: toInf ? infinity(fmt, sign) : maxFinite, flags: FLAG_OF | FLAG_NX };
  }
  return { bits: signBit(fmt, sign) | (BigInt(biased) << BigInt(p - 1)) | (q - hidden), flags };
}

/** Exact sum of two finite nonzero values, rounded; exact cancellation gives a signed zero. */
function addFinite(fmt: Format, a: Unpacked, b: Unpacked, rm: number): Result {
  const e = Math.min(a.e, b.e);
  const ma = (a.sign ? -a.m : a.m) << BigInt(a.e - e);
  const mb = (b.sign ? -b.m : b.m) << BigInt(b.e - e);
  const s = ma + mb;
  if (s === 0n) return { bits: zero(fmt, cancelSign(rm)), flags: 0 };
  return s < 0n ? roundPack(fmt, 1, -s, e, rm) : roundPack(fmt, 0, s, e, rm);
}

/** The sum of two zeros: the common sign if they agree, otherwise by the rounding mode. */
function zeroSum(fmt: Format, sa: number, sb: number, rm: number): Result {
  return { bits: zero(fmt, sa === sb ? sa : cancelSign(rm)), flags: 0 };
}

function repack(fmt: Format, u: Unpacked, rm: number): Result {
  return roundPack(fmt, u.sign, u.m, u.e, rm); // exact for a value already in fmt
}

export function add(fmt: Format, aBits: bigint, bBits: bigint, rm: number, negateB = false): Result {
  const a = unpack(fmt, aBits), b = unpack(fmt, bBits);
  if (negateB) b.sign ^= 1;
  if (isNan(a) || isNan(b)) return nanResult(fmt, false, a, b);
  if (a.kind === Kind.Inf || b.kind === Kind.Inf) {
    if (a.kind === Kind.Inf && b.kind === Kind.Inf && a.sign !== b.sign) return nanResult(fmt, true);
    return { bits: infinity(fmt, a.kind === Kind.Inf ? a.sign : b.sign), flags: 0 };
  }
  if (a.kind === Kind.Zero && b.kind === Kind.Zero) return zeroSum(fmt, a.sign, b.sign, rm);
  if (a.kind === Kind.Zero) return repack(fmt, b, rm);
  if (b.kind === Kind.Zero) return repack(fmt, a, rm);
  return addFinite(fmt, a, b, rm);
}

export function mul(fmt: Format, aBits: bigint, bBits: bigint, rm: number): Result {
  const a = unpack(fmt, aBits), b = unpack(fmt, bBits);
  if (isNan(a) || isNan(b)) return nanResult(fmt, false, a, b);
  const sign = a.sign ^ b.sign;
  if (a.kind === Kind.Inf || b.kind === Kind.Inf) {
    if (a.kind === Kind.Zero || b.kind === Kind.Zero) return nanResult(fmt, true);
    return { bits: infinity(fmt, sign), flags: 0 };
  }
  if (a.kind === Kind.Zero || b.kind === Kind.Zero) return { bits: zero(fmt, sign), flags: 0 };
  return roundPack(fmt, sign, a.m * b.m, a.e + b.e, rm);
}

export function div(fmt: Format, aBits: bigint, bBits: bigint, rm: number): Result {
  const a = unpack(fmt, aBits), b = unpack(fmt, bBits);
  if (isNan(a) || isNan(b)) return nanResult(fmt, false, a, b);
  const sign = a.sign ^ b.sign;
  if (a.kind === Kind.Inf) {
    if (b.kind === Kind.Inf) return nanResult(fmt, true);
    return { bits: infinity(fmt, sign), flags: 0 };
  }
  if (b.kind === Kind.Inf) return { bits: zero(fmt, sign), flags: 0 };
  if (b.kind === Kind.Zero) {
    if (a.kind === Kind.Zero) return nanResult(fmt, true);
    return { bits: infinity(fmt, sign), flags: FLAG_DZ };
  }
  if (a.kind === Kind.Zero) return { bits: zero(fmt, sign), flags: 0 };
  // Quotient with at least p+2 significant bits, remainder folded into a sticky bit.
  const k = Math.max(0, fmt.p + 3 + bitLength(b.m) - bitLength(a.m));
  const num = a.m << BigInt(k);
  const q = num / b.m;
  const sticky = num % b.m !== 0n ? 1n : 0n;
  return roundPack(fmt, sign, (q << 1n) | sticky, a.e - b.e - k - 1, rm);
}

/** Integer square root (floor) of n >= 0 by Newton's method. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function sqrt(fmt: Format, aBits: bigint, rm: number): Result {
  const a = unpack(fmt, aBits);
  if (isNan(a)) return nanResult(fmt, false, a);
  if (a.kind === Kind.Zero) return { bits: zero(fmt, a.sign), flags: 0 };
  if (a.sign) return nanResult(fmt, true);
  if (a.kind === Kind.Inf) return { bits: infinity(fmt, 0), flags: 0 };
  // Radicand with at least 2(p+2) bits and an even exponent.
  let k = Math.max(0, 2 * (fmt.p + 3) - bitLength(a.m));
  if (((a.e - k) & 1) !== 0) k += 1;
  const n = a.m << BigInt(k);
  const r = isqrt(n);
  const sticky = r * r !== n ? 1n : 0n;
  return roundPack(fmt, 0, (r << 1n) | sticky, (a.e - k) / 2 - 1, rm);
}

/** (±a*b) ± c with one rounding. negProduct/negAddend select FMSUB, FNMSUB, FNMADD. */
export function fma(fmt: Format, aBits: bigint, bBits: bigint, cBits: bigint, rm: number,
  negProduct: boolean, negAddend: boolean): Result {
  const a = unpack(fmt, aBits), b = unpack(fmt, bBits), c = unpack(fmt, cBits);
  const infTimesZero = (a.kind === Kind.Inf && b.kind === Kind.Zero) || (a.kind === Kind.Zero && b.kind === Kind.Inf);
  // The spec requires NV for inf*0 even when the addend is a quiet NaN.
  if (isNan(a) || isNan(b) || isNan(c)) return nanResult(fmt, infTimesZero, a, b, c);
  if (infTimesZero) return nanResult(fmt, true);
  const ps = a.sign ^ b.sign ^ (negProduct ? 1 : 0);
  const cs = c.sign ^ (negAddend ? 1 : 0);
  if (a.kind === Kind.Inf || b.kind === Kind.Inf) {
    if (c.kind === Kind.Inf && cs !== ps) return nanResult(fmt, true);
    return { bits: infinity(fmt, ps), flags: 0 };
  }
  if (c.kind === Kind.Inf) return { bits: infinity(fmt, cs), flags: 0 };
  const productZero = a.kind === Kind.Zero || b.kind === Kind.Zero;
  if (productZero && c.kind === Kind.Zero) return zeroSum(fmt, ps, cs, rm);
  if (productZero) return roundPack(fmt, cs, c.m, c.e, rm);
  const p: Unpacked = { kind: Kind.Finite, sign: ps, m: a.m * b.m, e: a.e + b.e };
  if (c.kind === Kind.Zero) return roundPack(fmt, p.sign, p.m, p.e, rm);
  return addFinite(fmt, p, { kind: Kind.Finite, sign: cs, m: c.m, e: c.e }, rm);
}

/** Converts between formats (FCVT.S.D, FCVT.D.S). */
export function convert(from: Format, to: Format, bits: bigint, rm: number): Result {
  const a = unpack(from, bits);
  if (isNan(a)) return nanResult(to, false, a);
  if (a.kind === Kind.Inf) return { bits: infinity(to, a.sign), flags: 0 };
  if (a.kind === Kind.Zero) return { bits: zero(to, a.sign), flags: 0 };
  return roundPack(to, a.sign, a.m, a.e, rm);
}

/** Converts an integer (exact, any size) to fmt. */
export function fromInteger(fmt: Format, v: bigint, rm: number): Result {
  if (v === 0n) return { bits: 0n, flags: 0 };
  return v < 0n ? roundPack(fmt, 1, -v, 0, rm) : roundPack(fmt, 0, v, 0, rm);
}
