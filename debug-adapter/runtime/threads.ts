// Threads as a kernel developer reads them: with kernel awareness, the kernel's tasks
// (`pid 3 sh (sleeping: console input)`), plus a thread for any hart the kernel runs no task
// on yet (early boot); without awareness, one thread per hart.
import type { TaskInfo } from '../../awareness';

/** Thread ids of harts while awareness is on (past any pid and the idle tasks' 0x400000 + hart). */
export const HART_THREAD_BASE = 0x500000;

export interface ThreadEntry {
  id: number;
  name: string;
  /** The hart running it now. */
  hart?: number;
  task?: TaskInfo;
}

export function taskThreadName(t: TaskInfo): string {
  const who = t.pid === 0 ? `idle ${t.name}` : `pid ${t.pid} ${t.name || '?'}`;
  let state: string = t.state;
  if (t.state === 'running' && t.hart !== undefined) state = `running on hart ${t.hart}`;
  else if (t.state === 'sleeping' || t.state === 'stopped') {
    const why = t.waitReason ?? t.waitText;
    let text = why ? `${t.state}: ${why}` : t.state;
    const holder = t.blockedOn?.holderPid;
    if (holder !== undefined && !/pid \d+/.test(text)) text += ` held by pid ${holder}`;
    state = text;
  }
  return `${who} (${state})`;
}

export function hartThreadName(hart: number, awareness: boolean): string {
  return awareness ? `hart ${hart} (no task)` : `hart ${hart}`;
}

/** The running task of each hart, by hart number. */
export function runningTasks(tasks: TaskInfo[]): Map<number, TaskInfo> {
  const m = new Map<number, TaskInfo>();
  for (const t of tasks) if (t.state === 'running' && t.hart !== undefined && !m.has(t.hart)) m.set(t.hart, t);
  return m;
}
