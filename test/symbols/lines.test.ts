// Line tables, functions and breakpoint addresses of the corpus, against gdb-multiarch on the
// same ELF (no target): every line-table row address (and the address 2 bytes after it) gives
// the same file, line and line start as gdb's find_pc_line; every function's name and range
// match gdb's blocks; `info scope` at every function's breakpoint address lists the same
// variables (sizes, static addresses, location-list ranges, optimized-out ones); `break FUNC` and `break FILE:LINE` resolve to the same addresses;
// `info address` of globals and functions agrees.
import { strict as assert } from 'node:assert';
import { basename } from 'node:path';
import { buildCorpus, openFile, VARIANTS } from './support/corpus';
import { buildGuestKernel } from '../guest/support/build';
import { gdbPython, PY_EMIT } from './support/oracle';
import {
  FileLineBreak, fileLineBreakMismatches, FunctionRange, functionRangeMismatches, LineRow, lineRowMismatches, lineRowProbes,
  pyFileLineBreaks, pyFunctionRanges, pyLineRows,
} from './support/gdb-lines';
import { DW_AT, DW_TAG } from '../../symbols/dwarf/constants';
import { sizeOf } from '../../symbols/values/types';

const hex = (v: bigint) => '0x' + v.toString(16);

// The six corpus builds, plus the teaching kernel (built by `make -C guest`, as CI does).
const TARGETS: Array<{ label: string; path: () => string }> = VARIANTS.map((v) => ({ label: `${v.opt} ${v.dwarf}`, path: () => buildCorpus(v) }));
TARGETS.push({ label: 'teaching kernel', path: () => buildGuestKernel().kernel });

