// The second Target of the brief: a machine behind any gdb stub (qemu-system-riscv64 -gdb,
// OpenOCD, our own stub in another process), driven over RSP. Registers are mapped by name
// from the stub's target description; harts are the stub's threads in list order; stop
// events come from the asynchronous stop replies. Physical memory uses QEMU's PhyMemMode when
// the stub has it; an explicit satp is walked here through physical reads.
import {
  REG_CSR0, REG_PC, TargetError,
  type AddressSpace, type BreakKind, type Disposable, type StepOptions, type StopEvent, type StopReason, type Target,
  type TargetFeatures, type TargetState, type WatchKind,
} from '../../emulator/target';
import { walkSv39 } from '../monitor/sv39';
import { fromHex, hexToReg, regToHex, toHex } from '../rsp/encoding';
import { RspConnection, RspClientError, type RspConnectionOptions } from './connection';
import { defaultRegisters, mapRegisters, parseRegs, type DescribedRegister, type RemoteRegister } from './registers-map';
import { parseStopReply, type ParsedStop } from './stop-reply';

const MINSTRET = 0xb02;
const INSTRET = 0xc02;

type Mode = 'continue' | 'step' | 'idle';

export interface RemoteTargetOptions extends RspConnectionOptions {
  /** Receives the stub's console output ('O' packets, monitor replies). */
  onConsole?: (text: string) => void;
}

export class RemoteTarget implements Target {
  readonly features: TargetFeatures;
  private runState: TargetState = 'paused';
  private mode: Mode = 'idle';
  private listeners = new Set<(ev: StopEvent) => void>();
  private stopWaiters: ((ev: StopEvent) => void)[] = [];
  private selectedG: string | undefined;
  private gCache = new Map<number, bigint[]>();
  /** Holders per breakpoint (`sw:ADDR`, `hw:ADDR`) and watchpoint (`KIND:ADDR:LEN`): the stub gets Z on the first, z on the last. */
  private breakpoints = new Map<string, number>();
  private watchpoints = new Map<string, number>();
  /** An insertion or removal while the machine runs: paused quietly for it, resumed after. */
  private editing: { pauseWanted: boolean; waiters: ((ev: StopEvent) => void)[] } | undefined;
  private editChain: Promise<void> = Promise.resolve();
  /** A step of our own (off a breakpoint): its stop is not reported to listeners. */
  private quiet = false;
  private lastStop: StopEvent;
  private pausing = false;
  private closing = false;

  private constructor(
    private readonly conn: RspConnection,
    private readonly threads: string[],
    private readonly regs: Map<number, RemoteRegister>,
    private readonly stubFeatures: Map<string, string>,
    private readonly phyMemMode: boolean,
    initial: ParsedStop | undefined,
  ) {
    const csrs = [...regs.keys()].filter((r) => r >= REG_CSR0 && r < REG_CSR0 + 4096).map((r) => r - REG_CSR0);
    this.features = {
      harts: Math.max(threads.length, 1),
      watchpoints: 4,
      physicalMemory: phyMemMode,
      satpTranslation: phyMemMode,
      csrs,
      fpu: regs.has(33),
    };
    conn.onStopReply = (text) => { void this.onStopReply(text); };
    conn.onClose = (why) => this.onDisconnect(why);
    this.lastStop = { reason: { kind: 'pause', hart: this.hartOf(initial?.thread), pc: 0n }, instret: 0n };
    if (initial?.kind === 'exited') { this.runState = 'exited'; this.lastStop = { reason: { kind: 'poweroff', code: initial.code ?? 0 }, instret: 0n }; }
  }

