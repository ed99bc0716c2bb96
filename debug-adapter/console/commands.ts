// The Debug Console's gdb commands, one table: what people type into gdb while a kernel is
// stopped (bt, info …, x, p, output, ptype, whatis, disassemble, monitor, help). A line that is
// none of them is left to the host's C-expression evaluation (handled: false), unless it looks
// like a command gdb would not know (`foo bar`) or one the console leaves to the debugger's own
// controls (`continue`). Nothing here throws: errors come back as gdb's texts with error: true.
import { runMonitorCommand } from '../../gdbstub/monitor/commands';
import { ConsoleError } from './common';
import { examine, parseFormat } from './examine';
import { backtrace, frameVariables, infoFrame } from './frames';
import { disassemble, infoLine, infoRegisters, infoSymbol, infoThreads } from './info';
import type { ConsoleContext, ConsoleResult } from './types';

interface Command {
  names: string[];
  usage: string;
  summary: string;
  run(args: string, ctx: ConsoleContext, word: string): Promise<string>;
}

interface InfoCommand { name: string; aliases?: string[]; summary: string; run(args: string, ctx: ConsoleContext): Promise<string> }

const INFO: InfoCommand[] = [
  { name: 'registers', aliases: ['r'], summary: 'general registers, or the named ones (info registers sstatus satp)', run: (a, c) => infoRegisters(c, a, false) },
  { name: 'all-registers', summary: 'every register: general, floating point, CSRs, priv', run: (a, c) => infoRegisters(c, a, true) },
  { name: 'threads', summary: 'the threads (tasks, or harts) and where each is', run: (_a, c) => infoThreads(c) },
  { name: 'frame', aliases: ['f'], summary: 'the selected frame: its address, caller, arguments', run: (_a, c) => infoFrame(c) },
  { name: 'locals', summary: 'local variables of the selected frame', run: (_a, c) => frameVariables(c, 'locals') },
  { name: 'args', summary: 'arguments of the selected frame', run: (_a, c) => frameVariables(c, 'args') },
  { name: 'symbol', summary: 'the symbol at an address (info symbol $sepc)', run: (a, c) => infoSymbol(c, a) },
  { name: 'line', summary: 'the code addresses of a line (info line *$pc, info line main.c:40, info line FUNCTION)', run: (a, c) => infoLine(c, a) },
  { name: 'stack', aliases: ['s'], summary: 'the same as backtrace', run: (a, c) => backtrace(c, a) },
];

function findInfo(word: string): InfoCommand {
  const exact = INFO.find((i) => i.name === word || i.aliases?.includes(word));
  if (exact) return exact;
  const prefixed = INFO.filter((i) => i.name.startsWith(word));
  if (prefixed.length === 1) return prefixed[0];
  if (prefixed.length > 1) throw new ConsoleError(`Ambiguous info command "${word}": ${prefixed.map((i) => i.name).sort().join(', ')}.`);
  throw new ConsoleError(`Undefined info command: "${word}".  Try "help info".`);
}

