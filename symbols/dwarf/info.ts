// .debug_info for DWARF 2-5: unit headers (scanned cheaply, all at once), abbreviation tables,
// and DIE trees parsed one unit at a time on demand. Attribute values stay raw (string
// offsets, address indexes) and are resolved by the unit when asked.
import { Reader, stringAt } from '../bytes';
import { SymbolsError, WarningSink } from '../errors';
import { DW_AT, DW_FORM, DW_UT, DW_RLE, DW_LLE } from './constants';
import { DwarfSections } from './sections';

export interface AbbrevAttr { name: number; form: number; implicit: number }
export interface Abbrev { code: number; tag: number; children: boolean; attrs: AbbrevAttr[] }

export type AttrClass = 'address' | 'addrx' | 'const' | 'sconst' | 'ref' | 'string' | 'strp' | 'linestrp' | 'strx' | 'block' | 'exprloc' | 'flag' | 'secoffset' | 'loclistx' | 'rnglistx' | 'sig8' | 'other';
export interface Attr { name: number; form: number; cls: AttrClass; v: number | bigint | string | Uint8Array | boolean }

export class Die {
  children: Die[] = [];
  parent?: Die;
  constructor(readonly offset: number, readonly tag: number, readonly attrs: Attr[], readonly unit: Unit, readonly hasChildren = false) {}
  get(name: number): Attr | undefined {
    for (const a of this.attrs) if (a.name === name) return a;
    return undefined;
  }
  has(name: number): boolean { return this.get(name) !== undefined; }
  get name(): string | undefined { return this.unit.str(this.get(DW_AT.name)); }
}

/** Reads abbreviation tables, cached by offset. */
export class AbbrevTables {
  private cache = new Map<number, Map<number, Abbrev>>();
  constructor(private readonly s: DwarfSections) {}
  at(offset: number): Map<number, Abbrev> {
    const hit = this.cache.get(offset);
    if (hit) return hit;
    const table = new Map<number, Abbrev>();
    const r = new Reader(this.s.abbrev, this.s.little, '.debug_abbrev', offset);
    if (offset >= this.s.abbrev.length) throw new SymbolsError('abbreviation table offset out of range', { section: '.debug_abbrev', offset });
    for (;;) {
      const code = r.uleb();
      if (code === 0) break;
      const tag = r.uleb();
      const children = r.u8() !== 0;
      const attrs: AbbrevAttr[] = [];
      for (;;) {
        const name = r.uleb(), form = r.uleb();
        if (name === 0 && form === 0) break;
        const implicit = form === DW_FORM.implicit_const ? r.sleb() : 0;
        attrs.push({ name, form, implicit });
      }
      table.set(code, { code, tag, children, attrs });
    }
    this.cache.set(offset, table);
    return table;
  }
}

export interface UnitHeader {
  offset: number;
  end: number;
  version: number;
  unitType: number;
  offsetSize: number;
  addrSize: number;
  abbrevOffset: number;
  firstDie: number;
}

/** Scans unit headers of .debug_info; stops at the first malformed header with a warning. */
export function scanUnitHeaders(s: DwarfSections, warnings: WarningSink): UnitHeader[] {
  const out: UnitHeader[] = [];
  const r = new Reader(s.info, s.little, '.debug_info');
  while (r.remaining >= 11) {
    const offset = r.pos;
    try {
      let len = r.u32(), offsetSize = 4;
      if (len === 0xffffffff) { len = r.u64n(); offsetSize = 8; }
      const body = r.pos;
      const end = body + len;
      if (end > s.info.length || len < 7) throw new SymbolsError(`unit length ${len} runs past the section`, { section: '.debug_info', offset });
      const version = r.u16();
      if (version < 2 || version > 5) throw new SymbolsError(`unsupported DWARF version ${version}`, { section: '.debug_info', offset });
      let unitType: number = DW_UT.compile, addrSize: number, abbrevOffset: number;
      if (version >= 5) { unitType = r.u8(); addrSize = r.u8(); abbrevOffset = r.offset(offsetSize); }
      else { abbrevOffset = r.offset(offsetSize); addrSize = r.u8(); }
      if (addrSize !== 4 && addrSize !== 8 && addrSize !== 2) throw new SymbolsError(`bad address size ${addrSize}`, { section: '.debug_info', offset });
      if (version >= 5) {
        if (unitType === DW_UT.skeleton || unitType === DW_UT.split_compile) r.skip(8);
        else if (unitType === DW_UT.type || unitType === DW_UT.split_type) { r.skip(8); r.offset(offsetSize); }
      }
      out.push({ offset, end, version, unitType, offsetSize, addrSize, abbrevOffset, firstDie: r.pos });
      r.pos = end;
    } catch (e) {
      warnings.caught('unit headers', e);
      break;
    }
  }
  return out;
}

