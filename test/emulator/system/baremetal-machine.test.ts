// The bare-metal device program on our Machine: its console transcript must be identical to
// qemu-system-riscv64's for the same program, disk image and input; the disk image file must
// be byte-identical after the run that writes (the CLI's default copy-on-write overlay over
// the file backend); and two runs must retire the same number of instructions and print the
// same bytes (virtual time).
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RawFileDisk } from '../../../host/disks/raw-file';
import { CowBlockBackend, MemoryBlockBackend } from '../../../emulator/devices/block-backend';
import { baremetalElf, expectedSector1, expectedTranscript, INPUT, makeDiskImage, PROMPT, SECTOR } from './baremetal-program';
import { runOnMachine } from './machine-console';
import { runOnQemu } from './qemu-console';

describe('system: bare-metal device program on our machine', function () {
  this.timeout(110_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'kwb-baremetal-m-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints exactly what QEMU prints for the same program, disk and input, and powers off with 0', async () => {
    const image = makeDiskImage();
    const qemuDisk = join(dir, 'qemu.img');
    writeFileSync(qemuDisk, image);
    const qemu = await runOnQemu({ elf: baremetalElf(), disk: qemuDisk, input: INPUT, prompt: PROMPT });
    const ours = runOnMachine({ elf: baremetalElf(), drives: [new MemoryBlockBackend(image.slice())], input: INPUT, prompt: PROMPT });
    assert.equal(ours.output, qemu.output);
    assert.equal(ours.output, expectedTranscript(image));
    assert.deepEqual(ours.stop?.reason, { kind: 'poweroff', code: 0 });
    assert.equal(qemu.exitCode, 0);
  });

  it('prints the same with two harts (hart 1 parked in WFI) as QEMU -smp 2', async () => {
    const image = makeDiskImage();
    const qemuDisk = join(dir, 'qemu2.img');
    writeFileSync(qemuDisk, image);
    const qemu = await runOnQemu({ elf: baremetalElf(), disk: qemuDisk, input: INPUT, prompt: PROMPT, smp: 2 });
    const ours = runOnMachine({ elf: baremetalElf(), smp: 2, drives: [new MemoryBlockBackend(image.slice())], input: INPUT, prompt: PROMPT });
    assert.equal(ours.output, qemu.output);
    assert.equal(ours.output, expectedTranscript(image));
    assert.deepEqual(ours.stop?.reason, { kind: 'poweroff', code: 0 });
  });

  it('leaves the image file byte-identical under the copy-on-write overlay, while the guest reads back its writes', () => {
    const image = makeDiskImage();
    const file = join(dir, 'cow.img');
    writeFileSync(file, image);
    const fileBackend = new RawFileDisk(file, true);
    const cow = new CowBlockBackend(fileBackend);
    try {
      const r = runOnMachine({ elf: baremetalElf(), drives: [cow], input: INPUT, prompt: PROMPT });
      assert.equal(r.output, expectedTranscript(image), 'the guest saw its own write (it checks the read-back)');
      assert.deepEqual(r.stop?.reason, { kind: 'poweroff', code: 0 });
    } finally {
      fileBackend.close();
    }
    assert.deepEqual(new Uint8Array(readFileSync(file)), image, 'image file unchanged');
    assert.equal(cow.changedSectors, 1);
    const s1 = new Uint8Array(SECTOR);
    cow.read(SECTOR, s1);
    assert.deepEqual(s1, expectedSector1());
  });

  it('is deterministic: two runs retire the same instructions and print the same bytes', () => {
    const runs = [0, 1].map(() => runOnMachine({ elf: baremetalElf(), drives: [new MemoryBlockBackend(makeDiskImage())], input: INPUT, prompt: PROMPT }));
    assert.ok(runs[0].retired > 1000);
    assert.equal(runs[1].retired, runs[0].retired);
    assert.equal(runs[1].output, runs[0].output);
    assert.equal(runs[1].stop?.instret, runs[0].stop?.instret);
  });
});
