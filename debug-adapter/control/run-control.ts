// RunControl: every resume and every stop of the machine (see api.ts for the seam). It keeps the
// user's breakpoints (source, function, instruction, data) and its own (module hooks, panic
// functions, trap vectors, temporary ones for steps) in the machine, judges each machine stop
// (stops.ts), steps (stepping.ts), and tells the session what the user must see through events.
// Internal stops (module hooks, another process's hit, a false condition, a log point, an
// interrupt at a watched vector) resume at once and never reach the user.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Disposable, StopEvent, Target } from '../../emulator/target';
import { AddressTable } from './address-table';
import type { ControlHost, Granularity, RunControlApi, StoppedInfo } from './api';
import { linesWithCode } from './binding';
import { UserBreakpoints, type UserBreakpoint } from './breakpoints';
import { parseSettings } from './conditions';
import { DataBreakpoints } from './data-breakpoints';
import { EXCEPTION_FILTERS, FILTER_IDS, type ExceptionRecord, type FilterId } from './exceptions';
import { InternalBreakpoints } from './internal-breakpoints';
import { stepInstruction, stepOut, stepStatement, runToTemporary, type StepEngine } from './stepping';
import { judgeStop, type StopContext, type Verdict } from './stops';

type State = 'stopped' | 'running' | 'exited';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** An address as DAP gives it (instructionReference): decimal or 0x hex. */
function parseAddress(text: unknown): bigint | undefined {
  if (typeof text !== 'string' || !/^\s*(0x[0-9a-fA-F]+|\d+)\s*$/.test(text)) return undefined;
  return BigInt(text.trim());
}

export class RunControl implements RunControlApi {
  readonly exceptionFilters: DebugProtocol.ExceptionBreakpointsFilter[] = EXCEPTION_FILTERS;
  private readonly target: Target;
  private readonly table: AddressTable;
  private readonly user: UserBreakpoints;
  private readonly data: DataBreakpoints;
  private readonly internal: InternalBreakpoints;
  private readonly ctx: StopContext;
  private readonly engine: StepEngine;
  private state: State = 'stopped';
  private pauseFlag = false;
  private waiter?: (ev: StopEvent) => void;
  private readonly sub: Disposable;
  private filtersChosen = false;
  private filter?: { pid?: number; name?: string };
  private filterProgram?: string;
  private readonly exceptions = new Map<number, ExceptionRecord>();
  private lastHart = 0;
  /** The operation running now (continue, a step), for dispose and tests. */
  private activity: Promise<void> = Promise.resolve();
  private readonly stoppedL: Array<(s: StoppedInfo) => void> = [];
  private readonly changedL: Array<(bp: DebugProtocol.Breakpoint) => void> = [];
  private readonly exitedL: Array<(code: number) => void> = [];
  private readonly continuedL: Array<(threadId: number) => void> = [];

  constructor(private readonly host: ControlHost) {
    this.target = host.target;
    this.table = new AddressTable(this.target);
    this.user = new UserBreakpoints(host, this.table);
    this.user.processProgram = () => this.filterProgram;
    let ids = 1_000_000;
    this.data = new DataBreakpoints(host, () => ids++);
    this.internal = new InternalBreakpoints(host, this.table);
    const self = this;
    this.ctx = {
      host, table: this.table, user: this.user, data: this.data, internal: this.internal,
      pauseWanted: () => this.pauseFlag,
      processFilter: () => this.filter,
      changed: (bps) => this.announce(bps),
      rebind: async () => this.announce(await this.user.rebindAll()),
      passTrap: undefined,
    };
    this.engine = {
      host, target: this.target, table: this.table, internal: this.internal,
      pauseWanted: () => this.pauseFlag,
      judge: (ev) => judgeStop(self.ctx, ev),
      resumeAndWait: () => this.resumeAndWait(),
    };
    this.sub = this.target.onStop((ev) => {
      const w = this.waiter;
      if (w) { this.waiter = undefined; w(ev); }
    });
    if (this.target.state() === 'exited') this.state = 'exited';
  }

  // ------------------------------------------------------------------ events

