// The symbols layer's public entry point: open an ELF file (optionally a relocatable module
// placed at given section addresses) and ask it questions. Every method catches the layer's
// errors (and any other exception caused by hostile input) and answers with a partial result;
// problems are collected in `warnings`.
import { ByteSource, bufferSource } from './bytes';
import { WarningSink, Warning, SymbolsError as SymbolsErrorClass } from './errors';
import { ElfFile, ET_REL, SHF_EXECINSTR } from './elf/elf';
import { placeRelocatable, SectionAddresses } from './elf/relocate';
import { Dwarf } from './dwarf/dwarf';
import { dwarfSectionsOf } from './dwarf/sections';
import { InlineFrame, LineAt, SymbolAt, Symbolizer } from './symbolizer';
import { Disassembler, Instruction } from './disasm/riscv';
import { disassemblerOptionsFor, isaExtensions } from './disasm/symbolize';
import { CallFrameInfo } from './dwarf/cfi';
import { Frame, Unwinder, UnwindOptions } from './unwind';
import { MemoryReader, MemoryWriter, RegisterSet } from './target';
import { FrameContext, Variables } from './values/variables';
import { FormatContext } from './values/format';
import { ExpressionEvaluator } from './cexpr/evaluate';
import { EvaluateResult, ValueApi, ValueOptions } from './cexpr/nodes';
import { ValueNode } from './values/tree';
import { Type } from './values/types';
import { DW_AT } from './dwarf/constants';

/** The address of a location expression that is just DW_OP_addr (a static variable). */
function staticAddress(expr: Uint8Array): bigint | undefined {
  if (expr.length !== 9 || expr[0] !== 0x03) return undefined;
  let v = 0n;
  for (let i = 8; i >= 1; i--) v = (v << 8n) | BigInt(expr[i]);
  return v;
}

export { SymbolsError } from './errors';
export type { Warning } from './errors';
export type { ByteSource } from './bytes';
export type { LineAt, InlineFrame, SymbolAt } from './symbolizer';
export type { Instruction } from './disasm/riscv';
export type { Frame, MachineFrame, UnwindOptions, StopBreakpoint } from './unwind';
export type { MemoryReader, MemoryWriter, RegisterSet } from './target';
export type { FrameContext } from './values/variables';
export type { Type, Member } from './values/types';
export type { ValueNode } from './values/tree';
export type { EvaluateResult, ValueOptions } from './cexpr/nodes';
export { strip as stripType, sizeOf as sizeOfType, typeName } from './values/types';

export interface OpenOptions {
  /** Name used in messages (a path, typically). */
  name?: string;
  /** For a relocatable object (kernel module): load address of each allocated section. */
  sectionAddresses?: SectionAddresses;
}

export class SymbolFile {
  readonly warnings: WarningSink;
  readonly elf?: ElfFile;
  readonly dwarf?: Dwarf;
  readonly symbolizer?: Symbolizer;
  private disasm?: Disassembler;
  readonly unwinder?: Unwinder;
  readonly variables?: Variables;

  private constructor(source: ByteSource, opts: OpenOptions) {
    this.warnings = new WarningSink();
    try {
      const elf = new ElfFile(source, opts.name);
      for (const w of elf.warnings.list) this.warnings.add(w.message);
      elf.warnings = this.warnings;
      this.elf = elf;
      // a relocatable object's DWARF needs its relocations even unplaced (sections then at 0, as gdb's `file x.o`)
      if (opts.sectionAddresses || elf.type === ET_REL) placeRelocatable(elf, opts.sectionAddresses ?? {});
      this.dwarf = new Dwarf(dwarfSectionsOf(elf), this.warnings);
      this.symbolizer = new Symbolizer(elf, this.dwarf);
      const ds = this.dwarf.s;
      const cfi = new CallFrameInfo(ds.frame, ds.ehFrame, ds.ehFrameAddr, ds.little, ds.addressSize, this.warnings);
      this.unwinder = new Unwinder(this.symbolizer, cfi, this.warnings);
      this.variables = new Variables(this.dwarf, this.symbolizer);
    } catch (e) {
      this.warnings.caught(opts.name ?? 'input', e);
    }
  }

  static open(source: ByteSource | Uint8Array, opts: OpenOptions = {}): SymbolFile {
    return new SymbolFile(source instanceof Uint8Array ? bufferSource(source) : source, opts);
  }

  get ok(): boolean { return this.elf !== undefined; }
  get warningList(): Warning[] { return this.warnings.list; }

  private guard<T>(what: string, fallback: T, f: () => T): T {
    try { return f(); } catch (e) { this.warnings.caught(what, e); return fallback; }
  }

