// A thread's stack for the CALL STACK view: kernel frames (inlined calls as frames of their
// own), through the trap frame into the user program with that program's symbols, for a
// running task from its hart's registers and for a sleeping one from its saved context
// (awareness.backtrace). Module code is named with the module's own symbols. Each frame keeps
// what reading its variables needs: the symbol file, its registers and CFA, and the memory the
// frame sees (the kernel's, or its process's address space).
import type { KernelAwareness, TaskFrame, TaskInfo } from '../../awareness';
import type { Frame, FrameContext, MachineFrame, MemoryReader, RegisterSet, SymbolFile } from '../../symbols';
import type { CodeSymbols } from '../control/api';
import type { SymbolRegistry } from './symbol-registry';

export interface FrameInfo {
  pc: bigint;
  function: string;
  file?: string;
  line?: number;
  column?: number;
  /** An inlined call (not a machine frame of its own). */
  inlined: boolean;
  /** Index among the frames one machine frame expands to (0 = innermost inlined call). */
  inlineDepth: number;
  machineIndex: number;
  space: 'kernel' | 'user';
  /** A separator row (the trap from user mode), not a frame. */
  label?: string;
  symbols?: CodeSymbols;
  mem: MemoryReader;
  /** Per machine frame, shared by its inlined frames. */
  context: FrameContext;
  machine: MachineFrame;
  /** The hart whose registers frame 0 is (live), if any. */
  hart?: number;
}

const MAX_FRAMES = 64;

/**
 * How many inlined calls begin exactly at a stopped pc: gdb does not show them as frames at a
 * stop (its skip_inline_frames); it shows the function that is about to run them. An inlined
 * block counts while pc is its entry (the start of its first range) or pc - 1 lies outside it.
 */
export function inlineEntryCount(file: SymbolFile, pc: bigint): number {
  try {
    const sym = file.symbolizer;
    if (!sym) return 0;
    const chain = sym.scopeChain(pc);
    let before: unknown[] | undefined;
    let n = 0;
    for (const d of chain) {
      if (d.tag === 0x2e /* subprogram */) break;
      if (d.tag !== 0x1d /* inlined_subroutine */) continue;
      const rs = d.unit.ranges(d);
      if (!rs.length) break;
      if (rs[0][0] !== pc) {
        before ??= sym.scopeChain(pc - 1n);
        if (before.includes(d)) break;
      }
      n++;
    }
    return n;
  } catch {
    return 0;
  }
}

/** Drops the inlined calls that begin at the innermost frame's pc, as gdb shows the thread that stopped. */
export function skipInlineEntries(frames: FrameInfo[]): FrameInfo[] {
  const f0 = frames[0];
  const file = f0?.symbols?.file;
  if (!f0 || !file || f0.label) return frames;
  const group = frames.filter((f) => f.machineIndex === 0).length;
  const n = Math.min(inlineEntryCount(file, f0.pc), group - 1);
  return n > 0 ? frames.slice(n) : frames;
}

/** Turns unwinder frames into FrameInfos with shared FrameContexts (one per machine frame). */
function assemble(frames: Frame[], symbolsFor: (f: Frame, i: number) => CodeSymbols | undefined, memFor: (f: Frame) => MemoryReader, spaceOf: (f: Frame) => 'kernel' | 'user', hart: number | undefined, registry: SymbolRegistry): FrameInfo[] {
  const out: FrameInfo[] = [];
  const contexts: FrameContext[] = [];
  let last: MachineFrame | undefined;
  let depth = 0;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i];
    if (f.machine !== last) {
      last = f.machine;
      depth = 0;
      const innermost = contexts.length === 0 || f.machine.how === 'trap';
      // the frame's own CFA is computed when its variables are read (prepareContext): the unwinder's
      // MachineFrame.cfa is the CFA it unwound through, not necessarily this frame's
      contexts.push({ pc: f.machine.pc, regs: f.machine.regs, innermost });
    } else depth++;
    const ctx = contexts[contexts.length - 1];
    const info: FrameInfo = {
      pc: f.pc, function: f.function, file: f.file, line: f.line, inlined: f.inlined, inlineDepth: depth,
      machineIndex: contexts.length - 1, space: spaceOf(f), symbols: symbolsFor(f, i), mem: memFor(f),
      context: ctx, machine: f.machine, hart: contexts.length === 1 ? hart : undefined,
    };
    // module code: the kernel's file knows only the module's ELF symbols, the module's file its lines
    const mod = info.space === 'kernel' ? registry.moduleAt(f.pc) : undefined;
    if (mod?.symbols) {
      const mf = mod.symbols.file;
      const at = ctx.innermost ? f.pc : f.pc - 1n;
      const inl = mf.inlineFrames(at);
      const pick = inl[Math.min(depth, Math.max(inl.length - 1, 0))];
      const line = mf.lineAt(at);
      info.function = pick?.function ?? mf.functionAt(at)?.name ?? info.function;
      if (depth === 0 && line) { info.file = line.file; info.line = line.line; }
      info.symbols = mod.symbols;
    }
    out.push(info);
  }
  for (let i = 0; i + 1 < contexts.length; i++) contexts[i].caller = contexts[i + 1];
  return out;
}

