// The one registration table of packets, the lookup from a packet's text to its spec, and
// qSupported, whose reply is built from the same table (each spec's feature()), so what gdb
// is told and what is dispatched cannot drift apart (style.md §3).
import { PacketError } from '../errors';
import * as breakpoints from './breakpoints';
import * as execution from './execution';
import * as files from './files';
import * as memory from './memory';
import * as monitor from './monitor';
import * as queries from './queries';
import * as registers from './registers';
import * as threads from './threads';
import { packet, type AnyPacketSpec, type StubContext } from './types';

const supported = packet({
  key: 'qSupported',
  parse(text) {
    if (text !== 'qSupported' && !text.startsWith('qSupported:')) return new PacketError(text, 'expected qSupported[:features]');
    const features = text.length > 11 ? text.slice(11).split(';').filter((f) => f !== '') : [];
    return { features };
  },
  handle(cmd, ctx) {
    const gdb = new Set(cmd.features);
    ctx.state.gdbFeatures = gdb;
    // multiprocess syntax only when both sides offer it (not with kernel awareness: threads.ts)
    ctx.state.multiprocess = gdb.has('multiprocess+') && ctx.kernel.awareness === undefined;
    ctx.state.swbreak = gdb.has('swbreak+');
    ctx.state.hwbreak = gdb.has('hwbreak+');
    const parts = [`PacketSize=${ctx.options.packetSize.toString(16)}`];
    for (const spec of PACKETS) {
      const f = spec.feature?.(ctx);
      if (f) parts.push(f);
    }
    return parts.join(';');
  },
});

export const PACKETS: readonly AnyPacketSpec[] = [
  supported,
  queries.startNoAckMode, queries.xferFeatures, queries.xferMemoryMap, queries.xferThreads,
  queries.xferLibraries, queries.xferExecFile, files.vFile,
  execution.whyStopped, execution.extendedMode, execution.vAttach, execution.continueLegacy, execution.continueSignal, execution.stepLegacy, execution.stepSignal,
  execution.vContQuery, execution.vCont, execution.detach, execution.kill, execution.vKill,
  registers.readAllRegisters, registers.writeAllRegisters, registers.readRegister, registers.writeRegister,
  memory.readMemory, memory.writeMemoryHex, memory.writeMemoryBinary, memory.qemuSupported, memory.qemuPhysicalMode,
  breakpoints.insertBreakpoint, breakpoints.removeBreakpoint,
  threads.setThread, threads.threadAlive, threads.currentThread, threads.firstThreadInfo, threads.nextThreadInfo,
  threads.threadExtraInfo, threads.attached,
  monitor.monitorCommand,
];

const BY_KEY = new Map(PACKETS.map((p) => [p.key, p]));
if (BY_KEY.size !== PACKETS.length) throw new Error('gdbstub: two packets share a key');

/**
 * The key of a packet's text: q/Q/v packets are named up to ':', ',' or ';' (qXfer by its
 * first three fields, `vCont?` keeps its '?'); every other packet by its first character.
 */
export function packetKey(text: string): string {
  const c = text[0];
  if (c !== 'q' && c !== 'Q' && c !== 'v') return c ?? '';
  if (text.startsWith('qXfer:')) return text.split(':').slice(0, 3).join(':');
  const m = /^[^:,;]*/.exec(text);
  return m ? m[0] : text;
}

export function lookupPacket(text: string): AnyPacketSpec | undefined {
  return BY_KEY.get(packetKey(text));
}

export type { StubContext };
