// The user's breakpoints (source, function, instruction) as run control keeps them: what was
// asked, where it is bound, its hit count, and the DAP Breakpoint shown for it. Each is one
// owner (`user:ID`) in the address table; binding again (module load or unload, a process that
// starts running a program, a process filter) moves its addresses and reports what changed.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { AddressTable } from './address-table';
import type { CodeSymbols, ControlHost } from './api';
import { bindFunction, bindingScope, bindSource, type Binding, type Location } from './binding';
import type { BreakSettings } from './conditions';

export type UserKind = 'source' | 'function' | 'instruction';

export interface UserBreakpoint {
  id: number;
  kind: UserKind;
  source?: DebugProtocol.Source;
  line?: number;
  name?: string;
  /** Instruction breakpoints: the address asked for (reference + offset). */
  address?: bigint;
  instructionReference?: string;
  offset?: number;
  settings: BreakSettings;
  counter: { hits: number };
  locations: Location[];
  verified: boolean;
  message?: string;
}

export const ownerOf = (bp: { id: number }): string => `user:${bp.id}`;
export const idOfOwner = (owner: string): number | undefined => owner.startsWith('user:') ? Number(owner.slice(5)) : undefined;

const hex = (a: bigint): string => `0x${a.toString(16)}`;

export class UserBreakpoints {
  private nextId = 1;
  private readonly all = new Map<number, UserBreakpoint>();
  /** Source breakpoints by source path, in the order the client gave them. */
  private readonly bySource = new Map<string, UserBreakpoint[]>();
  private functionBps: UserBreakpoint[] = [];
  private instructionBps: UserBreakpoint[] = [];
  /** Only programs of this process count (setProcessFilter): its name, when known. */
  processProgram?: (s: CodeSymbols) => string | undefined;

  constructor(private readonly host: ControlHost, private readonly table: AddressTable) {}

  get(id: number): UserBreakpoint | undefined { return this.all.get(id); }
  list(): UserBreakpoint[] { return [...this.all.values()]; }

  newId(): number { return this.nextId++; }

  toDap(bp: UserBreakpoint): DebugProtocol.Breakpoint {
    const out: DebugProtocol.Breakpoint = { id: bp.id, verified: bp.verified };
    if (bp.message) out.message = bp.message;
    const first = bp.locations[0];
    if (bp.kind === 'source') {
      out.source = bp.source;
      out.line = bp.line;
      if (first) {
        const at = first.symbols.file.lineAt(first.address);
        if (at && at.line) out.line = at.line;
      }
    } else if (first) {
      const at = first.symbols.file.lineAt(first.address);
      if (at && at.line) { out.line = at.line; out.source = { name: at.file.split(/[\\/]/).pop(), path: at.file }; }
    }
    if (first) out.instructionReference = hex(first.address);
    else if (bp.address !== undefined) out.instructionReference = hex(bp.address);
    return out;
  }

  /** Replaces the source breakpoints of one file; an existing one at the same line keeps its id and count. */
  async setSource(path: string, source: DebugProtocol.Source, wanted: Array<{ line: number; settings: BreakSettings }>): Promise<UserBreakpoint[]> {
    const old = this.bySource.get(path) ?? [];
    const next: UserBreakpoint[] = [];
    const scope = await bindingScope(this.host);
    for (const w of wanted) {
      const i = old.findIndex((o) => o.line === w.line);
      const bp: UserBreakpoint = i >= 0 ? old.splice(i, 1)[0] : { id: this.newId(), kind: 'source', source, line: w.line, settings: w.settings, counter: { hits: 0 }, locations: [], verified: false };
      bp.settings = w.settings;
      bp.source = source;
      next.push(bp);
      this.all.set(bp.id, bp);
      await this.bind(bp, scope);
    }
    for (const o of old) await this.drop(o);
    this.bySource.set(path, next);
    return next;
  }

