// Custom requests the VS Code extension (extension/) sends besides DAP's own:
//   kwb/tasks    the kernel's tasks as the Tasks view shows them (pid, name, state, wait channel,
//                thread id) and the deadlock cycles among them; at a stop only
//   kwb/stats    machine state, retired instructions, virtual time and harts (the status bar)
//   kwb/monitor  one management-console line (gdbstub/monitor's commands: info, halt, reboot,
//                sysrq t, ps, regs, log, save, load, list, ...); its text is the answer. `stop` and
//                `go` pause and continue through run control so the editor sees the machine as it is.
// Registered by session.ts; nothing here knows the session's internals beyond these closures.
import { findDeadlocks, describeCycle } from '../awareness';
import { KernelView } from '../gdbstub/kernel-view';
import { runMonitorCommand } from '../gdbstub/monitor/commands';
import { SYSRQ_KEYS } from '../gdbstub/monitor/kernel-commands';
import type { MachineControl } from '../gdbstub/machine-control';
import type { RunControlApi } from './control/api';
import type { KernelRuntime } from './runtime/runtime';
import { RequestError } from './runtime/inspection';
import { launchedMachineControl } from './runtime/machine-console';

export interface ExtensionRequestHost {
  runtime(): KernelRuntime | undefined;
  control(): RunControlApi | undefined;
  /** The session's DAP restart (power-on reset, then start as configured). */
  restart(): Promise<unknown>;
  /** Ends the session (terminated event), as after the machine powered off. */
  end(): Promise<unknown>;
  /** A checkpoint was loaded into the stopped machine: the session reports the new stop. */
  checkpointLoaded?(name: string): Promise<void>;
}

export interface TaskRow {
  threadId: number;
  pid: number;
  name: string;
  state: string;
  stateText: string;
  hart?: number;
  parentPid?: number;
  waitChannel?: string;
  waitText?: string;
  waitReason?: string;
  blockedOnHolderPid?: number;
  kernelThread: boolean;
}

export interface TasksBody {
  /** False when kernel awareness is off (then `reason` says why and threads are harts). */
  awareness: boolean;
  reason?: string;
  tasks: TaskRow[];
  deadlocks: Array<{ pids: number[]; threadIds: number[]; text: string }>;
}

export interface StatsBody {
  state: 'running' | 'paused' | 'exited';
  harts: number;
  /** Retired instructions, all harts (a decimal string: it passes 2^53 on long runs). */
  instructions?: string;
  /** The CLINT's mtime and its frequency, when the target offers virtual time. */
  mtime?: string;
  frequencyHz?: number;
  /** Serial input typed ahead that the guest has not read yet (a launched machine). */
  inputPending?: number;
}

type Handler = (args: any) => Promise<unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any

const hex = (v: bigint): string => `0x${v.toString(16)}`;

