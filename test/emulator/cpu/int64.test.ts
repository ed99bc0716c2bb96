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
