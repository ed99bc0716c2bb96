// The same machine as QEMU: Linux probes virtio-mmio devices in device-tree order, so with two
// drives the same file must be /dev/vda on both machines. The drives have different sizes, and
// Linux's boot log names each disk with its capacity ("[vda] 2048 512-byte logical blocks").
// QEMU gets each drive on an explicit slot (bus=virtio-mmio-bus.N), as kwb's --drive N does.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from '../support/toolchain';
import { buildLinux, LINUX_BUILD_TIMEOUT_MS } from './support/linux-build';
import { bootLinuxKwb, bootLinuxQemu, bootToPrompt } from './support/qemu-linux';

/** "[vda] 2048 512-byte logical blocks" → { vda: 2048, vdb: ... } */
function disks(log: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of log.matchAll(/\[(vd[a-z])\] (\d+) 512-byte logical blocks/g)) out[m[1]] = Number(m[2]);
  return out;
}

describe('linux: two drives are named alike on QEMU and on our machine', function () {
  this.timeout(180_000);
  const dir = join(CACHE_DIR, 'linux-drives');
  const small = join(dir, 'small.img'), large = join(dir, 'large.img');
  const hashes = new Map<string, string>();

  before(function () {
    this.timeout(LINUX_BUILD_TIMEOUT_MS);
    buildLinux();
    mkdirSync(dir, { recursive: true });
    writeFileSync(small, Buffer.alloc(1 << 20, 0x11));
    writeFileSync(large, Buffer.alloc(3 << 20, 0x22));
    for (const f of [small, large]) hashes.set(f, createHash('sha256').update(readFileSync(f)).digest('hex'));
  });

  after(() => {
    // neither machine wrote the images (QEMU's drives are read-only, kwb's copy-on-write)
    for (const [f, h] of hashes) assert.equal(createHash('sha256').update(readFileSync(f)).digest('hex'), h, f);
  });

  it('gives /dev/vda and /dev/vdb the same files on both machines', async () => {
    const build = buildLinux();
    const qemuArgs = [small, large].flatMap((f, i) => ['-drive', `file=${f},if=none,format=raw,readonly=on,id=d${i}`, '-device', `virtio-blk-device,drive=d${i},bus=virtio-mmio-bus.${i}`]);
    const seen: Record<string, Record<string, number>> = {};
    for (const where of ['qemu', 'kwb'] as const) {
      const m = where === 'qemu'
        ? await bootLinuxQemu(build, { gdb: false, extraArgs: qemuArgs })
        : await bootLinuxKwb(build, { gdb: false, extraArgs: ['--drive', small, '--drive', large] });
      try {
        seen[where] = disks(await bootToPrompt(m, 120_000));
      } finally { await m.close(); }
    }
    assert.deepEqual(Object.keys(seen.qemu).sort(), ['vda', 'vdb'], JSON.stringify(seen));
    assert.deepEqual(seen.kwb, seen.qemu);
    // Linux probes the slots from the top (QEMU's node order), so the drive on slot 1 is vda
    assert.deepEqual(seen.qemu, { vda: 6144, vdb: 2048 });
  });
});
