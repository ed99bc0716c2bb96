// A virtio disk's host side for a launched machine: a file read and written with synchronous
// fs calls (the machine's devices are synchronous). The launcher wraps it in the emulator's
// copy-on-write overlay unless the configuration says `drivesWritable: true`.
import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import type { BlockBackend } from '../../emulator/bus/device';

export class FileDisk implements BlockBackend {
  readonly byteLength: number;
  private readonly fd: number;

  constructor(readonly path: string, readonly readOnly: boolean) {
    this.fd = openSync(path, readOnly ? 'r' : 'r+');
    this.byteLength = fstatSync(this.fd).size;
  }

  read(offset: number, dst: Uint8Array): void {
    for (let done = 0; done < dst.length;) {
      const n = readSync(this.fd, dst, done, dst.length - done, offset + done);
      if (n === 0) { dst.fill(0, done); return; }
      done += n;
    }
  }

  write(offset: number, src: Uint8Array): void {
    if (this.readOnly) throw new Error(`${this.path} is open read-only`);
    for (let done = 0; done < src.length;) done += writeSync(this.fd, src, done, src.length - done, offset + done);
  }

  flush(): void { if (!this.readOnly) fsyncSync(this.fd); }

  close(): void { try { closeSync(this.fd); } catch { /* already closed */ } }
}
