// A raw disk image file as a BlockBackend, read and written in place with synchronous fs
// calls (the machine's devices are synchronous). Used directly with --drive-write (or the
// adapter's drivesWritable), and as the read-only backing file under a copy-on-write file
// or the in-memory overlay. DISCARD and unmapping WRITE_ZEROES punch holes in the file.
import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import type { BlockBackend } from '../../emulator/bus/device';
import { HolePuncher, writeZeros } from './hole-punch';

/** Reads [offset, offset+dst.length) of an open file; bytes past its end read as zeros. */
export function readFully(fd: number, offset: number, dst: Uint8Array): void {
  for (let done = 0; done < dst.length;) {
    const n = readSync(fd, dst, done, dst.length - done, offset + done);
    if (n === 0) { dst.fill(0, done); return; }
    done += n;
  }
}

export function writeFully(fd: number, offset: number, src: Uint8Array): void {
  for (let done = 0; done < src.length;) done += writeSync(fd, src, done, src.length - done, offset + done);
}

export class RawFileDisk implements BlockBackend {
  readonly byteLength: number;
  private readonly fd: number;
  private readonly holes: HolePuncher;
  private closed = false;

  constructor(readonly path: string, readonly readOnly: boolean) {
    this.fd = openSync(path, readOnly ? 'r' : 'r+');
    const st = fstatSync(this.fd);
    if (!st.isFile()) { closeSync(this.fd); throw new Error(`'${path}' is not a regular file`); }
    this.byteLength = st.size;
    this.holes = new HolePuncher(path, this.fd);
  }

  /** The open file (for the copy-on-write file's backing checks). */
  get descriptor(): number {
    return this.fd;
  }

  read(offset: number, dst: Uint8Array): void {
    if (this.holes.overlaps(offset, dst.length)) this.holes.run();
    readFully(this.fd, offset, dst);
  }

  write(offset: number, src: Uint8Array): void {
    this.checkWritable();
    if (this.holes.overlaps(offset, src.length)) this.holes.run();
    writeFully(this.fd, offset, src);
  }

  discard(offset: number, length: number): void {
    this.checkWritable();
    this.holes.add(offset, length);
  }

  writeZeroes(offset: number, length: number, unmap: boolean): void {
    if (unmap) { this.discard(offset, length); return; }
    this.checkWritable();
    if (this.holes.overlaps(offset, length)) this.holes.run();
    writeZeros(this.fd, offset, length);
  }

  flush(): void {
    if (this.readOnly || this.closed) return;
    this.holes.run();
    fsyncSync(this.fd);
  }

  /** Whether holes were really punched (false: zeros were written, no space came back). */
  get punchWorks(): boolean {
    return this.holes.punchWorks;
  }

  close(): void {
    if (this.closed) return;
    if (!this.readOnly) this.holes.run();
    this.closed = true;
    closeSync(this.fd);
  }

  private checkWritable(): void {
    if (this.readOnly) throw new Error(`'${this.path}' is open read-only`);
  }
}