async function print(args: string, ctx: ConsoleContext, word: string): Promise<string> {
  let a = args.trim();
  let format: string | undefined;
  const cmd = word === 'output' ? 'output' : 'print';
  if (a.startsWith('/')) {
    const m = /^\/(\S*)\s*(.*)$/.exec(a)!;
    const f = parseFormat(m[1]);
    if (f.bad) {
      // gdb evaluates first, records the value, then fails to format it
      const r = await ctx.print(m[2]);
      if (!r.ok) throw new ConsoleError(r.text);
      if (cmd === 'output') throw new ConsoleError(`Undefined output format "${f.bad}".`);
      ctx.state.history.push(r.text);
      throw new ConsoleError(`$${ctx.state.history.length} = Undefined output format "${f.bad}".`);
    }
    if (f.count !== undefined && f.count !== 1) throw new ConsoleError(`Item count other than 1 is meaningless in "${cmd}" command.`);
    if (f.size) throw new ConsoleError(`Size letters are meaningless in "${cmd}" command.`);
    if (f.format === 'i') throw new ConsoleError(`Format letter "${f.format}" is meaningless in "${cmd}" command.`);
    format = f.format;
    a = m[2];
  }
  const h = ctx.state.history;
  let text: string;
  const hist = /^\$(\$?)(\d*)$/.exec(a);
  if (a === '' || hist) {
    if (!h.length) {
      if (hist && hist[1] && hist[2] !== '0') throw new ConsoleError(`History does not go back to $$${hist[2] || 1}.`);
      if (hist && !hist[1] && hist[2]) throw new ConsoleError(`History has not yet reached $${hist[2]}.`);
      throw new ConsoleError('The history is empty.');
    }
    let i = h.length - 1;
    if (hist?.[1]) i = h.length - 1 - Number(hist[2] || 1);
    else if (hist?.[2]) i = Number(hist[2]) - 1;
    if (i < 0) throw new ConsoleError(`History does not go back to $$${hist![2] || 1}.`);
    if (i >= h.length) throw new ConsoleError(`History has not yet reached $${hist![2]}.`);
    if (format) {
      // reprint the value in the format: only numbers can be
      const r = await ctx.print(h[i], { format });
      if (!r.ok) throw new ConsoleError(r.text);
      text = r.text;
    } else text = h[i];
  } else {
    const r = await ctx.print(a, format ? { format } : undefined);
    if (!r.ok) throw new ConsoleError(r.text);
    text = r.text;
  }
  if (cmd === 'output') return text;
  h.push(text);
  return `$${h.length} = ${text}\n`;
}

async function typeCommand(args: string, ctx: ConsoleContext, word: string): Promise<string> {
  const how = word === 'whatis' ? 'whatis' : 'ptype';
  if (!args.trim()) throw new ConsoleError(`Argument required (one or more ${how === 'ptype' ? 'choice items' : 'expressions'}).`);
  if (!ctx.typeOf) throw new ConsoleError(`${how} is not available in this debugger yet: the expression engine does not name types (print the value, or hover it for its type)`);
  const r = await ctx.typeOf(args.trim(), how);
  if (!r.ok) throw new ConsoleError(r.text);
  return r.text.endsWith('\n') ? r.text : r.text + '\n';
}

async function monitor(args: string, ctx: ConsoleContext): Promise<string> {
  const m = ctx.monitor?.();
  if (!m) throw new ConsoleError('"monitor" command not supported by this target.');
  return runMonitorCommand(args, m);
}

const COMMANDS: Command[] = [
  { names: ['backtrace', 'bt', 'where'], usage: 'bt [full] [N | -N]', summary: 'the selected thread\'s stack', run: (a, c) => backtrace(c, a) },
  {
    names: ['info', 'i'], usage: 'info WHAT', summary: 'registers, all-registers, threads, frame, locals, args, symbol, line',
    async run(a, c) {
      const m = /^(\S+)\s*(.*)$/.exec(a.trim());
      if (!m) return `"info" must be followed by the name of an info command.\nList of info subcommands:\n\n${INFO.map((i) => `info ${i.name} -- ${i.summary}`).join('\n')}\n`;
      return findInfo(m[1]).run(m[2], c);
    },
  },
  { names: ['x'], usage: 'x/NFU ADDR', summary: 'examine memory: N items, F format (x d u o t a c f s i z), U size (b h w g)', run: (a, c) => examine(c, a) },
  { names: ['print', 'p', 'inspect', 'call'], usage: 'p[/F] EXPR', summary: 'a C expression\'s value (F: x d u o t a c f z), as $N', run: (a, c, w) => print(a, c, w) },
  { names: ['output'], usage: 'output[/F] EXPR', summary: 'a value without $N = and newline', run: (a, c, w) => print(a, c, w) },
  { names: ['ptype', 'whatis'], usage: 'ptype EXPR | whatis EXPR', summary: 'the type of an expression', run: (a, c, w) => typeCommand(a, c, w) },
  { names: ['disassemble'], usage: 'disassemble [/r] [ADDR | START,END | START,+LEN]', summary: 'the function around pc (or ADDR), or a range', run: (a, c) => disassemble(c, a) },
  { names: ['monitor', 'mon'], usage: 'monitor CMD…', summary: 'the machine\'s monitor commands (monitor help)', run: (a, c) => monitor(a, c) },
  { names: ['help', 'h'], usage: 'help', summary: 'this list', run: async (a) => help(a) },
];

