// A split virtqueue (Virtio 1.2 §2.7) read and written through the DmaPort: the descriptor
// table (16 bytes each: addr u64, len u32, flags u16, next u16), the driver ("avail") ring
// (flags u16, idx u16, ring[num] u16) and the device ("used") ring (flags u16, idx u16,
// ring[num] of {id u32, len u32}). Indirect descriptors (§2.7.5.3) are followed when the driver
// accepted VIRTIO_RING_F_INDIRECT_DESC: a descriptor with VIRTQ_DESC_F_INDIRECT points at a
// table of len/16 descriptors that continues the chain. A malformed chain
// (a loop, an index past the table, unreadable memory) raises VirtioError, which the
// transport answers by setting DEVICE_NEEDS_RESET, as §2.1.1 allows.
import type { DmaPort } from '../bus/device';
import type { StateReader, StateValue } from '../checkpoint/state';

export class VirtioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VirtioError';
  }
}

const DESC_F_NEXT = 1;
const DESC_F_WRITE = 2;
const DESC_F_INDIRECT = 4;
const AVAIL_F_NO_INTERRUPT = 1;

export interface Buffer {
  addr: number;
  len: number;
  /** Device-writable (VIRTQ_DESC_F_WRITE). */
  write: boolean;
}

export interface Chain {
  head: number;
  buffers: Buffer[];
}

export class SplitVirtqueue {
  num = 0;
  ready = false;
  descAddr = 0;
  availAddr = 0;
  usedAddr = 0;
  /** VIRTIO_RING_F_INDIRECT_DESC was negotiated (set by the transport). */
  indirect = false;
  private lastAvail = 0;
  private usedIdx = 0;
  private readonly scratch = new Uint8Array(16);
  private readonly view = new DataView(this.scratch.buffer);

  constructor(private readonly dma: DmaPort, readonly maxSize: number) {
    this.reset();
  }

  reset(): void {
    this.num = this.maxSize;
    this.ready = false;
    this.descAddr = this.availAddr = this.usedAddr = 0;
    this.lastAvail = 0;
    this.usedIdx = 0;
    this.indirect = false;
  }

  /** The next chain the driver made available, or null when there is none. */
  pop(): Chain | null {
    const availIdx = this.read16(this.availAddr + 2);
    if (availIdx === this.lastAvail) return null;
    if (((availIdx - this.lastAvail) & 0xffff) > this.num) {
      throw new VirtioError(`avail.idx ${availIdx} is more than ${this.num} entries ahead of the device (${this.lastAvail})`);
    }
    const head = this.read16(this.availAddr + 4 + 2 * (this.lastAvail % this.num));
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    const buffers: Buffer[] = [];
    // Walks the ring's descriptor table, or an indirect table once one is entered.
    let table = this.descAddr;
    let size = this.num;
    let inIndirect = false;
    let i = head;
    for (let n = 0; ; n++) {
      if (i >= size) throw new VirtioError(`descriptor index ${i} is past the ${inIndirect ? 'indirect table' : 'queue'} size ${size}`);
      // §2.7.5.3.1/§2.7.13.1: no chain is longer than the queue size, so this also ends loops.
      if (n > this.num) throw new VirtioError(`descriptor chain from ${head} is longer than the queue size ${this.num} (a loop?)`);
      this.readInto(table + 16 * i, 16);
      const addr = this.view.getUint32(0, true) + this.view.getUint32(4, true) * 0x1_0000_0000;
      const len = this.view.getUint32(8, true);
      const flags = this.view.getUint16(12, true);
      const next = this.view.getUint16(14, true);
      if (flags & DESC_F_INDIRECT) {
        if (!this.indirect) throw new VirtioError('indirect descriptor, but VIRTIO_RING_F_INDIRECT_DESC was not negotiated');
        if (inIndirect) throw new VirtioError('indirect descriptor inside an indirect table');
        if (flags & DESC_F_NEXT) throw new VirtioError(`descriptor ${i} has both INDIRECT and NEXT`);
        if (len === 0 || len % 16 !== 0) throw new VirtioError(`indirect table of ${len} bytes is not a whole number of descriptors`);
        table = addr;
        size = len / 16;
        inIndirect = true;
        i = 0;
        continue;
      }
      const write = (flags & DESC_F_WRITE) !== 0;
      if (!write && buffers.length > 0 && buffers[buffers.length - 1].write) {
        throw new VirtioError(`descriptor ${i}: device-readable buffer after a device-writable one`);
      }
      buffers.push({ addr, len, write });
      if (!(flags & DESC_F_NEXT)) break;
      i = next;
    }
    return { head, buffers };
  }

