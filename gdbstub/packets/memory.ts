// Memory packets: m (read, hex), M (write, hex), X (write, binary). Addresses are virtual, as
// the Hg hart sees them (gdb knows no other kind). Unmapped memory answers E14 (as QEMU's stub
// does); a read that runs off the end of mapped memory returns the readable part first, so
// gdb's next request names the exact bad address. Lengths are capped to what fits a reply.
import type { AddressSpace } from '../../emulator/target';
import { Errno, errorReply, PacketError } from '../errors';
import { fromHex, latin1, toHex } from '../rsp/encoding';
import { addrLength, isError } from './parse';
import { packet, type StubContext } from './types';

const PAGE = 0x1000n;

const space = (ctx: StubContext): AddressSpace => ({ kind: 'virtual', hart: ctx.state.gHart });

export const readMemory = packet({
  key: 'm',
  parse(text) {
    const r = addrLength(text, text.slice(1));
    if (isError(r)) return r;
    if (r.length === 0) return new PacketError(text, 'zero length');
    return r;
  },
  async handle(cmd, ctx) {
    const max = Math.floor((ctx.options.packetSize - 8) / 2);
    const length = Math.min(cmd.length, max);
    try {
      return toHex(await ctx.target.readMemory(cmd.address, length, space(ctx)));
    } catch (e) {
      if ((e as { code?: string }).code !== 'unmapped') return errorReply(e);
      // Return the part before the first unmapped page, if there is one.
      const firstPageEnd = (cmd.address / PAGE + 1n) * PAGE;
      const head = firstPageEnd - cmd.address;
      if (head >= BigInt(length)) return Errno.EFAULT;
      try { return toHex(await ctx.target.readMemory(cmd.address, Number(head), space(ctx))); } catch { return Errno.EFAULT; }
    }
  },
});

export const writeMemoryHex = packet({
  key: 'M',
  parse(text) {
    const colon = text.indexOf(':');
    if (colon < 0) return new PacketError(text, 'expected M addr,length:data');
    const r = addrLength(text, text.slice(1, colon));
    if (isError(r)) return r;
    const data = fromHex(text.slice(colon + 1));
    if (!data) return new PacketError(text, 'bad hex data');
    if (data.length !== r.length) return new PacketError(text, `length ${r.length} but ${data.length} bytes of data`);
    return { address: r.address, data };
  },
  async handle(cmd, ctx) {
    if (cmd.data.length === 0) return 'OK';
    try { await ctx.target.writeMemory(cmd.address, cmd.data, space(ctx)); return 'OK'; } catch (e) { return errorReply(e); }
  },
});

export const writeMemoryBinary = packet({
  key: 'X',
  parse(text) {
    // The framing layer has already undone the '}' escapes; text is latin1, one char per byte.
    const colon = text.indexOf(':');
    if (colon < 0) return new PacketError(text, 'expected X addr,length:data');
    const r = addrLength(text, text.slice(1, colon));
    if (isError(r)) return r;
    const data = latin1.encode(text.slice(colon + 1));
    if (data.length !== r.length) return new PacketError(text, `length ${r.length} but ${data.length} bytes of data`);
    return { address: r.address, data };
  },
  async handle(cmd, ctx) {
    if (cmd.data.length === 0) return 'OK'; // gdb probes X support with an empty write
    try { await ctx.target.writeMemory(cmd.address, cmd.data, space(ctx)); return 'OK'; } catch (e) { return errorReply(e); }
  },
});