/** gdb commands the console leaves to the debugger's own controls. */
const ELSEWHERE = new Set(['break', 'b', 'tbreak', 'delete', 'd', 'disable', 'enable', 'watch', 'rwatch', 'awatch', 'continue', 'c', 'step', 's',
  'next', 'n', 'stepi', 'si', 'nexti', 'ni', 'finish', 'until', 'advance', 'jump', 'run', 'r', 'start', 'kill', 'detach', 'attach',
  'frame', 'f', 'up', 'down', 'thread', 'set', 'display', 'list', 'l', 'target', 'file', 'symbol-file', 'add-symbol-file', 'shell', 'source', 'define', 'echo', 'printf', 'quit', 'q']);

function help(args: string): string {
  if (args.trim() === 'info') return INFO.map((i) => `info ${i.name} -- ${i.summary}`).join('\n') + '\n';
  const lines = COMMANDS.map((c) => `  ${c.usage.padEnd(48)} ${c.summary}`);
  return `Debug Console commands (as in gdb):\n${lines.join('\n')}\nAnything else is evaluated as a C expression in the selected frame.\n`;
}

function findCommand(word: string): Command | undefined {
  return COMMANDS.find((c) => c.names.includes(word));
}

/**
 * Runs one Debug Console line. handled=false: not a console command, evaluate it as a C
 * expression. Never rejects.
 */
export async function runConsoleCommand(line: string, ctx: ConsoleContext): Promise<ConsoleResult> {
  const text = line.replace(/^\s+|\s+$/g, '');
  if (text === '') return { handled: true, text: '' };
  // the command word: letters, or x/p/output/print directly followed by /FMT
  const m = /^([A-Za-z][\w-]*)(?=$|\s|\/)(.*)$/s.exec(text);
  if (!m) return { handled: false, text: '' };
  const [, word, rest] = m;
  const cmd = findCommand(word);
  try {
    if (cmd) {
      // a lone one-letter command word is more likely a variable (`x`, `p`, `i`, `h`); so is `i + 1`
      // (bare `x` continues a previous x, bare `p` reprints the last value, as in gdb, once there is one)
      if (rest.trim() === '') {
        if (word === 'i' || word === 'h') return { handled: false, text: '' };
        if (word === 'x' && ctx.state.nextAddress === undefined) return { handled: false, text: '' };
        if (word === 'p' && ctx.state.history.length === 0) return { handled: false, text: '' };
      }
      if ((word === 'i' || word === 'h') && /^\s+([-+*/%=<>!&|^?.,[]|->)/.test(rest)) return { handled: false, text: '' };
      return { handled: true, text: await cmd.run(rest.startsWith('/') ? rest : rest.trim(), ctx, word) };
    }
    const after = rest.trim();
    if (after === '' || /^([-+*/%=<>!&|^?:.,[(]|->)/.test(after) || word === 'sizeof' || word === '_Alignof') return { handled: false, text: '' };
    if (ELSEWHERE.has(word)) {
      return { handled: true, error: true, text: `"${word}" is not a Debug Console command here: use the debugger's own controls for it (breakpoints, stepping, frames, threads). "help" lists the console's commands.\n` };
    }
    return { handled: true, error: true, text: `Undefined command: "${word}".  Try "help".\n` };
  } catch (e) {
    const msg = e instanceof ConsoleError ? e.message : `internal error in "${word}": ${(e as Error).message}`;
    return { handled: true, error: true, text: msg.endsWith('\n') ? msg : msg + '\n' };
  }
}

export { COMMANDS as CONSOLE_COMMANDS };
