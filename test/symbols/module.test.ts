// A relocatable module object placed at chosen section addresses (as a kernel module is when
// inserted): .rela.debug_* are applied, and lines and functions then agree with gdb's
// `add-symbol-file OBJ -s SECTION ADDR ...` for every allocated section.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from '../support/toolchain';
import { CORPUS_DIR } from './support/corpus';
import { gdbPython, PY_EMIT } from './support/oracle';
import { SymbolFile } from '../../symbols';
import { ElfFile, SHF_ALLOC } from '../../symbols/elf/elf';
import { bufferSource } from '../../symbols/bytes';

const hex = (v: bigint) => '0x' + v.toString(16);

for (const dwarf of ['-gdwarf-4', '-gdwarf-5']) {
  describe(`symbols: module object placed at load addresses vs gdb add-symbol-file (${dwarf})`, function () {
    this.timeout(120000);
    mkdirSync(CACHE_DIR, { recursive: true });
    const obj = join(CACHE_DIR, `module-list${dwarf}.o`);
    execFileSync('riscv64-unknown-elf-gcc', ['-march=rv64gc', '-mabi=lp64d', '-mcmodel=medany', '-O2', '-g', dwarf, '-c', '-o', obj, join(CORPUS_DIR, 'list.c')]);
    const bytes = new Uint8Array(readFileSync(obj));
    const raw = new ElfFile(bufferSource(bytes));
    const alloc = raw.sections.filter((s) => s.flags & BigInt(SHF_ALLOC));
    const addrs: Record<string, bigint> = {};
    alloc.forEach((s, i) => { addrs[s.name] = 0xffffffff01000000n + BigInt(i) * 0x10000n; });
    const f = SymbolFile.open(bytes, { name: obj, sectionAddresses: addrs });
    const rows: bigint[] = [];
    for (const { table } of f.symbolizer!.allLineRows()) for (const s of table.sequences) for (const r of s.rows) rows.push(r.address, r.address + 2n);
    const funcs = f.dwarf!.units.flatMap((u) => f.dwarf!.functions(u));

    it('applies the relocations without warnings and moves code to .text\'s address', () => {
      assert.deepEqual(f.warningList, []);
      assert.ok(funcs.length >= 2);
      for (const fn of funcs) assert.ok(fn.lo >= addrs['.text'] && fn.lo < addrs['.text'] + 0x10000n, `${hex(fn.lo)} outside .text`);
    });

    it('lines and functions agree with gdb', async () => {
      const cmd = `add-symbol-file ${obj} ${alloc.map((s) => `-s ${s.name} ${hex(addrs[s.name])}`).join(' ')}`;
      const [g] = await gdbPython<{ rows: Array<[string, string | null, number, string]>; funcs: Array<[string, string | null, string, string]> }>(undefined, [PY_EMIT + `
rows = []
for pc in [${rows.map(String).join(',')}]:
    sal = gdb.find_pc_line(pc)
    rows.append([str(pc), sal.symtab.fullname() if sal.symtab else None, sal.line, str(sal.pc)])
funcs = []
for lo in [${funcs.map((x) => String(x.lo)).join(',')}]:
    b = gdb.block_for_pc(lo)
    while b is not None and b.function is None:
        b = b.superblock
    funcs.append([str(lo), b.function.name if b else None, str(b.start) if b else '0', str(b.end) if b else '0'])
emit({'rows': rows, 'funcs': funcs})
`], ['set confirm off', 'set osabi none', cmd]);
      const bad: string[] = [];
      for (const [pc, file, line, start] of g.rows) {
        const m = f.lineAt(BigInt(pc));
        const mine = m ? `${m.file}:${m.line}@${hex(m.address)}` : 'none';
        const want = line ? `${file}:${line}@${hex(BigInt(start))}` : 'none';
        if (mine !== want) bad.push(`${hex(BigInt(pc))}: gdb ${want}, ours ${mine}`);
      }
      for (const [lo, name, start, end] of g.funcs) {
        const fn = f.functionAt(BigInt(lo));
        const mine = fn ? `${fn.name} [${hex(fn.lo)},${hex(fn.hi)})` : 'none';
        const want = `${name} [${hex(BigInt(start))},${hex(BigInt(end))})`;
        if (mine !== want) bad.push(`${hex(BigInt(lo))}: gdb ${want}, ours ${mine}`);
      }
      assert.ok(g.rows.length > 40);
      assert.deepEqual(bad.slice(0, 20), []);
    });
  });
}
