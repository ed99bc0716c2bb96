// Linux 6.x on RISC-V, read the way Linux's own scripts/gdb helpers read it, with every layout
// from DWARF: tasks from init_task.tasks (processes) and each one's thread_group (threads), plus
// the other CPUs' idle tasks (runqueues' `idle`); a task's saved registers in
// task_struct.thread (ra, sp, s[12], restored by __switch_to); the task running on a hart is
// `tp` in S-mode and `sscratch` in U-mode (Linux keeps tp there while user code runs); the wait
// channel is the first frame outside the scheduler and lock code (as /proc/PID/wchan, bounded by
// __sched_text_* and __lock_text_*); modules from `modules`, with section addresses from
// sect_attrs (what lx-symbols passes to add-symbol-file), layouts before 6.4 (core_layout) and
// after (mem[]). State letters follow the TASK_* bits of include/linux/sched.h, which are ABI
// (they are what /proc shows), not layout.
import type { RegisterSet } from '../../symbols';
import { type Field, type StructLayout, type View } from '../layout';
import { IDLE_TID_BASE, type ModuleFile, type ModuleHook, type ModuleInfo, type ModuleSection, type OsProfile, type ProfileContext, type TaskInfo, type TaskRegisters, type TaskState } from '../model';
import { CSR_SATP, CSR_SSCRATCH, gdbCsr, satpMode, type GuestSpace } from '../target';
import type { TrapFrameCfi } from '../trap-cfi';
import { ABI_NAMES, savedContextRegisters, trapRegsAt } from './common';

const REG_PRIV = 65 + 4096;

/** /proc's state letters by TASK_* bit, lowest first (fs/proc/array.c's order). */
const STATE_BITS: Array<[number, string, TaskState]> = [
  [0x01, 'S', 'sleeping'], [0x02, 'D', 'sleeping'], [0x04, 'T', 'stopped'], [0x08, 't', 'stopped'],
  [0x10, 'X', 'dead'], [0x20, 'Z', 'zombie'], [0x40, 'P', 'sleeping'],
];
const TASK_NOLOAD = 0x400, TASK_UNINTERRUPTIBLE = 0x02, EXIT_ZOMBIE = 0x20, EXIT_DEAD = 0x10;

/** Trap-entry code: a frame here has a struct pt_regs at its sp. */
const TRAP_RETURNS = new Set(['ret_from_exception', 'ret_from_syscall', 'ret_from_syscall_rejected', 'handle_exception', 'ret_from_fork', 'resume_userspace', 'resume_userspace_slow', 'resume_kernel', 'restore_all']);

export class LinuxProfile implements OsProfile {
  readonly id = 'linux';
  readonly title: string;
  private currentByHart?: Map<bigint, number>;

  constructor(private readonly ctx: ProfileContext, private readonly programRoot?: string) {
    this.title = 'Linux';
  }

  private get task(): StructLayout { return this.ctx.layouts.struct('struct task_struct'); }

  async kernelSpace(): Promise<GuestSpace> {
    // Every process's page table maps the kernel; find one hart with paging on, then use the
    // kernel's own root (swapper_pg_dir) through kernel_map's offset, as the kernel computes it.
    this.currentByHart = undefined;
    let hartSatp: bigint | undefined;
    for (let h = 0; h < this.ctx.target.features.harts && hartSatp === undefined; h++) {
      try { const s = await this.ctx.target.readRegister(h, gdbCsr(CSR_SATP)); if (satpMode(s) !== 0) hartSatp = s; } catch { /* next */ }
    }
    if (hartSatp === undefined) return { kind: 'physical' };
    const space: GuestSpace = { kind: 'satp', satp: hartSatp };
    const swapper = this.ctx.layouts.global('swapper_pg_dir');
    const km = this.ctx.layouts.global('kernel_map');
    const kml = this.ctx.layouts.tryStruct('struct kernel_mapping');
    if (swapper && km && kml?.has('va_kernel_pa_offset')) {
      const b = await this.ctx.memory.read(km.address, kml.size, space);
      if (b) {
        const pa = swapper.address - kml.view(b, km.address).u('va_kernel_pa_offset');
        return { kind: 'satp', satp: (BigInt(satpMode(hartSatp)) << 60n) | (BigInt.asUintN(64, pa) >> 12n) };
      }
    }
    return space;
  }

