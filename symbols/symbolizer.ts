// Address <-> source queries over one ELF file and its DWARF, with gdb's rules:
// address -> function+offset, file, line and the chain of inlined calls; file:line -> every
// address where a breakpoint belongs; function -> after-prologue address.
import { ElfFile, ElfSection, ElfSymbol, ET_REL, SHF_ALLOC, SHF_EXECINSTR, SHN_UNDEF, STT_FUNC, STT_NOTYPE, STT_OBJECT } from './elf/elf';
import { DW_AT, DW_TAG } from './dwarf/constants';
import { Dwarf } from './dwarf/dwarf';
import { Die, Unit } from './dwarf/info';
import { LineTable, lineFile, normalizePath } from './dwarf/line';

export interface LineEntry { address: bigint; file: string; line: number; column: number; isStmt: boolean; prologueEnd: boolean }
export interface LineAt { file: string; line: number; column: number; address: bigint; end: bigint }
export interface InlineFrame {
  /** Function name of this (possibly inlined) frame. */
  function: string;
  die?: Die;
  /** Source position within this frame. */
  file?: string;
  line?: number;
  inlined: boolean;
}
export interface SymbolAt { name: string; offset: bigint; address: bigint; size: bigint }

/** gdb's per-file line table of one unit ("subfile"): entries sorted by address, line 0 = end marker. */
export interface SubfileLines { path: string; entries: LineEntry[] }
interface UnitLines { entries: LineEntry[]; subfiles: SubfileLines[] }

/** An ELF symbol's name as gdb shows it: without the `.N` that gcc appends to local statics and clones. */
export function displayName(name: string): string { return name.replace(/\.\d+$/, ''); }

function symbolAtOf(sym: ElfSymbol, addr: bigint): SymbolAt {
  return { name: displayName(sym.name), offset: addr - sym.value, address: sym.value, size: sym.size };
}

export class Symbolizer {
  private unitLines = new Map<Unit, UnitLines>();
  private elfSyms?: ElfSymbol[];

  constructor(readonly elf: ElfFile, readonly dwarf: Dwarf) {}

