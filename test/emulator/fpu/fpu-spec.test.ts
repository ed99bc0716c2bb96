// F and D behaviour where RISC-V differs from other IEEE 754 hosts or adds its own rules,
// with expected values computed by hand from the RISC-V unprivileged spec ("F" and "D"
// chapters): NaN boxing, canonical NaNs, FMIN/FMAX, quiet vs signaling compares, FCLASS,
// the float-to-integer saturation table, tininess after rounding, FMA's inf*0 rule, moves,
// illegal encodings and rounding-mode selection.
import { strict as assert } from 'node:assert';
import { FMT_D, FMT_S, FUNCT5, Hart, R4_OPCODE, opFp, opR4 } from './harness';

const NV = 16, DZ = 8, OF = 4, UF = 2, NX = 1;
const D_ONE = 0x3ff0000000000000n, D_TWO = 0x4000000000000000n, D_MONE = 0xbff0000000000000n;
const D_QNAN = 0x7ff8000000000000n, D_SNAN = 0x7ff0000000000001n, D_PAYLOAD_QNAN = 0x7ff800000000beefn;
const D_INF = 0x7ff0000000000000n, D_NINF = 0xfff0000000000000n, D_NZERO = 0x8000000000000000n;
const D_MAX = 0x7fefffffffffffffn, D_MIN_NORMAL = 0x0010000000000000n;
const S_ONE = 0x3f800000n, S_QNAN = 0x7fc00000n, S_SNAN = 0x7f800001n, S_NZERO = 0x80000000n;
const BOX = 0xffffffff00000000n;

function run(h: Hart, insn: number): number { h.f.fflags = 0; return h.exec(insn); }

/** Runs a two-operand OP-FP op on f1, f2 into f3; returns [raw f3, fflags]. */
function binary(funct5: number, fmt: number, a: bigint, b: bigint, rm = 0, raw = false): [bigint, number] {
  const h = new Hart();
  if (raw) { h.setRawF(1, a); h.setRawF(2, b); } else { h.setF(1, a, fmt); h.setF(2, b, fmt); }
  assert.equal(run(h, opFp(funct5, fmt, 3, 1, 2, rm)), 1);
  return [h.rawF(3), h.f.fflags];
}

/** Float-to-integer conversion of a double: [x result, fflags]. */
function toInt(kind: number, a: bigint, rm: number, fmt = FMT_D): [bigint, number] {
  const h = new Hart();
  h.setF(1, a, fmt);
  run(h, opFp(FUNCT5.cvtToInt, fmt, 10, 1, kind, rm));
  return [h.getX(10), h.f.fflags];
}

function fma(op: string, fmt: number, a: bigint, b: bigint, c: bigint, rm = 0): [bigint, number] {
  const h = new Hart();
  h.setF(1, a, fmt); h.setF(2, b, fmt); h.setF(3, c, fmt);
  assert.equal(run(h, opR4(R4_OPCODE[op], fmt, 4, 1, 2, 3, rm)), 1);
  return [h.rawF(4), h.f.fflags];
}

function dbl(v: number): bigint { const b = new BigUint64Array(new Float64Array([v]).buffer); return b[0]; }