  async setFunctions(wanted: Array<{ name: string; settings: BreakSettings }>): Promise<UserBreakpoint[]> {
    const old = this.functionBps;
    const next: UserBreakpoint[] = [];
    const scope = await bindingScope(this.host);
    for (const w of wanted) {
      const i = old.findIndex((o) => o.name === w.name);
      const bp: UserBreakpoint = i >= 0 ? old.splice(i, 1)[0] : { id: this.newId(), kind: 'function', name: w.name, settings: w.settings, counter: { hits: 0 }, locations: [], verified: false };
      bp.settings = w.settings;
      next.push(bp);
      this.all.set(bp.id, bp);
      await this.bind(bp, scope);
    }
    for (const o of old) await this.drop(o);
    this.functionBps = next;
    return next;
  }

  async setInstructions(wanted: Array<{ reference: string; offset: number; address?: bigint; error?: string; settings: BreakSettings }>): Promise<UserBreakpoint[]> {
    const old = this.instructionBps;
    const next: UserBreakpoint[] = [];
    for (const w of wanted) {
      const i = w.address === undefined ? -1 : old.findIndex((o) => o.address === w.address);
      const bp: UserBreakpoint = i >= 0 ? old.splice(i, 1)[0] : { id: this.newId(), kind: 'instruction', address: w.address, instructionReference: w.reference, offset: w.offset, settings: w.settings, counter: { hits: 0 }, locations: [], verified: false };
      bp.settings = w.settings;
      next.push(bp);
      this.all.set(bp.id, bp);
      if (w.error) { bp.verified = false; bp.message = w.error; await this.table.removeOwner(ownerOf(bp)); continue; }
      await this.bind(bp);
    }
    for (const o of old) await this.drop(o);
    this.instructionBps = next;
    return next;
  }

  private async drop(bp: UserBreakpoint): Promise<void> {
    this.all.delete(bp.id);
    await this.table.removeOwner(ownerOf(bp));
  }

  /** Binds one breakpoint and puts its addresses in the machine; true when what it shows changed. */
  async bind(bp: UserBreakpoint, scope?: Awaited<ReturnType<typeof bindingScope>>): Promise<boolean> {
    const before = JSON.stringify(this.toDap(bp));
    let b: Binding;
    if (bp.settings.error) b = { locations: [], message: bp.settings.error };
    else if (bp.kind === 'source') b = await bindSource(this.host, bp.source?.path ?? bp.source?.name ?? '', bp.line ?? 0, scope);
    else if (bp.kind === 'function') b = await bindFunction(this.host, bp.name ?? '', scope);
    else if (bp.address === undefined) b = { locations: [], message: bp.message ?? `instructionReference ${JSON.stringify(bp.instructionReference)}: expected an address such as 0x80001234` }; // a bad reference stays unbound at every rebind
    else b = { locations: [{ address: bp.address, symbols: { file: this.host.kernel, kind: 'kernel', name: 'instruction' }, live: true }] };
    // a process filter: programs other than the debugged process's count for nothing
    const filter = this.processProgram;
    if (filter && b.locations.length) {
      const kept = b.locations.filter((l) => l.symbols.kind !== 'program' || matchesProgram(l.symbols.name, filter(l.symbols)));
      if (!kept.length) {
        const progs = [...new Set(b.locations.map((l) => baseName(l.symbols.name)))];
        b = { locations: [], message: `${progs.join(', ')} is another process's program (only the attached process's breakpoints count)` };
      } else b = { ...b, locations: kept };
    }
    const want = new Set(b.locations.map((l) => l.address));
    const owner = ownerOf(bp);
    await this.table.removeOwner(owner, (a) => want.has(a));
    let refused: string | undefined;
    for (const a of want) refused ??= await this.table.add(a, owner);
    bp.locations = b.locations;
    bp.message = refused ?? b.message;
    bp.verified = !refused && !b.message && b.locations.length > 0;
    return JSON.stringify(this.toDap(bp)) !== before;
  }

  /** Binds every breakpoint again (code came or went); the ones whose DAP view changed. */
  async rebindAll(): Promise<UserBreakpoint[]> {
    const scope = await bindingScope(this.host);
    const changed: UserBreakpoint[] = [];
    for (const bp of this.all.values()) if (await this.bind(bp, scope)) changed.push(bp);
    return changed;
  }
}

export function baseName(path: string): string { return path.split(/[\\/]/).pop() ?? path; }

/** Whether a program path is the program named `want` (a path or a bare name). */
export function matchesProgram(path: string, want: string | undefined): boolean {
  if (!want) return true;
  return path === want || baseName(path) === baseName(want);
}
