// The VS Code glue: the `kernel` debugger (configuration provider, adapter in its own process or
// inline), the Tasks and Modules views, the serial terminal, the machine commands and the status
// bar. Everything with logic lives in the pure modules next to this file (config, router,
// serial, commands, models); this file only connects them to the vscode API.
import * as vscode from 'vscode';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { bundleAt, checkConfiguration, fillDefaults, initialConfiguration, type Bundle } from './config';
import { SessionRouter } from './router';
import { AdapterProxy, InlineBackend, ProcessBackend, type Backend } from './adapter-host';
import { KeyInterpreter, OutputBuffer, OutputSanitizer } from './serial';
import { MACHINE_COMMANDS, SYSRQ_KEYS, monitorLine, readReply } from './commands';
import { ModulesModel, StatusModel, TasksModel, type ModuleItem, type ModuleRow, type TaskItem, type TasksBody, type Stats } from './models';
import type { DapMessage } from './wire';
import { MEMORY_SCHEME, hexDump, memoryPath, parseMemoryInput, parseMemoryPath, referenceFromResult, DEFAULT_COUNT, type ReadMemoryBody } from './memory';

export const TERMINAL_NAME = 'Kernel serial';

let log: vscode.OutputChannel;

/** One kernel debug session as the extension sees it. */
class KernelSession {
  readonly tasks = new TasksModel();
  readonly modules = new ModulesModel();
  readonly status = new StatusModel();
  readonly serial: SerialConsole;
  ended = false;
  /** The launch or attach succeeded: the adapter has a machine to ask about. */
  started = false;

  constructor(readonly session: vscode.DebugSession, readonly proxy: AdapterProxy, readonly router: SessionRouter) {
    this.serial = new SerialConsole(this);
  }

  request<T>(command: string, args?: unknown): Promise<T> {
    return Promise.resolve(this.session.customRequest(command, args)) as Promise<T>;
  }
}

/** The guest's serial console as a terminal (a Pseudoterminal). */
class SerialConsole {
  private readonly write = new vscode.EventEmitter<string>();
  private readonly sanitizer = new OutputSanitizer();
  private readonly keys = new KeyInterpreter();
  /** Output while no terminal is open; and the last output, replayed when it is reopened. */
  private readonly pending = new OutputBuffer(1 << 20);
  private readonly scrollback = new OutputBuffer(256 << 10);
  private open = false;
  terminal?: vscode.Terminal;

  constructor(private readonly ks: KernelSession) {}

  show(preserveFocus: boolean): void {
    if (!this.terminal) {
      const pty: vscode.Pseudoterminal = {
        onDidWrite: this.write.event,
        open: () => {
          this.open = true;
          const old = this.scrollback.take();
          this.scrollback.push(old);
          const now = this.pending.take();
          this.write.fire(`\x1b[2m[Kernel Workbench serial console of "${this.ks.session.name}"; Ctrl-A H lists the keys]\x1b[0m\r\n` + old + now);
          this.scrollback.push(now);
        },
        close: () => { this.open = false; this.terminal = undefined; },
        handleInput: (data) => this.input(data),
      };
      this.terminal = vscode.window.createTerminal({ name: TERMINAL_NAME, pty, iconPath: new vscode.ThemeIcon('terminal') });
    }
    this.terminal.show(preserveFocus);
  }

  output(text: string): void {
    const safe = this.sanitizer.push(text);
    if (!safe) return;
    if (this.open) { this.write.fire(safe); this.scrollback.push(safe); } else this.pending.push(safe);
  }

  private note(text: string): void { this.output(`\r\n\x1b[2m[${text}]\x1b[0m\r\n`); }

  private input(data: string): void {
    for (const a of this.keys.feed(data)) {
      if (a.kind === 'send') {
        if (this.ks.ended) { this.note('the session has ended'); continue; }
        this.ks.request('kwb/serialInput', { text: a.text }).catch((e: Error) => this.note(`input not sent: ${e.message}`));
      } else if (a.kind === 'end') {
        this.note('Ctrl-A X: ending the session');
        void vscode.debug.stopDebugging(this.ks.session);
      } else if (a.kind === 'help') this.write.fire(`\r\n${a.text}\r\n`);
      else if (a.kind === 'message') this.note(a.text);
      else if (a.kind === 'stats') {
        this.ks.request<Stats>('kwb/stats').then((s) => { this.ks.status.update(s, Date.now()); this.note(this.ks.status.tooltip.replace(/\n/g, '; ')); }, (e: Error) => this.note(e.message));
      }
    }
  }

