// Z/z packets: 0 software and 1 hardware breakpoints (both kept in the machine, never patched
// into guest memory), 2 write, 3 read and 4 access watchpoints (the kind field is the watched
// length). Inserting twice is idempotent; what a session inserted is remembered so a lost
// connection can remove it. Watchpoints on a target without them get the empty reply
// ("not supported"), which makes gdb fall back to software watchpoints.
import type { WatchKind } from '../../emulator/target';
import { errorReply, PacketError } from '../errors';
import { parseHexBig, parseHexInt } from '../rsp/encoding';
import { packet, type StubContext } from './types';

type ZCommand = { insert: boolean; type: number; address: bigint; kind: number };

const WATCH_KINDS: Record<number, WatchKind> = { 2: 'write', 3: 'read', 4: 'access' };

function parseZ(text: string): ZCommand | PacketError {
  // Z type,addr,kind[;cond_list...][;cmds:...]; conditions are not advertised and ignored.
  const fields = text.slice(1).split(';')[0].split(',');
  if (fields.length !== 3) return new PacketError(text, 'expected type,addr,kind');
  const type = fields[0].length === 1 ? parseHexInt(fields[0]) : undefined;
  if (type === undefined || type > 4) return new PacketError(text, `bad breakpoint type ${JSON.stringify(fields[0])}`);
  const address = parseHexBig(fields[1]);
  if (address === undefined) return new PacketError(text, `bad address ${JSON.stringify(fields[1])}`);
  const kind = parseHexInt(fields[2], 0x10000);
  if (kind === undefined || (type >= 2 && kind === 0)) return new PacketError(text, `bad kind ${JSON.stringify(fields[2])}`);
  return { insert: text[0] === 'Z', type, address, kind };
}

async function handleZ(cmd: ZCommand, ctx: StubContext): Promise<string> {
  const { target, state } = ctx;
  try {
    if (cmd.type <= 1) {
      const kind = cmd.type === 0 ? 'sw' : 'hw';
      const key = `${kind}:${cmd.address}`;
      // The machine's breakpoint is shared (a sw and a hw one at one address, the stub's own
      // module hooks): ctx.userBreakpoint counts holders, so removing one keeps the others.
      if (cmd.insert) {
        if (!state.breakpoints.has(key)) await ctx.userBreakpoint(cmd.address, kind, true);
        state.breakpoints.set(key, { address: cmd.address, kind });
      } else if (state.breakpoints.delete(key)) {
        await ctx.userBreakpoint(cmd.address, kind, false);
      }
      return 'OK';
    }
    if (target.features.watchpoints === 0) return '';
    const kind = WATCH_KINDS[cmd.type];
    const key = `${kind}:${cmd.address}:${cmd.kind}`;
    if (cmd.insert) {
      if (!state.watchpoints.has(key)) await target.addWatchpoint(cmd.address, cmd.kind, kind);
      state.watchpoints.set(key, { address: cmd.address, length: cmd.kind, kind });
    } else if (state.watchpoints.delete(key)) {
      // only what this gdb inserted: the machine counts holders, another owner's stays
      await target.removeWatchpoint(cmd.address, cmd.kind, kind);
    }
    return 'OK';
  } catch (e) {
    return (e as { code?: string }).code === 'unsupported' ? '' : errorReply(e);
  }
}

export const insertBreakpoint = packet({
  key: 'Z',
  parse: parseZ,
  handle: handleZ,
  feature: () => 'swbreak+;hwbreak+',
});

export const removeBreakpoint = packet({ key: 'z', parse: parseZ, handle: handleZ });
