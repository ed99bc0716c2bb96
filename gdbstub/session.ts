// One gdb connection: bytes in from the transport go through the frame decoder; each packet is
// acknowledged (until QStartNoAckMode), looked up in the packet table, parsed, handled one at a
// time in arrival order, and answered. The 0x03 interrupt is handled out of band while a
// continue is waiting for its stop. Errors in a packet become Exx replies; the session ends
// only when the transport does (or gdb detaches and hangs up).
import type { StopEvent } from '../emulator/target';
import { errorReply, PacketError } from './errors';
import type { StubHost } from './host';
import { lookupPacket } from './packets/table';
import type { Reply, SessionState, StubContext } from './packets/types';
import { latin1, regToHex, toHex } from './rsp/encoding';
import { encodePacket, FrameDecoder, type FrameEvent } from './rsp/framing';
import { formatThreadId, PID } from './threads';

/** Where a session writes its bytes (a socket, or a test's buffer). */
export interface ByteSink {
  write(bytes: Uint8Array): void;
  /** Closes the transport (after kill). */
  end(): void;
}

class SessionClosed extends Error {
  constructor() { super('gdb connection closed'); }
}

interface Waiter {
  mode: 'continue' | 'step';
  resolve(ev: StopEvent): void;
  reject(e: Error): void;
}

const hex2 = (n: number): string => (n & 0xff).toString(16).padStart(2, '0');

export class StubSession {
  readonly state: SessionState = {
    noAck: false, gdbFeatures: new Set(), multiprocess: false, swbreak: false, hwbreak: false,
    gHart: 0, cHart: 0, breakpoints: new Map(), watchpoints: new Map(), physicalMemory: false,
  };
  /** Resolves when the transport has closed and the machine has been released. */
  readonly finished: Promise<void>;
  private readonly decoder: FrameDecoder;
  private queue: Promise<void> = Promise.resolve();
  private lastSent: Uint8Array | undefined;
  private waiter: Waiter | undefined;
  private interruptRequested = false;
  private generation = 0;
  private afterReplyFns: (() => void | Promise<void>)[] = [];
  private released = false;
  private isClosed = false;
  private resolveFinished!: () => void;
  private readonly ctx: StubContext;

  constructor(private readonly host: StubHost, private readonly sink: ByteSink) {
    this.decoder = new FrameDecoder({ maxPacket: host.options.packetSize });
    this.finished = new Promise((res) => { this.resolveFinished = res; });
    this.ctx = this.makeContext();
  }

  /** Bytes from the transport, split anywhere. */
  receive(bytes: Uint8Array): void {
    if (this.isClosed) return;
    for (const ev of this.decoder.feed(bytes)) this.onFrame(ev);
  }