  ended(): void { this.note('session ended'); }

  dispose(): void { this.terminal?.dispose(); this.write.dispose(); }
}

// ---------------------------------------------------------------------- sessions

const sessions = new Map<string, KernelSession>();
let current: KernelSession | undefined;
const changed = new vscode.EventEmitter<void>();

function active(): KernelSession | undefined {
  // an ended session (VS Code may keep it active for a moment) has no machine to show
  const s = vscode.debug.activeDebugSession;
  const ks = s && sessions.has(s.id) ? sessions.get(s.id) : current;
  return ks && !ks.ended ? ks : undefined;
}

async function refreshTasks(ks: KernelSession): Promise<void> {
  try { ks.tasks.update(await ks.request<TasksBody>('kwb/tasks')); } catch (e) {
    if (ks.router.state === 'running') ks.tasks.running(); else ks.tasks.failed((e as Error).message);
  }
  changed.fire();
}

async function refreshModules(ks: KernelSession): Promise<void> {
  try { ks.modules.reset(((await ks.request<{ modules: ModuleRow[] }>('modules', {})).modules) ?? []); } catch { /* keeps what events said */ }
  changed.fire();
}

function sessionStarted(session: vscode.DebugSession, proxy: AdapterProxy, router: SessionRouter): void {
  // a previous session's terminal that has ended gives way to this one's
  for (const [id, old] of sessions) if (old.ended) { old.serial.dispose(); sessions.delete(id); }
  const ks = new KernelSession(session, proxy, router);
  loopDelay?.reset(); // the event-loop figures are the current session's
  sessions.set(session.id, ks);
  current = ks;
  router.onSerial.event((t) => ks.serial.output(t));
  router.onStopped.event(() => { void refreshTasks(ks); void refreshModules(ks); void pollStats(ks); memoryDocs.refresh(); });
  router.onContinued.event(() => { ks.tasks.running(); changed.fire(); });
  router.onModule.event((e) => { ks.modules.event(e.reason, e.module); changed.fire(); });
  router.onEnded.event(() => { ks.ended = true; ks.serial.ended(); changed.fire(); updateStatus(); });
  // the terminal appears once the machine exists (a launch that fails shows only its error)
  router.onStarted.event((kind) => { ks.started = true; if (kind === 'launch' && session.configuration.serialTerminal !== false) ks.serial.show(true); });
  changed.fire();
}

// ---------------------------------------------------------------------- status bar

let statusItem: vscode.StatusBarItem;
let statsTimer: NodeJS.Timeout | undefined;
let statsBusy = false;

async function pollStats(ks: KernelSession): Promise<void> {
  if (statsBusy || ks.ended || !ks.started) return;
  statsBusy = true;
  try { ks.status.update(await ks.request<Stats>('kwb/stats'), Date.now()); } catch { /* not launched yet */ } finally { statsBusy = false; }
  updateStatus();
}

function updateStatus(): void {
  const ks = active();
  if (!ks) { statusItem.hide(); return; }
  statusItem.text = `$(circuit-board) ${ks.status.text}`;
  statusItem.tooltip = ks.status.tooltip;
  statusItem.show();
}

// ---------------------------------------------------------------------- views

class TasksView implements vscode.TreeDataProvider<TaskItem> {
  readonly onDidChangeTreeData = changed.event as vscode.Event<void>;
  getChildren(): TaskItem[] { return active()?.tasks.items ?? []; }
  getTreeItem(t: TaskItem): vscode.TreeItem {
    const item = new vscode.TreeItem(t.label, vscode.TreeItemCollapsibleState.None);
    item.id = `task-${t.threadId}`;
    item.description = t.description;
    item.tooltip = t.tooltip;
    const icon = t.deadlocked ? 'error' : t.state === 'running' ? 'play-circle' : t.state === 'sleeping' ? 'clock' : t.state === 'runnable' ? 'circle-large-outline' : t.state === 'zombie' ? 'trash' : 'circle-small';
    item.iconPath = new vscode.ThemeIcon(icon, t.deadlocked ? new vscode.ThemeColor('errorForeground') : undefined);
    item.contextValue = t.deadlocked ? 'task.deadlocked' : 'task';
    item.command = { command: 'kernelWorkbench.selectTask', title: 'Show this task\'s stack', arguments: [t.threadId] };
    return item;
  }
}

