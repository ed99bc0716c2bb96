// Media change through the debug adapter's door (`kwb/monitor`): the teaching kernel launched in
// the adapter with drives ["empty"]; `config vda=FILE` puts a disk in, the kernel prints its new
// capacity and its `disk` program reads it; `remove vda` is refused once the guest used it and
// done with `force`, and the kernel sees the disk go.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGuestKernel } from '../guest/support/build';
import { dataDiskBytes, DISK_BYTES, SECTOR0_TEXT } from '../guest/support/data-disk';
import { Dap } from './support/dap';

const SECTORS = DISK_BYTES / 512;

describe('debug adapter: media change through kwb/monitor (drives: ["empty"])', function () {
  this.timeout(180_000);
  let dir: string;
  let data: string;
  let dap: Dap;
  /** The command's reply; a refused command's text too (the request then fails with it). */
  const monitor = async (command: string): Promise<string> => {
    try { return (await dap.request<{ text: string }>('kwb/monitor', { command })).text; } catch (e) { return `ERROR ${(e as Error).message}`; }
  };

  before(async () => {
    const kernel = buildGuestKernel().kernel;
    dir = mkdtempSync(join(tmpdir(), 'kwb-dap-media-'));
    data = join(dir, 'data.img');
    writeFileSync(data, dataDiskBytes());
    dap = new Dap();
    await dap.start();
    await dap.launchToShell({ kernel, drives: ['empty'] });
  });
  after(async () => {
    await dap?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('config, the guest reads the disk, remove refused while used, then forced', async () => {
    let mark = dap.console.length;
    assert.equal(await monitor(`config vda=${data}`), `vda: ${data} put in (${SECTORS} sectors); the guest was told\n`);
    await dap.waitConsole(`virtio-blk: vda capacity ${SECTORS} sectors`, mark);
    mark = dap.console.length;
    await dap.type('disk read 0\n');
    await dap.waitConsole(`disk: sector 0 says "${SECTOR0_TEXT}"`, mark);
    assert.match(await monitor('remove vda'), /vda is in use: the guest has read or written/);
    mark = dap.console.length;
    assert.equal(await monitor('remove vda force'), `vda: ${data} taken out (forced while in use); the guest was told\n`);
    await dap.waitConsole('virtio-blk: vda capacity 0 sectors (no disk)', mark);
    mark = dap.console.length;
    await dap.type('disk read 0\n');
    await dap.waitConsole('disk: I/O error', mark);
  });
});
