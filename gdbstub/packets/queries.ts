// General queries: QStartNoAckMode, and the qXfer reads of the target description, the memory
// map and the thread list (qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH, answered 'm' + data when
// more follows or 'l' + data at the end, data escaped as binary).
import { PacketError } from '../errors';
import { memoryMapXml } from '../memory-map';
import { escapeBinary, latin1 } from '../rsp/encoding';
import { targetDescriptionXml } from '../target-description';
import { formatThreadId } from '../threads';
import { hartSummary } from './threads';
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

export const xferThreads = xferRead('threads', async (ctx, annex) => {
  if (annex !== '') return undefined;
  const lines = ['<?xml version="1.0"?>', '<threads>'];
  for (let h = 0; h < ctx.target.features.harts; h++) {
    const text = (await hartSummary(ctx, h)).replace(/[<>&"]/g, '');
    lines.push(`<thread id="${formatThreadId(h, ctx.state.multiprocess)}" core="${h}" name="hart${h}">${text}</thread>`);
  }
  lines.push('</threads>');
  return lines.join('\n') + '\n';
});
