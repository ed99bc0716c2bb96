// virtio-blk device (Virtio 1.2 §5.2) behind a virtio-mmio transport: one request queue,
// requests IN (read), OUT (write), FLUSH, GET_ID, DISCARD and WRITE_ZEROES; each request is a
// 16-byte header (type u32, reserved u32, sector u64), data buffers, and a final
// device-writable status byte (0 OK, 1 IOERR, 2 UNSUPP). Offered features: VERSION_1,
// RING_INDIRECT_DESC, SEG_MAX, BLK_SIZE, FLUSH, RO when the backend is read-only, DISCARD and
// WRITE_ZEROES when it is writable and implements them. Configuration space: capacity
// (512-byte sectors) at 0, size_max 8 (0: not offered), seg_max 12, geometry 16, blk_size 20,
// topology 24 (not offered), writeback 32, max_discard_sectors 36, max_discard_seg 40,
// discard_sector_alignment 44, max_write_zeroes_sectors 48, max_write_zeroes_seg 52,
// write_zeroes_may_unmap 56 (Virtio 1.1+ §5.2.4).
//
// Media change: a slot declared empty (no backend) offers the base features only (no RO,
// DISCARD or WRITE_ZEROES: they are negotiated once, before any disk is put in) and capacity 0;
// insert() and eject() swap the medium and set the capacity, and the transport then raises the
// configuration-change interrupt (emulator/machine/media.ts). Requests without a medium fail
// with IOERR, so an empty slot is safe whatever the guest does.
import type { BlockBackend, DmaPort } from '../bus/device';
import { gather, scatter, writableLength, type SplitVirtqueue } from './virtqueue';
import { VIRTIO_F_VERSION_1, VIRTIO_RING_F_INDIRECT_DESC, type VirtioDevice } from './virtio-mmio';

export const VIRTIO_ID_BLOCK = 2;
export const SECTOR = 512;
export const BLK_F_SEG_MAX = 2;
export const BLK_F_RO = 5;
export const BLK_F_BLK_SIZE = 6;
export const BLK_F_FLUSH = 9;
export const BLK_F_DISCARD = 13;
export const BLK_F_WRITE_ZEROES = 14;
export const BLK_T_IN = 0;
export const BLK_T_OUT = 1;
export const BLK_T_FLUSH = 4;
export const BLK_T_GET_ID = 8;
export const BLK_T_DISCARD = 11;
export const BLK_T_WRITE_ZEROES = 13;
export const BLK_S_OK = 0;
export const BLK_S_IOERR = 1;
export const BLK_S_UNSUPP = 2;
export const BLK_ID_BYTES = 20;
/** QueueNumMax as QEMU 7.2's virtio-mmio reports it (VIRTQUEUE_MAX_SIZE); read back from QEMU. */
const QUEUE_MAX = 1024;
/** seg_max: QEMU's default queue-size (256) minus 2. */
const SEG_MAX = 254;
/** Largest request we accept (bounds the copy a hostile chain can ask for). */
const MAX_REQUEST = 16 << 20;
/** Per-segment limit of DISCARD and WRITE_ZEROES (sectors; 2 GiB): no data moves for them. */
export const MAX_DISCARD_SECTORS = 1 << 22;
/** Segments (16 bytes each: sector u64, num_sectors u32, flags u32) per DISCARD/WRITE_ZEROES. */
export const MAX_DISCARD_SEG = 64;
/** Sectors per 4 KiB host block: the guest should split discards there (holes are whole blocks). */
const DISCARD_ALIGNMENT = 8;
const WZ_FLAG_UNMAP = 1;