  /** Connects to a stub, negotiates features and reads its register layout and threads. */
  static async connect(address: { host: string; port: number } | { path: string }, opts: RemoteTargetOptions = {}): Promise<RemoteTarget> {
    const conn = await RspConnection.connect(address, opts);
    if (opts.onConsole) conn.onConsole = opts.onConsole;
    try {
      const sup = await conn.request('qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+;xmlRegisters=riscv');
      const features = new Map<string, string>();
      for (const f of sup.split(';')) {
        const eq = f.indexOf('=');
        if (eq >= 0) features.set(f.slice(0, eq), f.slice(eq + 1));
        else if (f.endsWith('+')) features.set(f.slice(0, -1), '+');
      }
      if (features.get('QStartNoAckMode') === '+' && (await conn.request('QStartNoAckMode')) === 'OK') conn.noAck = true;
      let regs = defaultRegisters();
      if (features.get('qXfer:features:read') === '+') {
        const described: DescribedRegister[] = [];
        const visit = async (annex: string, first: number): Promise<number> => {
          const parsed = parseRegs(await readXfer(conn, 'features', annex), first);
          described.push(...parsed.regs);
          let next = parsed.next;
          for (const inc of parsed.includes) next = await visit(inc, next);
          return next;
        };
        await visit('target.xml', 0);
        const mapped = mapRegisters(described);
        if (mapped.has(REG_PC)) regs = mapped;
      }
      const stop = parseStopReply(await conn.request('?'));
      const threads: string[] = [];
      for (let r = await conn.request('qfThreadInfo'); r.startsWith('m'); r = await conn.request('qsThreadInfo')) {
        threads.push(...r.slice(1).split(',').filter((t) => t !== ''));
      }
      const qemu = await conn.request('qqemu.Supported').catch(() => '');
      return new RemoteTarget(conn, threads, regs, features, qemu.split(';').includes('PhyMemMode'), stop);
    } catch (e) {
      conn.close();
      throw e;
    }
  }

  state(): TargetState { return this.runState; }

  /** Ends the connection; `detach` first lets the stub's machine run on (QEMU resumes). */
  async close(detach = false): Promise<void> {
    // nothing more goes out after the detach: QEMU stops a running machine at any byte it gets
    // (a breakpoint removal still on its way would stop the machine we just let go)
    this.closing = true;
    if (detach && !this.conn.closed && this.runState === 'paused') {
      // with multiprocess+ a stub wants the process: QEMU answers a bare D with E22 and stays stopped
      const pid = this.stubFeatures.get('multiprocess') === '+' ? /^p([0-9a-fA-F]+)\./.exec(this.threads[0] ?? '')?.[1] ?? '1' : undefined;
      const reply = await this.conn.request(pid ? `D;${pid}` : 'D').catch(() => 'E');
      if (pid && reply !== 'OK') await this.conn.request('D').catch(() => undefined);
    }
    this.conn.close();
  }

  /**
   * gdb's `monitor LINE`: qRcmd to the stub; resolves with the text it printed (its 'O' packets,
   * or a hex reply as some stubs give). Rejects with the stub's error (E NN: "not supported").
   */
  async monitor(line: string): Promise<string> {
    let text = '';
    const prev = this.conn.onConsole;
    this.conn.onConsole = (t) => { text += t; };
    let reply: string;
    try {
      reply = await this.conn.request(`qRcmd,${toHex(new TextEncoder().encode(line))}`);
    } finally {
      this.conn.onConsole = prev;
    }
    if (reply === '') throw new TargetError('the stub has no monitor commands (qRcmd not supported)', 'unsupported');
    if (/^E[0-9a-fA-F]{2}$/.test(reply)) throw new TargetError(`the stub refused the monitor command (${reply})`, 'unsupported');
    if (reply !== 'OK') {
      const bytes = fromHex(reply);
      if (bytes) text += new TextDecoder().decode(bytes);
    }
    return text;
  }

  async resume(): Promise<void> {
    this.requireState('paused', 'resume');
    if (!(await this.stepOffBreakpoint())) return;
    this.requireState('paused', 'resume'); // the session may have detached meanwhile
    this.invalidate();
    this.mode = 'continue';
    this.runState = 'running';
    await this.conn.resume(this.stubFeatures.has('vContSupported') ? 'vCont;c' : 'c');
  }

  async pause(): Promise<StopEvent> {
    const ed = this.editing;
    if (ed) { ed.pauseWanted = true; return new Promise((resolve) => ed.waiters.push(resolve)); }
    if (this.runState !== 'running' || this.closing) return this.lastStop.reason.kind === 'pause' ? this.lastStop : this.pauseEvent();
    const ev = this.nextStop();
    this.pausing = true;
    this.conn.interrupt();
    return ev;
  }

