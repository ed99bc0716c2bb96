// F and D against the host's IEEE 754 implementation (oracle.c, compiled and run at test time):
// every rounded operation in all five rounding modes, static and dynamic rm, result bits and
// exact fflags, over generated vectors aimed at the hard cases. The RISC-V rules that differ
// from the host are applied here, each citing the spec:
// - every NaN result is the canonical NaN ("F" chapter, NaN generation and propagation);
// - FMA sets NV for inf*0 even when the addend is a quiet NaN (same chapter, FMA description).
import { strict as assert } from 'node:assert';
import { CANONICAL, FMT_D, FMT_S, FUNCT5, Hart, OracleAnswer, OracleCase, R4_OPCODE, hex, isNaNBits, opFp, opR4, runOracle } from './harness';
import { Rng, fromNumber, intBoundaryOperand, intOperand, operands, operand, toNumber } from './vectors';

const PER_COMBINATION = 15000;
const RMS = [0, 1, 2, 3, 4];
const FMT_NAME = ['s', 'd'];
const WIDTH = [32, 64];
const INT_KINDS = ['w', 'wu', 'l', 'lu'];

/** One generated check: the oracle case plus how to run it on our executor. */
interface Check { group: string; k: OracleCase; run: (h: Hart, dyn: boolean) => { bits: bigint; flags: number }; fmtOut: number | null; fma: boolean; fmt: number }

function rmField(rm: number, dyn: boolean, h: Hart): number {
  if (!dyn) return rm;
  h.f.frm = rm;
  return 7;
}

function readResult(h: Hart, r: number, fmt: number): bigint {
  const raw = h.rawF(r);
  if (fmt === FMT_S) {
    assert.equal(raw >> 32n, 0xffffffffn, `single result in f${r} must be NaN-boxed, got ${hex(raw)}`);
    return raw & 0xffffffffn;
  }
  return raw;
}

function arithmeticChecks(rng: Rng): Check[] {
  const checks: Check[] = [];
  for (const op of ['add', 'sub', 'mul', 'div', 'sqrt', 'madd', 'msub', 'nmsub', 'nmadd']) {
    for (const fmt of [FMT_S, FMT_D]) {
      for (const rm of RMS) {
        for (let i = 0; i < PER_COMBINATION; i++) {
          const [a, b, c] = operands(rng, op, fmt);
          const fma = op in R4_OPCODE;
          checks.push({
            group: `${op}.${FMT_NAME[fmt]}`, fmtOut: fmt, fma, fmt,
            k: { op: `${op}.${FMT_NAME[fmt]}`, rm, a, b, c },
            run: (h, dyn) => {
              h.setF(1, a, fmt); h.setF(2, b, fmt); h.setF(3, c, fmt);
              const field = rmField(rm, dyn, h);
              const insn = fma ? opR4(R4_OPCODE[op], fmt, 4, 1, 2, 3, field)
                : opFp(FUNCT5[op], fmt, 4, 1, op === 'sqrt' ? 0 : 2, field);
              assert.equal(h.exec(insn), 1);
              return { bits: readResult(h, 4, fmt), flags: h.f.fflags };
            },
          });
        }
      }
    }
  }
  return checks;
}

