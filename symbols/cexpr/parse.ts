// C expression parser for Watch, hover, conditions and the Debug Console: identifiers,
// integer, floating (`2.5`, `1e3`, `0.5f`) and char literals, member access, indexing, unary * & - ! ~, casts to type names
// (`(struct proc *)0x80012345`), sizeof, binary arithmetic/comparison/logical operators,
// $registers, and gdb's `@`. Precedence climbing over a small tokenizer; errors name the
// offending token and its column.
import { SymbolsError } from '../errors';

export type TypeName = { base: string; pointers: number };
export type Expr =
  | { k: 'num'; v: bigint; unsigned: boolean; long: boolean }
  | { k: 'float'; v: number; single: boolean }
  | { k: 'char'; v: number }
  | { k: 'id'; name: string }
  | { k: 'reg'; name: string }
  | { k: 'member'; obj: Expr; name: string; arrow: boolean }
  | { k: 'index'; obj: Expr; index: Expr }
  | { k: 'unary'; op: string; e: Expr }
  | { k: 'cast'; type: TypeName; e: Expr }
  | { k: 'sizeofType'; type: TypeName }
  | { k: 'sizeof'; e: Expr }
  | { k: 'binary'; op: string; l: Expr; r: Expr };

interface Tok { t: 'num' | 'float' | 'char' | 'id' | 'reg' | 'op' | 'end'; s: string; at: number }

const OPS = ['->', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '%', '<', '>', '&', '|', '^', '!', '~', '(', ')', '[', ']', '.', '@', ','];

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const at = i;
    const fl = /^(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(?=[eE][+-]?[0-9]))(?:[eE][+-]?[0-9]+)?[fFlL]?/.exec(src.slice(i));
    if (fl) { out.push({ t: 'float', s: fl[0], at }); i += fl[0].length; continue; }
    if (/[0-9]/.test(c)) {
      const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)/.exec(src.slice(i))!;
      out.push({ t: 'num', s: m[0], at }); i += m[0].length; continue;
    }
    if (/[A-Za-z_]/.test(c)) { const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!; out.push({ t: 'id', s: m[0], at }); i += m[0].length; continue; }
    if (c === '$') { const m = /^\$[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i)); if (!m) throw new SymbolsError(`bad register name at column ${at + 1}`); out.push({ t: 'reg', s: m[0].slice(1), at }); i += m[0].length; continue; }
    if (c === "'") {
      const m = /^'(\\(?:[0-7]{1,3}|x[0-9a-fA-F]+|.)|[^\\'])'/.exec(src.slice(i));
      if (!m) throw new SymbolsError(`bad character literal at column ${at + 1}`);
      out.push({ t: 'char', s: m[1], at }); i += m[0].length; continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new SymbolsError(`unexpected character '${c}' at column ${at + 1}`);
    out.push({ t: 'op', s: op, at }); i += op.length;
  }
  out.push({ t: 'end', s: '', at: src.length });
  return out;
}

const BINARY: Record<string, number> = { '@': 11, '*': 10, '/': 10, '%': 10, '+': 9, '-': 9, '<<': 8, '>>': 8, '<': 7, '>': 7, '<=': 7, '>=': 7, '==': 6, '!=': 6, '&': 5, '^': 4, '|': 3, '&&': 2, '||': 1 };
const TYPE_WORDS = new Set(['struct', 'union', 'enum', 'unsigned', 'signed', 'int', 'char', 'long', 'short', 'void', 'float', 'double', 'const', 'volatile', '_Bool']);

