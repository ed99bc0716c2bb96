// gdb's `ptype` and `whatis` texts for C types (symbols' Type), for the Debug Console. ptype
// resolves typedefs at the outer level (through pointers, arrays and functions to the base) and
// prints a struct, union or enum base with its body; members keep their typedef and tag names,
// except anonymous structs, unions and enums, which are printed in place, four spaces deeper
// per level. whatis names the type (of a type name: one level of typedef unrolled).
import { typeName, type Member, type Type } from '../../symbols';

const QUALS = ['const', 'volatile', 'restrict', 'atomic'] as const;

function enumBody(t: Extract<Type, { kind: 'enum' }>): string {
  let next = 0n;
  const parts = t.enumerators.map((e) => {
    const s = e.value === next ? e.name : `${e.name} = ${e.value}`;
    next = e.value + 1n;
    return s;
  });
  return `{${parts.join(', ')}}`;
}

/** A member's declaration line(s) at `indent`. */
function memberLines(m: Member, indent: string): string[] {
  let base: Type = m.type;
  const quals: string[] = [];
  while (base.kind === 'qualified') { quals.push(base.qualifier); base = base.target; }
  const bits = m.bitSize !== undefined ? ` : ${m.bitSize}` : '';
  const q = QUALS.filter((x) => quals.includes(x)).map((x) => `${x} `).join('');
  if ((base.kind === 'struct' || base.kind === 'union') && base.name === undefined) {
    const body = bodyLines(base, indent + '    ');
    return [`${indent}${q}${base.kind} {`, ...body, `${indent}}${m.name ? ' ' + m.name : ''}${bits};`];
  }
  if (base.kind === 'enum' && base.name === undefined) return [`${indent}${q}enum ${enumBody(base)}${m.name ? ' ' + m.name : ''}${bits};`];
  return [`${indent}${typeName(m.type, m.name ?? '')}${bits};`];
}

function bodyLines(t: Extract<Type, { kind: 'struct' | 'union' }>, indent: string): string[] {
  const ms = t.members();
  if (!ms.length) return [`${indent}<no data fields>`, ''];
  return ms.flatMap((m) => memberLines(m, indent));
}

/** The type with typedefs resolved at its top. */
function resolveTop(t: Type): Type {
  while (t.kind === 'typedef') t = t.target;
  return t;
}

/** Replaces the innermost base of a derived type (through pointers, arrays, functions, qualifiers) by `base`. */
function withBase(t: Type, f: (base: Type) => Type): Type {
  switch (t.kind) {
    case 'pointer': { const inner = withBase(t.target(), f); return { ...t, target: () => inner }; }
    case 'array': {
      // gdb loses the qualifiers of an element whose typedef it resolves (`long (*[20])(...)` for `const syscall_fn [20]`)
      let el = t.element;
      if (el.kind === 'qualified') { let q: Type = el; while (q.kind === 'qualified') q = q.target; if (q.kind === 'typedef') el = q; }
      return { ...t, element: withBase(el, f) };
    }
    case 'function': return { ...t, ret: withBase(t.ret, f) };
    case 'qualified': {
      // the same for a qualified array of such elements (the qualifier applies to its elements)
      if (t.target.kind === 'array') { let q: Type = t.target.element; while (q.kind === 'qualified') q = q.target; if (q.kind === 'typedef') return withBase(t.target, f); }
      return { ...t, target: withBase(t.target, f) };
    }
    default: { const r = f(t); return r === t ? t : withBase(r, f); }
  }
}

function baseOf(t: Type): Type {
  for (;;) {
    if (t.kind === 'pointer') t = t.target();
    else if (t.kind === 'array') t = t.element;
    else if (t.kind === 'function') t = t.ret;
    else if (t.kind === 'qualified') t = t.target;
    else return t;
  }
}

/** gdb's `ptype` text (after `type = `). */
export function ptypeText(t: Type): string {
  const top = withBase(t, resolveTop);
  const base = baseOf(top);
  const text = typeName(top);
  if (base.kind !== 'struct' && base.kind !== 'union' && base.kind !== 'enum') return text;
  const head = base.kind === 'enum' ? `enum ${base.name ?? '{...}'}` : `${base.kind} ${base.name ?? '{...}'}`;
  const body = base.kind === 'enum'
    ? `${base.name ? `enum ${base.name} ` : 'enum '}${enumBody(base)}`
    : `${base.name ? `${base.kind} ${base.name} ` : `${base.kind} `}{\n${bodyLines(base, '    ').join('\n')}\n}`;
  const at = text.indexOf(head);
  return at < 0 ? text : text.slice(0, at) + body + text.slice(at + head.length);
}

/** gdb's `whatis` text (after `type = `): an expression's type by name; a type name with one typedef level unrolled. */
export function whatisText(t: Type, isType: boolean): string {
  return typeName(isType && t.kind === 'typedef' ? t.target : t);
}
