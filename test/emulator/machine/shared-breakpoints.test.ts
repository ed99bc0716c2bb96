// Breakpoints and watchpoints in the Machine are counted per address across their owners (the
// gdb stub and the debug adapter's run control insert into the same Machine): added twice and
// removed once, it still stops; removed by both, it does not.
import { strict as assert } from 'node:assert';
import { machineFor } from './support';

describe('emulator/machine: breakpoints shared by two owners', () => {
  it('two inserts and one remove still stop; both removed do not', async () => {
    const { m, sym } = machineFor('debug.S');
    const func = sym('func');
    await m.addBreakpoint(func); // one owner (say the gdb stub's module hook)
    await m.addBreakpoint(func); // another (run control's function breakpoint)
    await m.removeBreakpoint(func); // the first goes away
    let e = m.runUntilStop(1_000_000);
    assert.deepEqual(e?.reason, { kind: 'breakpoint', hart: 0, pc: func }, 'still set for the other owner');
    // a removal by someone who never inserted it does not take it either (nothing to count down below 1)
    await m.removeBreakpoint(func + 4n);
    e = m.runUntilStop(1_000_000);
    assert.deepEqual(e?.reason, { kind: 'breakpoint', hart: 0, pc: func });
    await m.removeBreakpoint(func);
    e = m.runUntilStop(1_000_000);
    assert.equal(e?.reason.kind, 'poweroff', 'both removed: runs to the end');
  });

  it('a breakpoint beyond ±2^52 (Sv57 upper half) is counted the same way', async () => {
    const { m } = machineFor('debug.S');
    const far = 0xff00_0000_0000_1000n;
    await m.addBreakpoint(far);
    await m.addBreakpoint(far);
    await m.removeBreakpoint(far);
    const wide = (m as unknown as { wideBreakpoints: Map<number, Set<number>> }).wideBreakpoints;
    assert.equal(wide.size, 1, 'still held once');
    await m.removeBreakpoint(far);
    assert.equal(wide.size, 0);
  });

  it('a watchpoint added twice and removed once still stops', async () => {
    const { m, sym } = machineFor('debug.S');
    await m.addWatchpoint(sym('watched'), 8, 'write');
    await m.addWatchpoint(sym('watched'), 8, 'write');
    await m.removeWatchpoint(sym('watched'), 8, 'write');
    const e = m.runUntilStop(1_000_000);
    assert.deepEqual(e?.reason, { kind: 'watchpoint', hart: 0, pc: sym('store_watched'), watch: 'write', address: sym('watched') });
    await m.removeWatchpoint(sym('watched'), 8, 'write');
    assert.equal(m.runUntilStop(1_000_000)?.reason.kind, 'poweroff');
  });
});