  /**
   * Line entries of a unit, recorded the way gdb's DWARF reader records them: one table per
   * source file, consecutive rows of an unchanged line dropped when that line carries a
   * discriminator, line-0 rows ignored, an end marker put in a file's table where the program
   * switches to another file (removing that file's entries at the same address).
   */
  linesOf(u: Unit): UnitLines {
    const hit = this.unitLines.get(u);
    if (hit) return hit;
    const t = this.dwarf.lineTable(u);
    const out: UnitLines = { entries: [], subfiles: [] };
    const byPath = new Map<string, SubfileLines>();
    const sub = (path: string): SubfileLines => {
      let s = byPath.get(path);
      if (!s) { s = { path, entries: [] }; byPath.set(path, s); out.subfiles.push(s); }
      return s;
    };
    const record = (s: SubfileLines, e: LineEntry) => {
      if (e.line === 0) {
        let lastLine: number | undefined;
        while (s.entries.length) {
          const last = s.entries[s.entries.length - 1];
          lastLine = last.line;
          if (last.address !== e.address) break;
          s.entries.pop();
        }
        if (lastLine === undefined || lastLine === 0) return;
      }
      s.entries.push(e);
    };
    if (t) {
      const root = u.head();
      const unitName = u.str(root.get(DW_AT.name));
      const unitLow = u.ranges(root).reduce((m, [lo]) => (lo < m ? lo : m), 0xffffffffffffffffn);
      // the unit's primary file comes first, as in gdb
      if (unitName) {
        const primary = t.files.find((f) => f.name === unitName || f.path.endsWith('/' + unitName) || f.path === normalizePath(unitName) || f.path.endsWith('/' + normalizePath(unitName)));
        if (primary) sub(primary.path);
      }
      for (const seq of t.sequences) {
        if (seq.lo === 0n && unitLow !== 0n) continue; // code discarded by the linker
        let last: SubfileLines | undefined;
        let lastLine = 0, lastAddr = -1n, stmtAtAddr = false, lineHasDisc = false, prevLine = -1;
        let prevFile: number | undefined;
        for (const r of seq.rows) {
          const path = lineFile(t, r.file)?.path ?? `<file ${r.file}>`;
          const cur = sub(path);
          // gdb's DW_LNS_set_file makes the file being left the "last" one, even when its last
          // row was ignored (checked with `set debug dwarf-line 1` on Linux)
          const fileSwitched = prevFile !== undefined && r.file !== prevFile;
          if (fileSwitched) last = sub(lineFile(t, prevFile!)?.path ?? `<file ${prevFile}>`);
          prevFile = r.file;
          // "this line had a discriminator": reset by a new line and by DW_LNS_set_file (gdb 13)
          if (r.line !== prevLine || fileSwitched) lineHasDisc = r.discriminator !== 0; else if (r.discriminator !== 0) lineHasDisc = true;
          prevLine = r.line;
          if (lastAddr !== r.address) { stmtAtAddr = false; lastAddr = r.address; }
          stmtAtAddr ||= r.isStmt;
          const fileChanged = last !== cur;
          const ignore = (fileChanged && !r.endSequence && !r.isStmt && stmtAtAddr) || (!r.endSequence && r.line === 0);
          if ((fileChanged && !ignore) || r.endSequence) {
            if (last) record(last, { address: r.address, file: last.path, line: 0, column: 0, isStmt: true, prologueEnd: false });
          }
          if (!r.endSequence && !ignore) {
            if (fileChanged || r.line !== lastLine || !lineHasDisc) {
              record(cur, { address: r.address, file: path, line: r.line, column: r.column, isStmt: r.isStmt, prologueEnd: r.prologueEnd });
            }
            last = cur;
            lastLine = r.line;
          }
        }
      }
      // gdb makes one symtab per file in file-table order (the primary first) and, on ties,
      // find_pc_line prefers the earlier one
      const rank = new Map<string, number>();
      t.files.forEach((f, i) => { if (!rank.has(f.path)) rank.set(f.path, i); });
      const primaryPath = out.subfiles[0]?.path;
      const key = (sf: SubfileLines) => (sf.path === primaryPath ? -1 : rank.get(sf.path) ?? Number.MAX_SAFE_INTEGER);
      out.subfiles.sort((a, b) => key(a) - key(b));
      for (const s of out.subfiles) {
        s.entries = s.entries.map((e, i) => ({ e, i })).sort((a, b) => (a.e.address < b.e.address ? -1 : a.e.address > b.e.address ? 1 : (a.e.line === 0 ? 0 : 1) - (b.e.line === 0 ? 0 : 1) || a.i - b.i)).map((x) => x.e);
        for (const e of s.entries) out.entries.push(e); // no spread: a unit can have more rows than a call takes arguments
      }
      out.entries.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    }
    this.unitLines.set(u, out);
    return out;
  }

  /** Every raw row of every unit's line table (for tests and tools). */
  allLineRows(): Array<{ unit: Unit; table: LineTable }> {
    const out: Array<{ unit: Unit; table: LineTable }> = [];
    for (const u of this.dwarf.units) { const t = this.dwarf.lineTable(u); if (t) out.push({ unit: u, table: t }); }
    return out;
  }

  /** The source line containing pc, as gdb's find_pc_line picks it. */
  lineAt(pc: bigint): LineAt | undefined {
    for (const u of this.dwarf.unitsFor(pc)) {
      const r = this.lineInUnit(u, pc);
      if (r) return r;
    }
    return undefined;
  }

