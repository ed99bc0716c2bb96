// A copy-on-write file (format in cow-format.ts) as a BlockBackend: reads take each block
// from this file when its bitmap bit is set, from the backing file otherwise; writes copy a
// partly written block up first. The backing file is opened read-only and never written.
// Discards set the bits and punch the blocks' data out of this file (they read as zeros,
// as in a raw image written in place), so the space comes back.
//
// Crash order: a block's data is written before its bitmap bit, so a bit never points at
// data that was not written; a lost bit loses that write only (as a disk's cache would).
import { closeSync, fstatSync, fsyncSync, ftruncateSync, linkSync, openSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { BlockBackend } from '../../emulator/bus/device';
import { backingIdOf, checkBacking } from './backing';
import { CowFileError, decodeHeader, encodeHeader, HEADER_BYTES, layoutFor, type CowHeader } from './cow-format';
import { CowLock } from './cow-lock';
import { HolePuncher } from './hole-punch';
import { RawFileDisk, readFully, writeFully } from './raw-file';

export class CowFileDisk implements BlockBackend {
  readonly readOnly = false;
  private readonly holes: HolePuncher;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    readonly header: CowHeader,
    private readonly bitmap: Uint8Array,
    readonly backing: RawFileDisk,
    private readonly lock: CowLock,
  ) {
    this.holes = new HolePuncher(path, fd);
  }

  get byteLength(): number {
    return this.header.diskSize;
  }

  /**
   * Opens `cowPath`, or makes it over `backingPath` when it does not exist. Without
   * `backingPath` the header's is used. Throws CowFileError for a damaged file and
   * BackingChangedError when the backing file is not the one the file was made over.
   */
  static open(cowPath: string, backingPath?: string): CowFileDisk {
    let exists = true;
    try { statSync(cowPath); } catch { exists = false; }
    if (!exists) {
      if (backingPath === undefined) throw new CowFileError(cowPath, 'no such file, and no backing file given to make it over');
      return CowFileDisk.create(cowPath, backingPath);
    }
    const lock = CowLock.take(cowPath);
    let fd: number;
    try { fd = openSync(cowPath, 'r+'); } catch (e) { lock.release(); throw new CowFileError(cowPath, (e as Error).message); }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new CowFileError(cowPath, 'not a regular file');
      const head = new Uint8Array(HEADER_BYTES);
      readFully(fd, 0, head);
      const header = decodeHeader(cowPath, head, st.size);
      const backingFile = backingPath ?? header.backingPath;
      let backing: RawFileDisk;
      try { backing = new RawFileDisk(backingFile, true); } catch (e) {
        throw new CowFileError(cowPath, `its backing file '${backingFile}' cannot be opened: ${(e as Error).message}`);
      }
      try {
        checkBacking(cowPath, header, backingFile, backingIdOf(backing.descriptor));
      } catch (e) { backing.close(); throw e; }
      const bitmap = new Uint8Array(header.bitmapBytes);
      readFully(fd, header.bitmapOffset, bitmap);
      return new CowFileDisk(cowPath, fd, header, bitmap, backing, lock);
    } catch (e) {
      closeSync(fd);
      lock.release();
      throw e;
    }
  }

  /**
   * Makes a new, empty copy-on-write file over `backingPath` (which must be whole sectors):
   * written complete under a temporary name, then linked to `cowPath` (which fails rather
   * than clobber a file that appeared meanwhile), so a killed kwb never leaves half a header.
   */
  static create(cowPath: string, backingPath: string): CowFileDisk {
    const backing = new RawFileDisk(backingPath, true);
    const tmp = join(dirname(cowPath), `.${basename(cowPath)}.kwb-new-${process.pid}.tmp`);
    let fd: number | undefined;
    let lock: CowLock | undefined;
    try {
      if (backing.byteLength % 512 !== 0) throw new Error(`'${backingPath}' is ${backing.byteLength} bytes, not a multiple of 512`);
      const header = layoutFor(backing.byteLength, backingIdOf(backing.descriptor), resolve(backingPath));
      lock = CowLock.take(cowPath);
      fd = openSync(tmp, 'w+');
      writeFully(fd, 0, encodeHeader(header));
      ftruncateSync(fd, header.dataOffset + header.diskSize); // sparse: the bitmap and data are holes
      fsyncSync(fd);
      try { linkSync(tmp, cowPath); } catch (e) { throw new CowFileError(cowPath, `cannot make it: ${(e as Error).message}`); }
      rmSync(tmp, { force: true });
      return new CowFileDisk(cowPath, fd, header, new Uint8Array(header.bitmapBytes), backing, lock);
    } catch (e) {
      if (fd !== undefined) closeSync(fd);
      rmSync(tmp, { force: true });
      lock?.release();
      backing.close();
      throw e;
    }
  }

  /** Number of blocks held in this file (written, zeroed or discarded since it was made). */
  get changedBlocks(): number {
    let n = 0;
    for (const byte of this.bitmap) for (let b = byte; b; b &= b - 1) n++;
    return n;
  }

  has(block: number): boolean {
    return (this.bitmap[block >> 3] & (1 << (block & 7))) !== 0;
  }

  read(offset: number, dst: Uint8Array): void {
    this.checkRange(offset, dst.length);
    const B = this.header.blockSize;
    let pos = offset;
    const end = offset + dst.length;
    while (pos < end) {
      // one run of blocks that all come from the same place
      const inCow = this.has(Math.floor(pos / B));
      let runEnd = (Math.floor(pos / B) + 1) * B;
      while (runEnd < end && this.has(runEnd / B) === inCow) runEnd += B;
      runEnd = Math.min(runEnd, end);
      const part = dst.subarray(pos - offset, runEnd - offset);
      if (inCow) {
        const at = this.header.dataOffset + pos;
        if (this.holes.overlaps(at, part.length)) this.holes.run();
        readFully(this.fd, at, part);
      } else {
        this.backing.read(pos, part);
      }
      pos = runEnd;
    }
  }

  write(offset: number, src: Uint8Array): void {
    this.checkRange(offset, src.length);
    if (src.length === 0) return;
    const B = this.header.blockSize;
    const at = this.header.dataOffset + offset;
    if (this.holes.overlaps(at - B, src.length + 2 * B)) this.holes.run();
    const first = Math.floor(offset / B);
    const last = Math.floor((offset + src.length - 1) / B);
    // Blocks only partly written that are not here yet: copy them up whole first.
    for (const b of first === last ? [first] : [first, last]) {
      const start = b * B;
      const size = Math.min(B, this.header.diskSize - start);
      const covered = offset <= start && offset + src.length >= start + size;
      if (!covered && !this.has(b)) {
        const block = new Uint8Array(size);
        this.backing.read(start, block);
        writeFully(this.fd, this.header.dataOffset + start, block);
      }
    }
    writeFully(this.fd, at, src);
    this.setBits(first, last);
  }

  discard(offset: number, length: number): void {
    this.checkRange(offset, length);
    if (length === 0) return;
    const B = this.header.blockSize;
    const end = offset + length;
    const firstWhole = Math.ceil(offset / B);
    // the disk's last block may be short: it is whole when the range reaches the disk's end
    const lastWhole = end === this.header.diskSize ? Math.ceil(end / B) - 1 : Math.floor(end / B) - 1;
    if (firstWhole > lastWhole) { this.zero(offset, length); return; }
    if (offset < firstWhole * B) this.zero(offset, firstWhole * B - offset);
    const wholeEnd = Math.min((lastWhole + 1) * B, this.header.diskSize);
    if (end > wholeEnd) this.zero(wholeEnd, end - wholeEnd);
    // One hole over all the whole blocks: those never written are holes already (punching
    // them costs nothing), except one whose data a crash left written before its bit.
    this.holes.add(this.header.dataOffset + firstWhole * B, wholeEnd - firstWhole * B);
    this.setBits(firstWhole, lastWhole);
  }

  writeZeroes(offset: number, length: number, unmap: boolean): void {
    if (unmap) { this.discard(offset, length); return; }
    this.zero(offset, length);
  }

  flush(): void {
    if (this.closed) return;
    this.holes.run();
    fsyncSync(this.fd);
  }

  /** Runs queued punches and closes the files; the lock goes even when that fails. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.holes.run();
    } finally {
      closeSync(this.fd);
      this.backing.close();
      this.lock.release();
    }
  }

  /** Whether holes were really punched (false: zeros were written, no space came back). */
  get punchWorks(): boolean {
    return this.holes.punchWorks;
  }

  private zero(offset: number, length: number): void {
    const chunk = new Uint8Array(Math.min(length, 1 << 20));
    for (let done = 0; done < length;) {
      const n = Math.min(chunk.length, length - done);
      this.write(offset + done, chunk.subarray(0, n));
      done += n;
    }
  }

  /** Sets the bits of blocks first..last and writes the bitmap bytes that changed. */
  private setBits(first: number, last: number): void {
    let lo = -1, hi = -1;
    for (let b = first; b <= last; b++) {
      const i = b >> 3, m = 1 << (b & 7);
      if (this.bitmap[i] & m) continue;
      this.bitmap[i] |= m;
      if (lo < 0) lo = i;
      hi = i;
    }
    if (lo >= 0) writeFully(this.fd, this.header.bitmapOffset + lo, this.bitmap.subarray(lo, hi + 1));
  }

  private checkRange(offset: number, length: number): void {
    if (offset < 0 || length < 0 || offset + length > this.header.diskSize) {
      throw new Error(`block access of ${length} bytes at offset ${offset} is outside the disk (${this.header.diskSize} bytes)`);
    }
  }
}