class ModulesView implements vscode.TreeDataProvider<ModuleItem> {
  readonly onDidChangeTreeData = changed.event as vscode.Event<void>;
  getChildren(): ModuleItem[] { return active()?.modules.items ?? []; }
  getTreeItem(m: ModuleItem): vscode.TreeItem {
    const item = new vscode.TreeItem(m.label, vscode.TreeItemCollapsibleState.None);
    item.id = `module-${m.id}`;
    item.description = m.description;
    item.tooltip = m.tooltip;
    item.iconPath = new vscode.ThemeIcon(m.symbolsLoaded ? 'symbol-module' : 'warning');
    return item;
  }
}

// ---------------------------------------------------------------------- commands

async function machineCommand(id: string): Promise<void> {
  const ks = active();
  if (!ks) { void vscode.window.showInformationMessage('No kernel debug session is running (press F5 first).'); return; }
  const spec = MACHINE_COMMANDS.find((c) => c.id === id)!;
  let key: string | undefined;
  if (id === 'kernelWorkbench.sysrq') {
    const pick = await vscode.window.showQuickPick(SYSRQ_KEYS.map((k) => ({ label: k.key, description: k.description })), { title: 'SysRq key', placeHolder: 'The magic SysRq key to send' });
    if (!pick) return;
    key = pick.label;
  }
  const confirm = spec.confirm ?? SYSRQ_KEYS.find((k) => k.key === key)?.confirm;
  if (confirm) {
    const ok = await vscode.window.showWarningMessage(confirm, { modal: true }, 'Yes');
    if (ok !== 'Yes') return;
  }
  const line = monitorLine(id, key)!;
  let answer: { text?: string; error?: string };
  try { answer = await ks.request<{ text: string }>('kwb/monitor', { command: line }); } catch (e) { answer = { error: (e as Error).message }; }
  const r = readReply(line, answer);
  if (r.kind === 'ok') {
    vscode.debug.activeDebugConsole.append(`monitor ${line}\n${r.text}`);
    log.appendLine(`monitor ${line}\n${r.text}`);
    const lines = r.text.trim().split('\n');
    if (lines.length <= 2) void vscode.window.showInformationMessage(`Kernel Workbench: ${lines.join(' ')}`);
    else void vscode.commands.executeCommand('workbench.panel.repl.view.focus').then(undefined, () => vscode.commands.executeCommand('workbench.debug.action.focusRepl'));
  } else if (r.kind === 'unsupported') void vscode.window.showInformationMessage(r.message);
  else void vscode.window.showErrorMessage(`Kernel Workbench: ${line}: ${r.message}`);
}

// ---------------------------------------------------------------------- memory view

/** Documents `kwb-memory:/COUNT/REF.hex`: a hex dump read through readMemory, again at each stop. */
class MemoryDocuments implements vscode.TextDocumentContentProvider {
  readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const t = parseMemoryPath(uri.path);
    if (!t) return `// ${uri.toString()} is not a memory document (kwb-memory:/LENGTH/ADDRESS.hex)\n`;
    const ks = active();
    if (!ks) return `// ${t.count} bytes at ${t.memoryReference}: no kernel session is running (start one with F5; this view refreshes at its stops)\n`;
    if (ks.router.state === 'running') return `// ${t.count} bytes at ${t.memoryReference}: the machine is running; the view is read at the next stop\n`;
    try {
      const body = await ks.request<ReadMemoryBody>('readMemory', { memoryReference: t.memoryReference, offset: 0, count: t.count });
      return hexDump(t.memoryReference, t.count, body, `at ${new Date().toTimeString().slice(0, 8)}, paused`);
    } catch (e) {
      return `// ${t.count} bytes at ${t.memoryReference} cannot be read: ${(e as Error).message}\n`;
    }
  }

  refresh(): void {
    for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === MEMORY_SCHEME) this.changed.fire(d.uri);
  }
}

const memoryDocs = new MemoryDocuments();

