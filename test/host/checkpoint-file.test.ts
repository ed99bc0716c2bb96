// Checkpoint files: saved and loaded through host/checkpoint-file.ts, missing or damaged files
// refused with the path in the message, and the atomic write: a process killed with SIGKILL
// in the middle of saving leaves the previous checkpoint intact (and its temporary file is
// cleaned up by the next save).
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIdentity } from '../../emulator/checkpoint/machine-checkpoint';
import { Machine } from '../../emulator/machine';
import { CheckpointFileError, loadMachine, saveMachine } from '../../host/checkpoint-file';
import { buildGuest } from '../support/toolchain';

const busy = () => buildGuest([join(__dirname, '..', 'emulator', 'checkpoint', 'guests', 'busy.S')], { name: 'ckpt-busy' });
const machine = (memoryBytes = 16 << 20) => new Machine({ kernel: new Uint8Array(readFileSync(busy())), kernelName: 'busy', memoryBytes });

describe('checkpoint files', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'kwb-ckfile-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('saves and loads a machine through a file, leaving no temporary behind', () => {
    const a = machine();
    a.runFor(50_000);
    const path = join(dir, 'one.kwb');
    const size = saveMachine(a, path);
    assert.equal(readFileSync(path).length, size);
    assert.deepEqual(readdirSync(dir), ['one.kwb']);
    const b = machine();
    loadMachine(b, path);
    assert.equal(b.retired(), a.retired());
    assert.equal(b.harts[0].pc, a.harts[0].pc);
    saveMachine(b, path); // over an existing file
    assert.deepEqual(readdirSync(dir), ['one.kwb']);
  });

  it('names the file and the problem when it cannot load or save', () => {
    const m = machine();
    const missing = join(dir, 'nope.kwb');
    assert.throws(() => loadMachine(m, missing), new RegExp(`checkpoint '${missing}': no such file`));
    assert.throws(() => loadMachine(m, dir), /not a regular file/);
    const path = join(dir, 'bad.kwb');
    saveMachine(m, path);
    const bytes = readFileSync(path);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(path, bytes);
    assert.throws(() => loadMachine(m, path), (e: unknown) => e instanceof CheckpointFileError
      && e.message === `checkpoint '${path}' refused: section 'ram' is corrupted (checksum mismatch)`);
    writeFileSync(path, 'hello');
    assert.throws(() => loadMachine(m, path), /refused: not a checkpoint/);
    mkdirSync(join(dir, 'sub'));
    assert.throws(() => saveMachine(m, join(dir, 'sub', 'missing-folder', 'x.kwb')), /checkpoint '.*x\.kwb': cannot write/);
  });

  it('kill -9 during a save leaves the previous checkpoint intact', async () => {
    const path = join(dir, 'loop.kwb');
    const saved: number[] = [];
    let writing = -1;
    await new Promise<void>((resolve, reject) => {
      const p = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'support', 'save-loop.ts'), busy(), path], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '', err = '', killed = false;
      p.stderr.on('data', (d) => { err += d; });
      p.stdout.on('data', (d) => {
        out += d;
        for (const m of out.matchAll(/saved (\d+)\n/g)) if (!saved.includes(Number(m[1]))) saved.push(Number(m[1]));
        // after two whole saves, kill it while the third writes its temporary file
        if (!killed && saved.length >= 2 && /saving \d+\n$/.test(out)) {
          killed = true;
          writing = Number(/saving (\d+)\n$/.exec(out)![1]);
          const poll = setInterval(() => {
            if (readdirSync(dir).some((f) => f.endsWith('.tmp'))) { clearInterval(poll); p.kill('SIGKILL'); }
          }, 1);
        }
      });
      p.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`exit ${code}: ${err}`))));
    });
    // the file is a whole checkpoint: one whose save completed (or, should the kill have come
    // only after the rename, the one being written: whole, too)
    const meta = readIdentity(new Uint8Array(readFileSync(path)));
    const held = meta.num('instructions');
    assert.ok(saved.includes(held) || held === writing, `file holds ${held}, saves completed: ${saved.join(', ')}`);
    const m = new Machine({ kernel: new Uint8Array(readFileSync(busy())), kernelName: 'busy', memoryBytes: 96 << 20 });
    loadMachine(m, path);
    assert.equal(m.retired(), meta.num('instructions'));
    if (held !== writing) assert.ok(readdirSync(dir).some((f) => f.endsWith('.tmp')), 'the killed save left its temporary file');
    // a save afterwards removes what the killed one left
    saveMachine(m, path);
    assert.deepEqual(readdirSync(dir), ['loop.kwb']);
  });
});
