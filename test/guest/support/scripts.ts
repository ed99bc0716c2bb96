// The scripted console sessions the acceptance tests run, as data, so the same script runs on
// QEMU and on our Machine and the two transcripts can be compared (transcript.ts).
// A step types `send` (Enter is added) or raw bytes, then waits for `until` (default: the
// next shell prompt).
import { ConsoleSession, PROMPT, type TranscriptStep } from './console-session';
import type { ConsolePort } from './console-port';

export interface ScriptStep {
  label: string;
  /** A command line; Enter (CR) is added. A function gets the transcript so far (to use a pid). */
  send?: string | ((done: TranscriptStep[]) => string);
  /** Bytes typed as they are (control keys). */
  raw?: string;
  until?: string | RegExp;
  timeoutMs?: number;
  /** Output lines may come in any order (several harts print at once). */
  unordered?: boolean;
  /** Lines whose content depends on timing; compared as a placeholder (see transcript.ts). */
  mask?: RegExp[];
}

/**
 * The shell's own line in a task list: whether the shell is still running, preempted
 * (runnable) or already asleep when ps or Ctrl-P looks depends on timer ticks.
 */
export const SHELL_TASK_LINE = /^\s+2\s+1\s+(running|runnable|sleeping)\s+sh\b.*$/;

export const CTRL_P = '\x10';
/** The last line of the kernel's task list (Ctrl-P). */
export const TASK_LIST_END = /\((\d+) tasks, (\d+) pages free\)\r?\n/;
export const CTRL_U = '\x15';
export const BACKSPACE = '\x7f';

export const BOOT: ScriptStep = { label: 'boot', until: PROMPT, unordered: true, timeoutMs: 60_000 };

export const BASICS: ScriptStep[] = [
  BOOT,
  { label: 'hello', send: 'hello world 42' },
  { label: 'ls', send: 'ls' },
  { label: 'cat', send: 'cat motd' },
  { label: 'ps', send: 'ps', mask: [SHELL_TASK_LINE] },
  { label: 'forktest', send: 'forktest' },
  { label: 'sequence', send: 'hello one; hello two' },
  { label: 'editing', raw: `hellx${BACKSPACE}o${CTRL_U}hello edited\r` },
  { label: 'disk', send: 'disk' },
  { label: 'missing', send: 'nosuchprogram' },
];

/** The pid the shell printed for a background job ("[N] name") in the step with this label. */
export function backgroundPid(steps: TranscriptStep[], label: string): string {
  const m = /^\[(\d+)\] /m.exec(stepOutput(steps, label));
  if (!m) throw new Error(`step ${label} started no background job`);
  return m[1];
}

/** Preemption and kill: a task that never gives up the hart, and the shell still answers. */
export const PREEMPTION: ScriptStep[] = [
  BOOT,
  { label: 'spin in background', send: 'spin &' },
  { label: 'shell still answers', send: 'hello' },
  { label: 'ps with spinner', send: 'ps', mask: [SHELL_TASK_LINE] },
  { label: 'kill spinner', send: (done) => `kill ${backgroundPid(done, 'spin in background')}` },
  { label: 'ps after kill', send: 'ps', mask: [SHELL_TASK_LINE] },
  { label: 'uptime', send: 'uptime' },
];

/** Free memory before and after work that must give back everything it takes. */
export const LEAKS: ScriptStep[] = [
  BOOT,
  { label: 'warm up', send: 'forktest; insmod hello.ko; rmmod hello; hello' },
  { label: 'count before', raw: CTRL_P, until: TASK_LIST_END, mask: [SHELL_TASK_LINE] },
  { label: 'work', send: 'forktest; forktest; insmod hello.ko; rmmod hello; insmod relocs.ko; rmmod relocs; ls; cat motd; disk' },
  { label: 'count after', raw: CTRL_P, until: TASK_LIST_END, mask: [SHELL_TASK_LINE] },
];

/** Mistakes a user can make, each answered with a clear message (and no crash). */
export const MISTAKES: ScriptStep[] = [
  BOOT,
  { label: 'exec a module', send: 'hello.ko' },
  { label: 'exec a text', send: 'motd' },
  { label: 'insmod a program', send: 'insmod hello' },
  { label: 'insmod missing', send: 'insmod nosuch.ko' },
  { label: 'insmod twice 1', send: 'insmod hello.ko' },
  { label: 'insmod twice 2', send: 'insmod hello.ko' },
  { label: 'rmmod missing', send: 'rmmod nosuch' },
  { label: 'cat missing', send: 'cat nosuch' },
  { label: 'usage', send: 'insmod' },
  { label: 'empty commands', send: ' ; ;; ' },
  { label: 'kill missing', send: 'kill 999' },
  { label: 'kill init', send: 'kill 1' },
  { label: 'still fine', send: 'hello' },
];

export const MODULES: ScriptStep[] = [
  BOOT,
  { label: 'insmod hello', send: 'insmod hello.ko' },
  { label: 'lsmod 1', send: 'lsmod' },
  { label: 'rmmod hello', send: 'rmmod hello' },
  { label: 'insmod hello again', send: 'insmod hello.ko' },
  { label: 'lsmod 2', send: 'lsmod' },
  { label: 'insmod relocs', send: 'insmod relocs.ko' },
  { label: 'insmod fortune', send: 'insmod fortune.ko' },
  { label: 'cat fortune', send: 'cat fortune' },
  { label: 'rmmod fortune', send: 'rmmod fortune' },
  { label: 'cat fortune gone', send: 'cat fortune' },
];

export const DEADLOCK: ScriptStep[] = [
  BOOT,
  { label: 'deadlock', send: 'deadlock' },
  { label: 'ps', send: 'ps', mask: [SHELL_TASK_LINE] },
  { label: 'task-list key', raw: CTRL_P, until: TASK_LIST_END, mask: [SHELL_TASK_LINE] },
  { label: 'still usable', send: 'hello' },
];

export const CRASH: ScriptStep[] = [
  BOOT,
  { label: 'crash', send: 'crash', until: 'system halted' },
];

export const BUGGY: ScriptStep[] = [
  BOOT,
  { label: 'insmod buggy', send: 'insmod buggy.ko' },
  { label: 'cat buggy', send: 'cat buggy', until: 'system halted' },
];

/** Runs a script on a port; always closes the port. Returns the transcript. */
export async function runScript(port: ConsolePort, script: ScriptStep[]): Promise<TranscriptStep[]> {
  const session = new ConsoleSession(port);
  try {
    for (const step of script) {
      const until = step.until ?? PROMPT;
      if (step.send !== undefined) {
        const line = typeof step.send === 'function' ? step.send(session.steps) : step.send;
        await session.run(step.label, line + '\r', until, step.timeoutMs);
      }
      else if (step.raw !== undefined) await session.run(step.label, step.raw, until, step.timeoutMs);
      else await session.expect(step.label, until, step.timeoutMs);
    }
    return session.steps;
  } finally {
    await session.close();
  }
}

/** The output of the step with this label (throws if there is none). */
export function stepOutput(steps: TranscriptStep[], label: string): string {
  const s = steps.find((x) => x.label === label);
  if (!s) throw new Error(`no step ${label} in the transcript`);
  return s.output.replace(/\r/g, '');
}
