// Structured values for a debugger's Variables view, Watch and hover (issue 13): a value as a
// node with gdb's type name and one-line print text, its address and what a pointer holds, and
// lazily paged children (struct members, array elements, the target of a pointer), each with a
// C expression that evaluates to it. Children are derived from the parent's bytes (read once)
// or read on demand; nothing here throws past `children()`: an unreadable child carries gdb's
// `<error: ...>` text.
import { DW_ATE } from '../dwarf/constants';
import { Die } from '../dwarf/info';
import { MemoryReader } from '../target';
import { FrameContext, Variables } from './variables';
import { FormatContext, formatValue } from './format';
import { FormatLetter, formatWithLetter } from './format-letters';
import { Member, sizeOf, strip, Type, typeName } from './types';

/** A value as the tree holds it (structurally the expression evaluator's Value, plus a few marks). */
export interface NodeValue {
  type: Type;
  bytes: Uint8Array;
  /** Where it lives in memory (an lvalue). */
  address?: bigint;
  /** In memory, not read yet (aggregates). */
  lazy?: boolean;
  optimizedOut?: boolean;
  /** Per byte: 1 where the bytes are not available (a DW_OP_piece that is optimized out). */
  unavailable?: Uint8Array;
  /** A variable held in this DWARF register (innermost frame: writable through writeRegister). */
  register?: number;
  /** A bitfield: its width and bit offset within `bytes`. */
  bit?: { size: number; offset: number };
  /** gdb's message when the value cannot be had (shown as `<error: MESSAGE>`). */
  error?: string;
  /** DW_OP_implicit_pointer: gdb's `<synthetic pointer>`. */
  synthetic?: boolean;
}

export interface ValueNode {
  /** Variable name, member name, `[i]`, or `*p`. */
  name: string;
  /** A C expression that evaluates to this node (DAP's evaluateName). */
  expression: string;
  /** gdb's type name (`struct task *`, `int [16]`). */
  type: string;
  /** gdb's print text on one line (long aggregates cut with `...`). */
  value: string;
  /** The lvalue's address in memory, when it has one. */
  address?: bigint;
  /** Pointers: the address held; arrays: the first element's address. */
  pointee?: bigint;
  /** Struct/union members, array elements, or 1 for a pointer whose target is shown. */
  childCount: number;
  /** Children `start .. start+count-1` (all by default); never rejects. */
  children(start?: number, count?: number): Promise<ValueNode[]>;
  writable: boolean;
}

/** The most bytes one value may read (gdb's default max-value-size). */
const MAX_VALUE_SIZE = 65536;
/** Beyond max-value-size an array's text shows the elements in this many leading bytes. */
const PREFIX_BYTES = 4096;
/** Longest value text kept whole. */
const MAX_TEXT = 4000;

export interface TreeContext {
  mem: MemoryReader;
  fmt: FormatContext;
  /** True when a register-held value can be written (the frame is the innermost one). */
  registersWritable?: boolean;
  /** gdb's output format for values (print/x ...); natural when absent. */
  letter?: FormatLetter;
  /** Records an unexpected exception (the node then shows `<error: ...>`). */
  warn?(what: string, e: unknown): void;
}

const cannotAccess = (a: bigint) => `Cannot access memory at address 0x${a.toString(16)}`;

function isCharType(t: Type): boolean {
  const s = strip(t);
  return s.kind === 'base' && s.size === 1 && (s.encoding === DW_ATE.signed_char || s.encoding === DW_ATE.unsigned_char || s.encoding === DW_ATE.UTF);
}

/** A postfix expression that needs no parentheses before `.m`, `[i]` or `->m`. */
const SIMPLE = /^[A-Za-z_$][\w$]*(?:(?:\.|->)[A-Za-z_]\w*|\[-?\d+\])*$/;

