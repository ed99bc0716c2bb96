// A `cow=` drive under Linux (issue 16's acceptance, the COW part on Linux): two runs of Linux 6.1
// on our machine over `--drive base.img,cow=changes.cow`. In the first, our init writes a line
// at the start of /dev/vda (`disk write`, synced through Linux's block layer and virtio-blk) and
// the machine is powered off; in the second, Linux reads the line back from the same COW file.
// The base image is never written; a third run over the base image alone sees the old bytes.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLinux, LINUX_BUILD_TIMEOUT_MS } from './support/linux-build';
import { bootLinuxKwb, bootToPrompt, runInit } from './support/qemu-linux';

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('linux: a cow= drive keeps what Linux wrote across two runs', function () {
  this.timeout(240_000);
  let dir: string;
  let base: string;
  let cow: string;

  before(function () {
    this.timeout(LINUX_BUILD_TIMEOUT_MS);
    buildLinux();
    dir = mkdtempSync(join(tmpdir(), 'kwb-linux-cow-'));
    base = join(dir, 'base.img');
    cow = join(dir, 'changes.cow');
    const img = Buffer.alloc(1 << 20, 0);
    img.write('base image line\n', 0);
    writeFileSync(base, img);
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  /** One boot over `drive`; runs the init's commands in turn, then powers off; their outputs. */
  async function run(drive: string, lines: string[]): Promise<string[]> {
    const m = await bootLinuxKwb(buildLinux(), { gdb: false, extraArgs: ['--drive', drive] });
    try {
      await bootToPrompt(m, 180_000);
      const out: string[] = [];
      for (const l of lines) out.push((await runInit(m, l)).replace(/\n$/, ''));
      await m.session.run('poweroff', 'poweroff\n', 'kwb-init: poweroff', 60_000);
      const ended = await m.exited;
      assert.equal(ended.signal, null, `kwb ended by a signal; stderr: ${m.stderr()}`);
      return out;
    } finally { await m.close(); }
  }

  it('the first run writes through the COW file; the second reads it back; the base image is unchanged', async () => {
    const before = sha(base);
    const first = await run(`${base},cow=${cow}`, ['disk read', 'disk write written by run 1', 'disk read']);
    assert.deepEqual(first, ['disk: base image line', 'disk write: ok', 'disk: written by run 1']);
    assert.ok(existsSync(cow), 'the COW file was made');
    assert.equal(sha(base), before, 'the base image was not written');
    // the second run names only the COW file: its header knows the backing file
    const second = await run(`cow=${cow}`, ['disk read']);
    assert.deepEqual(second, ['disk: written by run 1']);
    // without the COW file Linux sees the base image's bytes
    const plain = await run(base, ['disk read']);
    assert.deepEqual(plain, ['disk: base image line']);
    assert.equal(sha(base), before);
  });
});
