// What the stub shows of the kernel when it has kernel awareness (awareness/): threads are tasks
// (or harts, `monitor threads harts`), a task's registers are the hart's while it runs and its
// saved ones otherwise, modules are libraries, and the host files named to gdb (kernel, module
// objects, programs) are the only ones vFile serves. Without awareness, or with threads shown as
// harts, every answer is the hart one of before: thread id = hart + 1.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { AddressSpace, Target } from '../emulator/target';
import { REG_CSR0, REG_PC, REG_PRIV } from '../emulator/target';
import type { KernelAwareness, ModuleInfo, TaskInfo, TaskRegisters } from '../awareness';
import { tidOfHart } from './threads';

/** Thread ids of harts while tasks are threads (a hart no task is known to run on): past pids and idle tasks. */
export const HART_TID_BASE = 0x800000;

const SATP = 0x180;

/** One gdb thread: a hart, or a task (with the hart running it, if any). */
export interface ThreadEntry {
  id: number;
  /** The hart whose live registers are this thread's. */
  hart?: number;
  task?: TaskInfo;
}

/** Where a thread's registers come from. */
export type RegisterSource =
  | { kind: 'hart'; hart: number }
  | { kind: 'saved'; task: TaskInfo; regs: TaskRegisters | undefined };

/** A user process gdb attached to (extended-remote `attach PID`). */
export interface AttachedProcess {
  pid: number;
  satp?: bigint;
}

const PRIV_NAMES: Record<number, string> = { 0: 'U-mode', 1: 'S-mode', 3: 'M-mode' };

export class KernelView {
  /** Whether gdb's threads are tasks or harts (`monitor threads`). */
  threadMode: 'tasks' | 'harts';
  /** Host files named to gdb (kernel, module objects, programs): what vFile may open. */
  readonly files = new Set<string>();
  /** Set when a module hook was passed while gdb was not told (monitor go): the next resume reports it. */
  hookMissed = false;
  private cfiFile?: { path: string; textAddress: bigint } | null;
  private scratch?: { dir: string; written: Map<string, Uint8Array> };

  constructor(readonly target: Target, readonly awareness?: KernelAwareness, readonly offReason?: string, readonly kernelPath?: string) {
    this.threadMode = awareness ? 'tasks' : 'harts';
    if (kernelPath) this.files.add(kernelPath);
  }

  get tasksAsThreads(): boolean { return this.awareness !== undefined && this.threadMode === 'tasks'; }

  /** The machine ran (or is about to): forget what was read at the last stop. */
  invalidate(): void { this.awareness?.invalidate(); }

  /** Hook addresses (internal breakpoints) while awareness is on. */
  hookAddresses(): bigint[] {
    return this.awareness ? this.awareness.moduleHooks().map((h) => h.address) : [];
  }

  async threads(process?: AttachedProcess): Promise<ThreadEntry[]> {
    const harts = this.target.features.harts;
    if (!this.awareness || (this.threadMode === 'harts' && !process)) {
      return Array.from({ length: harts }, (_, h) => ({ id: tidOfHart(h), hart: h }));
    }
    const tasks = await this.awareness.tasks();
    if (process) {
      const t = tasks.find((x) => x.pid === process.pid && !x.kernelThread);
      return t ? [entryOf(t)] : [];
    }
    const out = tasks.map(entryOf);
    for (let h = 0; h < harts; h++) if (!tasks.some((t) => t.state === 'running' && t.hart === h)) out.push({ id: HART_TID_BASE + h, hart: h });
    return out;
  }

  async thread(id: number, process?: AttachedProcess): Promise<ThreadEntry | undefined> {
    const harts = this.target.features.harts;
    if (!this.awareness || (this.threadMode === 'harts' && !process)) {
      return id >= 1 && id <= harts ? { id, hart: id - 1 } : undefined;
    }
    if (id >= HART_TID_BASE && id < HART_TID_BASE + harts) return { id, hart: id - HART_TID_BASE };
    const t = await this.awareness.task(id);
    if (!t || (process && t.pid !== process.pid)) return undefined;
    return entryOf(t);
  }

  /** The thread to name in a stop on `hart`. */
  async threadOfHart(hart: number, process?: AttachedProcess): Promise<number> {
    if (!this.awareness || (this.threadMode === 'harts' && !process)) return tidOfHart(hart);
    if (process) return process.pid;
    const t = await this.awareness.taskOnHart(hart);
    return t ? t.tid : HART_TID_BASE + hart;
  }

