// Threads are harts (as QEMU's stub has them): thread id = hart + 1, process id 1. Parses and
// formats thread ids in both the plain (`2`, `-1`, `0`) and multiprocess (`p1.2`, `p1.-1`)
// syntax of the remote protocol ("thread-id syntax" in the gdb manual).

export const PID = 1;

/** A parsed thread id: a hart, every thread, or any thread (gdb's 0). */
export type ThreadSel = { kind: 'hart'; hart: number } | { kind: 'all' } | { kind: 'any' };

export const tidOfHart = (hart: number): number => hart + 1;

/** Parses a thread-id; undefined if malformed. */
export function parseThreadId(s: string): ThreadSel | undefined {
  let t = s;
  if (t.startsWith('p')) {
    const dot = t.indexOf('.');
    const pid = dot < 0 ? t.slice(1) : t.slice(1, dot);
    if (pid !== '-1' && !/^[0-9a-fA-F]{1,8}$/.test(pid)) return undefined;
    if (dot < 0) return { kind: 'all' };
    t = t.slice(dot + 1);
  }
  if (t === '-1') return { kind: 'all' };
  if (!/^[0-9a-fA-F]{1,8}$/.test(t)) return undefined;
  const n = parseInt(t, 16);
  return n === 0 ? { kind: 'any' } : { kind: 'hart', hart: n - 1 };
}

export function formatThreadId(hart: number, multiprocess: boolean): string {
  const tid = tidOfHart(hart).toString(16);
  return multiprocess ? `p${PID.toString(16)}.${tid}` : tid;
}
