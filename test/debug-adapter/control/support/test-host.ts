// A small ControlHost for driving RunControl directly (no DAP session): the in-process Machine
// running the teaching kernel, its symbols, kernel awareness, modules placed where the kernel
// loaded them, the programs of live processes and every program in guest/build/user. Stops,
// breakpoint events and console output are recorded for the tests to wait on.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KernelAwareness, type ModuleInfo } from '../../../../awareness';
import { REG_PC, regX } from '../../../../emulator/target';
import { SymbolFile, sizeOfType, typeName, type RegisterSet } from '../../../../symbols';
import type { CodeSymbols, ControlHost, StoppedInfo } from '../../../../debug-adapter/control/api';
import { RunControl } from '../../../../debug-adapter/control/run-control';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildGuestKernel, type GuestBuild } from '../../../guest/support/build';
import { ConsoleSession, PROMPT } from '../../../guest/support/console-session';
import { MachinePort } from '../../../guest/support/machine-port';

const load = (p: string): Uint8Array | undefined => { try { return new Uint8Array(readFileSync(p)); } catch { return undefined; } };

export class TestHost implements ControlHost {
  readonly target;
  readonly kernel: SymbolFile;
  readonly awareness?: KernelAwareness;
  readonly modules = new Map<bigint, CodeSymbols & { info: ModuleInfo }>();
  readonly outputs: Array<{ category: string; text: string }> = [];
  readonly moduleEvents: Array<{ kind: 'load' | 'unload'; name: string }> = [];
  private known?: CodeSymbols[];

  constructor(readonly port: MachinePort, readonly build: GuestBuild) {
    this.target = port.machine;
    this.kernel = SymbolFile.open(load(build.kernel)!, { name: build.kernel });
    const det = KernelAwareness.open(this.kernel, port.machine, { kernelPath: build.kernel, loadFile: load });
    if (!det.ok) throw new Error(det.reason);
    this.awareness = det.awareness;
  }

  private moduleAt(pc: bigint): CodeSymbols | undefined {
    for (const m of this.modules.values()) if (pc >= m.info.base && pc < m.info.base + m.info.size) return m;
    return undefined;
  }

  async symbolsAt(pc: bigint, hart: number): Promise<CodeSymbols | undefined> {
    if (pc >= 0x8000_0000n && this.kernel.functionAt(pc)) return { file: this.kernel, kind: 'kernel', name: this.build.kernel };
    const m = this.moduleAt(pc);
    if (m) return m;
    const task = await this.awareness?.taskOnHart(hart);
    if (!task || task.kernelThread) return undefined;
    const p = await this.awareness!.program(task);
    return p ? { file: p.symbols, kind: 'program', name: p.path, satp: task.satp } : undefined;
  }

  async loadedSymbols(): Promise<CodeSymbols[]> {
    const out: CodeSymbols[] = [{ file: this.kernel, kind: 'kernel', name: this.build.kernel }, ...this.modules.values()];
    const seen = new Set<string>();
    for (const t of await this.awareness!.tasks()) {
      if (t.kernelThread) continue;
      const p = await this.awareness!.program(t);
      if (p && !seen.has(p.path)) { seen.add(p.path); out.push({ file: p.symbols, kind: 'program', name: p.path, satp: t.satp }); }
    }
    return out;
  }

  knownPrograms(): CodeSymbols[] {
    if (this.known) return this.known;
    const out: CodeSymbols[] = [];
    for (const n of readdirSync(this.build.userDir)) {
      if (n.includes('.')) continue;
      const p = join(this.build.userDir, n);
      const b = load(p);
      if (b && b[0] === 0x7f) out.push({ file: SymbolFile.open(b, { name: p }), kind: 'program', name: p });
    }
    return (this.known = out);
  }

  async moduleChanged(kind: 'load' | 'unload', module: ModuleInfo): Promise<void> {
    this.moduleEvents.push({ kind, name: module.name });
    if (kind === 'unload') { this.modules.delete(module.address); return; }
    const obj = this.awareness!.moduleObject(module);
    if (!obj) throw new Error(`no object for module ${module.name}`);
    const sectionAddresses: Record<string, bigint> = {};
    for (const s of obj.sections) sectionAddresses[s.name] ??= s.address;
    const file = SymbolFile.open(obj.bytes ?? load(obj.path)!, { name: obj.path, sectionAddresses });
    this.modules.set(module.address, { file, kind: 'module', name: module.name, info: module });
  }

  async threadOfHart(hart: number): Promise<number> {
    return (await this.awareness?.taskOnHart(hart))?.tid ?? hart + 1;
  }