  /**
   * Resuming at a breakpoint runs its instruction, as the Machine does: stubs like QEMU's stop
   * there again at once, so lift it, step the hart over it quietly, and put it back (gdb's own
   * way). False when that step stopped for another reason, which is then reported instead.
   */
  private async stepOffBreakpoint(): Promise<boolean> {
    const r = this.lastStop.reason;
    if (!('hart' in r) || this.breakpoints.size === 0) return true;
    const pc = await this.readRegister(r.hart, REG_PC).catch(() => undefined);
    if (pc === undefined || !this.breakpoints.has(`sw:${pc}`)) return true;
    await this.zPacket('z', 0, pc, 4);
    let ev: StopEvent;
    this.quiet = true;
    try { ev = await this.step(r.hart); } finally {
      this.quiet = false;
      if (this.runState === 'paused') await this.zPacket('Z', 0, pc, 4);
    }
    if (ev.reason.kind === 'step') return true;
    for (const l of [...this.listeners]) l(ev);
    return false;
  }

  /** QEMU's stub masks interrupts in a single step by default (`maintenance packet qqemu.sstep`), so noInterrupts holds there as it is. */
  async step(hart: number, _opts?: StepOptions): Promise<StopEvent> {
    this.requireState('paused', 'step');
    const tid = this.threadOf(hart);
    this.invalidate();
    this.mode = 'step';
    this.runState = 'running';
    const ev = this.nextStop();
    if (this.stubFeatures.has('vContSupported')) await this.conn.resume(`vCont;s:${tid}`);
    else {
      // A stub without vCont: select the thread for c/s, then the legacy step.
      this.runState = 'paused';
      if ((await this.request(`Hc${tid}`)) !== 'OK') throw new TargetError(`the remote stub cannot select thread ${tid}`, 'bad-hart');
      this.runState = 'running';
      await this.conn.resume('s');
    }
    return ev;
  }

  async readRegister(hart: number, reg: number): Promise<bigint> {
    this.requireState('paused', 'read a register');
    const r = this.regs.get(reg);
    if (!r) throw new TargetError(`register ${reg} is not provided by the remote stub`, 'bad-register');
    if (reg <= REG_PC) {
      const g = await this.generalRegisters(hart);
      if (g[reg] !== undefined) return g[reg];
    }
    await this.selectThread(hart);
    const reply = await this.request(`p${r.remote.toString(16)}`);
    const v = reply.startsWith('E') || reply === '' ? undefined : hexToReg(reply.replace(/x/g, '0'));
    if (v === undefined) throw new TargetError(`the remote stub cannot read register ${reg} (${reply || 'unsupported'})`, 'bad-register');
    return v;
  }

  async writeRegister(hart: number, reg: number, value: bigint): Promise<void> {
    this.requireState('paused', 'write a register');
    const r = this.regs.get(reg);
    if (!r) throw new TargetError(`register ${reg} is not provided by the remote stub`, 'bad-register');
    await this.selectThread(hart);
    this.gCache.delete(hart);
    const reply = await this.request(`P${r.remote.toString(16)}=${regToHex(value, r.size)}`);
    if (reply !== 'OK') throw new TargetError(`the remote stub cannot write register ${reg} (${reply || 'unsupported'})`, 'bad-register');
  }

  async readMemory(address: bigint, length: number, space?: AddressSpace): Promise<Uint8Array> {
    this.requireState('paused', 'read memory');
    const sp = space ?? this.defaultSpace();
    if (sp.kind === 'satp') return this.viaPageTable(sp.satp, address, length, (pa, n) => this.readMemory(pa, n, { kind: 'physical' }));
    const out = new Uint8Array(length);
    await this.inSpace(sp, async () => {
      const chunk = this.maxChunk();
      for (let off = 0; off < length;) {
        const n = Math.min(chunk, length - off);
        const a = BigInt.asUintN(64, address + BigInt(off));
        const reply = await this.request(`m${a.toString(16)},${n.toString(16)}`);
        const bytes = reply.startsWith('E') ? undefined : fromHex(reply);
        if (!bytes || bytes.length === 0) throw new TargetError(`cannot read memory at 0x${a.toString(16)}`, 'unmapped');
        const got = Math.min(n, bytes.length); // a stub may return fewer bytes than asked
        out.set(bytes.subarray(0, got), off);
        off += got;
      }
    });
    return out;
  }

