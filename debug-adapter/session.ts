// The DAP session: requests in, responses and events out, over a KernelRuntime (inspection)
// and run control (breakpoints, stepping, stops). Every request goes through one async
// dispatcher: an answer or an error response naming what was wrong, never an exception past
// it, and a request that was cancelled answers 'cancelled'. Runs as a process (main.ts, stdio)
// or inline in the extension (vscode.DebugAdapterInlineImplementation over this class).
import {
  DebugSession, Event, InitializedEvent, TerminatedEvent, ExitedEvent, StoppedEvent, ContinuedEvent, OutputEvent,
  ModuleEvent, BreakpointEvent, CapabilitiesEvent, ProgressStartEvent, ProgressUpdateEvent, ProgressEndEvent, InvalidatedEvent, Response, ThreadEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { isAbsolute, join } from 'node:path';
import { ConfigError, parseAttachConfig, parseLaunchConfig, type SessionConfig } from './launch-config';
import { KernelRuntime, type ModuleView, type OutputCategory, type RuntimeEvents } from './runtime/runtime';
import { evaluate, RequestError, scopes, setExpression, setVariable, variables } from './runtime/inspection';
import { formatMemoryRef, parseMemoryRef } from './runtime/memory-ref';
import type { RunControlApi } from './control/api';
import { createRunControl, RUN_CONTROL_COMPLETE } from './runtime/run-control-factory';
import type { BackgroundIndex, ProgressSink } from './runtime/background-index';
import { DW_AT } from '../symbols/dwarf/constants';
import { extensionRequests } from './extension-requests';

type Handler = (args: any, request: DebugProtocol.Request) => Promise<unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any

const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** The running machine's one thread before the first stop (a thread to pause). No task has
 *  this id (init's thread is not the placeholder's node renamed), and a thread event ends it
 *  before the first stop. */
const MACHINE_THREAD_ID = 0x7fff_fff0;

export class KernelDebugSession extends DebugSession {
  private rt?: KernelRuntime;
  private control?: RunControlApi;
  private config?: SessionConfig;
  private clientCaps: DebugProtocol.InitializeRequestArguments = { adapterID: 'kernel' };
  private readonly cancelled = new Set<number>();
  private lastThreads: DebugProtocol.Thread[] = [];
  /** The running placeholder thread was reported (threads before the first stop). */
  private placeholderShown = false;
  private started = false;
  private ending = false;
  private readonly handlers: Record<string, Handler>;
  /** The kernel's name index being built in the background (progress, cancel). */
  private index?: BackgroundIndex;

  constructor(debuggerLinesAndColumnsStartAt1?: boolean, isServer?: boolean) {
    super(debuggerLinesAndColumnsStartAt1, isServer);
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.handlers = {
      initialize: (a) => this.initialize(a),
      launch: (a) => this.open(a, 'launch'),
      attach: (a) => this.open(a, 'attach'),
      configurationDone: () => this.configurationDone(),
      threads: () => this.threads(),
      stackTrace: (a) => this.stackTrace(a),
      scopes: (a) => this.need().then((rt) => scopes(rt, num(a?.frameId, 'frameId'))).then((s) => ({ scopes: s })),
      variables: (a) => this.need().then((rt) => variables(rt, { ...a, variablesReference: num(a?.variablesReference, 'variablesReference') })).then((v) => ({ variables: v })),
      evaluate: (a) => this.need().then((rt) => evaluate(rt, frameOpt(obj(a)), this.consoleRun())),
      setVariable: (a) => this.need().then((rt) => setVariable(rt, { ...obj(a), variablesReference: num(a?.variablesReference, 'variablesReference') }, (areas) => this.invalidated(areas))),
      setExpression: (a) => this.need().then((rt) => setExpression(rt, frameOpt(obj(a)), (areas) => this.invalidated(areas))),
      readMemory: (a) => this.readMemory(a),
      writeMemory: (a) => this.writeMemory(a),
      disassemble: (a) => this.disassemble(a),
      modules: (a) => this.modules(a),
      loadedSources: () => this.loadedSources(),
      source: () => Promise.reject(new RequestError('sources are read from disk by the client (no source references)')),
      restart: () => this.restart(),
      terminate: () => this.end(true),
      disconnect: (a) => this.end(a?.terminateDebuggee ?? this.config?.request === 'launch'),
      cancel: (a) => this.cancel(a),
      'kwb/serialInput': (a) => this.need().then((rt) => { if (typeof a?.text !== 'string') throw new RequestError('kwb/serialInput: "text" must be a string'); rt.serialInput(a.text); return {}; }),
      // run control
      setBreakpoints: (a) => this.ctl().then((c) => c.setBreakpoints(obj(a))).then((b) => ({ breakpoints: b })),
      setFunctionBreakpoints: (a) => this.ctl().then((c) => c.setFunctionBreakpoints({ breakpoints: arr(a?.breakpoints, 'breakpoints') })).then((b) => ({ breakpoints: b })),
      setInstructionBreakpoints: (a) => this.ctl().then((c) => c.setInstructionBreakpoints({ breakpoints: arr(a?.breakpoints, 'breakpoints') })).then((b) => ({ breakpoints: b })),
      setExceptionBreakpoints: (a) => this.ctl().then((c) => c.setExceptionBreakpoints({ filters: arr(a?.filters ?? [], 'filters'), filterOptions: a?.filterOptions })).then((b) => ({ breakpoints: b })),
      dataBreakpointInfo: (a) => this.ctl().then((c) => c.dataBreakpointInfo(obj(a))),
      setDataBreakpoints: (a) => this.ctl().then((c) => c.setDataBreakpoints({ breakpoints: arr(a?.breakpoints, 'breakpoints') })).then((b) => ({ breakpoints: b })),
      breakpointLocations: (a) => this.ctl().then((c) => c.breakpointLocations(obj(a))).then((b) => ({ breakpoints: b })),
      exceptionInfo: (a) => this.ctl().then((c) => c.exceptionInfo(num(a?.threadId, 'threadId'))),
      continue: (a) => this.ctl().then(async (c) => { await c.continue(a?.threadId); return { allThreadsContinued: true }; }),
      pause: (a) => this.ctl().then((c) => c.pause(a?.threadId)).then(() => ({})),
      next: (a) => this.ctl().then((c) => c.next(num(a?.threadId, 'threadId'), a?.granularity)).then(() => ({})),
      stepIn: (a) => this.ctl().then((c) => c.stepIn(num(a?.threadId, 'threadId'), a?.granularity)).then(() => ({})),
      stepOut: (a) => this.ctl().then((c) => c.stepOut(num(a?.threadId, 'threadId'), a?.granularity)).then(() => ({})),
      // the VS Code extension's requests: kwb/tasks, kwb/stats, kwb/monitor
      ...extensionRequests({ runtime: () => this.rt, control: () => this.control, restart: () => this.restart(), end: () => this.end(true), checkpointLoaded: (name) => this.checkpointLoaded(name) }),
    };
  }

  // ------------------------------------------------------------------ dispatch

  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const response = new Response(request);
    const handler = Object.prototype.hasOwnProperty.call(this.handlers, request.command) ? this.handlers[request.command] : undefined;
    if (!handler) { this.fail(response, `unsupported request '${request.command}'`); return; }
    let p: Promise<unknown>;
    try { p = handler(request.arguments, request); } catch (e) { p = Promise.reject(e); }
    p.then((body) => {
      if (this.cancelled.delete(request.seq)) { this.fail(response, 'cancelled', 'cancelled'); return; }
      if (body !== undefined) (response as DebugProtocol.Response).body = body;
      this.sendResponse(response);
      if (request.command === 'initialize') this.afterInitialize();
    }, (e: unknown) => {
      this.cancelled.delete(request.seq);
      this.fail(response, messageOf(e, request.command));
    });
  }

  private fail(response: DebugProtocol.Response, message: string, short?: string): void {
    response.success = false;
    response.message = short ?? message;
    // a notification pop-up only where nothing else shows the error (starting a session); VS Code
    // shows the others in place (hover, watch, REPL, inline edits), and a pop-up per failed hover is noise
    const showUser = response.command === 'launch' || response.command === 'attach' || response.command === 'restart';
    response.body = { error: { id: 1, format: message.replace(/[{}]/g, (c) => (c === '{' ? '(' : ')')), showUser } };
    this.sendResponse(response);
  }

  private afterInitialize(): void { /* 'initialized' is sent once launch/attach has a target to bind breakpoints in */ }

  private async need(): Promise<KernelRuntime> {
    if (!this.rt) throw new RequestError('no kernel is being debugged yet (launch or attach first)');
    return this.rt;
  }

  private async ctl(): Promise<RunControlApi> {
    await this.need();
    return this.control!;
  }

  // ------------------------------------------------------------------ lifecycle

  private async initialize(args: DebugProtocol.InitializeRequestArguments): Promise<DebugProtocol.Capabilities> {
    this.clientCaps = args ?? { adapterID: 'kernel' };
    const full = RUN_CONTROL_COMPLETE;
    return {
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: full,
      supportsConditionalBreakpoints: full,
      supportsHitConditionalBreakpoints: full,
      supportsLogPoints: full,
      supportsInstructionBreakpoints: full,
      supportsDataBreakpoints: full,
      supportsBreakpointLocationsRequest: full,
      supportsExceptionInfoRequest: full,
      supportsSteppingGranularity: full,
      supportsEvaluateForHovers: true,
      supportsSetVariable: true,
      supportsSetExpression: true,
      supportsRestartRequest: true,
      supportsModulesRequest: true,
      supportsLoadedSourcesRequest: true,
      supportsTerminateRequest: true,
      supportTerminateDebuggee: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsDisassembleRequest: true,
      supportsCancelRequest: true,
      supportsValueFormattingOptions: true,
      supportsDelayedStackTraceLoading: true,
      exceptionBreakpointFilters: [],
    };
  }

  private events(): RuntimeEvents {
    return {
      output: (category: OutputCategory, text: string) => this.sendEvent(new OutputEvent(text, category)),
      module: (reason, m: ModuleView) => this.sendEvent(new ModuleEvent(reason, { id: m.id, name: m.name, path: m.path, symbolStatus: m.symbolStatus, addressRange: m.addressRange } as DebugProtocol.Module)),
      progress: this.progressSink(),
      indexing: (index) => { this.index = index; },
    };
  }

  private async open(raw: unknown, kind: 'launch' | 'attach'): Promise<undefined> {
    if (this.rt) throw new RequestError(`a kernel is already being debugged in this session (${this.config?.request})`);
    let cfg: SessionConfig;
    try { cfg = kind === 'launch' ? parseLaunchConfig(raw) : parseAttachConfig(raw); } catch (e) {
      if (e instanceof ConfigError) throw new RequestError(`${kind} configuration: ${e.message}`);
      throw e;
    }
    let rt: KernelRuntime;
    try { rt = cfg.request === 'launch' ? await KernelRuntime.launch(cfg, this.events()) : await KernelRuntime.attach(cfg, this.events()); } catch (e) {
      if (e instanceof ConfigError) throw new RequestError(`${kind} configuration: ${e.message}`);
      throw e;
    }
    this.config = cfg;
    this.rt = rt;
    const control = createRunControl(rt);
    this.control = control;
    control.onStopped((s) => {
      void (async () => {
        rt.setStoppedThread(s.threadId);
        await rt.syncModules().catch(() => undefined);
        // the running placeholder goes before the stop that brings the real threads
        if (this.placeholderShown) { this.placeholderShown = false; this.sendEvent(new ThreadEvent('exited', MACHINE_THREAD_ID)); }
        const ev = new StoppedEvent(s.reason, s.threadId, s.text) as DebugProtocol.StoppedEvent;
        ev.body.allThreadsStopped = true;
        if (s.description) ev.body.description = s.description;
        if (s.hitBreakpointIds) ev.body.hitBreakpointIds = s.hitBreakpointIds;
        this.sendEvent(ev);
      })();
    });
    control.onContinued((threadId) => this.sendEvent(new ContinuedEvent(threadId, true)));
    control.onBreakpointChanged((bp) => this.sendEvent(new BreakpointEvent('changed', bp)));
    control.onExited((code) => {
      if (this.ending) return;
      this.sendEvent(new ExitedEvent(code));
      this.sendEvent(new TerminatedEvent());
    });
    if (cfg.process) control.setProcessFilter(cfg.process);
    if (control.exceptionFilters.length) this.sendEvent(new CapabilitiesEvent({ exceptionBreakpointFilters: control.exceptionFilters }));
    this.sendEvent(new InitializedEvent());
    return undefined;
  }

  private async configurationDone(): Promise<undefined> {
    const rt = await this.need();
    if (this.started) return undefined;
    this.started = true;
    const cfg = this.config!;
    void rt;
    await this.control!.start({ stopOnEntry: cfg.stopOnEntry, stopAt: cfg.stopAt });
    return undefined;
  }

  private async restart(): Promise<undefined> {
    const rt = await this.need();
    if (!rt.machine) throw new RequestError('restart: an attached target cannot be restarted from here (restart it where it runs, then attach again)');
    if (rt.target.state() === 'running') {
      // run control reports the pause; the reset follows once the machine is still
      await this.control!.pause();
      for (let i = 0; i < 500 && rt.target.state() === 'running'; i++) await new Promise((r) => setTimeout(r, 10));
    }
    await rt.restart();
    this.sendEvent(new InvalidatedEvent(['all']));
    await this.control!.start({ stopOnEntry: this.config!.stopOnEntry, stopAt: this.config!.stopAt });
    return undefined;
  }

  private async end(terminate: boolean): Promise<undefined> {
    if (!this.rt) return undefined;
    this.ending = true;
    this.index?.cancel();
    this.control?.dispose();
    await this.rt.close({ terminate });
    this.sendEvent(new TerminatedEvent());
    return undefined;
  }

  private async cancel(a: DebugProtocol.CancelArguments | undefined): Promise<undefined> {
    if (a && typeof a.requestId === 'number') this.cancelled.add(a.requestId);
    // the background name index: it stops between slices, lookups then finish it on demand
    if (a && typeof a.progressId === 'string' && this.index?.id === a.progressId) this.index.cancel();
    return undefined;
  }

  /** DAP progress events for the kernel's name index (only when the client shows progress); the client may cancel it. */
  private progressSink(): ProgressSink {
    const show = (): boolean => this.clientCaps.supportsProgressReporting === true;
    return {
      start: (id, title, message) => {
        if (!show()) return;
        const ev = new ProgressStartEvent(id, title, message) as DebugProtocol.ProgressStartEvent;
        ev.body.cancellable = true;
        ev.body.percentage = 0;
        this.sendEvent(ev);
      },
      update: (id, message, percentage) => {
        if (!show()) return;
        const ev = new ProgressUpdateEvent(id, message) as DebugProtocol.ProgressUpdateEvent;
        ev.body.percentage = percentage;
        this.sendEvent(ev);
      },
      end: (id, message) => { if (show()) this.sendEvent(new ProgressEndEvent(id, message)); },
    };
  }

  /** The views must re-read (a register or variable in a register was written at this stop). */
  private invalidated(areas: DebugProtocol.InvalidatedAreas[]): void { this.sendEvent(new InvalidatedEvent(areas)); }

  /** What the Debug Console's `monitor go/stop/reboot/load` do: run control's continue and pause, the session's restart, a new stop. */
  private consoleRun(): { resume(): Promise<void>; pause(): Promise<void>; settled(): Promise<void>; restart(): Promise<void>; loaded(name: string): Promise<void> } {
    return {
      resume: async () => { await this.control?.continue(); },
      pause: async () => { await this.control?.pause(); },
      settled: async () => { await this.control?.settled(); },
      restart: async () => { await this.restart(); },
      loaded: (name) => this.checkpointLoaded(name),
    };
  }

  /** The stopped machine now holds checkpoint NAME: a stop at its state, so the client rereads
   *  threads, stacks and variables (an invalidated event alone would keep the old thread list). */
  private async checkpointLoaded(name: string): Promise<void> {
    const rt = await this.need();
    rt.refreshStop();
    const threadId = await rt.threadOfHart(0).catch(() => 1);
    rt.setStoppedThread(threadId);
    await rt.syncModules().catch(() => undefined);
    const ev = new StoppedEvent('checkpoint', threadId) as DebugProtocol.StoppedEvent;
    ev.body.allThreadsStopped = true;
    ev.body.description = `Loaded checkpoint ${name}`;
    this.sendEvent(ev);
  }

  // ------------------------------------------------------------------ threads and stacks

  private async threads(): Promise<DebugProtocol.ThreadsResponse['body']> {
    const rt = await this.need();
    // running before any stop: one thread for the machine, so a client has something to pause (VS Code pauses a thread)
    if (rt.target.state() !== 'paused') {
      if (this.lastThreads.length) return { threads: this.lastThreads };
      this.placeholderShown = true;
      return { threads: [{ id: MACHINE_THREAD_ID, name: 'machine (running)' }] };
    }
    const ts = await rt.threads();
    this.lastThreads = ts.map((t) => ({ id: t.id, name: t.name }));
    return { threads: this.lastThreads };
  }

  private async stackTrace(a: DebugProtocol.StackTraceArguments): Promise<DebugProtocol.StackTraceResponse['body']> {
    const rt = await this.need();
    const threadId = num(a?.threadId, 'threadId');
    if (rt.target.state() !== 'paused') throw new RequestError('the machine is running (pause it to see stacks)');
    const frames = await rt.stack(threadId);
    const start = Number.isInteger(a.startFrame) && a.startFrame! > 0 ? a.startFrame! : 0;
    const levels = Number.isInteger(a.levels) && a.levels! > 0 ? a.levels! : frames.length;
    const out: DebugProtocol.StackFrame[] = frames.slice(start, start + levels).map((f) => {
      const id = rt.frameId(threadId, f);
      const sf: DebugProtocol.StackFrame = { id, name: f.function, line: 0, column: 0 };
      if (f.label) { sf.presentationHint = 'label'; return sf; }
      if (f.file) { sf.source = { name: f.file.replace(/^.*[\\/]/, ''), path: f.file }; sf.line = f.line ?? 0; sf.column = 1; }
      else sf.presentationHint = 'subtle';
      sf.instructionPointerReference = formatMemoryRef(f.pc, f.space === 'user' ? f.symbols?.satp : undefined);
      if (f.symbols?.kind === 'module') { const m = rt.registry.moduleAt(f.pc); if (m) sf.moduleId = rt.moduleView(m).id; }
      else if (f.symbols?.kind === 'kernel') sf.moduleId = 'kernel';
      if (f.inlined) sf.name = `${f.function} [inlined]`;
      return sf;
    });
    return { stackFrames: out, totalFrames: frames.length };
  }

  // ------------------------------------------------------------------ memory and code

  private async readMemory(a: DebugProtocol.ReadMemoryArguments): Promise<DebugProtocol.ReadMemoryResponse['body']> {
    const rt = await this.need();
    const ref = parseMemoryRef(a?.memoryReference);
    if (!ref) throw new RequestError(`readMemory: "memoryReference" ${JSON.stringify(a?.memoryReference)} is not an address`);
    const count = num(a.count, 'count');
    if (count < 0) throw new RequestError('readMemory: "count" must not be negative');
    const address = BigInt.asUintN(64, ref.address + BigInt(Number.isInteger(a.offset) ? a.offset! : 0));
    const r = await rt.memory.read({ address, satp: ref.satp }, count);
    const body: DebugProtocol.ReadMemoryResponse['body'] = { address: hex(address), data: Buffer.from(r.data).toString('base64') };
    const beyond = Math.max(0, count - r.data.length - r.unreadable);
    if (r.unreadable || beyond) body!.unreadableBytes = r.unreadable + beyond;
    return body;
  }

  private async writeMemory(a: DebugProtocol.WriteMemoryArguments): Promise<DebugProtocol.WriteMemoryResponse['body']> {
    const rt = await this.need();
    const ref = parseMemoryRef(a?.memoryReference);
    if (!ref) throw new RequestError(`writeMemory: "memoryReference" ${JSON.stringify(a?.memoryReference)} is not an address`);
    if (typeof a.data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(a.data)) throw new RequestError('writeMemory: "data" must be base64');
    const data = new Uint8Array(Buffer.from(a.data, 'base64'));
    const address = BigInt.asUintN(64, ref.address + BigInt(Number.isInteger(a.offset) ? a.offset! : 0));
    try { await rt.memory.write({ address, satp: ref.satp }, data); } catch (e) { throw new RequestError(`writeMemory at ${hex(address)}: ${(e as Error).message}`); }
    rt.awareness?.memory.invalidate();
    this.sendEvent(new Event('memory', { memoryReference: a.memoryReference, offset: a.offset ?? 0, count: data.length }));
    return { offset: 0, bytesWritten: data.length };
  }

  private async disassemble(a: DebugProtocol.DisassembleArguments): Promise<DebugProtocol.DisassembleResponse['body']> {
    const rt = await this.need();
    const ref = parseMemoryRef(a?.memoryReference);
    if (!ref) throw new RequestError(`disassemble: "memoryReference" ${JSON.stringify(a?.memoryReference)} is not an address`);
    const count = num(a.instructionCount, 'instructionCount');
    const address = BigInt.asUintN(64, ref.address + BigInt(Number.isInteger(a.offset) ? a.offset! : 0));
    const programs = ref.satp !== undefined ? rt.knownPrograms() : [];
    const symbolsAt = (pc: bigint) => rt.registry.moduleAt(pc)?.symbols?.file ?? (rt.registry.inKernelText(pc) ? rt.kernel : programs.find((p) => p.file.functionAt(pc))?.file);
    const instructions = await rt.memory.disassemble({ address, satp: ref.satp }, Number.isInteger(a.instructionOffset) ? a.instructionOffset! : 0, count, symbolsAt, a.resolveSymbols !== false);
    return { instructions };
  }

  // ------------------------------------------------------------------ modules and sources

  private async modules(a: DebugProtocol.ModulesArguments | undefined): Promise<DebugProtocol.ModulesResponse['body']> {
    const rt = await this.need();
    if (rt.target.state() === 'paused') await rt.syncModules().catch(() => undefined);
    const all = rt.modules() as DebugProtocol.Module[];
    const start = Number.isInteger(a?.startModule) && a!.startModule! > 0 ? a!.startModule! : 0;
    const count = Number.isInteger(a?.moduleCount) && a!.moduleCount! > 0 ? a!.moduleCount! : all.length;
    return { modules: all.slice(start, start + count), totalModules: all.length };
  }

  private async loadedSources(): Promise<DebugProtocol.LoadedSourcesResponse['body']> {
    const rt = await this.need();
    const files = [rt.kernel, ...rt.registry.loadedModules().map((m) => m.symbols?.file)];
    const seen = new Set<string>();
    const sources: DebugProtocol.Source[] = [];
    for (const f of files) {
      for (const u of f?.dwarf?.units ?? []) {
        try {
          const head = u.head();
          const name = u.str(head.get(DW_AT.name));
          if (!name) continue;
          const dir = u.str(head.get(DW_AT.comp_dir));
          const path = isAbsolute(name) || !dir ? name : join(dir, name);
          if (seen.has(path)) continue;
          seen.add(path);
          sources.push({ name: path.replace(/^.*[\\/]/, ''), path });
        } catch { /* a damaged unit is left out */ }
      }
    }
    return { sources };
  }
}

function messageOf(e: unknown, command: string): string {
  if (e instanceof RequestError) return e.message;
  if (e instanceof ConfigError) return `${command}: ${e.message}`;
  const m = e instanceof Error ? e.message : String(e);
  return `${command}: ${m}`;
}

function num(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !Number.isInteger(v)) {
    const got = v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v);
    throw new RequestError(`"${field}" must be a whole number (got ${got.length > 80 ? `${got.slice(0, 80)}…` : got})`);
  }
  return v;
}

/** An optional frameId must be a whole number when given (null counts as not given). */
function frameOpt<T extends { frameId?: unknown }>(a: T): T {
  if (a.frameId !== undefined && a.frameId !== null) num(a.frameId, 'frameId');
  return a.frameId === null ? { ...a, frameId: undefined } : a;
}

function obj<T>(v: T): T {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new RequestError('the request\'s arguments must be an object');
  return v;
}

function arr<T>(v: T[] | undefined, field: string): T[] {
  if (!Array.isArray(v)) throw new RequestError(`"${field}" must be an array`);
  return v;
}
