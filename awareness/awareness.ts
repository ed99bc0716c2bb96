// KernelAwareness: the one object consumers hold. It picks the OS profile from the kernel's
// symbols (or takes the one configured), and answers per stop: the tasks, each task's registers
// and backtrace (kernel stack, through the trap frame into the user program with that program's
// symbols), modules, module hooks, deadlocks. Answers are cached until `invalidate()` (call it
// whenever the machine has run). Nothing throws past it: problems become `warnings`.
import { SymbolFile, type Frame, type RegisterSet, type UnwindOptions } from '../symbols';
import { findDeadlocks, type DeadlockCycle } from './deadlock';
import { Warnings } from './errors';
import { Layouts } from './layout';
import { registerSet, type ModuleHook, type ModuleInfo, type OsProfile, type ProfileContext, type TaskInfo, type TaskRegisters } from './model';
import { missingFor, PROFILES, type ProfileId } from './profiles';
import { trapCfiObject, type CfiObject } from './trap-cfi';
import { GDB_PC, GuestMemory, type GuestSpace, type KernelTarget } from './target';

export interface AwarenessOptions {
  /** 'auto' (default) picks by symbols; 'none' turns awareness off. */
  profile?: 'auto' | 'none' | ProfileId;
  /** Path of the kernel ELF (default program paths are relative to it). */
  kernelPath?: string;
  /** Host directory standing for the guest's root file system (Linux programs by guest path). */
  programRoot?: string;
  /** Program name → ELF path, overriding the profile's default mapping. */
  programs?: Record<string, string>;
  /** Reads a file (user programs, module objects); without it no program symbols are loaded. */
  loadFile?: (path: string) => Uint8Array | undefined;
  /** Bound of every walk over guest lists (default 4096). */
  maxWalk?: number;
  /** Folders searched for module objects (`NAME.ko`) before the profile's default folder. */
  moduleDirs?: string[];
}

/** A module's object file on the host and where each of its allocated sections was loaded. */
export interface ModuleObject {
  path: string;
  /** One address per SHF_ALLOC section of the file, in section-header order (gdb's <section> list). */
  sections: Array<{ name: string; address: bigint }>;
  /**
   * What a debugger must load instead of the file at `path`, when the file links an allocated
   * section at an address other than 0 (RISC-V Linux modules: .plt, .got, .got.plt): the same
   * bytes with those addresses 0. gdb places the sections of a relocatable object where the
   * library list says, and relocates its DWARF to match, only when every allocated section is
   * linked at 0 (otherwise it relocates all debug information by .text's address alone, and
   * .init.text, .exit.text and the data are named wrongly: a breakpoint's pc in .text read as
   * kwbdemo_exit, checked with gdb-multiarch 13.1).
   */
  bytes?: Uint8Array;
}

/** A copy of an ELF64 little-endian object with every allocated section's sh_addr set to 0 (undefined: no section needs it). */
function zeroSectionAddresses(bytes: Uint8Array, sections: ReadonlyArray<{ index: number; flags: bigint; addr: bigint }>): Uint8Array | undefined {
  const moved = sections.filter((s) => (s.flags & 2n) !== 0n && s.addr !== 0n);
  if (!moved.length || bytes[4] !== 2 || bytes[5] !== 1) return undefined;
  const copy = new Uint8Array(bytes);
  const dv = new DataView(copy.buffer);
  const shoff = Number(dv.getBigUint64(0x28, true));
  const shentsize = dv.getUint16(0x3a, true);
  for (const s of moved) dv.setBigUint64(shoff + s.index * shentsize + 0x10, 0n, true);
  return copy;
}

export type Detection = { ok: true; awareness: KernelAwareness } | { ok: false; reason: string };

export interface TaskFrame extends Frame {
  space: 'kernel' | 'user';
  /** The program whose symbols name a user frame. */
  program?: string;
}

const REG_PRIV = 65 + 4096;

export class KernelAwareness {
  readonly warnings = new Warnings();
  readonly memory: GuestMemory;
  readonly layouts: Layouts;
  private taskCache?: Promise<TaskInfo[]>;
  private moduleCache?: Promise<ModuleInfo[]>;
  private spaceReady?: Promise<void>;
  private readonly programs = new Map<string, SymbolFile | null>();
  private cfi?: CfiObject | null;