/** Show Memory: from a variable's context menu (its memoryReference) or what the user types. */
async function showMemory(arg?: { variable?: { memoryReference?: string; name?: string } }): Promise<void> {
  const ks = active();
  if (!ks) { void vscode.window.showInformationMessage('No kernel debug session is running (press F5 first).'); return; }
  let ref = arg?.variable?.memoryReference;
  let count = DEFAULT_COUNT;
  if (!ref) {
    const text = await vscode.window.showInputBox({
      title: 'Kernel Workbench: Show Memory', prompt: 'An address or a C expression, optionally followed by ", LENGTH" (bytes, default 256)',
      placeHolder: '0x80000000   &ticks   task_table, 512',
      validateInput: (v) => { const r = parseMemoryInput(v); return 'error' in r ? r.error : undefined; },
    });
    if (text === undefined) return;
    const input = parseMemoryInput(text);
    if ('error' in input) return;
    count = input.count;
    const item = vscode.debug.activeStackItem;
    const frameId = item instanceof vscode.DebugStackFrame && item.session.id === ks.session.id ? item.frameId : undefined;
    try {
      const r = await ks.request<{ result: string; memoryReference?: string }>('evaluate', { expression: input.expression, context: 'watch', frameId });
      ref = referenceFromResult(r);
      if (!ref) { void vscode.window.showErrorMessage(`Kernel Workbench: ${input.expression} is ${r.result}, not an address: try &(${input.expression})`); return; }
    } catch (e) {
      void vscode.window.showErrorMessage(`Kernel Workbench: ${input.expression}: ${(e as Error).message}`);
      return;
    }
  }
  const uri = vscode.Uri.from({ scheme: MEMORY_SCHEME, path: memoryPath({ memoryReference: ref, count }) });
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
}

// ---------------------------------------------------------------------- event loop delay

let loopDelay: IntervalHistogram | undefined;
const LOOP_RESOLUTION_MS = 10;

function reportLoopDelay(): { p50: number; p99: number; max: number; count: number } {
  const h = loopDelay!;
  // the histogram records each sampling interval as it happened (resolution + delay): the time
  // the loop was blocked is what exceeds the resolution
  const ms = (ns: number): number => Math.max(0, Math.round((ns - LOOP_RESOLUTION_MS * 1e6) / 1e4) / 100);
  const r = { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), count: h.count };
  const file = process.env.KWB_EVENT_LOOP_FILE;
  if (file) { try { writeFileSync(file, JSON.stringify(r)); } catch { /* reported below anyway */ } }
  log.appendLine(`extension host event loop delay: p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms (${r.count} samples)`);
  return r;
}

// ---------------------------------------------------------------------- activation