for (const v of TARGETS) {
  describe(`symbols: lines and functions vs gdb (${v.label})`, function () {
    this.timeout(120000);
    const elfPath = v.path();
    const f = openFile(elfPath);
    const sym = f.symbolizer!;
    const addrs = lineRowProbes(f);
    const funcs: Array<{ name: string; lo: bigint; hi: bigint }> = [];
    for (const u of f.dwarf!.units) for (const fr of f.dwarf!.functions(u)) funcs.push({ name: f.dwarf!.nameOf(fr.die) ?? '??', lo: fr.lo, hi: fr.hi });
    const names = [...new Set(funcs.map((x) => x.name))];
    const globals: string[] = [];
    for (const u of f.dwarf!.units) for (const d of u.root().children) if (d.tag === DW_TAG.variable && d.name && d.get(0x3f /* external */)) globals.push(d.name);
    const lineSet = new Map<string, Set<number>>();
    for (const u of f.dwarf!.units) for (const e of sym.linesOf(u).entries) if (e.line && e.file.endsWith('.c')) {
      const k = basename(e.file);
      if (!lineSet.has(k)) lineSet.set(k, new Set());
      lineSet.get(k)!.add(e.line);
    }
    const fileLines: Array<[string, number]> = [];
    for (const [file, ls] of lineSet) for (const l of ls) fileLines.push([file, l]);

    const scopeAddrs = [...new Set(names.flatMap((n) => sym.breakpointAddresses(n)))];

    let gdb: { scopes: Record<string, string>; rows: LineRow[]; funcs: FunctionRange[]; breaks: Record<string, string[] | null>; fl: FileLineBreak[]; addr: Record<string, string> };
    before(async () => {
      const [res] = await gdbPython<typeof gdb>(elfPath, [PY_EMIT + pyLineRows(addrs) + pyFunctionRanges(funcs.map((x) => x.lo)) + pyFileLineBreaks(fileLines) + `
import re
breaks = {}
for n in ${JSON.stringify(names)}:
    try:
        bp = gdb.Breakpoint(n, internal=True)
        t = gdb.execute('maint info breakpoints %d' % bp.number, to_string=True)
        breaks[n] = sorted(set(re.findall(r'(0x[0-9a-f]+)', t)), key=lambda x: int(x, 16))
        bp.delete()
    except gdb.error:
        breaks[n] = None
gdb.execute('delete')
addr = {}
for n in ${JSON.stringify([...names, ...globals])}:
    t = gdb.execute('info address ' + n, to_string=True)
    m = re.search(r'(0x[0-9a-f]+)', t)
    addr[n] = m.group(1) if m else t
scopes = {}
for a in [${scopeAddrs.map(String).join(',')}]:
    scopes[str(a)] = gdb.execute('info scope *%d' % a, to_string=True)
emit({'rows': rows, 'funcs': funcs, 'breaks': breaks, 'fl': fl, 'addr': addr, 'scopes': scopes})
`]);
      gdb = res;
    });

    it('reads the DWARF without warnings', () => {
      assert.deepEqual(f.warningList, []);
      assert.ok(f.dwarf!.units.length >= 3);
    });

    it('every line-table row: same file, line and line start as gdb', () => {
      const bad = lineRowMismatches(f, gdb.rows);
      assert.ok(gdb.rows.length > 100);
      assert.deepEqual(bad, []);
    });

    it('every function: same name and address range as gdb', () => {
      const bad = functionRangeMismatches(f, gdb.funcs);
      assert.ok(gdb.funcs.length >= 8);
      assert.deepEqual(bad, []);
    });

    it('break FUNC: same after-prologue address as gdb', () => {
      const bad: string[] = [];
      for (const n of names) {
        const want = (gdb.breaks[n] ?? []).map((x) => hex(BigInt(x))).join(' ');
        const got = f.symbolizer!.breakpointAddresses(n).map(hex).join(' ');
        if (got !== want) bad.push(`${n}: gdb ${want}, ours ${got}`);
      }
      assert.deepEqual(bad, []);
    });

    it('break FILE:LINE: same set of addresses as gdb', () => {
      const bad = fileLineBreakMismatches(f, gdb.fl);
      assert.ok(gdb.fl.length > 30);
      assert.deepEqual(bad, []);
    });

    it('info scope at every function\'s breakpoint address: same variables, sizes, static addresses and location-list ranges', () => {
      const bad: string[] = [];
      let vars = 0;
      for (const a of scopeAddrs) {
        const want: string[] = [];
        for (const ent of gdb.scopes[String(a)].split(/\n(?=Symbol )/)) {
          const m = /^Symbol (\S+) is ([\s\S]*)$/.exec(ent.trim());
          if (!m || /^a function at address/.test(m[2])) continue; // inlined functions' own symbols
          const len = /, length (\d+)\.$/.exec(m[2])?.[1] ?? '-';
          const ranges = [...m[2].matchAll(/Range (0x[0-9a-f]+)-(0x[0-9a-f]+):/g)].map((x) => `${x[1]}-${x[2]}`);
          const stat = /static storage at address (0x[0-9a-f]+)/.exec(m[2])?.[1];
          want.push(`${m[1]} len=${len}${stat ? ' @' + stat : ''}${ranges.length ? ' [' + ranges.join(' ') + ']' : ''}${/^optimized out/.test(m[2]) ? ' opt' : ''}`);
        }
        const got: string[] = [];
        for (const d of f.variables!.localsAt(a)) {
          const la = d.get(DW_AT.location);
          const expr = la && (la.cls === 'exprloc' || la.cls === 'block') ? (la.v as Uint8Array) : undefined;
          let extra = '';
          if (!la && !d.get(DW_AT.const_value)) extra = ' opt';
          else if (expr && expr[0] === 0x03 /* DW_OP_addr */) extra = ' @' + hex(new DataView(expr.buffer, expr.byteOffset + 1, 8).getBigUint64(0, true));
          else if (la && !expr) extra = ' [' + d.unit.locationList(la).map((e) => `${hex(e.lo)}-${hex(e.hi)}`).join(' ') + ']';
          got.push(`${f.dwarf!.nameOf(d)} len=${extra === ' opt' ? '-' : sizeOf(f.variables!.typeOfVar(d))}${extra}`);
        }
        want.sort(); got.sort();
        vars += want.length;
        if (JSON.stringify(got) !== JSON.stringify(want)) bad.push(`${hex(a)}: gdb ${want.join(' | ')}; ours ${got.join(' | ')}`);
      }
      assert.ok(scopeAddrs.length >= 8 && vars >= 10, `${scopeAddrs.length} scopes, ${vars} variables`);
      assert.deepEqual(bad.slice(0, 10), []);
    });

    it('info address: functions and globals at the same addresses as gdb', () => {
      const bad: string[] = [];
      for (const n of names) {
        const fn = f.symbolizer!.functionsNamed(n)[0];
        if (!fn || hex(fn.lo) !== gdb.addr[n]) bad.push(`${n}: gdb ${gdb.addr[n]}, ours ${fn ? hex(fn.lo) : 'none'}`);
      }
      for (const n of globals) {
        const a = f.symbolizer!.symbolAddress(n);
        if (a === undefined || hex(a) !== gdb.addr[n]) bad.push(`${n}: gdb ${gdb.addr[n]}, ours ${a === undefined ? 'none' : hex(a)}`);
      }
      assert.ok(globals.length >= 3);
      assert.deepEqual(bad, []);
    });
  });
}