function conversionChecks(rng: Rng): Check[] {
  const checks: Check[] = [];
  for (const rm of RMS) {
    for (let i = 0; i < PER_COMBINATION; i++) {
      const d = operand(rng, FMT_D);
      checks.push({
        group: 'cvt.s.d', fmtOut: FMT_S, fma: false, fmt: FMT_D, k: { op: 'cvt.s.d', rm, a: d, b: 0n, c: 0n },
        run: (h, dyn) => {
          h.setF(1, d, FMT_D);
          assert.equal(h.exec(opFp(FUNCT5.cvtff, FMT_S, 4, 1, 1, rmField(rm, dyn, h))), 1);
          return { bits: readResult(h, 4, FMT_S), flags: h.f.fflags };
        },
      });
      const s = operand(rng, FMT_S);
      checks.push({
        group: 'cvt.d.s', fmtOut: FMT_D, fma: false, fmt: FMT_S, k: { op: 'cvt.d.s', rm, a: s, b: 0n, c: 0n },
        run: (h, dyn) => {
          h.setF(1, s, FMT_S);
          assert.equal(h.exec(opFp(FUNCT5.cvtff, FMT_D, 4, 1, 0, rmField(rm, dyn, h))), 1);
          return { bits: readResult(h, 4, FMT_D), flags: h.f.fflags };
        },
      });
      for (const fmt of [FMT_S, FMT_D]) {
        for (let kind = 0; kind < 4; kind++) {
          const v = intBoundaryOperand(rng, fmt);
          checks.push({
            group: `cvt.${INT_KINDS[kind]}.${FMT_NAME[fmt]}`, fmtOut: null, fma: false, fmt,
            k: { op: `cvt.${INT_KINDS[kind]}.${FMT_NAME[fmt]}`, rm, a: v, b: 0n, c: 0n },
            run: (h, dyn) => {
              h.setF(1, v, fmt);
              h.exec(opFp(FUNCT5.cvtToInt, fmt, 5, 1, kind, rmField(rm, dyn, h)));
              return { bits: h.getX(5), flags: h.f.fflags };
            },
          });
          const n = intOperand(rng);
          checks.push({
            group: `cvt.${FMT_NAME[fmt]}.${INT_KINDS[kind]}`, fmtOut: fmt, fma: false, fmt,
            k: { op: `cvt.${FMT_NAME[fmt]}.${INT_KINDS[kind]}`, rm, a: n, b: 0n, c: 0n },
            run: (h, dyn) => {
              h.setX(6, n);
              assert.equal(h.exec(opFp(FUNCT5.cvtFromInt, fmt, 4, 6, kind, rmField(rm, dyn, h))), 1);
              return { bits: readResult(h, 4, fmt), flags: h.f.fflags };
            },
          });
        }
      }
    }
  }
  return checks;
}

function compareChecks(rng: Rng): Check[] {
  const checks: Check[] = [];
  const kinds: [string, number][] = [['le', 0], ['lt', 1], ['eq', 2]];
  for (const fmt of [FMT_S, FMT_D]) {
    for (const [name, field] of kinds) {
      for (let i = 0; i < PER_COMBINATION; i++) {
        const a = operand(rng, fmt);
        const b = rng.below(4) === 0 ? a : operand(rng, fmt);
        checks.push({
          group: `f${name}.${FMT_NAME[fmt]}`, fmtOut: null, fma: false, fmt, k: { op: `${name}.${FMT_NAME[fmt]}`, rm: 0, a, b, c: 0n },
          run: (h) => {
            h.setF(1, a, fmt); h.setF(2, b, fmt);
            h.exec(opFp(FUNCT5.cmp, fmt, 5, 1, 2, field));
            return { bits: h.getX(5), flags: h.f.fflags };
          },
        });
      }
    }
  }
  return checks;
}

function classChecks(rng: Rng): Check[] {
  const checks: Check[] = [];
  for (const fmt of [FMT_S, FMT_D]) {
    for (let i = 0; i < PER_COMBINATION; i++) {
      const a = operand(rng, fmt);
      checks.push({
        group: `fclass.${FMT_NAME[fmt]}`, fmtOut: null, fma: false, fmt, k: { op: `class.${FMT_NAME[fmt]}`, rm: 0, a, b: 0n, c: 0n },
        run: (h) => {
          h.setF(1, a, fmt);
          assert.equal(h.exec(opFp(FUNCT5.mvx, fmt, 5, 1, 0, 1)), 0);
          return { bits: h.getX(5), flags: h.f.fflags };
        },
      });
    }
  }
  return checks;
}

/** What RISC-V requires, given the host's answer. */
function expected(check: Check, answer: OracleAnswer): OracleAnswer {
  let { bits, flags } = answer;
  if (check.fmtOut !== null && isNaNBits(bits, check.fmtOut)) bits = CANONICAL[check.fmtOut];
  if (check.fma) {
    const a = toNumber(check.k.a, check.fmt), b = toNumber(check.k.b, check.fmt);
    if ((Math.abs(a) === Infinity && b === 0) || (a === 0 && Math.abs(b) === Infinity)) flags |= 16;
  }
  return { bits, flags };
}

