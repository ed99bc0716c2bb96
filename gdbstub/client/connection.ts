// The client side of the RSP transport: one connection to a gdb stub (QEMU, OpenOCD, ours).
// Sends a request and resolves with its reply, one request at a time; acknowledges packets
// until QStartNoAckMode; passes 'O' console packets to a listener; and, after a resume
// packet, hands the asynchronous stop reply to onStopReply. Interrupts are the 0x03 byte.
import { connect as netConnect, type Socket } from 'node:net';
import { latin1 } from '../rsp/encoding';
import { encodePacket, FrameDecoder } from '../rsp/framing';

/** The stub is unreachable, went away, or answered nonsense; carries what was being done. */
export class RspClientError extends Error {
  constructor(message: string, readonly request?: string) {
    super(request ? `${message} (during ${JSON.stringify(request.slice(0, 60))})` : message);
    this.name = 'RspClientError';
  }
}

interface PendingRequest {
  text: string;
  resolve(reply: string): void;
  reject(e: Error): void;
}

export interface RspConnectionOptions {
  /** Per-request timeout in ms (a stub that never answers). */
  timeoutMs?: number;
  trace?: (line: string) => void;
}

export class RspConnection {
  noAck = false;
  /** Called with each asynchronous stop reply (after resume()). */
  onStopReply: (reply: string) => void = () => undefined;
  /** Console output from the stub ('O' packets), already decoded. */
  onConsole: (text: string) => void = () => undefined;
  onClose: (why: string) => void = () => undefined;
  private readonly decoder = new FrameDecoder({ maxPacket: 0x100000, runLength: true });
  private pending: PendingRequest | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private running = false;
  private closedWhy: string | undefined;
  private lastSent: Uint8Array | undefined;
  private readonly timeoutMs: number;

  private constructor(private readonly sock: Socket, private readonly opts: RspConnectionOptions) {
    this.timeoutMs = opts.timeoutMs ?? 30000;
    sock.setNoDelay(true);
    sock.on('data', (b: Buffer) => this.onData(new Uint8Array(b.buffer, b.byteOffset, b.length)));
    sock.on('error', (e) => this.fail(`connection error: ${e.message}`));
    sock.on('close', () => this.fail('connection closed by the stub'));
  }

  /** Connects to `host:port` or a Unix socket path. */
  static connect(address: { host: string; port: number } | { path: string }, opts: RspConnectionOptions = {}): Promise<RspConnection> {
    return new Promise((resolve, reject) => {
      const sock = 'path' in address ? netConnect(address.path) : netConnect(address.port, address.host);
      const where = 'path' in address ? address.path : `${address.host}:${address.port}`;
      const onError = (e: Error): void => reject(new RspClientError(`cannot connect to gdb stub at ${where}: ${e.message}`));
      sock.once('error', onError);
      sock.once('connect', () => { sock.off('error', onError); resolve(new RspConnection(sock, opts)); });
    });
  }

  get closed(): boolean { return this.closedWhy !== undefined; }
  get isRunning(): boolean { return this.running; }

  /** Sends a packet and resolves with the reply's text. */
  request(text: string): Promise<string> {
    const run = (): Promise<string> => new Promise<string>((resolve, reject) => {
      if (this.closedWhy) { reject(new RspClientError(this.closedWhy, text)); return; }
      if (this.running) { reject(new RspClientError('the target is running', text)); return; }
      const timer = setTimeout(() => {
        if (this.pending?.text === text) this.pending = undefined;
        reject(new RspClientError(`no reply after ${this.timeoutMs} ms`, text));
      }, this.timeoutMs);
      this.pending = {
        text,
        resolve: (r) => { clearTimeout(timer); resolve(r); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
      this.sendPacket(text);
    });
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Sends a resume packet (c, vCont;c, s...): its stop reply goes to onStopReply. */
  resume(text: string): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.closedWhy) throw new RspClientError(this.closedWhy, text);
      this.running = true;
      this.sendPacket(text);
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Sends the interrupt byte (the stub answers with a stop reply to the running resume). */
  interrupt(): void {
    if (!this.closedWhy) this.sock.write(Uint8Array.of(0x03));
  }

  close(): void {
    this.sock.destroy();
    this.fail('connection closed');
  }

  private sendPacket(text: string): void {
    this.opts.trace?.(`-> ${text.slice(0, 200)}`);
    const frame = encodePacket(latin1.encode(text));
    this.lastSent = frame;
    this.sock.write(frame);
  }

  private onData(bytes: Uint8Array): void {
    for (const ev of this.decoder.feed(bytes)) {
      if (ev.kind === 'packet') {
        if (!this.noAck) this.sock.write(Uint8Array.of(0x2b));
        this.onPacket(latin1.decode(ev.payload));
      } else if (ev.kind === 'bad-checksum' || ev.kind === 'bad-encoding') {
        if (!this.noAck) this.sock.write(Uint8Array.of(0x2d));
      } else if (ev.kind === 'nak' && this.lastSent && !this.noAck) {
        this.sock.write(this.lastSent);
      }
    }
  }

  private onPacket(text: string): void {
    this.opts.trace?.(`<- ${text.slice(0, 200)}`);
    // 'O' + hex is console output, but "OK" is a reply.
    if (text.length > 1 && text[0] === 'O' && text !== 'OK' && /^O([0-9a-fA-F]{2})+$/.test(text) && (this.running || this.pending?.text.startsWith('qRcmd'))) {
      const hex = text.slice(1);
      let s = '';
      for (let i = 0; i < hex.length; i += 2) s += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
      this.onConsole(s);
      return;
    }
    if (this.running) {
      this.running = false;
      this.onStopReply(text);
      return;
    }
    // A stop reply nobody asked for: QEMU stops a running machine when a debugger connects and
    // announces it ("T02thread:01;") ahead of the answer to the first request. Only requests
    // that resume or ask for the stop status are answered with one.
    if (/^[TS][0-9a-fA-F]{2}/.test(text) && !(this.pending && /^(\?|[cCsS]|vCont;|vAttach;|vRun;|vStopped)/.test(this.pending.text))) {
      this.opts.trace?.('-- unsolicited stop reply ignored');
      return;
    }
    const p = this.pending;
    this.pending = undefined;
    p?.resolve(text);
  }

  private fail(why: string): void {
    if (this.closedWhy) return;
    this.closedWhy = why;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(new RspClientError(why, p.text));
    this.onClose(why);
  }
}
