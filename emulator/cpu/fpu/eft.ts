// Error-free transformations on native doubles, used by the fast paths to prove a rounded
// result exact (or not) without BigInt: TwoSum (Knuth), TwoProduct via Veltkamp splitting
// (Dekker), and rounding to odd. Preconditions are stated per function; the executor checks
// them (operand magnitude windows) and takes the exact slow path otherwise.

/** Error of r = RN(a + b): a + b == r + twoSumErr(a, b, r) exactly, for any finite a, b, r. */
export function twoSumErr(a: number, b: number, r: number): number {
  const bv = r - a;
  const av = r - bv;
  return (a - av) + (b - bv);
}

const SPLITTER = 134217729; // 2^27 + 1

/** Error of r = RN(a * b): a * b == r + twoProductErr(a, b, r) exactly, provided |a|, |b| lie in
 *  [2^-480, 2^480] (no overflow in splitting; the error term is representable, not subnormal). */
export function twoProductErr(a: number, b: number, r: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b), bl = b - bh;
  return ((ah * bh - r) + ah * bl + al * bh) + al * bl;
}

/** Smallest and largest magnitudes for which twoProductErr is exact. */
export const SAFE_MIN = 2 ** -480;
export const SAFE_MAX = 2 ** 480;

const scratch = new Float64Array(1);
const scratchWords = new Int32Array(scratch.buffer);

/** Round-to-odd of the exact value r + err, where r = RN(exact) and err the (exact) error:
 *  when inexact and r's last significand bit is even, step one ulp toward the exact value.
 *  r must be finite and nonzero when err is nonzero (always so for r = RN(x + y)). */
export function roundToOdd(r: number, err: number): number {
  if (err === 0) return r;
  scratch[0] = r;
  const lo = scratchWords[0];
  if ((lo & 1) !== 0) return r;
  // Same sign as r: away from zero (bits + 1); opposite: toward zero (bits - 1).
  if ((err > 0) === (r > 0)) {
    scratchWords[0] = lo + 1; // even, so no carry
  } else {
    scratchWords[0] = lo - 1;
    if (lo === 0) scratchWords[1] -= 1; // borrow
  }
  return scratch[0];
}
