// Kernel structure layouts, read from DWARF at run time: nothing here knows an offset. A
// StructLayout resolves member paths (`context.s`, `se.sum_exec_runtime`), looking through
// anonymous structs and unions as C does, and a struct only declared in one unit is completed
// from its definition elsewhere. A View decodes fields from the bytes of one instance.
import { SymbolFile, stripType, sizeOfType, type Type, type Member } from '../symbols';
import { AwarenessError } from './errors';

export interface Field {
  offset: number;
  size: number;
  type: Type;
  bitSize?: number;
  bitOffset?: number;
}

export class StructLayout {
  private readonly cache = new Map<string, Field | null>();
  constructor(readonly name: string, readonly type: Type & { kind: 'struct' | 'union' }, private readonly layouts: Layouts) {}

  get size(): number { return this.type.size; }

  /** The member at a dotted path, or undefined (a kernel version without it). */
  tryField(path: string): Field | undefined {
    const hit = this.cache.get(path);
    if (hit !== undefined) return hit ?? undefined;
    let t: Type = this.type;
    let offset = 0;
    let last: Member | undefined;
    for (const part of path.split('.')) {
      const s = this.layouts.complete(stripType(t));
      if (s.kind !== 'struct' && s.kind !== 'union') { this.cache.set(path, null); return undefined; }
      const found = findMember(s, part, (x) => this.layouts.complete(x));
      if (!found) { this.cache.set(path, null); return undefined; }
      offset += found.offset;
      last = found.member;
      t = found.member.type;
    }
    const f: Field = { offset, size: sizeOfType(t), type: t, bitSize: last?.bitSize, bitOffset: last?.bitOffset };
    this.cache.set(path, f);
    return f;
  }

  field(path: string): Field {
    const f = this.tryField(path);
    if (!f) throw new AwarenessError(`${this.name} has no member ${path} in the kernel's debug information`);
    return f;
  }

  has(path: string): boolean { return this.tryField(path) !== undefined; }

  view(bytes: Uint8Array, address: bigint): View { return new View(this, bytes, address); }
}

/** A member by name, searching anonymous struct/union members recursively (C11 rules). */
function findMember(s: Type & { kind: 'struct' | 'union' }, name: string, complete: (t: Type) => Type, depth = 0): { member: Member; offset: number } | undefined {
  if (depth > 8) return undefined;
  const ms = s.members();
  const direct = ms.find((m) => m.name === name);
  if (direct) return { member: direct, offset: direct.offset };
  for (const m of ms) {
    if (m.name !== undefined) continue;
    const inner = complete(stripType(m.type));
    if (inner.kind !== 'struct' && inner.kind !== 'union') continue;
    const r = findMember(inner, name, complete, depth + 1);
    if (r) return { member: r.member, offset: m.offset + r.offset };
  }
  return undefined;
}

/** Field values of one struct instance, decoded from its bytes. */
export class View {
  constructor(readonly layout: StructLayout, readonly bytes: Uint8Array, readonly address: bigint) {}

  private raw(f: Field, size = f.size): bigint {
    let v = 0n;
    const n = Math.min(size, 8);
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.bytes[f.offset + i] ?? 0);
    if (f.bitSize !== undefined) {
      const shift = BigInt(f.bitOffset ?? 0);
      v = (v >> shift) & ((1n << BigInt(f.bitSize)) - 1n);
    }
    return v;
  }

  /** An unsigned integer or pointer member. */
  u(path: string): bigint { return this.raw(this.layout.field(path)); }

  /** A signed integer member. */
  s(path: string): bigint {
    const f = this.layout.field(path);
    return BigInt.asIntN((f.bitSize ?? Math.min(f.size, 8) * 8) || 64, this.raw(f));
  }

  /** A signed integer member as a JS number. */
  n(path: string): number { return Number(this.s(path)); }

  /** The address of a member inside this instance. */
  addressOf(path: string): bigint { return this.address + BigInt(this.layout.field(path).offset); }

  /** A char array member as text (up to its first NUL). */
  text(path: string): string {
    const f = this.layout.field(path);
    const b = this.bytes.subarray(f.offset, f.offset + f.size);
    const end = b.indexOf(0);
    return String.fromCharCode(...b.subarray(0, end < 0 ? b.length : end));
  }

  /** Element `i` of an array-of-integers member (e.g. `s[3]` of `context.s`). */
  element(path: string, i: number): bigint {
    const f = this.layout.field(path);
    const t = stripType(f.type);
    const es = t.kind === 'array' ? sizeOfType(t.element) : 8;
    return this.raw({ offset: f.offset + i * es, size: es, type: f.type });
  }

  /** The name of an enum member's value (`TASK_SLEEPING`), or its number. */
  enumName(path: string): string {
    const f = this.layout.field(path);
    const t = stripType(f.type);
    const v = this.s(path);
    if (t.kind === 'enum') return t.enumerators.find((e) => e.value === v)?.name ?? String(v);
    return String(v);
  }
}

export class Layouts {
  private readonly structs = new Map<string, StructLayout | null>();
  constructor(readonly symbols: SymbolFile) {}

  /** A struct layout by C name (`struct task`); undefined when the kernel has no such type. */
  tryStruct(cname: string): StructLayout | undefined {
    const hit = this.structs.get(cname);
    if (hit !== undefined) return hit ?? undefined;
    const t = this.symbols.typeNamed(cname);
    const s = t && this.complete(stripType(t));
    const layout = s && (s.kind === 'struct' || s.kind === 'union') && s.size > 0 ? new StructLayout(cname, s, this) : undefined;
    this.structs.set(cname, layout ?? null);
    return layout;
  }

  struct(cname: string): StructLayout {
    const l = this.tryStruct(cname);
    if (!l) throw new AwarenessError(`the kernel's debug information has no ${cname}`);
    return l;
  }

  /** A struct declared but not defined here is replaced by its definition found by name. */
  complete(t: Type): Type {
    if ((t.kind === 'struct' || t.kind === 'union') && t.size === 0 && t.name) {
      const full = this.symbols.typeNamed(`${t.kind} ${t.name}`);
      const s = full && stripType(full);
      if (s && s.kind === t.kind && s.size > 0) return s;
    }
    return t;
  }

  /** A global's address and type, or undefined. */
  global(name: string): { address: bigint; type: Type } | undefined { return this.symbols.globalVariable(name); }

  /** The value of an enumerator, searched in the named enum type. */
  enumValue(enumName: string, member: string): bigint | undefined {
    const t = this.symbols.typeNamed(`enum ${enumName}`);
    const s = t && stripType(t);
    return s && s.kind === 'enum' ? s.enumerators.find((e) => e.name === member)?.value : undefined;
  }

  /** Element count of an array-typed global. */
  arrayCount(t: Type): number | undefined {
    const s = stripType(t);
    return s.kind === 'array' ? s.count : undefined;
  }

  /** The struct type a pointer or array type points at/holds, completed. */
  elementStruct(t: Type): (Type & { kind: 'struct' | 'union' }) | undefined {
    const s = stripType(t);
    const e = s.kind === 'array' ? stripType(s.element) : s.kind === 'pointer' ? stripType(s.target()) : s;
    const c = this.complete(e);
    return c.kind === 'struct' || c.kind === 'union' ? c : undefined;
  }
}
