// The copy-on-write file as a BlockBackend: reads and writes against a reference model (a
// plain byte array written in place), reopening keeps the changes, the backing file is never
// written, discard gives space back, and damaged headers or changed backing files are refused.
import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackingChangedError } from '../../../host/disks/backing';
import { CowFileDisk } from '../../../host/disks/cow-file';
import { CowFileError } from '../../../host/disks/cow-format';
import { mergeCow } from '../../../host/disks/merge';
import { readCowInfo } from '../../../host/disks/info';
import { RawFileDisk } from '../../../host/disks/raw-file';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const allocated = (p: string) => statSync(p).blocks * 512;

/** A deterministic pseudo-random generator (xorshift32), so failures reproduce. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number) => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x % n; };
}

describe('host/disks: copy-on-write file', () => {
  let dir: string;
  let base: string;
  const SIZE = (4 << 20) + 3 * 512; // a short last block
  let baseBytes: Buffer;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kwb-cow-'));
    base = join(dir, 'base.img');
    baseBytes = randomBytes(SIZE);
    writeFileSync(base, baseBytes);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads and writes like the same disk written in place, across reopening, and leaves the backing file alone', () => {
    const before = sha(base);
    const model = Buffer.from(baseBytes);
    const cowPath = join(dir, 'a.cow');
    let cow = CowFileDisk.open(cowPath, base);
    const rand = rng(7);
    for (let i = 0; i < 400; i++) {
      const len = 1 + rand(3 * 4096);
      const off = rand(SIZE - len + 1);
      if (i === 200) { cow.close(); cow = CowFileDisk.open(cowPath, base); }
      const op = rand(4);
      if (op === 0) {
        const data = randomBytes(len);
        cow.write(off, data); data.copy(model, off);
      } else if (op === 1) {
        cow.writeZeroes(off, len, rand(2) === 1); model.fill(0, off, off + len);
      } else if (op === 2) {
        cow.discard(off, len); model.fill(0, off, off + len);
      } else {
        const got = new Uint8Array(len);
        cow.read(off, got);
        assert.ok(Buffer.from(got).equals(model.subarray(off, off + len)), `read of ${len} at ${off} (step ${i})`);
      }
    }
    const all = new Uint8Array(SIZE);
    cow.read(0, all);
    assert.ok(Buffer.from(all).equals(model), 'whole disk equals the model');
    cow.close();
    assert.equal(sha(base), before, 'backing file unchanged');
    // merge gives the model's bytes
    const out = join(dir, 'out.img');
    mergeCow(cowPath, out);
    assert.ok(readFileSync(out).equals(model));
    assert.equal(sha(base), before, 'backing file unchanged by a merge');
  });

  it('two copy-on-write files over one backing file keep their own changes', () => {
    const a = CowFileDisk.open(join(dir, 'a.cow'), base);
    const b = CowFileDisk.open(join(dir, 'b.cow'), base);
    a.write(4096, Buffer.alloc(512, 0xaa));
    b.write(4096, Buffer.alloc(512, 0xbb));
    a.close(); b.close();
    const a2 = CowFileDisk.open(join(dir, 'a.cow'));
    const b2 = CowFileDisk.open(join(dir, 'b.cow'));
    const x = new Uint8Array(512), y = new Uint8Array(512);
    a2.read(4096, x); b2.read(4096, y);
    assert.ok(x.every((v) => v === 0xaa));
    assert.ok(y.every((v) => v === 0xbb));
    a2.close(); b2.close();
  });

  it('discard punches the blocks out of the file: its allocated size shrinks', () => {
    const cowPath = join(dir, 'a.cow');
    const cow = CowFileDisk.open(cowPath, base);
    cow.write(0, randomBytes(2 << 20));
    cow.flush();
    const full = allocated(cowPath);
    assert.ok(full >= 2 << 20, `2 MiB written take ${full} bytes`);
    cow.discard(4096, (2 << 20) - 8192);
    cow.flush();
    const after = allocated(cowPath);
    assert.ok(cow.punchWorks, 'fallocate punched holes');
    assert.ok(after <= full - (2 << 20) + 2 * 8192, `after discarding ${(2 << 20) - 8192} bytes: ${after} allocated, was ${full}`);
    const got = new Uint8Array(8192);
    cow.read(8192, got);
    assert.ok(got.every((v) => v === 0), 'discarded range reads as zeros');
    cow.close();
  });

  it('a block whose data a crash left written before its bit still reads as zeros once discarded', () => {
    const cowPath = join(dir, 'a.cow');
    const cow = CowFileDisk.open(cowPath, base);
    const dataOffset = cow.header.dataOffset;
    cow.close();
    const fd = openSync(cowPath, 'r+');
    writeSync(fd, Buffer.alloc(8192, 0xcc), 0, 8192, dataOffset + 8192); // blocks 2 and 3, bits not set
    closeSync(fd);
    const again = CowFileDisk.open(cowPath, base);
    const got = new Uint8Array(8192);
    again.read(8192, got);
    assert.ok(Buffer.from(got).equals(baseBytes.subarray(8192, 16384)), 'without its bit the block comes from the backing file');
    again.writeZeroes(8192, 8192, true);
    again.read(8192, got);
    assert.ok(got.every((v) => v === 0));
    again.close();
  });

  it('a raw image written in place gives space back on discard too', () => {
    const raw = new RawFileDisk(base, false);
    const full = allocated(base);
    raw.discard(1 << 20, 2 << 20);
    raw.flush();
    assert.ok(allocated(base) <= full - (2 << 20) + 8192, `${allocated(base)} allocated, was ${full}`);
    const got = new Uint8Array(4096);
    raw.read(1 << 20, got);
    assert.ok(got.every((v) => v === 0));
    raw.close();
    assert.ok(readFileSync(base).subarray(0, 1 << 20).equals(baseBytes.subarray(0, 1 << 20)), 'the rest is intact');
  });

  it('refuses a backing file whose size, mtime or contents changed, naming both files', () => {
    const cowPath = join(dir, 'a.cow');
    CowFileDisk.open(cowPath, base).close();
    const st = statSync(base);
    // contents, with the old mtime put back (as cp --preserve or touch -r would)
    const fd = openSync(base, 'r+');
    writeSync(fd, Buffer.from('changed'), 0, 7, 1024);
    closeSync(fd);
    utimesSync(base, st.atime, st.mtime);
    assert.throws(() => CowFileDisk.open(cowPath, base), (e: Error) => e instanceof BackingChangedError
      && e.message.includes(base) && e.message.includes(cowPath) && /sampled contents differ/.test(e.message));
    assert.match(readCowInfo(cowPath).backingState, /sampled contents differ/);
  });

  it('refuses another file of the same size as the backing file, naming the one it was made over', () => {
    const cowPath = join(dir, 'a.cow');
    CowFileDisk.open(cowPath, base).close();
    const other = join(dir, 'other.img');
    writeFileSync(other, randomBytes(SIZE));
    assert.throws(() => CowFileDisk.open(cowPath, other), (e: Error) => e instanceof BackingChangedError
      && e.message.includes(`'${other}' is not the one the copy-on-write file '${cowPath}' was made over ('${base}')`));
  });

  it('a merge into a folder that does not exist says so and leaves nothing behind', () => {
    const cowPath = join(dir, 'a.cow');
    CowFileDisk.open(cowPath, base).close();
    assert.throws(() => mergeCow(cowPath, join(dir, 'nope', 'out.img')), /the output folder '.*nope' does not exist/);
    assert.ok(!existsSync(`${cowPath}.lock`), 'the lock is released');
  });

  const damage: [string, (b: Buffer) => void, RegExp][] = [
    ['a wrong magic', (b) => { b[0] = 0x58; }, /bad magic/],
    ['a flipped bit in the backing path', (b) => { b[110] ^= 1; }, /checksum mismatch/],
    ['an unknown version', (b) => { b[8] = 9; }, /version 9 is not supported/],
  ];
  for (const [what, hurt, want] of damage) {
    it(`refuses a header with ${what}, naming the file`, () => {
      const cowPath = join(dir, 'a.cow');
      CowFileDisk.open(cowPath, base).close();
      const bytes = readFileSync(cowPath);
      hurt(bytes);
      writeFileSync(cowPath, bytes);
      assert.throws(() => CowFileDisk.open(cowPath, base), (e: Error) => e instanceof CowFileError && e.message.includes(cowPath) && want.test(e.message));
    });
  }

  it('one user at a time: a second open is refused while the first holds the lock; a dead owner\'s lock is taken over', () => {
    const cowPath = join(dir, 'a.cow');
    const first = CowFileDisk.open(cowPath, base);
    assert.throws(() => CowFileDisk.open(cowPath, base), (e: Error) => e instanceof CowFileError && e.message.includes(cowPath) && /already open in this process/.test(e.message));
    first.close();
    const child = spawnSync('node', ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(`${cowPath}.lock`, `${child.stdout}\n`); // that process has exited
    const again = CowFileDisk.open(cowPath, base);
    assert.equal(readFileSync(`${cowPath}.lock`, 'utf8'), `${process.pid}\n`);
    again.close();
    assert.ok(!existsSync(`${cowPath}.lock`), 'released at close');
  });

  it('refuses a truncated file', () => {
    const cowPath = join(dir, 'a.cow');
    CowFileDisk.open(cowPath, base).close();
    writeFileSync(cowPath, readFileSync(cowPath).subarray(0, 100));
    assert.throws(() => CowFileDisk.open(cowPath, base), /too short/);
  });
});
