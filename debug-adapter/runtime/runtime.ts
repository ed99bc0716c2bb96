// The runtime a DAP session drives (vscode-mock-debug's split: the session is thin, this is
// the debugger): the Target (the Machine in process, or a RemoteTarget over RSP), the kernel's
// SymbolFile, kernel awareness, the symbol registry (kernel, modules, programs), and the
// per-stop state (threads, frames, variable handles) that every resume throws away. It is the
// ControlHost run control (control/) works against.
import { resolve as resolvePath } from 'node:path';
import { REG_PC, REG_PRIV, regCsr, type Target } from '../../emulator/target';
import type { Machine } from '../../emulator/machine';
import { RemoteTarget } from '../../gdbstub/client/remote-target';
import { startGdbServer, type GdbServer } from '../../gdbstub/server';
import { machineControl } from '../../gdbstub/machine-adapter';
import { KernelAwareness, type GuestSpace, type ModuleInfo, type TaskInfo } from '../../awareness';
import { SymbolFile, type MemoryReader, type RegisterSet, type ValueNode } from '../../symbols';
import type { CodeSymbols, ControlHost } from '../control/api';
import { ConfigError, type AttachConfig, type CommonConfig, type LaunchConfig } from '../launch-config';
import { loadMachine } from '../../host/checkpoint-file';
import { isElf, launchMachine, readFileField, type LaunchedMachine } from './launch-machine';
import { loadFile, SymbolRegistry, type LoadedModule } from './symbol-registry';
import { HART_THREAD_BASE, hartThreadName, runningTasks, taskThreadName, type ThreadEntry } from './threads';
import { hartStack, prepareContext, skipInlineEntries, taskStack, taskStackInModule, withUserSideAtVector, type FrameInfo } from './stack';
import { MemoryAccess } from './memory';
import { liveFrame, namedRegister, targetRegisterOfDwarf } from './registers';
import { evaluateNode, truthOfText, type ValueScope } from './values';
import type { RegisterNode } from '../registers';
import { ConsoleState } from '../console';
import { BackgroundIndex, type ProgressSink } from './background-index';

export type OutputCategory = 'console' | 'stdout' | 'stderr' | 'important';

export interface RuntimeEvents {
  output(category: OutputCategory, text: string): void;
  module(reason: 'new' | 'removed', module: ModuleView): void;
  /** Progress of the kernel's name index (BackgroundIndex): DAP progress events. */
  progress?: ProgressSink;
  /** The index started (the session cancels it on DAP cancel of its progressId). */
  indexing?(index: BackgroundIndex): void;
}

/** What the Modules view shows of the kernel or a module. */
export interface ModuleView {
  id: string;
  name: string;
  path?: string;
  symbolStatus: string;
  addressRange?: string;
}

const VERSION = 'Kernel Workbench debug adapter';

/** Everything read at one stop; replaced at every resume. */
class StopState {
  threads?: Promise<ThreadEntry[]>;
  /** The thread the stop is reported for: gdb hides inlined calls beginning at its pc (only its). */
  stoppedThread?: number;
  readonly stacks = new Map<number, Promise<FrameInfo[]>>();
  readonly frames = new Map<number, { frame: FrameInfo; threadId: number }>();
  nextFrame = 1;
  /** Variable handles (DAP variablesReference) → what they expand to. */
  readonly vars = new Map<number, VarHandle>();
  nextVar = 1;
}

export type VarHandle =
  | { kind: 'locals' | 'arguments'; frameId: number; format?: string; nodes?: Promise<ValueNode[]> }
  /** A register group or a CSR with fields; `children` cached once read (setVariable finds its node there). */
  | { kind: 'registers'; frameId: number; node: RegisterNode; children?: Promise<RegisterNode[]> }
  | { kind: 'task'; threadId: number }
  | { kind: 'value'; frameId?: number; node: ValueNode; scope: ValueScope; format?: string };

export class KernelRuntime implements ControlHost {
  private stop = new StopState();
  private readonly resumeListeners: Array<() => void> = [];
  readonly memory: MemoryAccess;
  private modulesSynced = false;
  /** Modules (struct address) the kernel's unload hook announced, while the kernel still lists them. */
  private readonly unloading = new Set<bigint>();