const MAX_DEPTH = 512;
// Module-level copies: reading an imported object goes through an export accessor per use.
const F = { ...DW_FORM };
const mk = (name: number, form: number, cls: AttrClass, v: Attr['v']): Attr => ({ name, form, cls, v });

export class Unit {
  private dies?: Map<number, Die>;
  private rootDie?: Die;
  strOffsetsBase = 0;
  addrBase = 0;
  rnglistsBase = 0;
  loclistsBase = 0;
  baseAddress = 0n;
  private basesRead = false;

  constructor(readonly h: UnitHeader, readonly s: DwarfSections, private readonly abbrevs: AbbrevTables, readonly warnings: WarningSink) {}

  get offset(): number { return this.h.offset; }
  /** Whether the unit's DIE tree has been parsed (the index is lazy: most units never are). */
  get parsed(): boolean { return this.dies !== undefined; }
  get version(): number { return this.h.version; }

  /** The unit's root DIE only (cheap: no children parsed). */
  head(): Die {
    if (this.rootDie) return this.rootDie;
    const table = this.abbrevs.at(this.h.abbrevOffset);
    const r = new Reader(this.s.info, this.s.little, '.debug_info', this.h.firstDie);
    const die = this.readDie(r, table);
    if (!die) throw new SymbolsError('unit has no root DIE', { section: '.debug_info', offset: this.h.firstDie });
    this.rootDie = die;
    this.readBases(die);
    return die;
  }

  private readBases(root: Die): void {
    if (this.basesRead) return;
    this.basesRead = true;
    const num = (at: number) => { const a = root.get(at); return a && typeof a.v === 'number' ? a.v : undefined; };
    // DWARF 5 bases; without them, v5 defaults point just past the table header.
    this.strOffsetsBase = num(DW_AT.str_offsets_base) ?? (this.h.version >= 5 ? 8 : 0);
    this.addrBase = num(DW_AT.addr_base) ?? (this.h.version >= 5 ? 8 : 0);
    this.rnglistsBase = num(DW_AT.rnglists_base) ?? 0;
    this.loclistsBase = num(DW_AT.loclists_base) ?? 0;
    const lo = root.get(DW_AT.low_pc);
    if (lo) { const v = this.addr(lo); if (v !== undefined) this.baseAddress = v; }
  }

  /** All DIEs of the unit, parsed on first use. Parsing stops at the first error (partial tree). */
  all(): Map<number, Die> {
    if (this.dies) return this.dies;
    const dies = new Map<number, Die>();
    this.dies = dies;
    const root = this.head();
    const table = this.abbrevs.at(this.h.abbrevOffset);
    const r = new Reader(this.s.info, this.s.little, '.debug_info', this.h.firstDie);
    const stack: Die[] = [];
    try {
      const first = this.readDie(r, table);
      if (!first) return dies;
      // reuse the already-read root object
      dies.set(root.offset, root);
      root.children = [];
      if (this.abbrevHasChildren(table, root)) stack.push(root);
      while (stack.length && r.pos < this.h.end) {
        const die = this.readDie(r, table);
        if (!die) { stack.pop(); continue; }
        const parent = stack[stack.length - 1];
        die.parent = parent;
        parent.children.push(die);
        dies.set(die.offset, die);
        if (this.abbrevHasChildren(table, die)) {
          if (stack.length >= MAX_DEPTH) throw new SymbolsError('DIE nesting too deep', { section: '.debug_info', offset: die.offset });
          stack.push(die);
        }
      }
    } catch (e) {
      this.warnings.caught(`unit at 0x${this.h.offset.toString(16)}`, e);
    }
    return dies;
  }

