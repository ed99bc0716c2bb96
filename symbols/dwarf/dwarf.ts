// The DWARF of one file: unit headers scanned up front (cheap), DIE trees and line tables
// parsed per unit on demand, and indexes (address -> unit, address -> function, name -> DIE)
// built only when first asked for.
import { Reader } from '../bytes';
import { WarningSink } from '../errors';
import { DW_AT, DW_TAG } from './constants';
import { AbbrevTables, Attr, Die, scanUnitHeaders, Unit } from './info';
import { LineTable, readLineTable } from './line';
import { DwarfSections } from './sections';

export interface FunctionRange { lo: bigint; hi: bigint; die: Die }

export class Dwarf {
  readonly warnings: WarningSink;
  readonly units: Unit[];
  private readonly abbrevs: AbbrevTables;
  private lines = new Map<Unit, LineTable>();
  private unitRanges?: Array<{ lo: bigint; hi: bigint; unit: Unit }>;
  private funcs = new Map<Unit, FunctionRange[]>();
  private names = new Map<string, Array<{ tag: number; unit: Unit; offset: number }>>();
  private nameIndexedUnits = 0;

  constructor(readonly s: DwarfSections, warnings?: WarningSink) {
    this.warnings = warnings ?? new WarningSink();
    this.abbrevs = new AbbrevTables(s);
    this.units = scanUnitHeaders(s, this.warnings).map((h) => new Unit(h, s, this.abbrevs, this.warnings));
  }

