// C types from DWARF type DIEs: base, pointer, struct/union (with bitfields), enum, array
// (multi-dimensional, flexible), typedef, const/volatile, function; resolved lazily and cached
// per DIE, with names spelled the way gdb spells them.
import { DW_AT, DW_ATE, DW_TAG } from '../dwarf/constants';
import { Dwarf } from '../dwarf/dwarf';
import { Die } from '../dwarf/info';

export interface Member { name?: string; type: Type; offset: number; bitSize?: number; bitOffset?: number }
export type Type =
  | { kind: 'void' }
  | { kind: 'base'; name: string; size: number; encoding: number }
  | { kind: 'pointer'; size: number; target: () => Type }
  | { kind: 'struct' | 'union'; name?: string; size: number; members: () => Member[] }
  | { kind: 'enum'; name?: string; size: number; signed: boolean; enumerators: Array<{ name: string; value: bigint }> }
  | { kind: 'array'; element: Type; count?: number }
  | { kind: 'typedef'; name: string; target: Type }
  | { kind: 'qualified'; qualifier: 'const' | 'volatile' | 'restrict' | 'atomic'; target: Type }
  | { kind: 'function'; ret: Type; params: Type[]; varargs: boolean; prototyped?: boolean };

export const VOID: Type = { kind: 'void' };

/** GCC's base type names as gdb prints them (verified against gdb-multiarch 13 output). */
const GDB_BASE_NAMES: Record<string, string> = {
  'long unsigned int': 'unsigned long', 'long int': 'long', 'short unsigned int': 'unsigned short',
  'short int': 'short', 'long long int': 'long long', 'long long unsigned int': 'unsigned long long',
};

/** Strips typedefs and qualifiers. */
export function strip(t: Type): Type {
  for (let i = 0; i < 64; i++) {
    if (t.kind === 'typedef' || t.kind === 'qualified') t = t.target; else return t;
  }
  return t;
}

export function sizeOf(t: Type): number {
  const s = strip(t);
  switch (s.kind) {
    case 'base': case 'pointer': case 'struct': case 'union': case 'enum': return s.size;
    case 'array': return s.count === undefined ? 0 : s.count * sizeOf(s.element);
    case 'function': return 1;
    default: return 1;
  }
}

export class TypeReader {
  private cache = new Map<number, Type>();
  constructor(private readonly dwarf: Dwarf) {}

  /** The type referred to by a DIE's DW_AT_type (void when absent). */
  typeOf(d: Die): Type {
    const t = this.dwarf.ref(d, DW_AT.type);
    return t ? this.read(t) : VOID;
  }