  private constructor(
    readonly target: Target,
    readonly kernel: SymbolFile,
    readonly kernelPath: string,
    readonly awareness: KernelAwareness | undefined,
    readonly awarenessOff: string | undefined,
    readonly registry: SymbolRegistry,
    private readonly events: RuntimeEvents,
    readonly config: LaunchConfig | AttachConfig,
    readonly launched?: LaunchedMachine,
    readonly remote?: RemoteTarget,
  ) {
    this.memory = new MemoryAccess(target, kernel, () => this.kernelSpace());
    // anything read while the machine ran (a thread id asked for during a resume) is stale at the
    // stop: forget it before run control (subscribed after this) reports the stop
    // and what the guest printed before it stopped goes out before the stopped event does
    this.stopSub = target.onStop(() => { this.stop = new StopState(); this.awareness?.invalidate(); this.launched?.serial.flush(); });
  }

  private readonly stopSub: { dispose(): void };

  gdb?: GdbServer;

  get machine(): Machine | undefined { return this.launched?.machine; }

  // ------------------------------------------------------------------ opening

  /**
   * Opens the kernel's symbols and awareness over `target`. The name index is built at once in
   * the background (progress events, cancellable): awareness reads its layouts by name when it
   * opens, so with awareness on it opens once the index is done (or cancelled: its lookups
   * then finish the index on demand); without awareness nothing waits for it.
   */
  private static async openSymbols(cfg: CommonConfig, kernelBytes: Uint8Array | undefined, target: Target, events: RuntimeEvents): Promise<{ kernel: SymbolFile; path: string; awareness?: KernelAwareness; off?: string }> {
    let bytes: Uint8Array | undefined, path: string | undefined;
    if (cfg.symbols) { bytes = readFileField(cfg.symbols, 'symbols'); path = cfg.symbols; if (!isElf(bytes)) throw new ConfigError('symbols', `'${cfg.symbols}' is not an ELF file`); }
    else if (kernelBytes && isElf(kernelBytes)) { bytes = kernelBytes; path = cfg.kernel; }
    if (!bytes || !path) {
      const kernel = SymbolFile.open(new Uint8Array(0), { name: 'no symbols' });
      const off = cfg.kernel ? `the kernel '${cfg.kernel}' is not an ELF file: give its ELF with symbols in "symbols" (for Linux, vmlinux)` : 'no "kernel" or "symbols" given: no symbols';
      return { kernel, path: cfg.kernel ?? '', off };
    }
    const kernel = SymbolFile.open(bytes, { name: path });
    let index: BackgroundIndex | undefined;
    if (kernel.dwarf?.units.length) {
      const sink: ProgressSink = events.progress ?? { start: () => undefined, update: () => undefined, end: () => undefined };
      index = new BackgroundIndex(kernel, sink, `Indexing symbols of ${path.replace(/^.*[\\/]/, '')}`);
      events.indexing?.(index);
    }
    if (cfg.profile === 'none') return { kernel, path, off: 'kernel awareness is off ("profile": "none")' };
    await index?.done;
    const programs = cfg.programs && 'map' in cfg.programs ? cfg.programs.map : undefined;
    const programRoot = cfg.programs && 'folder' in cfg.programs ? cfg.programs.folder : undefined;
    const det = KernelAwareness.open(kernel, target, {
      profile: cfg.profile, kernelPath: resolvePath(path), programRoot, programs, moduleDirs: cfg.moduleDirs, loadFile,
    });
    return det.ok ? { kernel, path, awareness: det.awareness } : { kernel, path, off: det.reason };
  }

  private static registryFor(cfg: CommonConfig, kernel: SymbolFile, path: string, aw: KernelAwareness | undefined): SymbolRegistry {
    const folder = cfg.programs && 'folder' in cfg.programs ? cfg.programs.folder : undefined;
    const map = cfg.programs && 'map' in cfg.programs ? cfg.programs.map : {};
    return new SymbolRegistry(kernel, path ? resolvePath(path) : '', aw, { folder, map });
  }

