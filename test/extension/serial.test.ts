// The serial terminal's byte handling (extension/src/serial.ts): what the guest prints made safe
// for a terminal, kept while no terminal is open, and the Ctrl-A keys.
import { strict as assert } from 'node:assert';
import { CTRL_A_HELP, KeyInterpreter, OutputBuffer, OutputSanitizer } from '../../extension/src/serial';

/** Control characters a terminal may get from us: CR, LF, TAB, BS, BEL, and ESC only inside kept sequences. */
function checkSafe(out: string): void {
  const withoutCsi = out.replace(/\x1b\[[0-9;?]{0,24}[ -/]{0,2}[@-~]/g, '');
  for (const ch of withoutCsi) {
    const c = ch.charCodeAt(0);
    const ok = c >= 0x20 ? !(c === 0x7f || (c >= 0x80 && c <= 0x9f)) : [0x0a, 0x0d, 0x09, 0x08, 0x07].includes(c);
    assert.ok(ok, `control character 0x${c.toString(16)} reached the terminal`);
  }
}

describe('extension: serial terminal bytes', () => {
  it('line ends become CR LF, once', () => {
    const s = new OutputSanitizer();
    assert.equal(s.push('a\nb\r\nc'), 'a\r\nb\r\nc');
    assert.equal(s.push('x\r'), 'x\r');
    assert.equal(s.push('\ny'), '\ny', 'a CR at the end of one batch and the LF starting the next make one line end');
  });

  it('colours, cursor moves and erase are kept, also when cut between two batches', () => {
    const s = new OutputSanitizer();
    assert.equal(s.push('\x1b[1;31mred\x1b[0m \x1b[2K\x1b[10D'), '\x1b[1;31mred\x1b[0m \x1b[2K\x1b[10D');
    assert.equal(s.push('ok \x1b['), 'ok ', 'the cut sequence waits');
    assert.equal(s.push('32mgreen'), '\x1b[32mgreen');
    assert.equal(s.push('\x1b'), '');
    assert.equal(s.push('[0m'), '\x1b[0m');
  });

  it('other escapes and control bytes are shown, not obeyed: no retitling, no mode switches, no NULs', () => {
    const s = new OutputSanitizer();
    assert.equal(s.push('\x1b]0;pwned\x07'), '^[]0;pwned\x07');
    assert.equal(s.push('\x1bc'), '^[c', 'a full reset is not passed on');
    assert.equal(s.push('a\x00b\x1ac\x7f'), 'a^@b^Zc^?');
    assert.equal(s.push('\u009b31m'), '<9b>31m', 'the C1 CSI is not one');
    assert.equal(s.push('\x1b[' + '1;'.repeat(40) + 'm'), '^[[' + '1;'.repeat(40) + 'm', 'an overlong sequence is garbage');
    assert.equal(s.push('tab\there\b\x07'), 'tab\there\b\x07');
    assert.equal(s.push('ünïcödé \ufffd'), 'ünïcödé \ufffd');
  });

  it('survives binary garbage: 256 KiB of random bytes in random batches, every byte accounted for', () => {
    let seed = 12345;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
    const s = new OutputSanitizer();
    let all = '';
    for (let n = 0; n < 256 * 1024;) {
      const len = 1 + (rnd() % 300);
      let chunk = '';
      for (let i = 0; i < len; i++) chunk += String.fromCharCode(rnd() % 256);
      n += len;
      const out = s.push(chunk);
      checkSafe(out);
      all += out;
    }
    all += s.push('\n');
    assert.ok(all.length > 256 * 1024, 'nothing was swallowed');
    assert.ok(all.endsWith('\r\n'));
  });

  it('keeps output while no terminal is open, up to its bound, oldest dropped first', () => {
    const b = new OutputBuffer(10);
    b.push('abc'); b.push('defg');
    assert.equal(b.take(), 'abcdefg');
    assert.equal(b.take(), '');
    b.push('0123456789'); b.push('ab');
    assert.equal(b.length, 2);
    assert.equal(b.take(), 'ab');
    b.push('x'.repeat(25));
    assert.equal(b.take(), 'x'.repeat(10));
  });

  it('typed keys go to the guest; Ctrl-A X ends, Ctrl-A H helps, Ctrl-A A sends Ctrl-A, Ctrl-A S shows statistics', () => {
    const k = new KeyInterpreter();
    assert.deepEqual(k.feed('ls\r'), [{ kind: 'send', text: 'ls\r' }]);
    assert.deepEqual(k.feed('ab\x01xcd'), [{ kind: 'send', text: 'ab' }, { kind: 'end' }, { kind: 'send', text: 'cd' }]);
    assert.deepEqual(k.feed('\x01'), [], 'Ctrl-A waits for its key');
    assert.deepEqual(k.feed('X'), [{ kind: 'end' }], 'across two inputs, either case');
    assert.deepEqual(k.feed('\x01h'), [{ kind: 'help', text: CTRL_A_HELP }]);
    assert.deepEqual(k.feed('\x01a\x01\x01'), [{ kind: 'send', text: '\x01\x01' }]);
    assert.deepEqual(k.feed('\x01s'), [{ kind: 'stats' }]);
    assert.equal(k.feed('\x01g')[0].kind, 'message');
    assert.deepEqual(k.feed('\x01q!'), [{ kind: 'message', text: 'Ctrl-A q: not a command (Ctrl-A H lists them)' }, { kind: 'send', text: '!' }]);
    assert.deepEqual(k.feed('\x03\x04\x1b[A'), [{ kind: 'send', text: '\x03\x04\x1b[A' }], 'other control keys and arrows go to the guest');
    assert.match(CTRL_A_HELP, /Ctrl-A X {2}end the debug session/);
  });
});
