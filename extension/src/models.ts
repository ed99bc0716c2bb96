// What the Tasks and Modules views and the status bar show, built from the adapter's answers
// and events alone. Pure: no vscode; extension.ts turns these rows into tree items.

/** One row of `kwb/tasks` (debug-adapter/extension-requests.ts). */
export interface TaskRow {
  threadId: number;
  pid: number;
  name: string;
  state: string;
  stateText?: string;
  hart?: number;
  parentPid?: number;
  waitChannel?: string;
  waitText?: string;
  waitReason?: string;
  blockedOnHolderPid?: number;
  kernelThread?: boolean;
}

export interface TasksBody {
  awareness: boolean;
  reason?: string;
  tasks: TaskRow[];
  deadlocks: Array<{ pids: number[]; threadIds: number[]; text: string }>;
}

export interface TaskItem {
  threadId: number;
  label: string;
  description: string;
  tooltip: string;
  /** Part of a deadlock cycle. */
  deadlocked: boolean;
  state: string;
}

export class TasksModel {
  items: TaskItem[] = [];
  /** Shown above the list: why it is empty, stale, or the deadlock. */
  message?: string;
  private stale = false;

  update(body: TasksBody): void {
    this.stale = false;
    if (!body.awareness) { this.items = []; this.message = `No tasks: ${body.reason ?? 'kernel awareness is off'}`; return; }
    const inCycle = new Set<number>();
    for (const d of body.deadlocks) for (const t of d.threadIds) inCycle.add(t);
    this.items = body.tasks.map((t) => {
      const wait = t.waitReason ?? t.waitText;
      const state = t.state === 'running' && t.hart !== undefined ? `running on hart ${t.hart}` : t.state;
      const parts = [state];
      if (wait) parts.push(wait);
      if (t.blockedOnHolderPid !== undefined && !(wait ?? '').includes(`pid ${t.blockedOnHolderPid}`)) parts.push(`held by pid ${t.blockedOnHolderPid}`);
      const deadlocked = inCycle.has(t.threadId);
      const tip = [
        `pid ${t.pid} ${t.name}${t.kernelThread ? ' (kernel thread)' : ''}`,
        `state: ${state}${t.stateText ? ` (${t.stateText})` : ''}`,
        t.parentPid !== undefined ? `parent: pid ${t.parentPid}` : undefined,
        t.waitChannel ? `wait channel: ${t.waitChannel}${t.waitText ? ` (${t.waitText})` : ''}` : undefined,
        t.waitReason ? `waits for: ${t.waitReason}` : undefined,
        deadlocked ? 'DEADLOCK: part of a cycle of tasks waiting for each other' : undefined,
      ].filter(Boolean).join('\n');
      return {
        threadId: t.threadId, label: t.pid === 0 ? `idle ${t.name}` : `${t.pid} ${t.name || '?'}`,
        description: (deadlocked ? 'DEADLOCK · ' : '') + parts.join(' · '), tooltip: tip, deadlocked, state: t.state,
      };
    });
    this.message = body.deadlocks.length ? body.deadlocks.map((d) => d.text).join('\n') : undefined;
  }

  /** The machine runs: the list is the last stop's. */
  running(): void {
    if (!this.items.length) { this.message = 'The machine is running: tasks are read when it stops.'; return; }
    this.stale = true;
    this.message = 'The machine is running: these are the tasks of the last stop.';
  }

  failed(error: string): void { this.items = []; this.message = `Tasks unavailable: ${error}`; }

  clear(): void { this.items = []; this.message = undefined; this.stale = false; }

  get isStale(): boolean { return this.stale; }
}

export interface ModuleRow { id: string | number; name: string; path?: string; symbolStatus?: string; addressRange?: string }

export interface ModuleItem {
  id: string;
  label: string;
  description: string;
  tooltip: string;
  symbolsLoaded: boolean;
}

function parseRange(r: string | undefined): { start: bigint; end: bigint } | undefined {
  const m = /^\s*(0x[0-9a-f]+)\s*-\s*(0x[0-9a-f]+)\s*$/i.exec(r ?? '');
  return m ? { start: BigInt(m[1]), end: BigInt(m[2]) } : undefined;
}

function sizeText(n: bigint): string {
  if (n >= 1n << 20n) return `${(Number(n) / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 1n << 10n) return `${(Number(n) / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}

export class ModulesModel {
  private readonly rows = new Map<string, ModuleRow>();

  /** The `modules` response: the whole list. */
  reset(modules: ModuleRow[]): void {
    this.rows.clear();
    for (const m of modules) this.rows.set(String(m.id), m);
  }

  /** A `module` event. */
  event(reason: string, m: ModuleRow): void {
    if (reason === 'removed') this.rows.delete(String(m.id));
    else this.rows.set(String(m.id), m);
  }

  clear(): void { this.rows.clear(); }

  get items(): ModuleItem[] {
    return [...this.rows.values()].map((m) => {
      const range = parseRange(m.addressRange);
      const loaded = /loaded/i.test(m.symbolStatus ?? '') && !/no symbols|not loaded/i.test(m.symbolStatus ?? '');
      const where = range ? `${m.addressRange!.split('-')[0].trim()} · ${sizeText(range.end - range.start)}` : 'kernel image';
      return {
        id: String(m.id), label: m.name,
        description: `${where} · ${loaded ? 'symbols loaded' : (m.symbolStatus ?? 'no symbols')}`,
        tooltip: [m.name, m.addressRange ? `address: ${m.addressRange}` : undefined, range ? `size: ${range.end - range.start} bytes` : undefined, m.path ? `file: ${m.path}` : undefined, `symbols: ${m.symbolStatus ?? 'unknown'}`].filter(Boolean).join('\n'),
        symbolsLoaded: loaded,
      };
    });
  }
}

/** `kwb/stats`. */
export interface Stats { state: string; harts: number; instructions?: string; mtime?: string; frequencyHz?: number }

function rate(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return `${Math.round(n)}`;
}

/** The status bar: `Kernel: running · 41.3 M instr/s · 2.350 s · 2 harts` (instructions per wall second, virtual seconds). */
export class StatusModel {
  private last?: { instructions: number; at: number };
  text = 'Kernel: starting';
  tooltip = '';

  update(s: Stats, nowMs: number): string {
    const state = s.state === 'paused' ? 'paused' : s.state === 'exited' ? 'halted' : 'running';
    const n = s.instructions !== undefined ? Number(s.instructions) : undefined;
    let ips = 0;
    if (n !== undefined && this.last && nowMs > this.last.at) ips = Math.max(0, (n - this.last.instructions) * 1000 / (nowMs - this.last.at));
    if (n !== undefined) this.last = { instructions: n, at: nowMs };
    const parts = [`Kernel: ${state}`, `${rate(ips)} instr/s`];
    let seconds: number | undefined;
    if (s.mtime !== undefined && s.frequencyHz) { seconds = Number(s.mtime) / s.frequencyHz; parts.push(`${seconds.toFixed(3)} s`); }
    parts.push(`${s.harts} hart${s.harts === 1 ? '' : 's'}`);
    this.text = parts.join(' · ');
    this.tooltip = [
      `Kernel Workbench machine: ${state}`,
      `instructions per second: ${Math.round(ips)}`,
      n !== undefined ? `instructions retired: ${s.instructions}` : undefined,
      seconds !== undefined ? `virtual time: ${seconds.toFixed(6)} s (mtime ${s.mtime} at ${s.frequencyHz} Hz)` : undefined,
      `harts: ${s.harts}`,
    ].filter(Boolean).join('\n');
    return this.text;
  }
}
