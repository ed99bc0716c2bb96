// The RSP byte layer: checksums, escapes, run-length encoding and the frame decoder, checked
// against values computed by hand from the gdb manual's "Overview" of the remote protocol.
import { strict as assert } from 'node:assert';
import {
  checksum, escapeBinary, fromHex, hexToReg, latin1, regToHex, runLengthDecode, runLengthEncode, toHex, unescapeBinary,
} from '../../gdbstub/rsp/encoding';
import { encodePacket, FrameDecoder, type FrameEvent } from '../../gdbstub/rsp/framing';

const b = (s: string): Uint8Array => latin1.encode(s);
const s = (u: Uint8Array): string => latin1.decode(u);

/** A tiny deterministic PRNG (xorshift32) for repeatable random cases. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 0x100000000; };
}

describe('gdbstub framing: encodings', () => {
  it('computes the modulo-256 checksum (manual example: $g#67)', () => {
    assert.equal(checksum(b('g')), 0x67);
    assert.equal(checksum(b('qSupported')), 0x37); // q71+S53+u75+p70+p70+o6f+r72+t74+e65+d64 = 0x537
    assert.equal(s(encodePacket(b('OK'))), '$OK#9a');
  });

  it('converts hex and little-endian register values', () => {
    assert.equal(toHex(Uint8Array.of(0, 0x7f, 0xff)), '007fff');
    assert.deepEqual(fromHex('0aFF'), Uint8Array.of(10, 255));
    assert.equal(fromHex('abc'), undefined);
    assert.equal(fromHex('zz'), undefined);
    assert.equal(regToHex(0x80000000n, 8), '0000008000000000');
    assert.equal(hexToReg('0000008000000000'), 0x80000000n);
    assert.equal(regToHex(-1n, 8), 'ffffffffffffffff');
  });

  it('escapes #, $, } and * as } followed by the byte xor 0x20, and back', () => {
    const raw = Uint8Array.of(0x23, 0x24, 0x7d, 0x2a, 0x41);
    const esc = escapeBinary(raw);
    assert.deepEqual([...esc], [0x7d, 0x03, 0x7d, 0x04, 0x7d, 0x5d, 0x7d, 0x0a, 0x41]);
    assert.deepEqual([...unescapeBinary(esc)], [...raw]);
  });

  it('run-length encodes as the manual describes: "0* " is four zeros', () => {
    assert.equal(s(runLengthDecode(b('0* '))!), '0000');
    assert.equal(s(runLengthEncode(b('0000'))), '0* ');
    // Seven repeats would give '$' (7+29=36) and six '#': the encoder cuts them to five.
    for (let n = 1; n <= 200; n++) {
      const enc = runLengthEncode(b('a'.repeat(n)));
      for (let i = 0; i < enc.length; i++) if (enc[i - 1] === 0x2a) assert.ok(![0x23, 0x24, 0x2b, 0x2d].includes(enc[i]), `count char ${enc[i]} for ${n}`);
      assert.equal(s(runLengthDecode(enc)!), 'a'.repeat(n));
    }
  });

  it('round-trips random binary data through escape, RLE and back', () => {
    const r = rng(7);
    for (let k = 0; k < 300; k++) {
      const data = Uint8Array.from({ length: Math.floor(r() * 64) }, () => (r() < 0.5 ? 0x30 : Math.floor(r() * 256)));
      const wire = runLengthEncode(escapeBinary(data));
      assert.deepEqual([...unescapeBinary(runLengthDecode(wire)!)], [...data]);
    }
  });

  it('rejects a run-length marker with nothing to repeat', () => {
    assert.equal(runLengthDecode(b('*!')), undefined);
    assert.equal(runLengthDecode(b('a*')), undefined);
  });
});

describe('gdbstub framing: the frame decoder', () => {
  const frame = (t: string): string => `$${t}#${checksum(b(t)).toString(16).padStart(2, '0')}`;
  const stream = `+${frame('qSupported:multiprocess+')}\x03-${frame('m80000000,4')}${frame('X1000,2:}\x03A')}`;

  function feedAll(chunks: Uint8Array[], dec = new FrameDecoder()): FrameEvent[] {
    return chunks.flatMap((c) => dec.feed(c));
  }

  function summary(evs: FrameEvent[]): string[] {
    return evs.map((e) => (e.kind === 'packet' ? `packet ${s(e.payload)}` : e.kind));
  }

  it('decodes acks, interrupts, naks and packets in order, with checksums verified', () => {
    const evs = summary(feedAll([b(stream)]));
    assert.deepEqual(evs, ['ack', 'packet qSupported:multiprocess+', 'interrupt', 'nak', 'packet m80000000,4', 'packet X1000,2:#A']);
  });

  it('gives the same events whatever the split (every offset, every pair of offsets)', () => {
    const text = stream;
    const whole = summary(feedAll([b(text)]));
    for (let i = 0; i <= text.length; i++) {
      assert.deepEqual(summary(feedAll([b(text.slice(0, i)), b(text.slice(i))])), whole, `split at ${i}`);
      for (let j = i; j <= text.length; j += 3) {
        assert.deepEqual(summary(feedAll([b(text.slice(0, i)), b(text.slice(i, j)), b(text.slice(j))])), whole, `split at ${i},${j}`);
      }
    }
    // One byte at a time.
    assert.deepEqual(summary(feedAll([...b(text)].map((x) => Uint8Array.of(x)))), whole);
  });

  it('reports a bad checksum with the expected value, and bad checksum digits', () => {
    const evs = feedAll([b('$g#00$g#zz$g#67')]);
    assert.deepEqual(evs[0], { kind: 'bad-checksum', expected: 0x67, got: 0 });
    assert.deepEqual(evs[1], { kind: 'bad-checksum', expected: 0x67, got: undefined });
    assert.equal(evs[2].kind, 'packet');
  });

  it('drops an oversized packet and recovers for the next one', () => {
    const dec = new FrameDecoder({ maxPacket: 16 });
    const big = 'm'.repeat(100);
    const evs = dec.feed(b(`$${big}#00$g#67`));
    assert.deepEqual(evs[0], { kind: 'overflow', size: 100 });
    assert.equal(summary([evs[1]])[0], 'packet g');
  });

  it('resynchronises on a $ inside a packet and ignores noise between packets', () => {
    assert.deepEqual(summary(feedAll([b('xyz$qC$g#67 \r\n$?#3f')])), ['packet g', 'packet ?']);
  });

  it('expands run-length encoding only when asked (stub replies)', () => {
    // Nine zeros: '0' and 8 more, count char 8 + 29 = '%'.
    const enc = encodePacket(b('000000000'), { runLength: true });
    assert.equal(s(enc), '$0*%#' + checksum(b('0*%')).toString(16).padStart(2, '0'));
    assert.equal(summary(new FrameDecoder({ runLength: true }).feed(enc))[0], 'packet 000000000');
    assert.equal(summary(new FrameDecoder().feed(enc))[0], 'packet 0*%');
  });
});
