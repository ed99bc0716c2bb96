// Stepping a kernel developer can trust (DAP next, stepIn, stepOut; statement or instruction).
//
// Policy:
// - Only the selected task is stepped. Inside a line the selected hart alone executes, one
//   instruction at a time with interrupts held off (Target.step noInterrupts), so a due timer
//   does not drag the step into the trap vector and the other harts stay where they are.
// - Over a call (next), out of a function (stepOut), over a system call, the whole machine runs
//   (other harts too: the kernel's locks and wakeups need them) to a temporary breakpoint at the
//   return address, which counts only in the same task (the same awareness task; without
//   awareness the same hart) and with the stack back at the caller's depth: a step never ends in
//   another task's code after a context switch, nor in a deeper recursion.
// - Statement steps follow gdb's rules: a step ends at the first instruction of a different line
//   (is_stmt row); a return or jump into the middle of a line finishes that line; next steps over
//   calls and over inlined calls made from the line; stepIn enters a called function and stops
//   after its prologue, and on `ecall` enters the kernel's trap handler (stvec); stepping over
//   the return to user mode (sret) lands in the user program's line, with its symbols.
// - stepOut returns to the caller frame's pc (found from the CFA); out of a trap handler (no
//   caller in its own code) it runs to the kernel's sret/mret in the same task and steps it.
import type { StopEvent, Target } from '../../emulator/target';
import { REG_PC, REG_PRIV, regCsr, regX } from '../../emulator/target';
import type { LineAt, RegisterSet } from '../../symbols';
import type { AddressTable } from './address-table';
import type { CodeSymbols, ControlHost } from './api';
import { instructionAt, type InsnInfo } from './instructions';
import type { InternalBreakpoints } from './internal-breakpoints';
import type { Verdict } from './stops';

export const TEMP = 'temp';

export interface StepEngine {
  host: ControlHost;
  target: Target;
  table: AddressTable;
  internal: InternalBreakpoints;
  pauseWanted(): boolean;
  judge(ev: StopEvent): Promise<Verdict>;
  /** Resumes the machine and resolves with its next stop. */
  resumeAndWait(): Promise<StopEvent>;
}

type StepStop = Verdict;

const stepStop = (hart: number): StepStop => ({ kind: 'stop', hart, reason: 'step' });
const pauseStop = (hart: number): StepStop => ({ kind: 'stop', hart, reason: 'pause' });
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Who runs on a hart: the awareness task (tid), or the hart itself without awareness. */
export interface TaskIdentity { hart: number; tid?: number }

export async function identity(e: StepEngine, hart: number): Promise<TaskIdentity> {
  const t = await e.host.awareness?.taskOnHart(hart).catch(() => undefined);
  return { hart, tid: t?.tid };
}

async function isSameTask(e: StepEngine, id: TaskIdentity, hart: number): Promise<boolean> {
  if (id.tid === undefined) return hart === id.hart;
  const t = await e.host.awareness?.taskOnHart(hart).catch(() => undefined);
  return t?.tid === id.tid;
}

const readReg = (e: StepEngine, hart: number, reg: number): Promise<bigint> => e.target.readRegister(hart, reg);

/** Where a hart is, as stepping sees it. */
interface Place {
  pc: bigint;
  priv: number;
  symbols?: CodeSymbols;
  line?: LineAt;
  /** Number of inlined frames at pc (0: in the real function). */
  depth: number;
  fnLo?: bigint;
}

class Locator {
  private last?: { symbols: CodeSymbols; lo: bigint; hi: bigint; priv: number };
  constructor(private readonly e: StepEngine, public hart: number) {}

  async at(pc?: bigint): Promise<Place> {
    const e = this.e, hart = this.hart;
    pc ??= await readReg(e, hart, REG_PC);
    const priv = Number(await readReg(e, hart, REG_PRIV).catch(() => 1n));
    let symbols: CodeSymbols | undefined;
    const l = this.last;
    if (l && l.priv === priv && pc >= l.lo && pc < l.hi) symbols = l.symbols;
    else {
      symbols = await e.host.symbolsAt(pc, hart).catch(() => undefined);
      const f = symbols?.file.functionAt(pc);
      this.last = symbols && f ? { symbols, lo: f.lo, hi: f.hi, priv } : undefined;
    }
    if (!symbols) return { pc, priv, depth: 0 };
    const line = symbols.file.lineAt(pc);
    const frames = symbols.file.inlineFrames(pc);
    return { pc, priv, symbols, line: line && line.line ? line : undefined, depth: Math.max(0, frames.length - 1), fnLo: symbols.file.functionAt(pc)?.lo };
  }
}