  /** The transport has gone: stop waiting, release the machine as configured. */
  closed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.trace('-- connection closed');
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(new SessionClosed());
    this.queue = this.queue.then(() => this.release('detach')).catch(() => undefined).then(() => this.resolveFinished());
  }

  /** A stop from the target; returns whether this session took it (a continue was waiting). */
  offerStop(ev: StopEvent): boolean {
    const w = this.waiter;
    if (!w || w.mode !== 'continue') return w?.mode === 'step';
    // A late 'step' event belongs to an earlier step(), never to a continue.
    if (ev.reason.kind === 'step') return true;
    this.waiter = undefined;
    w.resolve(ev);
    return true;
  }

  private onFrame(ev: FrameEvent): void {
    switch (ev.kind) {
      case 'packet':
        if (!this.state.noAck) this.sink.write(ACK);
        this.enqueue(latin1.decode(ev.payload));
        break;
      case 'bad-checksum':
        this.trace(`<- bad checksum (expected ${hex2(ev.expected)})`);
        if (!this.state.noAck) this.sink.write(NAK);
        break;
      case 'overflow':
        this.trace(`<- oversized packet (${ev.size} bytes) dropped`);
        if (!this.state.noAck) this.sink.write(ACK);
        this.queue = this.queue.then(() => this.send('E22'));
        break;
      case 'bad-encoding': break;
      case 'ack': break;
      case 'nak':
        if (this.lastSent && !this.state.noAck) this.sink.write(this.lastSent);
        break;
      case 'interrupt':
        this.interrupt();
        break;
    }
  }

  private enqueue(text: string): void {
    this.queue = this.queue.then(() => this.handle(text)).catch((e) => {
      if (!(e instanceof SessionClosed)) this.trace(`!! ${(e as Error).message}`);
    });
  }

  private async handle(text: string): Promise<void> {
    if (this.isClosed) return;
    this.trace(`<- ${text.length > 200 ? text.slice(0, 200) + '...' : text}`);
    const spec = lookupPacket(text);
    let reply: Reply;
    if (!spec) reply = '';
    else {
      let cmd: unknown;
      try { cmd = spec.parse(text); } catch (e) { cmd = new PacketError(text, (e as Error).message); }
      if (cmd instanceof PacketError) {
        this.trace(`!! ${cmd.message}`);
        reply = cmd.reply;
      } else {
        try { reply = await spec.handle(cmd, this.ctx); } catch (e) {
          if (e instanceof SessionClosed) return;
          this.trace(`!! ${text}: ${(e as Error).message}`);
          reply = errorReply(e);
        }
      }
    }
    this.send(reply);
    const fns = this.afterReplyFns.splice(0);
    for (const fn of fns) await fn();
  }

  private send(reply: Reply): void {
    if (reply === null || this.isClosed) return;
    const bytes = typeof reply === 'string' ? latin1.encode(reply) : reply.binary;
    this.trace(`-> ${typeof reply === 'string' ? (reply.length > 200 ? reply.slice(0, 200) + '...' : reply) : `(${bytes.length} bytes binary)`}`);
    const frame = encodePacket(bytes, { runLength: this.host.options.runLength });
    this.lastSent = frame;
    this.sink.write(frame);
  }

  private interrupt(): void {
    this.trace('<- interrupt');
    const w = this.waiter;
    if (!w || w.mode !== 'continue' || this.interruptRequested) return;
    this.interruptRequested = true;
    // The stop normally arrives through onStop; pause()'s own result is the fallback for a
    // target that does not also emit it, delivered only to the continue it interrupted.
    const gen = this.generation;
    this.host.target.pause().then(
      (ev) => setTimeout(() => { if (this.generation === gen && this.waiter?.mode === 'continue') this.offerStop(ev); }, 0),
      (e) => this.trace(`!! pause: ${(e as Error).message}`));
  }

  private async release(how: 'detach' | 'kill'): Promise<void> {
    if (this.released) return;
    this.released = true;
    const { target, control, options } = this.host;
    for (const b of this.state.breakpoints.values()) await target.removeBreakpoint(b.address, b.kind).catch(() => undefined);
    for (const w of this.state.watchpoints.values()) await target.removeWatchpoint(w.address, w.length, w.kind).catch(() => undefined);
    this.state.breakpoints.clear();
    this.state.watchpoints.clear();
    if (target.state() === 'exited') return;
    if (how === 'kill') {
      if (options.onKill === 'halt' && control.halt) await control.halt(0);
      else if (target.state() === 'running') await target.pause();
      return;
    }
    if (options.onDisconnect === 'resume' && target.state() === 'paused') await target.resume();
    if (options.onDisconnect === 'pause' && target.state() === 'running') { this.host.freeRunning = false; await target.pause(); }
  }

  private trace(line: string): void {
    this.host.trace?.(line);
  }

  private stopReply(ev: StopEvent | undefined): string {
    const mp = this.state.multiprocess;
    const r = ev?.reason;
    if (r?.kind === 'poweroff') return `W${hex2(r.code)}${mp ? `;process:${PID.toString(16)}` : ''}`;
    if (r?.kind === 'disconnected') return `X09${mp ? `;process:${PID.toString(16)}` : ''}`;
    const hart = r && 'hart' in r ? r.hart : 0;
    this.state.gHart = this.state.cHart = hart;
    let signal = 5;
    let extra = '';
    if (r?.kind === 'pause' && this.interruptRequested) signal = 2;
    if (r?.kind === 'fault-loop') signal = 11;
    if (r?.kind === 'breakpoint') {
      if (this.state.hwbreak && this.state.breakpoints.has(`hw:${r.pc}`)) extra = 'hwbreak:;';
      else if (this.state.swbreak) extra = 'swbreak:;';
    }
    if (r?.kind === 'watchpoint') {
      const name = r.watch === 'write' ? 'watch' : r.watch === 'read' ? 'rwatch' : 'awatch';
      extra = `${name}:${r.address.toString(16)};`;
    }
    this.interruptRequested = false;
    const pc = r && 'pc' in r ? `20:${regToHex(r.pc, 8)};` : '';
    return `T${hex2(signal)}${extra}thread:${formatThreadId(hart, mp)};${pc}`;
  }

  private makeContext(): StubContext {
    const host = this.host;
    const { target } = host;
    return {
      target, control: host.control, options: host.options, state: this.state,
      stopReply: (ev) => this.stopReply(ev),
      consoleOutput: (text) => {
        const bytes = new TextEncoder().encode(text);
        const chunk = Math.floor((host.options.packetSize - 16) / 2);
        for (let i = 0; i < bytes.length; i += chunk) this.send('O' + toHex(bytes.subarray(i, i + chunk)));
      },
      afterReply: (fn) => { this.afterReplyFns.push(fn); },
      disconnect: (how) => this.release(how).then(() => { if (how === 'kill') this.sink.end(); }),
      isFreeRunning: () => host.freeRunning,
      freeRun: async (run) => {
        host.freeRunning = run;
        if (run && target.state() === 'paused') await target.resume();
        if (!run && target.state() === 'running') await target.pause();
      },
      currentStop: async () => {
        if (target.state() === 'running') {
          host.freeRunning = false;
          host.lastStop = await target.pause();
        }
        host.pendingStop = undefined;
        return host.lastStop;
      },
      continueUntilStop: () => {
        if (target.state() === 'exited') return Promise.resolve(host.lastStop ?? { reason: { kind: 'poweroff', code: 0 }, instret: 0n });
        const pending = host.pendingStop;
        if (pending) { host.pendingStop = undefined; return Promise.resolve(pending); }
        this.generation++;
        return new Promise<StopEvent>((resolve, reject) => {
          this.waiter = { mode: 'continue', resolve, reject };
          host.freeRunning = false;
          if (target.state() !== 'running') {
            target.resume().catch((e) => { if (this.waiter?.resolve === resolve) this.waiter = undefined; reject(e); });
          }
        });
      },
      stepHart: async (hart) => {
        if (target.state() === 'exited') return host.lastStop ?? { reason: { kind: 'poweroff', code: 0 }, instret: 0n };
        if (target.state() === 'running') { host.freeRunning = false; await target.pause(); }
        host.pendingStop = undefined;
        this.waiter = { mode: 'step', resolve: () => undefined, reject: () => undefined };
        try {
          const ev = await target.step(hart);
          host.lastStop = ev;
          return ev;
        } finally {
          if (this.waiter?.mode === 'step') this.waiter = undefined;
        }
      },
    };
  }
}

const ACK = Uint8Array.of(0x2b);
const NAK = Uint8Array.of(0x2d);