  onStopped(listener: (s: StoppedInfo) => void): void { this.stoppedL.push(listener); }
  onBreakpointChanged(listener: (bp: DebugProtocol.Breakpoint) => void): void { this.changedL.push(listener); }
  onExited(listener: (exitCode: number) => void): void { this.exitedL.push(listener); }
  onContinued(listener: (threadId: number) => void): void { this.continuedL.push(listener); }

  private announce(bps: UserBreakpoint[]): void {
    for (const bp of bps) { const d = this.user.toDap(bp); for (const l of this.changedL) l(d); }
  }

  /** Resolves when the current operation (continue, step) has reported its stop; for tests and dispose. */
  settled(): Promise<void> { return this.activity; }

  /** Addresses run control keeps in the machine (user and internal), for tests. */
  machineBreakpoints(): bigint[] { return this.table.addresses(); }

  // ------------------------------------------------------------------ breakpoints

  async setBreakpoints(args: DebugProtocol.SetBreakpointsArguments): Promise<DebugProtocol.Breakpoint[]> {
    const source = args?.source;
    const path = typeof source?.path === 'string' ? source.path : typeof source?.name === 'string' ? source.name : undefined;
    const list = Array.isArray(args?.breakpoints) ? args.breakpoints : Array.isArray(args?.lines) ? args.lines.map((line): DebugProtocol.SourceBreakpoint => ({ line })) : [];
    if (!path) {
      return list.map(() => ({ verified: false, message: 'setBreakpoints: "source" needs a "path"' }));
    }
    const wanted = list.map((b: DebugProtocol.SourceBreakpoint) => {
      const settings = parseSettings(b ?? {});
      if (!Number.isInteger(b?.line) || b.line < 1) settings.error ??= `line ${JSON.stringify(b?.line)}: expected a line number from 1`;
      return { line: Number.isInteger(b?.line) ? b.line : 0, settings };
    });
    const bps = await this.user.setSource(path, { ...source, path }, wanted);
    return bps.map((bp) => this.user.toDap(bp));
  }

  async setFunctionBreakpoints(args: DebugProtocol.SetFunctionBreakpointsArguments): Promise<DebugProtocol.Breakpoint[]> {
    const list = Array.isArray(args?.breakpoints) ? args.breakpoints : [];
    const wanted = list.map((b) => {
      const settings = parseSettings(b ?? {});
      const name = typeof b?.name === 'string' ? b.name.trim() : '';
      if (!name) settings.error ??= 'function breakpoint: "name" must be a function name';
      return { name, settings };
    });
    const bps = await this.user.setFunctions(wanted);
    return bps.map((bp) => this.user.toDap(bp));
  }

  async setInstructionBreakpoints(args: DebugProtocol.SetInstructionBreakpointsArguments): Promise<DebugProtocol.Breakpoint[]> {
    const list = Array.isArray(args?.breakpoints) ? args.breakpoints : [];
    const wanted = list.map((b) => {
      const settings = parseSettings(b ?? {});
      const base = parseAddress(b?.instructionReference);
      const offset = b?.offset === undefined ? 0 : b.offset;
      let error: string | undefined;
      if (base === undefined) error = `instructionReference ${JSON.stringify(b?.instructionReference)}: expected an address such as 0x80001234`;
      else if (!Number.isInteger(offset)) error = `offset ${JSON.stringify(b?.offset)}: expected a whole number of bytes`;
      const address = base === undefined || error ? undefined : BigInt.asUintN(64, base + BigInt(offset));
      return { reference: String(b?.instructionReference), offset: Number.isInteger(offset) ? offset : 0, address, error, settings };
    });
    const bps = await this.user.setInstructions(wanted);
    return bps.map((bp) => this.user.toDap(bp));
  }

  dataBreakpointInfo(args: DebugProtocol.DataBreakpointInfoArguments): Promise<DebugProtocol.DataBreakpointInfoResponse['body']> {
    return this.data.info(args);
  }

  async setDataBreakpoints(args: DebugProtocol.SetDataBreakpointsArguments): Promise<DebugProtocol.Breakpoint[]> {
    return (await this.data.set(args)).map((d) => this.data.toDap(d));
  }

