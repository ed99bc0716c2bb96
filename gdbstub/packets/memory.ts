// Memory packets: m (read, hex), M (write, hex), X (write, binary). Addresses are virtual, as
// the Hg thread sees them (gdb knows no other kind): its hart, or with kernel awareness a task
// not on a hart through its own page table (a sleeping process's user memory stays readable),
// and what that table does not map through the kernel's. Stopped in U-mode, the hart itself may not
// read kernel pages (no U bit), but a debugger must: an access the hart's own view refuses is
// retried through its page table as S-mode with SUM set. Unmapped memory answers E14 (as
// QEMU's stub does); a read that runs off the end of mapped memory returns the readable part
// first, so gdb's next request names the exact bad address. Lengths are capped to a reply.
import { REG_CSR0, type AddressSpace } from '../../emulator/target';
import { Errno, errorReply, PacketError } from '../errors';
import { fromHex, latin1, toHex } from '../rsp/encoding';
import { addrLength, isError } from './parse';
import { packet, type StubContext } from './types';

const PAGE = 0x1000n;

const SATP = 0x180;

/**
 * The Hg thread's view: its hart's, or (a task not on a hart) its own address space, with the
 * kernel's as the fallback for what that space does not map.
 */
async function space(ctx: StubContext): Promise<{ space: AddressSpace; hart: number; kernel?: AddressSpace }> {
  if (ctx.state.physicalMemory) return { space: { kind: 'physical' }, hart: ctx.state.gHart };
  const e = ctx.kernel.awareness ? await ctx.selectedThread('g') : undefined;
  const src = e && await ctx.kernel.registerSource(e, ctx.state.process);
  const saved = src && ctx.kernel.savedSpace(src);
  if (saved) return { space: saved, hart: ctx.state.gHart, kernel: ctx.kernel.kernelSpace() };
  const hart = src?.kind === 'hart' ? src.hart : ctx.state.gHart;
  return { space: { kind: 'virtual', hart }, hart };
}

const sameSpace = (a: AddressSpace, b: AddressSpace): boolean =>
  a.kind === b.kind && (a.kind !== 'satp' || b.kind !== 'satp' || a.satp === b.satp) && (a.kind !== 'virtual' || b.kind !== 'virtual' || a.hart === b.hart);

/**
 * Runs `access` in the thread's view. What that view finds unmapped is tried once more as the
 * kernel would see it: a hart's through its own satp as S-mode (a hart stopped in U-mode), a
 * sleeping task's through the kernel's address space (xv6's process page tables map neither the
 * kernel's data nor its stacks, so gdb unwinding a sleeping process's kernel stack reads there).
 */
async function withKernelView<T>(ctx: StubContext, access: (space: AddressSpace) => Promise<T>): Promise<T> {
  const view = await space(ctx);
  try {
    return await access(view.space);
  } catch (e) {
    if ((e as { code?: string }).code !== 'unmapped') throw e;
    if (view.kernel && !sameSpace(view.kernel, view.space)) return access(view.kernel);
    if (!ctx.target.features.satpTranslation || view.space.kind !== 'virtual') throw e;
    let satp: bigint;
    try { satp = await ctx.target.readRegister(view.hart, REG_CSR0 + SATP); } catch { throw e; }
    if (satp >> 60n === 0n) throw e; // bare: the hart's view was already physical
    return access({ kind: 'satp', satp });
  }
}

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
      return toHex(await withKernelView(ctx, (sp) => ctx.target.readMemory(cmd.address, length, sp)));
    } catch (e) {
      if ((e as { code?: string }).code !== 'unmapped') return errorReply(e);
      // Return the part before the first unmapped page, if there is one.
      const firstPageEnd = (cmd.address / PAGE + 1n) * PAGE;
      const head = firstPageEnd - cmd.address;
      if (head >= BigInt(length)) return Errno.EFAULT;
      try { return toHex(await withKernelView(ctx, (sp) => ctx.target.readMemory(cmd.address, Number(head), sp))); } catch { return Errno.EFAULT; }
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
    try { await withKernelView(ctx, (sp) => ctx.target.writeMemory(cmd.address, cmd.data, sp)); ctx.kernel.invalidate(); return 'OK'; } catch (e) { return errorReply(e); }
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
    try { await withKernelView(ctx, (sp) => ctx.target.writeMemory(cmd.address, cmd.data, sp)); ctx.kernel.invalidate(); return 'OK'; } catch (e) { return errorReply(e); }
  },
});

// QEMU's vendor packets for physical memory (its stub's qqemu.Supported / Qqemu.PhyMemMode),
// offered with the same names so tools written for QEMU (and our RSP client) can read
// physical memory here too: `maintenance packet Qqemu.PhyMemMode:1` in gdb.
export const qemuSupported = packet({
  key: 'qqemu.Supported',
  parse: (text) => (text === 'qqemu.Supported' ? {} : new PacketError(text, 'qqemu.Supported takes no arguments')),
  handle: (_cmd, ctx) => (ctx.target.features.physicalMemory ? 'PhyMemMode' : ''),
});

export const qemuPhysicalMode = packet({
  key: 'Qqemu.PhyMemMode',
  parse(text) {
    const m = /^Qqemu\.PhyMemMode:([01])$/.exec(text);
    return m ? { on: m[1] === '1' } : new PacketError(text, 'expected Qqemu.PhyMemMode:0 or :1');
  },
  handle(cmd, ctx) {
    if (!ctx.target.features.physicalMemory) return 'E22';
    ctx.state.physicalMemory = cmd.on;
    return 'OK';
  },
});
