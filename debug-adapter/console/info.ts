// `info registers`, `info all-registers`, `info threads`, `info symbol`, `info line` and
// `disassemble`, printed as gdb-multiarch prints them.
import { REG_CSR0, REG_F0, REG_PC, REG_PRIV } from '../../emulator/target';
import type { SymbolFile } from '../../symbols';
import { Disassembler } from '../../symbols/disasm/riscv';
import { infoRegistersLine } from '../registers/format';
import { FP_CSRS, registerNumber } from '../registers/names';
import { ConsoleError, evaluateAddress, gdbFileName, hex, hex16, objfileAt, symbolize } from './common';
import { instructionText } from './examine';
import { frameText } from './frames';
import type { ConsoleContext } from './types';

async function line(ctx: ConsoleContext, regno: number, name?: string): Promise<string> {
  const v = await ctx.readRegister(regno, ctx.frameLevel);
  return infoRegistersLine(regno, v, (a) => symbolize(ctx, a), name) + '\n';
}

/** `info registers [NAME…]` and `info all-registers`. */
export async function infoRegisters(ctx: ConsoleContext, args: string, all: boolean): Promise<string> {
  const names = args.trim().split(/\s+/).filter(Boolean);
  const csrs = [...ctx.target.features.csrs].sort((a, b) => a - b);
  const general = Array.from({ length: 32 }, (_, i) => i).slice(all ? 0 : 1).concat([REG_PC]);
  const fp = ctx.target.features.fpu ? [...Array.from({ length: 32 }, (_, i) => REG_F0 + i), ...FP_CSRS.filter((c) => csrs.includes(c)).map((c) => REG_CSR0 + c)] : [];
  const control = csrs.filter((c) => !FP_CSRS.includes(c)).map((c) => REG_CSR0 + c).concat([REG_PRIV]);
  let regs: number[] = [];
  if (!names.length) regs = all ? [...general, ...fp, ...control] : general;
  const out: string[] = [];
  for (const n of names) {
    const group = n === 'general' ? general.filter((r) => r !== 0) : n === 'float' ? fp : n === 'csr' || n === 'system' ? control : n === 'all' ? [...general, ...fp, ...control] : undefined;
    if (group) { for (const r of group) out.push(await line(ctx, r)); continue; }
    const r = registerNumber(n);
    if (r === undefined) throw new ConsoleError(out.join('') + `Invalid register \`${n.replace(/^\$/, '')}'`);
    out.push(await line(ctx, r, n.replace(/^\$/, '')));
  }
  for (const r of regs) out.push(await line(ctx, r));
  return out.join('');
}

/** `info threads`: gdb's table (current mark, Id, Target Id, Frame). */
export async function infoThreads(ctx: ConsoleContext): Promise<string> {
  const threads = await ctx.threads();
  if (!threads.length) return 'No threads.\n';
  const ids = threads.map((t) => `${t.targetId}${t.name ? ` "${t.name}"` : ''}${t.extra ? ` (${t.extra})` : ''}`);
  const w = Math.max(9, ...ids.map((s) => s.length));
  const out = [`  ${'Id'.padEnd(4)} ${'Target Id'.padEnd(w)} Frame \n`];
  for (let i = 0; i < threads.length; i++) {
    const t = threads[i];
    const frame = t.frame ? await frameText(ctx, t.frame, [t.frame]) : '';
    out.push(`${t.current ? '*' : ' '} ${String(t.id).padEnd(4)} ${ids[i].padEnd(w)} ${frame}`.trimEnd() + '\n');
  }
  return out.join('');
}

/** `info symbol ADDR`. */
export async function infoSymbol(ctx: ConsoleContext, args: string): Promise<string> {
  if (!args.trim()) throw new ConsoleError('Argument required (address).');
  const addr = await evaluateAddress(ctx, args);
  for (const o of ctx.objfiles()) {
    const s = o.file.symbolText(addr);
    const sec = o.file.symbolizer?.sectionAt(addr);
    if (!s || !sec) continue;
    const m = /^<(.*?)(?:\+(\d+))?>$/.exec(s);
    if (!m) continue;
    return `${m[1]}${m[2] ? ` + ${m[2]}` : ''} in section ${sec.name}${o.main ? '' : ` of ${o.path}`}\n`;
  }
  return `No symbol matches ${args.trim()}.\n`;
}

function withSym(ctx: ConsoleContext, a: bigint): string {
  const s = symbolize(ctx, a);
  return hex(a) + (s ? ` ${s}` : '');
}

function describeLine(ctx: ConsoleContext, at: bigint): string {
  const o = objfileAt(ctx, at);
  const l = o?.file.lineAt(at);
  if (!l) return `No line number information available for address ${withSym(ctx, at)}\n`;
  return `Line ${l.line} of "${gdbFileName(ctx, l.address, l.file)}" starts at address ${withSym(ctx, l.address)} and ends at ${withSym(ctx, l.end)}.\n`;
}