  /** gdb's find_pc_sect_line over one unit's per-file tables. */
  private lineInUnit(u: Unit, pc: bigint): LineAt | undefined {
    let best: LineEntry | undefined, bestEnd = 0n, alt: LineEntry | undefined;
    for (const sf of this.linesOf(u).subfiles) {
      const items = sf.entries;
      if (!items.length) continue;
      if (items[0].address > pc && (!alt || items[0].address < alt.address)) alt = items[0];
      // upper bound: first item with address > pc
      let lo = 0, hi = items.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (items[mid].address > pc) hi = mid; else lo = mid + 1; }
      const item = lo;
      if (item > 0 && (!best || items[item - 1].address > best.address || (items[item - 1].address === best.address && best.line === 0 && items[item - 1].line !== 0))) {
        let k = item - 1;
        best = items[k];
        if (!best.isStmt) {
          while (k > 0 && items[k - 1].address === items[k].address && items[k - 1].line !== 0 && !items[k].isStmt) k--;
          if (items[k].isStmt) best = items[k];
        }
        if (bestEnd <= best.address) bestEnd = 0n;
      }
      if (best && item < items.length && items[item].address > best.address && (bestEnd === 0n || bestEnd > items[item].address)) bestEnd = items[item].address;
    }
    if (!best || best.line === 0) return undefined;
    const end = bestEnd && (!alt || bestEnd < alt.address) ? bestEnd : alt ? alt.address : best.address;
    return { file: best.file, line: best.line, column: best.column, address: best.address, end };
  }

  /** ELF symbols that name code or data, sorted by address. */
  private symbolsSorted(): ElfSymbol[] {
    if (this.elfSyms) return this.elfSyms;
    let syms = this.elf.symbols().filter((s) => s.shndx !== SHN_UNDEF && s.name !== '' && (s.type === STT_FUNC || s.type === STT_OBJECT || s.type === STT_NOTYPE) && !s.name.startsWith('.L') && !s.name.startsWith('$'));
    // in a relocatable object (a module) values are offsets into their sections, which may be placed
    if (this.elf.type === ET_REL) syms = syms.map((s) => { const sec = this.elf.sections[s.shndx]; return sec && s.shndx < 0xff00 ? { ...s, value: sec.addr + s.value } : s; });
    syms.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    this.elfSyms = syms;
    return syms;
  }

  /**
   * The ELF symbol gdb's minimal-symbol lookup gives for an address (function names of code
   * without DWARF, `<symbol+offset>`): only symbols of the allocated section holding addr count;
   * at one address gdb sorts by name and takes the last; scanning down from there, the first
   * sized symbol wins over zero-sized ones (the nearest zero-sized one is kept as a fallback);
   * a sized symbol that ends at or below addr gives the fallback or nothing.
   */
  symbolAt(addr: bigint): SymbolAt | undefined {
    const r = this.minimalSymbol(addr);
    return r && symbolAtOf(r.sym, addr);
  }

  /** As symbolAt, for data: gdb never names a zero-sized symbol outside code (linker-script and assembly labels). */
  dataSymbolAt(addr: bigint): SymbolAt | undefined {
    const r = this.minimalSymbol(addr);
    if (!r || (r.sym.size === 0n && (r.sec.flags & BigInt(SHF_EXECINSTR)) === 0n)) return undefined;
    return symbolAtOf(r.sym, addr);
  }

  /** The section holding addr among those with all of `flags` (default: allocated ones). */
  sectionAt(addr: bigint, flags = BigInt(SHF_ALLOC)): ElfSection | undefined {
    return this.elf.sections.find((s) => (s.flags & flags) === flags && s.size > 0 && addr >= s.addr && addr < s.addr + BigInt(s.size));
  }

  private minimalSymbol(addr: bigint): { sym: ElfSymbol; sec: ElfSection } | undefined {
    const sec = this.sectionAt(addr);
    if (!sec) return undefined;
    const syms = this.symbolsSorted();
    let lo = 0, hi = syms.length - 1, i = -1;
    while (lo <= hi) { const mid = (lo + hi) >> 1; if (syms[mid].value <= addr) { i = mid; lo = mid + 1; } else hi = mid - 1; }
    if (i < 0) return undefined;
    const v = syms[i].value;
    let j = i;
    while (j >= 0 && syms[j].value === v) j--;
    const atAddr = syms.slice(j + 1, i + 1).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let zero: ElfSymbol | undefined, pick: ElfSymbol | undefined;
    const visit = (s: ElfSymbol): boolean => {
      if (s.shndx !== sec.index) return false;
      if (s.size === 0n) { zero ??= s; return false; }
      pick = s;
      return true;
    };
    let done = false;
    for (let k = atAddr.length - 1; k >= 0 && !done; k--) done = visit(atAddr[k]);
    for (let k = j; k >= 0 && !done; k--) done = visit(syms[k]);
    if (pick && addr >= pick.value + pick.size) pick = zero;
    pick ??= zero;
    return pick ? { sym: pick, sec } : undefined;
  }

  /** The address of a named ELF symbol. */
  symbolAddress(name: string): bigint | undefined {
    return this.elfSymbolsNamed(name)[0]?.value;
  }

  /** Concrete function containing pc: name, range and pc's offset (DWARF first, then ELF symbols). */
  functionAt(pc: bigint): { name: string; lo: bigint; hi: bigint; offset: bigint; die?: Die } | undefined {
    const f = this.dwarf.functionAt(pc);
    if (f) {
      const name = this.dwarf.nameOf(f.die) ?? '??';
      let lo = f.lo, hi = f.hi;
      for (const [a, b] of f.die.unit.ranges(f.die)) { if (a < lo) lo = a; if (b > hi) hi = b; }
      return { name, lo: f.lo, hi: f.hi, offset: pc - lo, die: f.die };
    }
    const s = this.symbolAt(pc);
    if (s && (s.size === 0n || pc < s.address + s.size)) return { name: s.name, lo: s.address, hi: s.address + s.size, offset: s.offset };
    return undefined;
  }

  /** Whether addr lies in a function the DWARF knows or in an executable section (not data that happens to have a symbol). */
  isCode(addr: bigint): boolean {
    return this.dwarf.functionAt(addr) !== undefined || this.sectionAt(addr, BigInt(SHF_ALLOC | SHF_EXECINSTR)) !== undefined;
  }

  /** Innermost-first chain of DIEs (inlined subroutines, then the concrete function) containing pc. */
  scopeChain(pc: bigint): Die[] {
    const f = this.dwarf.functionAt(pc);
    if (!f) return [];
    const chain: Die[] = [f.die];
    const u = f.die.unit;
    let cur = f.die;
    // the next block holding pc among the children, looking through address-less lexical blocks
    // (gdb reads their children as the enclosing block's)
    const find = (d: Die, depth: number): Die | undefined => {
      for (const c of d.children) {
        if (c.tag !== DW_TAG.lexical_block && c.tag !== DW_TAG.inlined_subroutine) continue;
        const rs = u.ranges(c);
        if (rs.some(([lo, hi]) => pc >= lo && pc < hi)) return c;
        if (c.tag === DW_TAG.lexical_block && depth < 8 && u.pcBounds(c) === 'none') { const n = find(c, depth + 1); if (n) return n; }
      }
      return undefined;
    };
    for (let depth = 0; depth < 64; depth++) {
      const next = find(cur, 0);
      if (!next) break;
      chain.push(next);
      cur = next;
    }
    return chain.reverse();
  }

  /** Frames at pc, innermost first: inlined calls (with their positions) then the real function. */
  inlineFrames(pc: bigint): InlineFrame[] {
    const chain = this.scopeChain(pc).filter((d) => d.tag !== DW_TAG.lexical_block);
    const loc = this.lineAt(pc);
    const frames: InlineFrame[] = [];
    let file = loc?.file, line = loc?.line;
    for (const d of chain) {
      frames.push({ function: this.dwarf.nameOf(d) ?? '??', die: d, file, line, inlined: d.tag === DW_TAG.inlined_subroutine });
      if (d.tag === DW_TAG.inlined_subroutine) {
        const u = d.unit;
        const cf = u.num(d.get(DW_AT.call_file));
        const t = this.dwarf.lineTable(u);
        file = cf !== undefined && t ? lineFile(t, cf)?.path : undefined;
        line = u.num(d.get(DW_AT.call_line));
      }
    }
    if (!frames.length) {
      const s = this.functionAt(pc);
      frames.push({ function: s?.name ?? '??', file, line, inlined: false });
    }
    return frames;
  }

  /**
   * The inlined calls that begin at pc, innermost first: the ones gdb may hide at a stop there
   * (its skip_inline_frames). Walking out from the innermost block at pc (through lexical blocks),
   * each inlined block counts while pc is its entry (the start of its first listed range) or
   * pc - 1 lies outside it (a jump into a later range); the walk ends at the first inlined block
   * that does not begin at pc, or at the function.
   */
  inlineEntriesAt(pc: bigint): Die[] {
    const out: Die[] = [];
    const chain = this.scopeChain(pc);
    let before: Die[] | undefined;
    for (const d of chain) {
      if (d.tag === DW_TAG.subprogram) break;
      if (d.tag !== DW_TAG.inlined_subroutine) continue;
      const rs = d.unit.ranges(d);
      if (!rs.length) break;
      if (rs[0][0] !== pc) {
        before ??= this.scopeChain(pc - 1n);
        if (before.includes(d)) break;
      }
      out.push(d);
    }
    return out;
  }

  /** Whether a (normalised) line-table path is the file a user names, with or without `./` in it (a `..` is not resolved, as in gdb). */
  static fileMatches(path: string, want: string): boolean {
    if (path === want || path.endsWith('/' + want)) return true;
    const w = want.split('/').filter((c, i) => c !== '.' && (c !== '' || i === 0)).join('/');
    return path === w || path.endsWith('/' + w);
  }

  /**
   * Addresses for file:line as gdb's breakpoint resolution gives them: the is_stmt entries for
   * the exact line (or the next line that has code), one per function or inlined instance
   * (its lowest address).
   */
  addressesForLine(file: string, line: number): bigint[] {
    const cands: LineEntry[] = [];
    let bestLine = Infinity;
    for (const u of this.dwarf.units) {
      const { entries } = this.linesOf(u);
      for (const e of entries) {
        if (!e.isStmt || e.line === 0 || !Symbolizer.fileMatches(e.file, file)) continue;
        if (e.line === line) cands.push(e);
        else if (e.line > line && e.line < bestLine) bestLine = e.line;
      }
    }
    let chosen = cands;
    if (!chosen.length && bestLine !== Infinity) {
      for (const u of this.dwarf.units) for (const e of this.linesOf(u).entries) if (e.isStmt && e.line === bestLine && Symbolizer.fileMatches(e.file, file)) chosen.push(e);
    }
    // gdb keeps one location per block (the first in address order); a lexical block is a
    // block only when it declares something.
    chosen.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    const seen = new Set<string>();
    const out = new Set<bigint>();
    for (const e of chosen) {
      const key = this.blockKey(e.address);
      if (seen.has(key)) continue;
      seen.add(key);
      // a location inside a function's prologue moves past it, as gdb's skip_prologue_sal does
      let a = e.address;
      const fn = this.dwarf.functionAt(a);
      if (fn) {
        const after = this.skipPrologue(fn.lo, fn.hi, fn.die.unit);
        if (a < after) a = after;
      }
      out.add(a);
    }
    return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Identifies gdb's innermost block at pc (functions, inlined calls, declaring lexical blocks). */
  private blockKey(pc: bigint): string {
    const chain = this.scopeChain(pc);
    for (const d of chain) {
      if (d.tag !== DW_TAG.lexical_block) return String(d.offset);
      if (d.children.some((c) => c.tag !== DW_TAG.lexical_block && c.tag !== DW_TAG.inlined_subroutine && c.tag !== DW_TAG.call_site && c.tag !== DW_TAG.GNU_call_site)) return String(d.offset);
    }
    return `sym:${this.functionAt(pc)?.name ?? pc}`;
  }

  /**
   * Every address `break NAME` resolves to in gdb: the out-of-line function's after-prologue
   * address and the entry of each inlined instance.
   */
  breakpointAddresses(name: string): bigint[] {
    const out = new Set<bigint>();
    const a = this.afterPrologue(name);
    if (a !== undefined && this.functionsNamed(name).length) out.add(a);
    const abstract = new Set(this.dwarf.byName(name, [DW_TAG.subprogram]).map((d) => d.offset));
    if (abstract.size) {
      for (const u of this.dwarf.units) {
        for (const d of u.all().values()) {
          if (d.tag !== DW_TAG.inlined_subroutine) continue;
          const o = d.get(DW_AT.abstract_origin);
          if (!o || !abstract.has(o.v as number)) continue;
          const rs = u.ranges(d);
          if (rs.length) out.add(rs.length === 1 ? rs[0][0] : rs[0][0]);
        }
      }
    }
    if (!out.size && a !== undefined) out.add(a);
    return [...out].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  }

  /** Concrete functions named `name` (any unit), with their low address. */
  functionsNamed(name: string): Array<{ die: Die; lo: bigint; hi: bigint }> {
    // Fast path, no name index: the ELF symbols of that name lead to their units by address.
    const seen = new Set<Die>();
    const fast: Die[] = [];
    for (const s of this.elfSymbolsNamed(name)) {
      if (s.type !== STT_FUNC) continue;
      const f = this.dwarf.functionAt(s.value);
      if (f && f.lo === s.value && !seen.has(f.die) && this.dwarf.nameOf(f.die) === name) { seen.add(f.die); fast.push(f.die); }
    }
    fast.sort((a, b) => a.offset - b.offset);
    return this.rangesOf(fast.length ? fast : this.dwarf.byName(name, [DW_TAG.subprogram]));
  }

  private elfByName?: Map<string, ElfSymbol[]>;
  /** ELF symbols (code and data, placed) named `name`, by address. */
  elfSymbolsNamed(name: string): ElfSymbol[] {
    if (!this.elfByName) {
      this.elfByName = new Map();
      for (const s of this.symbolsSorted()) { const l = this.elfByName.get(s.name); if (l) l.push(s); else this.elfByName.set(s.name, [s]); }
    }
    return this.elfByName.get(name) ?? [];
  }

  private rangesOf(dies: Die[]): Array<{ die: Die; lo: bigint; hi: bigint }> {
    const out: Array<{ die: Die; lo: bigint; hi: bigint }> = [];
    for (const d of dies) {
      if (d.tag !== DW_TAG.subprogram) continue;
      const rs = d.unit.ranges(d);
      if (!rs.length) continue;
      const lo = rs.reduce((m, r) => (r[0] < m ? r[0] : m), rs[0][0]);
      const hi = rs.reduce((m, r) => (r[1] > m ? r[1] : m), rs[0][1]);
      out.push({ die: d, lo, hi });
    }
    return out;
  }

  /**
   * Where `break NAME` stops, the way gdb picks it: a prologue_end row if the function has one;
   * otherwise the address where the line after the function's opening line starts.
   */
  afterPrologue(name: string): bigint | undefined {
    const fns = this.functionsNamed(name);
    if (!fns.length) {
      const a = this.symbolAddress(name);
      return a;
    }
    const f = fns[0];
    return this.skipPrologue(f.lo, f.hi, f.die.unit);
  }

  private loclistUnits = new Map<Unit, boolean>();
  /**
   * Whether gdb trusts the unit's variable locations at function entry: it then does not skip
   * prologues at all (gdb's "locations_valid": a GCC unit with at least one location list).
   */
  locationsValid(u: Unit): boolean {
    const hit = this.loclistUnits.get(u);
    if (hit !== undefined) return hit;
    let v = false;
    const producer = u.str(u.head().get(DW_AT.producer)) ?? '';
    if (/^GNU /.test(producer)) {
      for (const d of u.all().values()) {
        if (d.tag !== DW_TAG.variable && d.tag !== DW_TAG.formal_parameter) continue;
        const a = d.get(DW_AT.location);
        if (a && (a.cls === 'secoffset' || a.cls === 'loclistx' || (u.version < 4 && (a.cls === 'const')))) { v = true; break; }
      }
    }
    this.loclistUnits.set(u, v);
    return v;
  }

  skipPrologue(lo: bigint, hi: bigint, u: Unit): bigint {
    // gdb skips no prologue where it trusts entry locations, nor in assembly (a symtab's
    // language comes from its file name: .s, .S, .asm)
    if (this.locationsValid(u)) return lo;
    const at = this.lineInUnit(u, lo);
    if (at && /\.(s|S|asm)$/.test(at.file)) return lo;
    const { entries } = this.linesOf(u);
    // explicit prologue_end marker
    for (const e of entries) if (e.prologueEnd && e.address >= lo && e.address < hi) return e.address;
    const first = this.lineInUnit(u, lo);
    if (!first) return lo;
    // two entries at the function start with different lines: no prologue to skip
    let idx = entries.findIndex((e) => e.address === first.address && e.line !== 0);
    if (idx >= 0 && idx + 1 < entries.length && entries[idx + 1].line !== 0 && entries[idx + 1].address === lo) return lo;
    let sal = first;
    if (sal.end >= hi) return lo;
    for (let n = 0; n < 10000 && sal.end < hi; n++) {
      const next = this.lineInUnit(u, sal.end);
      if (!next || next.line === 0) break;
      if (next.line >= sal.line && next.end <= sal.end) { sal = next; continue; }
      break;
    }
    return sal.end;
  }
}