  async writeMemory(address: bigint, data: Uint8Array, space?: AddressSpace): Promise<void> {
    this.requireState('paused', 'write memory');
    const sp = space ?? this.defaultSpace();
    if (sp.kind === 'satp') {
      await this.viaPageTable(sp.satp, address, data.length, async (pa, n, off) => { await this.writeMemory(pa, data.subarray(off, off + n), { kind: 'physical' }); return new Uint8Array(0); });
      return;
    }
    await this.inSpace(sp, async () => {
      const chunk = this.maxChunk();
      for (let off = 0; off < data.length; off += chunk) {
        const part = data.subarray(off, off + chunk);
        const a = BigInt.asUintN(64, address + BigInt(off));
        const reply = await this.request(`M${a.toString(16)},${part.length.toString(16)}:${toHex(part)}`);
        if (reply !== 'OK') throw new TargetError(`cannot write memory at 0x${a.toString(16)}`, 'unmapped');
      }
    });
  }

  /**
   * Counted per address and kind across callers (added twice, removed once: still set), as the
   * Machine does. While the target runs, the stub (QEMU's takes packets only while stopped) is
   * paused for the packet and resumed, and that pause is not reported (`edit`).
   */
  async addBreakpoint(address: bigint, kind: BreakKind = 'sw'): Promise<void> {
    const a = BigInt.asUintN(64, address);
    await this.counted(this.breakpoints, `${kind}:${a}`, true, () => this.zPacket('Z', kind === 'sw' ? 0 : 1, a, 4));
  }

  async removeBreakpoint(address: bigint, kind: BreakKind = 'sw'): Promise<void> {
    const a = BigInt.asUintN(64, address);
    await this.counted(this.breakpoints, `${kind}:${a}`, false, () => this.zPacket('z', kind === 'sw' ? 0 : 1, a, 4));
  }

  async addWatchpoint(address: bigint, length: number, kind: WatchKind): Promise<void> {
    const a = BigInt.asUintN(64, address);
    await this.counted(this.watchpoints, `${kind}:${a}:${length}`, true, () => this.zPacket('Z', WATCH_TYPE[kind], a, length));
  }

  async removeWatchpoint(address: bigint, length: number, kind: WatchKind): Promise<void> {
    const a = BigInt.asUintN(64, address);
    await this.counted(this.watchpoints, `${kind}:${a}:${length}`, false, () => this.zPacket('z', WATCH_TYPE[kind], a, length));
  }

  private async counted(holders: Map<string, number>, key: string, add: boolean, send: () => Promise<void>): Promise<void> {
    const n = holders.get(key) ?? 0;
    if (add) {
      if (n === 0) await this.edit(send);
      holders.set(key, n + 1);
    } else if (n === 1) {
      holders.delete(key);
      await this.edit(send);
    } else if (n > 1) holders.set(key, n - 1);
  }

  private breakpointAt(pc: bigint): boolean {
    return this.breakpoints.has(`sw:${pc}`) || this.breakpoints.has(`hw:${pc}`);
  }

  /**
   * Sends a Z/z packet now, or, while the target runs, between a quiet pause and a resume (one
   * at a time). A stop that came on its own before the pause took (a breakpoint, an exit) is
   * reported as usual after the packet, and the target stays stopped; so does a pause()
   * asked for meanwhile.
   */
  private async edit(send: () => Promise<void>): Promise<void> {
    if (this.runState !== 'running' || this.closing) return send();
    const prev = this.editChain;
    let release!: () => void;
    this.editChain = new Promise((r) => { release = r; });
    try {
      await prev;
      // a step (ours off a breakpoint, or the user's) ends by itself
      if (this.runState === 'running' && this.mode === 'step') await this.nextStop();
      if (this.runState !== 'running') return await send();
      const ed = this.editing = { pauseWanted: false, waiters: [] as ((ev: StopEvent) => void)[] };
      let ev: StopEvent;
      this.quiet = true;
      try {
        const next = this.nextStop();
        this.pausing = true;
        this.conn.interrupt();
        ev = await next;
      } finally { this.quiet = false; }
      let failure: unknown;
      try { if (this.state() === 'paused') await send(); } catch (e) { failure = e; }
      this.editing = undefined;
      const own = ev.reason.kind === 'pause';
      if (own && !ed.pauseWanted && this.state() === 'paused') {
        try { await this.resume(); } catch (e) { failure ??= e; }
      } else {
        for (const w of ed.waiters) w(ev);
        for (const l of [...this.listeners]) l(ev);
      }
      if (failure) throw failure;
    } finally { release(); }
  }

