// .debug_line programs, DWARF 2-5: header (v5 entry formats, v4 include_directories and
// file_names), and the line-number state machine producing rows grouped into sequences.
import { Reader, stringAt } from '../bytes';
import { SymbolsError, WarningSink } from '../errors';
import { DW_FORM, DW_LNCT, DW_LNE, DW_LNS } from './constants';
import { DwarfSections } from './sections';

export interface LineFile { name: string; dirIndex: number; path: string }

export interface LineRow {
  address: bigint;
  file: number;
  line: number;
  column: number;
  isStmt: boolean;
  prologueEnd: boolean;
  endSequence: boolean;
  discriminator: number;
}

export interface LineSequence { lo: bigint; hi: bigint; rows: LineRow[] }

export interface LineTable {
  offset: number;
  version: number;
  files: LineFile[];
  /** Index of the first file in `files` as numbered by the program (1 for v2-4, 0 for v5). */
  fileBase: number;
  sequences: LineSequence[];
}

/**
 * A path with `.` components, repeated slashes and `dir/..` pairs removed, as gdb shows a
 * source's full name (`/linux/./include/x.h` is `/linux/include/x.h`); a relative path keeps
 * its leading `..` components.
 */
export function normalizePath(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const c of p.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else if (c === '..' && abs) continue;
    else out.push(c);
  }
  const r = (abs ? '/' : '') + out.join('/');
  return r || (abs ? '/' : '.');
}

function joinPath(dir: string, name: string): string {
  if (name.startsWith('/') || dir === '') return normalizePath(name);
  return normalizePath(`${dir}/${name}`);
}

/** Parses the line program at `offset`; on error returns what was decoded so far. */
export function readLineTable(s: DwarfSections, offset: number, compDir: string, cuName: string, addrSize: number, warnings: WarningSink): LineTable {
  const table: LineTable = { offset, version: 0, files: [], fileBase: 1, sequences: [] };
  try {
    parse(s, offset, compDir, cuName, addrSize, table);
  } catch (e) {
    warnings.caught(`line table at 0x${offset.toString(16)}`, e);
  }
  return table;
}

function parse(s: DwarfSections, offset: number, compDir: string, cuName: string, addrSize: number, t: LineTable): void {
  const sec = '.debug_line';
  const r0 = new Reader(s.line, s.little, sec, offset);
  let len = r0.u32(), offsetSize = 4;
  if (len === 0xffffffff) { len = r0.u64n(); offsetSize = 8; }
  const end = r0.pos + len;
  if (end > s.line.length) throw new SymbolsError(`line program length ${len} runs past the section`, { section: sec, offset });
  const r = new Reader(s.line, s.little, sec, r0.pos);
  // Restrict reads to this program.
  const rr = r.sub(0, end);
  rr.pos = r0.pos;
  const version = rr.u16();
  t.version = version;
  if (version < 2 || version > 5) throw new SymbolsError(`unsupported line table version ${version}`, { section: sec, offset });
  if (version >= 5) { addrSize = rr.u8(); rr.u8(); }
  const headerLength = rr.offset(offsetSize);
  const progStart = rr.pos + headerLength;
  const minInst = rr.u8();
  const maxOps = version >= 4 ? rr.u8() : 1;
  const defaultIsStmt = rr.u8() !== 0;
  const lineBase = rr.i8();
  const lineRange = rr.u8();
  const opcodeBase = rr.u8();
  if (lineRange === 0) throw new SymbolsError('line_range is 0', { section: sec, offset });
  const stdLens: number[] = [0];
  for (let i = 1; i < opcodeBase; i++) stdLens.push(rr.u8());
  const dirs: string[] = [];
  if (version >= 5) {
    const readEntries = (): Array<Map<number, string | number>> => {
      const fmtCount = rr.u8();
      const fmts: Array<[number, number]> = [];
      for (let i = 0; i < fmtCount; i++) fmts.push([rr.uleb(), rr.uleb()]);
      const count = rr.uleb();
      if (count > rr.remaining) throw new SymbolsError(`entry count ${count} too large`, { section: sec, offset: rr.pos });
      const out: Array<Map<number, string | number>> = [];
      for (let i = 0; i < count; i++) {
        const m = new Map<number, string | number>();
        for (const [ct, form] of fmts) m.set(ct, readForm(rr, form, offsetSize, s));
        out.push(m);
      }
      return out;
    };
    for (const d of readEntries()) dirs.push(String(d.get(DW_LNCT.path) ?? ''));
    const absDirs = dirs.map((d, i) => (i === 0 ? (d || compDir) : joinPath(dirs[0] || compDir, d)));
    for (const f of readEntries()) {
      const name = String(f.get(DW_LNCT.path) ?? '');
      const di = Number(f.get(DW_LNCT.directory_index) ?? 0);
      t.files.push({ name, dirIndex: di, path: joinPath(absDirs[di] ?? compDir, name) });
    }
    t.fileBase = 0;
  } else {
    for (;;) { const d = rr.cstring(); if (d === '') break; dirs.push(d); }
    const absDir = (i: number) => (i === 0 ? compDir : joinPath(compDir, dirs[i - 1] ?? ''));
    for (;;) {
      const name = rr.cstring();
      if (name === '') break;
      const di = rr.uleb(); rr.uleb(); rr.uleb();
      t.files.push({ name, dirIndex: di, path: joinPath(absDir(di), name) });
    }
    t.fileBase = 1;
  }
  void cuName;
  rr.pos = progStart;
  runProgram(rr, end, { minInst, maxOps, defaultIsStmt, lineBase, lineRange, opcodeBase, stdLens, addrSize }, t, absDirFor(t, dirs, compDir, version));
}