  async hartOfThread(threadId: number): Promise<number | undefined> {
    const t = (await this.awareness!.tasks()).find((x) => x.tid === threadId);
    if (t) return t.state === 'running' ? t.hart : undefined;
    return threadId >= 1 && threadId <= this.target.features.harts ? threadId - 1 : undefined;
  }

  async lvalue(expression: string): Promise<{ address: bigint; size: number; type: string } | { error: string }> {
    const g = this.kernel.globalVariable(expression.trim());
    if (!g) return { error: `No symbol "${expression}" in current context.` };
    return { address: g.address, size: sizeOfType(g.type), type: typeName(g.type) };
  }

  async evaluateAt(expression: string, hart: number): Promise<{ ok: true; text: string; truthy: boolean } | { ok: false; text: string }> {
    const pc = await this.target.readRegister(hart, REG_PC);
    const s = (await this.symbolsAt(pc, hart)) ?? { file: this.kernel };
    const regs = new Map<number, bigint>();
    for (let i = 0; i < 32; i++) regs.set(i, await this.target.readRegister(hart, regX(i)));
    const start: RegisterSet = { pc, regs };
    const mem = { readMemory: async (a: bigint, n: number) => { try { return await this.target.readMemory(a, n, { kind: 'virtual', hart }); } catch { return undefined; } } };
    const frames = await s.file.frames(start, mem, { maxFrames: 1 });
    const r = await s.file.printExpression(expression, frames[0], mem);
    if (!r.ok) return { ok: false, text: r.text };
    const t = r.text.trim();
    const num = /^(-?\d+|0x[0-9a-f]+)\b/i.exec(t.replace(/^\([^)]*\)\s*/, ''));
    return { ok: true, text: r.text, truthy: num ? BigInt(num[1]) !== 0n : t !== 'false' };
  }

  willResume(): void { this.awareness?.invalidate(); }

  output(category: 'console' | 'stdout' | 'stderr' | 'important', text: string): void {
    this.outputs.push({ category, text });
  }
}

/** A booted teaching kernel under RunControl, with helpers to wait for stops and type into its shell. */
export class Rig {
  readonly build: GuestBuild;
  readonly port: MachinePort;
  readonly session: ConsoleSession;
  readonly host: TestHost;
  readonly rc: RunControl;
  readonly stops: StoppedInfo[] = [];
  readonly changes: DebugProtocol.Breakpoint[] = [];
  exitCode?: number;
  private waiters: Array<(s: StoppedInfo) => void> = [];

  constructor(smp = 2) {
    this.build = buildGuestKernel();
    this.port = new MachinePort({ kernel: this.build.kernel, smp }, true);
    this.session = new ConsoleSession(this.port);
    this.host = new TestHost(this.port, this.build);
    this.rc = new RunControl(this.host);
    this.rc.onStopped((s) => { this.stops.push(s); const w = this.waiters.shift(); w?.(s); });
    this.rc.onBreakpointChanged((bp) => this.changes.push(bp));
    this.rc.onExited((c) => { this.exitCode = c; });
  }

  /** The next stop (one that has not been waited for yet). */
  nextStop(timeoutMs = 60_000): Promise<StoppedInfo> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no stop within ${timeoutMs} ms; console: ${this.session.all.slice(-500)}`)), timeoutMs);
      this.waiters.push((s) => { clearTimeout(timer); resolve(s); });
    });
  }

  /** Boots to the shell prompt with exception filters `filters` (run control does the running). */
  async boot(filters: string[] = ['panic', 'page-fault', 'trap-loop']): Promise<void> {
    await this.rc.setExceptionBreakpoints({ filters });
    await this.rc.start({});
    await this.session.waitFor(PROMPT, 120_000);
  }

  async pc(hart: number): Promise<bigint> { return this.port.machine.readRegister(hart, REG_PC); }

  /** The function and source line at the stopped hart's pc, through the host's symbols. */
  async where(hart: number): Promise<{ pc: bigint; fn?: string; file?: string; line?: number; kind?: string; priv: number; rowStart: boolean }> {
    const pc = await this.pc(hart);
    const s = await this.host.symbolsAt(pc, hart);
    const f = s?.file.functionAt(pc);
    const l = s?.file.lineAt(pc);
    const priv = Number(await this.port.machine.readRegister(hart, 65 + 4096));
    return { pc, fn: f?.name, file: l?.file, line: l?.line, kind: s?.kind, priv, rowStart: l?.address === pc };
  }

  async close(): Promise<void> {
    this.rc.dispose();
    await this.port.close();
  }
}