  /** Returns a chain to the driver with `len` bytes written; true if the driver wants an interrupt. */
  push(head: number, len: number): boolean {
    const slot = this.usedAddr + 4 + 8 * (this.usedIdx % this.num);
    this.view.setUint32(0, head, true);
    this.view.setUint32(4, len, true);
    if (!this.dma.dmaWrite(slot, this.scratch.subarray(0, 8))) throw new VirtioError(`used ring entry at 0x${slot.toString(16)} is not in RAM`);
    this.usedIdx = (this.usedIdx + 1) & 0xffff;
    this.view.setUint16(0, this.usedIdx, true);
    if (!this.dma.dmaWrite(this.usedAddr + 2, this.scratch.subarray(0, 2))) throw new VirtioError('used.idx is not in RAM');
    return (this.read16(this.availAddr) & AVAIL_F_NO_INTERRUPT) === 0;
  }

  private read16(addr: number): number {
    this.readInto(addr, 2);
    return this.view.getUint16(0, true);
  }

  private readInto(addr: number, n: number): void {
    if (!this.dma.dmaRead(addr, this.scratch.subarray(0, n))) throw new VirtioError(`virtqueue memory at 0x${addr.toString(16)} is not in RAM`);
  }

  /** Checkpoints: the queue's registers and the device's ring positions. */
  saveState(): StateValue {
    return {
      num: this.num, ready: this.ready, descAddr: this.descAddr, availAddr: this.availAddr, usedAddr: this.usedAddr,
      indirect: this.indirect, lastAvail: this.lastAvail, usedIdx: this.usedIdx,
    };
  }

  loadState(s: StateReader): void {
    const num = s.num('num', 0, this.maxSize), ready = s.bool('ready'), indirect = s.bool('indirect');
    const descAddr = s.num('descAddr', 0), availAddr = s.num('availAddr', 0), usedAddr = s.num('usedAddr', 0);
    const lastAvail = s.num('lastAvail', 0, 0xffff), usedIdx = s.num('usedIdx', 0, 0xffff);
    this.num = num; this.ready = ready; this.indirect = indirect;
    this.descAddr = descAddr; this.availAddr = availAddr; this.usedAddr = usedAddr;
    this.lastAvail = lastAvail; this.usedIdx = usedIdx;
  }
}

/** Copies the device-readable bytes of a chain into one buffer (at most `limit` bytes). */
export function gather(dma: DmaPort, chain: Chain, limit: number): Uint8Array {
  const readable = chain.buffers.filter((b) => !b.write);
  const total = readable.reduce((n, b) => n + b.len, 0);
  if (total > limit) throw new VirtioError(`request of ${total} bytes exceeds ${limit}`);
  const out = new Uint8Array(total);
  let o = 0;
  for (const b of readable) {
    if (!dma.dmaRead(b.addr, out.subarray(o, o + b.len))) throw new VirtioError(`buffer at 0x${b.addr.toString(16)} is not in RAM`);
    o += b.len;
  }
  return out;
}

/** Total size of the device-writable buffers of a chain. */
export function writableLength(chain: Chain): number {
  return chain.buffers.reduce((n, b) => n + (b.write ? b.len : 0), 0);
}

/** Writes `data` over the device-writable buffers of a chain, from byte `offset` of that space. */
export function scatter(dma: DmaPort, chain: Chain, offset: number, data: Uint8Array): void {
  let skip = offset;
  let o = 0;
  for (const b of chain.buffers) {
    if (!b.write || o >= data.length) continue;
    if (skip >= b.len) { skip -= b.len; continue; }
    const n = Math.min(b.len - skip, data.length - o);
    if (!dma.dmaWrite(b.addr + skip, data.subarray(o, o + n))) throw new VirtioError(`buffer at 0x${b.addr.toString(16)} is not in RAM`);
    o += n;
    skip = 0;
  }
}
