// The Debug Console's host: a ConsoleContext (debug-adapter/console) over the runtime at this
// stop, for the thread and frame the evaluate request names (else the thread that stopped, at
// its innermost frame). Frames are the CALL STACK's (without the trap's label row), values go
// through symbols' value API in the selected frame, threads are named as our gdb stub names
// them to gdb (so `info threads` reads as gdb's), and `monitor` reaches the machine: the
// launched Machine's monitor commands in process (gdbstub/monitor, as gdb's qRcmd runs them),
// or qRcmd through the RSP client when attached.
import { REG_PC, type Target } from '../../emulator/target';
import { launchedMachineControl } from './machine-console';
import { KernelView } from '../../gdbstub/kernel-view';
import type { MonitorContext } from '../../gdbstub/monitor/types';
import { type ConsoleContext, type ConsoleFrame, type ConsoleObjfile, type ConsoleThread } from '../console';
import type { KernelRuntime } from './runtime';
import type { FrameInfo } from './stack';
import type { ThreadEntry } from './threads';
import { liveFrame } from './registers';
import { printText, scopeNodes } from './values';
import { ptypeText, whatisText } from './ptype';

/** Our gdb stub's thread id for a hart with no task (gdbstub/kernel-view.ts). */
const STUB_HART_TID_BASE = 0x800000;

const kernelViews = new WeakMap<KernelRuntime, KernelView>();
function kernelView(rt: KernelRuntime): KernelView {
  let v = kernelViews.get(rt);
  if (!v) { v = new KernelView(rt.target, rt.awareness, rt.awarenessOff, rt.kernelPath || undefined); kernelViews.set(rt, v); }
  return v;
}

/** The thread and frame a console line runs in. */
async function selection(rt: KernelRuntime, frameId: number | undefined): Promise<{ threadId?: number; frame?: FrameInfo }> {
  if (frameId !== undefined) {
    const f = rt.frame(frameId);
    if (f) return { threadId: f.threadId, frame: f.frame };
  }
  const threads = await rt.threads();
  const threadId = rt.stoppedThread ?? threads[0]?.id;
  if (threadId === undefined) return {};
  const frames = await rt.stack(threadId);
  return { threadId, frame: frames.find((f) => !f.label) };
}

function objfileName(f: FrameInfo): string | undefined {
  return f.symbols && f.symbols.kind !== 'kernel' ? f.symbols.name : undefined;
}

async function consoleFrames(rt: KernelRuntime, frames: FrameInfo[]): Promise<ConsoleFrame[]> {
  const real = frames.filter((f) => !f.label);
  return Promise.all(real.map(async (f, level): Promise<ConsoleFrame> => {
    const scope = await rt.scopeOf(f).catch(() => undefined);
    const named = async (which: 'arguments' | 'locals') => {
      if (!scope || !f.file) return undefined;
      return (await scopeNodes(scope))[which].map((n) => ({ name: n.name, value: n.value }));
    };
    return {
      level, pc: f.pc, function: f.function === '??' ? undefined : f.function, file: f.file, line: f.line, inlined: f.inlined,
      tailCall: f.machine.how === 'tail-call', cfa: scope?.frame?.cfa, objfile: objfileName(f),
      args: () => named('arguments'), locals: () => named('locals'),
    };
  }));
}

function stubThreadId(rt: KernelRuntime, t: ThreadEntry): number {
  if (t.task) return t.task.tid;
  return rt.awareness ? STUB_HART_TID_BASE + (t.hart ?? 0) : (t.hart ?? 0) + 1;
}

/** A MonitorContext for the launched machine: `go`/`stop` run and pause it through run control, so the views follow. */
function machineMonitor(rt: KernelRuntime, hart: number, run: ConsoleRunControl): MonitorContext | undefined {
  const m = rt.machine;
  if (!m) return undefined;
  // log and checkpoints too (the launch's checkpointDir); a load at a stop reports a new stop
  const control = launchedMachineControl(rt, run);
  // a reboot is the session's restart (fresh boot, breakpoints bound again, the views told)
  if (run.restart) control.reboot = run.restart;
  return {
    target: m, control, hart, kernel: kernelView(rt),
    isFreeRunning: () => m.state() === 'running',
    freeRun: async (on) => { if (on) await run.resume(); else await run.pause(); },
  };
}

/** How `monitor go/stop/reboot` run the machine: through run control and the session, so the views follow. */
export interface ConsoleRunControl { resume(): Promise<void>; pause(): Promise<void>; settled?(): Promise<void>; restart?(): Promise<void>; loaded?(name: string): Promise<void> }

