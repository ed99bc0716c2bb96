// Waiting for a gdb stub's port: QEMU opens it a moment after it starts, and the adapter's attach
// (unlike gdb, whose `tcp auto-retry` is on by default) does not retry a refused connection.
import { strict as assert } from 'node:assert';
import { connect } from 'node:net';

export /** Waits until QEMU's gdb stub accepts connections (QEMU opens its port a moment after it starts); a bound only to catch a QEMU that never listens. */
async function listening(port: number, errors: () => string = () => '(no output kept)'): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => { s.destroy(); resolve(false); });
    });
    if (ok) return;
    if (Date.now() > until) assert.fail(`QEMU's gdb stub does not listen on port ${port}; QEMU said: ${errors()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
