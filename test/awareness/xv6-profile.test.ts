// The xv6 profile without xv6's code (CI cannot fetch xv6; the real kernel is checked locally by
// bench/awareness/xv6-check.ts). test/awareness/xv6-shaped/ is a kernel of our own with xv6's
// global and type names but other member orders and enum values; it runs on our Machine (2
// harts) until its processes sleep in genuine kernel stacks (one in console read, one waiting
// for a buffer sleeplock held by the process spinning on hart 1, one for an inode lock, one in
// wait, a zombie, a fork child not yet run, a half-made USED one, one preempted by a trap taken
// in the kernel). The oracles are the values its
// C code put there (trap frames: x<n> of proc[i] = (i+1)<<32 | 0x100+n), the machine's own
// registers, and the symbols engine's C expressions (gdb's print) for the saved contexts.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTaskTable, KernelAwareness, type GuestSpace, type KernelTarget, type TaskInfo } from '../../awareness';
import { missingFor, PROFILES } from '../../awareness/profiles';
import { Machine } from '../../emulator/machine';
import { sizeOfType, SymbolFile } from '../../symbols';
import { buildGuestKernel } from '../guest/support/build';
import { buildGuest, REPO_ROOT } from '../support/toolchain';

const DIR = join(REPO_ROOT, 'test', 'awareness', 'xv6-shaped');
const FLAGS = ['-O1', '-gdwarf-5', '-ffreestanding', '-fno-optimize-sibling-calls'];
const KERNEL_PATH = '/xv6/kernel/kernel';
const V = (i: number, n: number): bigint => (BigInt(i + 1) << 32n) | BigInt(0x100 + n);
const SV39 = 8n << 60n;

function le64(b: Uint8Array): bigint { return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true); }

/** A target whose reads see `words` (8-byte values by address) in place of memory, and fail inside `holes`. */
function patched(inner: KernelTarget, words: Map<bigint, bigint>, holes: Array<[bigint, bigint]> = []): KernelTarget {
  return {
    features: inner.features,
    readRegister: (h, n) => inner.readRegister(h, n),
    async readMemory(address: bigint, length: number, space?: GuestSpace): Promise<Uint8Array> {
      if (holes.some(([lo, hi]) => address < hi && address + BigInt(length) > lo)) throw new Error('unreadable');
      const out = new Uint8Array(await inner.readMemory(address, length, space));
      for (const [w, v] of words) {
        for (let k = 0n; k < 8n; k++) {
          const a = w + k;
          if (a >= address && a < address + BigInt(length)) out[Number(a - address)] = Number((v >> (8n * k)) & 0xffn);
        }
      }
      return out;
    },
  };
}

/** A promise that must settle within ms (a hang fails the test instead of stalling the run). */
function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms))]);
}