  private constructor(readonly symbols: SymbolFile, readonly target: KernelTarget, readonly profile: OsProfile, readonly ctx: ProfileContext, private readonly opts: AwarenessOptions) {
    this.memory = ctx.memory;
    this.layouts = ctx.layouts;
  }

  /** Chooses the profile; `ok: false` carries a one-line reason (harts stay threads then). */
  static open(symbols: SymbolFile, target: KernelTarget, opts: AwarenessOptions = {}): Detection {
    const want = opts.profile ?? 'auto';
    if (want === 'none') return { ok: false, reason: 'kernel awareness is off (profile "none")' };
    if (!symbols.ok) return { ok: false, reason: 'the kernel file has no symbols to recognise an OS by' };
    const layouts = new Layouts(symbols);
    const ctx: ProfileContext = { symbols, layouts, memory: new GuestMemory(target), target, warnings: new Warnings(), maxWalk: opts.maxWalk ?? 4096 };
    const tried: string[] = [];
    for (const entry of PROFILES) {
      if (want !== 'auto' && entry.id !== want) continue;
      const miss = missingFor(entry, symbols);
      if (miss.length === 0) {
        const a = new KernelAwareness(symbols, target, entry.create(ctx, { kernelPath: opts.kernelPath, programRoot: opts.programRoot }), ctx, opts);
        (a as { warnings: Warnings }).warnings = ctx.warnings;
        return { ok: true, awareness: a };
      }
      tried.push(`${entry.id} (no ${miss.slice(0, 3).join(', ')})`);
    }
    if (want !== 'auto' && !tried.length) return { ok: false, reason: `no OS profile named "${want}" (known: ${PROFILES.map((p) => p.id).join(', ')})` };
    return { ok: false, reason: `the kernel's symbols match no OS profile: ${tried.join('; ')}; threads are harts` };
  }

  /** The machine ran: forget everything read at the previous stop. */
  invalidate(): void {
    this.taskCache = undefined;
    this.moduleCache = undefined;
    this.spaceReady = undefined;
    this.memory.invalidate();
  }

  /** Reads in the kernel's address space as this stop finds it (its page table looked up first). */
  kernelReader(): { readMemory(addr: bigint, size: number): Promise<Uint8Array | undefined> } {
    const r = this.memory.reader();
    return { readMemory: async (a, n) => { await this.ready(); return r.readMemory(a, n); } };
  }

  private ready(): Promise<void> {
    return (this.spaceReady ??= this.profile.kernelSpace().then((s) => this.memory.setKernelSpace(s), () => undefined));
  }

  private async guarded<T>(what: string, fallback: T, f: () => Promise<T>): Promise<T> {
    try { await this.ready(); return await f(); } catch (e) { this.warnings.caught(what, e); return fallback; }
  }

  tasks(): Promise<TaskInfo[]> {
    return (this.taskCache ??= this.guarded('task list', [], () => this.profile.tasks()));
  }

  async task(tid: number): Promise<TaskInfo | undefined> {
    return (await this.tasks()).find((t) => t.tid === tid);
  }

  /** The task running on `hart` now, if the kernel says which. */
  async taskOnHart(hart: number): Promise<TaskInfo | undefined> {
    return (await this.tasks()).find((t) => t.state === 'running' && t.hart === hart);
  }

  /** Live registers for a running task, the saved context otherwise. */
  async registers(task: TaskInfo): Promise<TaskRegisters | undefined> {
    return this.guarded(`registers of pid ${task.pid}`, undefined, async () => {
      if (task.state === 'running' && task.hart !== undefined) {
        const x: Array<bigint | undefined> = [0n];
        for (let i = 1; i < 32; i++) x.push(await this.target.readRegister(task.hart, i));
        return { pc: await this.target.readRegister(task.hart, GDB_PC), x, source: 'live' as const };
      }
      return this.profile.savedRegisters(task);
    });
  }

  /** The address space a task's user memory is read through (the kernel's when it has none). */
  addressSpace(task: TaskInfo | undefined): GuestSpace {
    return task?.satp !== undefined ? { kind: 'satp', satp: task.satp } : this.memory.kernel;
  }

  modules(): Promise<ModuleInfo[]> {
    return (this.moduleCache ??= this.guarded('module list', [], () => this.profile.modules()));
  }

  moduleHooks(): ModuleHook[] {
    try { return this.profile.moduleHooks(); } catch (e) { this.warnings.caught('module hooks', e); return []; }
  }

