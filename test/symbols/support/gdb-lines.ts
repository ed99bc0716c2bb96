// gdb's answers about lines, functions and breakpoints, as Python snippets for gdbPython()
// (each fills one variable the caller emits), and the comparisons of our SymbolFile against
// them. One copy of each oracle rule, so every test asks gdb the same question the same way.
import type { SymbolFile } from '../../../symbols';

export type LineRow = [pc: string, file: string | null, line: number, start: string];
export type FunctionRange = [lo: string, name: string | null, start: string, end: string];
export type FileLineBreak = [file: string, line: number, addresses: string[]];

const hex = (v: bigint) => '0x' + v.toString(16);
const list = (xs: Iterable<bigint>) => `[${[...xs].map(String).join(',')}]`;

/** Every line-table row address and the address 2 bytes after it (inside a 4-byte instruction). */
export function lineRowProbes(f: SymbolFile): bigint[] {
  const out = new Set<bigint>();
  for (const { table } of f.symbolizer!.allLineRows()) for (const s of table.sequences) for (const r of s.rows) { out.add(r.address); out.add(r.address + 2n); }
  return [...out];
}

/** Python: `rows` = find_pc_line at each pc, the file as its full name or as written in the line table. */
export function pyLineRows(pcs: Iterable<bigint>, file: 'fullname' | 'filename' = 'fullname'): string {
  const name = file === 'fullname' ? 'sal.symtab.fullname()' : 'sal.symtab.filename';
  return `
rows = []
for pc in ${list(pcs)}:
    sal = gdb.find_pc_line(pc)
    rows.append([str(pc), ${name} if sal.symtab else None, sal.line, str(sal.pc)])
`;
}

/** Python: `funcs` = the function block around each address (climbing to the block under the static block). */
export function pyFunctionRanges(los: Iterable<bigint>): string {
  return `
funcs = []
for lo in ${list(los)}:
    b = gdb.block_for_pc(lo)
    while b is not None and b.superblock is not None and not b.superblock.is_static and not b.superblock.is_global:
        b = b.superblock
    funcs.append([str(lo), b.function.name if b else None, str(b.start) if b else '0', str(b.end) if b else '0'])
`;
}

/** Python: `fl` = the addresses `break FILE:LINE` gets, for each (file, line). */
export function pyFileLineBreaks(fileLines: Array<[string, number]>): string {
  return `
import re
fl = []
for (f, l) in ${JSON.stringify(fileLines)}:
    try:
        bp = gdb.Breakpoint('%s:%d' % (f, l), internal=True)
        t = gdb.execute('maint info breakpoints %d' % bp.number, to_string=True)
        fl.append([f, l, sorted(set(re.findall(r'(0x[0-9a-f]+)', t)), key=lambda x: int(x, 16))])
        bp.delete()
    except gdb.error:
        fl.append([f, l, []])
`;
}

/** Rows where our file, line and line start differ from gdb's (file compared by base name when asked). */
export function lineRowMismatches(f: SymbolFile, rows: LineRow[], file: 'path' | 'basename' = 'path'): string[] {
  const bad: string[] = [];
  for (const [pc, gfile, line, start] of rows) {
    const m = f.lineAt(BigInt(pc));
    const ours = m ? (file === 'path' ? m.file : m.file.split('/').pop()) : undefined;
    const mine = m ? `${ours}:${m.line}@${hex(m.address)}` : 'none';
    const want = line ? `${gfile}:${line}@${hex(BigInt(start))}` : 'none';
    if (mine !== want) bad.push(`${hex(BigInt(pc))}: gdb ${want}, ours ${mine}`);
  }
  return bad;
}

/** Functions whose name or address range differ from gdb's. */
export function functionRangeMismatches(f: SymbolFile, funcs: FunctionRange[]): string[] {
  const bad: string[] = [];
  for (const [lo, name, start, end] of funcs) {
    const fn = f.functionAt(BigInt(lo));
    const mine = fn ? `${fn.name} [${hex(fn.lo)},${hex(fn.hi)})` : 'none';
    const want = `${name} [${hex(BigInt(start))},${hex(BigInt(end))})`;
    if (mine !== want) bad.push(`${hex(BigInt(lo))}: gdb ${want}, ours ${mine}`);
  }
  return bad;
}

/** `break FILE:LINE` answers that differ from gdb's. */
export function fileLineBreakMismatches(f: SymbolFile, fl: FileLineBreak[]): string[] {
  const bad: string[] = [];
  for (const [file, line, want] of fl) {
    const got = f.addressesForLine(file, line).map(hex).join(' ');
    if (got !== want.map((x) => hex(BigInt(x))).join(' ')) bad.push(`break ${file}:${line}: gdb ${want.join(' ')}, ours ${got}`);
  }
  return bad;
}
