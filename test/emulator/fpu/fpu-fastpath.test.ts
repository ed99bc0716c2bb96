// The hot-path rule for F and D: common round-to-nearest operations on ordinary values never
// reach the BigInt slow path. Counted by wrapping the global BigInt function for the duration
// (every slow-path entry converts register bits with BigInt(...)); a directed-rounding
// operation is run as a control, to show the counter does see the slow path.
import { strict as assert } from 'node:assert';
import { FMT_D, FMT_S, FUNCT5, Hart, R4_OPCODE, opFp, opR4 } from './harness';
import { Rng, fromNumber } from './vectors';

/** Runs fn with BigInt() calls counted. */
function countBigInt(fn: () => void): number {
  const original = globalThis.BigInt;
  let calls = 0;
  const counting = ((v: string | number | bigint | boolean) => { calls++; return original(v); }) as BigIntConstructor;
  Object.assign(counting, { asIntN: original.asIntN, asUintN: original.asUintN });
  globalThis.BigInt = counting;
  try { fn(); } finally { globalThis.BigInt = original; }
  return calls;
}

/** Ordinary values: normal magnitudes between 2^-40 and 2^40, either sign, and some zeros. */
function ordinary(rng: Rng): number {
  if (rng.below(16) === 0) return rng.below(2) ? 0 : -0;
  return (rng.below(2) ? -1 : 1) * (1 + rng.u32() / 2 ** 32) * 2 ** (rng.below(80) - 40);
}

describe('emulator/fpu: common operations stay off the BigInt slow path', () => {
  const rng = new Rng(4242);
  const h = new Hart();
  // Singles live in f1..f4, doubles in f11..f14: a (rs1), b (rs2, nonzero), sqrt operand, addend.
  const BASE = [1, 11];
  const program: number[] = [];
  for (const fmt of [FMT_S, FMT_D]) {
    const a = BASE[fmt], b = a + 1, root = a + 2, c = a + 3, rd = 20 + fmt;
    for (const op of ['add', 'sub', 'mul', 'div']) program.push(opFp(FUNCT5[op], fmt, rd, a, b, 0), opFp(FUNCT5[op], fmt, rd, a, b, 7));
    program.push(opFp(FUNCT5.sqrt, fmt, rd, root, 0, 0));
    for (const op of ['madd', 'msub', 'nmsub', 'nmadd']) program.push(opR4(R4_OPCODE[op], fmt, rd, a, b, c, 0));
    for (let kind = 0; kind < 4; kind++) program.push(opFp(FUNCT5.cvtToInt, fmt, 10, a, kind, 1), opFp(FUNCT5.cvtFromInt, fmt, rd, 11, kind, 0));
    for (let cmp = 0; cmp < 3; cmp++) program.push(opFp(FUNCT5.cmp, fmt, 10, a, b, cmp));
    program.push(opFp(FUNCT5.minmax, fmt, rd, a, b, 0), opFp(FUNCT5.sgnj, fmt, rd, a, b, 2), opFp(FUNCT5.mvx, fmt, 10, a, 0, 1));
    program.push(opFp(FUNCT5.mvx, fmt, 10, a, 0, 0), opFp(FUNCT5.mvf, fmt, rd, 12, 0, 0));
  }
  program.push(opFp(FUNCT5.cvtff, FMT_S, 22, BASE[FMT_D], 1, 0), opFp(FUNCT5.cvtff, FMT_D, 22, BASE[FMT_S], 0, 0));

  /** Fresh ordinary operands for both formats (outside the counted region). */
  function load(): void {
    for (const fmt of [FMT_S, FMT_D]) {
      const base = BASE[fmt];
      h.setF(base, fromNumber(ordinary(rng), fmt), fmt);
      let b = ordinary(rng);
      while (b === 0) b = ordinary(rng);
      h.setF(base + 1, fromNumber(b, fmt), fmt);
      h.setF(base + 2, fromNumber(Math.abs(ordinary(rng)), fmt), fmt);
      h.setF(base + 3, fromNumber(ordinary(rng), fmt), fmt);
    }
    h.setX(11, BigInt(rng.u32()) << BigInt(rng.below(32)));
    h.setX(12, BigInt(rng.u32()));
  }

  it('RNE and DYN(=RNE) arithmetic, FMA, conversions, compares and moves: no BigInt calls', () => {
    let calls = 0;
    h.f.frm = 0;
    for (let i = 0; i < 2000; i++) {
      load();
      calls += countBigInt(() => { for (const insn of program) assert.notEqual(h.exec(insn), -1); });
    }
    assert.equal(calls, 0);
  });

  it('control: a directed-rounding add does take the slow path (the counter works)', () => {
    h.setF(1, fromNumber(1, FMT_D), FMT_D);
    h.setF(2, fromNumber(2 ** -60, FMT_D), FMT_D);
    assert.ok(countBigInt(() => h.exec(opFp(FUNCT5.add, FMT_D, 4, 1, 2, 1))) > 0);
    assert.equal(h.rawF(4), fromNumber(1, FMT_D));
  });
});
