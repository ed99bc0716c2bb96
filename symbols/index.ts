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
import { MemoryReader, RegisterSet } from './target';
import { FrameContext, Variables } from './values/variables';
import { FormatContext } from './values/format';
import { ExpressionEvaluator } from './cexpr/evaluate';

export { SymbolsError } from './errors';
export type { Warning } from './errors';
export type { ByteSource } from './bytes';
export type { LineAt, InlineFrame, SymbolAt } from './symbolizer';
export type { Instruction } from './disasm/riscv';
export type { Frame, MachineFrame, UnwindOptions } from './unwind';
export type { MemoryReader, RegisterSet } from './target';
export type { FrameContext } from './values/variables';

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

  /** The backtrace from a register snapshot, reading the stack through `mem` (never rejects). */
  async backtrace(start: RegisterSet, mem: MemoryReader, opts: UnwindOptions = {}): Promise<Frame[]> {
    try {
      return (await this.unwinder?.backtrace(start, mem, opts)) ?? [];
    } catch (e) {
      this.warnings.caught('backtrace', e);
      return [];
    }
  }

  /** Register sets of every frame with their CFAs, for reading variables in any frame. */
  async frames(start: RegisterSet, mem: MemoryReader, opts: UnwindOptions = {}): Promise<FrameContext[]> {
    try {
      const u = this.unwinder;
      if (!u) return [];
      const ms = await u.machineFrames(start, mem, opts);
      const out: FrameContext[] = [];
      for (let i = 0; i < ms.length; i++) out.push({ pc: ms[i].pc, regs: ms[i].regs, innermost: i === 0, cfa: await u.cfaOf(ms[i], i === 0, mem) });
      for (let i = 0; i + 1 < out.length; i++) out[i].caller = out[i + 1];
      return out;
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
   * Evaluates a C expression in a frame and prints the result as gdb's `print` does; errors
   * (unknown symbol, bad syntax, unreadable memory) come back as gdb-style messages.
   */
  async printExpression(src: string, frame: FrameContext | undefined, mem: MemoryReader, readNamedRegister?: (name: string) => Promise<bigint | undefined>): Promise<{ ok: boolean; text: string }> {
    try {
      if (!this.dwarf || !this.variables) return { ok: false, text: 'No symbol table is loaded.' };
      this.exprEval ??= new ExpressionEvaluator(this.dwarf, this.variables);
      const fmt: FormatContext = { symbolize: (a) => this.symbolText(a), readMemory: (a, n) => mem.readMemory(a, n) };
      return { ok: true, text: await this.exprEval.print(src, { frame, mem, fmt, readNamedRegister }) };
    } catch (e) {
      if (e instanceof SymbolsErrorClass) return { ok: false, text: e.message };
      this.warnings.caught(`expression ${src}`, e);
      return { ok: false, text: 'internal error' };
    }
  }

  /** `print NAME` in a frame (undefined frame: globals only), as gdb shows the value. */
  async printVariable(name: string, frame: FrameContext | undefined, mem: MemoryReader): Promise<string> {
    try {
      const v = this.variables;
      if (!v) return `No symbol "${name}" in current context.`;
      const d = v.lookup(name, frame ? (frame.innermost ? frame.pc : frame.pc - 1n) : undefined);
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