  async breakpointLocations(args: DebugProtocol.BreakpointLocationsArguments): Promise<DebugProtocol.BreakpointLocation[]> {
    const path = args?.source?.path ?? args?.source?.name;
    if (typeof path !== 'string' || !Number.isInteger(args?.line)) return [];
    const end = Number.isInteger(args.endLine) && args.endLine! >= args.line ? Math.min(args.endLine!, args.line + 100_000) : args.line;
    return (await linesWithCode(this.host, path, args.line, end)).map((line) => ({ line }));
  }

  async setExceptionBreakpoints(args: DebugProtocol.SetExceptionBreakpointsArguments): Promise<DebugProtocol.Breakpoint[]> {
    const ids = [
      ...(Array.isArray(args?.filters) ? args.filters : []),
      ...(Array.isArray(args?.filterOptions) ? args.filterOptions.map((o) => o?.filterId) : []),
    ];
    const on = new Set<FilterId>();
    const out: DebugProtocol.Breakpoint[] = ids.map((id) => {
      if (typeof id === 'string' && FILTER_IDS.has(id)) { on.add(id as FilterId); return { verified: true }; }
      return { verified: false, message: `exception filter ${JSON.stringify(id)}: expected one of ${[...FILTER_IDS].join(', ')}` };
    });
    this.filtersChosen = true;
    await this.internal.setFilters(on);
    return out;
  }

  async exceptionInfo(threadId: number): Promise<DebugProtocol.ExceptionInfoResponse['body']> {
    const r = this.exceptions.get(threadId);
    if (!r) throw new Error(`exceptionInfo: thread ${threadId} did not stop on an exception`);
    return { exceptionId: r.filter, description: r.description, breakMode: 'always', details: r.details };
  }

  setProcessFilter(filter: { pid?: number; name?: string } | undefined): void {
    this.filter = filter && (filter.pid !== undefined || filter.name !== undefined) ? { ...filter } : undefined;
    this.filterProgram = this.filter?.name;
    void (async () => {
      if (this.filter?.pid !== undefined && !this.filter.name && this.host.awareness) {
        const t = (await this.host.awareness.tasks()).find((x) => x.pid === this.filter!.pid);
        this.filterProgram = t ? ((await this.host.awareness.program(t))?.path ?? t.name) : undefined;
      }
      await this.ctx.rebind();
    })().catch((e: Error) => this.host.output('stderr', `process filter: ${e.message}\n`));
  }

  // ------------------------------------------------------------------ running

  private resumeAndWait(): Promise<StopEvent> {
    return new Promise<StopEvent>((resolve, reject) => {
      this.waiter = resolve;
      this.target.resume().catch((e: Error) => { this.waiter = undefined; reject(e); });
    });
  }

  /** Runs until a stop the user must see. */
  private async runUntilStop(): Promise<Verdict> {
    for (;;) {
      if (this.pauseFlag) return { kind: 'stop', hart: this.lastHart, reason: 'pause' };
      this.host.willResume();
      const ev = await this.resumeAndWait();
      if ('hart' in ev.reason) this.lastHart = ev.reason.hart;
      const v = await judgeStop(this.ctx, ev);
      if (v.kind !== 'internal') return v;
    }
  }

  /** Starts an operation that ends in a stop (or exit), after the request's response has gone out. */
  private launch(threadId: number, op: () => Promise<Verdict>): void {
    if (this.state === 'exited') throw new Error('the machine has powered off');
    if (this.state === 'running') return;
    this.state = 'running';
    this.pauseFlag = false;
    for (const l of this.continuedL) l(threadId);
    this.activity = (async () => {
      await tick();
      let v: Verdict;
      try { v = await op(); } catch (e) {
        this.host.output('stderr', `run control: ${(e as Error).message}\n`);
        v = this.target.state() === 'exited' ? { kind: 'exit', code: 0 } : { kind: 'stop', hart: this.lastHart, reason: 'pause' };
        if (this.target.state() === 'running') await this.target.pause().catch(() => undefined);
      }
      await this.report(v);
    })();
  }

