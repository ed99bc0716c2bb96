// uml_moo for our copy-on-write files: the backing file with the changes laid over it, as a
// new raw image. The result is written to a temporary file next to the destination, fsynced
// and renamed over it, so a merge killed at any point leaves the old destination (and the
// backing file) as they were; a killed merge leaves only its temporary file behind
// (`.NAME.kwb-merge-PID.tmp`). Zero runs stay holes, so the output is as sparse as it can be.
import { chmodSync, closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CowFileDisk } from './cow-file';
import { writeFully } from './raw-file';

const CHUNK = 1 << 20;

export interface MergeOptions {
  /** Write into the backing file (by the same temporary-and-rename). */
  inPlace?: boolean;
  /** Called after every chunk with bytes done and the total. */
  progress?: (done: number, total: number) => void;
}

export interface MergeResult {
  output: string;
  bytes: number;
  changedBlocks: number;
}

export function tempPathFor(output: string): string {
  return join(dirname(output), `.${basename(output)}.kwb-merge-${process.pid}.tmp`);
}

/** Merges `cowPath` into `output` (or, with inPlace, into its backing file). */
export function mergeCow(cowPath: string, output: string | undefined, opts: MergeOptions = {}): MergeResult {
  const cow = CowFileDisk.open(cowPath);
  try {
    const backingPath = resolve(cow.header.backingPath);
    let dest: string;
    if (opts.inPlace) {
      if (output !== undefined && resolve(output) !== backingPath) throw new Error(`--in-place writes the backing file '${backingPath}'; do not name another output ('${output}')`);
      dest = backingPath;
    } else {
      if (output === undefined) throw new Error('no output file given (kwb cow merge COW OUT, or --in-place to write the backing file)');
      dest = output;
      if (resolve(dest) === backingPath) throw new Error(`the output '${output}' is the backing file; say --in-place to write into it`);
      if (resolve(dest) === resolve(cowPath)) throw new Error(`the output '${output}' is the copy-on-write file itself`);
    }
    const tmp = tempPathFor(dest);
    let fd: number;
    try { fd = openSync(tmp, 'wx'); } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(code === 'ENOENT' ? `the output folder '${dirname(dest)}' does not exist` : `cannot write next to '${dest}': ${(e as Error).message}`);
    }
    try {
      const total = cow.byteLength;
      ftruncateSync(fd, total);
      const buf = new Uint8Array(CHUNK);
      const zero = Buffer.alloc(CHUNK);
      for (let pos = 0; pos < total; pos += CHUNK) {
        const part = buf.subarray(0, Math.min(CHUNK, total - pos));
        cow.read(pos, part);
        if (!zero.subarray(0, part.length).equals(part)) writeFully(fd, pos, part);
        opts.progress?.(pos + part.length, total);
      }
      if (opts.inPlace) chmodSync(tmp, fstatSync(cow.backing.descriptor).mode & 0o7777);
      fsyncSync(fd);
      closeSync(fd);
    } catch (e) {
      try { closeSync(fd); } catch { /* closed */ }
      rmSync(tmp, { force: true });
      throw e;
    }
    try { renameSync(tmp, dest); } catch (e) {
      rmSync(tmp, { force: true });
      throw new Error(`cannot replace '${dest}': ${(e as Error).message}`);
    }
    syncFolder(dirname(dest));
    return { output: dest, bytes: cow.byteLength, changedBlocks: cow.changedBlocks };
  } finally {
    cow.close();
  }
}

/** Makes a rename durable (the folder entry), where the platform allows it. */
function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch { /* not supported here: the rename is still atomic */ }
}