  /** task_struct address → the hart it is current on (tp in S-mode, sscratch in U-mode). */
  private async currents(): Promise<Map<bigint, number>> {
    if (this.currentByHart) return this.currentByHart;
    const m = new Map<bigint, number>();
    for (let h = 0; h < this.ctx.target.features.harts; h++) {
      try {
        const priv = await this.ctx.target.readRegister(h, REG_PRIV);
        if (priv === 3n) continue; // in firmware: the S-mode registers are not the kernel's now
        const cur = priv === 0n ? await this.ctx.target.readRegister(h, gdbCsr(CSR_SSCRATCH)) : await this.ctx.target.readRegister(h, 4);
        if (cur !== 0n) m.set(cur, h);
      } catch { /* unreadable hart */ }
    }
    return (this.currentByHart = m);
  }

  private async readTask(addr: bigint): Promise<View | undefined> {
    const b = await this.ctx.memory.read(addr, this.task.size);
    return b && this.task.view(b, addr);
  }

  /** Follows a list_head member from the task at `from` to the next task. */
  private containerOf(v: View, member: string): bigint {
    return v.u(`${member}.next`) - BigInt(this.task.field(member).offset);
  }

  async tasks(): Promise<TaskInfo[]> {
    const { layouts, warnings, maxWalk } = this.ctx;
    const init = layouts.global('init_task');
    if (!init) throw new Error('init_task is not in the kernel');
    const currents = await this.currents();
    const views: View[] = [];
    const seen = new Set<bigint>();
    // processes through .tasks, each process's threads through .thread_group (lx-ps's walk)
    let g = init.address;
    outer: for (;;) {
      let t = g;
      for (;;) {
        if (seen.has(t)) break;
        if (views.length >= maxWalk) { warnings.add(`task list: more than ${maxWalk} tasks; cut off`); break outer; }
        const v = await this.readTask(t);
        if (!v) { warnings.add(`task list: a task_struct at 0x${t.toString(16)} cannot be read; list cut off`); break outer; }
        seen.add(t);
        views.push(v);
        if (!this.task.has('thread_group')) break;
        t = this.containerOf(v, 'thread_group');
        if (t === g) break;
      }
      const gv = views.find((x) => x.address === g);
      if (!gv) break;
      g = this.containerOf(gv, 'tasks');
      if (g === init.address) break;
      if (seen.has(g)) { warnings.add(`task list: the list loops at 0x${g.toString(16)} without returning to init_task; cut off`); break; }
    }
    // the other CPUs' idle tasks are not on the list (swapper/N)
    const idle = await this.idleTasks(seen);
    const out: TaskInfo[] = [];
    for (const v of views) out.push(await this.info(v, currents, v.address === init.address));
    for (const v of idle) out.push(await this.info(v, currents, true));
    return out;
  }

  private async idleTasks(seen: Set<bigint>): Promise<View[]> {
    const rq = this.ctx.layouts.global('runqueues');
    const rql = this.ctx.layouts.tryStruct('struct rq');
    const offs = this.ctx.layouts.global('__per_cpu_offset');
    if (!rq || !rql?.has('idle')) return [];
    const n = Math.min(this.ctx.target.features.harts, 64);
    const out: View[] = [];
    for (let cpu = 0; cpu < n; cpu++) {
      const off = offs ? await this.ctx.memory.u64(offs.address + BigInt(cpu * 8)) : (cpu === 0 ? 0n : undefined);
      if (off === undefined) continue;
      const p = await this.ctx.memory.u64(BigInt.asUintN(64, rq.address + off) + BigInt(rql.field('idle').offset));
      if (!p || seen.has(p)) continue;
      const v = await this.readTask(p);
      if (v) { seen.add(p); out.push(v); }
    }
    return out;
  }

  private stateOf(v: View): { state: TaskState; text: string } {
    const field = this.task.has('__state') ? '__state' : 'state';
    const s = Number(v.u(field));
    const exit = this.task.has('exit_state') ? Number(v.u('exit_state')) : 0;
    const bits = s | exit;
    if (bits === 0) return { state: 'runnable', text: 'R' };
    if ((s & (TASK_NOLOAD | TASK_UNINTERRUPTIBLE)) === (TASK_NOLOAD | TASK_UNINTERRUPTIBLE)) return { state: 'idle', text: 'I' };
    if (exit & EXIT_ZOMBIE) return { state: 'zombie', text: 'Z' };
    if (exit & EXIT_DEAD) return { state: 'dead', text: 'X' };
    for (const [bit, letter, state] of STATE_BITS) if (s & bit) return { state, text: letter };
    return { state: 'unknown', text: `0x${s.toString(16)}` };
  }

