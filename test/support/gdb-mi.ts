// A small GDB/MI driver for tests and benches: spawns gdb-multiarch with the MI3 interpreter,
// sends each command with a numeric token and resolves it with its result record, collects
// the console/log stream output printed while the command ran, queues `*stopped` records for
// async waits, and always kills gdb on close(). Each output line goes through gdb-js's MI
// parser (the brief's choice: only its parser, never its GDB class), kept behind parseMiLine()
// in this one module so the parser can be swapped.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** One parsed MI output record. `token` is the numeric prefix of result/async records, if any. */
export interface MiRecord {
  type: 'result' | 'exec' | 'notify' | 'status' | 'console' | 'log' | 'target' | 'prompt';
  token?: number;
  /** Result class (done, running, connected, error, exit) or async class (stopped, running, ...). */
  state?: string;
  // MI values are nested tuples/lists of strings; tests index into them freely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
}

/** What a command produced: its result record plus the stream text printed while it ran. */
export interface MiResult {
  state: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
  console: string;
  log: string;
  /** Target output ('@' records, e.g. a stub's monitor output in some gdb versions). */
  target: string;
}

/** gdb answered ^error (message is gdb's own), or the session failed (timeout, gdb exited). */
export class MiError extends Error {
  constructor(readonly command: string, readonly gdbMessage: string, readonly transcript: string) {
    super(`gdb: ${command}: ${gdbMessage}`);
    this.name = 'MiError';
  }
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const gdbJs = require('gdb-js') as { _parseMI(line: string): { type: string; state?: string; data?: unknown } };

const TOKEN_RE = /^(\d+)(?=[\^*+=])/;

/** Parses one line of gdb's MI output (the only place that knows which parser is used). */
export function parseMiLine(line: string): MiRecord {
  const m = TOKEN_RE.exec(line);
  const body = m ? line.slice(m[1].length) : line;
  const r = gdbJs._parseMI(body);
  const rec: MiRecord = { type: r.type as MiRecord['type'], state: r.state, data: r.data };
  if (m) rec.token = Number(m[1]);
  return rec;
}

/** Quotes a string as an MI C-string argument. */
export function miQuote(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
}

export interface GdbMiOptions {
  /** ELF to load symbols from (gdb's positional file argument). */
  file?: string;
  /** Default per-command timeout (ms); generous by default for a noisy machine. */
  timeoutMs?: number;
  /** gdb binary; gdb-multiarch by default. */
  gdb?: string;
  cwd?: string;
}

interface Pending {
  token: number;
  command: string;
  console: string[];
  log: string[];
  target: string[];
  resolve(r: MiResult): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

interface StopWaiter {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  resolve(data: any): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

const live = new Set<ChildProcessWithoutNullStreams>();
process.on('exit', () => { for (const p of live) p.kill('SIGKILL'); });

export class GdbMi {
  private buf = '';
  private nextToken = 1;
  private current: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private stops: any[] = [];
  private stopWaiters: StopWaiter[] = [];
  private lines: string[] = [];
  private exited: string | undefined;
  private firstPrompt: Promise<void>;
  /** Every async record (exec/notify/status) in arrival order, for assertions and diagnostics. */
  readonly asyncRecords: MiRecord[] = [];
  private readonly timeoutMs: number;
  private readonly proc: ChildProcessWithoutNullStreams;

  private constructor(opts: GdbMiOptions) {
    this.timeoutMs = opts.timeoutMs ?? 30000;
    const args = ['--interpreter=mi3', '-nx', '-q'];
    if (opts.file) args.push(opts.file);
    this.proc = spawn(opts.gdb ?? 'gdb-multiarch', args, { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(this.proc);
    this.proc.stdout.setEncoding('utf8');
    this.proc.stderr.setEncoding('utf8');
    let promptSeen: () => void = () => undefined;
    this.firstPrompt = new Promise((res) => { promptSeen = res; });
    this.proc.stdout.on('data', (chunk: string) => {
      this.buf += chunk;
      for (let i; (i = this.buf.indexOf('\n')) >= 0;) {
        const line = this.buf.slice(0, i).replace(/\r$/, '');
        this.buf = this.buf.slice(i + 1);
        if (line.startsWith('(gdb)')) promptSeen();
        this.onLine(line);
      }
    });
    this.proc.stderr.on('data', (s: string) => this.remember(`[stderr] ${s}`));
    this.proc.on('error', (e) => this.onExit(`cannot run gdb: ${e.message}`));
    this.proc.on('exit', (code, sig) => this.onExit(`gdb exited (${sig ?? code})`));
  }

  /** Starts gdb, waits for its first prompt, and turns confirmations off. */
  static async start(opts: GdbMiOptions = {}): Promise<GdbMi> {
    const g = new GdbMi(opts);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        g.firstPrompt,
        new Promise((_, rej) => { timer = setTimeout(() => rej(new MiError('(start)', 'no prompt from gdb', g.transcript())), g.timeoutMs); }),
      ]);
      clearTimeout(timer);
      if (g.exited) throw new MiError('(start)', g.exited, g.transcript());
      await g.command('-gdb-set confirm off');
    } catch (e) {
      clearTimeout(timer);
      await g.close();
      throw e;
    }
    return g;
  }