/** Where `break *FN` after the prologue lands for the function containing pc (pc itself when unknown). */
function afterPrologueAt(s: CodeSymbols, pc: bigint): bigint {
  try {
    const f = s.file.dwarf?.functionAt(pc);
    const sym = s.file.symbolizer;
    if (f && sym && f.lo === pc) return sym.skipPrologue(f.lo, f.hi, f.die.unit);
  } catch { /* no DWARF */ }
  return pc;
}

/** One instruction on `hart`, interrupts held off; a watchpoint or poweroff on the way is judged. */
async function oneInstruction(e: StepEngine, hart: number): Promise<{ ev: StopEvent; verdict?: StepStop }> {
  e.host.willResume();
  const ev = await e.target.step(hart, { noInterrupts: true });
  if (ev.reason.kind === 'step') return { ev };
  const v = await e.judge(ev);
  return { ev, verdict: v.kind === 'internal' ? undefined : v };
}

/**
 * Runs the machine until a temporary breakpoint at one of `addresses` is hit where `accept`
 * says so; any other stop is judged (a user breakpoint hit on the way ends the step there, as in
 * gdb). 'arrived' with the hart, or the verdict that ended the run.
 */
export async function runToTemporary(e: StepEngine, hart: number, addresses: bigint[], accept: (hart: number, pc: bigint) => Promise<boolean>): Promise<{ arrived: number } | { verdict: StepStop }> {
  const added: bigint[] = [];
  try {
    for (const a of addresses) if (!(await e.table.add(a, TEMP))) added.push(a);
    for (;;) {
      if (e.pauseWanted()) return { verdict: pauseStop(hart) };
      e.host.willResume();
      const ev = await e.resumeAndWait();
      const r = ev.reason;
      if (r.kind === 'breakpoint' && addresses.includes(r.pc) && await accept(r.hart, r.pc)) {
        // a user breakpoint at the same place is still a hit for it
        const v = await e.judge(ev);
        if (v.kind === 'stop' && v.reason !== 'pause') return { verdict: v };
        return { arrived: r.hart };
      }
      const v = await e.judge(ev);
      if (v.kind !== 'internal') return { verdict: v };
    }
  } finally {
    for (const a of added) await e.table.remove(a, TEMP);
  }
}

/** The privilege a trap return in M-mode (mstatus.MPP) or S-mode (sstatus.SPP) goes back to now. */
async function previousPrivilege(e: StepEngine, hart: number, machine: boolean): Promise<bigint | undefined> {
  const status = await e.target.readRegister(hart, regCsr(machine ? 0x300 : 0x100)).catch(() => undefined);
  if (status === undefined) return undefined;
  return machine ? (status >> 11n) & 3n : (status >> 8n) & 1n;
}

/** The privilege the trap return at `pc` on `hart` (sret or mret) goes back to now (undefined: not one). */
async function returnPrivilege(e: StepEngine, hart: number, pc: bigint): Promise<bigint | undefined> {
  const insn = await instructionAt(e.target, hart, pc);
  if (insn?.kind !== 'trap-return') return undefined;
  return previousPrivilege(e, hart, insn.word === 0x30200073);
}

/** Whether the trap return at `pc` on `hart` (sret or mret) goes back to user mode now. */
async function returnsToUser(e: StepEngine, hart: number, pc: bigint): Promise<boolean> {
  return (await returnPrivilege(e, hart, pc)) === 0n;
}

/** The privilege the trap being handled on `hart` came from (sstatus.SPP in S-mode, mstatus.MPP in M-mode). */
async function trapOrigin(e: StepEngine, hart: number): Promise<bigint | undefined> {
  const priv = await e.target.readRegister(hart, REG_PRIV).catch(() => undefined);
  if (priv !== 1n && priv !== 3n) return undefined;
  return previousPrivilege(e, hart, priv === 3n);
}

