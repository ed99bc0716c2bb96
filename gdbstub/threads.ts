// Thread ids of the remote protocol ("thread-id syntax" in the gdb manual), plain (`2`, `-1`,
// `0`) and multiprocess (`p1.2`, `p1.-1`). Which thread an id names is the KernelView's
// business: a hart (id = hart + 1, process 1, as QEMU's stub numbers them) or, with kernel
// awareness, a task (id = its tid).

export const PID = 1;

/** A parsed thread id: one thread, every thread, or any thread (gdb's 0). */
export type ThreadSel = { kind: 'id'; id: number } | { kind: 'all' } | { kind: 'any' };

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
  return n === 0 ? { kind: 'any' } : { kind: 'id', id: n };
}

export function formatThreadId(id: number, multiprocess: boolean): string {
  const tid = id.toString(16);
  return multiprocess ? `p${PID.toString(16)}.${tid}` : tid;
}