  static async launch(cfg: LaunchConfig, events: RuntimeEvents): Promise<KernelRuntime> {
    const launched = launchMachine(cfg, (text) => events.output('stdout', text));
    const m = launched.machine;
    if (cfg.checkpoint) {
      // kwb's --checkpoint-load: the machine starts from the saved state (refused: nothing runs)
      try { loadMachine(m, cfg.checkpoint); } catch (e) {
        for (const d of launched.disks) d.close();
        throw new ConfigError('checkpoint', (e as Error).message);
      }
    }
    const s = await KernelRuntime.openSymbols(cfg, launched.kernelBytes, m, events);
    const rt = new KernelRuntime(m, s.kernel, s.path, s.awareness, s.off, KernelRuntime.registryFor(cfg, s.kernel, s.path, s.awareness), events, cfg, launched);
    if (s.off) events.output('console', `kernel awareness off: ${s.off}\n`);
    if (cfg.gdbPort !== undefined) {
      rt.gdb = await startGdbServer(m, {
        // gdb joins a machine the debug adapter owns: leaving must not run or halt it
        onDisconnect: 'pause', onKill: 'pause',
        listen: `tcp:127.0.0.1:${cfg.gdbPort}`, awareness: s.awareness, awarenessOff: s.off, kernelPath: s.path ? resolvePath(s.path) : undefined,
        // gdb's monitor has the console's log too (checkpoints stay with the editor's door, which
        // can show the loaded state; through this stub they say they are not available)
        control: { ...machineControl(m, VERSION), log: (text) => launched.serialLog.log(text) },
        onConnection: (ev, peer) => events.output('console', `gdb ${ev} (${peer})\n`),
      }).catch((e: Error) => { throw new ConfigError('gdbPort', e.message); });
      events.output('console', `gdb stub listening on ${rt.gdb.address} (gdb-multiarch -ex 'target remote ${rt.gdb.address.replace(/^tcp:/, '')}')\n`);
    }
    return rt;
  }

  static async attach(cfg: AttachConfig, events: RuntimeEvents): Promise<KernelRuntime> {
    let remote: RemoteTarget;
    try {
      remote = await RemoteTarget.connect(cfg.target, { onConsole: (t) => events.output('console', t) });
    } catch (e) {
      throw new ConfigError('target', `cannot attach to ${cfg.target.host}:${cfg.target.port}: ${(e as Error).message}`);
    }
    if (remote.state() === 'running') await remote.pause();
    const kernelBytes = cfg.kernel ? readFileField(cfg.kernel, 'kernel') : undefined;
    const s = await KernelRuntime.openSymbols(cfg, kernelBytes, remote, events);
    if (s.off) events.output('console', `kernel awareness off: ${s.off}\n`);
    return new KernelRuntime(remote, s.kernel, s.path, s.awareness, s.off, KernelRuntime.registryFor(cfg, s.kernel, s.path, s.awareness), events, cfg, undefined, remote);
  }

  // ------------------------------------------------------------------ ControlHost

  async symbolsAt(pc: bigint, hart: number): Promise<CodeSymbols | undefined> {
    const m = this.registry.moduleAt(pc);
    if (m) return m.symbols;
    if (this.registry.inKernelText(pc)) return this.registry.kernelSymbols;
    if (this.awareness) {
      const task = runningTasks(await this.awareness.tasks()).get(hart);
      if (task) {
        const p = await this.registry.programOf(task);
        if (p && p.file.functionAt(pc)) return p;
      }
    }
    return this.kernel.functionAt(pc) ? this.registry.kernelSymbols : undefined;
  }

  async loadedSymbols(): Promise<CodeSymbols[]> {
    await this.syncModules();
    const out: CodeSymbols[] = [this.registry.kernelSymbols];
    for (const m of this.registry.loadedModules()) if (m.symbols) out.push(m.symbols);
    if (this.awareness) {
      for (const t of await this.awareness.tasks()) {
        const p = await this.registry.programOf(t);
        if (p) out.push(p);
      }
    }
    return out;
  }

  knownPrograms(): CodeSymbols[] { return this.registry.knownPrograms(); }

  async moduleChanged(kind: 'load' | 'unload', module: ModuleInfo): Promise<void> {
    if (kind === 'load') {
      this.unloading.delete(module.address);
      if (this.registry.hasModule(module)) return;
      this.announce(this.registry.addModule(module));
    } else {
      this.unloading.add(module.address);
      const gone = this.registry.removeModule(module);
      if (gone) this.events.module('removed', this.moduleView(gone));
    }
  }

