// Source file names against gdb: corpus types.c includes "./types-inl.h", so the line table
// names that header through a directory ending in `/.`. gdb shows the normalised full name
// (symtab.fullname()), and `break FILE:LINE` finds the line whether FILE is written with or
// without `./`, relative or absolute (a relative `..` finds nothing in gdb, nor here). Checked at every corpus build.
import { strict as assert } from 'node:assert';
import { buildCorpus, CORPUS_DIR, openFile, VARIANTS } from './support/corpus';
import { gdbPython, PY_EMIT } from './support/oracle';

const hex = (v: bigint) => '0x' + v.toString(16);
const SPELLINGS = ['types-inl.h', './types-inl.h', 'corpus/types-inl.h', 'corpus/./types-inl.h', 'symbols/../symbols/corpus/types-inl.h',
  `${CORPUS_DIR}/types-inl.h`, `${CORPUS_DIR}/./types-inl.h`];

describe('symbols: normalised source paths vs gdb', function () {
  this.timeout(120000);
  for (const v of VARIANTS) {
    it(`a header included as ./types-inl.h (${v.opt} ${v.dwarf})`, async () => {
      const elf = buildCorpus(v);
      const f = openFile(elf);
      // every address whose line-table row is in the header
      const pcs: bigint[] = [];
      for (const u of f.dwarf!.units) for (const e of f.symbolizer!.linesOf(u).entries) if (e.line && /types-inl\.h$/.test(e.file)) pcs.push(e.address);
      assert.ok(pcs.length > 0, 'no line-table rows in types-inl.h');
      const [gdb] = await gdbPython<{ files: Array<string | null>; breaks: Record<string, string[] | null> }>(elf, [PY_EMIT + `
import re
files = []
for pc in ${JSON.stringify(pcs.map(hex))}:
    sal = gdb.find_pc_line(int(pc, 16))
    files.append(sal.symtab.fullname() if sal.symtab else None)
breaks = {}
for s in ${JSON.stringify(SPELLINGS)}:
    try:
        bp = gdb.Breakpoint(s + ':3', internal=True)
        t = gdb.execute('maint info breakpoints %d' % bp.number, to_string=True)
        breaks[s] = sorted(set(hex(int(x, 16)) for x in re.findall(r'(0x[0-9a-f]+)', t)), key=lambda x: int(x, 16))
        bp.delete()
    except gdb.error:
        breaks[s] = None
emit({'files': files, 'breaks': breaks})
`]);
      const ours = pcs.map((pc) => f.lineAt(pc)?.file ?? null);
      assert.deepEqual(ours, gdb.files);
      assert.ok(!gdb.files.some((x) => x?.includes('/./')), 'gdb kept ./');
      for (const s of SPELLINGS) {
        // gdb resolves `./` but not a relative `..` (no location then)
        const want = gdb.breaks[s] ?? [];
        assert.equal(want.length > 0, !s.startsWith('symbols/..'), `gdb on ${s}:3: ${want}`);
        assert.deepEqual(f.addressesForLine(s, 3).map(hex).sort(), [...want].sort(), s);
      }
      assert.deepEqual(f.warningList, []);
    });
  }
});
