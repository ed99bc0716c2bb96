// A relocatable module object placed at chosen section addresses (as a kernel module is when
// inserted): .rela.debug_* are applied, and lines, functions, breakpoint addresses and the
// addresses of globals and statics then agree with gdb's `add-symbol-file OBJ -s SECTION ADDR ...`
// for every allocated section. Objects: list.c of the corpus (DWARF 4 and 5) and the teaching
// kernel's modules.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CACHE_DIR } from '../support/toolchain';
import { CORPUS_DIR } from './support/corpus';
import { gdbPython, PY_EMIT } from './support/oracle';
import { FunctionRange, functionRangeMismatches, LineRow, lineRowMismatches, lineRowProbes, pyFunctionRanges, pyLineRows } from './support/gdb-lines';
import { SymbolFile } from '../../symbols';
import { ElfFile, SHF_ALLOC } from '../../symbols/elf/elf';
import { bufferSource } from '../../symbols/bytes';
import { DW_AT, DW_TAG } from '../../symbols/dwarf/constants';
import { buildGuestKernel } from '../guest/support/build';

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
    const rows = lineRowProbes(f);
    const funcs = f.dwarf!.units.flatMap((u) => f.dwarf!.functions(u));

    it('applies the relocations without warnings and moves code to .text\'s address', () => {
      assert.deepEqual(f.warningList, []);
      assert.ok(funcs.length >= 2);
      for (const fn of funcs) assert.ok(fn.lo >= addrs['.text'] && fn.lo < addrs['.text'] + 0x10000n, `${hex(fn.lo)} outside .text`);
    });

    it('lines and functions agree with gdb', async () => {
      const cmd = `add-symbol-file ${obj} ${alloc.map((s) => `-s ${s.name} ${hex(addrs[s.name])}`).join(' ')}`;
      const [g] = await gdbPython<{ rows: LineRow[]; funcs: FunctionRange[] }>(undefined, [PY_EMIT + pyLineRows(rows) + pyFunctionRanges(funcs.map((x) => x.lo)) + `
emit({'rows': rows, 'funcs': funcs})
`], ['set confirm off', 'set osabi none', cmd]);
      const bad = [...lineRowMismatches(f, g.rows), ...functionRangeMismatches(f, g.funcs)];
      assert.ok(g.rows.length > 40);
      assert.deepEqual(bad.slice(0, 20), []);
    });
  });
}

// The teaching kernel's own modules (guest/build/modules/*.ko, built by `make -C guest`), placed
// as the kernel's loader would place them: every allocated section at its own address.
describe('symbols: the teaching kernel\'s modules placed at load addresses vs gdb add-symbol-file', function () {
  this.timeout(120000);
  const dir = buildGuestKernel().moduleDir;
  const kos = readdirSync(dir).filter((n) => n.endsWith('.ko')).map((n) => join(dir, n));

  it('builds at least three modules', () => { assert.ok(kos.length >= 3, kos.join(' ')); });

  for (const ko of kos) {
    it(`${basename(ko)}: lines, functions, break FUNC, info address and info symbol agree with gdb`, async () => {
      const bytes = new Uint8Array(readFileSync(ko));
      const raw = new ElfFile(bufferSource(bytes));
      const alloc = raw.sections.filter((s) => s.flags & BigInt(SHF_ALLOC) && s.size > 0);
      const addrs: Record<string, bigint> = {};
      alloc.forEach((s, i) => { addrs[s.name] = 0xffffffff02000000n + BigInt(i) * 0x4000n + BigInt(s.addralign > 8 ? 0 : (i * 8) % 64); });
      const f = SymbolFile.open(bytes, { name: ko, sectionAddresses: addrs });
      const rows = lineRowProbes(f);
      const funcs = f.dwarf!.units.flatMap((u) => f.dwarf!.functions(u));
      const names = [...new Set(funcs.map((x) => f.dwarf!.nameOf(x.die) ?? '??'))];
      const vars: string[] = [];
      for (const u of f.dwarf!.units) for (const d of u.root().children) if (d.tag === DW_TAG.variable && d.name && d.has(DW_AT.location)) vars.push(d.name);
      // `info symbol` (ELF symbols moved with their sections) inside each function and variable
      const symAddrs = [...funcs.map((x) => x.lo + 4n), ...vars.map((n) => f.symbolizer!.symbolAddress(n)).filter((a): a is bigint => a !== undefined).map((a) => a + 1n)];
      const cmd = `add-symbol-file ${ko} ${alloc.map((s) => `-s ${s.name} ${hex(addrs[s.name])}`).join(' ')}`;
      const [g] = await gdbPython<{ rows: LineRow[]; funcs: FunctionRange[]; breaks: Record<string, string>; addr: Record<string, string>; isym: Record<string, string> }>(undefined, [PY_EMIT + pyLineRows(rows) + pyFunctionRanges(funcs.map((x) => x.lo)) + `
import re
breaks = {}
for n in ${JSON.stringify(names)}:
    bp = gdb.Breakpoint(n, internal=True)
    t = gdb.execute('maint info breakpoints %d' % bp.number, to_string=True)
    breaks[n] = ' '.join(sorted(set(re.findall(r'(0x[0-9a-f]+)', t)), key=lambda x: int(x, 16)))
    bp.delete()
addr = {}
for n in ${JSON.stringify(vars)}:
    t = gdb.execute('info address ' + n, to_string=True)
    m = re.search(r'(0x[0-9a-f]+)', t)
    addr[n] = m.group(1) if m else t
isym = {}
for a in [${symAddrs.map(String).join(',')}]:
    isym[str(a)] = gdb.execute('info symbol %d' % a, to_string=True).strip()
emit({'rows': rows, 'funcs': funcs, 'breaks': breaks, 'addr': addr, 'isym': isym})
`], ['set confirm off', 'set osabi none', 'set breakpoint pending off', cmd]);
      const bad = [...lineRowMismatches(f, g.rows), ...functionRangeMismatches(f, g.funcs)];
      for (const n of names) {
        const got = f.symbolizer!.breakpointAddresses(n).map(hex).join(' ');
        if (got !== g.breaks[n]) bad.push(`break ${n}: gdb ${g.breaks[n]}, ours ${got}`);
      }
      for (const n of vars) {
        const d = f.variables!.lookup(n);
        const loc = d?.get(DW_AT.location)?.v;
        // DW_OP_addr ADDRESS: the relocated address of the variable
        const a = loc instanceof Uint8Array && loc[0] === 0x03 ? new DataView(loc.buffer, loc.byteOffset + 1, 8).getBigUint64(0, true) : undefined;
        if (a === undefined || hex(a) !== g.addr[n]) bad.push(`info address ${n}: gdb ${g.addr[n]}, ours ${a === undefined ? 'none' : hex(a)}`);
      }
      for (const a of symAddrs) {
        const sa = f.symbolAt(a);
        const sec = f.elf!.sections.find((x) => x.flags & BigInt(SHF_ALLOC) && a >= x.addr && a < x.addr + BigInt(x.size));
        const mine = sa ? `${sa.name}${sa.offset ? ` + ${sa.offset}` : ''} in section ${sec?.name}` : 'none';
        if (mine !== g.isym[String(a)]) bad.push(`info symbol ${hex(a)}: gdb ${g.isym[String(a)]}, ours ${mine}`);
      }
      assert.ok(g.rows.length >= 10 && funcs.length >= 1, `${g.rows.length} rows, ${funcs.length} functions`);
      assert.deepEqual(bad.slice(0, 20), []);
      assert.deepEqual(f.warningList, []);
    });
  }
});