describe('awareness: the xv6 profile on xv6-shaped structures of our own', function () {
  this.timeout(120_000);
  let machine: Machine;
  let symbols: SymbolFile;
  let user: string;
  let aw: KernelAwareness;
  let tasks: TaskInfo[];
  const byPid = (pid: number): TaskInfo => { const t = tasks.find((x) => x.pid === pid); assert.ok(t, `no pid ${pid} in ${formatTaskTable(tasks)}`); return t; };
  const addr = (name: string): bigint => { const g = symbols.globalVariable(name); assert.ok(g, name); return g.address; };
  const procAddr = (i: number): bigint => addr('proc') + BigInt(i * aw.layouts.struct('struct proc').size);
  const open = (target: KernelTarget, kernelPath = KERNEL_PATH): KernelAwareness => {
    const userBytes = new Uint8Array(readFileSync(user));
    const det = KernelAwareness.open(symbols, target, { kernelPath, loadFile: (p) => (/\/user\/_\w+$/.test(p) ? userBytes : undefined) });
    assert.ok(det.ok, det.ok ? '' : det.reason);
    return det.awareness;
  };
  const print = async (expr: string): Promise<bigint> => {
    const r = await symbols.printExpression(expr, undefined, { readMemory: (a, n) => machine.readMemory(a, n, { kind: 'physical' }) });
    assert.ok(r.ok, `${expr}: ${r.text}`);
    return BigInt(r.text.replace(/^.*= /, ''));
  };

  before(async () => {
    const kernel = buildGuest([join(DIR, 'entry.S'), join(DIR, 'kernel.c')], { flags: FLAGS, linkerScript: join(DIR, 'kernel.ld'), name: 'xv6-shaped' });
    user = buildGuest([join(DIR, 'usys.S'), join(DIR, 'user.c')], { flags: [...FLAGS, '-Ttext=0x1000'], name: 'xv6-shaped-user' });
    symbols = SymbolFile.open(new Uint8Array(readFileSync(kernel)), { name: kernel });
    const userSyms = SymbolFile.open(new Uint8Array(readFileSync(user)), { name: user });
    machine = new Machine({ kernel: new Uint8Array(readFileSync(kernel)), kernelName: kernel, smp: 2 });
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
    aw = open(machine);
    tasks = await aw.tasks();
  });

  it('is chosen for an xv6-shaped kernel, and neither it nor the teaching kernel matches the other', () => {
    assert.equal(aw.profile.id, 'xv6');
    const entry = (id: string) => PROFILES.find((p) => p.id === id)!;
    assert.notDeepEqual(missingFor(entry('teaching'), symbols), []);
    assert.notDeepEqual(missingFor(entry('linux'), symbols), []);
    const teaching = buildGuestKernel().kernel;
    const tsyms = SymbolFile.open(new Uint8Array(readFileSync(teaching)), { name: teaching });
    assert.notDeepEqual(missingFor(entry('xv6'), tsyms), []);
    assert.deepEqual(missingFor(entry('teaching'), tsyms), []);
  });

  it('lists proc[] entries that are not UNUSED, with pid, name, state, parent and the hart from cpus[]', () => {
    assert.deepEqual(aw.warnings.list, []);
    const rows = tasks.map((t) => [t.pid, t.name, t.state, t.stateText, t.hart, t.parentPid, t.tid]);
    assert.deepEqual(rows, [
      [1, 'init', 'sleeping', 'SLEEPING', undefined, undefined, 1],
      [2, 'sh', 'sleeping', 'SLEEPING', undefined, 1, 2],
      [3, 'worker', 'sleeping', 'SLEEPING', undefined, 2, 3],
      [4, 'holder', 'running', 'RUNNING', 1, 2, 4],
      [5, 'zombie', 'zombie', 'ZOMBIE', undefined, 2, 5],
      [6, 'child', 'runnable', 'RUNNABLE', undefined, 2, 6],
      [7, '', 'new', 'USED', undefined, undefined, 7],
      [8, 'fs', 'sleeping', 'SLEEPING', undefined, 1, 8],
      [9, 'busy', 'runnable', 'RUNNABLE', undefined, 1, 9],
    ]);
    assert.deepEqual(tasks.map((t) => t.address), [0, 1, 2, 3, 4, 5, 6, 8, 9].map(procAddr));
    assert.ok(tasks.every((t) => !t.kernelThread));
  });

  it('symbolizes wait channels and names the sleeplock and its holder', () => {
    assert.equal(byPid(1).waitText, '&proc[0]');
    assert.equal(byPid(2).waitText, '&cons.r');
    assert.equal(byPid(2).blockedOn, undefined);
    const w = byPid(3);
    assert.equal(w.waitText, '&bcache.buf[3].lock');
    assert.equal(w.waitReason, 'lock buffer');
    assert.deepEqual(w.blockedOn, { address: w.waitChannel, name: 'buffer', holderPid: 4, holderAddress: procAddr(3) });
    // the inode's sleeplock is its first member: the channel is &itable.inode[1] itself
    const fs = byPid(8);
    assert.equal(fs.waitText, '&itable.inode[1]');
    assert.deepEqual(fs.blockedOn, { address: fs.waitChannel, name: 'inode', holderPid: 99 });
    for (const pid of [4, 5, 6, 7]) assert.equal(byPid(pid).waitChannel, undefined);
    const table = formatTaskTable(tasks);
    assert.match(table, /\n\s*3\s+2\s+sleeping\s+worker\s+lock buffer \(&bcache\.buf\[3\]\.lock\) held by pid 4\n/);
    assert.match(table, /\n\s*4\s+2\s+running\/1\s+holder\s*\n/);
  });

  it('gives the address-space root and reads user memory through it', async () => {
    const sh = byPid(2);
    const upt = await machine.readMemory(procAddr(1) + BigInt(aw.layouts.struct('struct proc').field('pagetable').offset), 8, { kind: 'physical' });
    assert.equal(sh.satp, SV39 | (le64(upt) >> 12n));
    const text = await aw.memory.read(0x1000n, 20, aw.addressSpace(sh));
    assert.equal(Buffer.from(text!).toString('latin1'), 'user memory of pid 2');
    // kernel structures are read through kernel_pagetable
    assert.deepEqual(aw.memory.kernel, { kind: 'satp', satp: SV39 | (le64(await machine.readMemory(addr('kernel_pagetable'), 8, { kind: 'physical' })) >> 12n) });
  });

  it('gives the live hart registers for the running process and the saved context otherwise', async () => {
    const live = await aw.registers(byPid(4));
    assert.equal(live?.source, 'live');
    assert.equal(live!.pc, await machine.readRegister(1, 32));
    assert.equal(live!.x[2], await machine.readRegister(1, 2));
    const sh = byPid(2);
    const saved = await aw.registers(sh);
    assert.equal(saved?.source, 'saved');
    assert.equal(symbols.functionAt(saved!.pc)?.name, 'sched');
    assert.equal(saved!.pc, await print('proc[1].context.ra'));
    assert.equal(saved!.x[2], await print('proc[1].context.sp'));
    const S = [8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27];
    for (let k = 0; k < 12; k++) assert.equal(saved!.x[S[k]], await print(`proc[1].context.s${k}`), `s${k}`);
    assert.equal(saved!.x[10], undefined, 'a saved context has no caller-saved registers');
  });

  it('returns p->trapframe at usertrap and forkret, and the user registers from it', async () => {
    const sh = byPid(2);
    const hook = aw.profile.trapFrame(aw.memory.kernel, sh)!;
    const frame = { pc: 0n, regs: new Map<number, bigint>(), how: 'cfi' as const };
    assert.equal(await hook(frame, 'syscall'), undefined);
    const t = await hook(frame, 'usertrap');
    assert.ok(t);
    const userSyms = SymbolFile.open(new Uint8Array(readFileSync(user)), { name: user });
    assert.equal(t.pc, userSyms.symbolizer!.symbolAddress('read'));
    assert.equal(t.regs.get(1), userSyms.symbolizer!.symbolAddress('main')! + 4n);
    assert.equal(t.regs.get(2), 0x1ff0n);
    for (let n = 3; n < 32; n++) if (n !== 17) assert.equal(t.regs.get(n), V(1, n), `x${n}`);
    assert.equal(t.regs.get(17), 5n);
    assert.deepEqual(await hook(frame, 'forkret'), t);
    const ur = await aw.userRegisters(sh);
    assert.equal(ur?.source, 'trap');
    assert.equal(ur!.pc, t.pc);
    assert.equal(ur!.x[10], V(1, 10));
    // a USED process's trap frame is a fresh page, not yet a user context
    assert.equal(await aw.profile.trapFrame(aw.memory.kernel, byPid(7))!(frame, 'forkret'), undefined);
    assert.equal(await aw.userRegisters(byPid(7)), undefined);
  });

  it('unwinds each process from its switch point through usertrap into its user program', async () => {
    const want: Record<number, string[]> = {
      1: ['sched', 'sleep', 'wait', 'sys_wait', 'syscall', 'usertrap'],
      2: ['sched', 'sleep', 'consoleread', 'sys_read', 'syscall', 'usertrap'],
      3: ['sched', 'sleep', 'acquiresleep', 'bread', 'sys_write', 'syscall', 'usertrap'],
      4: ['sys_spin', 'syscall', 'usertrap'],
      5: ['sched', 'exit', 'sys_exit', 'syscall', 'usertrap'],
      6: ['forkret'],
      7: ['forkret'],
      8: ['sched', 'sleep', 'acquiresleep', 'ilock', 'sys_open', 'syscall', 'usertrap'],
      // through a trap taken in the kernel: kernelvec's save area decoded from its code, the pc from kerneltrap's `sepc`
      9: ['sched', 'yield', 'kerneltrap', 'kernelvec', 'compute', 'sys_compute', 'syscall', 'usertrap'],
    };
    for (const t of tasks) {
      const bt = await aw.backtrace(t);
      assert.deepEqual(bt.filter((f) => f.space === 'kernel').map((f) => f.function), want[t.pid], `pid ${t.pid}`);
      const userFrames = bt.filter((f) => f.space === 'user');
      if (t.pid === 9) {
        const c = bt.find((f) => f.function === 'compute')!;
        assert.equal(c.machine.how, 'trap');
        const ecall = await machine.readMemory(c.pc, 4, { kind: 'physical' });
        assert.deepEqual([...ecall], [0x73, 0, 0, 0], 'the interrupted pc is the ecall');
        assert.equal(c.machine.regs.get(2), bt.find((f) => f.function === 'kernelvec')!.machine.regs.get(2)! + 272n, 'sp before kernelvec made room');
      }
      if (t.pid === 7) { assert.deepEqual(userFrames, [], 'a USED process has no user context yet'); continue; }
      assert.deepEqual(userFrames.map((f) => [f.function, f.program]), [['read', '/xv6/user/_' + t.name], ['main', '/xv6/user/_' + t.name]], `pid ${t.pid}`);
    }
    assert.deepEqual(aw.warnings.list, []);
  });

  it('maps a process to XV6/user/_NAME beside XV6/kernel/kernel, whatever the kernel path looks like', async () => {
    const sh = byPid(2);
    assert.equal((await aw.program(sh))?.path, '/xv6/user/_sh');
    assert.equal(await aw.profile.programPath!(sh), '/xv6/user/_sh');
    assert.equal(await open(machine, 'kernel/kernel').profile.programPath!(sh), './user/_sh');
    assert.equal(await open(machine, 'kernel').profile.programPath!(sh), '../user/_sh');
    assert.deepEqual(await aw.modules(), []);
    assert.deepEqual(aw.moduleHooks(), []);
  });

  it('cuts off wild pointers with warnings: no throw, no hang', async () => {
    const proc = aw.layouts.struct('struct proc');
    const cpu = aw.layouts.struct('struct cpu');
    const sl = aw.layouts.struct('struct sleeplock');
    const at = (i: number, path: string) => procAddr(i) + BigInt(proc.field(path).offset);
    const words = new Map<bigint, bigint>([
      [at(1, 'parent'), 0xdead_beef_0000_0000n],
      [at(1, 'trapframe'), 0xffff_ffc0_0000_0000n],
      [at(0, 'chan'), 0x7000_0000n],
      [at(0, 'state'), 42n], // padding follows the 4-byte enum
      [at(2, 'context.sp'), 0n],
      [at(2, 'context.ra'), 0x1234n],
      [at(8, 'chan'), 0x8000_0003n], // inside code: no type there
      [at(5, 'trapframe'), procAddr(5)], // points at the proc itself
      [addr('cpus') + BigInt(cpu.size + cpu.field('proc').offset), 0x8000_0008n],
      [BigInt(byPid(3).waitChannel!) + BigInt(sl.field('name').offset), 0x6000_0000n],
    ]);
    // names without their NUL
    for (let k = 0; k < 16; k += 8) words.set(at(4, 'name') + BigInt(k), 0x4141_4141_4141_4141n);
    const bad = open(patched(machine, words));
    const ts = await within(10_000, bad.tasks(), 'tasks');
    assert.equal(ts.length, 9);
    const p = (pid: number) => ts.find((t) => t.pid === pid)!;
    assert.equal(p(1).state, 'unknown');
    assert.equal(p(1).stateText, '42');
    assert.equal(p(2).parentPid, undefined);
    assert.equal(p(4).state, 'running', 'RUNNING in proc[], but cpus[1].proc is no proc[] entry: no hart');
    assert.equal(p(4).hart, undefined);
    assert.equal(p(5).name, 'A'.repeat(16));
    assert.equal(p(8).waitText, `<${symbols.symbolAt(0x8000_0003n)!.name}+3>`);
    assert.equal(p(8).blockedOn, undefined);
    assert.equal(p(3).blockedOn?.name, undefined, 'the lock name pointer is wild');
    assert.equal(p(3).blockedOn?.holderPid, 4);
    for (const t of ts) {
      const bt = await within(10_000, bad.backtrace(t), `backtrace of ${t.pid}`);
      assert.ok(bt.length <= 64);
      await within(10_000, bad.userRegisters(t), `user registers of ${t.pid}`);
    }
    assert.deepEqual((await bad.backtrace(p(2))).filter((f) => f.space === 'user'), [], 'the trap frame is unreadable');
    assert.ok(bad.warnings.list.some((w) => /pid 2: parent 0xdeadbeef00000000 is not an entry of proc\[\]/.test(w)), bad.warnings.list.join('\n'));
    assert.ok(bad.warnings.list.some((w) => /cpus\[1\]\.proc = 0x80000008 is not an entry of proc\[\]/.test(w)), bad.warnings.list.join('\n'));
    // proc[] itself unreadable: an empty list and one warning
    const gone = open(patched(machine, new Map(), [[addr('proc'), addr('proc') + 8n]]));
    assert.deepEqual(await gone.tasks(), []);
    assert.ok(gone.warnings.list.some((w) => /^proc\[\] at 0x[0-9a-f]+ cannot be read$/.test(w)), gone.warnings.list.join('\n'));
  });

  it('survives random corruption of every table it reads (fixed seeds)', async () => {
    const regions: Array<[bigint, bigint]> = [];
    for (const name of ['proc', 'cpus', 'bcache', 'itable', 'cons']) {
      const g = symbols.globalVariable(name)!;
      const size = sizeOfType(g.type);
      regions.push([g.address, g.address + BigInt(size)]);
    }
    for (const t of tasks) { const r = await aw.registers(t); if (r?.x[2]) regions.push([r.x[2] & ~0xfffn, (r.x[2] & ~0xfffn) + 0x1000n]); }
    let x = 12345;
    const rnd = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 0x1_0000_0000; };
    const wild = () => [0n, 0xdead_beef_0000_0000n, 0x7000_0000n, regions[0][0] + BigInt(Math.floor(rnd() * 4096) & ~7), BigInt(Math.floor(rnd() * 2 ** 32)) << 32n][Math.floor(rnd() * 5)];
    for (let seed = 0; seed < 30; seed++) {
      const words = new Map<bigint, bigint>();
      for (const [lo, hi] of regions) for (let a = lo; a < hi; a += 8n) if (rnd() < 0.04) words.set(a, wild());
      const bad = open(patched(machine, words));
      const ts = await within(10_000, bad.tasks(), `seed ${seed}: tasks`);
      assert.ok(ts.length <= 10);
      formatTaskTable(ts);
      for (const t of ts) {
        await within(10_000, bad.backtrace(t), `seed ${seed}: backtrace of pid ${t.pid}`);
        await within(10_000, bad.userRegisters(t), `seed ${seed}: user registers of pid ${t.pid}`);
      }
      await bad.deadlocks();
    }
  });
});
