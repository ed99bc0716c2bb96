// Media change under Linux on our machine: kwb `--drive empty --console-socket`; `config vda=FILE`
// through the control socket makes Linux's virtio-blk driver follow the configuration-change
// interrupt (virtblk_config_changed -> virtblk_update_capacity: "[vda] new size: N 512-byte
// logical blocks" and the block layer's "detected capacity change"), and `remove` takes the size
// back to 0 the same way. Our init does not read disks, so "in use" is only what Linux itself did:
// nothing.
import { strict as assert } from 'node:assert';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { consoleRequest } from '../../host/console/client';
import { CACHE_DIR } from '../support/toolchain';
import { buildLinux, LINUX_BUILD_TIMEOUT_MS } from './support/linux-build';
import { bootLinuxKwb, bootToPrompt } from './support/qemu-linux';

describe('linux: a disk put into a --drive empty slot and taken out while Linux runs', function () {
  this.timeout(180_000);
  const dir = join(CACHE_DIR, 'linux-media');
  const img = join(dir, 'media.img');
  const sock = join(dir, 'console.sock');

  before(function () {
    this.timeout(LINUX_BUILD_TIMEOUT_MS);
    buildLinux();
    mkdirSync(dir, { recursive: true });
    rmSync(sock, { force: true });
    writeFileSync(img, Buffer.alloc(2 << 20, 0x5a));
  });

  it('Linux sees the new capacity, then 0 again', async () => {
    const m = await bootLinuxKwb(buildLinux(), { gdb: false, extraArgs: ['--drive', 'empty', '--console-socket', sock, '--checkpoint-dir', dir] });
    try {
      const boot = await bootToPrompt(m, 120_000);
      assert.match(boot, /\[vda\] 0 512-byte logical blocks/, 'the empty slot is a disk of 0 blocks at boot');
      const put = await consoleRequest(sock, `config vda=${img}`);
      assert.deepEqual(put, { ok: true, text: `vda: ${img} put in (4096 sectors); the guest was told\n` });
      await m.session.waitFor('[vda] new size: 4096 512-byte logical blocks', 60_000);
      await m.session.waitFor('vda: detected capacity change from 0 to 4096', 60_000);
      // Linux only notes the size: a change from 0 sends no uevent and scans no partitions
      // (set_capacity_and_notify), so nothing read the disk and it comes out without force
      const out = await consoleRequest(sock, 'remove vda');
      assert.deepEqual(out, { ok: true, text: `vda: ${img} taken out; the guest was told\n` });
      await m.session.waitFor('vda: detected capacity change from 4096 to 0', 60_000);
    } finally { await m.close(); }
  });
});