  /** At a stop on a module hook: which module is being loaded or unloaded. */
  async hookEvent(address: bigint, hart: number): Promise<{ kind: 'load' | 'unload'; module?: ModuleInfo } | undefined> {
    const hook = this.moduleHooks().find((h) => h.address === address);
    if (!hook) return undefined;
    this.moduleCache = undefined;
    const module = await this.guarded('module hook', undefined, async () => this.profile.hookModule?.(hook, hart));
    return { kind: hook.kind, module };
  }

  async deadlocks(): Promise<DeadlockCycle[]> { return findDeadlocks(await this.tasks()); }

  /**
   * The user registers of a process: live while its hart runs it in user mode, otherwise as its
   * last trap from user mode saved them (what a debugger attached to the process shows).
   */
  async userRegisters(task: TaskInfo): Promise<TaskRegisters | undefined> {
    return this.guarded(`user registers of pid ${task.pid}`, undefined, async () => {
      if (task.kernelThread) return undefined;
      if (task.state === 'running' && task.hart !== undefined && (await this.target.readRegister(task.hart, REG_PRIV).catch(() => 1n)) === 0n) {
        return this.registers(task);
      }
      return this.profile.userRegisters?.(task);
    });
  }

  /**
   * The host file of a module's object (the configured folders first, then the profile's
   * default) and an address for every allocated section of that file in section-header order,
   * built from the file's own section headers, which is what gdb's <library> element needs:
   * gdb counts the SHF_ALLOC sections of the file it opens and applies no address at all when
   * the count differs. (gdb adds each address to the section's link-time address: 0 in the file
   * gdb gets, see ModuleObject.bytes.)
   *
   * - A section the kernel lists gets the kernel's address. A name the kernel lists for a
   *   section that is not allocated in the file (Linux's sect_attrs has .symtab and .strtab,
   *   which its loader allocates for kallsyms) has no place in gdb's list and is passed over.
   * - A section the kernel does not list (empty ones it skips, and those the profile says its
   *   loader drops: Linux's .modinfo, __versions) lands at the address of the nearest listed
   *   section with contents before it in header order (the module's base when none precedes:
   *   never so in the objects we know, whose first allocated sections are listed). gdb 13 sorts
   *   its sections by address, those at one address by their order in the file, and ignores
   *   every section that starts inside the one before it, so the listed section is kept and the
   *   unlisted one is ignored whenever gdb looks for the section holding an address (seen with
   *   `set complaints`: "unexpected overlap between (A) section `.rodata' ... (B) section
   *   `.modinfo' ... Will ignore section B"): no real section, of this module, another one or
   *   the kernel, is ever displaced, and `info sharedlibrary`'s range stays the module's. What
   *   remains: `info symbol` on an address in the first bytes of that section also names the
   *   unlisted section's symbol (a second line, "__UNIQUE_ID_description238 in section
   *   .modinfo"). The alternatives are worse: 0, where lx-symbols' add-symbol-file leaves them,
   *   makes gdb show the module from 0x0 in `info sharedlibrary`; past the module's end may be
   *   where the kernel puts the next module, whose section would then be the one ignored.
   */
  moduleObject(m: ModuleInfo): ModuleObject | undefined {
    try {
      const f = this.profile.moduleFile?.(m);
      if (!f || !this.opts.loadFile) return undefined;
      const dirs = [...(this.opts.moduleDirs ?? []), ...(f.defaultDir ? [f.defaultDir] : [])];
      for (const dir of dirs) {
        const path = `${dir.replace(/[\\/]+$/, '')}/${f.file}`;
        let bytes: Uint8Array | undefined;
        try { bytes = this.opts.loadFile(path); } catch { bytes = undefined; }
        if (!bytes) continue;
        const elf = SymbolFile.open(bytes, { name: path }).elf;
        if (!elf) { this.warnings.add(`module ${m.name}: ${path} is not an ELF file`); return undefined; }
        const placed = [...m.sections];
        const take = (name: string): bigint | undefined => {
          const i = placed.findIndex((p) => p.name === name);
          return i >= 0 ? placed.splice(i, 1)[0].address : undefined;
        };
        const sections: ModuleObject['sections'] = [];
        let missing = 0;
        let previous = m.base; // where the nearest listed section before this one lies
        for (const s of elf.sections) {
          if ((s.flags & 2n) === 0n) { take(s.name); continue; } // not SHF_ALLOC in the file
          const at = take(s.name);
          if (at !== undefined && s.size > 0) previous = at;
          else if (s.size > 0 && !f.dropped?.includes(s.name)) missing++;
          sections.push({ name: s.name, address: at ?? previous });
        }
        if (missing || placed.length) this.warnings.add(`module ${m.name}: ${path} does not match the loaded module (its sections differ); its symbols may be wrong`);
        const copy = zeroSectionAddresses(bytes, elf.sections);
        return copy ? { path, sections, bytes: copy } : { path, sections };
      }
      this.warnings.add(`module ${m.name}: no ${f.file} in ${dirs.join(', ') || '(no folder configured)'}`);
      return undefined;
    } catch (e) { this.warnings.caught(`module ${m.name}`, e); return undefined; }
  }

