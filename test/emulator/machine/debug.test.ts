// The Machine as a debugger target: breakpoints (kept in the machine, memory untouched),
// watchpoints stopping with the data address, single steps through 4- and 2-byte
// instructions, register reads and writes (GPR, pc, CSR, priv), and memory through the
// physical, hart-virtual and explicit-satp address spaces without side effects.
import { strict as assert } from 'node:assert';
import { REG_PC, REG_PRIV, regCsr, regX, TargetError } from '../../../emulator/target';
import { machineFor } from './support';

const A0 = regX(10);

describe('emulator/machine: debugging', () => {
  it('stops at a breakpoint each time it is reached, without patching memory', async () => {
    const { m, sym } = machineFor('debug.S');
    const func = sym('func');
    const before = await m.readMemory(func, 4, { kind: 'physical' });
    await m.addBreakpoint(func);
    assert.deepEqual(await m.readMemory(func, 4, { kind: 'physical' }), before);
    for (let k = 0; k < 3; k++) {
      const e = m.runUntilStop(1_000_000);
      assert.ok(e, 'stopped');
      assert.deepEqual(e.reason, { kind: 'breakpoint', hart: 0, pc: func });
      assert.equal(await m.readRegister(0, REG_PC), func);
      // the k-th call (s0 counts finished calls): resuming ran on, never re-hit in place
      assert.equal(await m.readRegister(0, regX(8)), BigInt(k));
    }
    await m.removeBreakpoint(func);
    const e = m.runUntilStop(1_000_000);
    assert.equal(e?.reason.kind, 'poweroff');
  });

  it('write and read watchpoints stop before the access, at the accessing instruction, with the data address', async () => {
    const { m, sym } = machineFor('debug.S');
    await m.addWatchpoint(sym('watched'), 8, 'write');
    let e = m.runUntilStop(1_000_000);
    // As QEMU's stub reports it: the store has not happened and pc is the store (gdb then
    // steps it with its watchpoints out, and shows the new value at the next instruction).
    assert.deepEqual(e?.reason, { kind: 'watchpoint', hart: 0, pc: sym('store_watched'), watch: 'write', address: sym('watched') });
    assert.equal(await m.readRegister(0, REG_PC), sym('store_watched'));
    assert.deepEqual([...await m.readMemory(sym('watched'), 4)], [0, 0, 0, 0]);
    // Stepping from the stop runs the store once, without stopping at it again.
    e = await m.step(0);
    assert.deepEqual(e.reason, { kind: 'step', hart: 0, pc: sym('after_store_watched') });
    assert.deepEqual([...await m.readMemory(sym('watched'), 4)], [7, 0, 0, 0]);
    await m.removeWatchpoint(sym('watched'), 8, 'write');
    await m.addWatchpoint(sym('loaded') + 2n, 1, 'read');
    e = m.runUntilStop(1_000_000);
    assert.deepEqual(e?.reason, { kind: 'watchpoint', hart: 0, pc: sym('load_loaded'), watch: 'read', address: sym('loaded') + 2n });
    const a2 = await m.readRegister(0, regX(12));
    // Resuming from the stop runs the load (once) and goes on.
    e = m.runUntilStop(3);
    assert.equal(await m.readRegister(0, REG_PC), sym('step2'), 'three instructions: the load, step0, step1');
    assert.notEqual(await m.readRegister(0, regX(12)), a2, 'the load ran');
    await m.removeWatchpoint(sym('loaded') + 2n, 1, 'read');
    assert.equal(m.runUntilStop(1_000_000)?.reason.kind, 'poweroff');
  });

  it('a hart that hits a breakpoint at once after every resume does not keep the others from running', async () => {
    // As the gdb stub passes a breakpoint that is not gdb's (another process's hit): step the
    // hart off it and resume. The other hart gets its turn first, and reaches the breakpoint too
    // (it used to be the same hart every time, and the other never ran).
    const { m, sym } = machineFor('both-loop.S', { smp: 2 });
    await m.addBreakpoint(sym('loop'));
    const harts: number[] = [];
    for (let k = 0; k < 6; k++) {
      const e = m.runUntilStop(1_000_000);
      assert.ok(e?.reason.kind === 'breakpoint', String(e?.reason.kind));
      harts.push(e.reason.hart);
      await m.step(e.reason.hart);
    }
    assert.deepEqual(harts, [0, 1, 0, 1, 0, 1]);
  });

  it('single-steps one instruction at a time (4 and 2 bytes)', async () => {
    const { m, sym } = machineFor('debug.S');
    await m.addBreakpoint(sym('step0'));
    m.runUntilStop(1_000_000);
    await m.removeBreakpoint(sym('step0'));
    for (const next of ['step1', 'step2', 'step3']) {
      const e = await m.step(0);
      assert.deepEqual(e.reason, { kind: 'step', hart: 0, pc: sym(next) });
    }
    assert.equal(await m.readRegister(0, regX(13)), (1n + 2n) << 4n);
    const n = await m.instructionCount(0);
    await m.step(0);
    assert.equal(await m.instructionCount(0), n + 1n);
  });

  it('reads and writes registers: GPR, pc, CSRs, priv', async () => {
    const { m, sym } = machineFor('debug.S');
    await m.addBreakpoint(sym('report'));
    m.runUntilStop(1_000_000);
    await m.removeBreakpoint(sym('report'));
    assert.equal(await m.readRegister(0, regCsr(0xf14)), 0n);                   // mhartid
    assert.equal(await m.readRegister(0, regCsr(0x301)), 0x800000000014112dn);  // misa: RV64 IMAFDC SU
    assert.equal(await m.readRegister(0, REG_PRIV), 3n);
    assert.equal(await m.readRegister(0, regX(0)), 0n);
    await m.writeRegister(0, regX(0), 5n);
    assert.equal(await m.readRegister(0, regX(0)), 0n, 'x0 stays zero');
    await m.writeRegister(0, regCsr(0x340), 0xdeadbeefcafef00dn);               // mscratch
    assert.equal(await m.readRegister(0, regCsr(0x340)), 0xdeadbeefcafef00dn);
    await assert.rejects(m.readRegister(0, regCsr(0x7c0)), TargetError);
    await assert.rejects(m.readRegister(1, REG_PC), TargetError);
    await m.writeRegister(0, A0, 42n);                                         // the exit code
    const e = m.runUntilStop(1_000_000);
    assert.deepEqual(e?.reason, { kind: 'poweroff', code: 42 });
  });

  it('writing pc and priv redirects the hart', async () => {
    const { m, sym } = machineFor('debug.S');
    await m.addBreakpoint(sym('step0'));
    m.runUntilStop(1_000_000);
    await m.writeRegister(0, REG_PC, sym('step3'));
    assert.deepEqual((await m.step(0)).reason, { kind: 'step', hart: 0, pc: sym('report') });
    await m.writeRegister(0, REG_PRIV, 1n);
    assert.equal(await m.readRegister(0, REG_PRIV), 1n);
    await assert.rejects(m.writeRegister(0, REG_PRIV, 2n), TargetError);
  });

  it('memory through physical, hart-virtual and explicit-satp spaces, without A/D side effects', async () => {
    const { m, sym } = machineFor('debug.S');
    await m.addBreakpoint(sym('in_s'));
    const e = m.runUntilStop(1_000_000);
    assert.equal(e?.reason.kind, 'breakpoint');
    assert.equal(await m.readRegister(0, REG_PRIV), 1n);
    const satp = await m.readRegister(0, regCsr(0x180));
    assert.equal(satp >> 60n, 8n);
    const va = 0x40000000n;
    const expect = [0xcc, 0xbb, 0xaa, 0x99, 0x88, 0x77, 0x66, 0x55];
    assert.deepEqual([...await m.readMemory(sym('data_page'), 8, { kind: 'physical' })], expect);
    assert.deepEqual([...await m.readMemory(va, 8, { kind: 'virtual', hart: 0 })], expect);
    assert.deepEqual([...await m.readMemory(va, 8, { kind: 'satp', satp })], expect);
    // the PTE's A bit is still clear: debugger walks do not update it
    const pte = await m.readMemory(sym('l0'), 1, { kind: 'physical' });
    assert.equal(pte[0] & 0x40, 0);
    await m.writeMemory(va + 1n, new Uint8Array([1, 2]), { kind: 'virtual', hart: 0 });
    assert.deepEqual([...await m.readMemory(sym('data_page'), 4)], [0xcc, 1, 2, 0x99]);
    await assert.rejects(m.readMemory(0x40001000n, 4, { kind: 'virtual', hart: 0 }), (err: unknown) =>
      err instanceof TargetError && err.code === 'unmapped' && /0x40001000/.test(err.message));
    await assert.rejects(m.readMemory(0x0n, 4, { kind: 'physical' }), TargetError);
    // physical reads of the boot ROM work (reset vector)
    assert.equal((await m.readMemory(0x1000n, 4)).length, 4);
  });
});

