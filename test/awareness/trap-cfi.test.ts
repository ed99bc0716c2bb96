// The trap-frame CFI object (awareness/trap-cfi.ts) read back by binutils' readelf: an ELF64
// RISC-V relocatable object whose NOBITS .text spans the ranges, a .debug_frame with one CIE
// (CFA = sp, each register at its frame offset, the interrupted pc in column 64) and one FDE per
// range, each FDE's start a relocation against .text. gdb's use of it is tested on Linux in
// test/linux/gdb-linux.test.ts.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trapCfiObject } from '../../awareness';

describe('awareness: trap-frame CFI object', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'kwb-cfi-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const readelf = (file: string, ...args: string[]): string => execFileSync('riscv64-unknown-elf-readelf', [...args, file], { encoding: 'utf8' });

  it('is an object readelf reads: .text over the ranges, FDEs relocated against it, the rules in the CIE', () => {
    const registers = new Map(Array.from({ length: 31 }, (_, i) => [i + 1, 8 * (i + 1)] as [number, number]));
    const obj = trapCfiObject({
      ranges: [{ start: 0xffffffff80002fb6n, end: 0xffffffff80002fe8n }, { start: 0xffffffff80002f02n, end: 0xffffffff80002f64n }],
      registers, pc: 0,
    });
    assert.ok(obj);
    assert.equal(obj.textAddress, 0xffffffff80002f02n, 'the lowest range start');
    const file = join(dir, 'cfi.o');
    writeFileSync(file, obj.bytes);
    const h = readelf(file, '-hSW');
    assert.match(h, /Type:\s+REL \(Relocatable file\)/);
    assert.match(h, /Machine:\s+RISC-V/);
    assert.match(h, /\]\s+\.text\s+NOBITS\s+0+\s+[0-9a-f]+\s+0000e6\s+00\s+AX/, h);
    const rel = readelf(file, '-rW');
    assert.deepEqual([...rel.matchAll(/R_RISCV_64\s+0+\s+\.text \+ ([0-9a-f]+)/g)].map((m) => m[1]), ['0', 'b4'], rel);
    const frames = readelf(file, '--debug-dump=frames');
    assert.match(frames, /Return address column: 64/);
    assert.match(frames, /DW_CFA_def_cfa: r2 \(sp\) ofs 0/);
    for (const [reg, off] of registers) assert.match(frames, new RegExp(`DW_CFA_offset: r${reg} \\(\\w+\\) at cfa\\+${off}\\n`), `x${reg}`);
    assert.match(frames, /DW_CFA_offset_extended: r64 at cfa\+0\n/);
    // readelf applies the relocations: each FDE's range relative to .text
    assert.deepEqual([...frames.matchAll(/FDE cie=00000000 pc=([0-9a-f]+)\.\.([0-9a-f]+)/g)].map((m) => [parseInt(m[1], 16), parseInt(m[2], 16)]), [[0, 0x62], [0xb4, 0xe6]]);
  });

  it('is nothing without a range', () => {
    assert.equal(trapCfiObject({ ranges: [], registers: new Map(), pc: 0 }), undefined);
    assert.equal(trapCfiObject({ ranges: [{ start: 8n, end: 8n }], registers: new Map(), pc: 0 }), undefined);
  });
});
