// What the extension does with the messages between VS Code and the debug adapter, whichever
// way the adapter runs (its own process or inline): the guest's serial output (output events of
// category `stdout`) goes to the serial terminal instead of the Debug Console; `monitor ...`
// typed in the Debug Console becomes the adapter's `kwb/monitor` request; source paths of a
// kernel built elsewhere are mapped to local files (`sourceFileMap`, as cppdbg's); stops,
// resumes, module events and the end are announced for the views and the status bar. Pure: no
// vscode, so it is tested without a window.
import { Emitter, type DapMessage } from './wire';

export type MachineState = 'starting' | 'running' | 'paused' | 'ended';

export interface ModuleEventBody { reason: 'new' | 'changed' | 'removed'; module: { id: string | number; name: string; path?: string; symbolStatus?: string; addressRange?: string } }

export interface RouterOptions {
  /** Send the guest's serial output to the terminal (true) or leave it in the Debug Console. */
  serialToTerminal: boolean;
}

/** `{ "/build/guest": "/home/me/guest" }`: longest prefix first, both directions. */
export class SourceMap {
  private readonly pairs: Array<[string, string]>;
  constructor(map: Record<string, string> | undefined) {
    this.pairs = Object.entries(map ?? {})
      .filter(([a, b]) => typeof a === 'string' && typeof b === 'string' && a !== '' && b !== '')
      .map(([a, b]): [string, string] => [a.replace(/[\\/]+$/, ''), b.replace(/[\\/]+$/, '')])
      .sort((x, y) => y[0].length - x[0].length);
  }
  get empty(): boolean { return this.pairs.length === 0; }
  private static apply(path: string, from: string, to: string): string | undefined {
    if (path === from) return to;
    if (path.startsWith(from) && (path[from.length] === '/' || path[from.length] === '\\')) return to + path.slice(from.length);
    return undefined;
  }
  /** An adapter (build) path as the editor opens it. */
  toLocal(path: string): string {
    for (const [from, to] of this.pairs) { const p = SourceMap.apply(path, from, to); if (p !== undefined) return p; }
    return path;
  }
  /** An editor path as the adapter (the debug information) names it. */
  toBuild(path: string): string {
    for (const [from, to] of this.pairs) { const p = SourceMap.apply(path, to, from); if (p !== undefined) return p; }
    return path;
  }
}

/** Rewrites every `source.path` (and `sources[].path`) inside a message body, in place. */
function mapSources(v: unknown, f: (p: string) => string, depth = 0): void {
  if (depth > 6 || typeof v !== 'object' || v === null) return;
  if (Array.isArray(v)) { for (const x of v) mapSources(x, f, depth + 1); return; }
  const o = v as Record<string, unknown>;
  for (const [k, x] of Object.entries(o)) {
    if ((k === 'source' || k === 'sources') && typeof x === 'object' && x !== null) {
      for (const s of Array.isArray(x) ? x : [x]) {
        if (s && typeof s === 'object' && typeof (s as { path?: unknown }).path === 'string') (s as { path: string }).path = f((s as { path: string }).path);
      }
    }
    if (typeof x === 'object') mapSources(x, f, depth + 1);
  }
}

const MONITOR_LINE = /^\s*monitor(?:\s+([\s\S]*))?$/;

export class SessionRouter {
  state: MachineState = 'starting';
  /** The thread the last stop was reported for. */
  stoppedThread?: number;
  private sourceMap = new SourceMap(undefined);
  private readonly monitorSeqs = new Set<number>();

  readonly onSerial = new Emitter<string>();
  readonly onStopped = new Emitter<{ threadId?: number; reason: string }>();
  readonly onContinued = new Emitter<void>();
  readonly onModule = new Emitter<ModuleEventBody>();
  readonly onEnded = new Emitter<void>();
  /** The launch or attach request succeeded (the machine exists). */
  readonly onStarted = new Emitter<'launch' | 'attach'>();
  /** Capabilities and anything else worth a log line. */
  readonly onLog = new Emitter<string>();

  constructor(private readonly options: RouterOptions) {}

