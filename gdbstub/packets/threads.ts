// Thread packets (threads are harts): H (select the hart for g/m and for c/s), T (is it alive),
// qC (current thread), qfThreadInfo/qsThreadInfo (the list), qThreadExtraInfo (a short status),
// qAttached (yes: detaching leaves the machine running, it is never "our child process").
import { REG_PRIV } from '../../emulator/target';
import { PacketError } from '../errors';
import { asciiToHex } from '../rsp/encoding';
import { formatThreadId, parseThreadId, type ThreadSel } from '../threads';
import { packet, type StubContext } from './types';

const PRIV_NAMES: Record<number, string> = { 0: 'U-mode', 1: 'S-mode', 3: 'M-mode' };

function validHart(ctx: StubContext, t: ThreadSel): boolean {
  return t.kind !== 'hart' || (t.hart >= 0 && t.hart < ctx.target.features.harts);
}

export const setThread = packet({
  key: 'H',
  parse(text) {
    const op = text[1];
    if (op !== 'g' && op !== 'c') return new PacketError(text, 'expected Hg or Hc');
    const thread = parseThreadId(text.slice(2));
    return thread ? { op, thread } : new PacketError(text, 'bad thread id');
  },
  handle(cmd, ctx) {
    if (!validHart(ctx, cmd.thread)) return 'E03';
    if (cmd.thread.kind === 'hart') {
      if (cmd.op === 'g') ctx.state.gHart = cmd.thread.hart; else ctx.state.cHart = cmd.thread.hart;
    }
    return 'OK';
  },
});

export const threadAlive = packet({
  key: 'T',
  parse(text) {
    const thread = parseThreadId(text.slice(1));
    return thread ? { thread } : new PacketError(text, 'bad thread id');
  },
  handle: (cmd, ctx) => (cmd.thread.kind === 'hart' && validHart(ctx, cmd.thread) ? 'OK' : 'E03'),
});

export const currentThread = packet({
  key: 'qC',
  parse: (text) => (text === 'qC' ? {} : new PacketError(text, 'qC takes no arguments')),
  handle: (_cmd, ctx) => 'QC' + formatThreadId(ctx.state.gHart, ctx.state.multiprocess),
});

export const firstThreadInfo = packet({
  key: 'qfThreadInfo',
  parse: (text) => (text === 'qfThreadInfo' ? {} : new PacketError(text, 'qfThreadInfo takes no arguments')),
  handle(_cmd, ctx) {
    const ids = Array.from({ length: ctx.target.features.harts }, (_, h) => formatThreadId(h, ctx.state.multiprocess));
    return 'm' + ids.join(',');
  },
  feature: () => 'multiprocess+',
});

export const nextThreadInfo = packet({
  key: 'qsThreadInfo',
  parse: (text) => (text === 'qsThreadInfo' ? {} : new PacketError(text, 'qsThreadInfo takes no arguments')),
  handle: () => 'l',
});

/** A one-line description of a hart: its privilege mode, and whether the machine runs. */
export async function hartSummary(ctx: StubContext, hart: number): Promise<string> {
  let mode = '';
  try { mode = ' ' + (PRIV_NAMES[Number(await ctx.target.readRegister(hart, REG_PRIV))] ?? '?-mode'); } catch { /* unreadable while running */ }
  return `hart ${hart}${mode}${ctx.target.state() === 'running' ? ' running' : ''}`;
}

export const threadExtraInfo = packet({
  key: 'qThreadExtraInfo',
  parse(text) {
    const thread = text.startsWith('qThreadExtraInfo,') ? parseThreadId(text.slice(17)) : undefined;
    return thread ? { thread } : new PacketError(text, 'expected qThreadExtraInfo,thread-id');
  },
  async handle(cmd, ctx) {
    if (cmd.thread.kind !== 'hart' || !validHart(ctx, cmd.thread)) return 'E03';
    return asciiToHex(await hartSummary(ctx, cmd.thread.hart));
  },
});

export const attached = packet({
  key: 'qAttached',
  parse: (text) => (text === 'qAttached' || /^qAttached:[0-9a-fA-F]+$/.test(text) ? {} : new PacketError(text, 'bad qAttached')),
  handle: () => '1',
});