  lineAt(pc: bigint): LineAt | undefined { return this.guard('line lookup', undefined, () => this.symbolizer?.lineAt(pc)); }
  functionAt(pc: bigint) { return this.guard('function lookup', undefined, () => this.symbolizer?.functionAt(pc)); }
  symbolAt(pc: bigint): SymbolAt | undefined { return this.guard('symbol lookup', undefined, () => this.symbolizer?.symbolAt(pc)); }
  inlineFrames(pc: bigint): InlineFrame[] { return this.guard('inline frames', [], () => this.symbolizer?.inlineFrames(pc) ?? []); }
  addressesForLine(file: string, line: number): bigint[] { return this.guard('file:line lookup', [], () => this.symbolizer?.addressesForLine(file, line) ?? []); }
  afterPrologue(fn: string): bigint | undefined { return this.guard('prologue analysis', undefined, () => this.symbolizer?.afterPrologue(fn)); }
  /** The innermost (possibly inlined) function at addr: what a `break FILE:LINE` or `break *ADDR` location there stands for (StopBreakpoint.function). */
  locationFunction(addr: bigint): string | undefined { return this.guard('inline frames', undefined, () => this.symbolizer?.inlineFrames(addr)[0]?.function); }
  /** The inlined calls that begin at pc, innermost first (the frames a stop at pc may hide; a stepper steps "into" them one by one). */
  inlineEntriesAt(pc: bigint): string[] { return this.guard('inline frames', [], () => this.symbolizer?.inlineEntriesAt(pc).map((d) => this.dwarf?.nameOf(d) ?? '??') ?? []); }

  /**
   * Builds the name index (what the first lookup of a type or global by name otherwise waits
   * for: ~1 s on a 58 MB vmlinux) in the background, in slices of work between which it awaits
   * `yieldToHost()` (see Dwarf.prepareNameIndex); `onProgress(done, total)` counts units for
   * progress events, `signal.aborted` cancels (a later lookup finishes the rest itself).
   * Resolves true when the index is complete; never rejects.
   */
  async prepareIndex(opts: { sliceMs?: number; yieldToHost?: () => Promise<void>; onProgress?: (done: number, total: number) => void; signal?: { readonly aborted: boolean } } = {}): Promise<boolean> {
    try {
      if (!this.dwarf) return false;
      return await this.dwarf.prepareNameIndex(opts);
    } catch (e) {
      this.warnings.caught('name index', e);
      return false;
    }
  }

  /** The backtrace from a register snapshot, reading the stack through `mem` (never rejects). */
  async backtrace(start: RegisterSet, mem: MemoryReader, opts: UnwindOptions = {}): Promise<Frame[]> {
    try {
      return (await this.unwinder?.backtrace(start, mem, opts)) ?? [];
    } catch (e) {
      this.warnings.caught('backtrace', e);
      return [];
    }
  }

  /**
   * Register sets of every real frame (machine frames and the tail-call frames between them)
   * with their CFAs, for reading variables in any frame; frame 0 is outside the inlined calls
   * it hides (see UnwindOptions). Each Frame of backtrace() carries its own context too.
   */
  async frames(start: RegisterSet, mem: MemoryReader, opts: UnwindOptions = {}): Promise<FrameContext[]> {
    try {
      return (await this.unwinder?.contexts(start, mem, opts))?.map((c) => c.context) ?? [];
    } catch (e) {
      this.warnings.caught('frames', e);
      return [];
    }
  }

  /** gdb's `<symbol+offset>` for an address inside a code or data symbol (decimal offset). */
  symbolText(addr: bigint): string | undefined {
    return this.guard('symbol lookup', undefined, () => {
      const sec = this.symbolizer?.sectionAt(addr);
      if (!sec) return undefined;
      // code: the function or symbol containing addr; data: gdb's minimal-symbol rules
      let s: SymbolAt | undefined;
      if (sec.flags & BigInt(SHF_EXECINSTR)) {
        s = this.symbolizer?.symbolAt(addr);
        if (s && s.size > 0n && addr >= s.address + s.size) s = undefined;
      } else s = this.symbolizer?.dataSymbolAt(addr);
      if (!s) return undefined;
      return s.offset === 0n ? `<${s.name}>` : `<${s.name}+${s.offset}>`;
    });
  }

  private exprEval?: ExpressionEvaluator;

  /**
   * Evaluates a C expression in a frame and prints the result as gdb's `print` does (with
   * `opts.format`, as `print/FMT`: x d u o t c a z f s); errors (unknown symbol, bad syntax,
   * unreadable memory, an unknown format) come back as gdb-style messages.
   */
  async printExpression(src: string, frame: FrameContext | undefined, mem: MemoryReader, readNamedRegister?: (name: string) => Promise<bigint | undefined>, opts: ValueOptions = {}): Promise<{ ok: boolean; text: string }> {
    try {
      const api = this.values();
      if (!api) return { ok: false, text: 'No symbol table is loaded.' };
      return { ok: true, text: await api.print(src, frame, mem, readNamedRegister, opts) };
    } catch (e) {
      if (e instanceof SymbolsErrorClass) return { ok: false, text: e.message };
      this.warnings.caught(`expression ${src}`, e);
      return { ok: false, text: 'internal error' };
    }
  }

