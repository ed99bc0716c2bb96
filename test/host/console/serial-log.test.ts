// `log TEXT` in the serial console's output: on a line of its own, marked, the guest's bytes
// passed through unchanged around it.
import { strict as assert } from 'node:assert';
import { SerialLog } from '../../../host/console/serial-log';

describe('host/console: log lines in the serial output', () => {
  it('starts a new line when the guest is mid-line, and passes guest bytes through', () => {
    const out: number[] = [];
    const s = new SerialLog({ output: (b) => out.push(b) });
    s.log('first');
    for (const c of Buffer.from('$ ls')) s.output(c);
    s.log('second é');
    for (const c of Buffer.from('\r\n')) s.output(c);
    s.log('third');
    assert.equal(Buffer.from(out).toString('utf8'), '[kwb log] first\r\n$ ls\r\n[kwb log] second é\r\n\r\n[kwb log] third\r\n');
  });
});
