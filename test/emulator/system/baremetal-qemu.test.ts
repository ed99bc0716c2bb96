// The bare-metal device program on qemu-system-riscv64 (the oracle), checked against the
// transcript derived from the program's logic and the disk image: this proves the program
// and its expectations right, so the same expectations can judge our machine.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baremetalElf, expectedSector1, expectedTranscript, INPUT, makeDiskImage, PROMPT, SECTOR } from './baremetal-program';
import { runOnQemu } from './qemu-console';

describe('system: bare-metal device program on QEMU (oracle)', function () {
  this.timeout(90_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'kwb-baremetal-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the expected transcript, writes sector 1 of the disk and powers off with 0', async () => {
    const image = makeDiskImage();
    const disk = join(dir, 'disk.img');
    writeFileSync(disk, image);
    const r = await runOnQemu({ elf: baremetalElf(), disk, input: INPUT, prompt: PROMPT });
    assert.equal(r.output, expectedTranscript(image), `stderr: ${r.stderr}`);
    assert.equal(r.exitCode, 0);
    const after = new Uint8Array(readFileSync(disk));
    assert.deepEqual(after.subarray(SECTOR, 2 * SECTOR), expectedSector1());
    assert.deepEqual(after.subarray(0, SECTOR), image.subarray(0, SECTOR), 'sector 0 unchanged');
    assert.deepEqual(after.subarray(2 * SECTOR), image.subarray(2 * SECTOR), 'sectors past 1 unchanged');
  });
});
