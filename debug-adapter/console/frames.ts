// Frames as gdb prints them: `bt` lines (`#1  0x00000000800051b0 in user_trap (r=0x…) at
// kernel/trap.c:79`), `info frame` (its first lines), `info locals` and `info args`.
import { ConsoleError, gdbFileName, hex, hex16, objfileAt } from './common';
import type { ConsoleContext, ConsoleFrame, NamedValue } from './types';

/** A value as gdb shows it in frame lines and `info locals`: without print's `(type) ` prefix. */
export function frameValueText(text: string): string {
  if (!text.startsWith('(')) return text;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text[i + 1] === ' ' ? text.slice(i + 2) : text;
  }
  return text;
}

/** gdb's frame-arguments `scalars`: aggregates print as `...`. */
function argText(v: NamedValue): string {
  const t = frameValueText(v.value);
  return `${v.name}=${t.startsWith('{') && !/^\{[^}]*\(.*\)\} 0x/.test(t) ? '...' : t}`;
}

function lineStart(ctx: ConsoleContext, pc: bigint): bigint | undefined {
  return objfileAt(ctx, pc)?.file.lineAt(pc)?.address;
}

/** The frame's text after `#N  ` (also `info threads`' Frame column). */
export async function frameText(ctx: ConsoleContext, f: ConsoleFrame, frames: ConsoleFrame[]): Promise<string> {
  const callee = frames.find((x) => x.level === f.level - 1);
  const callerOfInline = callee?.inlined === true;
  const showAddress = !callerOfInline && (f.level > 0 || lineStart(ctx, f.pc) !== f.pc || f.line === undefined);
  let args = '';
  try {
    const a = await f.args?.();
    if (a) args = a.map(argText).join(', ');
  } catch { /* a frame whose arguments cannot be read prints () */ }
  let s = (showAddress ? `${hex16(f.pc)} in ` : '') + `${f.function ?? '??'} (${args})`;
  if (f.file && f.line !== undefined) s += ` at ${gdbFileName(ctx, f.pc, f.file)}:${f.line}`;
  else if (f.objfile && f.function) s += ` from ${f.objfile}`;
  return s;
}

const levelTag = (n: number): string => `#${String(n).padEnd(3)}`;

async function localsLines(f: ConsoleFrame, indent: string, what: 'locals' | 'args'): Promise<string> {
  const vals = await (what === 'locals' ? f.locals?.() : f.args?.());
  if (vals === undefined) return `${indent}No symbol table info available.\n`;
  if (!vals.length) return `${indent}${what === 'locals' ? 'No locals.' : 'No arguments.'}\n`;
  return vals.map((v) => `${indent}${v.name} = ${frameValueText(v.value)}\n`).join('');
}

/** `backtrace [full] [N | -N]`. */
export async function backtrace(ctx: ConsoleContext, args: string): Promise<string> {
  const words = args.trim().split(/\s+/).filter(Boolean);
  let full = false, limit: number | undefined;
  for (const w of words) {
    if (w === 'full' || w === '-full') full = true;
    else if (/^-?\d+$/.test(w)) limit = Number(w);
    else throw new ConsoleError(`No symbol "${w}" in current context.`);
  }
  const frames = await ctx.frames();
  if (!frames.length) throw new ConsoleError('No stack.');
  let shown = frames;
  if (limit !== undefined) shown = limit >= 0 ? frames.slice(0, limit) : frames.slice(Math.max(0, frames.length + limit));
  const out: string[] = [];
  for (const f of shown) {
    out.push(`${levelTag(f.level)}${await frameText(ctx, f, frames)}\n`);
    if (full) out.push(await localsLines(f, '        ', 'locals'));
  }
  if (limit !== undefined && limit >= 0 && limit < frames.length) out.push('(More stack frames follow...)\n');
  return out.join('');
}

function selected(frames: ConsoleFrame[], level: number): ConsoleFrame {
  const f = frames.find((x) => x.level === level);
  if (!f) throw new ConsoleError('No stack.');
  return f;
}

/** `info locals` / `info args` of the selected frame. */
export async function frameVariables(ctx: ConsoleContext, what: 'locals' | 'args'): Promise<string> {
  const f = selected(await ctx.frames(), ctx.frameLevel);
  return localsLines(f, '', what);
}

/** `info frame`, its first lines (gdb goes on with the saved registers' addresses). */
export async function infoFrame(ctx: ConsoleContext): Promise<string> {
  const frames = await ctx.frames();
  const f = selected(frames, ctx.frameLevel);
  const caller = frames.find((x) => x.level === f.level + 1);
  const callee = frames.find((x) => x.level === f.level - 1);
  const at = (x?: ConsoleFrame) => (x?.cfa !== undefined ? hex(x.cfa) : '<unknown>');
  const out: string[] = [`Stack level ${f.level}, frame at ${at(f)}:`];
  const where = f.file && f.line !== undefined ? ` (${gdbFileName(ctx, f.pc, f.file)}:${f.line})` : '';
  out.push(` pc = ${hex(f.pc)}${f.function ? ` in ${f.function}` : ''}${where}${caller ? `; saved pc = ${hex(caller.pc)}` : ''}`);
  const links: string[] = [];
  if (caller) links.push(`called by frame at ${at(caller)}`);
  if (callee) links.push(`caller of frame at ${at(callee)}`);
  if (f.inlined) out.push(' inlined into frame ' + (f.level + 1));
  if (links.length) out.push(' ' + links.join(', '));
  if (f.file) out.push(` source language ${/\.[sS]$/.test(f.file) ? 'asm' : 'c'}.`);
  const args = await f.args?.().catch(() => undefined);
  if (f.cfa !== undefined) {
    out.push(` Arglist at ${hex(f.cfa)}, args: ${(args ?? []).map(argText).join(', ')}`);
    out.push(` Locals at ${hex(f.cfa)}, Previous frame's sp is ${hex(f.cfa)}`);
  }
  return out.join('\n') + '\n';
}
