// Judging a machine stop: is it something the user must see (a breakpoint whose condition
// holds, an exception a filter asks for, a pause), or internal (a module hook, a breakpoint in
// another process's copy of a program address, a false condition, a log point, an interrupt
// through a watched trap vector)? Internal stops are handled here and the machine resumes.
import type { StopEvent } from '../../emulator/target';
import { REG_PC, REG_PRIV, regX } from '../../emulator/target';
import type { AddressTable } from './address-table';
import type { ControlHost, StopReason } from './api';
import { idOfOwner, matchesProgram, type UserBreakpoint, type UserBreakpoints } from './breakpoints';
import { judgeHit } from './conditions';
import type { DataBreakpoints } from './data-breakpoints';
import { causeName, describeTrap, formatMessage, isInterrupt, isPageFault, type ExceptionRecord } from './exceptions';
import { CSR, HOOK, MVECTOR, PANIC, readCsr, SVECTOR, type InternalBreakpoints } from './internal-breakpoints';

export type Verdict =
  | { kind: 'internal' }
  | { kind: 'stop'; hart: number; reason: StopReason; description?: string; text?: string; hitBreakpointIds?: number[]; exception?: ExceptionRecord }
  | { kind: 'exit'; code: number };

export interface StopContext {
  host: ControlHost;
  table: AddressTable;
  user: UserBreakpoints;
  data: DataBreakpoints;
  internal: InternalBreakpoints;
  /** The user asked for a pause. */
  pauseWanted(): boolean;
  /** Only this process's program breakpoints count (setProcessFilter). */
  processFilter(): { pid?: number; name?: string } | undefined;
  /** A breakpoint's DAP view changed (bound, unbound). */
  changed(bps: UserBreakpoint[]): void;
  /** Binds every breakpoint again. */
  rebind(): Promise<void>;
  /** A trap the page-fault (or illegal-instruction) stop undid: let it through once. */
  passTrap: { hart: number; pc: bigint; cause: bigint } | undefined;
}

const hex = (a: bigint): string => `0x${a.toString(16)}`;

export async function judgeStop(ctx: StopContext, ev: StopEvent): Promise<Verdict> {
  const r = ev.reason;
  switch (r.kind) {
    case 'poweroff': return { kind: 'exit', code: r.code };
    case 'disconnected': ctx.host.output('important', `The target's connection ended: ${r.message}\n`); return { kind: 'exit', code: 0 };
    case 'reboot':
      ctx.host.output('console', 'The machine rebooted.\n');
      await ctx.rebind();
      return { kind: 'internal' };
    case 'pause':
      return ctx.pauseWanted() ? { kind: 'stop', hart: r.hart, reason: 'pause' } : { kind: 'internal' };
    case 'step':
      return ctx.pauseWanted() ? { kind: 'stop', hart: r.hart, reason: 'pause' } : { kind: 'internal' };
    case 'fault-loop': {
      if (!ctx.internal.enabled.has('trap-loop')) return { kind: 'internal' };
      const where = fnText(ctx, r.pc);
      const what = describeTrap(r.cause, r.tval, 'stval');
      const description = `Hart ${r.hart} is stuck in a trap loop: ${what}, taken over and over at ${hex(r.pc)}${where}`;
      return {
        kind: 'stop', hart: r.hart, reason: 'exception', description: 'Paused on a trap loop', text: 'trap loop',
        exception: { filter: 'trap-loop', text: 'trap loop', description, details: { message: description, typeName: causeName(r.cause) } },
      };
    }
    case 'watchpoint': {
      let hits = ctx.data.match(r.address, r.watch);
      if (!hits.length) hits = ctx.data.match(r.address - 7n, r.watch).concat(ctx.data.match(r.address + 7n, r.watch));
      // the machine stops before the access; gdb reports a watchpoint after it (the new value in
      // memory, conditions tested on it, the pc past the accessing instruction): run it once
      if (hits.length) {
        ctx.host.willResume();
        await ctx.host.target.step(r.hart, { noInterrupts: true }).catch(() => undefined);
      }
      const ids: number[] = [];
      for (const d of hits) {
        const v = await judgeHit(ctx.host, d.settings, d.counter, r.hart);
        if (v.kind === 'log') ctx.host.output('console', v.text + '\n');
        else if (v.kind === 'error') { ctx.host.output('console', v.text + '\n'); ids.push(d.id); } else if (v.kind === 'stop') ids.push(d.id);
      }
      if (!ids.length && hits.length) return { kind: 'internal' };
      return { kind: 'stop', hart: r.hart, reason: 'data breakpoint', hitBreakpointIds: ids, description: `Paused on ${r.watch === 'write' ? 'a write to' : r.watch === 'read' ? 'a read of' : 'an access to'} ${hex(r.address)}` };
    }
    case 'breakpoint': return judgeBreakpoint(ctx, r.hart, r.pc);
  }
}

function fnText(ctx: StopContext, pc: bigint): string {
  const f = ctx.host.kernel.functionAt(pc);
  return f ? ` (${f.name}+${hex(f.offset)})` : '';
}

