// The ELF reader against readelf (binutils): every section's name, type, address, offset and
// size, every program header, and every symbol's name and value, on the corpus builds and a
// relocatable object; plus clear failures on non-ELF input.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { buildCorpus, VARIANTS } from './support/corpus';
import { ElfFile, openElf } from '../../symbols/elf/elf';
import { bufferSource } from '../../symbols/bytes';
import { SymbolFile } from '../../symbols';

const readelf = (args: string[], f: string) => execFileSync('riscv64-unknown-elf-readelf', ['-W', ...args, f]).toString();

describe('symbols: ELF reader vs readelf', function () {
  this.timeout(60000);
  for (const v of [VARIANTS[0], VARIANTS[5]]) {
    const path = buildCorpus(v);
    const elf = new ElfFile(bufferSource(new Uint8Array(readFileSync(path))));

    it(`sections (${v.opt} ${v.dwarf})`, () => {
      const want: string[] = [];
      for (const l of readelf(['-S'], path).split('\n')) {
        const m = /^\s*\[\s*(\d+)\]\s+(\S*)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)/.exec(l);
        if (m && m[1] !== '0') want.push(`${m[1]} ${m[2]} ${BigInt('0x' + m[4]).toString(16)} ${parseInt(m[5], 16)} ${parseInt(m[6], 16)}`);
      }
      const got = elf.sections.slice(1).map((s) => `${s.index} ${s.name} ${s.addr.toString(16)} ${s.offset} ${s.size}`);
      assert.ok(want.length > 10);
      assert.deepEqual(got, want);
    });

    it(`program headers (${v.opt} ${v.dwarf})`, () => {
      const want: string[] = [];
      for (const l of readelf(['-l'], path).split('\n')) {
        const m = /^\s+(LOAD|RISCV_ATTRIBUT|GNU_STACK)\S*\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)/.exec(l);
        if (m) want.push(`${parseInt(m[2], 16)} ${BigInt('0x' + m[3]).toString(16)} ${parseInt(m[5], 16)} ${parseInt(m[6], 16)}`);
      }
      const got = elf.segments.map((s) => `${s.offset} ${s.vaddr.toString(16)} ${s.filesz} ${s.memsz}`);
      assert.ok(want.length >= 1);
      assert.deepEqual(got, want);
    });

    it(`symbols (${v.opt} ${v.dwarf})`, () => {
      const want: string[] = [];
      for (const l of readelf(['-s'], path).split('\n')) {
        const m = /^\s*(\d+):\s+([0-9a-f]+)\s+(\d+)\s+\S+\s+\S+\s+\S+\s+\S+\s*(.*)$/.exec(l);
        if (m && m[1] !== '0') want.push(`${BigInt('0x' + m[2]).toString(16)} ${m[3]} ${m[4]}`);
      }
      // readelf shows a section symbol by its section's name
      const got = elf.symbols().slice(1).map((s) => `${s.value.toString(16)} ${s.size} ${s.type === 3 ? elf.sections[s.shndx]?.name ?? "" : s.name}`);
      assert.ok(want.length > 20);
      assert.deepEqual(got, want);
    });
  }

  it('names what is wrong with non-ELF and truncated input, without throwing', () => {
    assert.match(openElf(bufferSource(new TextEncoder().encode('#!/bin/sh\necho hi\n')), 'script.sh').error!, /script\.sh is not an ELF file \(bad magic\)/);
    const f = SymbolFile.open(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), { name: 'short.elf' });
    assert.equal(f.ok, false);
    assert.match(f.warningList[0].message, /short\.elf/);
    assert.equal(f.lineAt(0x80000000n), undefined);
  });
});