  /** A message from VS Code: what to pass to the adapter (possibly rewritten), or undefined. */
  toAdapter(msg: DapMessage): DapMessage | undefined {
    if (msg.type !== 'request') return msg;
    const command = msg.command as string;
    const args = (msg.arguments ?? {}) as Record<string, unknown>;
    if (command === 'launch' || command === 'attach') {
      const m = args.sourceFileMap;
      this.sourceMap = new SourceMap(typeof m === 'object' && m !== null && !Array.isArray(m) ? m as Record<string, string> : undefined);
    }
    if (command === 'evaluate' && args.context === 'repl' && typeof args.expression === 'string') {
      const m = MONITOR_LINE.exec(args.expression);
      if (m) {
        this.monitorSeqs.add(msg.seq);
        return { seq: msg.seq, type: 'request', command: 'kwb/monitor', arguments: { command: (m[1] ?? '').trim() || 'help' } };
      }
    }
    if (!this.sourceMap.empty && (command === 'setBreakpoints' || command === 'breakpointLocations' || command === 'source')) {
      const copy = JSON.parse(JSON.stringify(msg)) as DapMessage;
      mapSources(copy.arguments, (p) => this.sourceMap.toBuild(p));
      return copy;
    }
    return msg;
  }

  /** A message from the adapter: what to pass to VS Code (possibly rewritten), or undefined. */
  fromAdapter(msg: DapMessage): DapMessage | undefined {
    if (msg.type === 'response') {
      if (this.monitorSeqs.delete(msg.request_seq as number)) {
        const body = msg.body as { text?: string } | undefined;
        if (msg.success) return { ...msg, command: 'evaluate', body: { result: (body?.text ?? '').replace(/\n$/, ''), variablesReference: 0 } };
        return { ...msg, command: 'evaluate' };
      }
      if ((msg.command === 'launch' || msg.command === 'attach') && msg.success) this.onStarted.fire(msg.command);
      // the extension's own requests (kwb/*) report their failures itself: VS Code must not pop
      // up a notification for a status poll that came too early or a task list asked for while running
      if (!msg.success && typeof msg.command === 'string' && msg.command.startsWith('kwb/')) {
        const err = (msg.body as { error?: Record<string, unknown> } | undefined)?.error;
        if (err?.showUser) return { ...msg, body: { ...(msg.body as object), error: { ...err, showUser: false } } };
      }
      if (!this.sourceMap.empty && msg.body) mapSources(msg.body, (p) => this.sourceMap.toLocal(p));
      return msg;
    }
    if (msg.type !== 'event') return msg;
    const body = (msg.body ?? {}) as Record<string, unknown>;
    switch (msg.event) {
      case 'output':
        if (this.options.serialToTerminal && body.category === 'stdout' && typeof body.output === 'string') {
          this.onSerial.fire(body.output);
          return undefined;
        }
        break;
      case 'stopped':
        this.state = 'paused';
        this.stoppedThread = typeof body.threadId === 'number' ? body.threadId : this.stoppedThread;
        this.onStopped.fire({ threadId: this.stoppedThread, reason: String(body.reason ?? '') });
        break;
      case 'continued':
        this.state = 'running';
        this.onContinued.fire();
        break;
      case 'module':
        this.onModule.fire(body as unknown as ModuleEventBody);
        break;
      case 'exited':
      case 'terminated':
        if (this.state !== 'ended') { this.state = 'ended'; this.onEnded.fire(); }
        break;
    }
    if (!this.sourceMap.empty && msg.body) mapSources(msg.body, (p) => this.sourceMap.toLocal(p));
    return msg;
  }

  /**
   * A stopped event VS Code is sent to select `threadId` in the Call Stack and show its stack
   * (VS Code has no API to select a thread): only while the machine is paused, where every
   * thread is stopped anyway, so nothing about the machine changes.
   */
  focusEvent(threadId: number): DapMessage | undefined {
    if (this.state !== 'paused') return undefined;
    return {
      seq: 0, type: 'event', event: 'stopped',
      body: { reason: 'pause', description: 'Selected in the Tasks view', threadId, allThreadsStopped: true, preserveFocusHint: false },
    };
  }

  /** The adapter went away without ending the session (it crashed, or its process was killed). */
  adapterGone(reason: string): DapMessage[] {
    if (this.state === 'ended') return [];
    this.state = 'ended';
    this.onEnded.fire();
    return [
      { seq: 0, type: 'event', event: 'output', body: { category: 'stderr', output: `Kernel Workbench: the debug adapter ended: ${reason}\n` } },
      { seq: 0, type: 'event', event: 'terminated', body: {} },
    ];
  }
}