  private abbrevHasChildren(_t: Map<number, Abbrev>, d: Die): boolean { return d.hasChildren; }

  root(): Die { this.all(); return this.head(); }

  /**
   * Calls visit for each child of the unit's root DIE without building the tree (the DIEs are
   * read and dropped): enough for a name index over a large file without holding every DIE. A
   * top-level DIE's children are jumped over through its DW_AT_sibling when it has one (gcc
   * gives one to nearly every DIE with children), else read and dropped.
   */
  scanTopLevel(visit: (d: Die) => void): void {
    if (this.dies) { for (const d of this.root().children) visit(d); return; }
    const root = this.head();
    if (!root.hasChildren) return;
    const table = this.abbrevs.at(this.h.abbrevOffset);
    const r = new Reader(this.s.info, this.s.little, '.debug_info', this.h.firstDie);
    this.readDie(r, table);
    let depth = 1;
    while (depth > 0 && r.pos < this.h.end) {
      const d = this.readDie(r, table);
      if (!d) { depth--; continue; }
      if (depth === 1) visit(d);
      if (d.hasChildren) {
        if (depth === 1) {
          const sib = d.get(DW_AT.sibling);
          if (sib && sib.cls === 'ref' && typeof sib.v === 'number' && sib.v > r.pos && sib.v < this.h.end) { r.pos = sib.v; continue; }
        }
        if (++depth > MAX_DEPTH) throw new SymbolsError('DIE nesting too deep', { section: '.debug_info', offset: d.offset });
      }
    }
  }

  /** One DIE read on its own (no children), from the parsed tree when there is one. */
  peekDie(offset: number): Die | undefined {
    if (this.dies) return this.dies.get(offset);
    if (offset < this.h.firstDie || offset >= this.h.end) return undefined;
    return this.readDie(new Reader(this.s.info, this.s.little, '.debug_info', offset), this.abbrevs.at(this.h.abbrevOffset));
  }

  die(offset: number): Die | undefined { return this.all().get(offset); }

  /** Reads one DIE at r.pos; returns undefined for a null entry. */
  private readDie(r: Reader, table: Map<number, Abbrev>): Die | undefined {
    const offset = r.pos;
    if (offset >= this.h.end) throw new SymbolsError('DIE runs past the end of its unit', { section: '.debug_info', offset });
    const code = r.uleb();
    if (code === 0) return undefined;
    const ab = table.get(code);
    if (!ab) throw new SymbolsError(`unknown abbreviation code ${code}`, { section: '.debug_info', offset });
    const attrs: Attr[] = new Array(ab.attrs.length);
    for (let i = 0; i < ab.attrs.length; i++) {
      const spec = ab.attrs[i];
      attrs[i] = this.readAttr(r, spec.name, spec.form, spec.implicit, 0);
    }
    if (r.pos > this.h.end) throw new SymbolsError('DIE runs past the end of its unit', { section: '.debug_info', offset });
    return new Die(offset, ab.tag, attrs, this, ab.children);
  }

