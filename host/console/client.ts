// A control-socket client (kwb ctl, tests): sends command lines, reads one reply per line.
// Errors say what is at the path: nothing, not a socket, a socket nobody listens on.
import { lstatSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { decodeReply, type ConsoleReply } from './protocol';

export class ConsoleClientError extends Error {
  constructor(message: string) { super(message); this.name = 'ConsoleClientError'; }
}

export class ConsoleClient {
  private buf = '';
  private readonly waiting: Array<{ resolve: (r: ConsoleReply) => void; reject: (e: Error) => void }> = [];
  private ended: Error | undefined;

  private constructor(private readonly sock: Socket, private readonly path: string) {
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      this.buf += d;
      for (let nl = this.buf.indexOf('\n'); nl >= 0; nl = this.buf.indexOf('\n')) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        const w = this.waiting.shift();
        if (!w) continue;
        try { w.resolve(decodeReply(line)); } catch (e) { w.reject(new ConsoleClientError(`${path}: ${(e as Error).message}`)); }
      }
    });
    const fail = (e: Error) => {
      this.ended ??= e;
      for (const w of this.waiting.splice(0)) w.reject(this.ended);
    };
    sock.on('error', (e: NodeJS.ErrnoException) => fail(new ConsoleClientError(`${path}: ${e.code ?? e.message}`)));
    sock.on('close', () => fail(new ConsoleClientError(`${path}: the machine closed the console connection`)));
  }

  static connect(path: string): Promise<ConsoleClient> {
    let st;
    try { st = lstatSync(path); } catch { return Promise.reject(new ConsoleClientError(`${path}: no such file (is the machine running with --console-socket ${path}?)`)); }
    if (!st.isSocket()) return Promise.reject(new ConsoleClientError(`${path}: not a socket`));
    return new Promise((resolve, reject) => {
      const sock = connect(path);
      sock.once('connect', () => resolve(new ConsoleClient(sock, path)));
      sock.once('error', (e: NodeJS.ErrnoException) => {
        const why = e.code === 'ECONNREFUSED' ? 'nothing listens on this socket (the machine has ended?)' : e.code === 'EACCES' ? 'permission denied' : (e.code ?? e.message);
        reject(new ConsoleClientError(`${path}: ${why}`));
      });
    });
  }

  /** Sends one command line (no newlines in it) and resolves with its reply. */
  request(line: string): Promise<ConsoleReply> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.sock.write(line + '\n');
    });
  }

  /** Sends raw bytes (tests: garbage, partial lines). */
  writeRaw(bytes: Uint8Array | string): void { this.sock.write(bytes); }

  /** Waits for the next reply without sending anything (after writeRaw). */
  nextReply(): Promise<ConsoleReply> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  close(): void { this.sock.end(); }
}

/** One command on a fresh connection (kwb ctl). */
export async function consoleRequest(path: string, line: string): Promise<ConsoleReply> {
  const c = await ConsoleClient.connect(path);
  try { return await c.request(line); } finally { c.close(); }
}