  /** Live hart registers, or a task's saved ones; for an attached process, its user registers. */
  async registerSource(e: ThreadEntry, process?: AttachedProcess): Promise<RegisterSource> {
    const aw = this.awareness;
    if (!e.task || !aw) return { kind: 'hart', hart: e.hart ?? 0 };
    if (process) {
      const regs = await aw.userRegisters(e.task);
      if (regs?.source === 'live' && e.task.hart !== undefined) return { kind: 'hart', hart: e.task.hart };
      return { kind: 'saved', task: e.task, regs };
    }
    if (e.hart !== undefined) return { kind: 'hart', hart: e.hart };
    return { kind: 'saved', task: e.task, regs: await aw.registers(e.task) };
  }

  /** The address space memory is read in for a thread that is not on a hart (undefined: use the hart's view). */
  savedSpace(src: RegisterSource): AddressSpace | undefined {
    if (src.kind === 'hart' || !this.awareness) return undefined;
    return this.awareness.addressSpace(src.task);
  }

  /** The kernel's own address space at this stop (awareness's), for what a task's space does not map. */
  kernelSpace(): AddressSpace | undefined {
    return this.awareness?.memory.kernel;
  }

  threadName(e: ThreadEntry): string {
    return e.task ? (e.task.name || `pid${e.task.pid}`) : `hart${e.hart ?? 0}`;
  }

  /** `pid 13, sleeping, lock account1 (&accounts[1].lock) held by pid 14`, or a hart's mode. */
  async extraInfo(e: ThreadEntry): Promise<string> {
    const t = e.task;
    if (!t) return this.hartSummary(e.hart ?? 0);
    let s = `pid ${t.pid}, ${t.state}`;
    if (t.hart !== undefined && t.state === 'running') s += ` on hart ${t.hart}`;
    let wait = t.waitReason ?? '';
    if (t.waitText) wait = wait ? `${wait} (${t.waitText})` : t.waitText;
    if (t.blockedOn?.holderPid !== undefined) wait += ` held by pid ${t.blockedOn.holderPid}`;
    return wait ? `${s}, ${wait}` : s;
  }

  /** A one-line description of a hart: its privilege mode, and whether the machine runs. */
  async hartSummary(hart: number): Promise<string> {
    let mode = '';
    try { mode = ' ' + (PRIV_NAMES[Number(await this.target.readRegister(hart, REG_PRIV))] ?? '?-mode'); } catch { /* unreadable while running */ }
    return `hart ${hart}${mode}${this.target.state() === 'running' ? ' running' : ''}`;
  }

  /**
   * The library list: each loaded module's object file with one address per allocated section
   * (gdb relocates the file's symbols by them). An attached process sees its program instead;
   * a module being unloaded (`exclude`) is already gone for gdb.
   */
  async libraryXml(process: AttachedProcess | undefined, exclude: bigint | undefined): Promise<string> {
    const out = ['<?xml version="1.0"?>', '<library-list version="1.0">'];
    if (this.awareness && process) {
      // The attached process's program, as a library at its own addresses: gdb 13 switches its
      // exec file on attach only when build IDs differ, and our programs have none.
      const t = (await this.awareness.tasks()).find((x) => x.pid === process.pid && !x.kernelThread);
      const prog = t && await this.awareness.program(t);
      const load = prog?.symbols.elf?.segments.find((g) => g.type === 1); // PT_LOAD
      if (prog && load) {
        this.files.add(prog.path);
        out.push(`  <library name="${xmlAttr(prog.path)}"><segment address="0x${load.vaddr.toString(16)}"/></library>`);
      }
    }
    if (this.awareness && !process) {
      const cfi = this.trapCfiFile();
      if (cfi) {
        this.files.add(cfi.path);
        out.push(`  <library name="${xmlAttr(cfi.path)}"><section address="0x${cfi.textAddress.toString(16)}"/></library>`);
      }
      for (const m of await this.awareness.modules()) {
        if (m.address === exclude) continue;
        const obj = this.awareness.moduleObject(m);
        if (!obj) continue;
        // a copy gdb can place section by section (see ModuleObject.bytes), else the file itself
        const path = obj.bytes ? this.scratchFile(basename(obj.path), obj.bytes) : obj.path;
        if (!path) continue;
        this.files.add(path);
        out.push(`  <library name="${xmlAttr(path)}">`);
        for (const s of obj.sections) out.push(`    <section address="0x${s.address.toString(16)}"/>`);
        out.push('  </library>');
      }
    }
    out.push('</library-list>');
    return out.join('\n') + '\n';
  }

