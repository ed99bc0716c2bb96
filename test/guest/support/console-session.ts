// A scripted console session: wait for text (with a timeout), type a line, and keep a transcript
// of what each step printed. Works over any ConsolePort (QEMU or our Machine).
import type { ConsolePort } from './console-port';

/** The shell's prompt, as it appears at the start of a line. */
export const PROMPT = '\n$ ';

export class SessionTimeout extends Error {
  constructor(readonly machine: string, readonly waitedFor: string, readonly seen: string) {
    super(`${machine}: no ${JSON.stringify(waitedFor)} in time; the console's last output:\n${seen.slice(-1500)}`);
    this.name = 'SessionTimeout';
  }
}

export interface TranscriptStep {
  label: string;
  /** What was typed (empty for steps that only wait). */
  input: string;
  /** Everything printed from the moment of typing to the end of the awaited text. */
  output: string;
}

export class ConsoleSession {
  readonly steps: TranscriptStep[] = [];
  private output = '';
  private cursor = 0;
  private wake: (() => void) | undefined;

  constructor(readonly port: ConsolePort, readonly defaultTimeoutMs = 30_000) {
    port.onOutput((text) => {
      this.output += text;
      this.wake?.();
    });
  }

  /** Everything the console has printed so far. */
  get all(): string {
    return this.output;
  }

  /** Waits until `pattern` appears after the cursor; returns the text up to its end and moves past it. */
  async waitFor(pattern: string | RegExp, timeoutMs = this.defaultTimeoutMs): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.output.slice(this.cursor);
      const end = matchEnd(rest, pattern);
      if (end >= 0) {
        this.cursor += end;
        return rest.slice(0, end);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new SessionTimeout(this.port.description, String(pattern), this.output);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.wake = () => { clearTimeout(timer); resolve(); };
      });
      this.wake = undefined;
    }
  }

  /** Types raw text (no Enter added). */
  type(text: string): void {
    this.port.write(text);
  }

  /** Types `line` and Enter, waits for `until` (the next prompt by default), records the step. */
  async run(label: string, line: string, until: string | RegExp = PROMPT, timeoutMs?: number): Promise<string> {
    this.type(line);
    const out = await this.waitFor(until, timeoutMs);
    this.steps.push({ label, input: line, output: out });
    return out;
  }

  /** Waits for `until` without typing, and records it as a step. */
  async expect(label: string, until: string | RegExp, timeoutMs?: number): Promise<string> {
    const out = await this.waitFor(until, timeoutMs);
    this.steps.push({ label, input: '', output: out });
    return out;
  }

  async close(): Promise<void> {
    await this.port.close();
  }
}

function matchEnd(text: string, pattern: string | RegExp): number {
  if (typeof pattern === 'string') {
    const i = text.indexOf(pattern);
    return i < 0 ? -1 : i + pattern.length;
  }
  const m = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(text);
  return m ? m.index + m[0].length : -1;
}