/** A task's stack through awareness (kernel, trap, user program). */
export async function taskStack(aw: KernelAwareness, task: TaskInfo, registry: SymbolRegistry): Promise<FrameInfo[]> {
  // every inlined frame: the runtime hides those beginning at pc for the stopping thread only (skipInlineEntries)
  const frames = (await aw.backtrace(task, MAX_FRAMES, { inlineSkip: 0 })) as TaskFrame[];
  const prog = frames.some((f) => f.space === 'user') ? await registry.programOf(task) : undefined;
  const userMem = aw.memory.reader(aw.addressSpace(task));
  // kernel code of a process reads that process's memory too (a __user pointer argument), as gdb
  // does through the process's page table: what the kernel's own space cannot read is tried there
  const kernelOnly = aw.memory.reader();
  const kernelMem: MemoryReader = task.satp === undefined ? kernelOnly
    : { readMemory: async (a, n) => (await kernelOnly.readMemory(a, n)) ?? userMem.readMemory(a, n) };
  const hart = task.state === 'running' ? task.hart : undefined;
  const infos = assemble(frames,
    (f) => ((f as TaskFrame).space === 'user' ? prog : registry.kernelSymbols),
    (f) => ((f as TaskFrame).space === 'user' ? userMem : kernelMem),
    (f) => (f as TaskFrame).space, hart, registry);
  // the trap from user mode: a label row between the kernel's frames and the program's
  const firstUser = infos.findIndex((f) => f.space === 'user');
  if (firstUser > 0) {
    const u = infos[firstUser];
    infos.splice(firstUser, 0, { ...u, label: `trap from user mode (${task.name})`, function: `trap from user mode (${task.name})`, file: undefined, line: undefined });
  }
  return infos;
}

/**
 * A running task stopped at the first instruction of the user trap vector (where stepIn on an
 * ecall stops): its trap frame is not written yet, every GPR is still the user's and the
 * interrupted pc is in sepc, so awareness (which finds the user side through the saved trap
 * frame) ends the stack at the vector. The user side is unwound here from `user` (the live GPRs
 * with pc = sepc), behind the same label row, with the program's symbols.
 */
export async function withUserSideAtVector(aw: KernelAwareness, task: TaskInfo, registry: SymbolRegistry, frames: FrameInfo[], user: RegisterSet): Promise<FrameInfo[]> {
  if (task.kernelThread || frames.some((f) => f.space === 'user' || f.label)) return frames;
  const prog = await registry.programOf(task);
  const mem = aw.memory.reader(aw.addressSpace(task));
  let unwound: Frame[] = prog ? await prog.file.backtrace(user, mem, { maxFrames: Math.max(1, MAX_FRAMES - frames.length), stopAt: ['main'], inlineSkip: 0 }).catch(() => []) : [];
  if (!unwound.length) unwound = [{ level: 0, pc: user.pc, function: '??', inlined: false, machine: { ...user, how: 'trap' } }];
  const infos = assemble(unwound, () => prog, () => mem, () => 'user', undefined, registry);
  const base = frames.length ? frames[frames.length - 1].machineIndex + 1 : 0;
  for (const f of infos) f.machineIndex += base;
  const name = `trap from user mode (${task.name})`;
  return [...frames, { ...infos[0], label: name, function: name, file: undefined, line: undefined }, ...infos];
}

