// Media change under the teaching kernel, through two doors of one kwb (`--drive empty`,
// `--console-socket`, `--gdb`): `kwb ctl SOCKET config vda=FILE` puts a disk into the empty
// slot, the kernel's driver prints the new capacity (it follows the configuration-change
// interrupt) and its `disk` program reads the disk; `remove` is refused while the guest has used
// the disk and done with `force`; then the same through gdb-multiarch's `monitor`. Oracles: the
// kernel's own lines and the data disk's known sector 0 text; the image file is never changed.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GdbMi } from '../support/gdb-mi';
import { buildGuestKernel, type GuestBuild } from '../guest/support/build';
import { dataDiskBytes, DISK_BYTES, SECTOR0_TEXT } from '../guest/support/data-disk';
import { bundleKwb, kwb, KwbProcess } from './support/kwb-console';

const SECTORS = DISK_BYTES / 512;
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('cli: media change on a --drive empty slot (teaching kernel; kwb ctl and gdb\'s monitor)', function () {
  this.timeout(300_000);
  let build: GuestBuild;
  let dir: string;
  let sock: string;
  let data: string;
  let m: KwbProcess;
  let gdbAddr: string;
  const ctl = (...words: string[]) => kwb(['ctl', sock, ...words]);
  /** Types a shell command and waits for `re` in what follows, then for the next prompt. */
  async function shell(command: string, re: RegExp): Promise<RegExpExecArray> {
    const from = m.out.length;
    m.type(`${command}\n`);
    const hit = await m.waitFor(re, from);
    await m.waitFor(/\n\$ $/, from);
    return hit;
  }

  before(async () => {
    build = buildGuestKernel();
    bundleKwb();
    dir = mkdtempSync(join(tmpdir(), 'kwb-media-'));
    sock = join(dir, 'console.sock');
    data = join(dir, 'data.img');
    writeFileSync(data, dataDiskBytes());
    m = new KwbProcess(['--kernel', build.kernel, '--drive', 'empty', '--console-socket', sock, '--checkpoint-dir', join(dir, 'cps'), '--gdb', 'tcp:127.0.0.1:0']);
    gdbAddr = (await m.waitForErr(/gdb stub listening on tcp:([\d.]+:\d+)/))[1];
    await m.waitFor(/\n\$ $/);
  });
  after(() => {
    m?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the empty slot is a disk of 0 sectors at boot; the disk program gets an I/O error', async () => {
    assert.match(m.out, /virtio-blk: slot 0, 0 sectors\r\n/);
    await shell('disk read 0', /disk: I\/O error\r\n/);
  });

  it('kwb ctl: config puts the disk in, the guest sees it and reads it; remove is refused while used, forced then', async () => {
    const before = sha(data);
    let from = m.out.length;
    const c = await ctl('config', `vda=${data}`);
    assert.deepEqual([c.status, c.out, c.err], [0, `vda: ${data} put in (${SECTORS} sectors); the guest was told\n`, '']);
    await m.waitFor(new RegExp(`virtio-blk: vda capacity ${SECTORS} sectors\\r\\n`), from);

    await shell('disk read 0', new RegExp(`disk: sector 0 says "${SECTOR0_TEXT}"\\r\\n`));
    const busy = await ctl('remove', 'vda');
    assert.equal(busy.status, 1);
    assert.equal(busy.err, `remove: vda is in use: the guest has read or written ${data} since it was put in (it may have it mounted or cached); stop using it in the guest, or \`remove vda force\`\n`);
    await shell('disk read 0', /disk: sector 0 says "KWB DATA DISK/); // still there

    from = m.out.length;
    const forced = await ctl('remove', 'vda', 'force');
    assert.deepEqual([forced.status, forced.out], [0, `vda: ${data} taken out (forced while in use); the guest was told\n`]);
    await m.waitFor(/virtio-blk: vda capacity 0 sectors \(no disk\)\r\n/, from);
    await shell('disk read 0', /disk: I\/O error\r\n/);
    assert.equal(sha(data), before, 'the image is never written (in-memory overlay)');
  });

  it('kwb ctl: a disk the guest has not used comes out without force; bad input is named', async () => {
    assert.equal((await ctl('config', `vda=${data}`)).status, 0);
    const again = await ctl('config', `vda=${data}`);
    assert.deepEqual([again.status, again.err], [1, `config: vda already holds ${data}: \`remove vda\` first\n`]);
    const out = await ctl('remove', 'vda');
    assert.deepEqual([out.status, out.out], [0, `vda: ${data} taken out; the guest was told\n`]);
    const missing = await ctl('config', `vda=${join(dir, 'nope.img')}`);
    assert.deepEqual([missing.status, missing.err], [1, `config: vda: drive '${join(dir, 'nope.img')}': no such file\n`]);
    const other = await ctl('config', `vdb=${data}`);
    assert.deepEqual([other.status, other.err], [1, 'config: vdb is not a slot declared empty at start (--drive empty); media change works on vda\n']);
    assert.deepEqual([(await ctl('remove', 'vda')).err, (await ctl('remove')).status], ['remove: vda is empty\n', 1]);
    assert.match((await ctl('save', 'x')).out, /^saved x/, 'an empty slot does not stop a checkpoint');
  });

  it('gdb-multiarch monitor: config, the guest reads the disk, remove refused then forced', async () => {
    const gdb = await GdbMi.start({ file: build.kernel, timeoutMs: 60_000 });
    try {
      await gdb.command('-gdb-set mi-async on');
      gdb.clearStops();
      await gdb.command(`-target-select remote ${gdbAddr}`);
      await gdb.waitForStop();
      const mon = (line: string) => gdb.console(`monitor ${line}`);
      let from = m.out.length;
      assert.equal(await mon(`config vda=${data}`), `vda: ${data} put in (${SECTORS} sectors); the guest was told\n`);
      assert.match(await mon('save y'), /^save: checkpoint '.*y\.kwbcp': cannot save: vda holds a disk put in while running \(config\); checkpoints cover the drives given at start: `remove vda` first/);
      assert.match(await mon('go'), /^guest running/);
      await m.waitFor(new RegExp(`virtio-blk: vda capacity ${SECTORS} sectors\\r\\n`), from);
      await shell('disk read 0', new RegExp(`disk: sector 0 says "${SECTOR0_TEXT}"\\r\\n`));
      assert.match(await mon('remove vda'), /^remove: vda is in use: /);
      from = m.out.length;
      assert.equal(await mon('remove vda force'), `vda: ${data} taken out (forced while in use); the guest was told\n`);
      await m.waitFor(/virtio-blk: vda capacity 0 sectors \(no disk\)\r\n/, from);
      assert.match(await mon('remove vda --force'), /^remove: vda is empty/);
      assert.match(await mon('remove'), /usage: remove DEV \[force\]/);
    } finally {
      await gdb.close();
    }
  });
});
