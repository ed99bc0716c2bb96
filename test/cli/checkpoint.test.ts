// kwb and checkpoints as a user meets them: --max-insns N --checkpoint-save FILE saves where
// the run stops, --checkpoint-load FILE goes on from there (typed input echoed), and a
// checkpoint of another kernel, a damaged one or a missing one ends kwb with one line and
// exit status 2.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { readIdentity } from '../../emulator/checkpoint/machine-checkpoint';
import { buildGuest, CACHE_DIR, REPO_ROOT } from '../support/toolchain';

const KWB = join(CACHE_DIR, 'kwb-checkpoint-under-test.js');
const busy = () => buildGuest([join(REPO_ROOT, 'test', 'emulator', 'checkpoint', 'guests', 'busy.S')], { name: 'ckpt-busy' });
const echo = () => buildGuest([join(__dirname, 'guests', 'echo.S')], { name: 'cli-echo' });

function kwb(args: string[], input = '') {
  const r = spawnSync('node', [KWB, ...args], { encoding: 'utf8', input, timeout: 60_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('kwb checkpoints', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kwb-cli-ckpt-'));
    buildSync({ entryPoints: [join(REPO_ROOT, 'cli', 'main.ts')], outfile: KWB, bundle: true, platform: 'node', format: 'cjs', logLevel: 'error' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('saves where --max-insns stops and goes on from there with --checkpoint-load', () => {
    const file = join(dir, 'busy.kwb');
    const first = kwb(['run', '--kernel', busy(), '--idle', 'skip', '--max-insns', '300000', '--checkpoint-save', file]);
    assert.equal(first.status, 124, first.err);
    assert.match(first.err, new RegExp(`checkpoint saved to ${file}`));
    const savedAt = readIdentity(new Uint8Array(readFileSync(file))).num('instructions');
    assert.ok(savedAt >= 300_000, `saved at ${savedAt}`);

    const second = kwb(['run', '--kernel', busy(), '--idle', 'skip', '--checkpoint-load', file, '--max-insns', String(savedAt + 2_000_000)], 'HAL');
    assert.equal(second.status, 124, second.err);
    assert.match(second.out.replace(/t/g, ''), /IBM/, 'typed input echoed by the loaded guest (each byte + 1; t is its timer)');
    const after = Number(/after (\d+) instructions/.exec(second.err)![1]);
    assert.ok(after >= savedAt + 2_000_000, `${after} instructions counted from power-on, through the checkpoint`);
  });

  it('refuses another kernel, a damaged file and a missing one with exit status 2', () => {
    const file = join(dir, 'refuse.kwb');
    assert.equal(kwb(['run', '--kernel', busy(), '--idle', 'skip', '--max-insns', '100000', '--checkpoint-save', file]).status, 124);
    const other = kwb(['run', '--kernel', echo(), '--checkpoint-load', file]);
    assert.equal(other.status, 2);
    assert.match(other.err, new RegExp(`^kwb: checkpoint '${file}' refused: it belongs to kernel '.*ckpt-busy.*\\.elf' \\([0-9a-f:]+\\), not to '.*cli-echo.*\\.elf'`));
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 1;
    const damaged = join(dir, 'damaged.kwb');
    writeFileSync(damaged, bytes);
    const d = kwb(['run', '--kernel', busy(), '--checkpoint-load', damaged]);
    assert.equal(d.status, 2);
    assert.equal(d.err, `kwb: checkpoint '${damaged}' refused: section 'ram' is corrupted (checksum mismatch)\n`);
    const m = kwb(['run', '--kernel', busy(), '--checkpoint-load', join(dir, 'none.kwb')]);
    assert.equal(m.status, 2);
    assert.match(m.err, /checkpoint '.*none\.kwb': no such file/);
    const u = kwb(['run', '--kernel', busy(), '--checkpoint-save', file]);
    assert.equal(u.status, 2);
    assert.match(u.err, /--checkpoint-save: needs --max-insns N/);
  });
});
