// BlockBackends that need no host APIs: an in-memory disk, and the copy-on-write overlay the
// brief asks for by default (guest disk images are never written in place). The CLI wraps
// its file-backed backend in CowBlockBackend; tests use MemoryBlockBackend as the base.
import type { BlockBackend } from '../bus/device';
import { CheckpointError } from '../checkpoint/errors';
import type { StateReader, StateValue } from '../checkpoint/state';

export class BlockRangeError extends Error {
  constructor(readonly offset: number, readonly length: number, readonly byteLength: number) {
    super(`block access of ${length} bytes at offset ${offset} is outside the disk (${byteLength} bytes)`);
    this.name = 'BlockRangeError';
  }
}

function checkRange(offset: number, length: number, byteLength: number): void {
  if (offset < 0 || length < 0 || offset + length > byteLength) throw new BlockRangeError(offset, length, byteLength);
}

/** A disk held in a byte array (written in place). */
export class MemoryBlockBackend implements BlockBackend {
  constructor(readonly bytes: Uint8Array, readonly readOnly = false) {}
  get byteLength(): number {
    return this.bytes.length;
  }
  read(offset: number, dst: Uint8Array): void {
    checkRange(offset, dst.length, this.bytes.length);
    dst.set(this.bytes.subarray(offset, offset + dst.length));
  }
  write(offset: number, src: Uint8Array): void {
    if (this.readOnly) throw new Error('write to a read-only memory disk');
    checkRange(offset, src.length, this.bytes.length);
    this.bytes.set(src, offset);
  }
  flush(): void {}
}

export const COW_SECTOR = 512;

/**
 * Copy-on-write overlay: reads merge the overlay's changed sectors over the base; writes go
 * only to the overlay, in whole 512-byte sectors; the base is only ever read.
 */
export class CowBlockBackend implements BlockBackend {
  readonly readOnly = false;
  private readonly overlay = new Map<number, Uint8Array>();

  constructor(private readonly base: BlockBackend) {}

  get byteLength(): number {
    return this.base.byteLength;
  }

  /** Number of sectors that differ from (were written over) the base. */
  get changedSectors(): number {
    return this.overlay.size;
  }

  read(offset: number, dst: Uint8Array): void {
    checkRange(offset, dst.length, this.byteLength);
    let o = 0;
    while (o < dst.length) {
      const pos = offset + o;
      const sector = Math.floor(pos / COW_SECTOR);
      const within = pos - sector * COW_SECTOR;
      const changed = this.overlay.get(sector);
      if (changed) {
        const n = Math.min(COW_SECTOR - within, dst.length - o);
        dst.set(changed.subarray(within, within + n), o);
        o += n;
        continue;
      }
      // Read the run of unchanged sectors from the base in one call.
      let end = (sector + 1) * COW_SECTOR;
      while (end < offset + dst.length && !this.overlay.has(end / COW_SECTOR)) end += COW_SECTOR;
      const n = Math.min(end, offset + dst.length) - pos;
      this.base.read(pos, dst.subarray(o, o + n));
      o += n;
    }
  }

  write(offset: number, src: Uint8Array): void {
    checkRange(offset, src.length, this.byteLength);
    let o = 0;
    while (o < src.length) {
      const pos = offset + o;
      const sector = Math.floor(pos / COW_SECTOR);
      const within = pos - sector * COW_SECTOR;
      let page = this.overlay.get(sector);
      if (!page) {
        page = new Uint8Array(COW_SECTOR);
        const start = sector * COW_SECTOR;
        this.base.read(start, page.subarray(0, Math.min(COW_SECTOR, this.byteLength - start)));
        this.overlay.set(sector, page);
      }
      const n = Math.min(COW_SECTOR - within, src.length - o);
      page.set(src.subarray(o, o + n), within);
      o += n;
    }
  }

  flush(): void {}

  /** Checkpoints: the changed sectors (their numbers and contents); the base is not part of it. */
  saveState(): StateValue {
    const sectors = [...this.overlay.keys()].sort((a, b) => a - b);
    const data = new Uint8Array(sectors.length * COW_SECTOR);
    sectors.forEach((n, k) => data.set(this.overlay.get(n)!, k * COW_SECTOR));
    return { byteLength: this.byteLength, sectors: Float64Array.from(sectors), data };
  }

  /** Replaces the overlay with the saved one (checked first: same disk size, sectors inside it). */
  loadState(s: StateReader): void {
    const size = s.num('byteLength', 0);
    if (size !== this.byteLength) throw new CheckpointError(`${s.path}: the disk had ${size} bytes, this one has ${this.byteLength}`);
    const sectors = s.f64('sectors'), data = s.u8('data', sectors.length * COW_SECTOR);
    const count = Math.ceil(this.byteLength / COW_SECTOR);
    for (const n of sectors) if (!Number.isInteger(n) || n < 0 || n >= count) throw new CheckpointError(`${s.path}.sectors: ${n} is not a sector of the disk`);
    this.overlay.clear();
    sectors.forEach((n, k) => this.overlay.set(n, data.slice(k * COW_SECTOR, (k + 1) * COW_SECTOR)));
  }
}
