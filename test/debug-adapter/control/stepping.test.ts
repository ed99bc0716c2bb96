// RunControl's steps on the teaching kernel (in-process Machine, 2 harts): from write() in the
// hello program stepIn through the ecall into the kernel's trap handler (stvec), stepOut back
// to user mode and next to the next user line; next over a call in the kernel, stepIn into the
// called function after its prologue, stepOut to the caller; instruction granularity (one
// instruction; next over a call instruction). Every step must end in the task it started in.
// Oracles: the sources (lines by text), the hart's retired-instruction count, stvec, the
// instruction bytes.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { regCsr } from '../../../emulator/target';
import { classify } from '../../../debug-adapter/control/instructions';
import { PROMPT } from '../../guest/support/console-session';
import { GUEST, lineOf } from './support/sources';
import { Rig } from './support/test-host';

describe('debug-adapter/control: stepping (RunControl on the teaching kernel)', function () {
  this.timeout(180_000);
  let rig: Rig;

  before(async () => {
    rig = new Rig(2);
    await rig.boot();
  });
  after(async () => { await rig?.close(); });

  async function step(kind: 'next' | 'stepIn' | 'stepOut', threadId: number, granularity?: 'instruction') {
    await rig.rc[kind](threadId, granularity);
    const s = await rig.nextStop();
    assert.equal(s.threadId, threadId, `${kind} ended in the task it started in`);
    return s;
  }

  it('steps from write() into the kernel\'s trap handler at the ecall, and back out to the next user line', async () => {
    rig.rc.setProcessFilter({ name: 'hello' });
    const syscalls = join(GUEST, 'user', 'syscalls.c');
    const line = lineOf(syscalls, 'long write(int fd');
    const [bp] = await rig.rc.setBreakpoints({ source: { path: syscalls }, breakpoints: [{ line }] });
    assert.equal(bp.line, line);
    rig.session.type('hello\n');
    const s = await rig.nextStop();
    const start = await rig.where(s.hart);
    assert.equal(start.kind, 'program');
    assert.equal(start.line, line);
    assert.equal((await rig.host.awareness!.taskOnHart(s.hart))?.name, 'hello');
    await rig.rc.setBreakpoints({ source: { path: syscalls }, breakpoints: [] });
    rig.rc.setProcessFilter(undefined);

    // stepIn until the ecall takes us into the kernel: the first kernel stop is at stvec
    let w = start;
    for (let i = 0; i < 8 && w.priv === 0; i++) {
      const t = await step('stepIn', s.threadId);
      assert.equal(t.reason, 'step');
      w = await rig.where(t.hart);
    }
    assert.equal(w.priv, 1, 'in the kernel');
    assert.equal(w.fn, 'from_user_entry');
    const stvec = await rig.port.machine.readRegister(s.hart, regCsr(0x105));
    assert.equal(w.pc, stvec & ~3n, 'at the trap vector');

    // out of the trap handler: back in user mode, in the same program, after the ecall
    const t = await step('stepOut', s.threadId);
    const back = await rig.where(t.hart);
    assert.equal(back.priv, 0);
    assert.equal(back.kind, 'program');
    const insn = classify(await rig.port.machine.readMemory(back.pc - 4n, 4, { kind: 'virtual', hart: t.hart }));
    assert.equal(insn?.kind, 'ecall', 'just after the ecall');

    // next: through the rest of write() (call3 is inlined into it) to the start of the next user
    // line outside write()
    let after = back;
    for (let k = 0; k < 4 && (after.fn === 'write' || after.fn === 'call3'); k++) {
      const n = await step('next', s.threadId);
      after = await rig.where(n.hart);
      assert.equal(after.priv, 0);
      assert.equal(after.kind, 'program');
      assert.ok(after.rowStart, `at the start of a line: ${after.file}:${after.line}`);
    }
    assert.notEqual(after.fn, 'write', `out of write(): ${after.fn} ${after.file}:${after.line}`);
    await rig.rc.continue();
    await rig.session.waitFor(PROMPT);
  });

  it('steps over a call (next), into it (stepIn, after its prologue) and out of it (stepOut) in the kernel', async () => {
    const sc = join(GUEST, 'kernel', 'syscall.c');
    const callLine = lineOf(sc, 'r->x[10] = (u64)syscall_table[number](r);');
    const [bp] = await rig.rc.setBreakpoints({ source: { path: sc }, breakpoints: [{ line: callLine, condition: 'r->x[17] == 6' }] }); // getpid
    assert.equal(bp.verified, true, JSON.stringify(bp));
    rig.session.type('hello\n');
    const s = await rig.nextStop();
    assert.equal((await rig.where(s.hart)).line, callLine);
    await rig.rc.setBreakpoints({ source: { path: sc }, breakpoints: [] });

    const n = await step('next', s.threadId);
    const w = await rig.where(n.hart);
    assert.equal(w.fn, 'syscall_dispatch');
    assert.ok(w.line! > callLine, `after the call line: ${w.line}`);
    assert.ok(w.rowStart);
    await rig.rc.continue();
    await rig.session.waitFor(PROMPT);

    // again, this time into sys_getpid and back out
    await rig.rc.setBreakpoints({ source: { path: sc }, breakpoints: [{ line: callLine, condition: 'r->x[17] == 6' }] });
    rig.session.type('hello\n');
    const s2 = await rig.nextStop();
    await rig.rc.setBreakpoints({ source: { path: sc }, breakpoints: [] });
    const i = await step('stepIn', s2.threadId);
    const inside = await rig.where(i.hart);
    assert.equal(inside.fn, 'sys_getpid');
    assert.equal(inside.pc, rig.host.kernel.afterPrologue('sys_getpid'), 'after the prologue, where break sys_getpid stops');
    const o = await step('stepOut', s2.threadId);
    const out = await rig.where(o.hart);
    assert.equal(out.fn, 'syscall_dispatch');
    assert.equal(out.line, callLine, 'back in the call line, after the call (as gdb finish)');
    const m = rig.port.machine;
    const c2 = classify(await m.readMemory(out.pc - 2n, 2, { kind: 'virtual', hart: o.hart }));
    const c4 = classify(await m.readMemory(out.pc - 4n, 4, { kind: 'virtual', hart: o.hart }));
    assert.ok((c2?.length === 2 && c2.kind === 'call') || (c4?.length === 4 && c4.kind === 'call'), 'at the return address: a call just before');
    await rig.rc.continue();
    await rig.session.waitFor(PROMPT);
  });

  it('steps one instruction, and over a call instruction, with instruction granularity', async () => {
    const [bp] = await rig.rc.setFunctionBreakpoints({ breakpoints: [{ name: 'sys_write' }] });
    assert.equal(bp.verified, true);
    rig.session.type('hello\n');
    const s = await rig.nextStop();
    await rig.rc.setFunctionBreakpoints({ breakpoints: [] });
    const m = rig.port.machine;
    // single instructions until the call to file_write
    for (let k = 0; k < 40; k++) {
      const pc = await rig.pc(s.hart);
      const insn = classify(await m.readMemory(pc, 4, { kind: 'virtual', hart: s.hart }))!;
      const before = await m.instructionCount(s.hart);
      if (insn.kind === 'call') {
        const t = await step('next', s.threadId, 'instruction');
        assert.equal(await rig.pc(t.hart), pc + BigInt(insn.length), 'next over the call instruction lands after it');
        assert.ok((await m.instructionCount(t.hart)) - before > 10n, 'the called function ran');
        await rig.rc.continue();
        await rig.session.waitFor(PROMPT);
        return;
      }
      const t = await step('stepIn', s.threadId, 'instruction');
      assert.equal(t.hart, s.hart);
      assert.equal((await m.instructionCount(s.hart)) - before, 1n, 'exactly one instruction');
    }
    assert.fail('no call instruction in sys_write');
  });
});