  async instructionCount(hart?: number): Promise<bigint> {
    if (this.runState !== 'paused') return this.lastStop.instret;
    const reg = this.regs.has(REG_CSR0 + MINSTRET) ? REG_CSR0 + MINSTRET : this.regs.has(REG_CSR0 + INSTRET) ? REG_CSR0 + INSTRET : undefined;
    if (reg === undefined) return 0n;
    const harts = hart === undefined ? [...Array(this.features.harts).keys()] : [hart];
    let sum = 0n;
    for (const h of harts) sum += await this.readRegister(h, reg).catch(() => 0n);
    return sum;
  }

  onStop(listener: (event: StopEvent) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  }

  // ---- internals ----

  private request(text: string): Promise<string> {
    if (this.closing) return Promise.reject(new TargetError('the connection to the remote stub is closing', 'io'));
    return this.conn.request(text).catch((e: unknown) => {
      throw e instanceof RspClientError ? new TargetError(e.message, 'io') : e;
    });
  }

  private requireState(want: TargetState, what: string): void {
    if (this.closing) throw new TargetError(`cannot ${what}: the connection to the remote stub is closing`, 'io');
    if (this.runState === want) return;
    throw new TargetError(`cannot ${what}: the remote target is ${this.runState}`, this.runState === 'exited' ? 'state' : 'busy');
  }

  private invalidate(): void {
    this.gCache.clear();
  }

  private defaultSpace(): AddressSpace {
    return this.phyMemMode ? { kind: 'physical' } : { kind: 'virtual', hart: 0 };
  }

  private maxChunk(): number {
    const size = parseInt(this.stubFeatures.get('PacketSize') ?? '400', 16) || 0x400;
    return Math.max(16, Math.min(0x800, Math.floor((size - 16) / 2)));
  }

  private async inSpace<T>(space: AddressSpace, fn: () => Promise<T>): Promise<T> {
    if (space.kind === 'virtual') {
      await this.selectThread(space.hart);
      return fn();
    }
    if (!this.phyMemMode) throw new TargetError('the remote stub cannot access physical memory', 'unsupported');
    await this.request('Qqemu.PhyMemMode:1');
    try { return await fn(); } finally { await this.request('Qqemu.PhyMemMode:0').catch(() => undefined); }
  }

