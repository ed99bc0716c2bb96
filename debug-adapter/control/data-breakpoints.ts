// Data breakpoints (watchpoints): dataBreakpointInfo turns an expression (a variable, or a
// member or element the Variables view shows) into a dataId naming its address and size; set
// puts watchpoints in the machine (Target.addWatchpoint) for the access each asks for.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { WatchKind } from '../../emulator/target';
import type { ControlHost } from './api';
import type { BreakSettings } from './conditions';
import { parseSettings } from './conditions';

export interface DataBreakpoint {
  id: number;
  address: bigint;
  size: number;
  kind: WatchKind;
  description: string;
  settings: BreakSettings;
  counter: { hits: number };
  verified: boolean;
  message?: string;
}

const ACCESS: Record<DebugProtocol.DataBreakpointAccessType, WatchKind> = { read: 'read', write: 'write', readWrite: 'access' };
const hex = (a: bigint): string => `0x${a.toString(16)}`;

/** dataId: `ADDRESS/SIZE/NAME` (the name only for messages). */
export function parseDataId(id: unknown): { address: bigint; size: number; name: string } | undefined {
  if (typeof id !== 'string') return undefined;
  const m = /^(0x[0-9a-fA-F]+)\/(\d+)(?:\/(.*))?$/.exec(id);
  if (!m) return undefined;
  const size = Number(m[2]);
  if (size < 1 || size > 4096) return undefined;
  return { address: BigInt(m[1]), size, name: m[3] ?? hex(BigInt(m[1])) };
}

export class DataBreakpoints {
  private list: DataBreakpoint[] = [];

  constructor(private readonly host: ControlHost, private readonly newId: () => number) {}

  accessTypes(): DebugProtocol.DataBreakpointAccessType[] {
    return this.host.target.features.watchpoints > 0 ? ['write', 'read', 'readWrite'] : [];
  }

  async info(args: DebugProtocol.DataBreakpointInfoArguments): Promise<DebugProtocol.DataBreakpointInfoResponse['body']> {
    if (typeof args?.name !== 'string' || !args.name.trim()) return { dataId: null, description: 'dataBreakpointInfo: "name" must be an expression or a variable name' };
    if (this.host.target.features.watchpoints <= 0) return { dataId: null, description: 'this target has no watchpoints' };
    const frameId = typeof args.frameId === 'number' ? args.frameId : undefined;
    const lv = await this.host.lvalue(args.name, frameId).catch((e: Error) => ({ error: e.message }));
    if ('error' in lv) return { dataId: null, description: `${args.name}: ${lv.error}` };
    if (lv.size < 1) return { dataId: null, description: `${args.name} has no size to watch` };
    const size = Math.min(lv.size, 4096);
    return {
      dataId: `${hex(lv.address)}/${size}/${args.name}`,
      description: `${args.name} (${lv.type}, ${size} byte${size === 1 ? '' : 's'} at ${hex(lv.address)})`,
      accessTypes: this.accessTypes(),
      canPersist: false,
    };
  }

  async set(args: DebugProtocol.SetDataBreakpointsArguments): Promise<DataBreakpoint[]> {
    const t = this.host.target;
    for (const d of this.list) if (d.verified) await t.removeWatchpoint(d.address, d.size, d.kind).catch(() => undefined);
    const old = this.list;
    this.list = [];
    const wanted = Array.isArray(args?.breakpoints) ? args.breakpoints : [];
    for (const w of wanted) {
      const parsed = parseDataId(w?.dataId);
      const kind = ACCESS[(w?.accessType ?? 'write') as DebugProtocol.DataBreakpointAccessType];
      const settings = parseSettings(w ?? {});
      const prev = parsed && old.find((o) => o.address === parsed.address && o.size === parsed.size && o.kind === kind);
      const bp: DataBreakpoint = {
        id: prev?.id ?? this.newId(), address: parsed?.address ?? 0n, size: parsed?.size ?? 0, kind: kind ?? 'write',
        description: parsed?.name ?? String(w?.dataId), settings, counter: prev?.counter ?? { hits: 0 }, verified: false,
      };
      if (!parsed) bp.message = `dataId ${JSON.stringify(w?.dataId)}: not one dataBreakpointInfo gave (ADDRESS/SIZE/NAME)`;
      else if (!kind) bp.message = `accessType ${JSON.stringify(w.accessType)}: expected read, write or readWrite`;
      else if (settings.error) bp.message = settings.error;
      else if (this.list.filter((d) => d.verified).length >= t.features.watchpoints) bp.message = `the target has ${t.features.watchpoints} watchpoints, all in use`;
      else {
        try { await t.addWatchpoint(bp.address, bp.size, bp.kind); bp.verified = true; } catch (e) { bp.message = `the machine refused the watchpoint: ${(e as Error).message}`; }
      }
      this.list.push(bp);
    }
    return this.list;
  }

  toDap(d: DataBreakpoint): DebugProtocol.Breakpoint {
    const out: DebugProtocol.Breakpoint = { id: d.id, verified: d.verified };
    if (d.message) out.message = d.message;
    else out.message = `${d.kind === 'access' ? 'read or write' : d.kind} of ${d.description}`;
    return out;
  }

  /** The data breakpoints a watchpoint stop at `address` for `watch` belongs to. */
  match(address: bigint, watch: WatchKind): DataBreakpoint[] {
    return this.list.filter((d) => d.verified && address >= d.address && address < d.address + BigInt(d.size)
      && (d.kind === 'access' || watch === 'access' || d.kind === watch));
  }
}