describe('emulator/machine: a debugger\'s step and pending interrupts', () => {
  it('masks interrupts when asked (QEMU\'s single step), and takes them as a free run would otherwise', async () => {
    for (const noInterrupts of [true, false]) {
      const { m, sym } = machineFor('step-irq.S');
      await m.addBreakpoint(sym('enable'));
      assert.equal(m.runUntilStop(1000)?.reason.kind, 'breakpoint');
      await m.removeBreakpoint(sym('enable'));
      await m.step(0, { noInterrupts }); // csrsi: the timer interrupt is now pending and enabled
      assert.equal(await m.readRegister(0, REG_PC), sym('after_enable'));
      const e = await m.step(0, { noInterrupts });
      const pc = await m.readRegister(0, REG_PC);
      if (noInterrupts) {
        assert.deepEqual(e.reason, { kind: 'step', hart: 0, pc: sym('second') });
        assert.equal(await m.readRegister(0, regX(9)), 1n, 'the instruction at pc ran');
        // the interrupt still waits and is taken by the next free run
        await m.addBreakpoint(sym('handler'));
        assert.deepEqual(m.runUntilStop(1000)?.reason, { kind: 'breakpoint', hart: 0, pc: sym('handler') });
      } else {
        assert.ok(pc >= sym('handler') && pc < sym('handler') + 16n, `plain step went to the handler (pc 0x${pc.toString(16)})`);
        assert.equal(await m.readRegister(0, regX(9)), 0n);
      }
    }
  });
});
