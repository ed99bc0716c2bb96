// gdb's `x/NFU ADDR`: memory as numbers, addresses, characters, floats, strings or instructions,
// laid out as gdb prints it (`0x… <sym+off>:` then tab-separated items, 8 per line for bytes and
// halfwords, 4 for words, 2 for giants; one per line for strings and instructions), with gdb's
// memory of the last format, size, count and next address, and its error texts.
import { Disassembler } from '../../symbols/disasm/riscv';
import { charLiteral, formatG, printString } from '../../symbols/values/format';
import { REG_PC } from '../../emulator/target';
import { ConsoleError, evaluateAddress, hex, symbolize } from './common';
import type { ConsoleContext } from './types';

const SIZES: Record<string, number> = { b: 1, h: 2, w: 4, g: 8 };
const FORMATS = 'xduotacfsiz';
/** Items the console prints for one `x` at most (gdb would go on; the Debug Console cannot page). */
export const MAX_ITEMS = 4096;
const STRING_LIMIT = 200;

export interface ParsedFormat {
  count?: number; negative: boolean; format?: string; size?: string;
  /** A letter that is neither a format nor a size: gdb reports it when it prints the first item. */
  bad?: string;
}

/** Parses gdb's `/NFU` (text after the slash, up to whitespace). */
export function parseFormat(spec: string): ParsedFormat {
  const m = /^(-?)(\d*)(.*)$/.exec(spec)!;
  const out: ParsedFormat = { negative: m[1] === '-' };
  if (m[2] !== '') {
    const n = Number(m[2]);
    if (!Number.isSafeInteger(n)) throw new ConsoleError(`Invalid number "${m[2]}".`);
    out.count = n;
  } else if (out.negative) out.count = 1;
  for (const c of m[3]) {
    if (c in SIZES) out.size = c;
    else if (FORMATS.includes(c)) out.format = c;
    else { out.bad ??= c; out.format = c; }
  }
  return out;
}

const signedOf = (v: bigint, size: number): bigint => BigInt.asIntN(size * 8, v);

function le(b: Uint8Array, off: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i]);
  return v;
}

/** One item of a fixed size as gdb's x prints it in format `f` ('' = natural). */
export function itemText(v: bigint, size: number, f: string, sym: (a: bigint) => string | undefined): string {
  switch (f) {
    case 'x': case 'z': return '0x' + v.toString(16).padStart(size * 2, '0');
    case 'o': return v === 0n ? '0' : '0' + v.toString(8);
    case 't': return v.toString(2).padStart(size * 8, '0');
    case 'u': return v.toString();
    case 'a': { const s = sym(v); return hex(v) + (s ? ` ${s}` : ''); }
    case 'c': { const b = Number(v & 0xffn); return `${signedOf(BigInt(b), 1)} ${charLiteral(b)}`; }
    case 'f': {
      const dv = new DataView(new ArrayBuffer(8));
      if (size === 4) { dv.setUint32(0, Number(v), true); return formatG(dv.getFloat32(0, true), 9); }
      if (size === 8) { dv.setBigUint64(0, v, true); return formatG(dv.getFloat64(0, true), 17); }
      return signedOf(v, size).toString();
    }
    default: return signedOf(v, size).toString();
  }
}

function label(ctx: ConsoleContext, addr: bigint): string {
  const s = symbolize(ctx, addr);
  return hex(addr) + (s ? ` ${s}` : '') + ':';
}

/** gdb's disassembly text for one instruction: objdump's, with targets as `0x… <sym+off>`. */
export function instructionText(ctx: ConsoleContext, d: Disassembler, bytes: Uint8Array, addr: bigint): { text: string; length: number } {
  const ins = d.decode(bytes, addr);
  let ops = ins.operands;
  if (ins.target !== undefined) {
    const s = symbolize(ctx, ins.target);
    ops = ops.replace(/[0-9a-f]+$/, hex(ins.target) + (s ? ` ${s}` : ''));
  }
  let text = ops ? `${ins.mnemonic}\t${ops}` : ins.mnemonic;
  const cm = ins.comment !== undefined ? /^([0-9a-f]+)/.exec(ins.comment) : null;
  if (cm) {
    const a = BigInt('0x' + cm[1]);
    const s = symbolize(ctx, a);
    text += ` # ${hex(a)}${s ? ` ${s}` : ''}`;
  } else if (ins.comment) text += ` # ${ins.comment}`;
  return { text, length: ins.length };
}

/** Runs `x` with the text after the command word. Throws ConsoleError with gdb's texts. */
export async function examine(ctx: ConsoleContext, args: string): Promise<string> {
  const st = ctx.state;
  let rest = args.trim();
  let pf: ParsedFormat = { negative: false };
  let slash = false;
  if (rest.startsWith('/')) {
    slash = true;
    const m = /^\/(\S*)\s*(.*)$/.exec(rest)!;
    pf = parseFormat(m[1]);
    rest = m[2];
  }
  let fmt: string, size: string;
  if (pf.format === undefined && pf.size === undefined) {
    fmt = slash ? st.lastFormat : (st.lastFormat || 'x');
    size = st.lastSize;
  } else if (pf.format === undefined) {
    fmt = st.lastFormat;
    size = pf.size!;
  } else {
    fmt = pf.format;
    if (pf.size) size = pf.size;
    else if (fmt === 'a') size = 'g';
    else if (fmt === 'f') size = st.lastSize === 'w' || st.lastSize === 'g' ? st.lastSize : 'g';
    else if (fmt === 'c' || fmt === 's') size = 'b';
    else size = st.lastSize;
  }
  const count = pf.count ?? (!slash && rest === '' ? st.lastCount : 1);
  let addr: bigint;
  if (rest !== '') addr = await evaluateAddress(ctx, rest);
  else if (st.nextAddress !== undefined) addr = st.nextAddress;
  else throw new ConsoleError('Argument required (starting display address).');
  if (pf.bad) size = pf.size ?? st.lastSize;
  const text = await items(ctx, pf, fmt, size, count, addr);
  // gdb remembers the format, size and count of an x that worked (the next address also otherwise)
  st.lastFormat = fmt;
  if (fmt !== 'i') st.lastSize = size;
  st.lastCount = count;
  return text;
}

