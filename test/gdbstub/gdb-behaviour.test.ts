// Stock gdb-multiarch, driven through GDB/MI, against our stub serving the in-process Machine
// and our stub serving our RSP client on QEMU; the same session against QEMU's own stub is the
// oracle. Each configuration must give the answers the source and the ELF imply, and the
// comparable answers (stop locations, backtraces, registers at the first breakpoint, memory,
// values, step sequences) must equal QEMU's.
import { strict as assert } from 'node:assert';
import { GdbMi } from '../support/gdb-mi';
import { progElf, markLine } from './support/fixture';
import { ourStubOnMachine, ourStubOnQemu, qemuDirect, type GuestUnderGdb } from './support/configs';
import { runScenario, type Answers } from './support/scenario';

const TABLE = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597];
const tableHex = TABLE.map((v) => BigInt(v).toString(16).padStart(16, '0').match(/../g)!.reverse().join('')).join('');

/**
 * `trapStepping`: check stepping out of the trap handler too. Only for sessions whose stepping
 * is ours: QEMU 7.2 single-steps mret and ecall inconsistently (sometimes the next lands in the
 * following loop iteration), so it is no oracle there.
 */
function checkAgainstSource(a: Answers, name: string, trapStepping: boolean): void {
  assert.deepEqual([a.firstStop.reason, a.firstStop.func], ['breakpoint-hit', 'accumulate'], name);
  assert.deepEqual(a.firstBacktrace.slice(0, 2), ['accumulate', 'main'], name);
  assert.deepEqual(a.lineStop, { func: 'square', line: markLine('square') }, name);
  assert.deepEqual(a.lineBacktrace.slice(0, 3), ['square', 'accumulate', 'main'], name);
  assert.equal(a.tableMemory, tableHex, name);
  assert.match(a.xCommand, /<table>:\s+0x0000000000000001\s+0x0000000000000002/);
  assert.match(a.xCommand, /0x00000000000003db\s+0x000000000000063d$/); // 987, 1597
  assert.equal(a.prints.origin, '{x = 3, y = -4}');
  assert.match(a.prints.greeting, /"hello, gdb"/);
  assert.equal(a.prints.last, '1597');
  assert.equal(a.prints.sizeofTable, '128');
  assert.equal(BigInt(a.csrs.mtvec), BigInt(a.trapEntryAddress), `${name}: main set mtvec to trap_entry`);
  assert.deepEqual([a.watch.reason, a.watch.func], ['watchpoint-trigger', 'bump_watched'], name);
  assert.equal(a.watch.newValue, a.watch.oldValue + 1, name);
  assert.equal(a.syscall.afterEcallFunc, 'trap_entry', `${name}: stepi over ecall enters the M-mode trap handler`);
  assert.equal(a.syscall.mcause, '11', `${name}: ecall from M-mode`);
  assert.equal(a.syscall.mppInTrap, 3, `${name}: mstatus.MPP holds M after a trap from M-mode`);
  if (trapStepping) assert.equal(a.syscall.backIn, 'do_syscall', `${name}: next through the handler returns after the ecall`);
  assert.deepEqual(a.nextFromLoop, { fromLine: markLine('loop'), toLine: markLine('loop') + 1 }, name);
  assert.equal(a.threads, 2, `${name}: every hart is a thread`);
  assert.deepEqual(a.interrupt, { reason: 'signal-received', signal: 'SIGINT' }, name);
  assert.ok(a.reconnect.func.length > 0, name);
}

/**
 * Registers the Machine's boot differs in from QEMU's, reported to the board's owner: QEMU 7.2's
 * reset vector leaves a2 (x12) pointing at its fw_dynamic_info (0x1028); our boot ROM leaves 0.
 */
const KNOWN_BOOT_DIFFERENCES = ['12'];

/** What must equal QEMU's answers. */
function comparable(a: Answers, skipRegs: string[] = []): unknown {
  const regs = Object.fromEntries(Object.entries(a.firstRegs).filter(([n]) => !skipRegs.includes(n)));
  return {
    firstStop: a.firstStop, firstRegs: regs, firstBacktrace: a.firstBacktrace, lineStop: a.lineStop,
    lineBacktrace: a.lineBacktrace, tableMemory: a.tableMemory, xCommand: a.xCommand, prints: a.prints,
    mtvec: a.csrs.mtvec, watch: a.watch, syscall: { stepsToEcall: a.syscall.stepsToEcall, mcause: a.syscall.mcause }, nextFromLoop: a.nextFromLoop, threads: a.threads,
  };
}

