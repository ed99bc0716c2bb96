// Tests of test/support/gdb-mi.ts (the GDB/MI driver) against real gdb-multiarch: results,
// errors with gdb's message, console output per command, and *stopped records from a live
// target (QEMU's stub running the gdbstub test program).
import { strict as assert } from 'node:assert';
import { GdbMi, MiError, parseMiLine, miQuote } from '../support/gdb-mi';
import { progElf, markLine } from './support/fixture';
import { startQemu } from './support/qemu';

describe('gdb-mi driver', function () {
  this.timeout(90000);

  it('parses tokens off result records and keeps streams apart', () => {
    const r = parseMiLine('42^done,bkpt={number="1",addr="0x80000010"}');
    assert.equal(r.token, 42);
    assert.equal(r.type, 'result');
    assert.equal(r.state, 'done');
    assert.equal(r.data.bkpt.addr, '0x80000010');
    const c = parseMiLine('~"two\\nlines\\n"');
    assert.equal(c.type, 'console');
    assert.equal(c.token, undefined);
    assert.equal(c.data, 'two\nlines\n');
    const s = parseMiLine('*stopped,reason="breakpoint-hit",thread-id="1"');
    assert.deepEqual([s.type, s.state, s.data.reason], ['exec', 'stopped', 'breakpoint-hit']);
  });

  it('quotes MI string arguments', () => {
    assert.equal(miQuote('p "a\\b"'), '"p \\"a\\\\b\\""');
  });

  it('runs MI and CLI commands on an ELF and reports gdb errors with its message', async () => {
    const gdb = await GdbMi.start({ file: progElf() });
    try {
      const b = await gdb.command('-break-insert square');
      assert.equal(b.state, 'done');
      assert.equal(b.data.bkpt.func, 'square');
      assert.equal(Number(b.data.bkpt.line), markLine('square'));
      const text = await gdb.console('print sizeof(table)/sizeof(table[0])');
      assert.match(text, /= 16\b/);
      const info = await gdb.console('info line square');
      assert.match(info, /Line \d+ of ".*prog\.c"/);
      await assert.rejects(gdb.command('-break-insert no_such_function_here'), (e: unknown) =>
        e instanceof MiError && /no_such_function_here/.test(e.gdbMessage));
      // The session is still usable after an error.
      assert.match(await gdb.console('print origin.y'), /= -4\b/);
    } finally {
      await gdb.close();
    }
  });

  it('waits for *stopped records from a live target and closes cleanly', async () => {
    const qemu = await startQemu({ elf: progElf() });
    const gdb = await GdbMi.start({ file: progElf() });
    try {
      const c = await gdb.command(`-target-select remote 127.0.0.1:${qemu.port}`);
      assert.equal(c.state, 'connected');
      await gdb.command('-break-insert accumulate');
      gdb.clearStops(); // the connection's own *stopped (at the reset vector)
      const run = await gdb.command('-exec-continue');
      assert.equal(run.state, 'running');
      const stop = await gdb.waitForStop();
      assert.equal(stop.reason, 'breakpoint-hit');
      assert.equal(stop.frame.func, 'accumulate');
      const regs = await gdb.command('-data-list-register-values x 32');
      assert.equal(regs.data['register-values'][0].number, '32');
      assert.equal(BigInt(regs.data['register-values'][0].value), BigInt(stop.frame.addr));
    } finally {
      await gdb.close();
      await qemu.close();
    }
  });

  it('rejects commands after gdb has gone', async () => {
    const gdb = await GdbMi.start({});
    await gdb.close();
    await assert.rejects(gdb.command('-gdb-version'), MiError);
  });
});