  private async report(v: Verdict): Promise<void> {
    this.pauseFlag = false;
    if (v.kind === 'exit') {
      this.state = 'exited';
      for (const l of this.exitedL) l(v.code);
      return;
    }
    if (v.kind !== 'stop') { this.state = 'stopped'; return; }
    this.lastHart = v.hart;
    // what changed while running: programs a process started (their breakpoints bind), trap vectors
    if (this.user.list().some((bp) => !bp.verified && bp.locations.length)) await this.ctx.rebind().catch(() => undefined);
    if (this.internal.enabled.size) await this.internal.refreshVectors().catch(() => undefined);
    const threadId = await this.host.threadOfHart(v.hart).catch(() => v.hart + 1);
    if (v.exception) this.exceptions.set(threadId, v.exception); else this.exceptions.delete(threadId);
    this.state = 'stopped';
    const info: StoppedInfo = { reason: v.reason, threadId, hart: v.hart };
    if (v.description) info.description = v.description;
    if (v.text) info.text = v.text;
    if (v.hitBreakpointIds?.length) info.hitBreakpointIds = v.hitBreakpointIds;
    for (const l of this.stoppedL) l(info);
  }

  async start(how: { stopOnEntry?: boolean; stopAt?: string }): Promise<void> {
    await this.internal.installHooks();
    if (!this.filtersChosen) await this.internal.setFilters(new Set(EXCEPTION_FILTERS.filter((f) => f.default).map((f) => f.filter as FilterId)));
    await this.internal.refreshVectors();
    this.announce(await this.user.rebindAll());
    if (how?.stopOnEntry) {
      const threadId = await this.host.threadOfHart(0).catch(() => 1);
      this.state = 'stopped';
      for (const l of this.stoppedL) l({ reason: 'entry', threadId, hart: 0, description: 'Paused at the reset vector' });
      return;
    }
    const name = typeof how?.stopAt === 'string' ? how.stopAt.trim() : '';
    if (name) {
      let address: bigint | undefined;
      for (const s of [this.host.kernel, ...(await this.host.loadedSymbols().catch(() => [])).map((c) => c.file)]) {
        address = s.afterPrologue(name);
        if (address !== undefined) break;
      }
      if (address === undefined) throw new Error(`stopAt: no function "${name}" in the kernel's symbols`);
      const at = address;
      this.launch(1, async () => {
        const r = await runToTemporary(this.engine, 0, [at], async () => true);
        if ('verdict' in r) return r.verdict;
        return { kind: 'stop', hart: r.arrived, reason: 'function breakpoint', description: `Paused at ${name}` };
      });
      return;
    }
    this.launch(1, () => this.runUntilStop());
  }

  async continue(threadId?: number): Promise<void> {
    this.launch(threadId ?? 1, () => this.runUntilStop());
  }

  async pause(_threadId?: number): Promise<void> {
    if (this.state !== 'running') return;
    this.pauseFlag = true;
    if (this.target.state() === 'running') await this.target.pause().catch(() => undefined);
  }

  private async hartFor(threadId: number, what: string): Promise<number> {
    const hart = Number.isInteger(threadId) ? await this.host.hartOfThread(threadId).catch(() => undefined) : undefined;
    if (hart === undefined) throw new Error(`${what}: thread ${threadId} is not running on a hart now (a sleeping task cannot be stepped until it runs; continue instead)`);
    return hart;
  }

  async next(threadId: number, granularity?: Granularity): Promise<void> {
    const hart = await this.hartFor(threadId, 'next');
    this.launch(threadId, () => granularity === 'instruction' ? stepInstruction(this.engine, hart, true) : stepStatement(this.engine, hart, true));
  }

  async stepIn(threadId: number, granularity?: Granularity): Promise<void> {
    const hart = await this.hartFor(threadId, 'stepIn');
    this.launch(threadId, () => granularity === 'instruction' ? stepInstruction(this.engine, hart, false) : stepStatement(this.engine, hart, false));
  }

  async stepOut(threadId: number, _granularity?: Granularity): Promise<void> {
    const hart = await this.hartFor(threadId, 'stepOut');
    this.launch(threadId, () => stepOut(this.engine, hart));
  }

  dispose(): void {
    this.sub.dispose();
    this.waiter = undefined;
    void this.table.clear();
    void this.data.set({ breakpoints: [] }).catch(() => undefined);
  }
}
