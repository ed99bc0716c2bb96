// Thread packets: H (select the thread for g/m and for c/s), T (is it alive), qC (current
// thread), qfThreadInfo/qsThreadInfo (the list), qThreadExtraInfo (a short status), qAttached
// (yes: detaching leaves the machine running, it is never "our child process"). Threads are
// harts, or tasks with kernel awareness (kernel-view.ts says which id names what).
import { PacketError } from '../errors';
import { asciiToHex } from '../rsp/encoding';
import { formatThreadId, parseThreadId } from '../threads';
import { packet } from './types';

export const setThread = packet({
  key: 'H',
  parse(text) {
    const op = text[1];
    if (op !== 'g' && op !== 'c') return new PacketError(text, 'expected Hg or Hc');
    const thread = parseThreadId(text.slice(2));
    return thread ? { op, thread } : new PacketError(text, 'bad thread id');
  },
  async handle(cmd, ctx) {
    if (cmd.thread.kind !== 'id') return 'OK';
    const e = await ctx.kernel.thread(cmd.thread.id, ctx.state.process);
    if (!e) return 'E03';
    if (cmd.op === 'g') {
      ctx.state.gThread = e.id;
      if (e.hart !== undefined) ctx.state.gHart = e.hart;
    } else {
      ctx.state.cThread = e.id;
      if (e.hart !== undefined) ctx.state.cHart = e.hart;
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
  handle: async (cmd, ctx) => (cmd.thread.kind === 'id' && await ctx.kernel.thread(cmd.thread.id, ctx.state.process) ? 'OK' : 'E03'),
});

export const currentThread = packet({
  key: 'qC',
  parse: (text) => (text === 'qC' ? {} : new PacketError(text, 'qC takes no arguments')),
  handle: async (_cmd, ctx) => 'QC' + formatThreadId(ctx.state.gThread || await ctx.kernel.threadOfHart(ctx.state.gHart, ctx.state.process), ctx.state.multiprocess),
});

export const firstThreadInfo = packet({
  key: 'qfThreadInfo',
  parse: (text) => (text === 'qfThreadInfo' ? {} : new PacketError(text, 'qfThreadInfo takes no arguments')),
  async handle(_cmd, ctx) {
    const ids = (await ctx.kernel.threads(ctx.state.process)).map((e) => formatThreadId(e.id, ctx.state.multiprocess));
    return ids.length ? 'm' + ids.join(',') : 'l';
  },
  // With kernel awareness, thread ids are pids of one process (gdb would make an inferior of
  // every process id it sees in multiprocess syntax), so multiprocess is not offered then.
  feature: (ctx) => (ctx.kernel.awareness ? undefined : 'multiprocess+'),
});

export const nextThreadInfo = packet({
  key: 'qsThreadInfo',
  parse: (text) => (text === 'qsThreadInfo' ? {} : new PacketError(text, 'qsThreadInfo takes no arguments')),
  handle: () => 'l',
});

export const threadExtraInfo = packet({
  key: 'qThreadExtraInfo',
  parse(text) {
    const thread = text.startsWith('qThreadExtraInfo,') ? parseThreadId(text.slice(17)) : undefined;
    return thread ? { thread } : new PacketError(text, 'expected qThreadExtraInfo,thread-id');
  },
  async handle(cmd, ctx) {
    const e = cmd.thread.kind === 'id' ? await ctx.kernel.thread(cmd.thread.id, ctx.state.process) : undefined;
    if (!e) return 'E03';
    return asciiToHex(await ctx.kernel.extraInfo(e));
  },
});

export const attached = packet({
  key: 'qAttached',
  parse: (text) => (text === 'qAttached' || /^qAttached:[0-9a-fA-F]+$/.test(text) ? {} : new PacketError(text, 'bad qAttached')),
  handle: () => '1',
});