  /** The unit containing a .debug_info offset (binary search over headers). */
  unitAt(offset: number): Unit | undefined {
    let lo = 0, hi = this.units.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const u = this.units[mid];
      if (offset < u.offset) hi = mid - 1;
      else if (offset >= u.h.end) lo = mid + 1;
      else return u;
    }
    return undefined;
  }

  dieAt(offset: number): Die | undefined {
    const u = this.unitAt(offset);
    if (!u) return undefined;
    try { return u.die(offset); } catch (e) { this.warnings.caught('DIE lookup', e); return undefined; }
  }

  /** One DIE read on its own (its unit is not parsed whole unless it already was). */
  peekAt(offset: number): Die | undefined {
    const u = this.unitAt(offset);
    if (!u) return undefined;
    try { return u.peekDie(offset); } catch (e) { this.warnings.caught('DIE lookup', e); return undefined; }
  }

  /** Follows a reference attribute (DW_AT_type, abstract_origin, specification...). */
  ref(d: Die, at: number): Die | undefined {
    const a = d.get(at);
    if (!a || a.cls !== 'ref') return undefined;
    return this.dieAt(a.v as number);
  }

  /** The name of a DIE, following abstract_origin / specification when it has none itself. */
  nameOf(d: Die): string | undefined {
    for (let i = 0, cur: Die | undefined = d; cur && i < 8; i++) {
      const n = cur.name;
      if (n !== undefined) return n;
      cur = this.ref(cur, DW_AT.abstract_origin) ?? this.ref(cur, DW_AT.specification);
    }
    return undefined;
  }

  lineTable(u: Unit): LineTable | undefined {
    if (this.lines.has(u)) return this.lines.get(u);
    let t: LineTable | undefined;
    try {
      const root = u.head();
      const stmt = u.num(root.get(DW_AT.stmt_list));
      if (stmt !== undefined) {
        const compDir = u.str(root.get(DW_AT.comp_dir)) ?? '';
        t = readLineTable(this.s, stmt, compDir, u.str(root.get(DW_AT.name)) ?? '', u.h.addrSize, this.warnings);
      }
    } catch (e) {
      this.warnings.caught('line table', e);
    }
    this.lines.set(u, t as LineTable);
    return t;
  }

  /** Address ranges of every unit, from .debug_aranges when present, else from unit DIEs. */
  private buildUnitRanges(): Array<{ lo: bigint; hi: bigint; unit: Unit }> {
    if (this.unitRanges) return this.unitRanges;
    const out: Array<{ lo: bigint; hi: bigint; unit: Unit }> = [];
    const covered = new Set<Unit>();
    try {
      const r = new Reader(this.s.aranges, this.s.little, '.debug_aranges');
      while (r.remaining >= 16) {
        const start = r.pos;
        let len = r.u32(), osz = 4;
        if (len === 0xffffffff) { len = r.u64n(); osz = 8; }
        const end = r.pos + len;
        r.u16();
        const cuOff = r.offset(osz);
        const asz = r.u8();
        r.u8();
        const tuple = asz * 2;
        if (asz !== 4 && asz !== 8) break;
        r.pos = start + Math.ceil((r.pos - start) / tuple) * tuple;
        const unit = this.unitAt(cuOff);
        while (r.pos + tuple <= end) {
          const a = r.uN(asz), l = r.uN(asz);
          if (a === 0n && l === 0n) break;
          if (unit && l > 0n) { out.push({ lo: a, hi: a + l, unit }); covered.add(unit); }
        }
        r.pos = end;
      }
    } catch (e) {
      this.warnings.caught('.debug_aranges', e);
    }
    for (const u of this.units) {
      if (covered.has(u)) continue;
      try {
        for (const [lo, hi] of u.ranges(u.head())) out.push({ lo, hi, unit: u });
      } catch (e) {
        this.warnings.caught('unit ranges', e);
      }
    }
    out.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
    this.unitRanges = out;
    return out;
  }

  /** Units whose ranges contain pc. */
  unitsFor(pc: bigint): Unit[] {
    const out: Unit[] = [];
    for (const r of this.buildUnitRanges()) {
      if (r.lo > pc) break;
      if (pc < r.hi && !out.includes(r.unit)) out.push(r.unit);
    }
    return out;
  }

  /** Subprograms (concrete, with code) of a unit, sorted by low address. */
  functions(u: Unit): FunctionRange[] {
    const hit = this.funcs.get(u);
    if (hit) return hit;
    const out: FunctionRange[] = [];
    try {
      const visit = (d: Die, depth: number) => {
        for (const c of d.children) {
          if (c.tag === DW_TAG.subprogram) {
            for (const [lo, hi] of u.ranges(c)) out.push({ lo, hi, die: c });
          } else if (depth < 4 && (c.tag === DW_TAG.namespace || c.tag === DW_TAG.lexical_block)) visit(c, depth + 1);
        }
      };
      visit(u.root(), 0);
    } catch (e) {
      this.warnings.caught('function index', e);
    }
    out.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
    this.funcs.set(u, out);
    return out;
  }

  /** The concrete function containing pc, if any. */
  functionAt(pc: bigint): FunctionRange | undefined {
    for (const u of this.unitsFor(pc)) {
      for (const f of this.functions(u)) if (pc >= f.lo && pc < f.hi) return f;
    }
    return undefined;
  }

  /**
   * Top-level DIEs (functions, variables, types) by name, as (tag, unit, offset) entries. The
   * index is built on first use by scanning each unit's top-level DIEs without keeping them
   * (nameless concrete instances are named through their abstract DIE, read on its own); no
   * unit is parsed whole until one of its entries is resolved. A background build
   * (prepareNameIndex) that has not finished is completed here, from where it got to.
   */
  nameEntries(name: string): Array<{ tag: number; unit: Unit; offset: number }> {
    this.indexUnits(this.units.length);
    return this.names.get(name) ?? [];
  }

  /** Units the name index covers so far (of units.length). */
  get nameIndexProgress(): number { return this.nameIndexedUnits; }

  /** Extends the name index to the first `n` units. */
  private indexUnits(n: number): void {
    const names = this.names;
    const add = (key: string, tag: number, unit: Unit, offset: number) => {
      const l = names.get(key);
      if (l) l.push({ tag, unit, offset }); else names.set(key, [{ tag, unit, offset }]);
    };
    while (this.nameIndexedUnits < Math.min(n, this.units.length)) {
      const u = this.units[this.nameIndexedUnits++];
      try {
        u.scanTopLevel((d) => {
          let key = d.name;
          if (key === undefined) {
            if (d.tag !== DW_TAG.subprogram && d.tag !== DW_TAG.variable) return;
            key = this.peekName(d);
            if (key === undefined) return;
          }
          add(key, d.tag, u, d.offset);
        });
      } catch (e) {
        this.warnings.caught('name index', e);
      }
    }
  }

  /**
   * Builds the name index in slices of about `sliceMs` of work (default 8), awaiting
   * `yieldToHost()` between slices so the host's event loop keeps serving (a host passes e.g.
   * `() => new Promise((r) => setImmediate(r))`; without one, only a resolved promise is
   * awaited). Progress is reported as (units indexed, units); `signal.aborted` stops it between
   * slices (what it did is kept: a later lookup or build continues from there). Resolves true
   * when the index is complete.
   */
  async prepareNameIndex(opts: { sliceMs?: number; yieldToHost?: () => Promise<void>; onProgress?: (done: number, total: number) => void; signal?: { readonly aborted: boolean } } = {}): Promise<boolean> {
    const total = this.units.length, slice = opts.sliceMs ?? 8;
    while (this.nameIndexedUnits < total) {
      if (opts.signal?.aborted) return false;
      const t0 = Date.now();
      do this.indexUnits(this.nameIndexedUnits + 1); while (this.nameIndexedUnits < total && Date.now() - t0 < slice);
      opts.onProgress?.(this.nameIndexedUnits, total);
      await (opts.yieldToHost ? opts.yieldToHost() : Promise.resolve());
    }
    return true;
  }

  /** A nameless DIE's name through abstract_origin / specification, reading single DIEs. */
  private peekName(d: Die): string | undefined {
    let cur: Die | undefined = d;
    for (let i = 0; cur && i < 8; i++) {
      const n = cur.name;
      if (n !== undefined) return n;
      const a: Attr | undefined = cur.get(DW_AT.abstract_origin) ?? cur.get(DW_AT.specification);
      if (!a || a.cls !== 'ref') return undefined;
      const u = this.unitAt(a.v as number);
      cur = u?.peekDie(a.v as number);
    }
    return undefined;
  }

  /** The DIEs named `name` (optionally only of the given tags); parses the units they are in. */
  byName(name: string, tags?: number[]): Die[] {
    const out: Die[] = [];
    for (const e of this.nameEntries(name)) {
      if (tags && !tags.includes(e.tag)) continue;
      const d = this.dieAt(e.offset);
      if (d) out.push(d);
    }
    return out;
  }

}
