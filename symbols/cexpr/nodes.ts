// The structured value API behind SymbolFile.frameScopes, globals and evaluate (issue 13): a
// frame's arguments and locals as gdb's `info args` / `info locals` list them, a unit's
// statics, and a C expression's value, each as a ValueNode (values/tree.ts) whose children
// are read lazily.
import { SymbolsError } from '../errors';
import { DW_AT, DW_TAG } from '../dwarf/constants';
import { Dwarf } from '../dwarf/dwarf';
import { Die } from '../dwarf/info';
import { Symbolizer } from '../symbolizer';
import { MemoryReader, MemoryWriter } from '../target';
import { Assigner } from './assign';
import { FormatContext } from '../values/format';
import { FORMAT_LETTERS, FormatLetter } from '../values/format-letters';
import { makeNode, NodeValue, TreeContext, ValueNode, variableValue } from '../values/tree';
import { sizeOf, strip } from '../values/types';
import { FrameContext, MAX_VALUE_SIZE, Variables } from '../values/variables';
import { EvalEnv, ExpressionEvaluator } from './evaluate';

export type EvaluateResult = { ok: true; node: ValueNode } | { ok: false; text: string };

/** How values print: `format` is gdb's print/FMT letter (x d u o t c a z f s), natural when absent. */
export interface ValueOptions { format?: string }

/** The letter, or gdb's error for one it does not know. */
function checkFormat(f: string | undefined): FormatLetter | undefined {
  if (f === undefined || f === '') return undefined;
  if (typeof f !== 'string') throw new SymbolsError('Undefined output format.');
  if (f.length !== 1) throw new SymbolsError(`Undefined output format "${f}".`);
  if (!FORMAT_LETTERS.includes(f)) throw new SymbolsError(`Undefined output format "${f}".`);
  return f as FormatLetter;
}

export class ValueApi {
  constructor(
    private readonly dwarf: Dwarf,
    private readonly sym: Symbolizer,
    private readonly vars: Variables,
    private readonly ev: ExpressionEvaluator,
    private readonly symbolText: (a: bigint) => string | undefined,
    private readonly warn: (what: string, e: unknown) => void,
  ) {}

  fmt(mem: MemoryReader): FormatContext {
    return { symbolize: (a) => this.symbolText(a), readMemory: (a, n) => mem.readMemory(a, n) };
  }

  treeContext(frame: FrameContext | undefined, mem: MemoryReader, opts: ValueOptions = {}): TreeContext {
    return { mem, fmt: this.fmt(mem), registersWritable: !!frame?.innermost, warn: this.warn, letter: checkFormat(opts.format) };
  }

  /** Arguments and locals visible in the frame (innermost block first), as gdb's info args / info locals. */
  async frameScopes(frame: FrameContext, mem: MemoryReader, opts: ValueOptions = {}): Promise<{ arguments: ValueNode[]; locals: ValueNode[] }> {
    const pc = frame.innermost ? frame.pc : frame.pc - 1n;
    const dies = this.vars.localsAt(pc, frame.inlineDepth ?? 0);
    const ctx = this.treeContext(frame, mem, opts);
    const args: ValueNode[] = [], locals: ValueNode[] = [];
    for (const d of dies) {
      const name = this.dwarf.nameOf(d);
      if (name === undefined) continue;
      const node = await this.nodeOfVariable(name, d, frame, mem, ctx);
      (d.tag === DW_TAG.formal_parameter ? args : locals).push(node);
    }
    return { arguments: args, locals };
  }

  /** The globals and file statics defined in the unit that holds the frame's pc. */
  async globals(frame: FrameContext, mem: MemoryReader, opts: ValueOptions = {}): Promise<ValueNode[]> {
    const pc = frame.innermost ? frame.pc : frame.pc - 1n;
    const chain = this.sym.scopeChain(pc);
    const fn = chain[chain.length - 1];
    if (!fn) return [];
    const ctx = this.treeContext(frame, mem, opts);
    const out: ValueNode[] = [];
    const seen = new Set<string>();
    for (const c of fn.unit.root().children) {
      if (c.tag !== DW_TAG.variable) continue;
      const name = this.dwarf.nameOf(c);
      if (name === undefined || seen.has(name)) continue;
      // a declaration resolves to the definition the name denotes (perhaps in another unit)
      const d = c.get(DW_AT.declaration) ? this.vars.lookup(name, pc, frame.inlineDepth) ?? c : c;
      seen.add(name);
      out.push(await this.nodeOfVariable(name, d, frame, mem, ctx));
    }
    return out;
  }

  private async nodeOfVariable(name: string, d: Die, frame: FrameContext | undefined, mem: MemoryReader, ctx: TreeContext): Promise<ValueNode> {
    let v: NodeValue;
    try {
      v = await variableValue(this.vars, d, frame, mem);
    } catch (e) {
      if (!(e instanceof SymbolsError)) this.warn(`variable ${name}`, e);
      v = { type: { kind: 'void' }, bytes: new Uint8Array(0), error: e instanceof SymbolsError ? e.message : 'internal error' };
    }
    return makeNode(name, name, v, ctx);
  }

  /** gdb's `set var LHS = RHS`, then LHS's new value as a node. */
  async assign(lhs: string, rhs: string, frame: FrameContext | undefined, mem: MemoryReader, writer: MemoryWriter, readNamedRegister?: (name: string) => Promise<bigint | undefined>, opts: ValueOptions = {}): Promise<EvaluateResult> {
    checkFormat(opts.format);
    this.assigner ??= new Assigner(this.ev, this.vars);
    await this.assigner.assign(lhs, rhs, { frame, mem, fmt: this.fmt(mem), readNamedRegister }, writer);
    return this.evaluate(lhs, frame, mem, readNamedRegister, opts);
  }
  private assigner?: Assigner;

  /** `print EXPR` or `print/FMT EXPR` text. */
  async print(src: string, frame: FrameContext | undefined, mem: MemoryReader, readNamedRegister?: (name: string) => Promise<bigint | undefined>, opts: ValueOptions = {}): Promise<string> {
    const letter = checkFormat(opts.format);
    return this.ev.print(src, { frame, mem, fmt: this.fmt(mem), readNamedRegister }, letter);
  }

  /** A C expression's value as a node; errors are gdb's messages. */
  async evaluate(src: string, frame: FrameContext | undefined, mem: MemoryReader, readNamedRegister?: (name: string) => Promise<bigint | undefined>, opts: ValueOptions = {}): Promise<EvaluateResult> {
    const ctx = this.treeContext(frame, mem, opts);
    const env: EvalEnv = { frame, mem, fmt: this.fmt(mem), readNamedRegister };
    const text = src.trim();
    let v = await this.ev.evaluateLazy(text, env);
    if (v.lazy && v.address !== undefined && sizeOf(v.type) <= MAX_VALUE_SIZE) {
      // as gdb's print: an unreadable value is an error, not a node
      const n = sizeOf(v.type);
      const b = n === 0 ? new Uint8Array(0) : await mem.readMemory(v.address, n);
      if (!b) throw new SymbolsError(`Cannot access memory at address 0x${v.address.toString(16)}`);
      v = { ...v, bytes: b, lazy: false };
    }
    const nv: NodeValue = { type: v.type, bytes: v.bytes, address: v.address, lazy: v.lazy, optimizedOut: v.optimizedOut, unavailable: v.unavailable, register: v.register };
    if (strip(v.type).kind === 'function') nv.address = v.address;
    const node = await makeNode(text, text, nv, ctx, strip(v.type).kind === 'function' ? false : undefined);
    return { ok: true, node };
  }
}
