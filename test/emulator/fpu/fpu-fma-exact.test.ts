// FMA.D's fast path for exact products (the product of small integers or of values with few
// significant bits is a double exactly, so c + a*b has one rounding: matmul's inner loop): the
// result bits and flags must be softfloat's (the exact reference) for every sign, for exact
// cancellation (signed zeros), for sums that round, and for addends far larger or smaller than
// the product.
import { strict as assert } from 'node:assert';
import { fmaD } from '../../../emulator/cpu/fpu/arith';
import { FpRegs, bitsD } from '../../../emulator/cpu/fpu/regs';
import * as sf from '../../../emulator/cpu/fpu/softfloat';
import { Rng } from './vectors';

describe('emulator/fpu: FMA.D with an exact product equals softfloat', () => {
  it('random small-integer products against addends of every size, both signs, and cancellations', () => {
    const rng = new Rng(77);
    const f = new FpRegs();
    let checked = 0, inexact = 0, zeros = 0;
    for (let i = 0; i < 20000; i++) {
      const a = (rng.below(2001) - 1000) / 2 ** rng.below(12);
      const b = (rng.below(2001) - 1000) / 2 ** rng.below(12);
      const kind = rng.below(5);
      const c = kind === 0 ? -(a * b) // exact cancellation
        : kind === 1 ? (rng.below(2) ? -1 : 1) * (1 + rng.u32() / 2 ** 32) * 2 ** (rng.below(200) - 100)
        : kind === 2 ? (rng.below(2001) - 1000) / 64
        : kind === 3 ? (rng.below(2) ? -1 : 1) * 2 ** (rng.below(60) + 40) + 1
        : (rng.below(2) ? -0 : 0);
      for (const [np, na] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        f.f64[1] = a; f.f64[2] = b; f.f64[3] = c;
        const want = sf.fma(sf.DOUBLE, bitsD(f, 1), bitsD(f, 2), bitsD(f, 3), 0, np, na);
        const flags = fmaD(f, 4, 1, 2, 3, 0, np, na);
        const got = bitsD(f, 4);
        assert.equal(got, want.bits, `fma(${a}, ${b}, ${c}) neg ${np}/${na}: bits`);
        assert.equal(flags, want.flags, `fma(${a}, ${b}, ${c}) neg ${np}/${na}: flags`);
        checked++;
        if (flags !== 0) inexact++;
        if (f.f64[4] === 0) zeros++;
      }
    }
    // the cases must really cover rounding and signed zeros
    assert.ok(inexact > 1000, `only ${inexact} inexact results`);
    assert.ok(zeros > 1000, `only ${zeros} zero results`);
    assert.equal(checked, 80000);
  });
});