async function judgeBreakpoint(ctx: StopContext, hart: number, pc: bigint): Promise<Verdict> {
  const owners = [...ctx.table.at(pc)];
  let exception: Verdict | undefined;
  if (owners.includes(HOOK)) await moduleHook(ctx, hart, pc);
  if (owners.includes(SVECTOR)) exception = await supervisorTrap(ctx, hart);
  if (!exception && owners.includes(MVECTOR)) exception = await machineTrap(ctx, hart);
  if (!exception && owners.includes(PANIC)) exception = await panicStop(ctx, hart, pc);

  const ids: number[] = [];
  let reason: StopReason = 'breakpoint';
  for (const o of owners) {
    const id = idOfOwner(o);
    const bp = id === undefined ? undefined : ctx.user.get(id);
    if (!bp) continue;
    if (!(await countsHere(ctx, bp, pc, hart))) continue;
    const v = await judgeHit(ctx.host, bp.settings, bp.counter, hart);
    if (v.kind === 'skip') continue;
    if (v.kind === 'log') { ctx.host.output('console', v.text + '\n'); continue; }
    if (v.kind === 'error') ctx.host.output('console', v.text + '\n');
    ids.push(bp.id);
    reason = bp.kind === 'function' ? 'function breakpoint' : bp.kind === 'instruction' ? 'instruction breakpoint' : 'breakpoint';
  }
  if (exception?.kind === 'stop') return { ...exception, hitBreakpointIds: ids.length ? ids : undefined };
  if (ids.length) return { kind: 'stop', hart, reason, hitBreakpointIds: ids };
  return { kind: 'internal' };
}

/**
 * Whether a user breakpoint's hit at `pc` is one it asked for: an address in a program counts
 * only while the hart runs a process of that program (other programs have other code at the same
 * address), and of the attached process when a process filter is set. A first hit in a program
 * no process ran when it was set binds the breakpoint (the breakpoint event says so).
 */
async function countsHere(ctx: StopContext, bp: UserBreakpoint, pc: bigint, hart: number): Promise<boolean> {
  const locs = bp.locations.filter((l) => l.address === pc);
  if (!locs.length) return bp.kind === 'instruction' && bp.address === pc;
  if (locs.some((l) => l.symbols.kind !== 'program')) return true;
  const aw = ctx.host.awareness;
  const filter = ctx.processFilter();
  if (aw) {
    const task = await aw.taskOnHart(hart);
    if (!task) return true; // the kernel does not say which task runs: do not hide the hit
    if (filter && ((filter.pid !== undefined && task.pid !== filter.pid) || (filter.name !== undefined && task.name !== filter.name))) return false;
    const prog = await aw.program(task);
    const name = prog?.path ?? task.name;
    const loc = locs.find((l) => matchesProgram(l.symbols.name, name));
    if (!loc) return false;
    if (!loc.live) { await ctx.rebind(); }
    return true;
  }
  const satp = await readCsr(ctx.host.target, hart, CSR.satp);
  return locs.some((l) => l.symbols.satp === undefined || l.symbols.satp === satp);
}

/** A module came or went: the session loads or drops its symbols, then every breakpoint binds again. */
async function moduleHook(ctx: StopContext, hart: number, pc: bigint): Promise<void> {
  const aw = ctx.host.awareness;
  if (!aw) return;
  const ev = await aw.hookEvent(pc, hart);
  if (!ev?.module) return;
  try { await ctx.host.moduleChanged(ev.kind, ev.module); } catch (e) { ctx.host.output('stderr', `module ${ev.module.name}: ${(e as Error).message}\n`); }
  await ctx.rebind();
}

/**
 * At a watched trap vector: a page fault from S-mode (or an illegal instruction anywhere the
 * filter watches) stops; everything else (interrupts, system calls, user page faults) passes.
 * The stop undoes the trap (pc back to the faulting instruction, the privilege and interrupt
 * enable it had), so the faulting function is on top, as gdb shows a signal at the faulting
 * instruction; continuing takes the trap again, once, without stopping.
 */