  private readAttr(r: Reader, name: number, form: number, implicit: number, depth: number): Attr {
    const h = this.h;
    switch (form) {
      case F.addr: return mk(name, form, 'address', r.uN(h.addrSize));
      case F.block1: return mk(name, form, 'block', r.bytesN(r.u8()));
      case F.block2: return mk(name, form, 'block', r.bytesN(r.u16()));
      case F.block4: return mk(name, form, 'block', r.bytesN(r.u32()));
      case F.block: return mk(name, form, 'block', r.bytesN(r.uleb()));
      case F.exprloc: return mk(name, form, 'exprloc', r.bytesN(r.uleb()));
      case F.data1: return mk(name, form, 'const', r.u8());
      case F.data2: return mk(name, form, 'const', r.u16());
      case F.data4: return mk(name, form, 'const', r.u32());
      case F.data8: { const v = r.u64(); return mk(name, form, 'const', v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v); }
      case F.data16: return mk(name, form, 'block', r.bytesN(16));
      case F.sdata: return mk(name, form, 'sconst', r.sleb());
      case F.udata: return mk(name, form, 'const', r.uleb());
      case F.string: return mk(name, form, 'string', r.cstring());
      case F.strp: case F.strp_sup: case F.GNU_strp_alt: return mk(name, form, form === F.strp ? 'strp' : 'other', r.offset(h.offsetSize));
      case F.line_strp: return mk(name, form, 'linestrp', r.offset(h.offsetSize));
      case F.ref1: return mk(name, form, 'ref', h.offset + r.u8());
      case F.ref2: return mk(name, form, 'ref', h.offset + r.u16());
      case F.ref4: return mk(name, form, 'ref', h.offset + r.u32());
      case F.ref8: return mk(name, form, 'ref', h.offset + r.u64n());
      case F.ref_udata: return mk(name, form, 'ref', h.offset + r.uleb());
      case F.ref_addr: return mk(name, form, 'ref', h.version <= 2 ? Number(r.uN(h.addrSize)) : r.offset(h.offsetSize));
      case F.ref_sig8: return mk(name, form, 'sig8', r.u64());
      case F.ref_sup4: return mk(name, form, 'other', r.u32());
      case F.ref_sup8: return mk(name, form, 'other', r.u64());
      case F.GNU_ref_alt: return mk(name, form, 'other', r.offset(h.offsetSize));
      case F.sec_offset: return mk(name, form, 'secoffset', r.offset(h.offsetSize));
      case F.flag: return mk(name, form, 'flag', r.u8() !== 0);
      case F.flag_present: return mk(name, form, 'flag', true);
      case F.strx: case F.GNU_str_index: return mk(name, form, 'strx', r.uleb());
      case F.strx1: return mk(name, form, 'strx', r.u8());
      case F.strx2: return mk(name, form, 'strx', r.u16());
      case F.strx3: return mk(name, form, 'strx', r.u24());
      case F.strx4: return mk(name, form, 'strx', r.u32());
      case F.addrx: case F.GNU_addr_index: return mk(name, form, 'addrx', r.uleb());
      case F.addrx1: return mk(name, form, 'addrx', r.u8());
      case F.addrx2: return mk(name, form, 'addrx', r.u16());
      case F.addrx3: return mk(name, form, 'addrx', r.u24());
      case F.addrx4: return mk(name, form, 'addrx', r.u32());
      case F.implicit_const: return mk(name, form, 'sconst', implicit);
      case F.loclistx: return mk(name, form, 'loclistx', r.uleb());
      case F.rnglistx: return mk(name, form, 'rnglistx', r.uleb());
      case F.indirect: {
        if (depth > 4) r.fail('DW_FORM_indirect nested too deep');
        return this.readAttr(r, name, r.uleb(), implicit, depth + 1);
      }
      default: return r.fail(`unknown attribute form 0x${form.toString(16)}`);
    }
  }

  // ---- resolving raw attribute values ----

  str(a: Attr | undefined): string | undefined {
    if (!a) return undefined;
    switch (a.cls) {
      case 'string': return a.v as string;
      case 'strp': return stringAt(this.s.str, a.v as number);
      case 'linestrp': return stringAt(this.s.lineStr, a.v as number);
      case 'strx': {
        this.head();
        const sz = this.h.offsetSize;
        const at = this.strOffsetsBase + (a.v as number) * sz;
        if (at + sz > this.s.strOffsets.length) return undefined;
        const r = new Reader(this.s.strOffsets, this.s.little, '.debug_str_offsets', at);
        return stringAt(this.s.str, r.offset(sz));
      }
      default: return undefined;
    }
  }

