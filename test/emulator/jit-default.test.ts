// The translator is on unless asked otherwise: MachineOptions.jit wins, else KWB_JIT=0 in the
// environment turns it off (CI's second pass of every suite runs that way).
import { strict as assert } from 'node:assert';
import { Machine, defaultJit } from '../../emulator/machine';

describe('emulator: the translator by default', () => {
  const saved = process.env.KWB_JIT;
  afterEach(() => { if (saved === undefined) delete process.env.KWB_JIT; else process.env.KWB_JIT = saved; });

  it('is on without KWB_JIT, off with KWB_JIT=0, and the jit option overrides either', () => {
    delete process.env.KWB_JIT;
    assert.equal(defaultJit(), true);
    assert.ok(new Machine({}).translator, 'translated by default');
    assert.equal(new Machine({ jit: false }).translator, undefined);
    process.env.KWB_JIT = '0';
    assert.equal(defaultJit(), false);
    assert.equal(new Machine({}).translator, undefined, 'KWB_JIT=0: interpreted');
    assert.ok(new Machine({ jit: true }).translator, 'jit: true wins over the environment');
    process.env.KWB_JIT = '1';
    assert.equal(defaultJit(), true, 'only "0" turns it off');
  });
});