/**
 * Runs over a call or system call to its return address `ret` in the same task at the caller's
 * depth, or, when the task goes back to user mode first (a trap handler's call that never
 * returns: user_trap, usertrapret), to that trap return, which is then stepped: the task is in
 * its user program after it. A trap return to the kernel (an interrupt taken inside the call)
 * does not count.
 */
async function runOver(e: StepEngine, hart: number, task: TaskIdentity, ret: bigint, sp: bigint): Promise<{ arrived: number; toUser: boolean } | { verdict: StepStop }> {
  const returns = e.internal.trapReturns().filter((a) => a !== ret);
  const r = await runToTemporary(e, hart, [ret, ...returns], async (h, pc) => {
    if (!(await isSameTask(e, task, h))) return false;
    if (pc === ret && (await readReg(e, h, regX(2))) >= sp) return true;
    return pc !== ret && returnsToUser(e, h, pc);
  });
  if ('verdict' in r) return r;
  if ((await readReg(e, r.arrived, REG_PC)) === ret) return { arrived: r.arrived, toUser: false };
  const { verdict } = await oneInstruction(e, r.arrived);
  return verdict ? { verdict } : { arrived: r.arrived, toUser: true };
}

async function frames(e: StepEngine, s: CodeSymbols, hart: number) {
  const regs = new Map<number, bigint>();
  for (let i = 1; i < 32; i++) regs.set(i, await readReg(e, hart, regX(i)));
  regs.set(0, 0n);
  const start: RegisterSet = { pc: await readReg(e, hart, REG_PC), regs };
  const mem = {
    readMemory: async (addr: bigint, size: number) => {
      try { return await e.target.readMemory(addr, size, { kind: 'virtual', hart }); } catch { return undefined; }
    },
  };
  return s.file.frames(start, mem, { maxFrames: 2, pastMain: true });
}

/** Instruction granularity: stepIn is one instruction; next steps over a call or system call; stepOut is as for statements. */
export async function stepInstruction(e: StepEngine, hart: number, over: boolean): Promise<StepStop> {
  const pc = await readReg(e, hart, REG_PC);
  const insn = over ? await instructionAt(e.target, hart, pc) : undefined;
  if (insn && (insn.kind === 'call' || insn.kind === 'ecall')) {
    const task = await identity(e, hart);
    const sp = await readReg(e, hart, regX(2));
    const ret = pc + BigInt(insn.length);
    const r = await runOver(e, hart, task, ret, sp);
    return 'verdict' in r ? r.verdict : stepStop(r.arrived);
  }
  const { verdict } = await oneInstruction(e, hart);
  return verdict ?? stepStop(hart);
}