/** `info line [*ADDR | FUNCTION | FILE:LINE | LINE]`. */
export async function infoLine(ctx: ConsoleContext, args: string): Promise<string> {
  const a = args.trim();
  if (a === '') {
    const f = (await ctx.frames()).find((x) => x.level === ctx.frameLevel);
    if (!f) throw new ConsoleError('No line number information available.');
    return describeLine(ctx, f.level > 0 && !f.inlined ? f.pc - 1n : f.pc);
  }
  if (a.startsWith('*')) return describeLine(ctx, await evaluateAddress(ctx, a.slice(1)));
  const fl = /^(.*?):(\d+)$/.exec(a) ?? (/^\d+$/.test(a) ? [a, '', a] : null);
  if (!fl) {
    for (const o of ctx.objfiles()) {
      const fn = o.file.symbolizer?.functionsNamed(a)[0];
      const addr = fn?.lo ?? o.file.symbolizer?.symbolAddress(a);
      if (addr !== undefined) return describeLine(ctx, addr);
    }
    throw new ConsoleError(`Function "${a}" not defined.`);
  }
  let file = fl[1];
  const lineNo = Number(fl[2]);
  if (file === '') {
    const f = (await ctx.frames()).find((x) => x.level === ctx.frameLevel);
    if (!f?.file) throw new ConsoleError('No default source file; give FILE:LINE.');
    file = f.file;
  }
  for (const o of ctx.objfiles()) {
    const hits = o.file.addressesForLine(file, lineNo);
    if (hits.length) {
      const first = hits.reduce((m, x) => (x < m ? x : m));
      const l = o.file.lineAt(first);
      if (l && l.line === lineNo) return describeLine(ctx, first);
    }
    const lines = fileLines(o.file, file);
    if (!lines) continue;
    const name = gdbFileName(ctx, lines.address, lines.path);
    if (lineNo > lines.maxLine) throw new ConsoleError(`Line number ${lineNo} is out of range for "${name}".`);
    // gdb: a line without code is "at" the code of the next line that has some
    let best: { line: number; address: bigint } | undefined;
    for (const e of lines.entries) {
      if (e.line > lineNo && (!best || e.line < best.line || (e.line === best.line && e.address < best.address))) best = e;
    }
    if (best) return `Line ${lineNo} of "${name}" is at address ${withSym(ctx, best.address)} but contains no code.\n`;
  }
  throw new ConsoleError(`No source file named ${file}.`);
}

/** The line-table rows of a source file (by full path or a trailing part of it), across units. */
function fileLines(f: SymbolFile, file: string): { path: string; maxLine: number; address: bigint; entries: { line: number; address: bigint }[] } | undefined {
  const sym = f.symbolizer, dw = f.dwarf;
  if (!sym || !dw) return undefined;
  let found: { path: string; maxLine: number; address: bigint; entries: { line: number; address: bigint }[] } | undefined;
  for (const u of dw.units) {
    for (const sf of sym.linesOf(u).subfiles) {
      if (sf.path !== file && !sf.path.endsWith('/' + file)) continue;
      for (const e of sf.entries) {
        if (e.line === 0) continue;
        found ??= { path: sf.path, maxLine: 0, address: e.address, entries: [] };
        found.entries.push({ line: e.line, address: e.address });
        if (e.line > found.maxLine) found.maxLine = e.line;
      }
    }
  }
  return found;
}

/** `disassemble [/r] [ADDR | START,END | START,+LENGTH]` (function around the selected frame's pc by default). */
export async function disassemble(ctx: ConsoleContext, args: string): Promise<string> {
  let a = args.trim();
  let raw = false;
  while (a.startsWith('/')) {
    const m = /^\/(\w*)\s*(.*)$/.exec(a)!;
    for (const c of m[1]) { if (c === 'r') raw = true; else if (c !== 'm' && c !== 's') throw new ConsoleError(`Invalid disassembly modifier.`); }
    a = m[2];
  }
  const pc = await ctx.readRegister(REG_PC, ctx.frameLevel);
  const framePc = (await ctx.frames().catch(() => [])).find((f) => f.level === ctx.frameLevel)?.pc ?? pc;
  let lo: bigint, hi: bigint, header: string, rel: string | undefined;
  const range = /^(.*?),\s*(\+?)(.*)$/.exec(a);
  if (range) {
    lo = await evaluateAddress(ctx, range[1]);
    const e = await evaluateAddress(ctx, range[3]);
    hi = range[2] ? lo + e : e;
    header = `Dump of assembler code from ${hex(lo)} to ${hex(hi)}:`;
  } else {
    const at = a === '' ? framePc : await evaluateAddress(ctx, a);
    if (at === undefined) throw new ConsoleError('No frame selected.');
    const fn = objfileAt(ctx, at)?.file.functionAt(at);
    if (!fn) throw new ConsoleError(a === '' ? 'No function contains program counter for selected frame.' : 'No function contains specified address.');
    lo = fn.lo; hi = fn.hi; rel = fn.name;
    header = `Dump of assembler code for function ${fn.name}:`;
  }
  const d = new Disassembler({});
  const out = [header + '\n'];
  let n = 0;
  for (let x = lo; x < hi && n < 4096; n++) {
    const bytes = (await ctx.readMemory(x, 4)) ?? (await ctx.readMemory(x, 2));
    if (!bytes) throw new ConsoleError(out.join('') + `Cannot access memory at address ${hex(x)}`);
    const ins = instructionText(ctx, d, bytes, x);
    const tag = rel ? `<+${x - lo}>` : (symbolize(ctx, x)?.replace(/^<([^+>]*)>$/, '<$1+0>') ?? '');
    const rawText = raw ? Array.from(bytes.subarray(0, ins.length)).reverse().map((b) => b.toString(16).padStart(2, '0')).join('') + '\t' : '';
    out.push(`${x === framePc ? '=> ' : '   '}${hex16(x)}${tag ? ` ${tag}` : ''}:\t${rawText}${ins.text}\n`);
    x += BigInt(ins.length);
  }
  out.push('End of assembler dump.\n');
  return out.join('');
}