  /**
   * Call-frame information for the kernel's trap return paths as an ELF object (see
   * trap-cfi.ts), for a debugger to load at `textAddress` when the kernel has none for that
   * code; undefined when the profile needs none.
   */
  trapCfiObject(): CfiObject | undefined {
    if (this.cfi === undefined) {
      try { const d = this.profile.trapFrameCfi?.(); this.cfi = (d && trapCfiObject(d)) ?? null; } catch (e) { this.warnings.caught('trap frame CFI', e); this.cfi = null; }
    }
    return this.cfi ?? undefined;
  }

  /** The program a user task runs: its path and symbols (undefined for kernel threads or unknown files). */
  async program(task: TaskInfo): Promise<{ path: string; symbols: SymbolFile } | undefined> {
    const path = this.opts.programs?.[task.name] ?? await this.guarded('program path', undefined, async () => this.profile.programPath?.(task));
    if (!path || !this.opts.loadFile) return undefined;
    let sf = this.programs.get(path);
    if (sf === undefined) {
      let bytes: Uint8Array | undefined;
      try { bytes = this.opts.loadFile(path); } catch { bytes = undefined; }
      sf = bytes ? SymbolFile.open(bytes, { name: path }) : null;
      if (sf && !sf.ok) sf = null;
      this.programs.set(path, sf);
    }
    return sf ? { path, symbols: sf } : undefined;
  }

  /**
   * The task's stack: kernel frames from its registers, through the trap frame into the user
   * program (named with the program's symbols when they can be loaded), innermost first.
   * `inline` says which inlined calls beginning at the task's pc frame 0 hides (symbols'
   * UnwindOptions; by default gdb's rule for the thread that stopped). A debugger shows every
   * other thread with none hidden, as gdb does: pass `{ inlineSkip: 0 }`.
   */
  async backtrace(task: TaskInfo, maxFrames = 64, inline: Pick<UnwindOptions, 'inlineSkip' | 'stepInstruction' | 'stopBreakpoints'> = {}): Promise<TaskFrame[]> {
    return this.guarded(`backtrace of pid ${task.pid}`, [], async () => {
      const regs = await this.registers(task);
      if (!regs) return [];
      let start: RegisterSet | undefined = registerSet(regs);
      const out: TaskFrame[] = [];
      const inUser = task.state === 'running' && task.hart !== undefined && (await this.target.readRegister(task.hart, REG_PRIV).catch(() => 1n)) === 0n;
      if (!inUser) {
        let trap: RegisterSet | undefined;
        const hook = this.profile.trapFrame(this.memory.kernel, task);
        const frames = await this.symbols.backtrace(start, this.memory.reader(), {
          ...inline,
          maxFrames,
          trapFrame: hook && (async (f, fn) => { const t = await hook(f, fn); if (t) trap = t; return t; }),
        });
        for (const f of frames) out.push({ ...f, level: out.length, space: 'kernel' });
        start = trap && !this.symbols.functionAt(trap.pc) ? trap : undefined;
      }
      if (start && out.length < maxFrames && !task.kernelThread) {
        const prog = await this.program(task);
        const mem = this.memory.reader(this.addressSpace(task));
        const frames = prog ? await prog.symbols.backtrace(start, mem, { ...(inUser ? inline : { inlineSkip: 0 }), maxFrames: maxFrames - out.length, stopAt: ['main'] }) : [];
        if (frames.length) for (const f of frames) out.push({ ...f, level: out.length, space: 'user', program: prog?.path });
        else out.push({ level: out.length, pc: start.pc, function: '??', inlined: false, machine: { ...start, how: 'trap' }, space: 'user' });
      }
      return out.slice(0, maxFrames); // inlined frames may take the unwinder past its machine-frame bound
    });
  }
}