  private announce(m: LoadedModule): void {
    this.events.module('new', this.moduleView(m));
    if (m.problem) this.events.output('console', `module ${m.info.name}: ${m.problem}\n`);
  }

  /** Brings the registry in line with the kernel's module list (attach, and stops run control did not see a hook at). */
  async syncModules(): Promise<void> {
    if (!this.awareness) return;
    const listed = await this.awareness.modules();
    // a module whose unload hook has run is still on the kernel's list until it is freed: it is gone
    for (const a of this.unloading) if (!listed.some((m) => m.address === a)) this.unloading.delete(a);
    const now = listed.filter((m) => !this.unloading.has(m.address));
    const keep = new Set(now.map((m) => `${m.address}@${m.base}`));
    for (const m of this.registry.loadedModules()) {
      if (!keep.has(`${m.info.address}@${m.info.base}`)) { this.registry.removeModule(m.info); this.events.module('removed', this.moduleView(m)); }
    }
    for (const m of now) if (!this.registry.hasModule(m)) this.announce(this.registry.addModule(m));
    this.modulesSynced = true;
  }

  async threadOfHart(hart: number): Promise<number> {
    if (!this.awareness) return hart + 1;
    const t = runningTasks(await this.awareness.tasks()).get(hart);
    return t ? t.tid : HART_THREAD_BASE + hart;
  }

  async hartOfThread(threadId: number): Promise<number | undefined> {
    const harts = this.target.features.harts;
    if (!this.awareness) return threadId >= 1 && threadId <= harts ? threadId - 1 : undefined;
    if (threadId >= HART_THREAD_BASE && threadId < HART_THREAD_BASE + harts) return threadId - HART_THREAD_BASE;
    const t = await this.awareness.task(threadId);
    return t?.state === 'running' ? t.hart : undefined;
  }

  async lvalue(expression: string, frameId?: number): Promise<{ address: bigint; size: number; type: string } | { error: string }> {
    const scope = frameId !== undefined ? await this.scopeOfFrame(frameId) : await this.globalScope(0);
    if (!scope) return { error: frameId !== undefined ? `no frame ${frameId}` : 'No symbol table is loaded.' };
    const r = await evaluateNode(scope, expression);
    if (!r.ok) return { error: r.text };
    if (r.node.address === undefined) return { error: `${expression} is not in memory (a register or a computed value)` };
    const size = await evaluateNode(scope, `sizeof(${expression})`);
    const n = size.ok ? Number(size.node.value) : NaN;
    if (!Number.isInteger(n) || n <= 0) return { error: `${expression}: cannot tell its size (${size.ok ? size.node.value : size.text})` };
    return { address: r.node.address, size: n, type: r.node.type };
  }

  async evaluateAt(expression: string, hart: number): Promise<{ ok: true; text: string; truthy: boolean } | { ok: false; text: string }> {
    const tid = await this.threadOfHart(hart);
    const frames = await this.stack(tid);
    const top = frames.find((f) => !f.label);
    const scope = top ? await this.scopeOf(top) : await this.globalScope(hart);
    if (!scope) return { ok: false, text: 'No symbol table is loaded.' };
    const r = await evaluateNode(scope, expression);
    if (!r.ok) return { ok: false, text: r.text };
    let truthy = truthOfText(r.node.value);
    if (truthy === undefined) {
      // an enumerator, a struct...: C's own answer (gdb's error for what is not a scalar)
      const not = await evaluateNode(scope, `!(${expression})`);
      if (!not.ok) return { ok: false, text: not.text };
      truthy = not.node.value === '0';
    }
    return { ok: true, text: r.node.value, truthy };
  }

  willResume(): void {
    this.stop = new StopState();
    this.awareness?.invalidate();
    for (const l of this.resumeListeners) l();
  }

  onResume(listener: () => void): void { this.resumeListeners.push(listener); }

  output(category: OutputCategory, text: string): void { this.events.output(category, text); }

  // ------------------------------------------------------------------ reading a stop

