// The copy-on-write BlockBackend: the base is never written, reads merge the overlay over the
// base, and a long random sequence of reads and writes behaves exactly like a plain copy.
import { strict as assert } from 'node:assert';
import type { BlockBackend } from '../../../emulator/bus/device';
import { BlockRangeError, CowBlockBackend, MemoryBlockBackend } from '../../../emulator/devices/block-backend';

/** A base that records writes, to prove none happen. */
class WatchedBase extends MemoryBlockBackend {
  writes = 0;
  override write(offset: number, src: Uint8Array): void {
    this.writes++;
    super.write(offset, src);
  }
}

function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 37 + 11) & 0xff;
  return b;
}

/** xorshift32: a fixed seed gives the same sequence on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
}

describe('devices: copy-on-write block backend', () => {
  it('never writes the base, and reads back what was written', () => {
    const baseBytes = pattern(8 * 512);
    const original = baseBytes.slice();
    const base = new WatchedBase(baseBytes, true);
    const cow = new CowBlockBackend(base);
    assert.equal(cow.readOnly, false);
    assert.equal(cow.byteLength, 4096);
    cow.write(512, new Uint8Array(512).fill(0xee));
    cow.write(1000, new Uint8Array([1, 2, 3, 4, 5]));
    cow.flush();
    assert.equal(base.writes, 0);
    assert.deepEqual(baseBytes, original);
    const got = new Uint8Array(4096);
    cow.read(0, got);
    const want = original.slice();
    want.fill(0xee, 512, 1024);
    want.set([1, 2, 3, 4, 5], 1000);
    assert.deepEqual(got, want);
    assert.equal(cow.changedSectors, 1);
  });

  it('merges partial-sector writes that straddle sectors with the base bytes around them', () => {
    const baseBytes = pattern(4 * 512);
    const cow = new CowBlockBackend(new MemoryBlockBackend(baseBytes.slice()));
    cow.write(500, new Uint8Array(30).fill(0x77));
    const got = new Uint8Array(40);
    cow.read(495, got);
    const want = baseBytes.slice(495, 535);
    want.fill(0x77, 5, 35);
    assert.deepEqual(got, want);
    assert.equal(cow.changedSectors, 2);
  });

  it('rejects accesses outside the disk with BlockRangeError', () => {
    const cow = new CowBlockBackend(new MemoryBlockBackend(new Uint8Array(1024)));
    assert.throws(() => cow.read(1020, new Uint8Array(8)), BlockRangeError);
    assert.throws(() => cow.write(-1, new Uint8Array(1)), BlockRangeError);
    assert.throws(() => cow.write(1024, new Uint8Array(1)), /outside the disk/);
  });

  it('behaves like a plain copy over 2000 random reads and writes (fixed seed), base untouched', () => {
    const size = 64 * 512 + 100; // a partial last sector too
    const baseBytes = pattern(size);
    const original = baseBytes.slice();
    const base: BlockBackend = new MemoryBlockBackend(baseBytes);
    const cow = new CowBlockBackend(base);
    const model = original.slice();
    const next = rng(0x5eed);
    for (let k = 0; k < 2000; k++) {
      const off = next() % size;
      const len = 1 + (next() % Math.min(1500, size - off));
      if (next() & 1) {
        const data = new Uint8Array(len).map(() => next() & 0xff);
        cow.write(off, data);
        model.set(data, off);
      } else {
        const got = new Uint8Array(len);
        cow.read(off, got);
        assert.deepEqual(got, model.subarray(off, off + len), `read ${len} at ${off} (step ${k})`);
      }
    }
    const all = new Uint8Array(size);
    cow.read(0, all);
    assert.deepEqual(all, model);
    assert.deepEqual(baseBytes, original);
  });
});