  read(d: Die, depth = 0): Type {
    const hit = this.cache.get(d.offset);
    if (hit) return hit;
    if (depth > 64) return VOID;
    const u = d.unit;
    const size = u.num(d.get(DW_AT.byte_size)) ?? 0;
    const name = d.name;
    const sub = (): Type => { const t = this.dwarf.ref(d, DW_AT.type); return t ? this.read(t, depth + 1) : VOID; };
    let t: Type;
    switch (d.tag) {
      case DW_TAG.base_type: t = { kind: 'base', name: GDB_BASE_NAMES[name ?? ''] ?? name ?? '?', size, encoding: u.num(d.get(DW_AT.encoding)) ?? DW_ATE.signed }; break;
      case DW_TAG.pointer_type: case DW_TAG.reference_type: {
        let target: Type | undefined;
        t = { kind: 'pointer', size: size || d.unit.h.addrSize, target: () => (target ??= sub()) };
        break;
      }
      case DW_TAG.structure_type: case DW_TAG.union_type: case DW_TAG.class_type: {
        if (d.get(DW_AT.declaration) && name !== undefined) { t = this.declared(d, name); break; }
        let members: Member[] | undefined;
        t = { kind: d.tag === DW_TAG.union_type ? 'union' : 'struct', name, size, members: () => (members ??= this.members(d, depth)) };
        break;
      }
      case DW_TAG.enumeration_type: {
        const under = sub();
        const us = strip(under);
        const signed = us.kind === 'base' ? us.encoding === DW_ATE.signed || us.encoding === DW_ATE.signed_char : d.children.some((c) => (u.big(c.get(DW_AT.const_value)) ?? 0n) < 0n || c.get(DW_AT.const_value)?.cls === 'sconst');
        const enumerators = d.children.filter((c) => c.tag === DW_TAG.enumerator).map((c) => {
          const a = c.get(DW_AT.const_value);
          let v = u.big(a) ?? 0n;
          if (a && a.cls === 'const' && signed && typeof a.v === 'number') v = BigInt.asIntN(8 * (size || 4), v);
          return { name: c.name ?? '?', value: v };
        });
        t = { kind: 'enum', name, size: size || sizeOf(under), signed, enumerators };
        break;
      }
      case DW_TAG.array_type: {
        const el = sub();
        const dims = d.children.filter((c) => c.tag === DW_TAG.subrange_type).map((c) => {
          const cnt = u.num(c.get(DW_AT.count));
          if (cnt !== undefined) return cnt;
          const ub = c.get(DW_AT.upper_bound);
          if (!ub || (ub.cls !== 'const' && ub.cls !== 'sconst')) return undefined;
          return (u.num(ub) ?? -1) - (u.num(c.get(DW_AT.lower_bound)) ?? 0) + 1;
        });
        t = el;
        for (let i = dims.length - 1; i >= 0; i--) t = { kind: 'array', element: t, count: dims[i] };
        if (!dims.length) t = { kind: 'array', element: el, count: undefined };
        break;
      }
      case DW_TAG.typedef: t = { kind: 'typedef', name: name ?? '?', target: VOID }; this.cache.set(d.offset, t); (t as { target: Type }).target = sub(); return t;
      case DW_TAG.const_type: t = { kind: 'qualified', qualifier: 'const', target: sub() }; break;
      case DW_TAG.volatile_type: t = { kind: 'qualified', qualifier: 'volatile', target: sub() }; break;
      case DW_TAG.restrict_type: t = { kind: 'qualified', qualifier: 'restrict', target: sub() }; break;
      case DW_TAG.atomic_type: t = { kind: 'qualified', qualifier: 'atomic', target: sub() }; break;
      case DW_TAG.subroutine_type: case DW_TAG.subprogram: {
        const params = d.children.filter((c) => c.tag === DW_TAG.formal_parameter).map((c) => this.typeOf(c));
        t = { kind: 'function', ret: sub(), params, varargs: d.children.some((c) => c.tag === DW_TAG.unspecified_parameters), prototyped: !!d.get(DW_AT.prototyped) };
        break;
      }
      case DW_TAG.unspecified_type: t = VOID; break;
      default: t = VOID;
    }
    this.cache.set(d.offset, t);
    return t;
  }

  /**
   * A struct or union this unit only declares (DW_AT_declaration, no members): resolved by name
   * to a definition in another unit, as gdb's check_typedef does, the first time its size or
   * members are asked for. Candidates are checked one DIE at a time; only the definition's unit
   * is parsed. Without a definition it stays empty (size 0, no members).
   */
  private declared(d: Die, name: string): Type {
    const kind: 'struct' | 'union' = d.tag === DW_TAG.union_type ? 'union' : 'struct';
    let def: Type | undefined, resolving = false;
    const resolve = (): Type | undefined => {
      if (def || resolving) return def;
      resolving = true;
      try {
        for (const e of this.dwarf.nameEntries(name)) {
          if (e.tag !== d.tag || e.offset === d.offset) continue;
          const peek = this.dwarf.peekAt(e.offset);
          if (!peek || peek.get(DW_AT.declaration)) continue;
          const full = this.dwarf.dieAt(e.offset);
          if (!full) continue;
          const t = this.read(full);
          if (t.kind === kind) { def = t; break; }
        }
      } finally { resolving = false; }
      return def;
    };
    return {
      kind, name,
      get size() { const r = resolve(); return r && r.kind === kind ? r.size : 0; },
      members: () => { const r = resolve(); return r && r.kind === kind ? r.members() : []; },
    };
  }

