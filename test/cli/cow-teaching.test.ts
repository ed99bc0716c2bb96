// Copy-on-write files under the teaching kernel: its `disk` program writes sector 1 of the
// data disk; the write lives in the COW file of that session, is there again at the next
// start on the same COW file, is absent under another COW file over the same image, and a
// merge carries it into a new image. The data disk itself is never changed.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { buildGuestKernel } from '../guest/support/build';
import { dataDiskBytes, SECTOR0_TEXT, sectorText } from '../guest/support/data-disk';
import { CACHE_DIR, REPO_ROOT } from '../support/toolchain';

const KWB = join(CACHE_DIR, 'kwb-cow-teaching-under-test.js');
const WRITTEN = 'written by the disk program of the teaching kernel';
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** Boots the kernel with `drive`, types `command` at the first prompt, quits with Ctrl-A X after the next prompt. */
function shell(kernel: string, drive: string, command: string): Promise<{ status: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [KWB, 'run', '--kernel', kernel, '--drive', drive], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '', stage = 0;
    const killer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`kwb did not finish: ${out.slice(-2000)}\n${err}`)); }, 120_000);
    p.stdout.on('data', (d) => {
      out += d;
      const prompts = out.split('\n$ ').length - 1;
      if (stage === 0 && prompts >= 1) { stage = 1; p.stdin.write(`${command}\n`); }
      if (stage === 1 && prompts >= 2) { stage = 2; p.stdin.write('\x01x'); }
    });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (status) => { clearTimeout(killer); resolve({ status, out, err }); });
  });
}

describe('cli: copy-on-write files under the teaching kernel', function () {
  this.timeout(600_000);
  let dir: string;
  let kernel: string;
  before(() => {
    kernel = buildGuestKernel().kernel;
    buildSync({ entryPoints: [join(REPO_ROOT, 'cli', 'main.ts')], outfile: KWB, bundle: true, platform: 'node', format: 'cjs', logLevel: 'error' });
    dir = mkdtempSync(join(tmpdir(), 'kwb-cow-teaching-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the disk program\'s write per COW file, across starts, and merges it', async () => {
    const data = join(dir, 'data.img');
    writeFileSync(data, dataDiskBytes());
    const before = sha(data);
    const a = join(dir, 'a.cow'), b = join(dir, 'b.cow');

    const first = await shell(kernel, `${data},cow=${a}`, 'disk');
    assert.equal(first.status, 0, first.err);
    assert.ok(first.out.includes(`disk: sector 0 says "${SECTOR0_TEXT}"`), first.out.slice(-1500));
    assert.ok(first.out.includes(`disk: sector 1 says "${WRITTEN}"`), first.out.slice(-1500));

    const again = await shell(kernel, `${data},cow=${a}`, 'disk read 1');
    assert.equal(again.status, 0, again.err);
    assert.ok(again.out.includes(`disk: sector 1 says "${WRITTEN}"`), `the write is back at the next start:\n${again.out.slice(-1500)}`);

    const other = await shell(kernel, `${data},cow=${b}`, 'disk read 1');
    assert.equal(other.status, 0, other.err);
    assert.ok(other.out.includes('disk: sector 1 says ""'), `another COW file does not see it:\n${other.out.slice(-1500)}`);

    assert.equal(sha(data), before, 'the data disk is unchanged');
    assert.equal(sectorText(data, 1), '');
    const out = join(dir, 'merged.img');
    const m = spawn(process.execPath, [KWB, 'cow', 'merge', '--quiet', a, out]);
    assert.equal(await new Promise((r) => m.on('exit', r)), 0);
    assert.equal(sectorText(out, 1), WRITTEN);
    assert.equal(sectorText(out, 0), SECTOR0_TEXT);
  });
});