  /** An address from DW_FORM_addr or an index into .debug_addr. */
  addr(a: Attr | undefined): bigint | undefined {
    if (!a) return undefined;
    if (a.cls === 'address') return a.v as bigint;
    if (a.cls === 'addrx') return this.addrIndex(a.v as number);
    return undefined;
  }

  addrIndex(i: number): bigint | undefined {
    this.head();
    const sz = this.h.addrSize;
    const at = this.addrBase + i * sz;
    if (at < 0 || at + sz > this.s.addr.length) return undefined;
    return new Reader(this.s.addr, this.s.little, '.debug_addr', at).uN(sz);
  }

  /** An unsigned constant as a number (undefined when absent or not a constant). */
  num(a: Attr | undefined): number | undefined {
    if (!a) return undefined;
    if (typeof a.v === 'number') return a.v;
    if (typeof a.v === 'bigint') return Number(a.v);
    return undefined;
  }

  /** A constant as a bigint, signed for sdata and implicit_const. */
  big(a: Attr | undefined): bigint | undefined {
    if (!a) return undefined;
    if (typeof a.v === 'number') return BigInt(a.v);
    if (typeof a.v === 'bigint') return a.v;
    return undefined;
  }

  /**
   * gdb's reading of a block's addresses: 'none' without DW_AT_high_pc and DW_AT_ranges (its
   * children then belong to the enclosing block), 'invalid' when they are present but give no
   * addresses (gdb then ignores the block and everything in it), else 'ranges'.
   */
  pcBounds(d: Die): 'none' | 'invalid' | 'ranges' {
    if (!d.has(DW_AT.high_pc) && !d.has(DW_AT.ranges)) return 'none';
    return this.ranges(d).length ? 'ranges' : 'invalid';
  }

  /** Address ranges [lo, hi) of a DIE: low_pc/high_pc or DW_AT_ranges. */
  ranges(d: Die): Array<[bigint, bigint]> {
    const lo = this.addr(d.get(DW_AT.low_pc));
    const hiA = d.get(DW_AT.high_pc);
    if (lo !== undefined && hiA) {
      const hi = hiA.cls === 'address' || hiA.cls === 'addrx' ? this.addr(hiA) : this.big(hiA) !== undefined ? lo + this.big(hiA)! : undefined;
      if (hi !== undefined && hi > lo) return [[lo, hi]];
      return [];
    }
    const ra = d.get(DW_AT.ranges);
    if (!ra) return [];
    try {
      return this.rangeList(ra, d === this.head() ? (lo ?? 0n) : this.baseAddress);
    } catch (e) {
      this.warnings.caught('range list', e);
      return [];
    }
  }

  private rangeList(a: Attr, base: bigint): Array<[bigint, bigint]> {
    this.head();
    const out: Array<[bigint, bigint]> = [];
    const sz = this.h.addrSize;
    const maxAddr = sz === 8 ? 0xffffffffffffffffn : 0xffffffffn;
    if (this.h.version < 5) {
      const r = new Reader(this.s.ranges, this.s.little, '.debug_ranges', this.num(a) ?? 0);
      for (let n = 0; n < 100000; n++) {
        const b = r.uN(sz), e = r.uN(sz);
        if (b === 0n && e === 0n) break;
        if (b === maxAddr) { base = e; continue; }
        if (e > b) out.push([base + b, base + e]);
      }
      return out;
    }
    let off: number;
    if (a.cls === 'rnglistx') {
      const r0 = new Reader(this.s.rnglists, this.s.little, '.debug_rnglists', this.rnglistsBase + (a.v as number) * this.h.offsetSize);
      off = this.rnglistsBase + r0.offset(this.h.offsetSize);
    } else off = this.num(a) ?? 0;
    const r = new Reader(this.s.rnglists, this.s.little, '.debug_rnglists', off);
    const ax = (i: number): bigint => { const v = this.addrIndex(i); return v === undefined ? r.fail(`bad address index ${i}`) : v; };
    for (let n = 0; n < 100000; n++) {
      const kind = r.u8();
      if (kind === DW_RLE.end_of_list) break;
      switch (kind) {
        case DW_RLE.base_addressx: base = ax(r.uleb()); break;
        case DW_RLE.startx_endx: { const b = ax(r.uleb()), e = ax(r.uleb()); if (e > b) out.push([b, e]); break; }
        case DW_RLE.startx_length: { const b = ax(r.uleb()), l = r.ulebBig(); if (l > 0n) out.push([b, b + l]); break; }
        case DW_RLE.offset_pair: { const b = r.ulebBig(), e = r.ulebBig(); if (e > b) out.push([base + b, base + e]); break; }
        case DW_RLE.base_address: base = r.uN(sz); break;
        case DW_RLE.start_end: { const b = r.uN(sz), e = r.uN(sz); if (e > b) out.push([b, e]); break; }
        case DW_RLE.start_length: { const b = r.uN(sz), l = r.ulebBig(); if (l > 0n) out.push([b, b + l]); break; }
        default: r.fail(`unknown range list entry kind ${kind}`);
      }
    }
    return out;
  }