  private members(d: Die, depth: number): Member[] {
    const u = d.unit;
    const out: Member[] = [];
    for (const c of d.children) {
      if (c.tag !== DW_TAG.member) continue;
      const type = this.dwarf.ref(c, DW_AT.type);
      const mt = type ? this.read(type, depth + 1) : VOID;
      const loc = c.get(DW_AT.data_member_location);
      let offset = loc && (loc.cls === 'const' || loc.cls === 'sconst') ? u.num(loc) ?? 0 : 0;
      if (loc && (loc.cls === 'exprloc' || loc.cls === 'block')) {
        const b = loc.v as Uint8Array; // DW_OP_plus_uconst N
        if (b[0] === 0x23) { let v = 0, m = 1; for (let i = 1; i < b.length; i++) { v += (b[i] & 0x7f) * m; m *= 128; if (!(b[i] & 0x80)) break; } offset = v; }
      }
      const bitSize = u.num(c.get(DW_AT.bit_size));
      let bitOffset: number | undefined;
      if (bitSize !== undefined) {
        const dbo = u.num(c.get(DW_AT.data_bit_offset));
        if (dbo !== undefined) { bitOffset = dbo; offset = 0; }
        else {
          // DWARF 2/3 big-endian-style DW_AT_bit_offset within a storage unit of DW_AT_byte_size
          const bo = u.num(c.get(DW_AT.bit_offset)) ?? 0;
          const storage = u.num(c.get(DW_AT.byte_size)) ?? sizeOf(mt);
          bitOffset = offset * 8 + storage * 8 - bo - bitSize;
          offset = 0;
        }
      }
      out.push({ name: c.name, type: mt, offset, bitSize, bitOffset });
    }
    return out;
  }
}

/**
 * A member by name as C11 (and gdb) finds it: a direct member, or one of an anonymous struct or
 * union member, searched recursively in declaration order; its offset is from the outer struct.
 */
export function findMember(t: Type, name: string, depth = 0): Member | undefined {
  const s = strip(t);
  if ((s.kind !== 'struct' && s.kind !== 'union') || depth > 32) return undefined;
  for (const m of s.members()) {
    if (m.name === name) return m;
    if (m.name === undefined) {
      const inner = findMember(m.type, name, depth + 1);
      if (inner) return { ...inner, offset: inner.offset + m.offset };
    }
  }
  return undefined;
}

/** The type's name as gdb prints it in `(TYPE) value` prefixes and ptype: `struct proc *`, `int (*)(int)`. */
export function typeName(t: Type, inner = ''): string {
  switch (t.kind) {
    case 'void': return join('void', inner);
    case 'base': return join(t.name, inner);
    case 'typedef': return join(t.name, inner);
    case 'struct': case 'union': return join(`${t.kind} ${t.name ?? '{...}'}`, inner);
    case 'enum': return join(`enum ${t.name ?? '{...}'}`, inner);
    case 'qualified': {
      // gdb spells qualifiers in a fixed order (const before volatile) whatever the DWARF nesting
      const quals = new Set<string>();
      let q: Type = t;
      while (q.kind === 'qualified') { quals.add(q.qualifier); q = q.target; }
      if (q.kind === 'array') {
        // a qualified array is an array of qualified elements (gdb: `const char [16]`, not `const const char [16]`)
        let el: Type = q.element;
        const have = new Set<string>();
        for (let e: Type = el; e.kind === 'qualified'; e = e.target) have.add(e.qualifier);
        for (const x of ['atomic', 'restrict', 'volatile', 'const'] as const) if (quals.has(x) && !have.has(x)) el = { kind: 'qualified', qualifier: x, target: el };
        return typeName({ ...q, element: el }, inner);
      }
      if (q.kind !== 'pointer') return `${['const', 'volatile', 'restrict', 'atomic'].filter((x) => quals.has(x)).join(' ')} ${typeName(q, inner)}`;
      const s = t.target;
      if (s.kind === 'pointer') {
        // a qualified pointer: the qualifier follows its `*` (gdb: `char * const`, `char (* const f)(void)`, `char (* const[3])(void)`)
        const target = s.target();
        const inn = `* ${t.qualifier}${inner ? (inner.startsWith('[') ? inner : ' ' + inner) : ''}`;
        if (target.kind === 'function' || strip(target).kind === 'array') return typeName(target, `(${inn})`);
        return typeName(target, inn);
      }
      return `${t.qualifier} ${typeName(s, inner)}`;
    }
    case 'pointer': {
      const target = t.target();
      const inn = '*' + inner;
      if (target.kind === 'function' || strip(target).kind === 'array') return typeName(target, `(${inn})`);
      return typeName(target, inn);
    }
    case 'array': return typeName(t.element, `${inner}[${t.count ?? ''}]`);
    case 'function': {
      const ps = t.params.map((p) => typeName(p)).concat(t.varargs ? ['...'] : []);
      return typeName(t.ret, `${inner}(${ps.length ? ps.join(', ') : t.prototyped ? 'void' : ''})`);
    }
  }
}

function join(base: string, inner: string): string {
  if (!inner) return base;
  if (inner.startsWith('[') || inner.startsWith('(')) return `${base} ${inner}`;
  return `${base} ${inner}`;
}