  private async info(v: View, currents: Map<bigint, number>, idle: boolean): Promise<TaskInfo> {
    const pid = v.n('pid');
    const { state, text } = this.stateOf(v);
    const hart = currents.get(v.address);
    const t: TaskInfo = {
      tid: pid === 0 ? IDLE_TID_BASE + (hart ?? (this.task.has('cpu') ? v.n('cpu') : this.task.has('thread_info.cpu') ? v.n('thread_info.cpu') : 0)) : pid,
      pid, name: v.text('comm'), state: hart !== undefined ? 'running' : idle && pid === 0 ? 'idle' : state, stateText: text,
      address: v.address, kernelThread: v.u('mm') === 0n,
    };
    if (hart !== undefined) t.hart = hart;
    const parent = this.task.has('real_parent') ? v.u('real_parent') : 0n;
    if (parent !== 0n && parent !== v.address) {
      const pb = await this.ctx.memory.read(parent + BigInt(this.task.field('pid').offset), 4);
      if (pb) t.parentPid = new DataView(pb.buffer, pb.byteOffset, 4).getInt32(0, true);
    }
    if (!t.kernelThread) t.satp = await this.satpOf(v.u('mm'));
    if (t.state === 'sleeping' || t.state === 'idle' && pid !== 0) {
      const w = await this.wchan(t);
      if (w) { t.waitChannel = w.pc; t.waitText = w.fn; }
    }
    return t;
  }

  /** satp for an mm: its pgd is a linear-map address; PA = VA - kernel_map.va_pa_offset. */
  private async satpOf(mm: bigint): Promise<bigint | undefined> {
    const mml = this.ctx.layouts.tryStruct('struct mm_struct');
    const km = this.ctx.layouts.global('kernel_map');
    const kml = this.ctx.layouts.tryStruct('struct kernel_mapping');
    if (!mml || !km || !kml?.has('va_pa_offset') || !mml.has('pgd')) return undefined;
    const pgd = await this.ctx.memory.u64(mm + BigInt(mml.field('pgd').offset));
    const off = await this.ctx.memory.u64(km.address + BigInt(kml.field('va_pa_offset').offset));
    if (!pgd || off === undefined) return undefined;
    const ks = this.ctx.memory.kernel;
    const mode = ks.kind === 'satp' ? BigInt(satpMode(ks.satp)) : 8n;
    return (mode << 60n) | (BigInt.asUintN(64, pgd - off) >> 12n);
  }

  /** The first frame outside scheduler and lock code, as Linux's get_wchan. */
  private async wchan(t: TaskInfo): Promise<{ pc: bigint; fn: string } | undefined> {
    const regs = await this.savedRegisters(t);
    if (!regs) return undefined;
    const sym = this.ctx.symbols;
    const range = (a: string, b: string): [bigint, bigint] | undefined => {
      const lo = sym.symbolizer?.symbolAddress(a), hi = sym.symbolizer?.symbolAddress(b);
      return lo !== undefined && hi !== undefined ? [lo, hi] : undefined;
    };
    const ranges = [range('__sched_text_start', '__sched_text_end'), range('__lock_text_start', '__lock_text_end')].filter((r): r is [bigint, bigint] => !!r);
    const frames = await sym.backtrace({ pc: regs.pc, regs: new Map(regs.x.map((v, i) => [i, v ?? 0n] as [number, bigint]).filter(([i]) => regs.x[i] !== undefined)) }, this.ctx.memory.reader(), { maxFrames: 16 });
    for (const f of frames) {
      if (f.inlined) continue;
      if (ranges.some(([lo, hi]) => f.pc >= lo && f.pc < hi)) continue;
      return { pc: f.pc, fn: sym.functionAt(f.pc)?.name ?? f.function };
    }
    return undefined;
  }

  async savedRegisters(task: TaskInfo): Promise<TaskRegisters | undefined> {
    const v = await this.readTask(task.address);
    return v && savedContextRegisters(v, 'thread.ra', 'thread.sp', 'thread.s');
  }

  // ---- modules