  private values(): ValueApi | undefined {
    if (!this.dwarf || !this.variables || !this.symbolizer) return undefined;
    this.exprEval ??= new ExpressionEvaluator(this.dwarf, this.variables);
    return (this.valueApi ??= new ValueApi(this.dwarf, this.symbolizer, this.variables, this.exprEval, (a) => this.symbolText(a), (w, e) => this.warnings.caught(w, e)));
  }
  private valueApi?: ValueApi;

  /**
   * The frame's arguments and locals as gdb's `info args` and `info locals` list them (innermost
   * block first; a shadowed name appears once per declaration), as value nodes (never rejects).
   */
  async frameScopes(frame: FrameContext, mem: MemoryReader, opts: ValueOptions = {}): Promise<{ arguments: ValueNode[]; locals: ValueNode[] }> {
    try {
      return (await this.values()?.frameScopes(frame, mem, opts)) ?? { arguments: [], locals: [] };
    } catch (e) {
      this.warnings.caught('frame scopes', e);
      return { arguments: [], locals: [] };
    }
  }

  /** The globals and file statics defined in the unit holding the frame's pc, as value nodes. */
  async globals(frame: FrameContext, mem: MemoryReader, opts: ValueOptions = {}): Promise<ValueNode[]> {
    try {
      return (await this.values()?.globals(frame, mem, opts)) ?? [];
    } catch (e) {
      this.warnings.caught('globals', e);
      return [];
    }
  }

  /** A C expression's value as a node with lazy children; errors are gdb's messages (never rejects). */
  async evaluate(src: string, frame: FrameContext | undefined, mem: MemoryReader, readNamedRegister?: (name: string) => Promise<bigint | undefined>, opts: ValueOptions = {}): Promise<EvaluateResult> {
    try {
      const api = this.values();
      if (!api) return { ok: false, text: 'No symbol table is loaded.' };
      return await api.evaluate(src, frame, mem, readNamedRegister, opts);
    } catch (e) {
      if (e instanceof SymbolsErrorClass) return { ok: false, text: e.message };
      this.warnings.caught(`expression ${src}`, e);
      return { ok: false, text: 'internal error' };
    }
  }

  /**
   * gdb's `set var LHS = RHS`: the right side converted to the left's type as gdb does, written
   * through `writer` (memory; registers of the innermost frame by DWARF number, after which
   * `frame.regs` holds the new value); resolves with the left side's new value as a node, or
   * gdb's message (not an lvalue, optimized out, Invalid cast., ...). Never rejects.
   */
  async assign(lhs: string, rhs: string, frame: FrameContext | undefined, mem: MemoryReader, writer: MemoryWriter, readNamedRegister?: (name: string) => Promise<bigint | undefined>, opts: ValueOptions = {}): Promise<EvaluateResult> {
    try {
      const api = this.values();
      if (!api) return { ok: false, text: 'No symbol table is loaded.' };
      return await api.assign(lhs, rhs, frame, mem, writer, readNamedRegister, opts);
    } catch (e) {
      if (e instanceof SymbolsErrorClass) return { ok: false, text: e.message };
      this.warnings.caught(`assignment ${lhs} = ${rhs}`, e);
      return { ok: false, text: 'internal error' };
    }
  }

  /**
   * A global or static variable by name: its address and type, read from DWARF without touching
   * memory (awareness reads kernel tables through this). Undefined when unknown or not in memory.
   */
  globalVariable(name: string): { address: bigint; type: Type } | undefined {
    return this.guard(`variable ${name}`, undefined, () => {
      const v = this.variables;
      const d = v?.lookup(name);
      if (!v || !d) return undefined;
      const type = v.typeOfVar(d);
      const la = d.get(DW_AT.location);
      let address: bigint | undefined;
      if (la && (la.cls === 'exprloc' || la.cls === 'block')) address = staticAddress(la.v as Uint8Array);
      address ??= this.symbolizer?.symbolAddress(name);
      return address === undefined ? undefined : { address, type };
    });
  }

  /**
   * A type by its C name (`struct task`, `union x`, `enum task_state`, a typedef or base type);
   * a struct only declared in one unit resolves to its definition elsewhere, as gdb does.
   */
  typeNamed(cname: string): Type | undefined {
    return this.guard(`type ${cname}`, undefined, () => {
      if (!this.dwarf || !this.variables) return undefined;
      this.exprEval ??= new ExpressionEvaluator(this.dwarf, this.variables);
      try { return this.exprEval.resolveType({ base: cname.trim().replace(/\s+/g, ' '), pointers: 0 }); } catch (e) {
        if (e instanceof SymbolsErrorClass) return undefined;
        throw e;
      }
    });
  }

