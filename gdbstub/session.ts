// One gdb connection: bytes in from the transport go through the frame decoder; each packet is
// acknowledged (until QStartNoAckMode), looked up in the packet table, parsed, handled one at a
// time in arrival order, and answered. The 0x03 interrupt is handled out of band while a
// continue is waiting for its stop. Errors in a packet become Exx replies; the session ends
// only when the transport does (or gdb detaches and hangs up).
import { REG_CSR0, REG_PC, REG_PRIV, type StopEvent } from '../emulator/target';
import { errorReply, PacketError } from './errors';
import type { StubHost } from './host';
import { lookupPacket } from './packets/table';
import type { Reply, SessionState, StubContext } from './packets/types';
import { latin1, regToHex, toHex } from './rsp/encoding';
import { encodePacket, FrameDecoder, type FrameEvent } from './rsp/framing';
import type { ThreadEntry } from './kernel-view';
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
    gThread: 0, cThread: 0, gHart: 0, cHart: 0, extended: false,
    breakpoints: new Map(), watchpoints: new Map(), physicalMemory: false,
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
  /** Machine breakpoints by address: how many holders (gdb's Z0/Z1 and the stub's own hooks) each has. */
  private readonly bpRefs = new Map<bigint, number>();
  /** Module hook addresses this session holds as internal breakpoints. */
  private hooks = new Set<bigint>();
  /** Harts at a module hook whose event gdb has been told (so the next resume runs past it). */
  private readonly reportedHooks = new Set<number>();
  /** The module being unloaded at this stop: already gone from the library list. */
  private unloading: bigint | undefined;
  /** Stops reported to gdb as library events (`library:`). */
  private readonly libraryStops = new WeakSet<StopEvent>();

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

  private async release(how: 'detach' | 'kill' | 'forget'): Promise<void> {
    if (this.released) return;
    // 'forget' (extended mode's kill, before an attach) keeps the session holding the machine:
    // a gdb that goes away afterwards still releases it as configured
    if (how !== 'forget') this.released = true;
    const { target, control, options } = this.host;
    for (const b of this.state.breakpoints.values()) await this.machineBreakpoint(b.address, b.kind, false).catch(() => undefined);
    for (const w of this.state.watchpoints.values()) await target.removeWatchpoint(w.address, w.length, w.kind).catch(() => undefined);
    this.state.breakpoints.clear();
    this.state.watchpoints.clear();
    await this.setHooks(false);
    this.state.process = undefined;
    this.state.gThread = this.state.cThread = 0;
    if (target.state() === 'exited') return;
    if (how === 'forget') {
      if (target.state() === 'running') { this.host.freeRunning = false; this.host.lastStop = await target.pause(); }
      return;
    }
    if (how === 'kill') {
      if (options.onKill === 'halt' && control.halt) await control.halt(0);
      else if (target.state() === 'running') await target.pause();
      return;
    }
    if (options.onDisconnect === 'resume' && target.state() === 'paused') { this.host.kernel.invalidate(); await target.resume(); }
    if (options.onDisconnect === 'pause' && target.state() === 'running') { this.host.freeRunning = false; await target.pause(); }
  }

  /** gdb holds the machine (again, after an extended-mode detach): module hooks become internal breakpoints. */
  private async hold(): Promise<void> {
    this.released = false;
    await this.setHooks(this.host.kernel.awareness !== undefined && !this.state.process);
  }

  private async setHooks(on: boolean): Promise<void> {
    const want = new Set(on ? this.host.kernel.hookAddresses() : []);
    for (const a of [...this.hooks]) if (!want.has(a)) { this.hooks.delete(a); await this.machineBreakpoint(a, 'sw', false).catch(() => undefined); }
    for (const a of want) if (!this.hooks.has(a)) { this.hooks.add(a); await this.machineBreakpoint(a, 'sw', true).catch(() => undefined); }
  }

  /** Adds or removes one holder of a machine breakpoint; the machine has it while anyone holds it. */
  private async machineBreakpoint(address: bigint, kind: 'sw' | 'hw', insert: boolean): Promise<void> {
    const n = this.bpRefs.get(address) ?? 0;
    if (insert) {
      if (n === 0) await this.host.target.addBreakpoint(address, kind);
      this.bpRefs.set(address, n + 1);
    } else if (n > 0) {
      if (n === 1) { this.bpRefs.delete(address); await this.host.target.removeBreakpoint(address, kind); } else this.bpRefs.set(address, n - 1);
    }
  }

  private userBreakpointAt(address: bigint): boolean {
    return this.state.breakpoints.has(`sw:${address}`) || this.state.breakpoints.has(`hw:${address}`);
  }

  /** A breakpoint stop at a module hook that gdb did not ask for. */
  isInternalStop(ev: StopEvent): boolean {
    const r = ev.reason;
    return r.kind === 'breakpoint' && this.hooks.has(r.pc) && !this.userBreakpointAt(r.pc);
  }

  /**
   * What a stop means for gdb: 'report' it; 'library' (a module hook: report a library event,
   * gdb re-reads the list and resumes by itself); 'skip' (a breakpoint of the attached process
   * hit by another one: step past it and run on).
   */
  private async classify(ev: StopEvent): Promise<'report' | 'library' | 'skip'> {
    const r = ev.reason;
    if (r.kind !== 'breakpoint') return 'report';
    if (this.isInternalStop(ev)) return this.state.process ? 'skip' : 'library';
    const p = this.state.process;
    if (p && this.userBreakpointAt(r.pc)) {
      const { target } = this.host;
      const priv = await target.readRegister(r.hart, REG_PRIV).catch(() => 1n);
      if (priv !== 0n) return 'report';
      const satp = await target.readRegister(r.hart, REG_CSR0 + SATP).catch(() => undefined);
      if (satp !== undefined && p.satp !== undefined && (satp & PPN_MASK) !== (p.satp & PPN_MASK)) return 'skip';
    }
    return 'report';
  }

  /** Records a module hook event on `hart` as reported; returns the library stop to send. */
  private async libraryEvent(hart: number, pc: bigint, ev?: StopEvent): Promise<StopEvent> {
    this.reportedHooks.add(hart);
    const aw = this.host.kernel.awareness;
    const hook = aw && await aw.hookEvent(pc, hart);
    if (hook?.kind === 'unload' && hook.module) this.unloading = hook.module.address;
    this.trace(`-- module ${hook?.kind ?? 'hook'} on hart ${hart}${hook?.module ? `: ${hook.module.name}` : ''}${ev ? '' : ' (reported before resuming)'}`);
    const stop = ev ?? { reason: { kind: 'breakpoint' as const, hart, pc }, instret: this.host.lastStop?.instret ?? 0n };
    this.libraryStops.add(stop);
    this.host.lastStop = stop;
    return stop;
  }

  /**
   * Before the machine moves: a hart sitting at a module hook gdb has not been told about (a step
   * or someone else's stop landed there), or a hook passed under `monitor go`, is reported first
   * as a library event, without running; gdb then resumes again.
   */
  private async unreportedHook(harts: number[]): Promise<StopEvent | undefined> {
    if (!this.hooks.size) return undefined;
    for (const h of harts) {
      if (this.reportedHooks.has(h)) continue;
      const pc = await this.host.target.readRegister(h, REG_PC).catch(() => undefined);
      if (pc !== undefined && this.hooks.has(pc)) return this.libraryEvent(h, pc);
    }
    if (this.host.kernel.hookMissed) {
      this.host.kernel.hookMissed = false;
      const h = harts[0] ?? 0;
      const stop: StopEvent = { reason: { kind: 'pause', hart: h, pc: await this.host.target.readRegister(h, REG_PC).catch(() => 0n) }, instret: this.host.lastStop?.instret ?? 0n };
      this.libraryStops.add(stop);
      return stop;
    }
    return undefined;
  }

  /** The machine is about to run: this stop's answers and library state expire. */
  private async beforeRun(): Promise<void> {
    // a hart at a hook gdb was told about would stop there again on a target that does not step
    // over a breakpoint at the pc by itself: move it off first
    for (const h of [...this.reportedHooks]) {
      const pc = await this.host.target.readRegister(h, REG_PC).catch(() => undefined);
      if (pc !== undefined && this.hooks.has(pc) && !this.userBreakpointAt(pc)) {
        const ev = await this.rawStep(h);
        this.trace(`-- stepped hart ${h} off the hook: pc 0x${'pc' in ev.reason ? ev.reason.pc.toString(16) : '?'}`);
      }
    }
    this.reportedHooks.clear();
    this.unloading = undefined;
    this.host.kernel.invalidate();
  }

  private allHarts(): number[] {
    return Array.from({ length: this.host.target.features.harts }, (_, h) => h);
  }

  private rawContinue(): Promise<StopEvent> {
    const { host } = this;
    const { target } = host;
    this.generation++;
    return new Promise<StopEvent>((resolve, reject) => {
      this.waiter = { mode: 'continue', resolve, reject };
      host.freeRunning = false;
      if (target.state() !== 'running') {
        target.resume().catch((e) => { if (this.waiter?.resolve === resolve) this.waiter = undefined; reject(e); });
      }
    });
  }

  private async rawStep(hart: number): Promise<StopEvent> {
    const { host } = this;
    const { target } = host;
    if (target.state() === 'running') { host.freeRunning = false; await target.pause(); }
    host.pendingStop = undefined;
    this.waiter = { mode: 'step', resolve: () => undefined, reject: () => undefined };
    try {
      const ev = await target.step(hart, { noInterrupts: true }); // as QEMU's stub steps
      this.trace(`-- step hart ${hart}: ${describeStop(ev)}`);
      host.lastStop = ev;
      return ev;
    } finally {
      if (this.waiter?.mode === 'step') this.waiter = undefined;
      host.kernel.invalidate();
    }
  }

  /** Runs until a stop gdb should see: module hooks become library events, other processes' hits are stepped over. */
  private async continueFiltered(extra?: (ev: StopEvent) => Promise<'report' | 'skip' | 'done'>): Promise<StopEvent> {
    const { host } = this;
    if (host.target.state() === 'exited') return host.lastStop ?? { reason: { kind: 'poweroff', code: 0 }, instret: 0n };
    const pending = host.pendingStop;
    host.pendingStop = undefined;
    if (!pending) {
      const hook = await this.unreportedHook(this.allHarts());
      if (hook) return hook;
      await this.beforeRun();
    }
    let ev = pending ?? await this.rawContinue();
    for (let guard = 0; ; guard++) {
      host.kernel.invalidate();
      const what = await this.classify(ev);
      const r = ev.reason;
      if (what === 'library') return r.kind === 'breakpoint' ? this.libraryEvent(r.hart, r.pc, ev) : ev;
      let verdict: 'report' | 'skip' | 'done' = what;
      if (verdict === 'report' && extra) verdict = await extra(ev);
      this.trace(`-- stop ${describeStop(ev)}: ${verdict}`);
      if (verdict !== 'skip') return ev;
      // Ctrl-C while passing other processes' hits: a pause, not their breakpoint
      if (this.interruptRequested || guard > 100000) {
        this.trace(`-- ${this.interruptRequested ? 'interrupted' : 'gave up'} after passing ${guard + 1} hits gdb does not see: reported as a pause`);
        return { reason: { kind: 'pause', hart: 'hart' in r ? r.hart : 0, pc: 'pc' in r ? r.pc : 0n }, instret: ev.instret };
      }
      if (r.kind === 'breakpoint') await this.rawStep(r.hart);
      if (this.isClosed) throw new SessionClosed();
      ev = await this.rawContinue();
    }
  }

  private trace(line: string): void {
    this.host.trace?.(line);
  }

  private async stopReply(ev: StopEvent | undefined): Promise<string> {
    const mp = this.state.multiprocess;
    const r = ev?.reason;
    if (r?.kind === 'poweroff') return `W${hex2(r.code)}${mp ? `;process:${PID.toString(16)}` : ''}`;
    if (r?.kind === 'disconnected') return `X09${mp ? `;process:${PID.toString(16)}` : ''}`;
    const hart = r && 'hart' in r ? r.hart : 0;
    const thread = await this.host.kernel.threadOfHart(hart, this.state.process).catch(() => hart + 1);
    this.state.gHart = this.state.cHart = hart;
    this.state.gThread = this.state.cThread = thread;
    let signal = 5;
    let extra = '';
    if (ev && this.libraryStops.has(ev)) extra = 'library:;';
    else {
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
    }
    this.interruptRequested = false;
    // the pc is expedited only when it is the named thread's (an attached process's may be a saved one)
    // the hart's pc now, not the event's: a stop reply may come long after the stop (gdb joining a
    // machine the debug adapter stopped), and the pc may have moved since (a page fault undone)
    const livePc = r && 'pc' in r ? await this.host.target.readRegister(hart, REG_PC).catch(() => r.pc) : undefined;
    const pc = livePc !== undefined && !this.state.process ? `20:${regToHex(livePc, 8)};` : '';
    return `T${hex2(signal)}${extra}thread:${formatThreadId(thread, mp)};${pc}`;
  }

  private async selectedThread(which: 'g' | 'c'): Promise<ThreadEntry | undefined> {
    const id = which === 'g' ? this.state.gThread : this.state.cThread;
    const kernel = this.host.kernel;
    if (id) return kernel.thread(id, this.state.process);
    const hart = which === 'g' ? this.state.gHart : this.state.cHart;
    return kernel.thread(await kernel.threadOfHart(hart, this.state.process), this.state.process);
  }

  private async attach(pid: number): Promise<string> {
    const aw = this.host.kernel.awareness;
    if (!aw) return 'E01';
    const { target } = this.host;
    if (target.state() === 'exited') return 'E01';
    if (target.state() === 'running') { this.host.freeRunning = false; this.host.lastStop = await target.pause(); }
    this.host.pendingStop = undefined;
    this.host.kernel.invalidate();
    const task = (await aw.tasks()).find((t) => t.pid === pid && !t.kernelThread);
    if (!task) return 'E01';
    this.state.process = { pid, satp: task.satp };
    await this.hold();
    return this.stopReply(this.host.lastStop ?? { reason: { kind: 'pause', hart: task.hart ?? 0, pc: 0n }, instret: 0n });
  }

  private makeContext(): StubContext {
    const host = this.host;
    const { target } = host;
    return {
      target, control: host.control, options: host.options, state: this.state, kernel: host.kernel,
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
        host.kernel.invalidate();
        if (run && target.state() === 'paused') await target.resume();
        if (!run && target.state() === 'running') await target.pause();
      },
      currentStop: async () => {
        if (target.state() === 'running') {
          host.freeRunning = false;
          host.lastStop = await target.pause();
        }
        host.pendingStop = undefined;
        if (target.state() !== 'exited') await this.hold();
        return host.lastStop;
      },
      continueUntilStop: () => this.continueFiltered(),
      stepHart: async (hart) => {
        if (target.state() === 'exited') return host.lastStop ?? { reason: { kind: 'poweroff', code: 0 }, instret: 0n };
        const hook = await this.unreportedHook([hart]);
        if (hook) return hook;
        await this.beforeRun();
        return this.rawStep(hart);
      },
      stepWhenScheduled: async (pc, accept) => {
        if (target.state() === 'exited') return host.lastStop ?? { reason: { kind: 'poweroff', code: 0 }, instret: 0n };
        await this.machineBreakpoint(pc, 'sw', true);
        let arrived: number | undefined;
        try {
          const ev = await this.continueFiltered(async (e) => {
            const r = e.reason;
            if (r.kind !== 'breakpoint' || r.pc !== pc) return 'report';
            if (await accept(r.hart)) { arrived = r.hart; return 'done'; }
            return this.userBreakpointAt(pc) ? 'report' : 'skip';
          });
          if (arrived === undefined) return ev;
        } finally {
          await this.machineBreakpoint(pc, 'sw', false).catch(() => undefined);
        }
        return this.rawStep(arrived);
      },
      selectedThread: (which) => this.selectedThread(which),
      userBreakpoint: (address, kind, insert) => this.machineBreakpoint(address, kind, insert),
      attach: (pid) => this.attach(pid),
      libraries: () => host.kernel.libraryXml(this.state.process, this.unloading),
    };
  }
}

/** One stop event in a trace line: `breakpoint hart 1 pc 0x1002e`. */
function describeStop(ev: StopEvent): string {
  const r = ev.reason;
  return `${r.kind}${'hart' in r ? ` hart ${r.hart}` : ''}${'pc' in r ? ` pc 0x${r.pc.toString(16)}` : ''}`;
}

const SATP = 0x180;
/** satp's PPN (the root table): ASIDs aside, one address space. */
const PPN_MASK = (1n << 44n) - 1n;

const ACK = Uint8Array.of(0x2b);
const NAK = Uint8Array.of(0x2d);