  async modules(): Promise<ModuleInfo[]> {
    const { layouts, memory, warnings, maxWalk } = this.ctx;
    const head = layouts.global('modules');
    const ml = layouts.tryStruct('struct module');
    if (!head || !ml) return [];
    const listOff = BigInt(ml.field('list').offset);
    const out: ModuleInfo[] = [];
    const seen = new Set<bigint>();
    let p = await memory.u64(head.address);
    while (p !== undefined && p !== head.address) {
      const m = p - listOff;
      if (seen.has(m) || out.length >= Math.min(maxWalk, 1024)) { warnings.add(`modules: the list loops or is too long at 0x${m.toString(16)}; cut off after ${out.length}`); break; }
      seen.add(m);
      const info = await this.moduleAt(m);
      if (!info) { warnings.add(`modules: a module at 0x${m.toString(16)} cannot be read; list cut off`); break; }
      if (!info.going) out.push(info.module);
      p = info.next;
    }
    return out;
  }

  private async moduleAt(m: bigint): Promise<{ module: ModuleInfo; next: bigint; going: boolean } | undefined> {
    const ml = this.ctx.layouts.struct('struct module');
    const b = await this.ctx.memory.read(m, ml.size);
    if (!b) return undefined;
    const v = ml.view(b, m);
    let base = 0n, size = 0n;
    if (ml.has('core_layout.base')) { base = v.u('core_layout.base'); size = v.u('core_layout.size'); } // before 6.4
    else if (ml.has('mem')) { base = v.u('mem'); size = await this.memSpan(v); } // 6.4+: mem[MOD_TEXT] first
    const going = ml.has('state') && /GOING|UNFORMED/.test(v.enumName('state'));
    return { module: { name: v.text('name'), address: m, base, size, sections: await this.sections(v) }, next: v.u('list.next'), going };
  }

  /** 6.4+: the extent of mem[]'s regions. */
  private async memSpan(v: View): Promise<bigint> {
    const f = v.layout.field('mem');
    const mm = this.ctx.layouts.struct('struct module_memory');
    let total = 0n;
    for (let i = 0; (i + 1) * mm.size <= f.size; i++) {
      const b = v.bytes.subarray(f.offset + i * mm.size, f.offset + (i + 1) * mm.size);
      total += BigInt(mm.view(b, 0n).u('size'));
    }
    return total;
  }

  /** sect_attrs: one {address, name} per allocated section with contents, in header order. */
  private async sections(v: View): Promise<ModuleSection[]> {
    const { layouts, memory, warnings } = this.ctx;
    if (!v.layout.has('sect_attrs')) return [];
    const sa = v.u('sect_attrs');
    const sal = layouts.tryStruct('struct module_sect_attrs');
    const one = layouts.tryStruct('struct module_sect_attr');
    if (!sa || !sal || !one) return [];
    const hb = await memory.read(sa, sal.size);
    if (!hb) return [];
    const n = sal.view(hb, sa).n('nsections');
    if (n < 0 || n > 256) { warnings.add(`module ${v.text('name')}: ${n} sections is not believable; sections not read`); return []; }
    const attrs = sa + BigInt(sal.field('attrs').offset);
    const nameField: Field | undefined = one.tryField('battr.attr.name') ?? one.tryField('name');
    const out: ModuleSection[] = [];
    const all = await memory.read(attrs, n * one.size);
    if (!all || !nameField) return [];
    for (let i = 0; i < n; i++) {
      const av = one.view(all.subarray(i * one.size, (i + 1) * one.size), attrs + BigInt(i * one.size));
      const name = await memory.cstring(av.u(nameField === one.tryField('name') ? 'name' : 'battr.attr.name'), 64);
      if (name) out.push({ name, address: av.u('address') });
    }
    return out;
  }

  moduleHooks(): ModuleHook[] {
    const out: ModuleHook[] = [];
    const sym = this.ctx.symbols.symbolizer;
    const load = sym?.symbolAddress('do_init_module');
    if (load !== undefined) out.push({ address: load, kind: 'load', symbol: 'do_init_module' });
    // free_module may be inlined into delete_module: take its out-of-line copy or its inlined instances
    for (const name of ['free_module']) {
      const addrs = sym ? (sym.symbolAddress(name) !== undefined ? [sym.symbolAddress(name)!] : sym.breakpointAddresses(name)) : [];
      for (const a of addrs) out.push({ address: a, kind: 'unload', symbol: name });
    }
    return out;
  }

