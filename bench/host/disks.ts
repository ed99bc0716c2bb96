// Disk files bench: the costs behind host/README.md's numbers. Hole punching (one sh +
// fallocate per batch against one per range), the backing check made at every start
// (sampled hash), copy-on-write against raw writes and reads in 64 KiB requests, and a merge.
// Usage: npx tsx bench/host/disks.ts [--mib N]   (N: image size, default 256)
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backingIdOf } from '../../host/disks/backing';
import { CowFileDisk } from '../../host/disks/cow-file';
import { mergeCow } from '../../host/disks/merge';
import { RawFileDisk } from '../../host/disks/raw-file';

const arg = (name: string, dflt: number): number => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) || dflt : dflt; };
const MIB = arg('--mib', 256);
const dir = mkdtempSync(join(tmpdir(), 'kwb-bench-disks-'));
const ms = (t0: number) => performance.now() - t0;

function image(name: string, mib: number): string {
  const p = join(dir, name);
  const fd = openSync(p, 'w');
  const chunk = randomBytes(1 << 20);
  for (let i = 0; i < mib; i++) { chunk.writeUInt32LE(i, 0); writeSync(fd, chunk); }
  closeSync(fd);
  return p;
}

try {
  const base = image('base.img', MIB);
  // backing check
  const raw = new RawFileDisk(base, true);
  let t0 = performance.now();
  const N = 20;
  for (let i = 0; i < N; i++) backingIdOf(raw.descriptor);
  console.log(`backing check (size, mtime, sampled SHA-256) of a ${MIB} MiB image: ${(ms(t0) / N).toFixed(2)} ms`);
  raw.close();

  // hole punching: 64 ranges of 64 KiB
  for (const batched of [true, false]) {
    const p = image(`punch-${batched}.img`, 16);
    const d = new RawFileDisk(p, false);
    t0 = performance.now();
    for (let i = 0; i < 64; i++) {
      d.discard(i * (256 << 10), 64 << 10);
      if (!batched) d.flush();
    }
    d.flush();
    console.log(`punch 64 ranges ${batched ? 'in one batch' : 'one process per range'}: ${ms(t0).toFixed(1)} ms`);
    d.close();
  }

  // copy-on-write against raw, 64 KiB requests over 64 MiB
  const span = Math.min(64, MIB) << 20;
  const buf = randomBytes(64 << 10);
  const rawCopy = image('raw.img', Math.min(64, MIB));
  for (const kind of ['raw', 'cow'] as const) {
    const d = kind === 'raw' ? new RawFileDisk(rawCopy, false) : CowFileDisk.open(join(dir, 'bench.cow'), base);
    t0 = performance.now();
    for (let o = 0; o < span; o += buf.length) d.write(o, buf);
    d.flush();
    const w = ms(t0);
    t0 = performance.now();
    for (let o = 0; o < span; o += buf.length) d.read(o, buf);
    const r = ms(t0);
    console.log(`${kind}: write ${(span / (1 << 20) / (w / 1000)).toFixed(0)} MiB/s (with fsync), read ${(span / (1 << 20) / (r / 1000)).toFixed(0)} MiB/s, 64 KiB requests`);
    if (kind === 'cow') (d as CowFileDisk).close(); else (d as RawFileDisk).close();
  }

  // merge
  t0 = performance.now();
  mergeCow(join(dir, 'bench.cow'), join(dir, 'merged.img'));
  const m = ms(t0);
  console.log(`merge of a ${MIB} MiB image (${Math.min(64, MIB)} MiB changed): ${m.toFixed(0)} ms, ${(MIB / (m / 1000)).toFixed(0)} MiB/s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
