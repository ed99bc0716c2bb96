// One user at a time for a copy-on-write file: two machines writing the same file would mix
// their blocks and bitmaps. The lock is a file next to it, COW.lock, made exclusively and
// holding the owner's pid; a lock whose process is gone (kill -9) is taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { CowFileError } from './cow-format';

export class CowLock {
  private constructor(private readonly lockPath: string) {}

  static take(cowPath: string): CowLock {
    const lockPath = `${cowPath}.lock`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(lockPath, 'wx');
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        return new CowLock(lockPath);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new CowFileError(cowPath, `cannot make its lock file '${lockPath}': ${(e as Error).message}`);
      }
      let owner = NaN;
      try { owner = Number.parseInt(readFileSync(lockPath, 'utf8'), 10); } catch { /* went away meanwhile */ }
      if (owner === process.pid) throw new CowFileError(cowPath, `already open in this process (lock file '${lockPath}'); one machine or merge at a time`);
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
        throw new CowFileError(cowPath, `in use by process ${owner} (lock file '${lockPath}'); one machine or merge at a time`);
      }
      rmSync(lockPath, { force: true }); // stale: its process is gone
    }
    throw new CowFileError(cowPath, `cannot take its lock file '${lockPath}'`);
  }

  release(): void {
    rmSync(this.lockPath, { force: true });
  }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}