async function supervisorTrap(ctx: StopContext, hart: number): Promise<Verdict | undefined> {
  const t = ctx.host.target;
  const cause = await readCsr(t, hart, CSR.scause);
  if (cause === undefined || isInterrupt(cause)) return undefined;
  const status = (await readCsr(t, hart, CSR.sstatus)) ?? 0n;
  const fromS = (status & (1n << 8n)) !== 0n;
  const filters = ctx.internal.enabled;
  const wanted = (isPageFault(cause) && fromS && filters.has('page-fault')) || (cause === 2n && filters.has('illegal-instruction'));
  if (!wanted) return undefined;
  if (isPageFault(cause) && fromS && ctx.host.awareness?.profile.id === 'linux') {
    // Linux handles its own S-mode faults on user addresses (demand paging under copy_to_user,
    // uaccess fixups): stopping at each would make the filter useless; a fault it cannot handle
    // ends in an oops (die), which the panic filter stops at
    const va = (await readCsr(t, hart, CSR.stval)) ?? 0n;
    if (((va >> 63n) & 1n) === 0n) return undefined;
  }
  const sepc = (await readCsr(t, hart, CSR.sepc)) ?? 0n;
  const pass = ctx.passTrap;
  if (pass && pass.hart === hart && pass.pc === sepc && pass.cause === cause) { ctx.passTrap = undefined; return undefined; }
  const stval = (await readCsr(t, hart, CSR.stval)) ?? 0n;
  // undo the trap: back to the faulting instruction in the mode it ran in
  try {
    await t.writeRegister(hart, REG_PC, sepc);
    await t.writeRegister(hart, REG_PRIV, fromS ? 1n : 0n);
    const spie = (status >> 5n) & 1n;
    await t.writeRegister(hart, 65 + CSR.sstatus, (status & ~2n) | (spie << 1n));
  } catch { /* a target that cannot: the stop stays at the vector */ }
  ctx.passTrap = { hart, pc: sepc, cause };
  const what = describeTrap(cause, stval, 'stval');
  const fn = await functionName(ctx, sepc, hart);
  const mode = fromS ? 'the kernel (S-mode)' : 'user mode';
  const description = `${what} in ${mode}, at pc ${hex(sepc)}${fn ? ` in ${fn}` : ''}`;
  const filter = isPageFault(cause) ? 'page-fault' as const : 'illegal-instruction' as const;
  const label = isPageFault(cause) ? 'page fault' : 'illegal instruction';
  return {
    kind: 'stop', hart, reason: 'exception', description: `Paused on ${label}`, text: causeName(cause),
    exception: { filter, text: causeName(cause), description, details: { message: description, typeName: causeName(cause), evaluateName: fn } },
  };
}

async function machineTrap(ctx: StopContext, hart: number): Promise<Verdict | undefined> {
  const t = ctx.host.target;
  const cause = await readCsr(t, hart, CSR.mcause);
  if (cause === undefined || isInterrupt(cause) || cause === 8n || cause === 9n) return undefined;
  const status = (await readCsr(t, hart, CSR.mstatus)) ?? 0n;
  const mpp = Number((status >> 11n) & 3n);
  if (mpp === 3) return undefined; // M-mode's own traps (a firmware's probe) are its business
  const mepc = (await readCsr(t, hart, CSR.mepc)) ?? 0n;
  const mtval = (await readCsr(t, hart, CSR.mtval)) ?? 0n;
  const what = describeTrap(cause, mtval, 'mtval');
  const fn = await functionName(ctx, mepc, hart);
  const description = `Unexpected trap into M-mode from ${mpp === 1 ? 'S-mode' : 'U-mode'}: ${what}, at pc ${hex(mepc)}${fn ? ` in ${fn}` : ''}`;
  return {
    kind: 'stop', hart, reason: 'exception', description: 'Paused on a trap into M-mode', text: causeName(cause),
    exception: { filter: 'm-mode-trap', text: causeName(cause), description, details: { message: description, typeName: causeName(cause) } },
  };
}

async function functionName(ctx: StopContext, pc: bigint, hart: number): Promise<string | undefined> {
  try {
    const s = await ctx.host.symbolsAt(pc, hart);
    const f = s?.file.functionAt(pc);
    if (!f) return undefined;
    return s!.kind === 'module' ? `${f.name} [${s!.name}]` : f.name;
  } catch { return undefined; }
}

/** At a panic function's entry: the message from its arguments (a0.. then the stack), read before it runs. */
async function panicStop(ctx: StopContext, hart: number, pc: bigint): Promise<Verdict | undefined> {
  const fn = ctx.internal.panicEntries.get(pc);
  if (!fn) return undefined;
  const t = ctx.host.target;
  const space = { kind: 'virtual' as const, hart };
  const readString = async (addr: bigint): Promise<string> => {
    let s = '';
    for (let off = 0n; off < 512n; off += 64n) {
      let b: Uint8Array;
      try { b = await t.readMemory(addr + off, 64, space); } catch { try { b = await t.readMemory(addr + off, 1, space); } catch { break; } }
      const z = b.indexOf(0);
      s += new TextDecoder('latin1').decode(z >= 0 ? b.subarray(0, z) : b);
      if (z >= 0) break;
    }
    return s;
  };
  let message = '';
  try {
    let argNo = fn.formatArg;
    const sp = await t.readRegister(hart, regX(2));
    let stackIdx = 0n;
    const fmtAddr = await t.readRegister(hart, regX(10 + argNo));
    argNo++;
    const nextArg = async (): Promise<bigint> => {
      if (argNo < 8) return t.readRegister(hart, regX(10 + argNo++));
      const b = await t.readMemory(sp + 8n * stackIdx++, 8, space);
      let v = 0n;
      for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
      return v;
    };
    const fmt = await readString(fmtAddr);
    message = fn.kind === 'string' ? fmt : await formatMessage(fmt, nextArg, readString);
  } catch (e) {
    message = `(the message could not be read: ${(e as Error).message})`;
  }
  const description = `Kernel panic: ${message}`;
  return {
    kind: 'stop', hart, reason: 'exception', description: 'Paused on kernel panic', text: message,
    exception: { filter: 'panic', text: message, description, details: { message, typeName: `kernel panic (${fn.name})` } },
  };
}