describe('gdbstub: gdb-multiarch against our stub, QEMU as the oracle', function () {
  this.timeout(110000);
  const answers = new Map<string, Answers>();

  async function session(make: (elf: string) => Promise<GuestUnderGdb>): Promise<{ a: Answers; guest: GuestUnderGdb; monitor: Record<string, string> }> {
    const guest = await make(progElf());
    const gdb = await GdbMi.start({ file: progElf(), timeoutMs: 60000 });
    try {
      const a = await runScenario(gdb, guest.remote, guest.machine !== undefined);
      const monitor: Record<string, string> = {};
      if (guest.ours) {
        for (const c of ['help', 'info', 'regs', 'pagetable 0x80000000', 'stop', 'go', 'stop']) monitor[c] = await gdb.console(`monitor ${c}`);
        monitor.registers = await gdb.console('info registers mstatus mepc mcause satp priv');
        monitor.osabi = await gdb.console('show osabi');
      }
      answers.set(guest.name, a);
      return { a, guest, monitor };
    } finally {
      await gdb.close();
      await guest.close();
    }
  }

  it('QEMU\'s own stub gives the answers the source implies (the oracle is sane)', async () => {
    const { a } = await session(qemuDirect);
    checkAgainstSource(a, 'QEMU', false);
  });

  it('our stub on the Machine: connect -S, breakpoints, bt, registers, memory, watch, stepi/next through ecall, threads, Ctrl-C, reconnect', async () => {
    const { a, monitor } = await session(ourStubOnMachine);
    checkAgainstSource(a, 'Machine', true);
    assert.equal(a.initialPc, '0x0000000000001000', 'halted at the reset vector before the first instruction');
    assert.equal(a.csrs.priv, '3', 'priv register: M-mode');
    assert.match(monitor.help, /pagetable VA \[satp\]/);
    assert.match(monitor.help, /reboot/);
    assert.match(monitor.info, /harts: 2/);
    assert.match(monitor.info, /virtual time: mtime \d+/);
    assert.match(monitor.info, /0x80000000\s+128 MiB\s+ram\s+RAM/);
    assert.match(monitor.regs, /mstatus\s+0x[0-9a-f]+\s+SIE=0 MIE=\d SPIE=0 MPIE=\d SPP=U FS=\d SUM=0 MXR=0 MPP=[UM] /);
    assert.match(monitor.regs, /mcause\s+0xb\s+exception 11 \(ecall from M-mode\)/);
    assert.match(monitor['pagetable 0x80000000'], /satp mode is Bare/);
    assert.match(monitor.go, /guest running/);
    assert.match(monitor.stop, /guest paused/);
    assert.match(monitor.registers, /priv\s+0x3\s+prv:3 \[Machine\]/);
    assert.match(monitor.osabi, /currently "none"/, 'the target description\'s <osabi>none</osabi> took effect');
  });

  it('our stub on our RSP client on QEMU passes the same session', async () => {
    const { a, monitor } = await session(ourStubOnQemu);
    checkAgainstSource(a, 'client on QEMU', false);
    assert.match(monitor.info, /harts: 2/);
  });

  it('answers like QEMU\'s stub where the two are comparable', () => {
    const q = answers.get('QEMU\'s stub');
    const m = answers.get('our stub on the Machine');
    const c = answers.get('our stub on our client on QEMU');
    assert.ok(q && m && c, 'all three sessions ran');
    assert.deepEqual(comparable(c!), comparable(q!), 'client on QEMU vs QEMU');
    assert.deepEqual(comparable(m!, KNOWN_BOOT_DIFFERENCES), comparable(q!, KNOWN_BOOT_DIFFERENCES), 'Machine vs QEMU');
    assert.equal(Object.keys(q!.firstRegs).length, 33, 'x0..x31 and pc compared');
  });
});
