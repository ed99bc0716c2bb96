// Giving a file's space back: Node has no fallocate(2), so ranges are punched with util-linux
// `fallocate --punch-hole --keep-size`. Ranges are queued, merged when they touch, and
// punched together in one `sh` (one process start per batch, not per range). The owner
// runs the queue before any read or write that overlaps it (a punch must never hit newer
// data, and a discarded range must read as zeros) and at flush. Without fallocate, or on a
// file system that cannot punch, the ranges are written with zeros instead: same contents,
// no space back (`punchWorks` says which happened).
import { spawnSync } from 'node:child_process';
import { writeSync } from 'node:fs';

/** Ranges queued before the queue runs by itself. */
const MAX_PENDING = 256;
const ZEROS = new Uint8Array(1 << 20);

export class HolePuncher {
  private pending: { start: number; end: number }[] = [];
  /** false once a punch failed (zeros were written instead). */
  punchWorks = true;
  /** Ranges handed to fallocate so far (after merging) and process starts it took. */
  punched = 0;
  batches = 0;

  /** `fallocate`: the command (tests name a missing one to see the fallback). */
  constructor(private readonly path: string, private readonly fd: number, private readonly fallocate = 'fallocate') {}

  /** Queues [offset, offset+length) to become a hole; merges it with a range it touches. */
  add(offset: number, length: number): void {
    if (length <= 0) return;
    const start = offset, end = offset + length;
    const last = this.pending[this.pending.length - 1];
    if (last && start <= last.end && end >= last.start) {
      last.start = Math.min(last.start, start);
      last.end = Math.max(last.end, end);
    } else {
      this.pending.push({ start, end });
    }
    if (this.pending.length >= MAX_PENDING) this.run();
  }

  overlaps(offset: number, length: number): boolean {
    const end = offset + length;
    return this.pending.some((r) => offset < r.end && end > r.start);
  }

  get pendingRanges(): number {
    return this.pending.length;
  }

  /** Punches every queued range now. */
  run(): void {
    if (this.pending.length === 0) return;
    const ranges = mergeSorted(this.pending);
    this.pending = [];
    if (this.punchWorks) {
      // "$0" is the file; each range is two more arguments, so nothing is quoted into the script.
      const script = ranges.map((_, i) => `"$FALLOCATE" --punch-hole --keep-size -o "$${2 * i + 1}" -l "$${2 * i + 2}" -- "$0"`).join(' && ');
      const args = ranges.flatMap((r) => [String(r.start), String(r.end - r.start)]);
      // sh's positional parameters above 9 need braces
      const fixed = script.replace(/\$(\d{2,})/g, '${$1}');
      const r = spawnSync('sh', ['-c', fixed, this.path, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FALLOCATE: this.fallocate } });
      this.batches++;
      if (r.status === 0) { this.punched += ranges.length; return; }
      this.punchWorks = false;
    }
    for (const r of ranges) writeZeros(this.fd, r.start, r.end - r.start);
  }
}

function mergeSorted(ranges: { start: number; end: number }[]): { start: number; end: number }[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

/** Writes zeros over [offset, offset+length) of an open file. */
export function writeZeros(fd: number, offset: number, length: number): void {
  for (let done = 0; done < length;) {
    const n = Math.min(ZEROS.length, length - done);
    done += writeSync(fd, ZEROS, 0, n, offset + done);
  }
}