  /**
   * The type of a C expression (evaluated for its type only, as gdb's ptype/whatis: nothing is
   * read), or of a type name (`struct task`, `u64 *`): `isType` says which. Errors are gdb's
   * messages for the expression; never rejects.
   */
  async typeOf(src: string, frame: FrameContext | undefined, mem: MemoryReader, readNamedRegister?: (name: string) => Promise<bigint | undefined>): Promise<{ ok: true; type: Type; isType: boolean } | { ok: false; text: string }> {
    try {
      if (!this.dwarf || !this.variables) return { ok: false, text: 'No symbol table is loaded.  Use the "file" command.' };
      this.exprEval ??= new ExpressionEvaluator(this.dwarf, this.variables);
      const env = { frame, mem, fmt: { symbolize: (a: bigint) => this.symbolText(a), readMemory: (a: bigint, n: number) => mem.readMemory(a, n) }, readNamedRegister, typeOnly: true };
      try {
        return { ok: true, type: (await this.exprEval.evaluateLazy(src, env)).type, isType: false };
      } catch (e) {
        if (!(e instanceof SymbolsErrorClass)) throw e;
        // a type name: the target of a pointer to it
        try {
          const p = (await this.exprEval.evaluateLazy(`(${src} *)0`, env)).type;
          if (p.kind === 'pointer') return { ok: true, type: p.target(), isType: true };
        } catch { /* not a type either: the expression's own error */ }
        const tag = /^\s*(struct|union|enum)\s+([A-Za-z_]\w*)\s*$/.exec(src);
        if (tag) return { ok: false, text: `No ${tag[1]} type named ${tag[2]}.` };
        return { ok: false, text: e.message };
      }
    } catch (e) {
      this.warnings.caught(`type of ${src}`, e);
      return { ok: false, text: 'internal error' };
    }
  }

  /** `print NAME` in a frame (undefined frame: globals only), as gdb shows the value. */
  async printVariable(name: string, frame: FrameContext | undefined, mem: MemoryReader): Promise<string> {
    try {
      const v = this.variables;
      if (!v) return `No symbol "${name}" in current context.`;
      const d = v.lookup(name, frame ? (frame.innermost ? frame.pc : frame.pc - 1n) : undefined, frame?.inlineDepth);
      if (!d) return `No symbol "${name}" in current context.`;
      const fmt: FormatContext = { symbolize: (a) => this.symbolText(a), readMemory: (a, n) => mem.readMemory(a, n) };
      return await v.print(d, frame, mem, fmt);
    } catch (e) {
      this.warnings.caught(`print ${name}`, e);
      return '<error>';
    }
  }

  /** Disassembles `count` instructions at `addr` from the file's own code bytes. */
  disassemble(addr: bigint, count: number): Instruction[] {
    return this.guard('disassembly', [], () => {
      const elf = this.elf;
      if (!elf) return [];
      this.disasm ??= new Disassembler(disassemblerOptionsFor(elf));
      const out: Instruction[] = [];
      let pc = addr;
      for (let i = 0; i < count; i++) {
        const b = elf.readVirtual(pc, 4) ?? elf.readVirtual(pc, 2);
        if (!b) break;
        const ins = this.disasm.decode(b, pc);
        out.push(ins);
        pc += BigInt(ins.length);
      }
      return out;
    });
  }

  /** Disassembles every executable section (linear sweep), as objdump -d does. */
  disassembleAll(): Instruction[] {
    return this.guard('disassembly', [], () => {
      const elf = this.elf;
      if (!elf) return [];
      const d = new Disassembler(disassemblerOptionsFor(elf));
      const out: Instruction[] = [];
      // (no spread: a kernel's .text is far more instructions than a call may take arguments)
      const syms = elf.symbols();
      for (const s of elf.sections) {
        if (!(s.flags & BigInt(SHF_EXECINSTR)) || s.size === 0) continue;
        // RISC-V mapping symbols: $x (code) and $d (data); at one address the later name wins, as in objdump
        const mapping = syms.filter((x) => x.shndx === s.index && (x.name === '$d' || x.name.startsWith('$x')))
          .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
          .map((x) => ({ address: x.value, data: x.name === '$d', isa: x.name.length > 2 && x.name.startsWith('$xrv') ? isaExtensions(x.name.slice(2)) : undefined }));
        for (const i of d.sweep(elf.sectionData(s), s.addr, mapping)) out.push(i);
      }
      return out;
    });
  }
}
