// gdb-multiarch on our stub serving an xv6-shaped kernel (test/awareness/xv6-shaped/: xv6's
// names, our code) with the xv6 profile. As in xv6, a process's page table maps its user memory
// only, not the kernel's data or stacks: the stub reads a sleeping task's memory through that
// table, and what it does not map through the kernel's (kernel_pagetable), so `thread N` + `bt`
// unwinds the task's kernel stack (it used to stop after sched with "Cannot access memory"),
// while the task's user memory still reads through its own table.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KernelAwareness } from '../../awareness';
import { Machine } from '../../emulator/machine';
import { machineControl } from '../../gdbstub/machine-adapter';
import { startGdbServer, type GdbServer } from '../../gdbstub/server';
import { SymbolFile } from '../../symbols';
import { GdbMi } from '../support/gdb-mi';
import { buildGuest, REPO_ROOT } from '../support/toolchain';

const DIR = join(REPO_ROOT, 'test', 'awareness', 'xv6-shaped');
const FLAGS = ['-O1', '-gdwarf-5', '-ffreestanding', '-fno-optimize-sibling-calls'];

describe('gdbstub: a sleeping xv6-shaped process under gdb-multiarch (its page table maps no kernel)', function () {
  this.timeout(120_000);
  let machine: Machine;
  let server: GdbServer;
  let gdb: GdbMi;
  let kernel: string;

  before(async () => {
    kernel = buildGuest([join(DIR, 'entry.S'), join(DIR, 'kernel.c')], { flags: FLAGS, linkerScript: join(DIR, 'kernel.ld'), name: 'xv6-shaped' });
    const user = buildGuest([join(DIR, 'usys.S'), join(DIR, 'user.c')], { flags: [...FLAGS, '-Ttext=0x1000'], name: 'xv6-shaped-user' });
    const symbols = SymbolFile.open(new Uint8Array(readFileSync(kernel)), { name: kernel });
    const userSyms = SymbolFile.open(new Uint8Array(readFileSync(user)), { name: user });
    machine = new Machine({ kernel: new Uint8Array(readFileSync(kernel)), kernelName: kernel, smp: 2 });
    const addr = (name: string): bigint => symbols.globalVariable(name)!.address;
    const put = async (name: string, v: bigint) => {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, v, true);
      await machine.writeMemory(addr(name), b, { kind: 'physical' });
    };
    await put('user_read_pc', userSyms.symbolizer!.symbolAddress('read')!);
    await put('user_main_pc', userSyms.symbolizer!.symbolAddress('main')! + 4n);
    for (let i = 0; i < 100; i++) {
      machine.runFor(50_000);
      if ((await machine.readMemory(addr('setup_done'), 1, { kind: 'physical' }))[0] === 1) break;
    }
    assert.equal((await machine.readMemory(addr('setup_done'), 1, { kind: 'physical' }))[0], 1, 'the xv6-shaped kernel did not finish its set-up');
    const det = KernelAwareness.open(symbols, machine, { kernelPath: kernel });
    assert.ok(det.ok, det.ok ? '' : det.reason);
    assert.equal(det.awareness.profile.id, 'xv6');
    server = await startGdbServer(machine, { listen: 'tcp::0', control: machineControl(machine, 'Kernel Workbench (test)'), awareness: det.awareness, kernelPath: kernel });
    gdb = await GdbMi.start({ file: kernel, timeoutMs: 60_000 });
    await gdb.command(`-target-select remote ${server.address.replace(/^tcp:/, '')}`);
  });

  after(async () => {
    await gdb?.close();
    await server?.close();
  });

  it('thread N + bt on sleeping processes: the whole kernel stack, read through kernel_pagetable', async () => {
    const threads: Array<{ id: string; 'target-id': string }> = (await gdb.command('-thread-info')).data.threads;
    const want: Record<number, string[]> = {
      2: ['sched', 'sleep', 'consoleread', 'sys_read', 'syscall', 'usertrap'],
      3: ['sched', 'sleep', 'acquiresleep', 'bread', 'sys_write', 'syscall', 'usertrap'],
    };
    for (const [pid, fns] of Object.entries(want)) {
      const t = threads.find((x) => x['target-id'] === `Thread ${pid}`);
      assert.ok(t, JSON.stringify(threads));
      await gdb.console(`thread ${t.id}`);
      const bt = await gdb.console('bt');
      assert.doesNotMatch(bt, /Cannot access memory/, bt);
      const names: string[] = (await gdb.command('-stack-list-frames')).data.stack.map((f: { value: { func?: string } }) => f.value.func ?? '??');
      assert.deepEqual(names.slice(0, fns.length), fns, bt);
    }
  });

  it('the sleeping process\'s user memory still reads through its own page table, kernel data through the kernel\'s', async () => {
    const threads: Array<{ id: string; 'target-id': string }> = (await gdb.command('-thread-info')).data.threads;
    await gdb.console(`thread ${threads.find((x) => x['target-id'] === 'Thread 2')!.id}`);
    assert.match(await gdb.console('x/s 0x1000'), /0x1000:\s+"user memory of pid 2"/);
    assert.match(await gdb.console('print proc[1].pid'), /= 2$/m);
    assert.match(await gdb.console('print bcache.buf[3].lock.pid'), /= 4$/m);
    // an address neither table maps is still an error
    assert.match(await gdb.console('x/gx 0x3000').catch((e: Error) => e.message), /Cannot access memory at address 0x3000/);
  });
});
