// Checkpoint files on disk: saveMachine writes the machine's checkpoint atomically (a
// temporary file in the same folder, fsync, rename over the target, fsync the folder), so a
// crash or kill -9 at any moment leaves either the old file or the new one, never a mix;
// loadMachine reads one back, refusing a damaged or foreign file with a message naming it.
// The management console's `save NAME` / `load NAME` and `kwb --checkpoint-load` call these.
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CheckpointError } from '../emulator/checkpoint/errors';
import type { Machine } from '../emulator/machine';

export class CheckpointFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointFileError';
  }
}

/** Temporary files of earlier writes to `path` whose process has died (a kill -9 mid-save) go. */
function removeStaleTemporaries(dir: string, name: string): void {
  let entries: string[];
  try { entries = readdirSync(dir); } catch { return; }
  const prefix = `.${name}.`;
  for (const e of entries) {
    if (!e.startsWith(prefix) || !e.endsWith('.tmp')) continue;
    const pid = Number(e.slice(prefix.length).split('.')[0]);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try { process.kill(pid, 0); continue; } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') continue; // alive, or not ours to ask
    }
    try { unlinkSync(join(dir, e)); } catch { /* gone already */ }
  }
}

/** Writes `bytes` to `path` so that the file is either wholly old or wholly new. */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const dir = dirname(path);
  removeStaleTemporaries(dir, basename(path));
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    for (let o = 0; o < bytes.length;) o += writeSync(fd, bytes, o, Math.min(bytes.length - o, 1 << 26));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) try { closeSync(fd); } catch { /* already failing */ }
    try { unlinkSync(tmp); } catch { /* not created */ }
    throw new CheckpointFileError(`checkpoint '${path}': cannot write: ${(e as Error).message}`);
  }
  // the rename is durable once the folder's entry is
  let dfd: number | undefined;
  try { dfd = openSync(dir, 'r'); fsyncSync(dfd); } catch { /* some file systems refuse fsync on folders */ } finally {
    if (dfd !== undefined) closeSync(dfd);
  }
}

/** Saves the (paused) machine to `path`; returns the file's size in bytes. */
export function saveMachine(machine: Machine, path: string): number {
  let bytes: Uint8Array;
  try { bytes = machine.saveCheckpoint(); } catch (e) {
    throw new CheckpointFileError(`checkpoint '${path}': cannot save: ${(e as Error).message}`);
  }
  writeFileAtomic(path, bytes);
  return bytes.length;
}

/** Reads a checkpoint file's bytes, with a clear error when it is missing or not a file. */
export function readCheckpointFile(path: string): Uint8Array {
  let st;
  try { st = statSync(path); } catch { throw new CheckpointFileError(`checkpoint '${path}': no such file`); }
  if (!st.isFile()) throw new CheckpointFileError(`checkpoint '${path}': not a regular file`);
  try { return new Uint8Array(readFileSync(path)); } catch (e) {
    throw new CheckpointFileError(`checkpoint '${path}': ${(e as Error).message}`);
  }
}

/** Puts the (paused) machine into the state saved in `path`; refused files leave it unchanged. */
export function loadMachine(machine: Machine, path: string): void {
  const bytes = readCheckpointFile(path);
  try { machine.loadCheckpoint(bytes); } catch (e) {
    if (e instanceof CheckpointError) throw new CheckpointFileError(`checkpoint '${path}' refused: ${e.message}`);
    throw new CheckpointFileError(`checkpoint '${path}': cannot load: ${(e as Error).message}`);
  }
}
