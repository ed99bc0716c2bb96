// kwb as a process with its control socket, for the console tests: bundled once per run (as
// kwb.test.ts does), started on the teaching kernel with --console-socket, its serial output
// collected, text awaited (with a generous limit so a broken run fails instead of hanging), and
// `kwb ctl` run as its own process.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { CACHE_DIR, REPO_ROOT } from '../../support/toolchain';

export const KWB = join(CACHE_DIR, 'kwb-console-under-test.js');
let bundled = false;

export function bundleKwb(): string {
  if (!bundled) {
    buildSync({ entryPoints: [join(REPO_ROOT, 'cli', 'main.ts')], outfile: KWB, bundle: true, platform: 'node', format: 'cjs', logLevel: 'error' });
    bundled = true;
  }
  return KWB;
}

export interface ProcResult { status: number | null; out: string; err: string }

/** Runs `kwb ARGS` to its end. */
export function kwb(args: string[]): Promise<ProcResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [KWB, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (status) => resolve({ status, out, err }));
  });
}

export class KwbProcess {
  out = '';
  err = '';
  readonly exited: Promise<number | null>;
  private readonly proc: ChildProcessWithoutNullStreams;

  constructor(args: string[]) {
    this.proc = spawn(process.execPath, [KWB, 'run', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (d) => { this.out += d; });
    this.proc.stderr.on('data', (d) => { this.err += d; });
    this.exited = new Promise((r) => this.proc.on('exit', (code) => r(code)));
  }

  type(text: string): void { this.proc.stdin.write(text); }

  /** Resolves with the match of `re` in the output after `from` (default: all of it). */
  async waitFor(re: RegExp, from = 0, limitMs = 60_000): Promise<RegExpExecArray> {
    const end = Date.now() + limitMs;
    for (;;) {
      const m = re.exec(this.out.slice(from));
      if (m) return m;
      if (Date.now() > end) throw new Error(`no ${re} in kwb's output after ${limitMs} ms:\n${this.out.slice(from).slice(-3000)}\nstderr: ${this.err}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async waitForErr(re: RegExp, limitMs = 60_000): Promise<RegExpExecArray> {
    const end = Date.now() + limitMs;
    for (;;) {
      const m = re.exec(this.err);
      if (m) return m;
      if (Date.now() > end) throw new Error(`no ${re} in kwb's stderr: ${this.err}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  kill(): void { if (this.proc.exitCode === null) this.proc.kill('SIGKILL'); }
}

/** Function names of a teaching-kernel backtrace (`  #1 0x80003c92 sleep_on+0x4e`). */
export function guestFrames(block: string): string[] {
  return [...block.matchAll(/^\s*#\d+ 0x[0-9a-f]+ (\S+?)\+0x[0-9a-f]+/gm)].map((m) => m[1]);
}