/** Statement step: `over` = next, otherwise stepIn. */
export async function stepStatement(e: StepEngine, hart: number, over: boolean): Promise<StepStop> {
  const loc = new Locator(e, hart);
  let here = await loc.at();
  if (!here.line) return stepInstruction(e, hart, over);
  const task = await identity(e, hart);
  let range = { lo: here.line.address, hi: here.line.end, file: here.line.file, line: here.line.line };
  let baseDepth = here.depth, baseFn = here.fnLo;
  let lineless = 0;
  for (let n = 1; ; n++) {
    if (e.pauseWanted()) return pauseStop(hart);
    if (n % 200 === 0) await tick();
    const pc = here.pc;
    const insn: InsnInfo | undefined = await instructionAt(e.target, hart, pc);
    const sp = insn && (insn.kind === 'call' || insn.kind === 'ecall' || insn.kind === 'jump') ? await readReg(e, hart, regX(2)) : 0n;
    const { ev, verdict } = await oneInstruction(e, hart);
    if (verdict) return verdict;
    let pcNow = ev.reason.kind === 'step' ? ev.reason.pc : await readReg(e, hart, REG_PC);
    let next = await loc.at(pcNow);

    const enteredFunction = insn?.kind === 'call'
      || (insn?.kind === 'jump' && next.symbols && next.fnLo === pcNow && next.fnLo !== here.fnLo);
    const trapped = insn?.kind === 'ecall' || next.priv > here.priv;
    if (enteredFunction || trapped) {
      if (!over && next.line) {
        if (trapped) return stepStop(hart); // in the trap handler
        const body = next.symbols ? afterPrologueAt(next.symbols, pcNow) : pcNow;
        if (body === pcNow) return stepStop(hart);
        const r = await runToTemporary(e, hart, [body], (h) => isSameTask(e, task, h));
        return 'verdict' in r ? r.verdict : stepStop(r.arrived);
      }
      // step over it: back where the call (or trap) returns to, in this task, at this depth
      const ret = insn?.kind === 'jump' ? await readReg(e, hart, regX(1)) : pc + BigInt(insn?.length ?? 4);
      const r = await runOver(e, hart, task, ret, sp);
      if ('verdict' in r) return r.verdict;
      if (r.arrived !== hart) { hart = r.arrived; loc.hart = hart; }
      pcNow = r.toUser ? await readReg(e, hart, REG_PC) : ret;
      next = await loc.at(pcNow);
      if (r.toUser) { /* back in the user program, in the middle of a line: finish it below */ }
      else if (insn?.kind === 'jump') { /* a tail call returned to our caller: finish its line below */ }
      else if (pcNow >= range.lo && pcNow < range.hi) { here = next; continue; }
    }
    if (pcNow >= range.lo && pcNow < range.hi) { here = next; continue; }
    if (!next.line) {
      // code without lines (a stub, start-up code): keep going until there are lines again
      if (++lineless > 100_000) return stepStop(hart);
      here = next;
      continue;
    }
    lineless = 0;
    const returned = insn?.kind === 'return' || insn?.kind === 'trap-return';
    // next: an inlined call made from this line is part of the line
    if (over && !returned && next.depth > baseDepth && next.fnLo === baseFn) { range = { ...range, lo: next.line.address, hi: next.line.end }; here = next; continue; }
    if (!returned && next.line.line === range.line && next.line.file === range.file && next.depth === baseDepth) {
      range = { ...range, lo: next.line.address, hi: next.line.end };
      here = next;
      continue;
    }
    if (pcNow === next.line.address) return stepStop(hart);
    // the middle of another line (back from a call or a trap, or a jump): finish that line
    range = { lo: next.line.address, hi: next.line.end, file: next.line.file, line: next.line.line };
    baseDepth = next.depth;
    baseFn = next.fnLo;
    here = next;
  }
}

/** stepOut: to the caller's pc (or out of the inlined call, or out of the trap handler). */
export async function stepOut(e: StepEngine, hart: number): Promise<StepStop> {
  const loc = new Locator(e, hart);
  const here = await loc.at();
  const task = await identity(e, hart);
  if (here.depth > 0 && here.symbols) {
    // leave the inlined call: step (over calls) until the inlined frame is gone
    const baseDepth = here.depth;
    let cur = here;
    for (let n = 1; ; n++) {
      if (e.pauseWanted()) return pauseStop(hart);
      if (n % 200 === 0) await tick();
      const v = await stepInstruction(e, hart, true);
      if (v.kind !== 'stop' || v.reason !== 'step') return v;
      const next = await loc.at();
      if (next.depth < baseDepth || next.fnLo !== cur.fnLo || next.priv !== cur.priv) return stepStop(hart);
      cur = next;
    }
  }
  const fr = here.symbols ? await frames(e, here.symbols, hart) : [];
  if (fr.length >= 2) {
    const ret = fr[1].pc;
    const cfa = fr[0].cfa ?? (await readReg(e, hart, regX(2)));
    const r = await runOver(e, hart, task, ret, cfa);
    return 'verdict' in r ? r.verdict : stepStop(r.arrived);
  }
  // a trap handler (or code without a caller): out through the kernel's sret/mret, in this task
  const returns = e.internal.trapReturns();
  if (!returns.length) return stepInstruction(e, hart, true);
  // the return of this trap, back to where it came from: a trap return of a nested trap (a timer
  // interrupt taken once the handler enables interrupts) goes elsewhere and does not count
  const origin = await trapOrigin(e, hart);
  const r = await runToTemporary(e, hart, returns, async (h, pc) =>
    (await isSameTask(e, task, h)) && (origin === undefined || (await returnPrivilege(e, h, pc)) === origin));
  if ('verdict' in r) return r.verdict;
  const { verdict } = await oneInstruction(e, r.arrived);
  return verdict ?? stepStop(r.arrived);
}
