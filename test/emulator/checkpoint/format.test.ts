// The checkpoint container and the value encoding: round trips, and every kind of damage
// (a flipped byte in any section or header, a cut file, another version, trailing bytes,
// a hostile value encoding) refused with a CheckpointError that names what is wrong.
import { strict as assert } from 'node:assert';
import { crc32, fingerprint } from '../../../emulator/checkpoint/checksum';
import { CheckpointError } from '../../../emulator/checkpoint/errors';
import { CHECKPOINT_VERSION, readSections, writeSections } from '../../../emulator/checkpoint/format';
import { checkRuns, decodeRuns, encodeRuns } from '../../../emulator/checkpoint/ram-runs';
import { decodeState, encodeState, StateReader, type StateValue } from '../../../emulator/checkpoint/state';

function refused(f: () => unknown, pattern: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof CheckpointError, `expected a CheckpointError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('checkpoint format', () => {
  it('crc32 matches the standard check value and fingerprints differ by content', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
    // any alignment and length: the word loop agrees with the bytewise definition
    const data = new Uint8Array(100).map((_, i) => (i * 37 + 11) & 0xff);
    const bytewise = (b: Uint8Array) => {
      let c = 0xffffffff;
      for (const x of b) { c ^= x; for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1; }
      return (c ^ 0xffffffff) >>> 0;
    };
    for (let start = 0; start < 5; start++) for (let end = start; end <= 100; end += 7) {
      assert.equal(crc32(data.subarray(start, end)), bytewise(data.subarray(start, end)), `bytes ${start}..${end}`);
      // in two parts, the second continuing the first's CRC
      const cut = Math.floor((start + end) / 2);
      assert.equal(crc32(data.subarray(cut, end), crc32(data.subarray(start, cut))), bytewise(data.subarray(start, end)));
    }
    assert.notEqual(fingerprint(new Uint8Array([1, 2, 3])), fingerprint(new Uint8Array([1, 2, 4])));
    assert.equal(fingerprint(new Uint8Array([1, 2, 3])), fingerprint(new Uint8Array([1, 2, 3])));
  });

  it('encodes and decodes every kind of value', () => {
    const value: StateValue = {
      n: -1.5, big: -(2n ** 70n), s: 'héllo', t: true, f: false, z: null,
      u8: new Uint8Array([0, 255, 7]), i32: Int32Array.of(-1, 2 ** 31 - 1), u32: Uint32Array.of(2 ** 32 - 1),
      f64: Float64Array.of(Math.PI, -0), list: [1, 'two', [3]], nested: { deep: { x: 9 } },
      large: new Uint8Array(100_000).fill(5),
    };
    const back = decodeState(encodeState(value), 'test');
    assert.deepEqual(back, value);
    assert.ok((back as { i32: unknown }).i32 instanceof Int32Array);
  });

  it('refuses value encodings that run past the end, have unknown tags or trail bytes', () => {
    const ok = encodeState({ a: new Uint8Array(10) });
    refused(() => decodeState(ok.subarray(0, ok.length - 3), 'x'), /section 'x': value runs past/);
    refused(() => decodeState(Uint8Array.of(99), 'x'), /unknown value tag 99/);
    refused(() => decodeState(Uint8Array.of(0, 0), 'x'), /1 bytes left over/);
    // an array claiming 2^32-1 members in a few bytes
    refused(() => decodeState(Uint8Array.of(10, 255, 255, 255, 255), 'x'), /cannot fit/);
  });

  it('StateReader names the field that is missing or of the wrong kind', () => {
    const r = new StateReader({ a: 1, b: new Uint8Array(3) }, 'uart0');
    refused(() => r.num('missing'), /uart0\.missing: expected an integer, found nothing/);
    refused(() => r.u8('b', 16), /uart0\.b: expected Uint8Array of 16, found Uint8Array of 3/);
    refused(() => r.num('a', 2, 3), /uart0\.a: expected an integer in 2\.\.3, found number 1/);
    refused(() => r.child('a'), /uart0\.a: expected saved fields/);
  });

  const sample = () => writeSections([
    { name: 'meta', payload: encodeState({ kernel: 'k' }) },
    { name: 'hart0', payload: encodeState({ x: new Int32Array(64) }) },
    { name: 'ram', payload: encodeState({ data: new Uint8Array(5000).fill(1) }) },
  ]);

  it('writes a payload given in parts as the same bytes as the joined payload', () => {
    const a = new Uint8Array(13).fill(3), b = new Uint8Array(5000).fill(9);
    const joined = new Uint8Array(5013);
    joined.set(a); joined.set(b, 13);
    assert.deepEqual(writeSections([{ name: 'x', payload: [a, b] }]), writeSections([{ name: 'x', payload: joined }]));
  });

  it('round-trips sections', () => {
    const s = readSections(sample());
    assert.deepEqual(s.map((x) => x.name), ['meta', 'hart0', 'ram']);
    assert.deepEqual(decodeState(s[2].payload, 'ram'), { data: new Uint8Array(5000).fill(1) });
  });

  it('names the section whose bytes are corrupted, for a flipped byte anywhere', () => {
    const bytes = sample();
    const sections = readSections(bytes);
    // every byte of the file: a flip is always refused (header, section headers, payloads)
    for (let i = 0; i < bytes.length; i += 7) {
      const bad = bytes.slice();
      bad[i] ^= 0x40;
      assert.throws(() => readSections(bad), CheckpointError, `flip at byte ${i} accepted`);
    }
    const ramAt = bytes.length - sections[2].payload.length;
    const bad = bytes.slice();
    bad[ramAt + 100] ^= 1;
    refused(() => readSections(bad), /section 'ram' is corrupted \(checksum mismatch\)/);
    const hdr = bytes.slice();
    hdr[30] ^= 1;
    refused(() => readSections(hdr), /section 1 of 3 \(after 'the header'\): its header is corrupted/);
  });

  it('refuses a truncated file naming the cut section, and trailing bytes', () => {
    const bytes = sample();
    refused(() => readSections(bytes.subarray(0, bytes.length - 1)), /section 'ram' is truncated: \d+ bytes expected, \d+ present/);
    refused(() => readSections(bytes.subarray(0, 30)), /truncated: section 1 of 3 is missing/);
    refused(() => readSections(bytes.subarray(0, 12)), /truncated: 12 bytes/);
    const longer = new Uint8Array(bytes.length + 2);
    longer.set(bytes);
    refused(() => readSections(longer), /2 unexpected bytes after the last section/);
  });

  it('refuses another version and a file that is no checkpoint', () => {
    const bytes = sample();
    const v = new DataView(bytes.buffer);
    v.setUint32(8, CHECKPOINT_VERSION + 1, true);
    v.setUint32(20, crc32(bytes.subarray(0, 20)), true);
    refused(() => readSections(bytes), new RegExp(`format version ${CHECKPOINT_VERSION + 1}; this program reads version ${CHECKPOINT_VERSION}`));
    refused(() => readSections(new TextEncoder().encode('\x7fELF and so on....................')), /not a checkpoint/);
  });

  it('stores RAM as runs of zero and stored words, refusing runs that do not cover RAM', () => {
    const ram = new Int32Array(4096);
    ram[5] = 7; ram[6] = -1; ram[1000] = 3; ram[4095] = 9;
    const r = encodeRuns(ram);
    assert.ok(r.data.length < 200, `${r.data.length} bytes stored for 4 words`);
    const back = new Int32Array(4096).fill(123);
    checkRuns(r, 4096, 'ram');
    decodeRuns(r, back);
    assert.deepEqual(back, ram);
    refused(() => checkRuns(r, 4095, 'ram'), /ram\.runs: they cover 16384 bytes, RAM has 16380/);
    refused(() => checkRuns({ runs: r.runs, data: r.data.subarray(4) }, 4096, 'ram'), /ram\.data/);
  });
});