  kernelSpace(): GuestSpace { return this.awareness?.memory.kernel ?? { kind: 'virtual', hart: 0 }; }

  /** Memory as the kernel sees it at this stop (cached per stop with awareness). */
  kernelReader(hart = 0): MemoryReader {
    if (this.awareness) return this.awareness.kernelReader();
    return { readMemory: (a, n) => this.target.readMemory(a, n, { kind: 'virtual', hart }).catch(() => undefined) };
  }

  async threads(): Promise<ThreadEntry[]> {
    return (this.stop.threads ??= this.readThreads());
  }

  private async readThreads(): Promise<ThreadEntry[]> {
    const harts = this.target.features.harts;
    if (this.target.state() === 'running') return [];
    if (!this.awareness) return Array.from({ length: harts }, (_, h) => ({ id: h + 1, name: hartThreadName(h, false), hart: h }));
    const tasks = await this.awareness.tasks();
    const out: ThreadEntry[] = tasks.map((t) => ({ id: t.tid, name: taskThreadName(t), task: t, hart: t.state === 'running' ? t.hart : undefined }));
    const running = runningTasks(tasks);
    for (let h = 0; h < harts; h++) if (!running.has(h)) out.push({ id: HART_THREAD_BASE + h, name: hartThreadName(h, true), hart: h });
    return out;
  }

  async hartRegisters(hart: number): Promise<RegisterSet> {
    const regs = new Map<number, bigint>([[0, 0n]]);
    for (let i = 1; i < 32; i++) regs.set(i, await this.target.readRegister(hart, i));
    return { pc: await this.target.readRegister(hart, REG_PC), regs };
  }

  /** A thread's frames (cached for this stop). */
  stack(threadId: number): Promise<FrameInfo[]> {
    let s = this.stop.stacks.get(threadId);
    if (!s) { s = this.readStack(threadId).catch(() => []); this.stop.stacks.set(threadId, s); }
    return s;
  }

  /** The stop is reported for this thread (before the stopped event goes out). */
  setStoppedThread(threadId: number): void {
    if (this.stop.stoppedThread !== threadId) { this.stop.stacks.delete(threadId); this.stop.stoppedThread = threadId; }
  }

  private async readStack(threadId: number): Promise<FrameInfo[]> {
    const frames = await this.unwindThread(threadId);
    return threadId === this.stop.stoppedThread ? skipInlineEntries(frames) : frames;
  }

  private async unwindThread(threadId: number): Promise<FrameInfo[]> {
    if (!this.modulesSynced) await this.syncModules();
    const entry = (await this.threads()).find((t) => t.id === threadId);
    if (!entry) return [];
    if (entry.task && this.awareness) {
      if (entry.hart !== undefined) {
        // stopped in a module's code: unwound with the module's own CFI first
        const live = await this.hartRegisters(entry.hart);
        const inModule = this.registry.moduleAt(live.pc) ? await taskStackInModule(this.awareness, entry.task, this.registry, live, entry.hart) : undefined;
        if (inModule?.length) return inModule;
      }
      const frames = await taskStack(this.awareness, entry.task, this.registry);
      if (frames.length) return entry.hart === undefined ? frames : this.userSideAtVector(entry.task, entry.hart, frames);
    }
    if (entry.hart === undefined) return [];
    const regs = await this.hartRegisters(entry.hart);
    const priv = await this.target.readRegister(entry.hart, REG_PRIV).catch(() => 1n);
    if (priv === 0n && this.awareness && entry.task) return [];
    return hartStack(this.kernel, regs, this.kernelReader(entry.hart), entry.hart, this.registry);
  }