/**
 * A running task stopped in module code. The kernel's unwinder has no CFI for a module, and its
 * last resort at the innermost frame (ra, with the stack pointer left as it was) made the
 * caller's caller wrong (kmod_start <- module_load <- module_load <- sys_insmod). Here each frame
 * in a module is unwound with the module's own CFI (its .debug_frame, at its load addresses) and
 * the kernel's unwinder goes on from the caller that gives, with the OS profile's trap frames;
 * the user side follows as for any task.
 */
export async function taskStackInModule(aw: KernelAwareness, task: TaskInfo, registry: SymbolRegistry, start: RegisterSet, hart: number): Promise<FrameInfo[] | undefined> {
  const mod = registry.moduleAt(start.pc);
  const modFile = mod?.symbols?.file;
  if (!mod || !modFile?.unwinder) return undefined;
  const kernel = registry.kernelSymbols.file;
  const mem = aw.memory.reader();
  const inModule = (pc: bigint): boolean => pc >= mod.info.base && pc < mod.info.base + mod.info.size;
  // the module's frames (a module function calling another too), then the kernel's caller, by the module's CFI
  const machines = await modFile.unwinder.machineFrames(start, mem, { maxFrames: MAX_FRAMES, pastMain: true });
  let n = 0;
  while (n < machines.length && inModule(n === 0 ? machines[n].pc : machines[n].pc - 1n)) n++;
  if (n === 0) return undefined;
  const moduleFrames = await modFile.backtrace(start, mem, { maxFrames: n, pastMain: true, inlineSkip: 0 });
  const last = machines[n - 1];
  const caller = machines[n];
  let kernelFrames: Frame[] = [];
  let trap: RegisterSet | undefined;
  if (caller && caller.how === 'cfi' && kernel.functionAt(caller.pc - 1n)) {
    // the kernel's unwinder goes on from the module's last frame, told its caller (so the caller is
    // looked up as a return address), then with the OS profile's trap frames
    const profileHook = aw.profile.trapFrame(aw.memory.kernel, task);
    const rest = await kernel.backtrace({ pc: last.pc, regs: last.regs }, mem, {
      maxFrames: Math.max(2, MAX_FRAMES - n + 1),
      inlineSkip: 0,
      trapFrame: async (f, fn) => {
        if (f.pc === last.pc && f.regs.get(2) === last.regs.get(2)) return { pc: caller.pc, regs: caller.regs };
        const t = profileHook ? await profileHook(f, fn) : undefined;
        if (t) trap = t;
        return t;
      },
    });
    const first = rest[0]?.machine;
    kernelFrames = rest.filter((f) => f.machine !== first);
    // the module's caller is an ordinary caller (a return address), not a trap
    const callerMachine = kernelFrames[0]?.machine;
    if (callerMachine && callerMachine.how === 'trap' && callerMachine.pc === caller.pc) callerMachine.how = 'cfi';
  }
  const infos = assemble([...moduleFrames, ...kernelFrames], () => registry.kernelSymbols, () => mem, () => 'kernel', hart, registry);
  const user = trap && !kernel.functionAt(trap.pc) ? trap : undefined;
  return user ? withUserSideAtVector(aw, task, registry, infos, user) : infos;
}

/** A hart's stack from its live registers with the kernel's (or a module's) symbols. */
export async function hartStack(kernel: SymbolFile, start: RegisterSet, mem: MemoryReader, hart: number, registry: SymbolRegistry): Promise<FrameInfo[]> {
  let frames = await kernel.backtrace(start, mem, { maxFrames: MAX_FRAMES, inlineSkip: 0 });
  if (!frames.length) frames = [{ level: 0, pc: start.pc, function: '??', inlined: false, machine: { ...start, how: 'innermost' } }];
  return assemble(frames, () => registry.kernelSymbols, () => mem, () => 'kernel', hart, registry);
}

/** Fills in the CFA of a frame (and its caller's, for entry values) before its variables are read. */
export async function prepareContext(f: FrameInfo, file: SymbolFile): Promise<FrameContext> {
  const ctx = f.context;
  const withCfa = async (c: FrameContext): Promise<void> => {
    if (c.cfa !== undefined || (c as { cfaTried?: boolean }).cfaTried) return;
    (c as { cfaTried?: boolean }).cfaTried = true;
    c.cfa = await file.unwinder?.cfaOf(c, c.innermost, f.mem).catch(() => undefined);
  };
  await withCfa(ctx);
  if (ctx.caller) await withCfa(ctx.caller);
  return ctx;
}
