// `--console-socket`, `--checkpoint-dir` and `kwb ctl`'s own argument checks, in process.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, USAGE } from '../../cli/args';
import { runCtl } from '../../cli/ctl';

describe('cli: console socket flags and kwb ctl arguments', () => {
  it('parses --console-socket and --checkpoint-dir (default ./checkpoints)', () => {
    const a = parseArgs(['run', '--kernel', 'k', '--console-socket', '/tmp/m.sock', '--checkpoint-dir=cps']);
    assert.equal(a.run.consoleSocket, '/tmp/m.sock');
    assert.equal(a.run.checkpointDir, 'cps');
    const d = parseArgs(['--kernel', 'k']);
    assert.equal(d.run.consoleSocket, undefined);
    assert.equal(d.run.checkpointDir, 'checkpoints');
    assert.throws(() => parseArgs(['--kernel', 'k', '--console-socket=']), /--console-socket=: empty socket path/);
    assert.throws(() => parseArgs(['--kernel', 'k', '--console-socket']), /--console-socket: missing value/);
    assert.throws(() => parseArgs(['--kernel', 'k', '--checkpoint-dir', '']), /--checkpoint-dir: empty folder name/);
    assert.match(USAGE, /--console-socket PATH/);
    assert.match(USAGE, /kwb ctl SOCKET COMMAND/);
    assert.throws(() => parseArgs(['fly']), /commands: run, cow, ctl, help, version/);
  });

  it('kwb ctl: usage errors are status 2; a path that is not a socket or does not exist is 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kwb-ctl-args-'));
    try {
      for (const argv of [[], ['/tmp/x.sock'], ['--help', 'info'], ['', 'info']]) {
        const r = await runCtl(argv);
        assert.equal(r.status, 2, JSON.stringify(argv));
        assert.match(r.stderr, /^kwb ctl: usage: kwb ctl SOCKET COMMAND/);
      }
      assert.equal((await runCtl([join(dir, 's'), 'log', 'a\nb'])).status, 2);
      const long = await runCtl([join(dir, 's'), 'log', 'x'.repeat(5000)]);
      assert.deepEqual([long.status, long.stderr], [2, 'kwb ctl: the command is longer than 4095 bytes\n']);
      const missing = await runCtl([join(dir, 's'), 'info']);
      assert.deepEqual(missing, { status: 1, stdout: '', stderr: `kwb ctl: ${join(dir, 's')}: no such file (is the machine running with --console-socket ${join(dir, 's')}?)\n` });
      writeFileSync(join(dir, 'f'), '');
      assert.deepEqual(await runCtl([join(dir, 'f'), 'info']), { status: 1, stdout: '', stderr: `kwb ctl: ${join(dir, 'f')}: not a socket\n` });
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
