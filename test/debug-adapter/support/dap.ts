// Runs the debug adapter as a client does: the bundle (as dist/kwb-dap.js is built) in its own
// Node process, driven by @vscode/debugadapter-testsupport's DebugClient over stdio. Helpers
// wait for console text, boot to the shell, and pause.
import { strict as assert } from 'node:assert';
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { CACHE_DIR, REPO_ROOT } from '../../support/toolchain';

let bundle: string | undefined;

/** The adapter bundled once per test process (into the test cache, renamed into place). */
export function adapterBundle(): string {
  if (bundle) return bundle;
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = join(CACHE_DIR, `kwb-dap-${process.pid}.js`);
  buildSync({ entryPoints: [join(REPO_ROOT, 'debug-adapter', 'main.ts')], outfile: tmp, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error' });
  const out = join(CACHE_DIR, 'kwb-dap-under-test.js');
  renameSync(tmp, out);
  return (bundle = out);
}

export class Dap {
  readonly dc: DebugClient;
  private text = '';
  readonly outputs: DebugProtocol.OutputEvent['body'][] = [];
  readonly moduleEvents: DebugProtocol.ModuleEvent['body'][] = [];
  /** Every stopped event, in order; nextStop() hands them out one by one. */
  readonly stops: DebugProtocol.StoppedEvent['body'][] = [];
  private stopsTaken = 0;
  readonly breakpointEvents: DebugProtocol.BreakpointEvent['body'][] = [];

  constructor() {
    this.dc = new DebugClient('node', adapterBundle(), 'kernel', { env: { ...process.env } }, true);
    this.dc.defaultTimeout = 30_000;
    this.dc.on('output', (e: DebugProtocol.OutputEvent) => { this.outputs.push(e.body); if (e.body.category === 'stdout') this.text += e.body.output; });
    this.dc.on('module', (e: DebugProtocol.ModuleEvent) => this.moduleEvents.push(e.body));
    this.dc.on('stopped', (e: DebugProtocol.StoppedEvent) => this.stops.push(e.body));
    this.dc.on('breakpoint', (e: DebugProtocol.BreakpointEvent) => this.breakpointEvents.push(e.body));
  }

  /** The next stopped event not handed out yet (one that came before this call counts). */
  async nextStop(timeoutMs = 60_000): Promise<DebugProtocol.StoppedEvent['body']> {
    const until = Date.now() + timeoutMs;
    while (this.stops.length <= this.stopsTaken) {
      if (Date.now() > until) assert.fail(`no stopped event within ${timeoutMs} ms; the console shows:\n${this.text.slice(-600)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.stops[this.stopsTaken++];
  }

  /** Forgets stopped events not handed out yet. */
  skipStops(): void { this.stopsTaken = this.stops.length; }

  /** Types into the guest's serial console (custom request kwb/serialInput). */
  async type(text: string): Promise<void> { await this.dc.customRequest('kwb/serialInput', { text }); }

  /** Launches the machine running (no stop at entry) and waits for the shell's first prompt. */
  async launchToShell(args: Record<string, unknown>): Promise<void> {
    await this.begin('launch', args, false);
    await this.waitConsole('$ ');
  }

  /** Where the adapter's gdb stub listens (launch config gdbPort), as HOST:PORT. */
  gdbAddress(): string {
    const line = this.outputs.map((o) => o.output).find((o) => /gdb stub listening on/.test(o));
    assert.ok(line, 'the adapter says where its gdb stub listens');
    return /listening on tcp:([\d.]+:\d+)/.exec(line)![1];
  }

  /** A request with any arguments (wrong ones too); resolves with the response body. */
  async request<T = any>(command: string, args: unknown): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
    return (await this.dc.customRequest(command, args)).body as T;
  }

  async start(): Promise<void> { await this.dc.start(); }

  /** The serial console's output so far. */
  get console(): string { return this.text; }

  /** Waits until the console shows `pattern` after position `from`. */
  async waitConsole(pattern: string | RegExp, from = 0, timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    const hit = () => (typeof pattern === 'string' ? this.text.indexOf(pattern, from) >= 0 : pattern.test(this.text.slice(from)));
    while (!hit()) {
      if (Date.now() > until) assert.fail(`no ${pattern} on the console after ${timeoutMs} ms; it shows:\n${this.text.slice(-600)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Launch (or attach) with the initialize/configurationDone sequence; resolves with the first stop when `stop`. */
  async begin(request: 'launch' | 'attach', args: Record<string, unknown>, stop: boolean): Promise<DebugProtocol.StoppedEvent | undefined> {
    const stopped = stop ? this.dc.waitForEvent('stopped') : undefined;
    await this.dc.initializeRequest({ adapterID: 'kernel', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsProgressReporting: true });
    const init = this.dc.waitForEvent('initialized');
    if (request === 'launch') await this.dc.launchRequest(args as DebugProtocol.LaunchRequestArguments);
    else await this.dc.attachRequest(args as DebugProtocol.AttachRequestArguments);
    await init;
    await this.dc.configurationDoneRequest();
    const first = (await stopped) as DebugProtocol.StoppedEvent | undefined;
    if (first) this.stopsTaken = Math.max(this.stopsTaken, this.stops.indexOf(first.body) + 1);
    return first;
  }

  async pause(threadId = 1): Promise<DebugProtocol.StoppedEvent> {
    this.skipStops();
    await this.dc.pauseRequest({ threadId });
    return { seq: 0, type: 'event', event: 'stopped', body: await this.nextStop() };
  }

  async threads(): Promise<DebugProtocol.Thread[]> { return (await this.dc.threadsRequest()).body.threads; }

  async frames(threadId: number): Promise<DebugProtocol.StackFrame[]> {
    return (await this.dc.stackTraceRequest({ threadId })).body.stackFrames;
  }

  async vars(ref: number, extra: Partial<DebugProtocol.VariablesArguments> = {}): Promise<DebugProtocol.Variable[]> {
    return (await this.dc.variablesRequest({ variablesReference: ref, ...extra })).body.variables;
  }

  async scopeVars(frameId: number, scope: string): Promise<DebugProtocol.Variable[]> {
    const s = (await this.dc.scopesRequest({ frameId })).body.scopes.find((x) => x.name === scope);
    assert.ok(s, `no ${scope} scope`);
    return this.vars(s.variablesReference);
  }

  /** A request expected to fail; resolves with its message. */
  async failing(command: string, args: unknown): Promise<string> {
    try {
      await this.dc.customRequest(command, args);
    } catch (e) {
      return (e as Error).message;
    }
    return assert.fail(`${command} succeeded with ${JSON.stringify(args)}`);
  }

  async stop(): Promise<void> {
    try { await this.dc.terminateRequest(); } catch { /* gone already */ }
    await this.dc.stop();
  }
}

/** A frame name as gdb shows it (without our [inlined] mark). */
export const plainName = (f: DebugProtocol.StackFrame): string => f.name.replace(/ \[inlined\]$/, '');
