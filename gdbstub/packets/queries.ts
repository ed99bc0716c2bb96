// General queries: QStartNoAckMode, and the qXfer reads of the target description, the memory
// map, the thread list, and with kernel awareness the library list (modules) and the executable
// of a process (qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH, answered 'm' + data when more follows or
// 'l' + data at the end, data escaped as binary).
import { PacketError } from '../errors';
import { memoryMapXml } from '../memory-map';
import { escapeBinary, latin1 } from '../rsp/encoding';
import { targetDescriptionXml } from '../target-description';
import { formatThreadId } from '../threads';
import { addrLength, isError } from './parse';
import { packet, type PacketSpec, type Reply, type StubContext } from './types';

export const startNoAckMode = packet({
  key: 'QStartNoAckMode',
  parse: (text) => (text === 'QStartNoAckMode' ? {} : new PacketError(text, 'QStartNoAckMode takes no arguments')),
  handle(_cmd, ctx) {
    // The reply itself is still acknowledged; the session switches once it has been sent.
    ctx.afterReply(() => { ctx.state.noAck = true; });
    return 'OK';
  },
  feature: () => 'QStartNoAckMode+',
});

type XferRead = { annex: string; offset: number; length: number };

function xferSlice(doc: string, cmd: XferRead): Reply {
  const bytes = latin1.encode(doc);
  if (cmd.offset > bytes.length) return 'E22';
  const chunk = bytes.subarray(cmd.offset, cmd.offset + cmd.length);
  const last = cmd.offset + chunk.length >= bytes.length;
  const esc = escapeBinary(chunk);
  const out = new Uint8Array(esc.length + 1);
  out[0] = last ? 0x6c : 0x6d; // 'l' or 'm'
  out.set(esc, 1);
  return { binary: out };
}

/** A qXfer:OBJECT:read packet whose document is produced by `doc` (undefined: no such annex). */
function xferRead(object: string, doc: (ctx: StubContext, annex: string) => Promise<string | undefined> | string | undefined,
  available: (ctx: StubContext) => boolean = () => true): PacketSpec<XferRead> {
  const key = `qXfer:${object}:read`;
  return packet({
    key,
    parse(text) {
      const rest = text.slice(key.length);
      const m = /^:([^:]*):(.*)$/.exec(rest);
      if (!m) return new PacketError(text, `expected ${key}:ANNEX:OFFSET,LENGTH`);
      const r = addrLength(text, m[2]);
      if (isError(r)) return r;
      if (r.address > 0x7fffffffn) return new PacketError(text, 'offset too large');
      return { annex: m[1], offset: Number(r.address), length: r.length };
    },
    async handle(cmd, ctx) {
      if (!available(ctx)) return '';
      const max = ctx.options.packetSize - 8;
      const d = await doc(ctx, cmd.annex);
      if (d === undefined) return 'E00';
      // Escaping can double the size: ask for no more than half the packet.
      return xferSlice(d, { ...cmd, length: Math.min(cmd.length, Math.floor(max / 2)) });
    },
    feature: (ctx) => (available(ctx) ? `${key}+` : undefined),
  });
}

export const xferFeatures = xferRead('features', (ctx, annex) => (annex === 'target.xml' ? targetDescriptionXml(ctx.target.features) : undefined));

export const xferMemoryMap = xferRead('memory-map', (ctx, annex) => (annex === '' ? memoryMapXml(ctx.control.memoryRegions!()) : undefined),
  (ctx) => ctx.control.memoryRegions !== undefined);

const xmlText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Threads with their names (a task's, or hartN) and cores (the hart running it); the text is qThreadExtraInfo's. */
export const xferThreads = xferRead('threads', async (ctx, annex) => {
  if (annex !== '') return undefined;
  const lines = ['<?xml version="1.0"?>', '<threads>'];
  for (const e of await ctx.kernel.threads(ctx.state.process)) {
    const core = e.hart !== undefined ? ` core="${e.hart}"` : '';
    lines.push(`<thread id="${formatThreadId(e.id, ctx.state.multiprocess)}"${core} name="${xmlText(ctx.kernel.threadName(e))}">${xmlText(await ctx.kernel.extraInfo(e))}</thread>`);
  }
  lines.push('</threads>');
  return lines.join('\n') + '\n';
});

/**
 * Loaded modules as libraries: each module's object file on the host with one address per
 * allocated section, so gdb loads (and later drops) its symbols by itself. Re-read by gdb after
 * every `library:` stop (the stub's internal breakpoints on the kernel's module hooks).
 */
export const xferLibraries = xferRead('libraries', (ctx, annex) => (annex === '' ? ctx.libraries() : undefined),
  (ctx) => ctx.kernel.awareness !== undefined);

/** The executable of a process (annex: its pid in hex, or empty for the current one): a user program's path, or the kernel's. */
export const xferExecFile = xferRead('exec-file', (ctx, annex) => {
  if (annex !== '' && !/^[0-9a-fA-F]{1,8}$/.test(annex)) return undefined;
  const pid = annex === '' ? ctx.state.process?.pid : parseInt(annex, 16);
  return ctx.kernel.execFile(pid);
}, (ctx) => ctx.kernel.awareness !== undefined || ctx.kernel.kernelPath !== undefined);
