// 64-bit multiply and divide on int32 pairs checked against exact integer arithmetic
// (BigInt here in the test is the oracle; the emulator itself uses none), on edge values
// and a deterministic pseudo-random sample.
import { strict as assert } from 'node:assert';
import { div64, mul64, mulh64, mulhsu64, mulhu64, R } from '../../../emulator/cpu/int64';

const M64 = 1n << 64n;
const u = (v: bigint) => BigInt.asUintN(64, v);
const s = (v: bigint) => BigInt.asIntN(64, v);
const lo = (v: bigint) => Number(BigInt.asIntN(32, v));
const hi = (v: bigint) => Number(BigInt.asIntN(32, v >> 32n));
const result = () => u((BigInt(R[1] >>> 0) << 32n) | BigInt(R[0] >>> 0));

const EDGES = [0n, 1n, 2n, 3n, 7n, 0xffffn, 0x10000n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n,
  0x100000001n, 0xfffffffffffffn, 0x10000000000000n, 0x1fffffffffffffn, 0x7fffffffffffffffn, 0x8000000000000000n,
  0xfffffffffffffffen, 0xffffffffffffffffn, 0x123456789abcdef0n, 0xfedcba9876543210n];

function sample(): bigint[] {
  const out = [...EDGES];
  let x = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < 300; i++) {
    x = u(x * 6364136223846793005n + 1442695040888963407n);
    const shift = BigInt(i % 64);
    out.push(u(x >> shift));
    out.push(u(-(x >> shift)));
  }
  return out;
}

describe('emulator/cpu: exact 64-bit arithmetic', () => {
  const vals = sample();
  it('MUL, MULH, MULHU, MULHSU', () => {
    for (const a of vals) for (const b of vals.slice(0, 60)) {
      mul64(lo(a), hi(a), lo(b), hi(b));
      assert.equal(result(), u(a * b), `mul ${a} ${b}`);
      mulhu64(lo(a), hi(a), lo(b), hi(b));
      assert.equal(result(), u((a * b) >> 64n), `mulhu ${a} ${b}`);
      mulh64(lo(a), hi(a), lo(b), hi(b));
      assert.equal(result(), u((s(a) * s(b)) >> 64n), `mulh ${a} ${b}`);
      mulhsu64(lo(a), hi(a), lo(b), hi(b));
      assert.equal(result(), u((s(a) * b) >> 64n), `mulhsu ${a} ${b}`);
    }
  });

  it('DIV, DIVU, REM, REMU with the spec results for zero and overflow', () => {
    for (const a of vals) for (const b of vals.slice(0, 60)) {
      const [sa, sb] = [s(a), s(b)];
      const divu = b === 0n ? M64 - 1n : a / b;
      const remu = b === 0n ? a : a % b;
      const div = b === 0n ? -1n : (sa === -(1n << 63n) && sb === -1n) ? sa : sa / sb;
      const rem = b === 0n ? sa : (sa === -(1n << 63n) && sb === -1n) ? 0n : sa % sb;
      div64(lo(a), hi(a), lo(b), hi(b), false, false); assert.equal(result(), u(divu), `divu ${a} ${b}`);
      div64(lo(a), hi(a), lo(b), hi(b), false, true); assert.equal(result(), u(remu), `remu ${a} ${b}`);
      div64(lo(a), hi(a), lo(b), hi(b), true, false); assert.equal(result(), u(div), `div ${sa} ${sb}`);
      div64(lo(a), hi(a), lo(b), hi(b), true, true); assert.equal(result(), u(rem), `rem ${sa} ${sb}`);
    }
  });
});

// Word-wise division (issue 15): 1,000,000 random operand pairs spread over every magnitude
// (each operand a random 64-bit value shifted right by a random amount, so every divisor size
// case of divu64 and quotients of every width occur, negated half the time), plus products of
// edges with small offsets (quotient estimates landing exactly on and next to integers).
describe('emulator/cpu: word-wise 64-bit division against BigInt', () => {
  let s0 = 0x12345678, s1 = 0x9abcdef1;
  const next = (): number => { // xorshift64 on two words, low word returned
    let t = s0 ^ (s0 << 23); s0 = s1; s1 = (s1 ^ (s1 >>> 17) ^ t ^ (t >>> 26)) | 0; t = 0; return (s0 + s1) | 0;
  };
  const word = (w: number) => BigInt(w >>> 0);
  function check(a: bigint, b: bigint): void {
    const [sa, sb] = [s(a), s(b)];
    const divu = b === 0n ? M64 - 1n : a / b;
    const remu = b === 0n ? a : a % b;
    const div = b === 0n ? -1n : (sa === -(1n << 63n) && sb === -1n) ? sa : sa / sb;
    const rem = b === 0n ? sa : (sa === -(1n << 63n) && sb === -1n) ? 0n : sa % sb;
    const al = lo(a), ah = hi(a), bl = lo(b), bh = hi(b);
    div64(al, ah, bl, bh, false, false); if (result() !== u(divu)) assert.fail(`divu ${a} / ${b}: ${result()} != ${u(divu)}`);
    div64(al, ah, bl, bh, false, true); if (result() !== u(remu)) assert.fail(`remu ${a} % ${b}: ${result()} != ${u(remu)}`);
    div64(al, ah, bl, bh, true, false); if (result() !== u(div)) assert.fail(`div ${sa} / ${sb}: ${result()} != ${u(div)}`);
    div64(al, ah, bl, bh, true, true); if (result() !== u(rem)) assert.fail(`rem ${sa} % ${sb}: ${result()} != ${u(rem)}`);
  }
  const rand64 = (): bigint => {
    const v = (word(next()) << 32n) | word(next());
    const shift = BigInt((next() >>> 0) % 64);
    const x = v >> shift;
    return (next() & 1) === 0 ? x : u(-x);
  };

  it('1,000,000 random pairs over every magnitude: DIV, DIVU, REM, REMU', function () {
    this.timeout(300_000);
    for (let i = 0; i < 1_000_000; i++) check(rand64(), rand64());
  });

  it('edges: zero, overflow, powers of two and their neighbours, exact multiples and off by one', () => {
    const pts: bigint[] = [...EDGES];
    for (let k = 0n; k < 64n; k++) for (const d of [-1n, 0n, 1n]) pts.push(u((1n << k) + d));
    for (const a of pts) for (const b of pts) check(a, b);
    // a = q*b + r with r in {0, 1, b-1}: the estimate sits on or next to an integer
    for (let i = 0; i < 20000; i++) {
      const b = rand64(), q = u(rand64());
      if (b === 0n) continue;
      for (const r of [0n, 1n, b - 1n]) { const a = q * b + r; if (a < M64) check(a, b); }
    }
  });
});
