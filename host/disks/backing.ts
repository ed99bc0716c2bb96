// What a copy-on-write file remembers of its backing file, and the check UML makes before
// laying the changes over it again: size, modification time, and a hash of sampled contents.
//
// The sample: SHA-256 over the size (8 bytes, little-endian), the first 64 KiB, the last
// 64 KiB and 64 blocks of 4 KiB spread evenly in between (the whole file when it is at most
// 1 MiB). That is at most 384 KiB read whatever the image's size (about a millisecond from
// the page cache), so it is done at every start. It catches a file rewritten with its old
// size and mtime restored (cp --preserve, touch -r) when the rewrite touches a sampled block;
// the first 64 KiB hold the partition table and the superblocks of ext2/3/4 and FAT, which
// any write through a mounted file system updates.
import { createHash } from 'node:crypto';
import { fstatSync } from 'node:fs';
import { resolve } from 'node:path';
import { readFully } from './raw-file';
import type { BackingId, CowHeader } from './cow-format';

const EDGE = 64 << 10;
const SAMPLE = 4096;
const SAMPLES = 64;

export function sampleHash(fd: number, size: number): string {
  const h = createHash('sha256');
  const sizeBytes = new Uint8Array(8);
  new DataView(sizeBytes.buffer).setBigUint64(0, BigInt(size), true);
  h.update(sizeBytes);
  const take = (offset: number, length: number) => {
    const buf = new Uint8Array(length);
    readFully(fd, offset, buf);
    h.update(buf);
  };
  if (size <= (1 << 20)) {
    take(0, size);
  } else {
    take(0, EDGE);
    const span = size - 2 * EDGE - SAMPLE;
    for (let i = 0; i < SAMPLES; i++) take(EDGE + Math.floor((span * i) / (SAMPLES - 1) / SAMPLE) * SAMPLE, SAMPLE);
    take(size - EDGE, EDGE);
  }
  return h.digest('hex');
}

/** The identity of an open backing file now. */
export function backingIdOf(fd: number): BackingId {
  const st = fstatSync(fd, { bigint: true });
  const size = Number(st.size);
  return { size, mtimeNs: st.mtimeNs, sampleHash: sampleHash(fd, size) };
}

/** The backing file is not the one the copy-on-write file was made over. */
export class BackingChangedError extends Error {
  constructor(message: string) { super(message); this.name = 'BackingChangedError'; }
}

const when = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString().replace('Z', `${String(ns % 1_000_000n).padStart(6, '0')}Z`);

/** Throws BackingChangedError naming both files when `now` differs from what `header` recorded. */
export function checkBacking(cowPath: string, header: CowHeader, backingPath: string, now: BackingId): void {
  const was = header.backing;
  const diffs: string[] = [];
  if (now.size !== was.size) diffs.push(`its size is ${now.size} bytes, was ${was.size}`);
  if (now.mtimeNs !== was.mtimeNs) diffs.push(`it was modified at ${when(now.mtimeNs)}, recorded ${when(was.mtimeNs)}`);
  if (now.sampleHash !== was.sampleHash) diffs.push(`its sampled contents differ (hash ${now.sampleHash.slice(0, 16)}…, recorded ${was.sampleHash.slice(0, 16)}…)`);
  if (diffs.length === 0) return;
  const other = resolve(backingPath) !== resolve(header.backingPath);
  throw new BackingChangedError(
    other
      ? `the backing file '${backingPath}' is not the one the copy-on-write file '${cowPath}' was made over ('${header.backingPath}'): ${diffs.join('; ')}. `
        + `Refusing to use it: the changes in '${cowPath}' would be laid over a different disk. Give '${header.backingPath}' (or cow=${cowPath} alone).`
      : `the backing file '${backingPath}' has changed since the copy-on-write file '${cowPath}' was made over it: ${diffs.join('; ')}. `
        + `Refusing to use it: the changes in '${cowPath}' would be laid over a different disk. `
        + `Restore '${backingPath}', or start over with a new copy-on-write file.`,
  );
}