  /**
   * In the user trap vector's own code, before it switches stvec away (the trap frame may not be
   * complete: the pc is stored last), the user side comes from the live registers as the kernel's
   * CFI describes them (the interrupted pc in sepc, the user sp in sscratch or already saved);
   * at the vector's first instruction every GPR is still the user's.
   */
  private async userSideAtVector(task: TaskInfo, hart: number, frames: FrameInfo[]): Promise<FrameInfo[]> {
    if (!this.awareness) return frames;
    const t = this.target;
    const read = (reg: number): Promise<bigint | undefined> => t.readRegister(hart, reg).catch(() => undefined);
    const [pc, priv, stvec, sstatus, sepc] = [await read(REG_PC), await read(REG_PRIV), await read(regCsr(0x105)), await read(regCsr(0x100)), await read(regCsr(0x141))];
    if (pc === undefined || stvec === undefined || sstatus === undefined || sepc === undefined) return frames;
    const vector = stvec & ~3n;
    if (priv !== 1n || ((sstatus >> 8n) & 1n) !== 0n) return frames;
    if (pc !== vector && this.kernel.functionAt(pc)?.lo !== vector) return frames;
    const regs = await this.hartRegisters(hart);
    let user: RegisterSet = { pc: sepc, regs: regs.regs };
    if (pc !== vector) {
      const start: RegisterSet = { pc, regs: new Map(regs.regs) };
      start.regs.set(4096 + 0x141, sepc);
      const sscratch = await read(regCsr(0x140));
      if (sscratch !== undefined) start.regs.set(4096 + 0x140, sscratch);
      const caller = (await this.kernel.unwinder?.machineFrames(start, this.kernelReader(hart), { maxFrames: 2, pastMain: true }).catch(() => undefined))?.[1];
      if (!caller || caller.how !== 'cfi') return frames;
      const gprs = new Map<number, bigint>();
      for (const [n, v] of caller.regs) if (n < 32) gprs.set(n, v);
      user = { pc: caller.pc, regs: gprs };
    }
    return withUserSideAtVector(this.awareness, task, this.registry, frames.filter((f) => f.space !== 'user'), user);
  }

  /** A DAP frame id for a frame of this stop. */
  frameId(threadId: number, frame: FrameInfo): number {
    const id = this.stop.nextFrame++;
    this.stop.frames.set(id, { frame, threadId });
    return id;
  }

  frame(frameId: number): { frame: FrameInfo; threadId: number } | undefined { return this.stop.frames.get(frameId); }

  varHandle(h: VarHandle): number {
    const id = this.stop.nextVar++;
    this.stop.vars.set(id, h);
    return id;
  }

  varOf(ref: number): VarHandle | undefined { return this.stop.vars.get(ref); }

  private readNamedRegister(hart: number | undefined): (name: string) => Promise<bigint | undefined> {
    return async (name) => {
      const r = namedRegister(name);
      if (hart === undefined || r === undefined) return undefined;
      return this.target.readRegister(hart, r).catch(() => undefined);
    };
  }

  /** Memory (and, for a running task's innermost frame, registers) written by assignments. */
  private writerFor(space: GuestSpace, hart: number | undefined): ValueScope['writer'] {
    return {
      writeMemory: async (address, bytes) => {
        await this.target.writeMemory(address, bytes, space);
        this.awareness?.memory.invalidate();
      },
      writeRegister: hart === undefined ? undefined : async (dwarf, value) => {
        const r = targetRegisterOfDwarf(dwarf);
        if (r === undefined) throw new Error(`no register with DWARF number ${dwarf}`);
        await this.target.writeRegister(hart, r, value);
        this.registersWritten = true;
      },
    };
  }

  /** Set when an assignment wrote a register (the session then refreshes the stop). */
  registersWritten = false;

  /** `<sym+off>` of an address in the kernel or a loaded module. */
  symbolize(addr: bigint): string | undefined {
    return this.kernel.symbolText(addr) ?? this.registry.moduleAt(addr)?.symbols?.file.symbolText(addr);
  }

  /** Where a frame's values are read. */
  async scopeOf(f: FrameInfo): Promise<ValueScope | undefined> {
    const file = f.symbols?.file;
    if (!file) return undefined;
    const ctx = await prepareContext(f, file);
    const satp = f.symbols?.kind === 'program' ? f.symbols.satp : undefined;
    const live = liveFrame(f);
    return {
      // names resolve in this inlined call's scope (symbols' FrameContext.inlineDepth, gdb's frame block)
      file, frame: { ...ctx, inlineDepth: f.inlineDepth }, mem: f.mem, satp,
      // CSRs are not unwound: an outer frame of a task on a hart reads its hart's, as gdb
      readNamedRegister: this.readNamedRegister(f.hart ?? await this.hartOfFrame(f)),
      writer: this.writerFor(satp !== undefined ? { kind: 'satp', satp } : this.kernelSpace(), live ? f.hart : undefined),
    };
  }

