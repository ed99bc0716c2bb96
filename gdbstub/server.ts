// The gdb stub's transport: listens on TCP (127.0.0.1 unless told otherwise) or on a Unix
// socket (mode 0600), serves one gdb at a time over a StubHost, and keeps listening after a
// gdb disconnects so the next one can attach. A second gdb while one is attached is refused
// (its connection is closed at once). This is the API the CLI calls, at start-up for
// `kwb run --gdb ADDR` and later for attach-on-demand (see README.md).
import { chmodSync, existsSync, lstatSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { Target } from '../emulator/target';
import { GdbServerError } from './errors';
import { StubHost, type StubHostOptions } from './host';
import { formatListenAddress, parseListenAddress, type ListenAddress } from './listen-address';
import type { MachineControl } from './machine-control';

export interface GdbServerOptions extends StubHostOptions {
  /** `tcp::1234`, `tcp:HOST:PORT`, `unix:/path` (port 0 picks a free port). */
  listen: string;
  /** Machine operations for monitor commands (reboot, halt, virtual time, memory map). */
  control?: MachineControl;
  /** Called when a gdb connects or disconnects (for the CLI's status line). */
  onConnection?: (event: 'connected' | 'disconnected' | 'refused', peer: string) => void;
}

export interface GdbServer {
  /** Where it listens, with the real port: `tcp:127.0.0.1:40123` or `unix:/path`. */
  readonly address: string;
  readonly listen: ListenAddress;
  /** Whether a gdb is attached now. */
  connected(): boolean;
  /** Stops listening, drops the connection (releasing the machine as configured) and cleans up. */
  close(): Promise<void>;
  readonly host: StubHost;
}

export async function startGdbServer(target: Target, options: GdbServerOptions): Promise<GdbServer> {
  const requested = parseListenAddress(options.listen);
  const host = new StubHost(target, options.control ?? {}, options);
  let current: Socket | undefined;
  let currentSession: Promise<void> | undefined;
  const server: Server = createServer({ noDelay: true }, (sock) => {
    const peer = sock.remoteAddress ? `${sock.remoteAddress}:${sock.remotePort}` : 'unix socket';
    if (host.busy) {
      options.onConnection?.('refused', peer);
      sock.destroy();
      return;
    }
    current = sock;
    const session = host.openSession({
      write: (bytes) => { if (!sock.destroyed) sock.write(bytes); },
      end: () => sock.end(),
    });
    currentSession = session.finished;
    options.onConnection?.('connected', peer);
    sock.on('data', (b: Buffer) => session.receive(new Uint8Array(b.buffer, b.byteOffset, b.length)));
    sock.on('error', () => undefined); // a reset is a disconnect; 'close' follows
    sock.on('close', () => {
      if (current === sock) current = undefined;
      session.closed();
      void session.finished.then(() => options.onConnection?.('disconnected', peer));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new GdbServerError(`cannot listen on ${options.listen}: ${e.code ?? e.message}`, options.listen)));
    if (requested.kind === 'unix') {
      if (existsSync(requested.path)) {
        if (!lstatSync(requested.path).isSocket()) { reject(new GdbServerError(`cannot listen on ${options.listen}: the path exists and is not a socket`, options.listen)); return; }
        unlinkSync(requested.path); // a stale socket of an earlier run
      }
      const old = process.umask(0o177); // the socket is created 0600: only its owner may attach
      try { server.listen(requested.path, resolve); } finally { process.umask(old); }
    } else {
      server.listen(requested.port, requested.host, resolve);
    }
  });

  let actual: ListenAddress = requested;
  if (requested.kind === 'unix') chmodSync(requested.path, 0o600);
  else {
    const a = server.address();
    if (a && typeof a === 'object') actual = { kind: 'tcp', host: requested.host, port: a.port };
  }

  let closing: Promise<void> | undefined;
  return {
    address: formatListenAddress(actual),
    listen: actual,
    host,
    connected: () => current !== undefined,
    close() {
      closing ??= (async () => {
        await new Promise<void>((res) => { server.close(() => res()); current?.destroy(); });
        await currentSession; // the machine has been released (onDisconnect) before close resolves
        host.dispose();
        if (requested.kind === 'unix' && existsSync(requested.path)) { try { unlinkSync(requested.path); } catch { /* gone */ } }
      })();
      return closing;
    },
  };
}
