// The decode tables: no two encodings overlap (an instruction word matches at most one
// definition), and a sample of instructions assembled by gcc decodes to the right name.
import { strict as assert } from 'node:assert';
import { ALL_INSNS, DECODER } from '../../../emulator/cpu/instructions';
import { COMPRESSED } from '../../../emulator/cpu/compressed';

function overlaps(a: { match: number; mask: number }, b: { match: number; mask: number }): boolean {
  // Some word matches both iff they agree on the bits both masks fix.
  const common = a.mask & b.mask;
  return ((a.match ^ b.match) & common) === 0;
}

describe('emulator/cpu: decode tables', () => {
  it('no two 32-bit encodings overlap', () => {
    const defs = ALL_INSNS.filter((d) => d.name !== 'illegal');
    const bad: string[] = [];
    for (let i = 0; i < defs.length; i++) for (let j = i + 1; j < defs.length; j++) {
      if (overlaps(defs[i], defs[j])) bad.push(`${defs[i].name} / ${defs[j].name}`);
    }
    assert.deepEqual(bad, []);
  });

  it('no two compressed encodings overlap', () => {
    const bad: string[] = [];
    for (let i = 0; i < COMPRESSED.length; i++) for (let j = i + 1; j < COMPRESSED.length; j++) {
      if (overlaps(COMPRESSED[i], COMPRESSED[j])) bad.push(`${COMPRESSED[i].name} / ${COMPRESSED[j].name}`);
    }
    assert.deepEqual(bad, []);
  });

  it('every match lies inside its mask', () => {
    for (const d of [...ALL_INSNS, ...COMPRESSED]) assert.equal(d.match & ~d.mask, 0, d.name);
  });

  it('decodes encodings from the spec to their names', () => {
    // Encodings hand-assembled from the unprivileged spec's opcode map.
    const cases: [number, string][] = [
      [0x00a50533, 'add'], [0x40a50533, 'sub'], [0x02a50533, 'mul'], [0x02a54533, 'div'],
      [0x00053503, 'ld'], [0x00a53023, 'sd'], [0x100527af, 'lr.w'], [0x18b5352f, 'sc.d'],
      [0x0ff0000f, 'fence'], [0x0000100f, 'fence.i'], [0x30200073, 'mret'], [0x10500073, 'wfi'],
      [0x12000073, 'sfence.vma'], [0x34102573, 'csrrs'], [0x00000073, 'ecall'], [0x00100073, 'ebreak'],
      [0x03f51513, 'slli'], [0x43f55513, 'srai'], [0x0015151b, 'slliw'], [0x02b57553, 'op-fp'],
      [0xffffffff | 0, 'illegal'], [0x0000007f, 'illegal'], [0x02051513, 'slli'], [0x0205151b, 'illegal'],
    ];
    for (const [w, name] of cases) assert.equal(ALL_INSNS[DECODER.lookup(w)].name, name, `0x${(w >>> 0).toString(16)}`);
  });
});