/** Parses an expression; `isTypeName` says whether an identifier names a typedef. */
export function parseExpression(src: string, isTypeName: (name: string) => boolean): Expr {
  const toks = lex(src);
  let p = 0;
  const peek = () => toks[p];
  const fail = (msg: string): never => { throw new SymbolsError(`${msg} at column ${peek().at + 1} in "${src}"`); };
  const expect = (s: string) => { if (peek().s !== s) fail(`expected '${s}'`); p++; };
  const startsType = (k: number) => { const t = toks[k]; return t.t === 'id' && (TYPE_WORDS.has(t.s) || isTypeName(t.s)); };
  const typeName = (): TypeName => {
    const words: string[] = [];
    while (peek().t === 'id' && (TYPE_WORDS.has(peek().s) || (words.length === 0 && isTypeName(peek().s)) || ['struct', 'union', 'enum'].includes(words[words.length - 1]))) {
      const w = toks[p++].s;
      if (w !== 'const' && w !== 'volatile') words.push(w);
    }
    if (!words.length) fail('expected a type name');
    let pointers = 0;
    while (peek().s === '*') { p++; pointers++; }
    return { base: words.join(' '), pointers };
  };
  const primary = (): Expr => {
    const t = peek();
    if (t.t === 'num') {
      p++;
      const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)$/.exec(t.s)!;
      const digits = m[1];
      const v = digits.length > 1 && digits[0] === '0' && !/[xX]/.test(digits) ? BigInt('0o' + digits.slice(1)) : BigInt(digits);
      // C's literal typing: int, then (for hex/octal or a U suffix) unsigned int, then long
      const u = /u/i.test(m[2]);
      const decimal = !(digits.length > 1 && digits[0] === '0');
      const long = /l/i.test(m[2]) || v > 0xffffffffn || (!u && decimal && v > 0x7fffffffn);
      return { k: 'num', v, unsigned: u || (!long && v > 0x7fffffffn), long };
    }
    if (t.t === 'float') {
      p++;
      // a double, or with an f suffix a float (an l suffix, long double, is read as a double)
      const single = /[fF]$/.test(t.s);
      const v = Number(t.s.replace(/[fFlL]$/, ''));
      return { k: 'float', v: single ? Math.fround(v) : v, single };
    }
    if (t.t === 'char') { p++; return { k: 'char', v: charValue(t.s) }; }
    if (t.t === 'id') { p++; return { k: 'id', name: t.s }; }
    if (t.t === 'reg') { p++; return { k: 'reg', name: t.s }; }
    if (t.s === '(') { p++; const e = expr(0); expect(')'); return e; }
    return fail(t.t === 'end' ? 'unexpected end of expression' : `unexpected '${t.s}'`);
  };
  const postfix = (): Expr => {
    let e = primary();
    for (;;) {
      const t = peek();
      if (t.s === '.' || t.s === '->') { p++; const n = peek(); if (n.t !== 'id') fail('expected a member name'); p++; e = { k: 'member', obj: e, name: n.s, arrow: t.s === '->' }; }
      else if (t.s === '[') { p++; const i = expr(0); expect(']'); e = { k: 'index', obj: e, index: i }; }
      else return e;
    }
  };
  const unary = (): Expr => {
    const t = peek();
    if (t.t === 'op' && ['-', '+', '!', '~', '*', '&'].includes(t.s)) { p++; return { k: 'unary', op: t.s, e: unary() }; }
    if (t.t === 'id' && t.s === 'sizeof') {
      p++;
      if (peek().s === '(' && startsType(p + 1)) { p++; const ty = typeName(); expect(')'); return { k: 'sizeofType', type: ty }; }
      return { k: 'sizeof', e: unary() };
    }
    if (t.s === '(' && startsType(p + 1)) { p++; const ty = typeName(); expect(')'); return { k: 'cast', type: ty, e: unary() }; }
    return postfix();
  };
  const expr = (minPrec: number): Expr => {
    let l = unary();
    for (;;) {
      const t = peek();
      const prec = t.t === 'op' ? BINARY[t.s] : undefined;
      if (prec === undefined || prec <= minPrec - 1 || prec < minPrec) return l;
      p++;
      const r = expr(prec + 1);
      l = { k: 'binary', op: t.s, l, r };
    }
  };
  const e = expr(0);
  if (peek().t !== 'end') fail(`unexpected '${peek().s}'`);
  return e;
}

function charValue(s: string): number {
  if (s[0] !== '\\') return s.charCodeAt(0) & 0xff;
  const e = s.slice(1);
  if (/^[0-7]+$/.test(e)) return parseInt(e, 8) & 0xff;
  if (e[0] === 'x') return parseInt(e.slice(1), 16) & 0xff;
  const map: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '0': 0, '\\': 92, "'": 39, '"': 34 };
  return map[e] ?? e.charCodeAt(0);
}