describe('emulator/fpu: RISC-V specific F/D rules (hand-computed from the spec)', () => {
  describe('NaN boxing', () => {
    it('an improperly boxed single operand reads as the canonical NaN', () => {
      // f1 holds 1.0f with a zero upper word: not boxed, so 1.0f + 1.0f is NaN, not 2.0f.
      assert.deepEqual(binary(FUNCT5.add, FMT_S, 0x3f800000n, BOX | S_ONE, 0, true), [BOX | S_QNAN, 0]);
    });
    it('single results are boxed with all-ones upper bits', () => {
      assert.deepEqual(binary(FUNCT5.add, FMT_S, S_ONE, S_ONE), [BOX | 0x40000000n, 0]);
    });
    it('FSGNJ.S treats an unboxed input as the canonical NaN and injects the sign', () => {
      // fsgnjn.s f3, f1, f2 with f1 unboxed and f2 = +1: sign of NOT(+) = negative.
      assert.deepEqual(binary(FUNCT5.sgnj, FMT_S, 0x12345678n, BOX | S_ONE, 1, true), [BOX | 0xffc00000n, 0]);
    });
    it('FCLASS.S of an unboxed value is quiet NaN (bit 9)', () => {
      const h = new Hart();
      h.setRawF(1, 0x000000003f800000n);
      assert.equal(run(h, opFp(FUNCT5.mvx, FMT_S, 5, 1, 0, 1)), 0);
      assert.equal(h.getX(5), 1n << 9n);
    });
    it('FMV.X.W moves the low 32 bits as they are (no box check), sign-extended', () => {
      const h = new Hart();
      h.setRawF(1, 0x00000000cafef00dn);
      assert.equal(run(h, opFp(FUNCT5.mvx, FMT_S, 5, 1, 0, 0)), 0);
      assert.equal(h.getX(5), 0xffffffffcafef00dn);
    });
    it('FMV.W.X boxes; FMV.D.X and FMV.X.D move 64 bits, signaling NaNs untouched', () => {
      const h = new Hart();
      h.setX(7, 0x123456787f800001n);
      assert.equal(run(h, opFp(FUNCT5.mvf, FMT_S, 2, 7, 0, 0)), 1);
      assert.equal(h.rawF(2), BOX | 0x7f800001n);
      h.setX(8, 0x7ff0000000000001n);
      run(h, opFp(FUNCT5.mvf, FMT_D, 3, 8, 0, 0));
      assert.equal(h.rawF(3), 0x7ff0000000000001n);
      run(h, opFp(FUNCT5.mvx, FMT_D, 9, 3, 0, 0));
      assert.equal(h.getX(9), 0x7ff0000000000001n);
      assert.equal(h.f.fflags, 0);
    });
    it('FCVT.D.S of a NaN-boxed single is exact; of an unboxed one, the canonical NaN', () => {
      const h = new Hart();
      h.setF(1, 0x3fc00000n, FMT_S); // 1.5f
      run(h, opFp(FUNCT5.cvtff, FMT_D, 2, 1, 0, 0));
      assert.equal(h.rawF(2), 0x3ff8000000000000n);
      h.setRawF(1, 0x3fc00000n);
      run(h, opFp(FUNCT5.cvtff, FMT_D, 2, 1, 0, 0));
      assert.deepEqual([h.rawF(2), h.f.fflags], [D_QNAN, 0]);
    });
  });

  describe('canonical NaN results', () => {
    it('arithmetic never propagates a payload or sign', () => {
      assert.deepEqual(binary(FUNCT5.add, FMT_D, D_PAYLOAD_QNAN | D_NZERO, D_ONE), [D_QNAN, 0]);
      assert.deepEqual(binary(FUNCT5.mul, FMT_D, D_SNAN, D_ONE), [D_QNAN, NV]);
      assert.deepEqual(binary(FUNCT5.add, FMT_D, D_INF, D_NINF), [D_QNAN, NV]);
      assert.deepEqual(binary(FUNCT5.add, FMT_S, 0x7fc0abcdn, S_ONE), [BOX | S_QNAN, 0]);
    });
    it('FCVT.S.D and FCVT.D.S give canonical NaNs; sNaN raises NV', () => {
      const h = new Hart();
      h.setF(1, D_SNAN | D_NZERO, FMT_D);
      run(h, opFp(FUNCT5.cvtff, FMT_S, 2, 1, 1, 0));
      assert.deepEqual([h.rawF(2), h.f.fflags], [BOX | S_QNAN, NV]);
      h.setF(1, 0xffc01234n, FMT_S);
      run(h, opFp(FUNCT5.cvtff, FMT_D, 2, 1, 0, 0));
      assert.deepEqual([h.rawF(2), h.f.fflags], [D_QNAN, 0]);
    });
    it('sign injection is not arithmetic: payloads pass through', () => {
      assert.deepEqual(binary(FUNCT5.sgnj, FMT_D, D_PAYLOAD_QNAN, D_NZERO, 0), [D_PAYLOAD_QNAN | D_NZERO, 0]);
      assert.deepEqual(binary(FUNCT5.sgnj, FMT_D, D_MONE, D_MONE, 2), [D_ONE, 0]); // xor of two negatives
      assert.deepEqual(binary(FUNCT5.sgnj, FMT_D, D_ONE, D_ONE, 1), [D_MONE, 0]);
    });
  });

  describe('FMIN/FMAX (minimumNumber/maximumNumber)', () => {
    const MIN = 0, MAX = 1;
    it('-0 is less than +0, in either operand order', () => {
      assert.deepEqual(binary(FUNCT5.minmax, FMT_D, 0n, D_NZERO, MIN), [D_NZERO, 0]);
      assert.deepEqual(binary(FUNCT5.minmax, FMT_D, D_NZERO, 0n, MIN), [D_NZERO, 0]);
      assert.deepEqual(binary(FUNCT5.minmax, FMT_D, 0n, D_NZERO, MAX), [0n, 0]);
      assert.deepEqual(binary(FUNCT5.minmax, FMT_S, S_NZERO, 0n, MAX), [BOX, 0]);
    });
    it('one NaN: the other operand; NV only for a signaling NaN', () => {
      assert.deepEqual(binary(FUNCT5.minmax, FMT_D, D_QNAN, D_TWO, MIN), [D_TWO, 0]);
      assert.deepEqual(binary(FUNCT5.minmax, FMT_D, D_TWO, D_SNAN, MAX), [D_TWO, NV]);
      assert.deepEqual(binary(FUNCT5.minmax, FMT_S, S_SNAN, S_ONE, MIN), [BOX | S_ONE, NV]);
    });
    it('two NaNs: the canonical NaN', () => {
      assert.deepEqual(binary(FUNCT5.minmax, FMT_D, D_PAYLOAD_QNAN, D_PAYLOAD_QNAN, MAX), [D_QNAN, 0]);
      assert.deepEqual(binary(FUNCT5.minmax, FMT_S, S_SNAN, S_QNAN, MIN), [BOX | S_QNAN, NV]);
    });
    it('ordinary values', () => {
      assert.deepEqual(binary(FUNCT5.minmax, FMT_D, D_MONE, D_TWO, MIN), [D_MONE, 0]);
      assert.deepEqual(binary(FUNCT5.minmax, FMT_D, D_MONE, D_TWO, MAX), [D_TWO, 0]);
      assert.deepEqual(binary(FUNCT5.minmax, FMT_D, D_NINF, D_MAX, MAX), [D_MAX, 0]);
    });
  });

  describe('comparisons', () => {
    function cmp(kind: number, fmt: number, a: bigint, b: bigint): [bigint, number, number] {
      const h = new Hart();
      h.setF(1, a, fmt); h.setF(2, b, fmt);
      const ret = run(h, opFp(FUNCT5.cmp, fmt, 5, 1, 2, kind));
      return [h.getX(5), h.f.fflags, ret];
    }
    const LE = 0, LT = 1, EQ = 2;
    it('FEQ is quiet: NV only for signaling NaNs', () => {
      assert.deepEqual(cmp(EQ, FMT_D, D_QNAN, D_QNAN), [0n, 0, 0]);
      assert.deepEqual(cmp(EQ, FMT_D, D_SNAN, D_ONE), [0n, NV, 1]);
      assert.deepEqual(cmp(EQ, FMT_S, S_QNAN, S_ONE), [0n, 0, 0]);
    });
    it('FLT and FLE signal on any NaN', () => {
      assert.deepEqual(cmp(LT, FMT_D, D_QNAN, D_ONE), [0n, NV, 1]);
      assert.deepEqual(cmp(LE, FMT_S, S_ONE, S_QNAN), [0n, NV, 1]);
    });
    it('-0 equals +0; ordering', () => {
      assert.deepEqual(cmp(EQ, FMT_D, D_NZERO, 0n), [1n, 0, 0]);
      assert.deepEqual(cmp(LT, FMT_D, D_NZERO, 0n), [0n, 0, 0]);
      assert.deepEqual(cmp(LE, FMT_D, D_NZERO, 0n), [1n, 0, 0]);
      assert.deepEqual(cmp(LT, FMT_D, D_MONE, D_ONE), [1n, 0, 0]);
      assert.deepEqual(cmp(LE, FMT_S, 0x40000000n, S_ONE), [0n, 0, 0]);
    });
  });

  describe('FCLASS', () => {
    const cases: [bigint, number][] = [
      [D_NINF, 0], [D_MONE, 1], [0x800000000000000fn, 2], [D_NZERO, 3], [0n, 4],
      [0x000000000000000fn, 5], [D_ONE, 6], [D_INF, 7], [D_SNAN, 8], [D_QNAN, 9],
    ];
    for (const [bits, bit] of cases) {
      it(`FCLASS.D ${bits.toString(16)} sets bit ${bit}`, () => {
        const h = new Hart();
        h.setF(1, bits, FMT_D);
        assert.equal(run(h, opFp(FUNCT5.mvx, FMT_D, 5, 1, 0, 1)), 0);
        assert.equal(h.getX(5), 1n << BigInt(bit));
      });
    }
    it('FCLASS.S covers the single classes', () => {
      const s: [bigint, number][] = [[0xff800000n, 0], [0xbf800000n, 1], [0x80000001n, 2], [S_NZERO, 3], [0n, 4], [0x00000001n, 5], [S_ONE, 6], [0x7f800000n, 7], [S_SNAN, 8], [S_QNAN, 9]];
      for (const [bits, bit] of s) {
        const h = new Hart();
        h.setF(1, bits, FMT_S);
        run(h, opFp(FUNCT5.mvx, FMT_S, 5, 1, 0, 1));
        assert.equal(h.getX(5), 1n << BigInt(bit), bits.toString(16));
      }
    });
  });

  describe('float-to-integer saturation (the spec table)', () => {
    const W = 0, WU = 1, L = 2, LU = 3, RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;
    it('NaN converts to the largest integer with NV', () => {
      assert.deepEqual(toInt(W, D_QNAN, RTZ), [0x7fffffffn, NV]);
      assert.deepEqual(toInt(WU, D_QNAN, RTZ), [0xffffffffffffffffn, NV]); // 2^32-1, sign-extended
      assert.deepEqual(toInt(L, D_QNAN, RTZ), [0x7fffffffffffffffn, NV]);
      assert.deepEqual(toInt(LU, D_SNAN, RTZ), [0xffffffffffffffffn, NV]);
      assert.deepEqual(toInt(W, 0xffc00000n, RTZ, FMT_S), [0x7fffffffn, NV]); // negative NaN too
    });
    it('infinities and out-of-range values clip, with NV and without NX', () => {
      assert.deepEqual(toInt(W, D_INF, RNE), [0x7fffffffn, NV]);
      assert.deepEqual(toInt(W, D_NINF, RNE), [0xffffffff80000000n, NV]);
      assert.deepEqual(toInt(WU, D_NINF, RNE), [0n, NV]);
      assert.deepEqual(toInt(WU, D_MONE, RNE), [0n, NV]);
      assert.deepEqual(toInt(L, dbl(2 ** 63), RTZ), [0x7fffffffffffffffn, NV]);
      assert.deepEqual(toInt(L, dbl(-(2 ** 63)), RTZ), [0x8000000000000000n, 0]);
      assert.deepEqual(toInt(LU, dbl(2 ** 64), RTZ), [0xffffffffffffffffn, NV]);
      assert.deepEqual(toInt(LU, dbl(-0.5), RNE), [0n, NX]); // rounds to 0: in range
      assert.deepEqual(toInt(LU, dbl(-0.75), RNE), [0n, NV]); // rounds to -1: out of range
    });
    it('range is judged after rounding', () => {
      assert.deepEqual(toInt(W, dbl(-2147483648.5), RTZ), [0xffffffff80000000n, NX]);
      assert.deepEqual(toInt(W, dbl(-2147483648.5), RDN), [0xffffffff80000000n, NV]);
      assert.deepEqual(toInt(W, dbl(2147483647.5), RNE), [0x7fffffffn, NV]); // ties to even: 2^31
      assert.deepEqual(toInt(W, dbl(2147483647.5), RTZ), [0x7fffffffn, NX]);
    });
    it('W and WU results are sign-extended from 32 bits', () => {
      assert.deepEqual(toInt(WU, dbl(3e9), RTZ), [0xffffffffb2d05e00n, 0]);
      assert.deepEqual(toInt(W, dbl(-7.5), RMM), [0xfffffffffffffff8n, NX]);
    });
    it('each rounding mode', () => {
      const v = dbl(-2.5);
      assert.deepEqual([RNE, RTZ, RDN, RUP, RMM].map((rm) => toInt(L, v, rm)[0]),
        [0xfffffffffffffffen, 0xfffffffffffffffen, 0xfffffffffffffffdn, 0xfffffffffffffffen, 0xfffffffffffffffdn]);
      assert.deepEqual(toInt(L, dbl(2 ** 62 + 2 ** 10), RNE), [0x4000000000000400n, 0]);
    });
    it('never writes x0', () => {
      const h = new Hart();
      h.setF(1, D_QNAN, FMT_D);
      run(h, opFp(FUNCT5.cvtToInt, FMT_D, 0, 1, 0, 1));
      assert.deepEqual([h.x[0], h.x[1], h.f.fflags], [0, 0, NV]);
      run(h, opFp(FUNCT5.cmp, FMT_D, 0, 1, 1, 1));
      run(h, opFp(FUNCT5.mvx, FMT_D, 0, 1, 0, 0));
      assert.deepEqual([h.x[0], h.x[1]], [0, 0]);
    });
  });

  describe('rounding, flags and fused operations', () => {
    it('tininess is detected after rounding: same result, different UF', () => {
      // 2^-1022 - 2^-1077: below 2^-1022, but rounded to 53 bits with an unbounded exponent it
      // is 2^-1022, so it is not tiny: NX only. 2^-1022 - 3*2^-1077 rounds (53 bits) to
      // 2^-1022 - 2^-1075, tiny; the subnormal result is 2^-1022 all the same: UF and NX.
      assert.deepEqual(fma('madd', FMT_D, dbl(-(2 ** -500)), dbl(2 ** -577), D_MIN_NORMAL), [D_MIN_NORMAL, NX]);
      assert.deepEqual(fma('madd', FMT_D, dbl(-3 * 2 ** -500), dbl(2 ** -577), D_MIN_NORMAL), [D_MIN_NORMAL, UF | NX]);
    });
    it('an exact subnormal result raises no UF', () => {
      assert.deepEqual(binary(FUNCT5.mul, FMT_D, D_MIN_NORMAL, dbl(0.5)), [0x0008000000000000n, 0]);
    });
    it('FMA raises NV for inf*0 even with a quiet NaN addend', () => {
      assert.deepEqual(fma('madd', FMT_D, D_INF, 0n, D_QNAN), [D_QNAN, NV]);
      assert.deepEqual(fma('nmsub', FMT_S, 0n, 0xff800000n, S_QNAN), [BOX | S_QNAN, NV]);
      assert.deepEqual(fma('madd', FMT_D, D_ONE, D_ONE, D_QNAN), [D_QNAN, 0]);
    });
    it('FMA is fused: one rounding', () => {
      // (1 + 2^-52)(1 - 2^-52) - 1 = -2^-104 exactly; unfused it would be 0.
      assert.deepEqual(fma('msub', FMT_D, 0x3ff0000000000001n, 0x3feffffffffffffen, D_ONE), [dbl(-(2 ** -104)), 0]);
      assert.deepEqual(fma('nmadd', FMT_D, D_TWO, D_TWO, D_ONE), [dbl(-5), 0]);
      assert.deepEqual(fma('nmsub', FMT_D, D_TWO, D_TWO, D_ONE), [dbl(-3), 0]);
    });
    it('exact zero sums are +0, except -0 when rounding down', () => {
      assert.deepEqual(binary(FUNCT5.sub, FMT_D, D_ONE, D_ONE, 0), [0n, 0]);
      assert.deepEqual(binary(FUNCT5.sub, FMT_D, D_ONE, D_ONE, 2), [D_NZERO, 0]);
      assert.deepEqual(fma('madd', FMT_D, D_ONE, D_ONE, D_MONE, 2), [D_NZERO, 0]);
      assert.deepEqual(binary(FUNCT5.add, FMT_D, D_NZERO, D_NZERO, 0), [D_NZERO, 0]);
    });
    it('overflow: infinity or the largest finite value by rounding mode', () => {
      assert.deepEqual(binary(FUNCT5.mul, FMT_D, D_MAX, D_TWO, 0), [D_INF, OF | NX]);
      assert.deepEqual(binary(FUNCT5.mul, FMT_D, D_MAX, D_TWO, 1), [D_MAX, OF | NX]);
      assert.deepEqual(binary(FUNCT5.mul, FMT_D, D_MAX | D_NZERO, D_TWO, 3), [D_MAX | D_NZERO, OF | NX]);
      assert.deepEqual(binary(FUNCT5.mul, FMT_D, D_MAX | D_NZERO, D_TWO, 2), [D_NINF, OF | NX]);
    });
    it('division by zero and square roots of negatives', () => {
      assert.deepEqual(binary(FUNCT5.div, FMT_D, D_MONE, 0n), [D_NINF, DZ]);
      assert.deepEqual(binary(FUNCT5.div, FMT_D, 0n, 0n), [D_QNAN, NV]);
      const h = new Hart();
      h.setF(1, D_NZERO, FMT_D);
      run(h, opFp(FUNCT5.sqrt, FMT_D, 2, 1, 0, 0));
      assert.deepEqual([h.rawF(2), h.f.fflags], [D_NZERO, 0]);
      h.setF(1, D_MONE, FMT_D);
      run(h, opFp(FUNCT5.sqrt, FMT_D, 2, 1, 0, 0));
      assert.deepEqual([h.rawF(2), h.f.fflags], [D_QNAN, NV]);
    });
    it('RMM rounds ties away from zero where RNE rounds to even', () => {
      // 1 + 2^-53 is halfway between 1 and 1 + 2^-52.
      assert.deepEqual(binary(FUNCT5.add, FMT_D, D_ONE, dbl(2 ** -53), 0), [D_ONE, NX]);
      assert.deepEqual(binary(FUNCT5.add, FMT_D, D_ONE, dbl(2 ** -53), 4), [D_ONE + 1n, NX]);
      assert.deepEqual(binary(FUNCT5.add, FMT_D, D_MONE, dbl(-(2 ** -53)), 4), [D_MONE + 1n, NX]);
    });
    it('dynamic rounding takes frm; flags accumulate', () => {
      const h = new Hart();
      h.setF(1, D_ONE, FMT_D); h.setF(2, dbl(3 * 2 ** -54), FMT_D);
      h.f.frm = 1; // RTZ
      h.f.fflags = DZ;
      assert.equal(h.exec(opFp(FUNCT5.add, FMT_D, 3, 1, 2, 7)), 1);
      assert.deepEqual([h.rawF(3), h.f.fflags], [D_ONE, DZ | NX]);
      h.f.frm = 3; // RUP
      h.exec(opFp(FUNCT5.add, FMT_D, 3, 1, 2, 7));
      assert.equal(h.rawF(3), D_ONE + 1n);
    });
    it('destination may equal a source', () => {
      const h = new Hart();
      h.setF(1, D_TWO, FMT_D);
      run(h, opFp(FUNCT5.mul, FMT_D, 1, 1, 1, 0));
      assert.equal(h.rawF(1), dbl(4));
      run(h, opR4(R4_OPCODE.madd, FMT_D, 1, 1, 1, 1, 0));
      assert.equal(h.rawF(1), dbl(20));
    });
  });

  describe('illegal encodings', () => {
    const illegal: [string, number][] = [
      ['rm 5', opFp(FUNCT5.add, FMT_D, 1, 2, 3, 5)],
      ['rm 6', opFp(FUNCT5.mul, FMT_S, 1, 2, 3, 6)],
      ['fmt H', opFp(FUNCT5.add, 2, 1, 2, 3, 0)],
      ['fmt Q', opFp(FUNCT5.add, 3, 1, 2, 3, 0)],
      ['FSQRT with rs2 != 0', opFp(FUNCT5.sqrt, FMT_D, 1, 2, 3, 0)],
      ['FSGNJ rm 3', opFp(FUNCT5.sgnj, FMT_D, 1, 2, 3, 3)],
      ['FMIN rm 2', opFp(FUNCT5.minmax, FMT_D, 1, 2, 3, 2)],
      ['compare rm 3', opFp(FUNCT5.cmp, FMT_D, 1, 2, 3, 3)],
      ['FCVT.S.S', opFp(FUNCT5.cvtff, FMT_S, 1, 2, 0, 0)],
      ['FCVT.D.D', opFp(FUNCT5.cvtff, FMT_D, 1, 2, 1, 0)],
      ['FCVT.W.D with rs2 4', opFp(FUNCT5.cvtToInt, FMT_D, 1, 2, 4, 0)],
      ['FMV.X.D rm 2', opFp(FUNCT5.mvx, FMT_D, 1, 2, 0, 2)],
      ['FCLASS with rs2 1', opFp(FUNCT5.mvx, FMT_D, 1, 2, 1, 1)],
      ['FMV.D.X rm 1', opFp(FUNCT5.mvf, FMT_D, 1, 2, 0, 1)],
      ['unknown funct5 0x06', opFp(0x06, FMT_D, 1, 2, 3, 0)],
      ['FMADD fmt H', opR4(R4_OPCODE.madd, 2, 1, 2, 3, 4, 0)],
      ['FNMADD rm 5', opR4(R4_OPCODE.nmadd, FMT_D, 1, 2, 3, 4, 5)],
      ['not an FP opcode', 0x00000033],
    ];
    for (const [what, insn] of illegal) {
      it(`${what} is illegal and changes nothing`, () => {
        const h = new Hart();
        h.setF(1, D_ONE, FMT_D);
        assert.equal(h.exec(insn), -1);
        assert.deepEqual([h.rawF(1), h.f.fflags], [D_ONE, 0]);
      });
    }
    it('DYN with frm 5, 6 or 7 is illegal, for rounding and for exact conversions alike', () => {
      for (const frm of [5, 6, 7]) {
        const h = new Hart();
        h.f.frm = frm;
        assert.equal(h.exec(opFp(FUNCT5.add, FMT_D, 1, 2, 3, 7)), -1);
        assert.equal(h.exec(opFp(FUNCT5.cvtFromInt, FMT_D, 1, 2, 0, 7)), -1);
        assert.equal(h.exec(opR4(R4_OPCODE.msub, FMT_S, 1, 2, 3, 4, 7)), -1);
      }
    });
    it('rounding-mode-free ops ignore frm', () => {
      const h = new Hart();
      h.f.frm = 6;
      h.setF(1, D_ONE, FMT_D);
      assert.equal(h.exec(opFp(FUNCT5.sgnj, FMT_D, 2, 1, 1, 1)), 1);
      assert.equal(h.rawF(2), D_MONE);
    });
  });
});
