// gdb-multiarch on the teaching kernel (guest/build/kernel.elf) through our stub serving the
// Machine, with QEMU's stub on the same image as the oracle for what is comparable.
import { strict as assert } from 'node:assert';
import { GdbMi } from '../support/gdb-mi';
import { buildGuestKernel } from '../guest/support/build';
import { ourStubOnMachine, qemuDirect, type GuestUnderGdb } from './support/configs';
import { kernelLine, runKernelScenario, type KernelAnswers } from './support/kernel-scenario';

describe('gdbstub: gdb-multiarch on the teaching kernel', function () {
  this.timeout(115000);
  let kernel: string;
  const answers = new Map<string, KernelAnswers>();

  before(() => { kernel = buildGuestKernel().kernel; });

  async function session(make: (elf: string, smp: number) => Promise<GuestUnderGdb>, ours: boolean) {
    const guest = await make(kernel, 1);
    const gdb = await GdbMi.start({ file: kernel, timeoutMs: 90000 });
    try {
      const a = await runKernelScenario(gdb, guest.remote, ours);
      answers.set(ours ? 'ours' : 'qemu', a);
      return a;
    } finally {
      await gdb.close();
      await guest.close();
    }
  }

  function checkKernel(a: KernelAnswers, name: string): void {
    assert.deepEqual(a.kernelMain, { func: 'kernel_main', file: 'main.c' }, name);
    assert.equal(a.dispatch.func, 'syscall_dispatch', name);
    assert.equal(a.dispatch.line, kernelLine('syscall.c', 'u64 number = r->x[17]'), name);
    assert.deepEqual(a.dispatch.backtrace.slice(0, 2), ['syscall_dispatch', 'user_trap'], name);
    assert.equal(a.sCsrs.scause, '8', `${name}: ecall from U-mode`);
    assert.equal(a.sCsrs.satpMode, 8, `${name}: Sv39`);
    assert.equal(a.nextLine, a.dispatch.line + 1, name);
      assert.equal(a.watch.reason, 'watchpoint-trigger', name);
    assert.equal(a.watch.newValue, a.watch.oldValue + 1, name);
    assert.ok(a.sizeofTaskNonZero);
    assert.equal(a.threads, 1, name);
    assert.deepEqual(a.interrupt, { reason: 'signal-received', signal: 'SIGINT' }, name);
  }

  // QEMU 7.2 does not single-step out through sret (200 stepi stay in S-mode), so the return to
  // user mode is checked on our side only.
  it('QEMU\'s stub on the kernel (oracle sanity)', async () => {
    const a = await session(qemuDirect, false);
    checkKernel(a, 'QEMU');
  });

  it('our stub on the Machine: kernel breakpoints, S-mode CSRs and priv, pagetable walk, back to user mode', async () => {
    const a = await session(ourStubOnMachine, true) as KernelAnswers & { monitorPagetable?: string };
    checkKernel(a, 'Machine');
    assert.equal(a.sCsrs.priv, '1', 'in the kernel: S-mode');
    assert.equal(a.toUser.priv, '0', 'after sret: U-mode');
    assert.ok(a.toUser.pcIsSepcPlus4, 'sret resumes after the ecall');
    assert.match(a.ticksFromUser!, /^\d+$/, 'kernel globals stay readable while the hart is in user mode');
    assert.match(a.monitorPagetable!, /L0 PTE at 0x[0-9a-f]+ = 0x[0-9a-f]+ \[V?R?W?XU[A-Z]*\] leaf/);
    assert.match(a.monitorPagetable!, /-> PA 0x8[0-9a-f]{7} \(4 KiB page/);
  });

  it('agrees with QEMU on stops, registers at kernel_main, syscall_table and the return to user mode', () => {
    const q = answers.get('qemu')!;
    const m = answers.get('ours')!;
    assert.ok(q && m);
    const pick = (a: KernelAnswers): unknown => ({ kernelMain: a.kernelMain, mainRegs: a.mainRegs, dispatch: a.dispatch, nextLine: a.nextLine, tableMemory: a.tableMemory, watchFunc: a.watch.func });
    assert.deepEqual(pick(m), pick(q));
  });
});
