// Deterministic operand generators for the F/D oracle tests. Besides uniform bit patterns they
// aim at the hard places: specials, subnormals and the normal/subnormal border, overflow,
// short significands (exact results and rounding ties), cancellation in sums and fused
// multiply-adds, exact quotients and squares, and integer conversion boundaries.
import { FMT_S } from './harness';

/** xorshift128+ reduced to 32-bit outputs; seeded, so every run tests the same vectors. */
export class Rng {
  private s0: number; private s1: number; private s2: number; private s3: number;
  constructor(seed: number) { this.s0 = seed | 1; this.s1 = 0x9e3779b9; this.s2 = 0x7f4a7c15; this.s3 = seed ^ 0x1234567; for (let i = 0; i < 16; i++) this.u32(); }
  u32(): number {
    let t = this.s3;
    const s = this.s0;
    this.s3 = this.s2; this.s2 = this.s1; this.s1 = s;
    t ^= t << 11; t ^= t >>> 8;
    this.s0 = (t ^ s ^ (s >>> 19)) >>> 0;
    return this.s0;
  }
  below(n: number): number { return this.u32() % n; }
  bits(n: number): bigint {
    let v = 0n;
    for (let got = 0; got < n; got += 32) v = (v << 32n) | BigInt(this.u32());
    return v & ((1n << BigInt(n)) - 1n);
  }
  pick<T>(xs: readonly T[]): T { return xs[this.below(xs.length)]; }
}

interface Layout { width: number; fracBits: number; expMax: number; bias: number }
const LAYOUT: Layout[] = [
  { width: 32, fracBits: 23, expMax: 255, bias: 127 },
  { width: 64, fracBits: 52, expMax: 2047, bias: 1023 },
];

export function pack(fmt: number, sign: number, bexp: number, frac: bigint): bigint {
  const l = LAYOUT[fmt];
  return (BigInt(sign) << BigInt(l.width - 1)) | (BigInt(bexp) << BigInt(l.fracBits)) | frac;
}

/** Notable values: zeros, infinities, NaNs (quiet and signaling), border values, small integers. */
export function specials(fmt: number): bigint[] {
  const l = LAYOUT[fmt];
  const F = BigInt(l.fracBits);
  const one = BigInt(l.bias) << F;
  const q = 1n << (F - 1n);
  const pos = [
    0n, pack(fmt, 0, l.expMax, 0n), pack(fmt, 0, l.expMax, q), pack(fmt, 0, l.expMax, 1n), pack(fmt, 0, l.expMax, q | 5n),
    1n, (1n << F) - 1n, 1n << F, (1n << F) + 1n, pack(fmt, 0, l.expMax - 1, (1n << F) - 1n), pack(fmt, 0, l.expMax - 1, 0n),
    one, one + 1n, one - 1n, one + (1n << F), one - (1n << F), one + (1n << F) + (1n << (F - 1n)), 3n << (F - 1n) | one,
  ];
  return [...pos, ...pos.map((b) => b | (1n << BigInt(l.width - 1)))];
}

/** One operand, drawn from a mix of categories. */
export function operand(rng: Rng, fmt: number): bigint {
  const l = LAYOUT[fmt];
  const sign = rng.below(2);
  const frac = rng.bits(l.fracBits);
  switch (rng.below(10)) {
    case 0: return rng.pick(specials(fmt));
    case 1: return rng.bits(l.width); // anything, NaNs included
    case 2: return pack(fmt, sign, rng.below(3), frac); // subnormal and just above
    case 3: return pack(fmt, sign, l.expMax - 1 - rng.below(3), frac); // near overflow
    case 4: { // short significand: exact products, ties
      const keep = 1 + rng.below(l.fracBits);
      return pack(fmt, sign, l.bias - 20 + rng.below(40), frac & ~((1n << BigInt(l.fracBits - keep)) - 1n));
    }
    case 5: return pack(fmt, sign, 1 + rng.below(l.expMax - 1), frac); // any normal
    default: return pack(fmt, sign, l.bias - 30 + rng.below(60), frac); // everyday magnitudes
  }
}

const f32 = new Float32Array(1), w32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1), w64 = new BigUint64Array(f64.buffer);

export function toNumber(bits: bigint, fmt: number): number {
  if (fmt === FMT_S) { w32[0] = Number(bits); return f32[0]; }
  w64[0] = bits; return f64[0];
}
export function fromNumber(v: number, fmt: number): bigint {
  if (fmt === FMT_S) { f32[0] = v; return BigInt(w32[0]); }
  f64[0] = v; return w64[0];
}

/** A value near v in the format: v itself or a few ulps away (bit pattern steps). */
function near(rng: Rng, v: number, fmt: number): bigint {
  const b = fromNumber(v, fmt);
  const step = BigInt(rng.below(5)) - 2n;
  const r = b + step;
  return r < 0n ? b : r;
}

