// The hot path uses no BigInt (the rule for the emulator). Allocation per instruction
// is measured outside the tests (node --trace-gc on the bench guests): V8's inlining decides
// whether a number crosses a call boxed, and that varies from run to run, so a collection
// count would make a flaky assertion.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/toolchain';

describe('emulator: the hot path', function () {
  it('the CPU and the bus use no BigInt (the FPU keeps it to its exact slow path, cpu/fpu/README.md)', () => {
    const files = [...readdirSync(join(REPO_ROOT, 'emulator', 'cpu')).filter((f) => f.endsWith('.ts')).map((f) => join('cpu', f)), join('bus', 'bus.ts')];
    const offenders = files.filter((f) => /\bBigInt\b|\bbigint\b|\b\d+n\b/.test(readFileSync(join(REPO_ROOT, 'emulator', f), 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')));
    assert.deepEqual(offenders, []);
  });
});
