// Decoding of the F/D opcodes against objdump: random instruction words with the OP-FP and
// R4 opcodes are legal for executeFp exactly when riscv64-unknown-elf-objdump disassembles
// them as an F or D instruction with a valid rounding mode. Also a robustness sweep: no word
// throws, illegal words change nothing, and x0 is never written.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hart } from './harness';
import { Rng } from './vectors';

const OPCODES = [0x53, 0x53, 0x53, 0x43, 0x47, 0x4b, 0x4f];

/** objdump 2.40 prints FCVT.D.S, FCVT.D.W and FCVT.D.WU (always exact) as unknown words unless
 *  their rm field is 0; the spec gives them an rm field like every FCVT, where 1..4 and DYN
 *  are valid too (Spike and QEMU execute them). For these words the spec decides. */
function objdumpQuirk(w: number): boolean {
  const funct7 = w >>> 25, rs2 = (w >>> 20) & 31, rm = (w >>> 12) & 7;
  const exactCvt = (funct7 === 0x21 && rs2 === 0) || (funct7 === 0x69 && rs2 <= 1);
  return (w & 0x7f) === 0x53 && exactCvt && rm !== 0;
}

function disassemble(words: number[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'fpu-decode-'));
  try {
    const buf = Buffer.alloc(words.length * 4);
    words.forEach((w, i) => buf.writeUInt32LE(w, 4 * i));
    writeFileSync(join(dir, 'words.bin'), buf);
    const out = execFileSync('riscv64-unknown-elf-objdump', ['-D', '-b', 'binary', '-m', 'riscv:rv64', join(dir, 'words.bin')], { maxBuffer: 1 << 28 }).toString();
    return out.split('\n').filter((l) => /^\s+[0-9a-f]+:\t/.test(l)).map((l) => l.split('\t').slice(2).join(' '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('emulator/fpu: decoding', function () {
  this.timeout(60_000);
  const rng = new Rng(31337);
  const words: number[] = [];
  for (let i = 0; i < 20000; i++) words.push(((rng.u32() & ~0x7f) | rng.pick(OPCODES)) >>> 0);

  it('accepts exactly the words objdump decodes as F/D instructions', () => {
    const text = disassemble(words);
    assert.equal(text.length, words.length);
    const differ: string[] = [];
    let legal = 0;
    words.forEach((w, i) => {
      const ours = new Hart().exec(w) !== -1;
      if (ours) legal++;
      const rm = (w >>> 12) & 7; // frm is 0 here, so DYN is valid
      const theirs = objdumpQuirk(w) ? rm <= 4 || rm === 7 : !(text[i].startsWith('.4byte') || /\bunknown\b/.test(text[i]));
      if (ours !== theirs) differ.push(`${w.toString(16)}: objdump "${text[i]}", ours ${ours ? 'legal' : 'illegal'}`);
    });
    assert.deepEqual(differ.slice(0, 10), []);
    assert.ok(legal > 2000 && legal < 18000, `${legal} legal words: the sample should mix both`);
  });

  it('never throws, never writes x0, and an illegal word changes nothing', () => {
    for (const w of words) {
      const h = new Hart();
      for (let r = 0; r < 32; r++) { h.setRawF(r, rng.bits(64)); if (r) h.setX(r, rng.bits(64)); }
      h.f.frm = rng.below(8);
      const f0 = Int32Array.from(h.f.i32), x0 = Int32Array.from(h.x);
      const ret = h.exec(w);
      assert.ok(ret === -1 || ret === 0 || ret === 1, `${w.toString(16)} returned ${ret}`);
      assert.deepEqual([h.x[0], h.x[1]], [0, 0], `${w.toString(16)} wrote x0`);
      if (ret === -1) {
        assert.deepEqual([h.f.i32, h.x, h.f.fflags], [f0, x0, 0], `${w.toString(16)} is illegal but changed state`);
      }
      if (ret === 0) assert.deepEqual([h.f.i32, h.f.fflags], [f0, 0], `${w.toString(16)} returned 0 but wrote f or fflags`);
    }
  });
});