export function activate(context: vscode.ExtensionContext): void {
  log = vscode.window.createOutputChannel('Kernel Workbench');
  context.subscriptions.push(log);
  loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loopDelay.enable();

  let buildRoot: string | undefined;
  const manifest = join(context.extensionPath, 'dist', 'guest', 'manifest.json');
  if (existsSync(manifest)) { try { buildRoot = JSON.parse(readFileSync(manifest, 'utf8')).buildRoot; } catch { /* no mapping */ } }
  const bundle: Bundle = bundleAt(context.extensionPath, buildRoot);

  context.subscriptions.push(vscode.debug.registerDebugConfigurationProvider('kernel', {
    provideDebugConfigurations: () => [initialConfiguration() as vscode.DebugConfiguration],
    resolveDebugConfiguration: (folder, config) => fillDefaults(config, bundle, folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath) as vscode.DebugConfiguration,
    resolveDebugConfigurationWithSubstitutedVariables: async (_folder, config) => {
      const r = checkConfiguration(config);
      if (r.ok) {
        // The kernel stops within a second of F5. Opened only at session start, Run and Debug made its
        // Call Stack after that first stop and showed the stopped thread collapsed; open it first
        // (unless the user asked VS Code never to open it).
        if (vscode.workspace.getConfiguration('debug').get('openDebug') !== 'neverOpen') {
          await vscode.commands.executeCommand('workbench.view.debug').then(undefined, () => undefined);
        }
        return r.config as vscode.DebugConfiguration;
      }
      log.appendLine(`configuration "${config.name}": ${r.message}`);
      const choice = await vscode.window.showErrorMessage(`Kernel Workbench: launch configuration "${config.name ?? ''}": ${r.message}`, 'Open launch.json');
      if (choice) void vscode.commands.executeCommand('debug.addConfiguration').then(undefined, () => undefined);
      return undefined;
    },
  }));

  // listed under "Run and Debug"'s "select and start debugging" even without a launch.json
  context.subscriptions.push(vscode.debug.registerDebugConfigurationProvider('kernel', {
    provideDebugConfigurations: () => [initialConfiguration() as vscode.DebugConfiguration],
  }, vscode.DebugConfigurationProviderTriggerKind.Dynamic));

  context.subscriptions.push(vscode.debug.registerDebugAdapterDescriptorFactory('kernel', {
    createDebugAdapterDescriptor: (session) => {
      const mode = vscode.workspace.getConfiguration('kernelWorkbench').get<string>('adapter', 'process');
      let backend: Backend;
      if (mode === 'inline') {
        // loaded only when asked for: the extension host does not carry the machine otherwise
        const lib = require(join(context.extensionPath, 'dist', 'kwb-inline.js')) as { KernelDebugSession: new () => never };
        backend = new InlineBackend(() => new lib.KernelDebugSession());
      } else {
        backend = new ProcessBackend(join(context.extensionPath, 'dist', 'kwb-dap.js'), { log: (l) => log.appendLine(l) });
      }
      log.appendLine(`session "${session.name}": adapter ${mode === 'inline' ? 'inline in the extension host' : `in its own process (pid ${(backend as ProcessBackend).pid})`}`);
      const router = new SessionRouter({ serialToTerminal: session.configuration.serialTerminal !== false });
      const proxy = new AdapterProxy(backend, router);
      sessionStarted(session, proxy, router);
      return new vscode.DebugAdapterInlineImplementation(proxy as unknown as vscode.DebugAdapter);
    },
  }));

  context.subscriptions.push(vscode.debug.onDidTerminateDebugSession((s) => {
    const ks = sessions.get(s.id);
    if (ks) {
      if (!ks.ended) { ks.ended = true; ks.serial.ended(); }
      ks.proxy.dispose();
    }
    changed.fire();
    updateStatus();
  }));
  context.subscriptions.push(vscode.debug.onDidChangeActiveDebugSession(() => { changed.fire(); updateStatus(); }));

  const tasksView = vscode.window.createTreeView('kernelWorkbench.tasks', { treeDataProvider: new TasksView() });
  const modulesView = vscode.window.createTreeView('kernelWorkbench.modules', { treeDataProvider: new ModulesView() });
  context.subscriptions.push(tasksView, modulesView, changed.event(() => {
    const ks = active();
    tasksView.message = ks ? ks.tasks.message : undefined;
    modulesView.message = ks && !ks.modules.items.length ? 'No modules yet.' : undefined;
  }));

  statusItem = vscode.window.createStatusBarItem('kernelWorkbench.status', vscode.StatusBarAlignment.Left, 10);
  statusItem.name = 'Kernel Workbench machine';
  statusItem.command = 'kernelWorkbench.info';
  context.subscriptions.push(statusItem);
  statsTimer = setInterval(() => { const ks = active(); if (ks && !ks.ended) void pollStats(ks); else updateStatus(); }, 1000);
  context.subscriptions.push({ dispose: () => clearInterval(statsTimer) });

  for (const c of MACHINE_COMMANDS) context.subscriptions.push(vscode.commands.registerCommand(c.id, () => machineCommand(c.id)));
  context.subscriptions.push(
    vscode.commands.registerCommand('kernelWorkbench.selectTask', (threadId: number) => {
      const ks = active();
      if (!ks) return;
      const ev = ks.router.focusEvent(threadId);
      if (!ev) { void vscode.window.showInformationMessage('The machine is running: pause it to see a task\'s stack.'); return; }
      ks.proxy.inject(ev as DapMessage);
    }),
    vscode.workspace.registerTextDocumentContentProvider(MEMORY_SCHEME, memoryDocs),
    vscode.commands.registerCommand('kernelWorkbench.showMemory', showMemory),
    vscode.commands.registerCommand('kernelWorkbench.refreshTasks', () => { const ks = active(); if (ks) { void refreshTasks(ks); void refreshModules(ks); } }),
    vscode.commands.registerCommand('kernelWorkbench.showSerial', () => {
      const ks = active() ?? current;
      if (!ks) { void vscode.window.showInformationMessage('No kernel debug session yet (press F5).'); return; }
      ks.serial.show(false);
    }),
    vscode.commands.registerCommand('kernelWorkbench.debugTeachingKernel', () => vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], initialConfiguration() as vscode.DebugConfiguration)),
    vscode.commands.registerCommand('kernelWorkbench.eventLoopDelay', (reset?: boolean) => {
      const r = reportLoopDelay();
      void vscode.window.showInformationMessage(`Extension host event loop delay: p99 ${r.p99} ms, max ${r.max} ms (${r.count} samples)`);
      if (reset === true) loopDelay!.reset();
      return r;
    }),
  );
  context.subscriptions.push({ dispose: () => { loopDelay?.disable(); for (const ks of sessions.values()) { ks.proxy.dispose(); ks.serial.dispose(); } sessions.clear(); } });
}

export function deactivate(): void {
  for (const ks of sessions.values()) ks.proxy.dispose();
}