  /** The last lines gdb printed, for error messages. */
  transcript(lines = 40): string {
    return this.lines.slice(-lines).join('\n');
  }

  /** Sends one MI command (or CLI command) and resolves with its result; rejects on ^error with gdb's message. */
  command(cmd: string, timeoutMs = this.timeoutMs): Promise<MiResult> {
    const run = (): Promise<MiResult> => new Promise<MiResult>((resolve, reject) => {
      if (this.exited) { reject(new MiError(cmd, this.exited, this.transcript())); return; }
      const token = this.nextToken++;
      const timer = setTimeout(() => {
        this.current = undefined;
        reject(new MiError(cmd, `no result after ${timeoutMs} ms`, this.transcript()));
      }, timeoutMs);
      this.current = { token, command: cmd, console: [], log: [], target: [], resolve, reject, timer };
      this.remember(`> ${token}${cmd}`);
      this.proc.stdin.write(`${token}${cmd}\n`);
    });
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Runs a CLI command through -interpreter-exec console and returns what it printed (console and target streams). */
  async console(cmd: string, timeoutMs?: number): Promise<string> {
    const r = await this.command(`-interpreter-exec console ${miQuote(cmd)}`, timeoutMs);
    return r.console + r.target;
  }

  /** Resolves with the data of the next `*stopped` record not yet consumed (possibly one already received). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  waitForStop(timeoutMs = this.timeoutMs): Promise<any> {
    if (this.stops.length) return Promise.resolve(this.stops.shift());
    if (this.exited) return Promise.reject(new MiError('(wait for *stopped)', this.exited, this.transcript()));
    return new Promise((resolve, reject) => {
      const w: StopWaiter = {
        resolve, reject,
        timer: setTimeout(() => {
          this.stopWaiters = this.stopWaiters.filter((x) => x !== w);
          reject(new MiError('(wait for *stopped)', `no stop after ${timeoutMs} ms`, this.transcript()));
        }, timeoutMs),
      };
      this.stopWaiters.push(w);
    });
  }

  /** Forgets `*stopped` records received but not yet waited for. */
  clearStops(): void {
    this.stops = [];
  }

  /** Asks gdb to exit, and kills it if it has not within a short grace period. Never throws. */
  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((res) => this.proc.once('exit', () => res()));
    try { this.proc.stdin.write('-gdb-exit\n'); } catch { /* already gone */ }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 2000);
    await gone;
    clearTimeout(timer);
  }

  private remember(line: string): void {
    this.lines.push(line);
    if (this.lines.length > 400) this.lines.splice(0, 200);
  }

  private onLine(line: string): void {
    if (line === '') return;
    this.remember(line);
    let rec: MiRecord;
    try { rec = parseMiLine(line); } catch { return; }
    const cur = this.current;
    switch (rec.type) {
      case 'console': cur?.console.push(String(rec.data)); break;
      case 'log': cur?.log.push(String(rec.data)); break;
      case 'target': cur?.target.push(String(rec.data)); break;
      case 'result':
        if (cur && (rec.token === undefined || rec.token === cur.token)) {
          this.current = undefined;
          clearTimeout(cur.timer);
          if (rec.state === 'error') {
            cur.reject(new MiError(cur.command, String(rec.data?.msg ?? 'error'), this.transcript()));
          } else {
            cur.resolve({ state: rec.state ?? '', data: rec.data, console: cur.console.join(''), log: cur.log.join(''), target: cur.target.join('') });
          }
        }
        break;
      case 'exec': case 'notify': case 'status':
        this.asyncRecords.push(rec);
        if (rec.type === 'exec' && rec.state === 'stopped') {
          const w = this.stopWaiters.shift();
          if (w) { clearTimeout(w.timer); w.resolve(rec.data); } else this.stops.push(rec.data);
        }
        break;
      default: break;
    }
  }

  private onExit(message: string): void {
    if (this.exited) return;
    this.exited = message;
    live.delete(this.proc);
    const cur = this.current;
    this.current = undefined;
    if (cur) { clearTimeout(cur.timer); cur.reject(new MiError(cur.command, message, this.transcript())); }
    for (const w of this.stopWaiters.splice(0)) { clearTimeout(w.timer); w.reject(new MiError('(wait for *stopped)', message, this.transcript())); }
  }
}
