// The control socket: a Unix socket (mode 0600: only its owner may connect) serving the
// management console's line protocol (protocol.ts) to any number of clients at once. Each line
// runs the monitor command table (gdbstub/monitor) over the MonitorContext the caller gives;
// commands from all clients run one at a time, in the order their lines arrived, so two
// clients' `stop` and `go` never interleave. A line that is too long, not UTF-8 or holds control
// characters gets an error reply (too long: and the connection is closed); the machine never
// sees it.
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { executeMonitorCommand } from '../../gdbstub/monitor/commands';
import type { MonitorContext } from '../../gdbstub/monitor/types';
import { decodeRequest, encodeReply, MAX_LINE_BYTES, type ConsoleReply } from './protocol';

export class ConsoleServerError extends Error {
  constructor(message: string) { super(message); this.name = 'ConsoleServerError'; }
}

export interface ConsoleServerOptions {
  path: string;
  /** The context for one command (built per command: the machine's state may have changed). */
  context(): MonitorContext;
  /** Called before each command (e.g. to drop cached kernel state after the machine ran). */
  beforeCommand?(): void;
}

export interface ConsoleServer {
  readonly path: string;
  /** Clients connected now. */
  clients(): number;
  close(): Promise<void>;
}

/** Whether something accepts connections at `path` (a live server, not a stale socket file). */
function listening(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const { path } = options;
  let st;
  try { st = lstatSync(path); } catch { st = undefined; }
  if (st) {
    if (!st.isSocket()) throw new ConsoleServerError(`console socket ${path}: the path exists and is not a socket`);
    if (await listening(path)) throw new ConsoleServerError(`console socket ${path}: another machine's console is listening there`);
    unlinkSync(path); // a stale socket of an earlier run
  }

  let queue: Promise<unknown> = Promise.resolve();
  const run = (line: string): Promise<ConsoleReply> => {
    const p = queue.then(async () => {
      options.beforeCommand?.();
      return executeMonitorCommand(line, options.context());
    }).catch((e: unknown): ConsoleReply => ({ ok: false, text: `${line.split(/\s+/)[0]}: ${(e as Error).message}\n` }));
    queue = p;
    return p;
  };

  const sockets = new Set<Socket>();
  /** Each connection's reply chain, so close() can let answers in flight go out (a `halt`
   *  that ends the process still gets its reply). */
  const chains = new Map<Socket, Promise<void>>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let chain: Promise<void> = Promise.resolve();
    const reply = (r: ConsoleReply) => { if (!sock.destroyed) sock.write(encodeReply(r)); };
    const handle = (bytes: Uint8Array) => {
      const req = decodeRequest(bytes);
      chain = chain.then(async () => reply('error' in req ? { ok: false, text: `${req.error}\n` } : await run(req.line)));
      chains.set(sock, chain);
    };
    sock.on('data', (data: Buffer) => {
      let start = 0;
      for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
        const part = data.subarray(start, nl);
        start = nl + 1;
        if (pendingBytes + part.length + 1 > MAX_LINE_BYTES) { tooLong(); return; }
        handle(pending.length ? Buffer.concat([...pending, part]) : part);
        pending = []; pendingBytes = 0;
      }
      const rest = data.subarray(start);
      if (rest.length) {
        if (pendingBytes + rest.length >= MAX_LINE_BYTES) { tooLong(); return; }
        pending.push(Buffer.from(rest)); pendingBytes += rest.length;
      }
    });
    const tooLong = () => {
      pending = []; pendingBytes = 0;
      sock.pause();
      chain = chain.then(() => {
        reply({ ok: false, text: `command line too long (at most ${MAX_LINE_BYTES} bytes with its newline); closing the connection\n` });
        sock.end();
      });
    };
    sock.on('error', () => undefined); // a reset client is a closed one
    sock.on('close', () => { sockets.delete(sock); chains.delete(sock); });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new ConsoleServerError(`console socket ${path}: cannot listen: ${e.code ?? e.message}`)));
    const old = process.umask(0o177); // created 0600
    try { server.listen(path, resolve); } finally { process.umask(old); }
  });
  chmodSync(path, 0o600);

  let closing: Promise<void> | undefined;
  return {
    path,
    clients: () => sockets.size,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((res) => server.close(() => res()));
        // answers being computed go out first (at most 2 s: a stuck command never holds up an exit)
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.all(chains.values()), new Promise<void>((res) => { timer = setTimeout(res, 2000); timer.unref(); })]);
        clearTimeout(timer);
        await Promise.all([...sockets].map((s) => new Promise<void>((res) => { s.once('close', () => res()); s.end(); setTimeout(() => s.destroy(), 500).unref(); })));
        await stopped;
        try { if (lstatSync(path).isSocket()) unlinkSync(path); } catch { /* gone */ }
      })();
      return closing;
    },
  };
}
