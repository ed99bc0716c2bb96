// The management console's commands in the Command Palette and the views' title bars, as the
// monitor command lines they send to the adapter (`kwb/monitor`), and how a reply is read: a
// command this machine does not have yet (the console grows with issue 16) gives a message
// saying so, never an error dialog. Pure: no vscode.

export interface MachineCommand {
  /** The VS Code command id. */
  id: string;
  title: string;
  /** The monitor line, or undefined when the command asks first (sysrq's key). */
  monitor?: string;
  /** Ask before running it (it ends or resets the machine). */
  confirm?: string;
}

export const MACHINE_COMMANDS: readonly MachineCommand[] = [
  { id: 'kernelWorkbench.stop', title: 'Stop the Guest (pause)', monitor: 'stop' },
  { id: 'kernelWorkbench.go', title: 'Go (let the guest run)', monitor: 'go' },
  { id: 'kernelWorkbench.halt', title: 'Halt (power the machine off)', monitor: 'halt', confirm: 'Power the machine off? The debug session ends.' },
  { id: 'kernelWorkbench.reboot', title: 'Reboot (reset the machine)', monitor: 'reboot', confirm: 'Reset the machine to its power-on state?' },
  { id: 'kernelWorkbench.sysrq', title: 'SysRq…' },
  { id: 'kernelWorkbench.info', title: 'Machine Info', monitor: 'info' },
];

/** The magic SysRq keys the machine answers (gdbstub/monitor/kernel-commands.ts has the same
 *  list; a test keeps them equal). `confirm` asks first: the key ends or resets the machine. */
export const SYSRQ_KEYS: ReadonlyArray<{ key: string; description: string; confirm?: string }> = [
  { key: 't', description: 'every task with its backtrace (kernel into user frames)' },
  { key: 'l', description: 'a backtrace of the task running on each hart' },
  { key: 'w', description: 'blocked tasks with their backtraces' },
  { key: 'p', description: 'the registers of each hart' },
  { key: 'm', description: 'memory use, as the guest reports it (on the serial terminal)' },
  { key: 'c', description: 'crash the guest kernel on purpose', confirm: 'SysRq c makes the guest kernel panic. Crash it?' },
  { key: 'b', description: 'reboot at once', confirm: 'SysRq b resets the machine at once. Reboot?' },
  { key: 'o', description: 'power off at once', confirm: 'SysRq o powers the machine off and ends the session. Power off?' },
];

export function monitorLine(commandId: string, sysrqKey?: string): string | undefined {
  const c = MACHINE_COMMANDS.find((x) => x.id === commandId);
  if (!c) return undefined;
  if (c.id === 'kernelWorkbench.sysrq') {
    if (!sysrqKey || !/^[0-9a-z]$/i.test(sysrqKey)) return undefined;
    return `sysrq ${sysrqKey}`;
  }
  return c.monitor;
}

export type Reply =
  | { kind: 'ok'; text: string }
  | { kind: 'unsupported'; message: string }
  | { kind: 'error'; message: string };

/** Reads the monitor's answer to `line` (or the request's error text). */
export function readReply(line: string, answer: { text?: string; error?: string }): Reply {
  const word = line.trim().split(/\s+/)[0] ?? '';
  if (answer.error !== undefined) {
    if (/unsupported request 'kwb\/monitor'/.test(answer.error)) return { kind: 'unsupported', message: `This debug adapter has no management console yet, so \`${line}\` cannot run.` };
    return { kind: 'error', message: answer.error };
  }
  const text = answer.text ?? '';
  if (/^unknown monitor command /.test(text)) return { kind: 'unsupported', message: `The machine does not support \`${word}\` yet.` };
  const usage = new RegExp(`^${word}: usage: `).exec(text);
  if (usage) return { kind: 'unsupported', message: `The machine does not support \`${line.trim()}\` yet (${text.trim().replace(/^\w+: /, '')}).` };
  return { kind: 'ok', text };
}
