// The teaching kernel in guest/, read through its debugger contract (guest/README.md):
// task_table[] and harts[] (idle tasks), struct kcontext saved by switch_to, struct trap_regs
// saved by the trap entries, sleeping locks that record their holder, and module_list with the
// module_loaded / module_unloading hooks. Every offset comes from DWARF.
import type { RegisterSet } from '../../symbols';
import { IDLE_TID_BASE, type ModuleHook, type ModuleFile, type ModuleInfo, type OsProfile, type ProfileContext, type TaskInfo, type TaskRegisters, type TaskState } from '../model';
import { CSR_SATP, gdbCsr, satpMode, type GuestSpace } from '../target';
import type { View } from '../layout';
import { describeAddress } from '../describe';
import { savedContextRegisters, trapRegsAt } from './common';

const STATES: Record<string, TaskState> = {
  TASK_NEW: 'new', TASK_RUNNABLE: 'runnable', TASK_RUNNING: 'running', TASK_SLEEPING: 'sleeping', TASK_ZOMBIE: 'zombie',
};

/** The symbols that say "this is the teaching kernel". */
export const TEACHING_SIGNATURE = ['task_table', 'harts', 'module_list', 'module_loaded'];

export class TeachingProfile implements OsProfile {
  readonly id = 'teaching';
  readonly title = 'Kernel Workbench teaching kernel';

  constructor(private readonly ctx: ProfileContext, private readonly kernelPath?: string) {}

  async kernelSpace(): Promise<GuestSpace> {
    // The kernel's own table (kernel addresses are physical ones, so the global reads
    // physically). A hart's satp is only the fallback: it may still name the table of a task
    // that has just exited and whose pages are already free.
    const kpt = this.ctx.layouts.global('kernel_pagetable');
    const root = kpt && await this.ctx.memory.u64(kpt.address, { kind: 'physical' });
    if (root) return { kind: 'satp', satp: (8n << 60n) | (root >> 12n) };
    for (let h = 0; h < this.ctx.target.features.harts; h++) {
      try {
        const satp = await this.ctx.target.readRegister(h, gdbCsr(CSR_SATP));
        if (satpMode(satp) !== 0) return { kind: 'satp', satp };
      } catch { /* try the next hart */ }
    }
    return { kind: 'physical' };
  }

  async tasks(): Promise<TaskInfo[]> {
    const { layouts, memory, warnings } = this.ctx;
    const task = layouts.struct('struct task');
    const table = layouts.global('task_table');
    if (!table) throw new Error('task_table is not in the kernel');
    const count = Math.min(layouts.arrayCount(table.type) ?? 0, this.ctx.maxWalk);
    const views: View[] = [];
    const bytes = await memory.read(table.address, count * task.size);
    if (!bytes) { warnings.add(`task_table at 0x${table.address.toString(16)} cannot be read`); return []; }
    for (let i = 0; i < count; i++) views.push(task.view(bytes.subarray(i * task.size, (i + 1) * task.size), table.address + BigInt(i * task.size)));
    // idle tasks live in harts[i].idle, outside the table
    const harts = layouts.global('harts');
    const hart = layouts.struct('struct hart');
    const idle: Array<{ view: View; hart: number; current?: bigint }> = [];
    if (harts) {
      const n = Math.min(layouts.arrayCount(harts.type) ?? 0, 64);
      const hb = await memory.read(harts.address, n * hart.size);
      if (hb) for (let i = 0; i < n; i++) {
        const hv = hart.view(hb.subarray(i * hart.size, (i + 1) * hart.size), harts.address + BigInt(i * hart.size));
        if (hv.n('online') === 0) continue;
        const f = hart.field('idle');
        // the idle task's own state stays TASK_RUNNING; it runs only while it is the hart's current
        const current = hart.has('current') ? hv.u('current') : undefined;
        idle.push({ view: task.view(hb.subarray(i * hart.size + f.offset, i * hart.size + f.offset + task.size), hv.addressOf('idle')), hart: i, current });
      }
    }
    const byAddress = new Map<bigint, View>();
    for (const v of views) byAddress.set(v.address, v);
    for (const { view } of idle) byAddress.set(view.address, view);
    const out: TaskInfo[] = [];
    for (const v of views) {
      const stateText = v.enumName('state');
      if (stateText === 'TASK_FREE') continue;
      out.push(await this.info(v, stateText, byAddress, v.n('pid')));
    }
    for (const { view, hart: h, current } of idle) {
      const info = await this.info(view, view.enumName('state'), byAddress, IDLE_TID_BASE + h);
      info.name = info.name || `idle${h}`;
      if (current !== undefined && current !== view.address && info.state === 'running') { info.state = 'idle'; delete info.hart; }
      if (info.state !== 'running') info.state = 'idle';
      out.push(info);
    }
    return out;
  }