/** A ConsoleContext for the frame `frameId` names (else the stopped thread's innermost frame). */
export async function consoleContext(rt: KernelRuntime, frameId: number | undefined, run?: ConsoleRunControl): Promise<ConsoleContext> {
  const running = rt.target.state() !== 'paused';
  const sel = running ? {} : await selection(rt, frameId);
  const stack = sel.threadId !== undefined ? await rt.stack(sel.threadId) : [];
  const real = stack.filter((f) => !f.label);
  const level = sel.frame ? Math.max(0, real.indexOf(sel.frame.label ? real[0] : sel.frame)) : 0;
  const selected = real[level];
  const hart = real[0]?.hart ?? (sel.threadId !== undefined ? (await rt.threads()).find((t) => t.id === sel.threadId)?.hart : undefined);
  const scope = selected ? await rt.scopeOf(selected) : undefined;
  const globals = await rt.globalScope(hart ?? 0);
  let frames: Promise<ConsoleFrame[]> | undefined;
  const target: Target = rt.target;
  const ctx: ConsoleContext = {
    target, hart, frameLevel: level, state: rt.consoleState,
    readMemory: (a, n) => (selected?.mem ?? rt.kernelReader(hart ?? 0)).readMemory(a, n),
    readRegister: async (regno, lvl) => {
      const f = real[lvl];
      if (f && !liveFrame(f)) {
        if (regno === REG_PC) return f.context.pc;
        if (regno < 32) return regno === 0 ? 0n : f.context.regs.get(regno);
        return f.hart === undefined && hart === undefined ? undefined : target.readRegister(hart ?? 0, regno).catch(() => undefined);
      }
      if (hart === undefined) return undefined;
      return target.readRegister(hart, regno).catch(() => undefined);
    },
    frames: () => (frames ??= consoleFrames(rt, real)),
    threads: async (): Promise<ConsoleThread[]> => {
      const ts = await rt.threads();
      const kv = kernelView(rt);
      const out: ConsoleThread[] = [];
      for (let i = 0; i < ts.length; i++) {
        const t = ts[i];
        const top = (await rt.stack(t.id)).find((f) => !f.label);
        const entry = { id: stubThreadId(rt, t), hart: t.hart, task: t.task };
        out.push({
          // gdb numbers threads in the order the stub lists them, as we list them
          id: i + 1, targetId: `Thread ${entry.id}`, name: kv.threadName(entry), extra: await kv.extraInfo(entry),
          current: t.id === sel.threadId, frame: top ? (await consoleFrames(rt, [top]))[0] : undefined,
        });
      }
      return out;
    },
    objfiles: () => {
      const out: ConsoleObjfile[] = [{ file: rt.kernel, path: rt.kernelPath, main: true }];
      for (const m of rt.registry.loadedModules()) if (m.symbols) out.push({ file: m.symbols.file, path: m.path ?? m.info.name, main: false });
      const prog = real.find((f) => f.symbols?.kind === 'program')?.symbols;
      if (prog) out.push({ file: prog.file, path: prog.name, main: false });
      return out;
    },
    print: async (expr, opts) => {
      const s = scope ?? globals;
      if (!s) return { ok: false, text: 'No symbol table is loaded.  Use the "file" command.' };
      return printText(s, expr, opts?.format);
    },
    typeOf: async (expr, how) => {
      const s = scope ?? globals;
      if (!s) return { ok: false, text: 'No symbol table is loaded.  Use the "file" command.' };
      const r = await s.file.typeOf(expr, s.frame, s.mem, s.readNamedRegister);
      if (!r.ok) return r;
      return { ok: true, text: `type = ${how === 'ptype' ? ptypeText(r.type) : whatisText(r.type, r.isType)}` };
    },
    // attached: `monitor` lines go to the stub (remoteMonitorLine) before the console sees them
    monitor: () => (rt.remote ? undefined : machineMonitor(rt, hart ?? 0, run ?? { resume: async () => undefined, pause: async () => undefined })),
  };
  return ctx;
}

/** `monitor ...` on an attached target: the stub's answer to qRcmd (undefined: not a monitor line). */
export async function remoteMonitorLine(rt: KernelRuntime, line: string): Promise<{ text: string; error: boolean } | undefined> {
  const m = /^(?:monitor|mon)(?:\s+([\s\S]*))?$/.exec(line.trim());
  if (!m || !rt.remote) return undefined;
  try {
    return { text: await rt.remote.monitor(m[1] ?? ''), error: false };
  } catch (e) {
    return { text: `monitor: ${(e as Error).message}`, error: true };
  }
}