/** Operand pairs/triples for an operation, correlated where that finds the hard cases. */
export function operands(rng: Rng, op: string, fmt: number): [bigint, bigint, bigint] {
  const a = operand(rng, fmt), b = operand(rng, fmt), c = operand(rng, fmt);
  const mode = rng.below(5);
  if (mode === 1) return tieOperands(rng, op, fmt, a, b, c);
  if (mode !== 0) return [a, b, c];
  const av = toNumber(a, fmt), bv = toNumber(b, fmt);
  switch (op) {
    case 'add': case 'sub': { // cancellation and nearby exponents
      const t = near(rng, op === 'add' ? -av : av, fmt);
      return [a, rng.below(2) ? t : fromNumber(av * 2 ** (rng.below(60) - 30), fmt), c];
    }
    case 'div': return [fromNumber(av * bv, fmt), b, c]; // often an exact quotient
    case 'sqrt': return [fromNumber(av * av, fmt), b, c]; // often an exact root
    case 'madd': case 'nmsub': case 'msub': case 'nmadd': {
      const p = av * bv;
      const target = op === 'madd' || op === 'nmadd' ? -p : p; // makes the sum cancel
      return [a, b, near(rng, target, fmt)];
    }
    default: return [a, b, c];
  }
}

/** Operands whose exact result lies halfway between two neighbours (RNE and RMM differ on
 *  about half of them): D + odd half-ulps of D for sums and fused sums, odd subnormals halved
 *  for products and quotients. */
function tieOperands(rng: Rng, op: string, fmt: number, a: bigint, b: bigint, c: bigint): [bigint, bigint, bigint] {
  const l = LAYOUT[fmt];
  const sign = rng.below(2);
  const bigExp = 60 + rng.below(l.expMax - 120);
  const big = pack(fmt, sign, bigExp, rng.bits(l.fracBits));
  const odd = 2 * rng.below(1 << 18) + 1;
  const halfUlp = 2 ** (bigExp - l.bias - l.fracBits - 1);
  const small = fromNumber((rng.below(2) ? -odd : odd) * halfUlp, fmt);
  const oddSubnormal = pack(fmt, rng.below(2), 0, rng.bits(l.fracBits) | 1n);
  const half = fromNumber(rng.below(2) ? 0.5 : -0.5, fmt);
  const two = fromNumber(rng.below(2) ? 2 : -2, fmt);
  switch (op) {
    case 'add': return rng.below(2) ? [big, small, c] : [small, big, c];
    case 'sub': return [big, small ^ (1n << BigInt(l.width - 1)), c];
    case 'mul': return rng.below(2) ? [oddSubnormal, half, c] : [half, oddSubnormal, c];
    case 'div': return [oddSubnormal, two, c];
    case 'madd': case 'nmsub': case 'msub': case 'nmadd': {
      const factor = fromNumber(rng.below(2) ? -odd : odd, fmt);
      const scale = fromNumber(halfUlp, fmt);
      const addend = op === 'madd' || op === 'nmsub' ? big : big ^ (1n << BigInt(l.width - 1));
      return rng.below(2) ? [factor, scale, addend] : [scale, factor, addend];
    }
    default: return [a, b, c];
  }
}

/** Values around the integer conversion boundaries and at halves. */
export function intBoundaryOperand(rng: Rng, fmt: number): bigint {
  const bounds = [0, 1, 2 ** 31, 2 ** 32, 2 ** 63, 2 ** 64, 2 ** 24, 2 ** 53, 0.5, 1.5, 2.5];
  const base = rng.pick(bounds) * (rng.below(2) ? -1 : 1);
  switch (rng.below(4)) {
    case 0: return near(rng, base, fmt);
    case 1: return fromNumber(Math.floor(rng.u32() / 16) + 0.5 * rng.below(2), fmt);
    case 2: return fromNumber(base + (rng.below(7) - 3) * 0.25, fmt);
    default: return operand(rng, fmt);
  }
}

/** 64-bit integers of all widths, including ones with 25 or 54 significant bits (ties). */
export function intOperand(rng: Rng): bigint {
  const width = 1 + rng.below(64);
  let v = rng.bits(64) & ((1n << BigInt(width)) - 1n);
  if (rng.below(3) === 0 && width > 25) {
    const keep = rng.pick([24, 25, 53, 54]);
    if (width > keep) v = (v >> BigInt(width - keep)) << BigInt(width - keep);
    v |= 1n << BigInt(width - 1);
  }
  if (rng.below(2)) v = (-v) & 0xffffffffffffffffn;
  if (rng.below(8) === 0) v = rng.pick([0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0xffffffffffffffffn, 0x8000000000000000n, 0x7fffffffffffffffn]);
  return v;
}
