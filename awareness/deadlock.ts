// The deadlock finder: a wait-for graph with an edge from each task sleeping on a lock to the
// lock's holder; every cycle in it is a deadlock (each task waits for the next).
import type { TaskInfo } from './model';

export interface DeadlockCycle {
  /** The tasks of the cycle in wait order: tasks[i] waits for a lock held by tasks[i+1]. */
  tasks: TaskInfo[];
  /** locks[i] is the lock tasks[i] waits for. */
  locks: Array<{ address: bigint; name?: string }>;
}

export function findDeadlocks(tasks: TaskInfo[]): DeadlockCycle[] {
  const byPid = new Map<number, TaskInfo>();
  const byAddress = new Map<bigint, TaskInfo>();
  for (const t of tasks) { if (t.pid > 0) byPid.set(t.pid, t); byAddress.set(t.address, t); }
  const next = (t: TaskInfo): TaskInfo | undefined => {
    const b = t.blockedOn;
    if (!b || t.state !== 'sleeping') return undefined;
    return (b.holderAddress !== undefined ? byAddress.get(b.holderAddress) : undefined) ?? (b.holderPid !== undefined ? byPid.get(b.holderPid) : undefined);
  };
  const cycles: DeadlockCycle[] = [];
  const done = new Set<TaskInfo>();
  for (const start of tasks) {
    if (done.has(start)) continue;
    const path: TaskInfo[] = [];
    const onPath = new Map<TaskInfo, number>();
    let t: TaskInfo | undefined = start;
    while (t && !done.has(t) && !onPath.has(t)) {
      onPath.set(t, path.length);
      path.push(t);
      t = next(t);
    }
    if (t && onPath.has(t)) {
      const members = path.slice(onPath.get(t)!);
      cycles.push({ tasks: members, locks: members.map((m) => ({ address: m.blockedOn!.address, name: m.blockedOn!.name })) });
    }
    for (const p of path) done.add(p);
  }
  return cycles;
}

/** One line per cycle: `pid 13 (deadlock) waits for account1 held by pid 14 (deadlock), which waits for account0 held by pid 13`. */
export function describeCycle(c: DeadlockCycle): string {
  const parts = c.tasks.map((t, i) => {
    const holder = c.tasks[(i + 1) % c.tasks.length];
    const lock = c.locks[i].name ?? `lock 0x${c.locks[i].address.toString(16)}`;
    return `pid ${t.pid} (${t.name}) waits for ${lock} held by pid ${holder.pid} (${holder.name})`;
  });
  return `deadlock: ${parts.join(', ')}`;
}
