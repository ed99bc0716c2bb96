// xv6-riscv (mit-pdos/xv6-riscv), unmodified, read from its own tables with every layout from
// DWARF (a student's reordered or extended `struct proc` changes nothing here):
//   - tasks are the proc[] entries that are not UNUSED; which hart runs which process comes from
//     cpus[i].proc (index = hart id), not from the state word: a process that is on its way into
//     sched() (already SLEEPING or RUNNABLE) still owns the hart and its live registers. A hart in
//     scheduler() has cpus[i].proc == 0; xv6 has no idle task and none is invented.
//   - a sleeping process's registers are p->context (ra, sp, s0..s11), saved by swtch; the
//     kernel stack then runs back to usertrap, which uservec entered by a jump with the user
//     registers stored in p->trapframe (not on the stack), so the trap-frame hook answers at
//     usertrap (and at forkret, the bottom of a new child's stack) with p->trapframe. A trap
//     taken in the kernel goes through kernelvec, which pushes the registers on the stack (where,
//     is read from its own instructions) and leaves the interrupted pc to kerneltrap's `sepc`.
//   - a process waiting for a sleeplock sleeps on the lock itself (acquiresleep: sleep(lk, ...)),
//     and the lock records its holder's pid: the wait channel's type says which waits are those.
//   - kernel structures are read through kernel_pagetable: kernel data is direct-mapped
//     (virtual == physical) but the kernel stacks are not (KSTACK(p), high in the table).
//   - a process's program is XV6/user/_NAME beside XV6/kernel/kernel. No modules.
import type { MachineFrame, RegisterSet } from '../../symbols';
import { describeAddress, typesAt } from '../describe';
import { AwarenessError } from '../errors';
import type { StructLayout, View } from '../layout';
import type { ModuleHook, ModuleInfo, OsProfile, ProfileContext, TaskInfo, TaskRegisters, TaskState } from '../model';
import { gdbCsr, type GuestSpace } from '../target';
import { savedContextRegisters, trapRegsAt } from './common';

/** enum procstate, by enumerator name (the values come from DWARF). */
const STATES: Record<string, TaskState> = {
  USED: 'new', SLEEPING: 'sleeping', RUNNABLE: 'runnable', RUNNING: 'running', ZOMBIE: 'zombie',
};

/** Functions at the bottom of a process's kernel stack, below which its user context lies in p->trapframe. */
const USER_ENTRIES = new Set(['usertrap', 'forkret']);

const SV39 = 8n << 60n;
const CSR_SEPC = 0x141;

export class Xv6Profile implements OsProfile {
  readonly id = 'xv6';
  readonly title = 'xv6-riscv';

  private kvLayout?: { size: number; slots: Map<number, number> } | null;

  constructor(private readonly ctx: ProfileContext, private readonly kernelPath?: string) {}

  private get proc(): StructLayout { return this.ctx.layouts.struct('struct proc'); }

  async kernelSpace(): Promise<GuestSpace> {
    // kernel_pagetable is a kernel pointer, i.e. a physical address, in a direct-mapped global;
    // until kvminit has built it, paging is off and physical reads are the kernel's view.
    const kpt = this.ctx.layouts.global('kernel_pagetable');
    const root = kpt && await this.ctx.memory.u64(kpt.address, { kind: 'physical' });
    return root ? { kind: 'satp', satp: SV39 | (root >> 12n) } : { kind: 'physical' };
  }

  /** proc[] (bounded by maxWalk) as views; undefined when it cannot be read. */
  private async procs(): Promise<View[] | undefined> {
    const { layouts, memory, warnings } = this.ctx;
    const table = layouts.global('proc');
    if (!table) throw new AwarenessError('proc[] is not in the kernel\'s debug information');
    const layout = this.proc;
    const count = Math.min(layouts.arrayCount(table.type) ?? 0, this.ctx.maxWalk);
    const bytes = await memory.read(table.address, count * layout.size);
    if (!bytes) { warnings.add(`proc[] at 0x${table.address.toString(16)} cannot be read`); return undefined; }
    const out: View[] = [];
    for (let i = 0; i < count; i++) out.push(layout.view(bytes.subarray(i * layout.size, (i + 1) * layout.size), table.address + BigInt(i * layout.size)));
    return out;
  }