  /**
   * The kernel's trap-frame CFI (awareness's trapCfiObject: Linux) as a host file gdb loads like
   * a library, so that its backtraces go on through the trap into the interrupted code.
   */
  private trapCfiFile(): { path: string; textAddress: bigint } | undefined {
    if (this.cfiFile !== undefined) return this.cfiFile ?? undefined;
    const obj = this.awareness?.trapCfiObject();
    const path = obj && this.scratchFile(`${this.kernelPath ? basename(this.kernelPath) : 'kernel'}-trap-frames.o`, obj.bytes);
    this.cfiFile = obj && path ? { path, textAddress: obj.textAddress } : null;
    return this.cfiFile ?? undefined;
  }

  /**
   * A file the stub makes for gdb (a module object gdb must see changed, the trap-frame CFI), in
   * a folder of this process's own under the system's temporary folder (kwb-gdb-PID-*), removed
   * at exit or, when the process was killed, by the next stub that makes one: gdb
   * opens it through vFile (sysroot target:) or directly (sysroot /). Rewritten when its bytes
   * change; undefined when no temporary folder can be written.
   */
  private scratchFile(name: string, bytes: Uint8Array): string | undefined {
    try {
      if (!this.scratch) {
        sweepScratch();
        const dir = mkdtempSync(join(tmpdir(), `kwb-gdb-${process.pid}-`));
        process.once('exit', () => { try { rmSync(dir, { recursive: true, force: true }); } catch { /* gone */ } });
        this.scratch = { dir, written: new Map() };
      }
      const path = join(this.scratch.dir, name);
      const was = this.scratch.written.get(path);
      if (!was || !Buffer.from(was).equals(Buffer.from(bytes))) {
        writeFileSync(path, bytes);
        this.scratch.written.set(path, bytes);
      }
      return path;
    } catch { return undefined; }
  }

  /** The host path of the program `pid` runs, or of the kernel (any other pid). */
  async execFile(pid: number | undefined): Promise<string | undefined> {
    const aw = this.awareness;
    if (aw && pid !== undefined) {
      const t = (await aw.tasks()).find((x) => x.pid === pid && !x.kernelThread);
      const prog = t && await aw.program(t);
      if (prog) { this.files.add(prog.path); return prog.path; }
    }
    return this.kernelPath;
  }

  /** A module by the address of its kernel structure. */
  async module(address: bigint): Promise<ModuleInfo | undefined> {
    return (await this.awareness?.modules())?.find((m) => m.address === address);
  }
}

/** Removes the scratch folders of stub processes that are gone without their exit handler (killed). */
function sweepScratch(): void {
  try {
    for (const name of readdirSync(tmpdir())) {
      const m = /^kwb-gdb-(\d+)-/.exec(name);
      if (!m || Number(m[1]) === process.pid) continue;
      try { process.kill(Number(m[1]), 0); continue; } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ESRCH') continue; }
      try { rmSync(join(tmpdir(), name), { recursive: true, force: true }); } catch { /* someone else's */ }
    }
  } catch { /* no listing: nothing swept */ }
}

function entryOf(t: TaskInfo): ThreadEntry {
  return { id: t.tid, task: t, hart: t.state === 'running' ? t.hart : undefined };
}

/** A saved register's value; undefined: not saved (gdb shows it unavailable). */
export function savedRegister(src: RegisterSource & { kind: 'saved' }, reg: number): bigint | undefined {
  const r = src.regs;
  if (reg === 0) return 0n;
  if (!r) return undefined;
  if (reg < 32) return r.x[reg];
  if (reg === REG_PC) return r.pc;
  if (reg === REG_PRIV) return r.source === 'trap' ? 0n : 1n; // a trap frame holds user state; a switch context, kernel state
  if (reg === REG_CSR0 + SATP) return src.task.satp;
  return undefined;
}

function xmlAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
