// The RISC-V disassembler against riscv64-unknown-elf-objdump -d: every instruction of the
// corpus (all six builds), of the teaching kernel, and of an object holding
// random encodings of every table entry and random 16-bit compressed words.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCorpus, openFile, VARIANTS } from './support/corpus';
import { buildGuestKernel } from '../guest/support/build';
import { TABLE } from '../../symbols/disasm/rv-table';

/** Compares our sweep with objdump's, instruction by instruction; returns [agreed, diffs]. */
function compareWithObjdump(elfPath: string): { agreed: number; diffs: string[] } {
  const f = openFile(elfPath);
  const mine = new Map<string, string>();
  for (const i of f.disassembleAll()) mine.set(i.address.toString(16), i.text.replace(/\s+/g, ' '));
  const od = execFileSync('riscv64-unknown-elf-objdump', ['-d', elfPath], { maxBuffer: 1 << 28 }).toString();
  let agreed = 0;
  const diffs: string[] = [];
  for (const l of od.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t[0-9a-f ]+\t(.*)$/.exec(l);
    if (!m) continue;
    const want = m[2].trim().replace(/\s+/g, ' ');
    const got = mine.get(m[1]) ?? '<nothing>';
    if (want === got) agreed++; else diffs.push(`${m[1]}: objdump "${want}", ours "${got}"`);
  }
  return { agreed, diffs };
}

/** Assembles `lines` with the given -march into an object file and compares it with objdump. */
function compareAssembled(lines: string[], march = 'rv64gc'): { agreed: number; diffs: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'kwb-disasm-'));
  try {
    writeFileSync(join(dir, 'in.s'), lines.join('\n') + '\n');
    execFileSync('riscv64-unknown-elf-as', [`-march=${march}`, '-o', join(dir, 'in.o'), join(dir, 'in.s')]);
    return compareWithObjdump(join(dir, 'in.o'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('symbols: disassembler vs objdump', function () {
  this.timeout(120000);
  for (const v of VARIANTS) {
    it(`every instruction of the corpus (${v.opt} ${v.dwarf})`, () => {
      const r = compareWithObjdump(buildCorpus(v));
      assert.ok(r.agreed > 300, `only ${r.agreed} instructions compared`);
      assert.deepEqual(r.diffs.slice(0, 20), []);
    });
  }

  it('every instruction of the teaching kernel (make -C guest)', function () {
    const r = compareWithObjdump(buildGuestKernel().kernel);
    assert.ok(r.agreed > 5000, `only ${r.agreed} instructions compared`);
    assert.deepEqual(r.diffs.slice(0, 20), []);
  });

  it('6000 fully random 32-bit words and lui/auipc records used by later tp/gp/other bases (fixed seed)', () => {
    let seed = 99;
    const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return ((seed >>> 8) ^ (seed << 13)) >>> 0; };
    const lines: string[] = [];
    while (lines.length < 6000) { const w = (rnd() | 3) >>> 0; if ((w & 0x1f) !== 0x1f) lines.push(`\t.insn 0x${w.toString(16)}`); } // 48-bit+ forms excluded
    for (const base of ['tp', 'gp', 't1', 'ra']) {
      for (const use of [`jalr s8,-4(${base})`, `addi a0,${base},12`, `lh a1,270(${base})`, `sw a2,-8(${base})`]) {
        lines.push(`\tlui ${base},0x1000`, `\tcsrrs ${base},0x4ee,gp`, `\t${use}`, `\tauipc ${base},0x12`, `\t${use}`, `\t${use}`);
      }
    }
    const r = compareAssembled(lines);
    assert.ok(r.agreed > 6000, `only ${r.agreed} compared`);
    assert.deepEqual(r.diffs.slice(0, 20), []);
  });

  it('data in code (mapping symbols $d/$x), 48- and 64-bit encodings, pause', () => {
    const src = ['\t.text', '\tnop', '\t.word 0x00200000, 0x43534952', '\t.short 0x18', '\t.byte 7', '\t.balign 2', '\taddi a0,a0,1',
      '\t.insn 8, 0x1000003f', '\t.insn 6, 0x12345678001f', '\tnop', '\t.word 0x56', '\tpause', '\t.insn 0x0100000f', '\tc.nop'];
    const r = compareAssembled(src, 'rv64gc_zihintpause');
    assert.ok(r.agreed >= 12, `only ${r.agreed} compared`);
    assert.deepEqual(r.diffs, []);
  });

  it('decodes F, D and pause only when the file\'s ISA (attributes, or a $x<isa> mapping symbol) has them', () => {
    const body = ['\t.insn 0x00400543', '\t.insn 0x0000b007', '\t.insn 0x2000', '\t.insn 0xa000', '\t.insn 0x2002', '\t.insn 0x0100000f', '\t.insn 0x00a57553'];
    const src = ['\t.text', ...body, '\t.option push', '\t.option arch, +f, +d, +zihintpause', ...body, '\t.option pop', ...body];
    let agreed = 0;
    for (const march of ['rv64imac', 'rv64imafdc_zihintpause']) {
      const r = compareAssembled(src, march);
      agreed += r.agreed;
      assert.deepEqual(r.diffs, [], march);
    }
    assert.ok(agreed >= 40, `only ${agreed} compared`);
  });

  it('random encodings of every table entry and random compressed words (fixed seed)', () => {
    let seed = 0x5eed;
    const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return ((seed >>> 8) ^ (seed << 13)) >>> 0; };
    const lines: string[] = [];
    for (const e of TABLE) for (let k = 0; k < 8; k++) lines.push(`\t.insn 0x${(((e.match & e.mask) | (rnd() & ~e.mask)) >>> 0).toString(16)}`);
    for (let k = 0; k < 4000; k++) { let h = rnd() & 0xffff; if ((h & 3) === 3) h &= ~1; lines.push(`\t.insn 0x${h.toString(16)}`); }
    const r = compareAssembled(lines);
    assert.ok(r.agreed > 5000, `only ${r.agreed} compared`);
    assert.deepEqual(r.diffs.slice(0, 20), []);
  });
});
