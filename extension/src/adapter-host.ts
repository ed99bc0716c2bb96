// Where the debug adapter runs, and the proxy VS Code talks to (a vscode.DebugAdapter in shape,
// handed to DebugAdapterInlineImplementation). By default the adapter, and with it the machine,
// runs in its own Node process, so a guest running flat out never takes the extension host's
// event loop; the proxy only moves framed messages. `kernelWorkbench.adapter: "inline"` runs
// the adapter's KernelDebugSession in the extension host instead (easier to debug the adapter
// itself; the machine then shares the event loop, in ~10 ms slices). Pure Node: no vscode.
import { spawn, type ChildProcess } from 'node:child_process';
import { encodeMessage, Emitter, MessageReader, type DapMessage, type Disposable } from './wire';
import type { SessionRouter } from './router';

/** The adapter's end: messages in, messages out, and its end. */
export interface Backend {
  send(msg: DapMessage): void;
  readonly onMessage: Emitter<DapMessage>;
  /** The adapter ended on its own (a crash, or a process that exited): the reason. */
  readonly onGone: Emitter<string>;
  dispose(): void;
}

/** The adapter bundle (dist/kwb-dap.js) in a child process, DAP over stdio. */
export class ProcessBackend implements Backend {
  readonly onMessage = new Emitter<DapMessage>();
  readonly onGone = new Emitter<string>();
  private readonly child: ChildProcess;
  private disposed = false;
  private stderr = '';

  /**
   * `node` is the extension host's own executable (process.execPath): in code-server that is the
   * Node it runs on; in desktop VS Code it is Electron, which ELECTRON_RUN_AS_NODE turns into
   * plain Node. Either way no Node needs to be installed.
   */
  constructor(script: string, opts: { node?: string; log?: (line: string) => void } = {}) {
    const node = opts.node ?? process.execPath;
    this.child = spawn(node, [script], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, windowsHide: true });
    const reader = new MessageReader((m) => this.onMessage.fire(m), (e) => opts.log?.(`kwb-dap: ${e}`));
    this.child.stdout!.on('data', (b: Buffer) => reader.feed(b));
    this.child.stderr!.on('data', (b: Buffer) => {
      const t = b.toString('utf8');
      this.stderr = (this.stderr + t).slice(-2000);
      opts.log?.(t.replace(/\n$/, ''));
    });
    this.child.on('error', (e) => { if (!this.disposed) this.onGone.fire(`cannot start ${node}: ${e.message}`); });
    this.child.on('exit', (code, signal) => {
      if (this.disposed) return;
      const last = this.stderr.trim().split('\n').slice(-3).join(' | ');
      this.onGone.fire(`its process exited (${signal ?? `code ${code}`})${last ? `: ${last}` : ''}`);
    });
    this.child.stdin!.on('error', () => undefined); // a write after the process died: reported by 'exit'
  }

  get pid(): number | undefined { return this.child.pid; }

  send(msg: DapMessage): void {
    if (this.disposed || !this.child.stdin || this.child.stdin.destroyed) return;
    this.child.stdin.write(encodeMessage(msg));
  }

  /** Ends the process: closing stdin ends the adapter; a kill follows if it lingers. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const c = this.child;
    if (c.exitCode !== null || c.signalCode !== null) return;
    try { c.stdin?.end(); } catch { /* gone */ }
    const term = setTimeout(() => { if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM'); }, 1000);
    const kill = setTimeout(() => { if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); }, 3000);
    term.unref(); kill.unref();
    c.once('exit', () => { clearTimeout(term); clearTimeout(kill); });
  }

  /** Resolves when the process has exited (tests). */
  exited(): Promise<void> {
    const c = this.child;
    if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    return new Promise((r) => c.once('exit', () => r()));
  }
}

/** What the inline bundle (dist/kwb-inline.js, from debug-adapter/index.ts) offers. */
interface InlineSession {
  handleMessage(msg: DapMessage): void;
  onDidSendMessage(listener: (m: DapMessage) => void): Disposable;
  dispose(): void;
}

/** The adapter's KernelDebugSession in this process. */
export class InlineBackend implements Backend {
  readonly onMessage = new Emitter<DapMessage>();
  readonly onGone = new Emitter<string>();
  private readonly session: InlineSession;
  private readonly sub: Disposable;

  constructor(create: () => InlineSession) {
    this.session = create();
    this.sub = this.session.onDidSendMessage((m) => this.onMessage.fire(m));
  }

  send(msg: DapMessage): void {
    try { this.session.handleMessage(msg); } catch (e) { this.onGone.fire(`the inline adapter failed: ${(e as Error).message}`); }
  }

  dispose(): void { this.sub.dispose(); try { this.session.dispose(); } catch { /* already ended */ } }
}

/** VS Code's side: a vscode.DebugAdapter over a backend, with the router in between. */
export class AdapterProxy {
  private readonly emitter = new Emitter<DapMessage>();
  readonly onDidSendMessage = this.emitter.event;
  private disposed = false;

  constructor(private readonly backend: Backend, readonly router: SessionRouter) {
    backend.onMessage.event((m) => {
      const out = router.fromAdapter(m);
      if (out) this.emitter.fire(out);
    });
    backend.onGone.event((reason) => { for (const m of router.adapterGone(reason)) this.emitter.fire(m); });
  }

  handleMessage(msg: DapMessage): void {
    if (this.disposed) return;
    const out = this.router.toAdapter(msg);
    if (out) this.backend.send(out);
  }

  /** Sends a message to VS Code as if the adapter had (the Tasks view's thread selection). */
  inject(msg: DapMessage): void { if (!this.disposed) this.emitter.fire(msg); }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.backend.dispose();
    this.emitter.dispose();
  }
}