  /** proc address → hart, from cpus[i].proc; pointers that are not proc[] entries are warned about. */
  private async harts(byAddress: Map<bigint, View>): Promise<Map<bigint, number>> {
    const { layouts, memory, warnings, target } = this.ctx;
    const m = new Map<bigint, number>();
    const cpus = layouts.global('cpus');
    const cpu = layouts.tryStruct('struct cpu');
    if (!cpus || !cpu) return m;
    const n = Math.min(layouts.arrayCount(cpus.type) ?? 0, target.features.harts, 256);
    const b = await memory.read(cpus.address, n * cpu.size);
    if (!b) { warnings.add(`cpus[] at 0x${cpus.address.toString(16)} cannot be read`); return m; }
    for (let i = 0; i < n; i++) {
      const p = cpu.view(b.subarray(i * cpu.size, (i + 1) * cpu.size), cpus.address + BigInt(i * cpu.size)).u('proc');
      if (p === 0n) continue;
      if (byAddress.has(p)) m.set(p, i);
      else warnings.add(`cpus[${i}].proc = 0x${p.toString(16)} is not an entry of proc[]`);
    }
    return m;
  }

  async tasks(): Promise<TaskInfo[]> {
    const views = await this.procs();
    if (!views) return [];
    const byAddress = new Map(views.map((v) => [v.address, v]));
    const onHart = await this.harts(byAddress);
    const out: TaskInfo[] = [];
    for (const v of views) {
      const stateText = v.enumName('state');
      if (stateText === 'UNUSED' && !onHart.has(v.address)) continue;
      out.push(await this.info(v, stateText, byAddress, onHart));
    }
    return out;
  }

  private async info(v: View, stateText: string, byAddress: Map<bigint, View>, onHart: Map<bigint, number>): Promise<TaskInfo> {
    const { layouts, symbols, warnings } = this.ctx;
    const pid = v.n('pid');
    const hart = onHart.get(v.address);
    const pt = v.u('pagetable');
    const t: TaskInfo = {
      tid: pid, pid, name: v.text('name'), state: hart !== undefined ? 'running' : STATES[stateText] ?? 'unknown', stateText,
      address: v.address, kernelThread: pt === 0n, // every xv6 process has a user page table once allocated
    };
    if (hart !== undefined) t.hart = hart;
    if (pt !== 0n) t.satp = SV39 | (pt >> 12n);
    const parent = v.u('parent');
    if (parent !== 0n) {
      const pv = byAddress.get(parent);
      if (pv) t.parentPid = pv.n('pid');
      else warnings.add(`pid ${pid}: parent 0x${parent.toString(16)} is not an entry of proc[]`);
    }
    const chan = v.u('chan');
    if (t.state === 'sleeping' && chan !== 0n) {
      t.waitChannel = chan;
      t.waitText = describeAddress(symbols, layouts, chan);
      // acquiresleep(lk) sleeps on lk itself: a channel that is a struct sleeplock is a lock wait
      if (typesAt(symbols, layouts, chan).some((ty) => ty.kind === 'struct' && ty.name === 'sleeplock')) await this.lockWait(t, chan, byAddress);
    }
    return t;
  }

  private async lockWait(t: TaskInfo, lock: bigint, byAddress: Map<bigint, View>): Promise<void> {
    const { layouts, memory } = this.ctx;
    const sl = layouts.struct('struct sleeplock');
    t.blockedOn = { address: lock };
    const b = await memory.read(lock, sl.size);
    if (!b) return;
    const lv = sl.view(b, lock);
    if (sl.has('name')) t.blockedOn.name = await memory.cstring(lv.u('name'), 32);
    if (t.blockedOn.name) t.waitReason = `lock ${t.blockedOn.name}`;
    if (lv.u('locked') === 0n || !sl.has('pid')) return; // released, the sleeper not yet woken
    const holder = lv.n('pid');
    t.blockedOn.holderPid = holder;
    for (const pv of byAddress.values()) if (pv.n('pid') === holder && pv.enumName('state') !== 'UNUSED') { t.blockedOn.holderAddress = pv.address; break; }
  }