  /** The hart of the thread whose stack holds this frame (one the client was given), if it runs on one. */
  private async hartOfFrame(f: FrameInfo): Promise<number | undefined> {
    for (const v of this.stop.frames.values()) {
      if (v.frame === f) return (await this.threads()).find((t) => t.id === v.threadId)?.hart;
    }
    return undefined;
  }

  async scopeOfFrame(frameId: number): Promise<ValueScope | undefined> {
    const f = this.frame(frameId);
    return f ? this.scopeOf(f.frame) : undefined;
  }

  /** Globals only (no frame selected): the kernel's symbols. */
  async globalScope(hart: number): Promise<ValueScope | undefined> {
    if (!this.kernel.ok) return undefined;
    return { file: this.kernel, mem: this.kernelReader(hart), readNamedRegister: this.readNamedRegister(hart), writer: this.writerFor(this.kernelSpace(), undefined) };
  }

  /** The target changed while stopped (a register written): forget what this stop read, keep which thread stopped. */
  refreshStop(): void {
    const t = this.stop.stoppedThread;
    this.stop = new StopState();
    this.stop.stoppedThread = t;
    this.awareness?.invalidate();
  }

  /** Memory was written at this stop: the values shown are stale (frames are not); handles are made again. */
  forgetVariables(): void { this.stop.vars.clear(); }

  /** The thread the current stop was reported for. */
  get stoppedThread(): number | undefined { return this.stop.stoppedThread; }

  /** What the Debug Console's gdb commands remember between commands (x's format, value history). */
  readonly consoleState = new ConsoleState();

  async task(threadId: number): Promise<TaskInfo | undefined> {
    return (await this.threads()).find((t) => t.id === threadId)?.task;
  }

  // ------------------------------------------------------------------ modules, serial, end

  moduleView(m: LoadedModule): ModuleView {
    const end = m.info.base + m.info.size;
    return {
      id: `module:${m.info.name}@0x${m.info.base.toString(16)}`, name: m.info.name, path: m.path,
      symbolStatus: m.symbols ? 'Symbols loaded.' : (m.problem ?? 'No symbols.'),
      addressRange: `0x${m.info.base.toString(16)}-0x${end.toString(16)}`,
    };
  }

  modules(): ModuleView[] {
    const k: ModuleView = { id: 'kernel', name: this.kernelPath ? this.kernelPath.replace(/^.*[\\/]/, '') : 'kernel', path: this.kernelPath || undefined, symbolStatus: this.kernel.ok ? 'Symbols loaded.' : 'No symbols.' };
    return [k, ...this.registry.loadedModules().map((m) => this.moduleView(m))];
  }

  /** Types into the guest's serial console (launch only). */
  serialInput(text: string): void {
    if (!this.machine) throw new ConfigError('kwb/serialInput', 'the serial console belongs to the machine of a launch (attach to it where it runs)');
    this.machine.sendInput(new TextEncoder().encode(text));
  }

  /** Power-on reset of a launched machine (DAP restart). */
  async restart(): Promise<void> {
    const m = this.machine;
    if (!m) throw new ConfigError('restart', 'an attached target cannot be restarted from here (restart it where it runs)');
    if (m.state() === 'running') await m.pause();
    this.willResume();
    for (const mod of this.registry.loadedModules()) { this.registry.removeModule(mod.info); this.events.module('removed', this.moduleView(mod)); }
    m.reset();
  }

  private closed = false;
  /** Ends the session: a launched machine is powered off, an attached target released (left running when `detach`). */
  async close(how: { terminate: boolean }): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopSub.dispose();
    await this.gdb?.close().catch(() => undefined);
    if (this.launched) {
      if (this.launched.machine.state() !== 'exited') await this.launched.machine.powerOff(0).catch(() => undefined);
      this.launched.serial.flush();
      for (const d of this.launched.disks) { try { d.flush(); } catch { /* read-only */ } d.close(); }
    }
    if (this.remote) {
      if (this.remote.state() === 'running' && !how.terminate) await this.remote.pause().catch(() => undefined);
      await this.remote.close(!how.terminate).catch(() => undefined);
    }
  }
}