function memberExpr(parent: string, m: string): string {
  const deref = /^\*(.+)$/.exec(parent);
  if (deref && SIMPLE.test(deref[1])) return `${deref[1]}->${m}`;
  return SIMPLE.test(parent) ? `${parent}.${m}` : `(${parent}).${m}`;
}
const indexExpr = (parent: string, i: number) => (SIMPLE.test(parent) ? `${parent}[${i}]` : `(${parent})[${i}]`);
const derefExpr = (parent: string) => (SIMPLE.test(parent) ? `*${parent}` : `*(${parent})`);

/** How many children a value of this type shows (see ValueNode.childCount). */
export function childCountOf(t: Type): number {
  const s = strip(t);
  switch (s.kind) {
    case 'struct': case 'union': return s.members().length;
    case 'array': return s.count ?? 0;
    case 'pointer': {
      const k = strip(s.target());
      if (k.kind === 'void' || k.kind === 'function' || isCharType(k)) return 0;
      return 1;
    }
    default: return 0;
  }
}

/** The print text of a value that has its bytes (the whole value, or an array's leading part when `cut`). */
async function printText(v: NodeValue, ctx: TreeContext, cut: boolean): Promise<string> {
  const s = strip(v.type);
  if (s.kind === 'function') {
    const a = v.address ?? 0n;
    const sym = ctx.fmt.symbolize(a);
    return `{${typeName(s)}} 0x${a.toString(16)}${sym ? ' ' + sym : ''}`;
  }
  let text = ctx.letter
    ? await formatWithLetter(ctx.letter, v.type, v.bytes, ctx.fmt, true, v.bit?.size, v.bit?.offset, v.address, v.unavailable)
    : await formatValue(v.type, v.bytes, ctx.fmt, true, v.bit?.size, v.bit?.offset, v.address, v.unavailable);
  if (cut && !text.endsWith('...')) text += '...';
  if (text.length > MAX_TEXT) text = text.slice(0, MAX_TEXT) + '...';
  return text;
}

/** Unavailable bytes of a member or element, when the parent has a mask. */
function subMask(m: Uint8Array | undefined, off: number, n: number): Uint8Array | undefined {
  if (!m) return undefined;
  const s = m.subarray(off, off + n);
  return s.some((x) => x) ? s : undefined;
}

/** Builds a node for a value (reading a lazy one's bytes up to max-value-size). */
export async function makeNode(name: string, expression: string, v: NodeValue, ctx: TreeContext, writable?: boolean): Promise<ValueNode> {
  const type = (() => { try { return typeName(v.type); } catch { return '?'; } })();
  const leaf = (value: string): ValueNode => ({ name, expression, type, value, address: v.address, childCount: 0, children: async () => [], writable: false });
  try {
    if (v.error !== undefined) return leaf(`<error: ${v.error}>`);
    if (v.synthetic) return leaf(`(${type}) <synthetic pointer>`);
    const s = strip(v.type);
    const full = v.unavailable && v.bytes.length > 0 && v.unavailable.every((x) => x);
    if (v.optimizedOut || full) return { ...leaf('<optimized out>'), writable: false };
    let cut = false;
    let val = v;
    if (v.lazy && v.address !== undefined) {
      const size = sizeOf(v.type);
      if (size <= MAX_VALUE_SIZE) {
        const b = size === 0 ? new Uint8Array(0) : await ctx.mem.readMemory(v.address, size);
        if (!b) return leaf(`<error: ${cannotAccess(v.address)}>`);
        val = { ...v, bytes: b, lazy: false };
      } else if (s.kind === 'array' && s.count !== undefined) {
        const es = sizeOf(s.element);
        const n = es > 0 ? Math.max(1, Math.floor(PREFIX_BYTES / es)) : 0;
        const b = n && es <= MAX_VALUE_SIZE ? await ctx.mem.readMemory(v.address, n * es) : undefined;
        if (!b) return { ...leaf(`<error: ${cannotAccess(v.address)}>`), childCount: s.count, children: (st, c) => childrenOf(val, expression, ctx, st, c) };
        // the text of the leading elements only; the children still page over the whole array
        const text = await printText({ type: { kind: 'array', element: s.element, count: n }, bytes: b, address: v.address }, ctx, true);
        return { name, expression, type, value: text, address: v.address, pointee: v.address, childCount: s.count, children: (st, c) => childrenOf(v, expression, ctx, st, c), writable: writable ?? true };
      } else {
        const text = `<error: value requires ${size} bytes, which is more than max-value-size>`;
        return { ...leaf(text), childCount: childCountOf(v.type), children: (st, c) => childrenOf(v, expression, ctx, st, c) };
      }
    }
    const value = await printText(val, ctx, cut);
    let pointee: bigint | undefined;
    if (s.kind === 'pointer') pointee = leU(val.bytes, s.size);
    else if (s.kind === 'array') pointee = val.address;
    const partial = !!val.unavailable?.some((x) => x);
    const childCount = childCountOf(val.type);
    const canWrite = writable ?? (val.address !== undefined || (val.register !== undefined && !!ctx.registersWritable && !val.bit));
    return {
      name, expression, type, value, address: val.address, pointee,
      // a pointer whose own bytes are partly unavailable shows no target
      childCount: s.kind === 'pointer' && partial ? 0 : childCount,
      children: (st, c) => childrenOf(val, expression, ctx, st, c),
      writable: canWrite && !partial,
    };
  } catch (e) {
    ctx.warn?.(`value ${expression}`, e);
    return leaf('<error: internal error>');
  }
}

