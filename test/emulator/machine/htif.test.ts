// HTIF proxied system calls (the riscv-tests benchmarks print and exit through them): the guest
// checks each answer itself (guest/htif-syscall.S) and ends with exit(42); here we check that
// only the console write reached the serial host and that the run ended with that code; and the
// exit written in two halves, as riscv-tests' p environment does it.
import { strict as assert } from 'node:assert';
import { machineFor } from './support';

describe('emulator/machine: HTIF system calls', () => {
  it('serves write and exit, answers errors, and never leaves the guest waiting', () => {
    const out: number[] = [];
    const { m } = machineFor('htif-syscall.S', { serial: { output: (b) => out.push(b) } });
    const e = m.runUntilStop(1_000_000);
    assert.ok(e, 'the guest stopped (no wait for fromhost left unanswered)');
    assert.equal(e.reason.kind, 'poweroff');
    const code = (e.reason as { code: number }).code;
    assert.equal(code, 42, code === 42 ? '' : `check ${code & 0x7ff} failed${code > 0x7ff ? ' (unexpected trap)' : ''}`);
    assert.equal(Buffer.from(out).toString(), 'hello\n');
  });

  it('ends with the exit code written as two 32-bit halves (riscv-tests p environment)', () => {
    const { m } = machineFor('htif-exit32.S');
    assert.deepEqual(m.runUntilStop(10_000)?.reason, { kind: 'poweroff', code: 21 });
  });
});
