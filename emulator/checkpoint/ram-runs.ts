// RAM in a checkpoint: sparse at word granularity, as alternating runs of zero words and of
// stored words. Skipping all-zero pages alone is not enough: a kernel that threads its free
// list through its free pages (the teaching kernel, xv6) leaves 8 bytes in every page, and
// page-sparse RAM of 128 MiB would then be 128 MiB on disk.
import { CheckpointError } from './errors';

/** A zero stretch shorter than this many words stays inside the stored run (fewer runs). */
const MIN_ZERO_RUN = 8;

export interface RamRuns {
  /** Pairs: zero words, then stored words, repeated; they add up to the RAM's words. */
  runs: Uint32Array;
  /** The stored words' bytes, in order. */
  data: Uint8Array;
}

export function encodeRuns(ram: Int32Array): RamRuns {
  const n = ram.length;
  const runs: number[] = [];
  let stored = 0;
  for (let i = 0; i < n;) {
    let z = i;
    while (z < n && ram[z] === 0) z++;
    let j = z;
    while (j < n) {
      if (ram[j] !== 0) { j++; continue; }
      let k = j;
      while (k < n && ram[k] === 0 && k - j < MIN_ZERO_RUN) k++;
      if (k - j >= MIN_ZERO_RUN || k === n) break;
      j = k;
    }
    runs.push(z - i, j - z);
    stored += j - z;
    i = j;
  }
  const data = new Uint8Array(stored * 4);
  const bytes = new Uint8Array(ram.buffer, ram.byteOffset, ram.byteLength);
  let w = 0, o = 0;
  for (let r = 0; r < runs.length; r += 2) {
    w += runs[r];
    const len = runs[r + 1] * 4;
    data.set(bytes.subarray(w * 4, w * 4 + len), o);
    o += len;
    w += runs[r + 1];
  }
  return { runs: Uint32Array.from(runs), data };
}

/** Checks that runs and data describe exactly `words` words (before anything is written). */
export function checkRuns(r: RamRuns, words: number, where: string): void {
  if (r.runs.length % 2 !== 0) throw new CheckpointError(`${where}.runs: an odd number of run lengths`);
  let total = 0, stored = 0;
  for (let k = 0; k < r.runs.length; k += 2) { total += r.runs[k] + r.runs[k + 1]; stored += r.runs[k + 1]; }
  if (total !== words) throw new CheckpointError(`${where}.runs: they cover ${total * 4} bytes, RAM has ${words * 4}`);
  if (stored * 4 !== r.data.length) throw new CheckpointError(`${where}.data: ${r.data.length} bytes for ${stored * 4} stored`);
}

/** Writes checked runs into RAM (all of it: the zero runs too). */
export function decodeRuns(r: RamRuns, ram: Int32Array): void {
  const bytes = new Uint8Array(ram.buffer, ram.byteOffset, ram.byteLength);
  let w = 0, o = 0;
  for (let k = 0; k < r.runs.length; k += 2) {
    ram.fill(0, w, w + r.runs[k]);
    w += r.runs[k];
    const len = r.runs[k + 1] * 4;
    bytes.set(r.data.subarray(o, o + len), w * 4);
    o += len;
    w += r.runs[k + 1];
  }
}
