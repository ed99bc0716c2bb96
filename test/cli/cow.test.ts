// Copy-on-write files and discard through kwb as a user runs it: the disk-writer guest
// (guests/disk-writer.c) counts its runs in sector 0, writes a pattern on odd runs and
// discards on even ones; kwb keeps each COW file's changes, refuses a changed backing file
// or a damaged header, merges to the same bytes as a session written in place, gives space
// back on discard, and never changes the backing file.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { CowFileDisk } from '../../host/disks/cow-file';
import { buildGuest, CACHE_DIR, REPO_ROOT } from '../support/toolchain';

const KWB = join(CACHE_DIR, 'kwb-cow-under-test.js');
const guest = () => buildGuest([join(__dirname, 'guests', 'disk-writer.c')], {
  linkerScript: join(REPO_ROOT, 'test', 'baremetal', 'link.ld'), flags: ['-O2', '-ffreestanding', '-Wall', '-Werror'], name: 'cli-disk-writer',
});
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const allocated = (p: string) => statSync(p).blocks * 512;

function kwb(args: string[]) {
  const r = spawnSync('node', [KWB, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}
/** One session of the guest on `drive` (a --drive value), with extra flags. */
function session(drive: string, ...flags: string[]) {
  return kwb(['run', '--kernel', guest(), '--idle', 'skip', '--drive', drive, ...flags]);
}
function okSession(drive: string, run: number, ...flags: string[]): string {
  const r = session(drive, ...flags);
  assert.equal(r.status, 0, `status ${r.status}\n${r.out}\n${r.err}`);
  assert.match(r.out, new RegExp(`disk-writer: run ${run}\\n`));
  assert.match(r.out, /disk-writer: ok/);
  return /checksum (0x[0-9a-f]+)/.exec(r.out)![1];
}

describe('cli: copy-on-write files and discard', function () {
  this.timeout(300_000);
  let dir: string;
  let base: string;
  let baseHash: string;
  before(() => {
    buildSync({ entryPoints: [join(REPO_ROOT, 'cli', 'main.ts')], outfile: KWB, bundle: true, platform: 'node', format: 'cjs', logLevel: 'error' });
    guest();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kwb-cow-cli-'));
    base = join(dir, 'base.img');
    writeFileSync(base, randomBytes(4 << 20));
    baseHash = sha(base);
  });
  afterEach(() => {
    assert.equal(sha(base), baseHash, 'the backing file is never changed');
    rmSync(dir, { recursive: true, force: true });
  });

  it('two COW files on one backing image keep their own changes across runs', () => {
    const a = join(dir, 'a.cow'), b = join(dir, 'b.cow');
    okSession(`${base},cow=${a}`, 1);
    okSession(`${base},cow=${a}`, 2);
    okSession(`${base},cow=${b}`, 1);
    okSession(`cow=${a}`, 3); // the backing file from a's header
    okSession(`${base},cow=${b}`, 2);
    const info = kwb(['cow', 'info', a]);
    assert.equal(info.status, 0, info.err);
    assert.match(info.out, new RegExp(`backing file: +${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
    assert.match(info.out, /backing size: +4194304 bytes/);
    assert.match(info.out, /backing now: +unchanged/);
    assert.match(info.out, /backing sample: +sha256 [0-9a-f]{64}/);
  });

  const touches: [string, () => void, RegExp][] = [
    ['its mtime', () => utimesSync(base, new Date(), new Date(Date.now() + 5000)), /it was modified at/],
    ['its size', () => writeFileSync(base, Buffer.alloc(512, 1), { flag: 'a' }), /its size is 4194816 bytes, was 4194304/],
    ['its contents (old mtime put back)', () => {
      const st = statSync(base);
      const fd = openSync(base, 'r+');
      writeSync(fd, Buffer.from('tampered'), 0, 8, 2048);
      closeSync(fd);
      utimesSync(base, st.atime, st.mtime);
    }, /sampled contents differ/],
  ];
  for (const [what, touch, why] of touches) {
    it(`refuses to start when the backing file changed: ${what}`, () => {
      const a = join(dir, 'a.cow');
      okSession(`${base},cow=${a}`, 1);
      touch();
      const r = session(`${base},cow=${a}`);
      assert.equal(r.status, 2, r.out + r.err);
      assert.ok(r.err.includes(`'${base}'`) && r.err.includes(`'${a}'`), r.err);
      assert.match(r.err, why);
      assert.match(r.err, /Refusing to use it/);
      assert.equal(r.out, '', 'the guest never ran');
      baseHash = sha(base); // touched on purpose
    });
  }

  it('a merge equals the image the same session writes in place, and --in-place writes the backing file', () => {
    const inPlace = join(dir, 'in-place.img');
    copyFileSync(base, inPlace);
    const direct = [okSession(inPlace, 1, '--drive-write'), okSession(inPlace, 2, '--drive-write'), okSession(inPlace, 3, '--drive-write')];
    const cow = join(dir, 'c.cow');
    const viaCow = [okSession(`${base},cow=${cow}`, 1), okSession(`${base},cow=${cow}`, 2), okSession(`${base},cow=${cow}`, 3)];
    assert.deepEqual(viaCow, direct, 'the guest saw the same disk');
    const out = join(dir, 'out.img');
    const m = kwb(['cow', 'merge', cow, out]);
    assert.equal(m.status, 0, m.err);
    assert.ok(readFileSync(out).equals(readFileSync(inPlace)), 'merged image equals the in-place one byte for byte');
    assert.notEqual(sha(out), baseHash);
    // naming the backing file as the output needs --in-place
    const refused = kwb(['cow', 'merge', cow, base]);
    assert.equal(refused.status, 2);
    assert.match(refused.err, /is the backing file; say --in-place/);
    // --in-place on a copy of the backing file
    const base2 = join(dir, 'base2.img');
    copyFileSync(base, base2);
    const cow2 = join(dir, 'c2.cow');
    okSession(`${base2},cow=${cow2}`, 1);
    okSession(`${base2},cow=${cow2}`, 2);
    okSession(`${base2},cow=${cow2}`, 3);
    const mi = kwb(['cow', 'merge', '--in-place', cow2]);
    assert.equal(mi.status, 0, mi.err);
    assert.ok(readFileSync(base2).equals(readFileSync(inPlace)));
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('kwb-merge')), [], 'no temporary file left');
    // the COW file is stale now: its backing file changed
    const stale = session(`${base2},cow=${cow2}`);
    assert.equal(stale.status, 2);
    assert.match(stale.err, /has changed since/);
  });

  it('discard shrinks the COW file (and an image written in place)', () => {
    const a = join(dir, 'a.cow');
    okSession(`${base},cow=${a}`, 1);
    const written = allocated(a);
    assert.ok(written >= 1 << 20, `1 MiB written takes ${written} bytes`);
    okSession(`${base},cow=${a}`, 2); // discards 512 KiB, zeroes 128 KiB with unmap
    const discarded = allocated(a);
    assert.ok(discarded <= written - 600 * 1024, `allocated ${written} before the discards, ${discarded} after`);
    const raw = join(dir, 'raw.img');
    writeFileSync(raw, Buffer.alloc(4 << 20)); // allocated, all zeros
    okSession(raw, 1, '--drive-write');
    const rawWritten = allocated(raw);
    okSession(raw, 2, '--drive-write');
    assert.ok(allocated(raw) <= rawWritten - 600 * 1024, `raw image: ${rawWritten} before, ${allocated(raw)} after`);
  });

  const damage: [string, (b: Buffer) => void, RegExp][] = [
    ['a bad magic', (b) => b.write('NOTACOW!', 0), /not a kwb copy-on-write file \(bad magic/],
    ['a changed byte in the backing path', (b) => { b[108] ^= 0x20; }, /header checksum mismatch: the header is damaged/],
  ];
  for (const [what, hurt, why] of damage) {
    it(`refuses a COW file with ${what}, naming the file and the problem`, () => {
      const a = join(dir, 'a.cow');
      okSession(`${base},cow=${a}`, 1);
      const bytes = readFileSync(a);
      hurt(bytes);
      writeFileSync(a, bytes);
      const before = sha(a);
      for (const r of [session(`${base},cow=${a}`), kwb(['cow', 'info', a]), kwb(['cow', 'merge', a, join(dir, 'o.img')])]) {
        assert.equal(r.status, 2, r.out + r.err);
        assert.ok(r.err.includes(`copy-on-write file '${a}'`), r.err);
        assert.match(r.err, why);
        assert.doesNotMatch(r.err, /internal error|at \w+ \(/);
      }
      assert.equal(sha(a), before, 'a refused file is left as it is');
      assert.ok(!existsSync(join(dir, 'o.img')));
    });
  }

  it('bad drive options end with one clear line', () => {
    const r1 = session(`${base},cow=${join(dir, 'a.cow')}`, '--drive-write');
    assert.equal(r1.status, 2);
    assert.match(r1.err, /--drive-write: a drive with cow= is never written in place/);
    const r2 = session(`${base},cwo=x.cow`);
    assert.equal(r2.status, 2);
    assert.match(r2.err, /unknown key 'cwo'/);
    const r3 = session(`cow=${join(dir, 'missing.cow')}`);
    assert.equal(r3.status, 2);
    assert.match(r3.err, /missing.cow': no such file, and no backing file given/);
    const r4 = kwb(['cow', 'merge', join(dir, 'missing.cow'), join(dir, 'o.img')]);
    assert.equal(r4.status, 2);
    assert.match(r4.err, /missing.cow/);
    // a COW file in use by another process (here: this one) is refused
    const a = join(dir, 'held.cow');
    const held = CowFileDisk.open(a, base);
    try {
      const r5 = session(`${base},cow=${a}`);
      assert.equal(r5.status, 2);
      assert.match(r5.err, new RegExp(`in use by process ${process.pid}`));
    } finally { held.close(); }
    const r6 = kwb(['cow', 'frobnicate']);
    assert.equal(r6.status, 2);
    assert.match(r6.err, /unknown subcommand 'frobnicate'/);
    const r7 = kwb(['cow', 'help']);
    assert.equal(r7.status, 0);
    assert.match(r7.out, /kwb cow merge --in-place COW/);
  });

  it('kill -9 during a merge leaves the old output intact', async () => {
    // A big image so the merge is still running when the first progress line arrives.
    const big = join(dir, 'big.img');
    const chunk = randomBytes(1 << 20);
    const fd = openSync(big, 'w');
    for (let i = 0; i < 320; i++) { chunk.writeUInt32LE(i, 0); writeSync(fd, chunk); }
    closeSync(fd);
    const bigHash = sha(big);
    const cow = join(dir, 'big.cow');
    const c = CowFileDisk.open(cow, big);
    c.write(12345 * 512, Buffer.alloc(8192, 0x5a));
    c.close();
    const out = join(dir, 'out.img');
    writeFileSync(out, 'the old image\n');
    const { signal } = await new Promise<{ signal: NodeJS.Signals | null }>((resolve, reject) => {
      const p = spawn('node', [KWB, 'cow', 'merge', cow, out], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d) => {
        err += d;
        if (/merged \d+ of 320 MiB/.test(err)) p.kill('SIGKILL');
      });
      p.on('exit', (code, sig) => (sig ? resolve({ signal: sig }) : reject(new Error(`merge ended (status ${code}) before it was killed: ${err}`))));
    });
    assert.equal(signal, 'SIGKILL');
    assert.equal(readFileSync(out, 'utf8'), 'the old image\n');
    const temps = readdirSync(dir).filter((f) => f.startsWith('.out.img.kwb-merge-'));
    assert.equal(temps.length, 1, 'the killed merge left its temporary file, not a half-written output');
    assert.equal(sha(big), bigHash);
    // the merge done again completes and replaces the old output
    const again = kwb(['cow', 'merge', '--quiet', cow, out]);
    assert.equal(again.status, 0, again.err);
    const merged = readFileSync(out);
    assert.equal(merged.length, 320 << 20);
    assert.ok(merged.subarray(12345 * 512, 12345 * 512 + 8192).every((v) => v === 0x5a));
  });
});
