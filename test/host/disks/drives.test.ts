// Drive specifications as kwb and the debug adapter take them, the adapter's launched
// machine over a copy-on-write file, and hole punching in batches.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLaunchConfig, ConfigError } from '../../../debug-adapter/launch-config';
import { launchMachine } from '../../../debug-adapter/runtime/launch-machine';
import { CowFileDisk } from '../../../host/disks/cow-file';
import { RawFileDisk } from '../../../host/disks/raw-file';
import { HolePuncher } from '../../../host/disks/hole-punch';
import { driveSpecOfEntry, parseDriveSpec } from '../../../host/disks/open-drive';
import { parseArgs } from '../../../cli/args';
import { buildGuest } from '../../support/toolchain';

describe('host/disks: drive specifications', () => {
  it('parses FILE, FILE,cow=COW, cow=COW and QEMU\'s file= form', () => {
    assert.deepEqual(parseDriveSpec('a.img'), { file: 'a.img' });
    assert.deepEqual(parseDriveSpec('a.img,cow=a.cow'), { file: 'a.img', cow: 'a.cow' });
    assert.deepEqual(parseDriveSpec('cow=a.cow'), { cow: 'a.cow' });
    assert.deepEqual(parseDriveSpec('file=a.img,format=raw,if=virtio,cow=c'), { file: 'a.img', cow: 'c' });
    assert.throws(() => parseDriveSpec('a.img,cow='), /empty cow=/);
    assert.throws(() => parseDriveSpec('a.img,cow=x,cow=y'), /cow= given twice/);
    assert.throws(() => parseDriveSpec('file=a.img,format=qcow2'), /format=qcow2 is not supported/);
    assert.throws(() => parseDriveSpec('a.img,b.img'), /'b.img' is not KEY=VALUE/);
    assert.throws(() => parseDriveSpec('format=raw'), /no file/);
    // the adapter's entries: a plain path keeps its commas
    assert.deepEqual(driveSpecOfEntry('/x/a,b.img'), { file: '/x/a,b.img' });
    assert.deepEqual(driveSpecOfEntry('/x/a.img,cow=/x/a.cow'), { file: '/x/a.img', cow: '/x/a.cow' });
  });

  it('kwb --drive keeps the file list and the specifications', () => {
    const a = parseArgs(['run', '--kernel', 'k', '--drive', 'd.img,cow=d.cow', '--drive', 'cow=e.cow', '--drive', 'f.img']);
    assert.deepEqual(a.run.drives, ['d.img', 'e.cow', 'f.img']);
    assert.deepEqual(a.run.driveSpecs, [{ file: 'd.img', cow: 'd.cow' }, { cow: 'e.cow' }, { file: 'f.img' }]);
    assert.throws(() => parseArgs(['run', '--kernel', 'k', '--drive', 'd.img,cow=d.cow', '--drive-write']), /--drive-write: a drive with cow= is never written in place/);
  });

  describe('the debug adapter', () => {
    let dir: string;
    beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'kwb-drives-')); });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('accepts "FILE,cow=COW" in drives, resolved against cwd, and launches over the COW file', () => {
      const kernel = buildGuest([join(__dirname, '..', '..', 'cli', 'guests', 'exit-code.S')], { name: 'cli-exit-code' });
      writeFileSync(join(dir, 'disk.img'), randomBytes(64 << 10));
      const before = readFileSync(join(dir, 'disk.img'));
      const cfg = parseLaunchConfig({ cwd: dir, kernel, drives: ['disk.img,cow=disk.cow', 'disk.img'] });
      assert.deepEqual(cfg.drives, [`${join(dir, 'disk.img')},cow=${join(dir, 'disk.cow')}`, join(dir, 'disk.img')]);
      assert.throws(() => parseLaunchConfig({ cwd: dir, kernel, drives: ['missing.img,cow=x.cow'] }),
        (e: ConfigError) => e.field === 'drives[0]' && /missing\.img' does not exist/.test(e.message));
      assert.throws(() => parseLaunchConfig({ cwd: dir, kernel, drives: ['disk.img,cow=x.cow,cwo=y'] }), /drives\[0\]: .*unknown key 'cwo'/);
      // without cow= an entry is one path, commas and all
      assert.throws(() => parseLaunchConfig({ cwd: dir, kernel, drives: ['disk.img,cwo=x.cow'] }), /the disk image '.*disk\.img,cwo=x\.cow' does not exist/);
      const launched = launchMachine(cfg, () => {});
      try {
        assert.ok(launched.disks[0].backend instanceof CowFileDisk);
        assert.ok(existsSync(join(dir, 'disk.cow')));
        const cow = launched.disks[0].backend as CowFileDisk;
        cow.write(0, new Uint8Array(512).fill(9));
      } finally {
        for (const d of launched.disks) { d.flush(); d.close(); }
      }
      assert.ok(readFileSync(join(dir, 'disk.img')).equals(before), 'backing file unchanged');
      const again = CowFileDisk.open(join(dir, 'disk.cow'));
      const got = new Uint8Array(512);
      again.read(0, got);
      again.close();
      assert.ok(got.every((v) => v === 9), 'the change is in the COW file');
      // drivesWritable with a COW file is refused, naming the field
      assert.throws(() => launchMachine({ ...cfg, drivesWritable: true }, () => {}), (e: ConfigError) => e.field === 'drives[0]' && /exclude each other/.test(e.message));
    });

    it('without fallocate the ranges are written with zeros: same contents, no space back', () => {
      const path = join(dir, 'raw.img');
      const bytes = randomBytes(1 << 20);
      writeFileSync(path, bytes);
      const fd = openSync(path, 'r+');
      const holes = new HolePuncher(path, fd, join(dir, 'no-such-fallocate'));
      holes.add(4096, 8192);
      holes.add(65536, 100);
      assert.ok(holes.overlaps(8000, 10) && !holes.overlaps(0, 4096));
      holes.run();
      closeSync(fd);
      assert.equal(holes.punchWorks, false);
      const after = readFileSync(path);
      bytes.fill(0, 4096, 4096 + 8192);
      bytes.fill(0, 65536, 65536 + 100);
      assert.ok(after.equals(bytes));
    });

    it('punches many separate ranges in one batch and the space comes back', () => {
      const path = join(dir, 'raw.img');
      writeFileSync(path, randomBytes(8 << 20));
      const full = statSync(path).blocks * 512;
      const raw = new RawFileDisk(path, false);
      for (let i = 0; i < 24; i++) raw.discard(i * (256 << 10), 128 << 10); // 24 ranges with gaps: more than 9 shell arguments
      raw.writeZeroes(7 << 20, 64 << 10, false); // zeroed, not unmapped
      raw.flush();
      const holes = (raw as unknown as { holes: { batches: number; punched: number } }).holes;
      assert.deepEqual([holes.batches, holes.punched], [1, 24]);
      assert.ok(raw.punchWorks);
      raw.close();
      const after = statSync(path).blocks * 512;
      assert.ok(after <= full - 24 * (128 << 10) + 64 * 1024, `${full} allocated before, ${after} after`);
      const bytes = readFileSync(path);
      for (let i = 0; i < 24; i++) {
        assert.ok(bytes.subarray(i * (256 << 10), i * (256 << 10) + (128 << 10)).every((v) => v === 0), `range ${i} reads as zeros`);
        assert.ok(bytes.subarray(i * (256 << 10) + (128 << 10), i * (256 << 10) + (128 << 10) + 16).some((v) => v !== 0), `the gap after range ${i} is intact`);
      }
    });
  });
});