  async hookModule(hook: ModuleHook, hart: number): Promise<ModuleInfo | undefined> {
    if (hook.kind === 'unload') return undefined; // the module is GOING now and left out of the list
    const m = await this.ctx.target.readRegister(hart, 10); // do_init_module(struct module *mod)
    return (await this.moduleAt(m))?.module;
  }

  /**
   * NAME.ko, in the folders the user configures (there is no host folder to assume). Linux's
   * loader keeps only SHF_ALLOC sections with contents and clears SHF_ALLOC on .modinfo and
   * __versions (it reads them at load), so sect_attrs has no address for those two.
   */
  moduleFile(module: ModuleInfo): ModuleFile {
    return { file: `${module.name}.ko`, dropped: ['.modinfo', '__versions'] };
  }

  /** The guest path of the program a process runs (mm->exe_file's dentries), under programRoot. */
  async programPath(task: TaskInfo): Promise<string | undefined> {
    if (task.kernelThread || this.programRoot === undefined) return undefined;
    const { layouts, memory } = this.ctx;
    const mml = layouts.tryStruct('struct mm_struct'), fl = layouts.tryStruct('struct file'), dl = layouts.tryStruct('struct dentry');
    if (!mml?.has('exe_file') || !fl || !dl) return undefined;
    const mm = await memory.u64(task.address + BigInt(this.task.field('mm').offset));
    const file = mm && await memory.u64(mm + BigInt(mml.field('exe_file').offset));
    let d = file && await memory.u64(file + BigInt(fl.field('f_path.dentry').offset));
    const parts: string[] = [];
    for (let depth = 0; d && depth < 32; depth++) {
      const b = await memory.read(d, dl.size);
      if (!b) return undefined;
      const v = dl.view(b, d);
      const parent = v.u('d_parent');
      if (parent === d) break; // the root
      const name = await memory.cstring(v.u('d_name.name'), 256);
      if (name === undefined) return undefined;
      parts.unshift(name);
      d = parent;
    }
    return parts.length ? `${this.programRoot.replace(/\/$/, '')}/${parts.join('/')}` : undefined;
  }

  /**
   * Linux 6.1's RISC-V entry.S has no CFI. From the end of handle_exception's register saves to
   * restore_all, and in ret_from_fork and ret_from_kernel_thread, sp points at the struct
   * pt_regs it saved: every code address a sleeping task's stack can return to in there (after
   * the system call, ret_from_exception for exceptions and interrupts, the slow path's call of
   * do_notify_resume, the syscall-trace calls, schedule_tail) lies in these ranges.
   */
  trapFrameCfi(): TrapFrameCfi | undefined {
    const sym = this.ctx.symbols;
    const pt = this.ctx.layouts.tryStruct('struct pt_regs');
    const elf = sym.elf;
    if (!pt || !elf || !sym.symbolizer) return undefined;
    const at = (name: string): bigint | undefined => sym.symbolizer!.symbolAddress(name);
    const sized = (name: string): { start: bigint; end: bigint } | undefined => {
      const s = elf.symbols().find((x) => x.name === name && x.size > 0n);
      return s && { start: s.value, end: s.value + s.size };
    };
    const ranges: TrapFrameCfi['ranges'] = [];
    const from = at('handle_syscall'), to = at('restore_all');
    if (from !== undefined && to !== undefined && to > from) ranges.push({ start: from, end: to });
    const he = sized('handle_exception'), slow = at('resume_userspace_slow');
    if (he && slow !== undefined && slow > (to ?? 0n) && slow < he.end) ranges.push({ start: slow, end: he.end });
    for (const name of ['ret_from_fork', 'ret_from_kernel_thread']) { const r = sized(name); if (r) ranges.push(r); }
    const registers = new Map<number, number>();
    ABI_NAMES.forEach((name, i) => { if (i > 0 && pt.has(name)) registers.set(i, pt.field(name).offset); });
    if (!ranges.length || !pt.has('epc') || registers.size < 31) return undefined;
    return { ranges, registers, pc: pt.field('epc').offset };
  }

  trapFrame(space: GuestSpace): (frame: RegisterSet, fn: string | undefined) => Promise<RegisterSet | undefined> {
    return async (frame, fn) => {
      if (!fn || !TRAP_RETURNS.has(fn)) return undefined;
      const sp = frame.regs.get(2);
      return sp === undefined ? undefined : trapRegsAt(this.ctx, 'struct pt_regs', sp, space);
    };
  }
}