  private async viaPageTable(satp: bigint, address: bigint, length: number, access: (pa: bigint, n: number, off: number) => Promise<Uint8Array>): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    let off = 0;
    while (off < length) {
      const va = BigInt.asUintN(64, address + BigInt(off));
      const walk = await walkSv39(this, satp, va);
      if (walk.physical === undefined) throw new TargetError(`cannot translate 0x${va.toString(16)}: ${walk.problem}`, 'unmapped');
      const inPage = Number(0x1000n - (va & 0xfffn));
      const n = Math.min(inPage, length - off);
      out.set(await access(walk.physical, n, off), off);
      off += n;
    }
    return out;
  }

  private async selectThread(hart: number): Promise<void> {
    const tid = this.threadOf(hart);
    if (this.selectedG === tid) return;
    const reply = await this.request(`Hg${tid}`);
    if (reply !== 'OK') throw new TargetError(`the remote stub has no thread ${tid} (hart ${hart})`, 'bad-hart');
    this.selectedG = tid;
  }

  private async generalRegisters(hart: number): Promise<bigint[]> {
    const cached = this.gCache.get(hart);
    if (cached) return cached;
    await this.selectThread(hart);
    const reply = await this.request('g');
    const regs: bigint[] = [];
    if (!reply.startsWith('E')) {
      for (let r = 0; r <= REG_PC; r++) {
        const m = this.regs.get(r);
        if (!m || m.remote > REG_PC) break;
        const hex = reply.slice(m.remote * 16, m.remote * 16 + 16);
        if (hex.length < 16 || hex.includes('x')) break;
        regs[r] = hexToReg(hex)!;
      }
    }
    this.gCache.set(hart, regs);
    return regs;
  }

  private threadOf(hart: number): string {
    if (!Number.isInteger(hart) || hart < 0 || hart >= this.features.harts) throw new TargetError(`no hart ${hart} (the remote target has ${this.features.harts})`, 'bad-hart');
    return this.threads[hart] ?? '1';
  }

  private hartOf(thread: string | undefined): number {
    if (thread === undefined) return 0;
    const i = this.threads.indexOf(thread);
    if (i >= 0) return i;
    // Match the thread part of p1.2 against a plain 2 and the other way round.
    const tail = (t: string): string => t.slice(t.indexOf('.') + 1).replace(/^0+/, '');
    const j = this.threads.findIndex((t) => tail(t) === tail(thread));
    return j >= 0 ? j : 0;
  }

  private async zPacket(op: 'Z' | 'z', type: number, address: bigint, kind: number): Promise<void> {
    if (this.runState === 'exited') throw new TargetError('the remote target has exited', 'state');
    const reply = await this.request(`${op}${type},${address.toString(16)},${kind.toString(16)}`);
    if (reply === '') throw new TargetError(`the remote stub does not support ${op}${type}`, 'unsupported');
    if (reply !== 'OK') throw new TargetError(`the remote stub refused ${op}${type} at 0x${address.toString(16)} (${reply})`, 'io');
  }

  private nextStop(): Promise<StopEvent> {
    return new Promise((resolve) => this.stopWaiters.push(resolve));
  }

  private pauseEvent(): StopEvent {
    const r = this.lastStop.reason;
    const hart = 'hart' in r ? r.hart : 0;
    const pc = 'pc' in r ? r.pc : 0n;
    return { reason: { kind: 'pause', hart, pc }, instret: this.lastStop.instret };
  }

  private async onStopReply(text: string): Promise<void> {
    const stop = parseStopReply(text);
    const mode = this.mode;
    const pausing = this.pausing;
    this.mode = 'idle';
    this.pausing = false;
    let reason: StopReason;
    if (!stop) {
      reason = { kind: 'disconnected', message: `the remote stub sent ${JSON.stringify(text.slice(0, 40))} instead of a stop reply` };
      this.runState = 'exited';
    } else if (stop.kind === 'exited') {
      this.runState = 'exited';
      reason = { kind: 'poweroff', code: stop.code ?? 0 };
    } else if (stop.kind === 'killed') {
      this.runState = 'exited';
      reason = { kind: 'disconnected', message: `the remote target was killed (signal ${stop.signal})` };
    } else {
      this.runState = 'paused';
      const hart = this.hartOf(stop.thread);
      if (stop.thread) this.selectedG = undefined;
      const pcReg = this.regs.get(REG_PC)!;
      const expedited = stop.registers.get(pcReg.remote);
      const pc = expedited ? hexToReg(expedited) ?? 0n : await this.readRegister(hart, REG_PC).catch(() => 0n);
      if (stop.watch) reason = { kind: 'watchpoint', hart, pc, watch: stop.watch.kind, address: stop.watch.address };
      else if (stop.swbreak || stop.hwbreak) reason = { kind: 'breakpoint', hart, pc };
      else if (mode === 'step') reason = { kind: 'step', hart, pc };
      else if (this.breakpointAt(pc) && !(pausing && stop.signal === 2)) reason = { kind: 'breakpoint', hart, pc };
      else reason = { kind: 'pause', hart, pc };
    }
    const instret = this.runState === 'paused' ? await this.instructionCount().catch(() => 0n) : this.lastStop.instret;
    this.emit({ reason, instret });
  }

  private emit(ev: StopEvent): void {
    this.lastStop = ev;
    for (const w of this.stopWaiters.splice(0)) w(ev);
    if (this.quiet) return;
    for (const l of [...this.listeners]) l(ev);
  }

  private onDisconnect(why: string): void {
    if (this.runState === 'exited' && this.lastStop.reason.kind === 'disconnected') return;
    this.runState = 'exited';
    this.emit({ reason: { kind: 'disconnected', message: why }, instret: this.lastStop.instret });
  }
}

const WATCH_TYPE: Record<WatchKind, number> = { write: 2, read: 3, access: 4 };

/** Reads a whole qXfer object (in pieces of up to 0x800 bytes). */
async function readXfer(conn: RspConnection, object: string, annex: string): Promise<string> {
  let doc = '';
  for (;;) {
    const reply = await conn.request(`qXfer:${object}:read:${annex}:${doc.length.toString(16)},800`);
    if (reply.startsWith('E') || reply === '') throw new RspClientError(`the stub cannot read ${object} ${annex} (${reply || 'unsupported'})`);
    doc += reply.slice(1);
    if (reply[0] === 'l') return doc;
    if (reply[0] !== 'm') throw new RspClientError(`bad qXfer reply ${JSON.stringify(reply.slice(0, 20))}`);
  }
}