function absDirFor(_t: LineTable, dirs: string[], compDir: string, version: number): (i: number) => string {
  if (version >= 5) return (i) => (i === 0 ? dirs[0] || compDir : joinPath(dirs[0] || compDir, dirs[i] ?? ''));
  return (i) => (i === 0 ? compDir : joinPath(compDir, dirs[i - 1] ?? ''));
}

function readForm(r: Reader, form: number, offsetSize: number, s: DwarfSections): string | number {
  switch (form) {
    case DW_FORM.string: return r.cstring();
    case DW_FORM.line_strp: return stringAt(s.lineStr, r.offset(offsetSize)) ?? '';
    case DW_FORM.strp: return stringAt(s.str, r.offset(offsetSize)) ?? '';
    case DW_FORM.udata: return r.uleb();
    case DW_FORM.data1: return r.u8();
    case DW_FORM.data2: return r.u16();
    case DW_FORM.data4: return r.u32();
    case DW_FORM.data8: return Number(r.u64());
    case DW_FORM.data16: r.skip(16); return 0;
    case DW_FORM.block: r.skip(r.uleb()); return 0;
    case DW_FORM.strx: case DW_FORM.strx1: case DW_FORM.strx2: case DW_FORM.strx3: case DW_FORM.strx4:
      return r.fail('strx forms in a line table header need a unit (not supported)');
    default: return r.fail(`unknown form 0x${form.toString(16)} in line table header`);
  }
}

interface Params { minInst: number; maxOps: number; defaultIsStmt: boolean; lineBase: number; lineRange: number; opcodeBase: number; stdLens: number[]; addrSize: number }

function runProgram(r: Reader, end: number, p: Params, t: LineTable, absDir: (i: number) => string): void {
  let address = 0n, file = 1, line = 1, column = 0, isStmt = p.defaultIsStmt, prologueEnd = false, discriminator = 0;
  let rows: LineRow[] = [];
  const minInst = BigInt(p.minInst);
  const reset = () => { address = 0n; file = 1; line = 1; column = 0; isStmt = p.defaultIsStmt; prologueEnd = false; discriminator = 0; };
  const emit = (endSequence: boolean) => {
    rows.push({ address, file, line, column, isStmt, prologueEnd, endSequence, discriminator });
    discriminator = 0; prologueEnd = false;
    if (endSequence) {
      if (rows.length > 1 || rows[0].address !== address) t.sequences.push({ lo: rows[0].address, hi: address, rows });
      rows = [];
      reset();
    }
  };
  // Each opcode consumes at least one byte, so the loop is bounded by the program size.
  while (r.pos < end) {
    const op = r.u8();
    if (op >= p.opcodeBase) {
      const adj = op - p.opcodeBase;
      address += BigInt(Math.floor(adj / p.lineRange)) * minInst;
      line += p.lineBase + (adj % p.lineRange);
      emit(false);
    } else if (op === 0) {
      const len = r.uleb();
      const start = r.pos;
      if (len === 0 || start + len > end) r.fail(`bad extended opcode length ${len}`);
      const sub = r.u8();
      switch (sub) {
        case DW_LNE.end_sequence: emit(true); break;
        case DW_LNE.set_address: address = r.uN(len - 1 === 4 || len - 1 === 8 ? len - 1 : p.addrSize); break;
        case DW_LNE.define_file: {
          const name = r.cstring(); const di = r.uleb(); r.uleb(); r.uleb();
          t.files.push({ name, dirIndex: di, path: joinPath(absDir(di), name) });
          break;
        }
        case DW_LNE.set_discriminator: discriminator = r.uleb(); break;
        default: break;
      }
      r.pos = start + len;
    } else {
      switch (op) {
        case DW_LNS.copy: emit(false); break;
        case DW_LNS.advance_pc: address += BigInt(r.uleb()) * minInst; break;
        case DW_LNS.advance_line: line += r.sleb(); break;
        case DW_LNS.set_file: file = r.uleb(); break;
        case DW_LNS.set_column: column = r.uleb(); break;
        case DW_LNS.negate_stmt: isStmt = !isStmt; break;
        case DW_LNS.set_basic_block: break;
        case DW_LNS.const_add_pc: address += BigInt(Math.floor((255 - p.opcodeBase) / p.lineRange)) * minInst; break;
        case DW_LNS.fixed_advance_pc: address += BigInt(r.u16()); break;
        case DW_LNS.set_prologue_end: prologueEnd = true; break;
        case DW_LNS.set_epilogue_begin: break;
        case DW_LNS.set_isa: r.uleb(); break;
        default: for (let i = 0; i < (p.stdLens[op] ?? 0); i++) r.uleb();
      }
      address = BigInt.asUintN(64, address);
    }
  }
}

/** The file entry for a row's file number, or undefined when out of range. */
export function lineFile(t: LineTable, file: number): LineFile | undefined {
  return t.files[file - t.fileBase];
}
