// The serial console's bytes become output-event text in batches: a UTF-8 character whose
// bytes arrive in two batches must come out whole; invalid bytes still come out (as U+FFFD).
import { strict as assert } from 'node:assert';
import { SerialBatcher } from '../../debug-adapter/runtime/launch-machine';

describe('debug-adapter: serial output batches', () => {
  it('a multi-byte character split across two batches is decoded whole', () => {
    const out: string[] = [];
    const b = new SerialBatcher((t) => out.push(t));
    const bytes = Buffer.from('héllo → ok', 'utf8');
    const cut = bytes.indexOf(0xe2) + 1; // inside the arrow's three bytes
    for (const x of bytes.subarray(0, cut)) b.output(x);
    b.flush();
    for (const x of bytes.subarray(cut)) b.output(x);
    b.flush();
    assert.equal(out.join(''), 'héllo → ok');
    assert.ok(!out.join('').includes('\ufffd'));
  });

  it('garbage bytes still come out, as replacement characters, and text after them is intact', () => {
    const out: string[] = [];
    const b = new SerialBatcher((t) => out.push(t));
    for (const x of [0xff, 0xfe, 0x41, 0xc3, 0x28, 0x42]) b.output(x);
    b.flush();
    const text = out.join('');
    assert.match(text, /A/);
    assert.match(text, /B$/);
    assert.ok(text.includes('\ufffd'));
  });
});