  private async info(v: View, stateText: string, byAddress: Map<bigint, View>, tid: number): Promise<TaskInfo> {
    const { memory, layouts } = this.ctx;
    const state = STATES[stateText] ?? 'unknown';
    const t: TaskInfo = {
      tid, pid: v.n('pid'), name: v.text('name'), state, stateText, address: v.address,
      kernelThread: v.u('user_regs') === 0n,
    };
    const hart = v.n('hart');
    if (state === 'running' && hart >= 0 && hart < this.ctx.target.features.harts) t.hart = hart;
    const parent = v.u('parent');
    if (parent !== 0n) t.parentPid = byAddress.get(parent)?.n('pid');
    const pt = v.u('pagetable');
    if (pt !== 0n) t.satp = (8n << 60n) | (pt >> 12n);
    if (state === 'sleeping') {
      const ch = v.u('wait_channel');
      if (ch !== 0n) { t.waitChannel = ch; t.waitText = describeAddress(this.ctx.symbols, layouts, ch); }
      t.waitReason = await memory.cstring(v.u('wait_reason'), 48);
      const lock = v.u('blocked_on');
      if (lock !== 0n) {
        const sl = layouts.struct('struct sleeplock');
        const lb = await memory.read(lock, sl.size);
        t.blockedOn = { address: lock };
        if (lb) {
          const lv = sl.view(lb, lock);
          t.blockedOn.name = await memory.cstring(lv.u('name'), 32);
          const holder = lv.u('holder');
          if (holder !== 0n) { t.blockedOn.holderAddress = holder; t.blockedOn.holderPid = byAddress.get(holder)?.n('pid') ?? lv.n('holder_pid'); }
        }
      }
    }
    return t;
  }

  async savedRegisters(task: TaskInfo): Promise<TaskRegisters | undefined> {
    const layout = this.ctx.layouts.struct('struct task');
    const b = await this.ctx.memory.read(task.address, layout.size);
    if (!b) return undefined;
    const v = layout.view(b, task.address);
    return savedContextRegisters(v, 'context.ra', 'context.sp', 'context.s');
  }

  async modules(): Promise<ModuleInfo[]> {
    const { layouts, memory, warnings, maxWalk } = this.ctx;
    const head = layouts.global('module_list');
    if (!head) return [];
    const mod = layouts.struct('struct module');
    const sec = layouts.struct('struct module_section');
    let p = await memory.u64(head.address);
    const seen = new Set<bigint>();
    const out: ModuleInfo[] = [];
    while (p !== undefined && p !== 0n) {
      if (seen.has(p) || out.length >= Math.min(maxWalk, 256)) { warnings.add(`module_list: the list loops or is too long at 0x${p.toString(16)}; cut off after ${out.length} modules`); break; }
      seen.add(p);
      const b = await memory.read(p, mod.size);
      if (!b) { warnings.add(`module_list: a module at 0x${p.toString(16)} cannot be read; list cut off`); break; }
      const v = mod.view(b, p);
      out.push(this.moduleFrom(v, sec.size));
      p = v.u('next');
    }
    return out;
  }

  private moduleFrom(v: View, secSize: number): ModuleInfo {
    const secs = this.ctx.layouts.struct('struct module_section');
    const f = v.layout.field('sections');
    const max = Math.floor(f.size / secSize);
    const n = Math.max(0, Math.min(v.n('section_count'), max));
    const sections = [];
    for (let i = 0; i < n; i++) {
      const off = f.offset + i * secSize;
      const sv = secs.view(v.bytes.subarray(off, off + secSize), v.address + BigInt(off));
      sections.push({ name: sv.text('name'), address: sv.u('addr'), size: sv.u('size') });
    }
    return { name: v.text('name'), address: v.address, base: v.u('base'), size: v.u('size'), sections };
  }

  moduleHooks(): ModuleHook[] {
    const out: ModuleHook[] = [];
    for (const [symbol, kind] of [['module_loaded', 'load'], ['module_unloading', 'unload']] as const) {
      const a = this.ctx.symbols.symbolizer?.symbolAddress(symbol);
      if (a !== undefined) out.push({ address: a, kind, symbol });
    }
    return out;
  }

  async hookModule(_hook: ModuleHook, hart: number): Promise<ModuleInfo | undefined> {
    const m = await this.ctx.target.readRegister(hart, 10); // a0: struct module *
    const mod = this.ctx.layouts.struct('struct module');
    const b = await this.ctx.memory.read(m, mod.size);
    return b ? this.moduleFrom(mod.view(b, m), this.ctx.layouts.struct('struct module_section').size) : undefined;
  }

  trapFrame(space: GuestSpace, _task?: TaskInfo): (frame: RegisterSet, fn: string | undefined) => Promise<RegisterSet | undefined> {
    // both entries leave sp pointing at the struct trap_regs they filled
    return async (frame, fn) => {
      if (fn !== 'from_user_entry' && fn !== 'from_kernel_entry') return undefined;
      const sp = frame.regs.get(2);
      return sp === undefined ? undefined : trapRegsAt(this.ctx, 'struct trap_regs', sp, space);
    };
  }

  async programPath(task: TaskInfo): Promise<string | undefined> {
    if (task.kernelThread || !this.kernelPath || !task.name) return undefined;
    return `${this.buildDir()}/user/${task.name}`;
  }

  /** The folder of the kernel file (guest/build): user/ and modules/ lie beside it. */
  private buildDir(): string {
    const k = this.kernelPath ?? '';
    const dir = k.replace(/[\\/][^\\/]*$/, '');
    return dir === k ? '.' : dir;
  }

  async userRegisters(task: TaskInfo): Promise<TaskRegisters | undefined> {
    if (task.kernelThread) return undefined;
    const layout = this.ctx.layouts.struct('struct task');
    const b = await this.ctx.memory.read(task.address, layout.size);
    const frame = b && layout.view(b, task.address).u('user_regs');
    if (!frame) return undefined;
    const r = await trapRegsAt(this.ctx, 'struct trap_regs', frame, this.ctx.memory.kernel);
    if (!r) return undefined;
    const x: Array<bigint | undefined> = [];
    for (let i = 0; i < 32; i++) x.push(r.regs.get(i));
    return { pc: r.pc, x, source: 'trap' };
  }

  moduleFile(module: ModuleInfo): ModuleFile {
    return { file: `${module.name}.ko`, defaultDir: this.kernelPath ? `${this.buildDir()}/modules` : undefined };
  }
}
