// Values for the Variables, Watch and hover views and the Debug Console, through symbols/'
// public value API (SymbolFile.frameScopes, evaluate, assign, printExpression): a scope is a
// symbol file, a frame in it (undefined: globals only), the memory that frame sees, its named
// registers (CSRs, priv) and how writes reach the target. Nodes (symbols' ValueNode) carry
// gdb's type and print text, address, pointee and lazy paged children; this file only adds
// what the DAP views need on top (the text as `info locals` shows it, memory references,
// whether an array is paged).
import type { EvaluateResult, FrameContext, MemoryReader, MemoryWriter, SymbolFile, ValueNode } from '../../symbols';
import { frameValueText } from '../console';
import { formatMemoryRef } from './memory-ref';

/** Where values are read: a symbol file, a frame in it, the memory and registers that frame sees. */
export interface ValueScope {
  file: SymbolFile;
  /** The frame (its FrameContext, with the inlined call's depth); undefined: globals only. */
  frame?: FrameContext;
  mem: MemoryReader;
  readNamedRegister?: (name: string) => Promise<bigint | undefined>;
  /** Writes memory and (innermost frame) registers; undefined when the target cannot be written. */
  writer?: MemoryWriter;
  /** The process's address space for a user program's frame (memory references carry it). */
  satp?: bigint;
}

/** Arrays with more elements than this are paged (DAP indexedVariables). */
export const PAGE_THRESHOLD = 100;

const refusing: MemoryWriter = { writeMemory: async () => { throw new Error('this target\'s memory cannot be written'); } };

/** The frame's arguments and locals as gdb's `info args` / `info locals` list them. */
export async function scopeNodes(s: ValueScope, format?: string): Promise<{ arguments: ValueNode[]; locals: ValueNode[] }> {
  if (!s.frame) return { arguments: [], locals: [] };
  return s.file.frameScopes(s.frame, s.mem, format ? { format } : {});
}

/** A C expression as a node (gdb's error text when it cannot be evaluated). */
export function evaluateNode(s: ValueScope, expr: string, format?: string): Promise<EvaluateResult> {
  return s.file.evaluate(expr, s.frame, s.mem, s.readNamedRegister, format ? { format } : {});
}

/** gdb's `set var LHS = RHS` in the scope: the left side's new value, or gdb's message. */
export function assignNode(s: ValueScope, lhs: string, rhs: string, format?: string): Promise<EvaluateResult> {
  return s.file.assign(lhs, rhs, s.frame, s.mem, s.writer ?? refusing, s.readNamedRegister, format ? { format } : {});
}

/** gdb's `print[/F] EXPR` text (the Debug Console's p, x's address arguments). */
export function printText(s: ValueScope, expr: string, format?: string): Promise<{ ok: boolean; text: string }> {
  return s.file.printExpression(expr, s.frame, s.mem, s.readNamedRegister, format ? { format } : {});
}

/**
 * A node's text in a list (Locals, Arguments, members, elements): as gdb's `info locals` and
 * struct members print it, without print's `(type *) ` prefix. Watch and hover show `node.value`.
 */
export function listText(n: ValueNode): string {
  return frameValueText(n.value);
}

/** An array node (its children are elements, paged when many). */
export function isArray(n: ValueNode): boolean {
  return n.pointee !== undefined && n.pointee === n.address && /\]$/.test(n.type);
}

/** DAP memoryReference: what a pointer holds (not null), an array's or another lvalue's address. */
export function memoryReference(n: ValueNode, satp?: bigint): string | undefined {
  let a: bigint | undefined;
  if (n.pointee !== undefined) a = n.pointee === 0n ? undefined : n.pointee;
  else a = n.address;
  return a === undefined ? undefined : formatMemoryRef(a, satp);
}

/** Whether a node's text is true as a C condition (undefined: the text does not say). */
export function truthOfText(text: string): boolean | undefined {
  const t = frameValueText(text).trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  const m = /^(-?(?:0x[0-9a-f]+|\d+(?:\.\d*)?(?:e[-+]?\d+)?|inf|nan\(0x[0-9a-f]+\)|nan))(?:\s|$)/i.exec(t);
  if (!m) return undefined;
  const v = m[1].toLowerCase();
  if (/^-?0x/.test(v)) return BigInt(v.replace('-', '')) !== 0n;
  if (/inf|nan/.test(v)) return true;
  return Number(v) !== 0;
}