async function items(ctx: ConsoleContext, pf: ParsedFormat, fmt: string, size: string, count: number, addr: bigint): Promise<string> {
  const st = ctx.state;
  if (count === 0) { st.nextAddress = addr; return ''; }
  if (fmt === 's') return strings(ctx, addr, count, size, pf.negative);
  if (fmt === 'i') return instructions(ctx, addr, count, pf.negative);

  const n = SIZES[size];
  if (pf.negative) addr = BigInt.asUintN(64, addr - BigInt(n * count));
  const items = Math.min(count, MAX_ITEMS);
  const perLine = n >= 8 ? 2 : n === 4 ? 4 : 8;
  const sym = (a: bigint) => symbolize(ctx, a);
  const out: string[] = [];
  let line = '';
  const readable = await ctx.readMemory(addr, items * n);
  for (let i = 0; i < items; i++) {
    const a = BigInt.asUintN(64, addr + BigInt(i * n));
    if (i % perLine === 0) { if (line) out.push(line + '\n'); line = label(ctx, a); }
    let bytes = readable?.subarray(i * n, i * n + n);
    if (!readable) bytes = await ctx.readMemory(a, n);
    if (!bytes || bytes.length < n) {
      st.nextAddress = a + BigInt(n);
      st.lastAddress = a;
      throw new ConsoleError(out.join('') + line + '\t' + `Cannot access memory at address ${hex(a)}`);
    }
    if (pf.bad) throw new ConsoleError(out.join('') + line + `\tUndefined output format "${pf.bad}".`);
    const v = le(bytes, 0, n);
    line += '\t' + itemText(v, n, fmt, sym);
    st.lastAddress = a;
  }
  out.push(line + '\n');
  st.nextAddress = BigInt.asUintN(64, addr + BigInt(items * n));
  if (items < count) out.push(`(${count - items} more items not shown: the console prints at most ${MAX_ITEMS} per command)\n`);
  return out.join('');
}

async function strings(ctx: ConsoleContext, addr: bigint, count: number, size: string, negative: boolean): Promise<string> {
  if (size !== 'b') throw new ConsoleError(`x/s${size}: wide strings (UTF-16, UTF-32) are not supported here; use x/s for byte strings`);
  if (negative) throw new ConsoleError('x/-Ns is not supported here; give the start address');
  const out: string[] = [];
  let a = addr;
  for (let i = 0; i < Math.min(count, MAX_ITEMS); i++) {
    const bytes: number[] = [];
    let truncated = false, error = false;
    let chunk: Uint8Array | undefined;
    for (let off = 0; ; off++) {
      if (off === STRING_LIMIT) { truncated = true; break; }
      if (!chunk || off % 64 === 0) {
        chunk = await ctx.readMemory(a + BigInt(off), 64) ?? undefined;
        if (!chunk) {
          const one = await ctx.readMemory(a + BigInt(off), 1);
          if (!one) { error = true; break; }
          chunk = undefined;
          if (one[0] === 0) break;
          bytes.push(one[0]);
          continue;
        }
      }
      const b = chunk[off % 64];
      if (b === 0) break;
      bytes.push(b);
    }
    ctx.state.lastAddress = a;
    if (error && bytes.length === 0) {
      out.push(`${label(ctx, a)}\t<error: Cannot access memory at address ${hex(a)}>\n`);
      a += 1n;
      continue;
    }
    out.push(`${label(ctx, a)}\t${printString(bytes, truncated)}\n`);
    a += BigInt(bytes.length + (truncated || error ? 0 : 1));
  }
  ctx.state.nextAddress = a;
  return out.join('');
}

async function instructions(ctx: ConsoleContext, addr: bigint, count: number, negative: boolean): Promise<string> {
  if (negative) throw new ConsoleError('x/-Ni is not supported here; give the start address');
  const d = new Disassembler({});
  const pc = await ctx.readRegister(REG_PC, ctx.frameLevel);
  const out: string[] = [];
  let a = addr;
  for (let i = 0; i < Math.min(count, MAX_ITEMS); i++) {
    let bytes = await ctx.readMemory(a, 4);
    if (!bytes) bytes = await ctx.readMemory(a, 2);
    if (!bytes) {
      ctx.state.nextAddress = a;
      throw new ConsoleError(out.join('') + `   ${label(ctx, a)}\tCannot access memory at address ${hex(a)}`);
    }
    // gdb's x/i decodes each instruction afresh: no `# addr <sym>` from an auipc before it
    // (its disassemble command keeps them, as objdump does)
    d.reset();
    const ins = instructionText(ctx, d, bytes, a);
    out.push(`${a === pc ? '=> ' : '   '}${label(ctx, a)}\t${ins.text}\n`);
    ctx.state.lastAddress = a;
    a += BigInt(ins.length);
  }
  ctx.state.nextAddress = a;
  return out.join('');
}