export function extensionRequests(host: ExtensionRequestHost): Record<string, Handler> {
  const views = new WeakMap<KernelRuntime, KernelView>();
  const need = (): KernelRuntime => {
    const rt = host.runtime();
    if (!rt) throw new RequestError('no kernel is being debugged yet (launch or attach first)');
    return rt;
  };
  // log, and checkpoints in the launch's checkpointDir, besides gdbstub's machine control
  const controlOf = (rt: KernelRuntime): MachineControl => launchedMachineControl(rt, {
    pause: async () => { await host.control()?.pause(); },
    settled: async () => { await host.control()?.settled(); },
    resume: async () => { await host.control()?.continue(); },
    loaded: async (name) => { await host.checkpointLoaded?.(name); },
  });

  const waitPaused = async (rt: KernelRuntime): Promise<void> => {
    for (let i = 0; i < 200 && rt.target.state() === 'running'; i++) await new Promise((r) => setTimeout(r, 10));
  };

  return {
    'kwb/tasks': async (): Promise<TasksBody> => {
      const rt = need();
      if (rt.target.state() !== 'paused') throw new RequestError('kwb/tasks: the machine is running (tasks are read at a stop)');
      if (!rt.awareness) return { awareness: false, reason: rt.awarenessOff ?? 'kernel awareness is off', tasks: [], deadlocks: [] };
      const entries = (await rt.threads()).filter((e) => e.task);
      const tasks: TaskRow[] = entries.map((e) => {
        const t = e.task!;
        return {
          threadId: e.id, pid: t.pid, name: t.name, state: t.state, stateText: t.stateText, hart: t.hart, parentPid: t.parentPid,
          waitChannel: t.waitChannel !== undefined ? hex(t.waitChannel) : undefined, waitText: t.waitText, waitReason: t.waitReason,
          blockedOnHolderPid: t.blockedOn?.holderPid, kernelThread: t.kernelThread,
        };
      });
      const deadlocks = findDeadlocks(entries.map((e) => e.task!)).map((c) => ({
        pids: c.tasks.map((t) => t.pid), threadIds: c.tasks.map((t) => t.tid), text: describeCycle(c),
      }));
      return { awareness: true, tasks, deadlocks };
    },

    'kwb/stats': async (): Promise<StatsBody> => {
      const rt = need();
      const state = rt.target.state() as StatsBody['state'];
      const body: StatsBody = { state, harts: rt.target.features.harts };
      if (rt.machine) {
        body.instructions = String(rt.machine.retired());
        body.mtime = String(rt.machine.mtime());
        body.frequencyHz = 10_000_000;
        body.inputPending = rt.machine.inputPending();
      } else if (state === 'paused') {
        body.instructions = String(await rt.target.instructionCount().catch(() => 0n));
      }
      return body;
    },

    'kwb/monitor': async (a): Promise<{ text: string }> => {
      const rt = need();
      if (typeof a?.command !== 'string') throw new RequestError('kwb/monitor: "command" must be a string (a monitor command line)');
      const words = a.command.trim().split(/\s+/).filter(Boolean);
      const control = host.control();
      // SysRq b and o are the machine's reboot and power-off (the session's own paths below)
      const sysrqMachine = words[0] === 'sysrq' && words.length === 2 && (words[1] === 'b' || words[1] === 'o') && rt.machine;
      if (sysrqMachine) words.splice(0, 2, words[1] === 'b' ? 'reboot' : 'halt');
      if (words[0] === 'reboot' && words.length === 1 && rt.machine) {
        if (rt.target.state() === 'running') { await control?.pause(); await waitPaused(rt); }
        await host.restart();
        return { text: `${sysrqMachine ? 'SysRq : Resetting\n' : ''}machine reset (power-on state), started again as configured\n` };
      }
      if (words[0] === 'halt' && words.length === 1 && rt.machine) {
        // run control reports a power-off only while it runs the machine: end the session here
        await controlOf(rt).halt!(0);
        setImmediate(() => { void host.end(); });
        return { text: `${sysrqMachine ? 'SysRq : Power Off\n' : ''}machine halted; the session ends\n` };
      }
      let view = views.get(rt);
      if (!view) { view = new KernelView(rt.target, rt.awareness, rt.awarenessOff, rt.kernelPath || undefined); views.set(rt, view); }
      // awareness commands read memory: only at a stop
      const paused = rt.target.state() === 'paused';
      // (a SysRq key the guest answers itself goes to the running guest: that is when it answers)
      const guestKey = words[0] === 'sysrq' && SYSRQ_KEYS.some((k) => k.key === words[1] && k.by === 'guest');
      if (!paused && ['ps', 'sysrq', 'deadlock', 'modules', 'regs', 'pagetable', 'harts'].includes(words[0] ?? '') && !(words[0] === 'sysrq' && words.length !== 2) && !guestKey) {
        return { text: `${words[0]}: the machine is running; pause it first (it reads the guest's memory at a stop)\n` };
      }
      const text = await runMonitorCommand(a.command, {
        target: rt.target, control: controlOf(rt), hart: 0, kernel: view,
        // stop and go move the machine through run control, so the editor sees it (no gdb to hide it from)
        freeRun: async (run) => { if (run) await control?.continue(); else await control?.pause(); }, isFreeRunning: () => false,
      });
      return { text };
    },
  };
}