function leU(b: Uint8Array, n: number): bigint {
  let v = 0n;
  for (let i = Math.min(n, b.length) - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

function anonName(m: Member): string {
  const k = strip(m.type).kind;
  return k === 'union' ? '<anonymous union>' : k === 'struct' ? '<anonymous struct>' : '<anonymous>';
}

/** Children `start .. start+count-1` of a value; never rejects. */
async function childrenOf(v: NodeValue, expression: string, ctx: TreeContext, start = 0, count?: number): Promise<ValueNode[]> {
  try {
    const total = childCountOf(v.type);
    const from = Number.isFinite(start) && start > 0 ? Math.floor(start) : 0;
    const n = count === undefined || !Number.isFinite(count) ? total - from : Math.max(0, Math.min(Math.floor(count), total - from));
    if (n <= 0 || from >= total) return [];
    const s = strip(v.type);
    const out: ValueNode[] = [];
    if (s.kind === 'struct' || s.kind === 'union') {
      const ms = s.members().slice(from, from + n);
      for (const m of ms) {
        const cv = await memberValue(v, m, ctx);
        const nm = m.name ?? anonName(m);
        // an anonymous member has no C name: its members are named through the parent
        out.push(await makeNode(nm, m.name !== undefined ? memberExpr(expression, m.name) : expression, cv, ctx));
      }
    } else if (s.kind === 'array') {
      const es = sizeOf(s.element);
      // a page of elements read at once when the parent's bytes do not cover it
      let page: Uint8Array | undefined, pageErr: string | undefined;
      const have = !v.lazy && v.bytes.length >= (from + n) * es;
      if (!have && v.address !== undefined && es > 0 && n * es <= MAX_VALUE_SIZE && strip(s.element).kind !== 'struct' && strip(s.element).kind !== 'union' && strip(s.element).kind !== 'array') {
        page = await ctx.mem.readMemory(v.address + BigInt(from * es), n * es);
        if (!page) pageErr = 'page';
      }
      for (let i = from; i < from + n; i++) {
        let cv: NodeValue;
        if (have) cv = { type: s.element, bytes: v.bytes.subarray(i * es, (i + 1) * es), address: v.address !== undefined ? v.address + BigInt(i * es) : undefined, unavailable: subMask(v.unavailable, i * es, es) };
        else if (v.address === undefined) cv = { type: s.element, bytes: new Uint8Array(0), error: 'no such vector element' };
        else if (page) cv = { type: s.element, bytes: page.subarray((i - from) * es, (i - from + 1) * es), address: v.address + BigInt(i * es) };
        else if (pageErr) cv = await loadValue(s.element, v.address + BigInt(i * es), ctx);
        else cv = { type: s.element, bytes: new Uint8Array(0), address: v.address + BigInt(i * es), lazy: true };
        out.push(await makeNode(`[${i}]`, indexExpr(expression, i), cv, ctx));
      }
    } else if (s.kind === 'pointer') {
      const target = s.target();
      const a = leU(v.bytes, s.size);
      out.push(await makeNode(`*${nameTail(expression)}`, derefExpr(expression), await loadValue(target, a, ctx), ctx));
    }
    return out;
  } catch (e) {
    ctx.warn?.(`children of ${expression}`, e);
    return [];
  }
}

/** The name part of an expression for `*name`: the last member or the whole. */
function nameTail(expr: string): string {
  const m = /(?:\.|->)([A-Za-z_]\w*)$/.exec(expr);
  return m ? m[1] : expr;
}

/** A value of type t at an address: aggregates lazy, scalars read now (an error text when unreadable). */
async function loadValue(t: Type, a: bigint, ctx: TreeContext): Promise<NodeValue> {
  const k = strip(t).kind;
  if (k === 'struct' || k === 'union' || k === 'array') return { type: t, bytes: new Uint8Array(0), address: a, lazy: true };
  const n = sizeOf(t);
  const b = await ctx.mem.readMemory(a, n);
  if (!b) return { type: t, bytes: new Uint8Array(0), address: a, error: cannotAccess(a) };
  return { type: t, bytes: b, address: a };
}

async function memberValue(v: NodeValue, m: Member, ctx: TreeContext): Promise<NodeValue> {
  const ms = sizeOf(m.type);
  const addr = v.address !== undefined ? v.address + BigInt(m.offset) : undefined;
  if (m.bitSize !== undefined) {
    const bo = m.bitOffset ?? 0;
    const byte = m.offset + Math.floor(bo / 8);
    const span = Math.ceil(((bo % 8) + m.bitSize) / 8);
    let b: Uint8Array | undefined;
    if (!v.lazy) b = v.bytes.subarray(byte, byte + span);
    else if (v.address !== undefined) {
      b = await ctx.mem.readMemory(v.address + BigInt(byte), span);
      if (!b) return { type: m.type, bytes: new Uint8Array(0), error: cannotAccess(v.address + BigInt(byte)) };
    }
    if (!b) return { type: m.type, bytes: new Uint8Array(0), error: 'value is not available' };
    const unavailable = subMask(v.unavailable, byte, span);
    return { type: m.type, bytes: b, address: v.address !== undefined ? v.address + BigInt(byte) : undefined, bit: { size: m.bitSize, offset: bo % 8 }, unavailable };
  }
  if (!v.lazy) return { type: m.type, bytes: v.bytes.subarray(m.offset, m.offset + ms), address: addr, unavailable: subMask(v.unavailable, m.offset, ms) };
  if (addr === undefined) return { type: m.type, bytes: new Uint8Array(0), error: 'value is not available' };
  return loadValue(m.type, addr, ctx);
}

/**
 * A variable's value as a node value: an aggregate in memory stays lazy (read when its node is
 * made), a register-held one keeps its register, an optimized-out one is marked.
 */
export async function variableValue(vars: Variables, d: Die, frame: FrameContext | undefined, mem: MemoryReader): Promise<NodeValue> {
  const t = vars.typeOfVar(d);
  const k = strip(t).kind;
  if (k === 'struct' || k === 'union' || k === 'array') {
    const r0 = await vars.read(d, frame, mem, true);
    if (r0.ok && r0.address !== undefined && !r0.bytes.length && sizeOf(r0.type) > 0) return { type: r0.type, bytes: r0.bytes, address: r0.address, lazy: true };
  }
  const r = await vars.read(d, frame, mem);
  if (r.ok) return { type: r.type, bytes: r.bytes, address: r.address, register: r.register, unavailable: r.unavailable };
  if (r.reason === 'optimized out') return { type: r.type, bytes: new Uint8Array(0), optimizedOut: true };
  if (r.reason === 'synthetic pointer') return { type: r.type, bytes: new Uint8Array(0), synthetic: true };
  return { type: r.type, bytes: new Uint8Array(0), error: r.reason.charAt(0).toUpperCase() + r.reason.slice(1) };
}
