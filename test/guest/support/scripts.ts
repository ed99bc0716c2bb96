// The scripted console sessions the acceptance tests run, as data, so the same script runs on
// QEMU and on our Machine and the two transcripts can be compared (transcript.ts).
// A step types `send` (Enter is added) or raw bytes, then waits for `until` (default: the
// next shell prompt).
import { ConsoleSession, PROMPT, type TranscriptStep } from './console-session';
import type { ConsolePort } from './console-port';

export interface ScriptStep {
  label: string;
  /** A command line; Enter (CR) is added. */
  send?: string;
  /** Bytes typed as they are (control keys). */
  raw?: string;
  until?: string | RegExp;
  timeoutMs?: number;
  /** Output lines may come in any order (several harts print at once). */
  unordered?: boolean;
}

export const CTRL_P = '\x10';
export const CTRL_U = '\x15';
export const BACKSPACE = '\x7f';

export const BOOT: ScriptStep = { label: 'boot', until: PROMPT, unordered: true, timeoutMs: 60_000 };

export const BASICS: ScriptStep[] = [
  BOOT,
  { label: 'hello', send: 'hello world 42' },
  { label: 'ls', send: 'ls' },
  { label: 'cat', send: 'cat motd' },
  { label: 'ps', send: 'ps' },
  { label: 'forktest', send: 'forktest' },
  { label: 'sequence', send: 'hello one; hello two' },
  { label: 'editing', raw: `hellx${BACKSPACE}o${CTRL_U}hello edited\r` },
  { label: 'disk', send: 'disk' },
  { label: 'missing', send: 'nosuchprogram' },
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
  { label: 'ps', send: 'ps' },
  { label: 'task-list key', raw: CTRL_P, until: /\(\d+ tasks\)\r?\n/ },
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
      if (step.send !== undefined) await session.run(step.label, step.send + '\r', until, step.timeoutMs);
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