export class VirtioBlk implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_BLOCK;
  readonly queueCount = 1;
  readonly queueMax = QUEUE_MAX;
  private readonly config = new Uint8Array(60);
  private readonly featureWords: [number, number];
  /** What the backend last failed with (for the debugger and tests); the guest saw IOERR. */
  lastHostError: string | undefined;
  private medium: BlockBackend | null;
  /** The guest made a data request (read, write, flush, discard) since the medium was put in. */
  private touched = false;

  /** `backend` null: an empty slot (media change puts a disk in later). */
  constructor(backend: BlockBackend | null, private readonly dma: DmaPort, private readonly id: string) {
    this.medium = backend;
    const canDiscard = !!backend && !backend.readOnly && !!backend.discard;
    const canZero = !!backend && !backend.readOnly && !!backend.writeZeroes;
    const low = (1 << BLK_F_SEG_MAX) | (1 << BLK_F_BLK_SIZE) | (1 << BLK_F_FLUSH) | (1 << VIRTIO_RING_F_INDIRECT_DESC) | (backend?.readOnly ? 1 << BLK_F_RO : 0)
      | (canDiscard ? 1 << BLK_F_DISCARD : 0) | (canZero ? 1 << BLK_F_WRITE_ZEROES : 0);
    this.featureWords = [low >>> 0, 1 << (VIRTIO_F_VERSION_1 - 32)];
    const v = new DataView(this.config.buffer);
    this.setCapacity();
    v.setUint32(12, SEG_MAX, true);
    v.setUint32(20, SECTOR, true);
    if (canDiscard) {
      v.setUint32(36, MAX_DISCARD_SECTORS, true);
      v.setUint32(40, MAX_DISCARD_SEG, true);
      v.setUint32(44, DISCARD_ALIGNMENT, true);
    }
    if (canZero) {
      v.setUint32(48, MAX_DISCARD_SECTORS, true);
      v.setUint32(52, MAX_DISCARD_SEG, true);
      v.setUint8(56, canDiscard ? 1 : 0); // write_zeroes_may_unmap: unmap gives the space back
    }
  }

  get capacitySectors(): number {
    return this.medium ? Math.floor(this.medium.byteLength / SECTOR) : 0;
  }

  /** Whether a disk is in the slot. */
  get hasMedium(): boolean {
    return this.medium !== null;
  }

  /** In use: the guest read, wrote, flushed or discarded since the medium was put in (see media.ts). */
  get inUse(): boolean {
    return this.medium !== null && this.touched;
  }

  /** Puts a disk into an empty slot; the caller tells the driver (the transport's configChanged). */
  insert(backend: BlockBackend): void {
    if (this.medium) throw new Error('the slot already holds a disk');
    this.medium = backend;
    this.touched = false;
    this.lastHostError = undefined;
    this.setCapacity();
  }

  /** Takes the disk out (capacity 0; later requests fail with IOERR); returns it. */
  eject(): BlockBackend | null {
    const old = this.medium;
    this.medium = null;
    this.touched = false;
    this.setCapacity();
    return old;
  }

  private setCapacity(): void {
    const v = new DataView(this.config.buffer);
    const sectors = this.capacitySectors;
    v.setUint32(0, sectors >>> 0, true);
    v.setUint32(4, Math.floor(sectors / 0x1_0000_0000), true);
  }

  features(sel: number): number {
    return sel < 2 ? this.featureWords[sel] : 0;
  }

  configRead(offset: number, size: 1 | 2 | 4): number {
    if (offset < 0 || offset + size > this.config.length) return 0;
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + this.config[offset + i];
    return v >>> 0;
  }

  reset(): void {}

  process(_index: number, queue: SplitVirtqueue): boolean {
    let interrupt = false;
    for (let chain = queue.pop(); chain; chain = queue.pop()) {
      const out = gather(this.dma, chain, MAX_REQUEST);
      const room = writableLength(chain);
      let status = BLK_S_IOERR;
      if (out.length >= 16 && room >= 1) {
        const hdr = new DataView(out.buffer, out.byteOffset, 16);
        const type = hdr.getUint32(0, true);
        const sector = hdr.getUint32(8, true) + hdr.getUint32(12, true) * 0x1_0000_0000;
        const data = out.subarray(16);
        const dataRoom = room - 1;
        const backend = this.medium;
        if (backend && type !== BLK_T_GET_ID) this.touched = true;
        if (!backend && type !== BLK_T_GET_ID) {
          status = type === BLK_T_IN || type === BLK_T_OUT || type === BLK_T_FLUSH || type === BLK_T_DISCARD || type === BLK_T_WRITE_ZEROES ? BLK_S_IOERR : BLK_S_UNSUPP;
        } else if (type === BLK_T_IN) {
          if (dataRoom % SECTOR === 0 && this.inRange(sector, dataRoom) && dataRoom <= MAX_REQUEST) {
            const buf = new Uint8Array(dataRoom);
            if (this.host(() => backend!.read(sector * SECTOR, buf))) {
              scatter(this.dma, chain, 0, buf);
              status = BLK_S_OK;
            }
          }
        } else if (type === BLK_T_OUT) {
          if (!backend!.readOnly && data.length % SECTOR === 0 && this.inRange(sector, data.length)) {
            if (this.host(() => backend!.write(sector * SECTOR, data))) status = BLK_S_OK;
          }
        } else if (type === BLK_T_FLUSH) {
          if (this.host(() => backend!.flush())) status = BLK_S_OK;
        } else if (type === BLK_T_DISCARD || type === BLK_T_WRITE_ZEROES) {
          status = this.discardOrZero(type, data);
        } else if (type === BLK_T_GET_ID) {
          const id = new Uint8Array(Math.min(BLK_ID_BYTES, dataRoom));
          for (let i = 0; i < id.length && i < this.id.length; i++) id[i] = this.id.charCodeAt(i) & 0x7f;
          scatter(this.dma, chain, 0, id);
          status = BLK_S_OK;
        } else {
          status = BLK_S_UNSUPP;
        }
      }
      if (room >= 1) scatter(this.dma, chain, room - 1, new Uint8Array([status]));
      // used.len is the whole device-writable length, even when a read failed, as QEMU
      // reports it (checked by the bare-metal program against qemu-system-riscv64).
      if (queue.push(chain.head, room)) interrupt = true;
    }
    return interrupt;
  }

  /**
   * DISCARD or WRITE_ZEROES: every segment is checked before any is carried out. A flag
   * other than unmap, or unmap on a DISCARD, is UNSUPP; a malformed, oversized or
   * out-of-range segment list is IOERR.
   */
  private discardOrZero(type: number, data: Uint8Array): number {
    const discard = type === BLK_T_DISCARD;
    if (discard ? !(this.featureWords[0] & (1 << BLK_F_DISCARD)) : !(this.featureWords[0] & (1 << BLK_F_WRITE_ZEROES))) return BLK_S_UNSUPP;
    if (data.length === 0 || data.length % 16 !== 0 || data.length / 16 > MAX_DISCARD_SEG) return BLK_S_IOERR;
    const v = new DataView(data.buffer, data.byteOffset, data.length);
    const segs: { offset: number; length: number; unmap: boolean }[] = [];
    for (let o = 0; o < data.length; o += 16) {
      const sector = v.getUint32(o, true) + v.getUint32(o + 4, true) * 0x1_0000_0000;
      const count = v.getUint32(o + 8, true);
      const flags = v.getUint32(o + 12, true);
      if ((flags & ~WZ_FLAG_UNMAP) !== 0 || (discard && flags !== 0)) return BLK_S_UNSUPP;
      if (count > MAX_DISCARD_SECTORS || !this.inRange(sector, count * SECTOR)) return BLK_S_IOERR;
      segs.push({ offset: sector * SECTOR, length: count * SECTOR, unmap: (flags & WZ_FLAG_UNMAP) !== 0 });
    }
    const backend = this.medium!;
    if (discard ? !backend.discard : !backend.writeZeroes) return BLK_S_UNSUPP;
    const ok = this.host(() => {
      for (const s of segs) {
        if (s.length === 0) continue;
        if (discard) backend.discard!(s.offset, s.length);
        else backend.writeZeroes!(s.offset, s.length, s.unmap);
      }
    });
    return ok ? BLK_S_OK : BLK_S_IOERR;
  }

  /** Runs a backend operation; a host I/O failure becomes the guest's IOERR, never a crash. */
  private host(op: () => void): boolean {
    try {
      op();
      return true;
    } catch (e) {
      this.lastHostError = e instanceof Error ? e.message : String(e);
      return false;
    }
  }

  private inRange(sector: number, bytes: number): boolean {
    return this.medium !== null && sector * SECTOR + bytes <= this.medium.byteLength;
  }
}