  /** A location list: entries [lo, hi) with their expression bytes. `undefined` hi means default. */
  locationList(a: Attr): Array<{ lo: bigint; hi: bigint; expr: Uint8Array }> {
    this.head();
    const out: Array<{ lo: bigint; hi: bigint; expr: Uint8Array }> = [];
    const sz = this.h.addrSize;
    const maxAddr = sz === 8 ? 0xffffffffffffffffn : 0xffffffffn;
    let base = this.baseAddress;
    if (this.h.version < 5) {
      const r = new Reader(this.s.loc, this.s.little, '.debug_loc', this.num(a) ?? 0);
      for (let n = 0; n < 100000; n++) {
        const b = r.uN(sz), e = r.uN(sz);
        if (b === 0n && e === 0n) break;
        if (b === maxAddr) { base = e; continue; }
        const len = r.u16();
        const expr = r.bytesN(len);
        out.push({ lo: base + b, hi: base + e, expr });
      }
      return out;
    }
    let off: number;
    if (a.cls === 'loclistx') {
      const r0 = new Reader(this.s.loclists, this.s.little, '.debug_loclists', this.loclistsBase + (a.v as number) * this.h.offsetSize);
      off = this.loclistsBase + r0.offset(this.h.offsetSize);
    } else off = this.num(a) ?? 0;
    const r = new Reader(this.s.loclists, this.s.little, '.debug_loclists', off);
    const ax = (i: number): bigint => { const v = this.addrIndex(i); return v === undefined ? r.fail(`bad address index ${i}`) : v; };
    const expr = () => r.bytesN(r.uleb());
    for (let n = 0; n < 100000; n++) {
      const kind = r.u8();
      if (kind === DW_LLE.end_of_list) break;
      switch (kind) {
        case DW_LLE.base_addressx: base = ax(r.uleb()); break;
        case DW_LLE.startx_endx: { const b = ax(r.uleb()), e = ax(r.uleb()); out.push({ lo: b, hi: e, expr: expr() }); break; }
        case DW_LLE.startx_length: { const b = ax(r.uleb()), l = r.ulebBig(); out.push({ lo: b, hi: b + l, expr: expr() }); break; }
        case DW_LLE.offset_pair: { const b = r.ulebBig(), e = r.ulebBig(); out.push({ lo: base + b, hi: base + e, expr: expr() }); break; }
        case DW_LLE.default_location: out.push({ lo: 0n, hi: maxAddr, expr: expr() }); break;
        case DW_LLE.base_address: base = r.uN(sz); break;
        case DW_LLE.start_end: { const b = r.uN(sz), e = r.uN(sz); out.push({ lo: b, hi: e, expr: expr() }); break; }
        case DW_LLE.start_length: { const b = r.uN(sz), l = r.ulebBig(); out.push({ lo: b, hi: b + l, expr: expr() }); break; }
        case DW_LLE.GNU_view_pair: r.uleb(); r.uleb(); break;
        default: r.fail(`unknown location list entry kind ${kind}`);
      }
    }
    return out;
  }
}
