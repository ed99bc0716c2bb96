// A BlockBackend over a host file, read and written with synchronous fs calls (the
// machine's devices are synchronous). The CLI wraps it in the copy-on-write overlay
// unless --drive-write asks for writes in place.
import { closeSync, fstatSync, openSync, readSync, writeSync, fsyncSync } from 'node:fs';
import type { BlockBackend } from '../emulator/bus/device';

export class FileBlockBackend implements BlockBackend {
  readonly byteLength: number;
  private fd: number;

  constructor(readonly path: string, readonly readOnly: boolean) {
    this.fd = openSync(path, readOnly ? 'r' : 'r+');
    const st = fstatSync(this.fd);
    if (!st.isFile()) { closeSync(this.fd); throw new Error(`'${path}' is not a regular file`); }
    this.byteLength = st.size;
  }

  read(offset: number, dst: Uint8Array): void {
    let done = 0;
    while (done < dst.length) {
      const n = readSync(this.fd, dst, done, dst.length - done, offset + done);
      if (n === 0) { dst.fill(0, done); return; } // past the end reads as zeros
      done += n;
    }
  }

  write(offset: number, src: Uint8Array): void {
    if (this.readOnly) throw new Error(`'${this.path}' is open read-only`);
    let done = 0;
    while (done < src.length) done += writeSync(this.fd, src, done, src.length - done, offset + done);
  }

  flush(): void { if (!this.readOnly) fsyncSync(this.fd); }

  close(): void { closeSync(this.fd); }
}
