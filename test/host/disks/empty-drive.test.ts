// `empty` as a drive (kwb --drive empty, the adapter's drives entry "empty") and openMedium, the
// opener media change uses for `config DEV=SPEC`: what they accept, what they refuse (naming it).
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmptyDrive } from '../../../emulator/devices/empty-drive';
import { parseArgs } from '../../../cli/args';
import { driveSpecOfEntry, openDrive, openMedium, parseDriveSpec } from '../../../host/disks';

describe('host/disks: empty drives and the media opener', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'kwb-empty-drive-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('"empty" is an empty slot in both spellings; a file named empty is ./empty', () => {
    assert.deepEqual(parseDriveSpec('empty'), { empty: true });
    assert.deepEqual(driveSpecOfEntry('empty'), { empty: true });
    assert.deepEqual(parseDriveSpec('./empty'), { file: './empty' });
  });

  it('opens as an EmptyDrive of 0 bytes that carries the media opener', () => {
    const d = openDrive({ empty: true }, false);
    assert.ok(d.backend instanceof EmptyDrive);
    assert.equal(d.backend.byteLength, 0);
    assert.equal((d.backend as EmptyDrive).opener, openMedium);
    assert.throws(() => d.backend.read(0, new Uint8Array(512)), /no disk in this slot/);
  });

  it('openMedium opens FILE through the in-memory overlay (never written) and refuses bad specs', () => {
    const img = join(dir, 'a.img');
    writeFileSync(img, Buffer.alloc(4096, 7));
    const m = openMedium(img);
    assert.equal(m.backend.byteLength, 4096);
    m.backend.write(0, new Uint8Array(512));
    const back = new Uint8Array(1);
    m.backend.read(0, back);
    assert.equal(back[0], 0);
    m.close();
    assert.throws(() => openMedium('empty'), /give a disk file, not empty/);
    assert.throws(() => openMedium(join(dir, 'none.img')), /drive '.*none\.img': no such file/);
    writeFileSync(join(dir, 'odd.img'), Buffer.alloc(100));
    assert.throws(() => openMedium(join(dir, 'odd.img')), /size 100 is not a multiple of 512 bytes/);
    assert.throws(() => openMedium(`${img},bogus=1`), /unknown key 'bogus'/);
  });

  it('kwb run --drive empty', () => {
    const o = parseArgs(['run', '--kernel', 'k.elf', '--drive', 'empty', '--drive', 'x.img']);
    assert.equal(o.command, 'run');
    assert.deepEqual(o.run.driveSpecs, [{ empty: true }, { file: 'x.img' }]);
    assert.deepEqual(o.run.drives, ['empty', 'x.img']);
  });
});
