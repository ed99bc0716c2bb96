// Board-level stops: the HTIF console writes bytes to the serial host, and a sifive_test
// reboot request stops the machine with reason `reboot` after resetting it (RAM reloaded,
// harts at the reset vector), so resuming boots the same program again.
import { strict as assert } from 'node:assert';
import { REG_PC } from '../../../emulator/target';
import { machineFor } from './support';

describe('emulator/machine: HTIF console and reboot', () => {
  it('prints through HTIF and reboots from a clean state', async () => {
    const out: number[] = [];
    const { m } = machineFor('htif-console.S', { serial: { output: (b) => out.push(b) } });
    const e1 = m.runUntilStop(100_000);
    assert.deepEqual(e1?.reason, { kind: 'reboot' });
    assert.equal(Buffer.from(out).toString(), 'hi');
    assert.equal(await m.readRegister(0, REG_PC), 0x1000n, 'back at the reset vector');
    assert.equal(m.state(), 'paused');
    const e2 = m.runUntilStop(100_000);
    assert.deepEqual(e2?.reason, { kind: 'reboot' });
    assert.equal(Buffer.from(out).toString(), 'hihi');
  });
});