describe('emulator/fpu: F and D against the host IEEE 754 oracle', function () {
  this.timeout(110_000);
  const rng = new Rng(99);
  const checks = [...arithmeticChecks(rng), ...conversionChecks(rng), ...compareChecks(rng), ...classChecks(rng)];
  let answers: OracleAnswer[] = [];
  before(() => { answers = runOracle(checks.map((c) => c.k)); });

  const groups = [...new Set(checks.map((c) => c.group))];
  for (const group of groups) {
    it(`${group}: results and fflags match the host (every rounding mode where it rounds)`, () => {
      const failures: string[] = [];
      let n = 0;
      checks.forEach((check, i) => {
        if (check.group !== group) return;
        const want = expected(check, answers[i]);
        const h = new Hart();
        const got = check.run(h, (i & 1) === 1); // odd cases use rm=DYN with frm
        n++;
        if (got.bits !== want.bits || got.flags !== want.flags) {
          const w = WIDTH[check.fmt];
          failures.push(`${check.k.op} rm=${check.k.rm} a=${hex(check.k.a, w)} b=${hex(check.k.b, w)} c=${hex(check.k.c, w)}: `
            + `want ${hex(want.bits)} flags ${want.flags}, got ${hex(got.bits)} flags ${got.flags}`);
        }
      });
      assert.ok(n > 0);
      assert.deepEqual(failures.slice(0, 12), [], `${failures.length} of ${n} differ`);
    });
  }
});

describe('emulator/fpu: FMIN/FMAX against ECMAScript Math.min/Math.max', () => {
  // For non-NaN operands IEEE 754-2019 minimumNumber/maximumNumber and ECMAScript's Math.min and
  // Math.max agree (both order -0 below +0); for NaN operands the RISC-V rules are applied:
  // the other operand if one is a NaN, the canonical NaN if both are, NV for any signaling NaN.
  for (const fmt of [FMT_S, FMT_D]) {
    it(`fmin.${FMT_NAME[fmt]} and fmax.${FMT_NAME[fmt]} on generated operands`, () => {
      const rng = new Rng(7 + fmt);
      const failures: string[] = [];
      for (let i = 0; i < 2 * PER_COMBINATION; i++) {
        const a = operand(rng, fmt), b = rng.below(5) === 0 ? a ^ (1n << BigInt(WIDTH[fmt] - 1)) : operand(rng, fmt);
        for (const isMax of [false, true]) {
          const h = new Hart();
          h.setF(1, a, fmt); h.setF(2, b, fmt);
          h.exec(opFp(FUNCT5.minmax, fmt, 3, 1, 2, isMax ? 1 : 0));
          const got = fmt === FMT_S ? h.rawF(3) & 0xffffffffn : h.rawF(3);
          const an = isNaNBits(a, fmt), bn = isNaNBits(b, fmt);
          const quietBit = fmt === FMT_S ? 1n << 22n : 1n << 51n;
          const signaling = (an && (a & quietBit) === 0n) || (bn && (b & quietBit) === 0n);
          let want: bigint;
          if (an && bn) want = CANONICAL[fmt];
          else if (an) want = b;
          else if (bn) want = a;
          else {
            const r = (isMax ? Math.max : Math.min)(toNumber(a, fmt), toNumber(b, fmt));
            want = fromNumber(r, fmt);
          }
          const wantFlags = signaling ? 16 : 0;
          if (got !== want || h.f.fflags !== wantFlags) {
            failures.push(`${isMax ? 'max' : 'min'} ${hex(a, WIDTH[fmt])} ${hex(b, WIDTH[fmt])}: want ${hex(want)}/${wantFlags} got ${hex(got)}/${h.f.fflags}`);
          }
        }
      }
      assert.deepEqual(failures.slice(0, 10), []);
    });
  }
});