  private async readProc(task: TaskInfo): Promise<View | undefined> {
    const b = await this.ctx.memory.read(task.address, this.proc.size);
    return b && this.proc.view(b, task.address);
  }

  async savedRegisters(task: TaskInfo): Promise<TaskRegisters | undefined> {
    const v = await this.readProc(task);
    if (!v) return undefined;
    const s = this.proc.has('context.s') ? 'context.s' : Array.from({ length: 12 }, (_, i) => `context.s${i}`);
    return savedContextRegisters(v, 'context.ra', 'context.sp', s);
  }

  /**
   * p->trapframe, a kernel (physical, direct-mapped) pointer; undefined when not set, or while
   * the process is USED (allocproc has given it a fresh page that fork has not filled yet).
   */
  private async trapframeOf(task: TaskInfo): Promise<bigint | undefined> {
    if (task.kernelThread || task.stateText === 'USED') return undefined;
    const v = await this.readProc(task);
    const tf = v?.u('trapframe');
    return tf || undefined;
  }

  trapFrame(space: GuestSpace, task: TaskInfo): (frame: MachineFrame, fn: string | undefined) => Promise<RegisterSet | undefined> {
    let kerneltrap: MachineFrame | undefined; // the frame above kernelvec's, whose `sepc` local holds the interrupted pc
    return async (frame, fn) => {
      if (fn === 'kerneltrap') kerneltrap = frame;
      if (fn === 'kernelvec' && frame.how !== 'innermost') return this.kernelvecFrame(frame, kerneltrap, task, space);
      if (!fn || !USER_ENTRIES.has(fn)) return undefined;
      const tf = await this.trapframeOf(task);
      return tf === undefined ? undefined : trapRegsAt(this.ctx, 'struct trapframe', tf, space);
    };
  }

  /**
   * A trap taken in the kernel: kernelvec pushed the registers on the stack and called kerneltrap,
   * which keeps the interrupted pc in its local `sepc` (it may yield before restoring it). Where
   * kernelvec put each register is read from its own `addi sp,sp,-N` and `sd reg,off(sp)`
   * instructions, so an edited kernelvec.S still unwinds; the pc is the hart's sepc while the task
   * runs there, else the value of kerneltrap's `sepc` in its frame (DWARF location).
   */
  private async kernelvecFrame(frame: MachineFrame, kerneltrap: MachineFrame | undefined, task: TaskInfo, space: GuestSpace): Promise<RegisterSet | undefined> {
    const { symbols, memory, target } = this.ctx;
    const sp = frame.regs.get(2);
    const layout = await this.kernelvecLayout();
    if (sp === undefined || !layout) return undefined;
    let pc: bigint | undefined;
    if (task.state === 'running' && task.hart !== undefined) pc = await target.readRegister(task.hart, gdbCsr(CSR_SEPC)).catch(() => undefined);
    else if (kerneltrap) {
      const ctx = { pc: kerneltrap.pc, regs: kerneltrap.regs, innermost: kerneltrap.how === 'innermost', cfa: frame.cfa };
      const r = await symbols.printExpression('sepc', ctx, memory.reader(space));
      if (r.ok && /^(\$\d+ = )?\d+$/.test(r.text)) pc = BigInt(r.text.replace(/^.*= /, ''));
    }
    if (pc === undefined) return undefined;
    const b = await memory.read(sp, layout.size, space);
    if (!b) return undefined;
    const dv = new DataView(b.buffer, b.byteOffset, b.length);
    const regs = new Map<number, bigint>([[0, 0n]]);
    for (const [reg, off] of layout.slots) regs.set(reg, dv.getBigUint64(off, true));
    regs.set(2, sp + BigInt(layout.size)); // it stored sp after making room
    return { pc, regs };
  }

  /** kernelvec's stack frame, decoded from its first instructions up to its first call; cached. */
  private async kernelvecLayout(): Promise<{ size: number; slots: Map<number, number> } | undefined> {
    if (this.kvLayout !== undefined) return this.kvLayout ?? undefined;
    const at = this.ctx.symbols.symbolizer?.symbolAddress('kernelvec');
    const code = at === undefined ? undefined : await this.ctx.memory.read(at, 256);
    if (!code) return undefined; // unreadable now; try again at the next stop
    this.kvLayout = decodeKernelvec(code) ?? null;
    return this.kvLayout ?? undefined;
  }

  async userRegisters(task: TaskInfo): Promise<TaskRegisters | undefined> {
    const tf = await this.trapframeOf(task);
    const r = tf === undefined ? undefined : await trapRegsAt(this.ctx, 'struct trapframe', tf, this.ctx.memory.kernel);
    if (!r) return undefined;
    const x: Array<bigint | undefined> = [];
    for (let i = 0; i < 32; i++) x.push(r.regs.get(i));
    return { pc: r.pc, x, source: 'trap' };
  }

  async programPath(task: TaskInfo): Promise<string | undefined> {
    if (task.kernelThread || !this.kernelPath || !task.name) return undefined;
    // XV6/kernel/kernel → XV6/user/_NAME (exec names a process after its path's last element)
    const up = (p: string): string => { const d = p.replace(/[\\/][^\\/]*$/, ''); return d === p ? '.' : d || '/'; };
    const kdir = up(this.kernelPath);
    const root = kdir === '.' ? '..' : up(kdir);
    return `${root}/user/_${task.name}`;
  }

  async modules(): Promise<ModuleInfo[]> { return []; }

  moduleHooks(): ModuleHook[] { return []; }
}

/**
 * A trap entry's save area from its code: `addi sp,sp,-N` (or c.addi16sp), then `sd xR,off(sp)`
 * (or c.sdsp) for each register, up to the first jump or call. Undefined when it is not that shape.
 */
export function decodeKernelvec(code: Uint8Array): { size: number; slots: Map<number, number> } | undefined {
  const sext = (v: number, bits: number): number => (v << (32 - bits)) >> (32 - bits);
  let size = 0;
  const slots = new Map<number, number>();
  for (let i = 0; i + 2 <= code.length;) {
    const lo = code[i] | (code[i + 1] << 8);
    if ((lo & 3) !== 3) { // compressed
      const op = lo & 3, f3 = lo >> 13, rd = (lo >> 7) & 31;
      if (op === 1 && f3 === 3 && rd === 2) size = -sext(((lo >> 12) & 1) << 9 | ((lo >> 6) & 1) << 4 | ((lo >> 5) & 1) << 6 | ((lo >> 3) & 3) << 7 | ((lo >> 2) & 1) << 5, 10);
      else if (op === 1 && f3 === 0 && rd === 2) size = -sext(((lo >> 12) & 1) << 5 | ((lo >> 2) & 31), 6);
      else if (op === 2 && f3 === 7) slots.set((lo >> 2) & 31, ((lo >> 10) & 7) << 3 | ((lo >> 7) & 7) << 6);
      else if ((op === 2 && f3 === 4 && ((lo >> 2) & 31) === 0 && rd !== 0) || (op === 1 && f3 === 5)) break; // c.jr/c.jalr, c.j
      i += 2;
      continue;
    }
    if (i + 4 > code.length) break;
    const w = (lo | (code[i + 2] << 16) | (code[i + 3] << 24)) >>> 0;
    const opcode = w & 0x7f, f3 = (w >> 12) & 7, rd = (w >> 7) & 31, rs1 = (w >> 15) & 31;
    if (opcode === 0x13 && f3 === 0 && rd === 2 && rs1 === 2) size = -sext(w >>> 20, 12);
    else if (opcode === 0x23 && f3 === 3 && rs1 === 2) slots.set((w >> 20) & 31, sext(((w >>> 25) << 5) | ((w >> 7) & 31), 12));
    else if (opcode === 0x6f || opcode === 0x67 || opcode === 0x17) break; // jal, jalr, auipc (a call)
    i += 4;
  }
  return size > 0 && slots.has(1) && [...slots.values()].every((o) => o >= 0 && o + 8 <= size) ? { size, slots } : undefined;
}
