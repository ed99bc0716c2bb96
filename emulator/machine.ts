// The in-process machine: harts, bus and the `virt` board put together, run in slices so a
// pause is honoured within 50 ms, in virtual time (mtime advances with retired instructions;
// when every hart waits in WFI time jumps to the next deadline, at once or, with idle 'sleep',
// once real time has caught up), deterministically (harts take
// turns with a fixed quantum). It implements the Target seam: registers, memory in three
// address spaces, breakpoints and watchpoints kept here (guest memory is never patched), and
// stop events (breakpoint, watchpoint, step, pause, poweroff, reboot, fault-loop).
import { Bus, RAM_BASE } from './bus/bus';
import type { BlockBackend, SerialHost, TimedDevice } from './bus/device';
import { Hart, HartEnv } from './cpu/hart';
import { buildVirtBoard, VirtBoard } from './board/virt';
import { loadKernelImage, KernelImage } from './loader/elf';
import { attachHtif } from './machine/htif';
import { readRegister, writeRegister, pcToBig } from './machine/registers';
import { readMemory, writeMemory } from './machine/debug-memory';
import { Watchpoints } from './machine/watchpoints';
import {
  AddressSpace, BreakKind, Disposable, StopEvent, StopReason, Target, TargetError, TargetFeatures, TargetState, WatchKind,
} from './target';

/** Retired instructions per tick of the 10 MHz timebase: a nominal 100 MHz hart. */
export const INSNS_PER_TICK = 10;
/** Instructions a hart runs before the next one gets its turn. */
const QUANTUM_1 = 20000;
const QUANTUM_SMP = 2000;
/** Wall-clock length of one run slice before yielding to the host's event loop. */
const SLICE_MS = 10;
/** Instruction units per millisecond of nominal time (10 MHz timebase x INSNS_PER_TICK). */
const UNITS_PER_MS = 10_000 * INSNS_PER_TICK;
/** How far virtual time may lag real time before an idle machine stops catching up. */
const MAX_LAG_UNITS = 50 * UNITS_PER_MS;
/** Firmware and kernel placement with firmware (QEMU's layout). */
const KERNEL_WITH_FIRMWARE = 0x8020_0000;

export interface MachineOptions {
  /** RAM size in bytes (default 128 MiB). */
  memoryBytes?: number;
  /** Number of harts (default 1). */
  smp?: number;
  /** Kernel image: ELF or Linux Image bytes. */
  kernel?: Uint8Array;
  /** Name used in error messages (the kernel file's path). */
  kernelName?: string;
  /** 'none' (default): the kernel starts in M-mode at its entry. Bytes: firmware at 0x8000_0000, kernel at 0x8020_0000. */
  firmware?: 'none' | Uint8Array;
  drives?: BlockBackend[];
  /** Kernel command line (the FDT's /chosen/bootargs). */
  append?: string;
  serial?: SerialHost;
  /**
   * When every hart waits in WFI while the machine runs (resume()): 'skip' (default) jumps
   * to the next timer event at once; 'sleep' lets virtual time run no faster than real time,
   * so an idle guest costs no CPU and its sleep(1) takes a second. The instructions retired
   * between events are the same either way; synchronous runs (runFor) always skip.
   */
  idle?: 'skip' | 'sleep';
}

export class MachineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MachineError';
  }
}

const schedule: (f: () => void) => void = (() => {
  const g = globalThis as unknown as { setImmediate?: (f: () => void) => void };
  if (typeof g.setImmediate === 'function') return (f: () => void) => g.setImmediate!(f);
  return (f: () => void) => { setTimeout(f, 0); };
})();

export class Machine implements Target {
  readonly bus: Bus;
  readonly harts: Hart[] = [];
  readonly board: VirtBoard;
  readonly image: KernelImage | undefined;
  readonly features: TargetFeatures;
  private readonly timed: TimedDevice[];
  private readonly opts: MachineOptions;

  /** Virtual time in instruction units (INSNS_PER_TICK per mtime tick). */
  private units = 0;
  private current: Hart | undefined;
  private readonly runStart: number[] = [];
  private rr = 0;
  /** The hart that ran last (what a pause reports). */
  private lastHart = 0;

  private runState: TargetState = 'paused';
  private stopReason: StopReason | undefined;
  private pauseWanted = false;
  private idle = false;
  private readonly idleMode: 'skip' | 'sleep';
  /** Virtual time (units) and wall time (ms) at the last resume: idle sleeping keeps virtual <= real. */
  private syncUnits = 0;
  private syncWall = 0;
  private sleepMs = 0;
  private sleepTimer: ReturnType<typeof setTimeout> | undefined;
  /** How the machine powered off (what powerOff() answers afterwards). */
  private exitReason: StopReason | undefined;
  private sliceScheduled = false;
  private readonly listeners = new Set<(e: StopEvent) => void>();
  private pauseWaiters: ((e: StopEvent) => void)[] = [];

  private readonly breakpoints = new Set<number>();
  private readonly watch = new Watchpoints();
  private watchHit: StopReason | undefined;

  constructor(opts: MachineOptions = {}) {
    this.opts = opts;
    this.idleMode = opts.idle ?? 'skip';
    const memoryBytes = opts.memoryBytes ?? 128 * 1024 * 1024;
    const smp = opts.smp ?? 1;
    if (!Number.isInteger(smp) || smp < 1 || smp > 8) throw new MachineError(`--smp ${smp}: between 1 and 8 harts`);
    if (!Number.isInteger(memoryBytes) || memoryBytes < 1 << 20 || memoryBytes % 4096 !== 0 || memoryBytes > 0x7fff_f000) {
      throw new MachineError(`memory size ${memoryBytes}: a multiple of 4 KiB from 1 MiB to 2 GiB`);
    }
    this.bus = new Bus({ ramBytes: memoryBytes, harts: smp });
    const ram = { base: RAM_BASE, size: memoryBytes };
    const withFirmware = opts.firmware !== undefined && opts.firmware !== 'none';
    const kernelBase = withFirmware ? KERNEL_WITH_FIRMWARE : RAM_BASE;
    this.image = opts.kernel ? loadKernelImage(opts.kernel, opts.kernelName ?? 'kernel', kernelBase, ram) : undefined;
    const resetAddress = withFirmware ? RAM_BASE : this.image ? Number(this.image.entry) : RAM_BASE;

    const env: HartEnv = {
      timeNow: (h) => Math.floor((this.units + (h.instret - this.runStart[h.id])) / INSNS_PER_TICK),
      watchAccess: (h, va, size, write) => this.onWatchAccess(h, va, size, write),
    };
    for (let i = 0; i < smp; i++) { this.harts.push(new Hart(i, this.bus, env)); this.runStart.push(0); }

    this.board = buildVirtBoard({
      harts: smp, memoryBytes, bootargs: opts.append, drives: opts.drives, serial: opts.serial, resetAddress,
      kernelAddress: this.image ? Number(this.image.entry) : kernelBase,
    }, {
      lines: { setPending: (hart, mask, level) => this.setPending(hart, mask, level) },
      clock: { now: () => this.now() },
      dma: this.bus,
      poweroff: (code) => this.stop({ kind: 'poweroff', code }),
      reboot: () => this.stop({ kind: 'reboot' }),
    });
    for (const d of this.board.devices) this.bus.addDevice(d.base, d.device);
    this.bus.setRom(0x1000, this.board.bootRom);
    this.timed = this.board.timed;

    const tohost = this.image?.symbols.get('tohost');
    if (tohost !== undefined) {
      const fromhost = this.image!.symbols.get('fromhost');
      attachHtif(this.bus, Number(tohost), fromhost === undefined ? undefined : Number(fromhost), {
        exit: (code) => this.stop({ kind: 'poweroff', code }),
        putchar: (b) => opts.serial?.output(b),
      });
    }
    this.loadImages();

    const csrs: number[] = [];
    for (let n = 0; n < 4096; n++) if (this.harts[0].csr.exists(n)) csrs.push(n);
    this.features = { harts: smp, watchpoints: 16, physicalMemory: true, satpTranslation: true, csrs, fpu: true };
  }

  /** Copies firmware, kernel and FDT into RAM and puts every hart at the reset vector. */
  private loadImages(): void {
    const fw = this.opts.firmware;
    if (fw !== undefined && fw !== 'none') {
      if (!this.bus.dmaWrite(RAM_BASE, fw)) throw new MachineError(`firmware (${fw.length} bytes) does not fit in RAM`);
    }
    for (const s of this.image?.segments ?? []) {
      if (!this.bus.dmaWrite(s.paddr, s.data)) throw new MachineError(`kernel segment at 0x${s.paddr.toString(16)} is outside RAM`);
    }
    if (!this.bus.dmaWrite(this.board.fdtAddress, this.board.fdt)) throw new MachineError('the device tree does not fit in RAM');
    for (const h of this.harts) { h.pc = h.nextPc = 0x1000; h.priv = 3; h.flushTlb(); }
  }

  // ------------------------------------------------------------ time and interrupts

  private now(): number {
    const h = this.current;
    return Math.floor((this.units + (h ? h.instret - this.runStart[h.id] : 0)) / INSNS_PER_TICK);
  }

  /** mtime now (ticks of the 10 MHz timebase). */
  mtime(): number { return this.now(); }

  private setPending(hart: number, mask: number, level: boolean): void {
    const h = this.harts[hart];
    if (!h) return;
    const c = h.csr;
    c.mipHw = level ? c.mipHw | mask : c.mipHw & ~mask;
    h.yieldFlag = true;
    if (level && this.idle && this.runState === 'running') this.kick();
  }

  /** Next deadline (in instruction units) after now, or Infinity. */
  private nextDeadline(): number {
    const now = Math.floor(this.units / INSNS_PER_TICK);
    let d = Infinity;
    for (const t of this.timed) { const x = t.nextDeadline(); if (x > now && x < d) d = x; }
    for (const h of this.harts) { const x = h.csr.stimecmpDeadline(); if (x > now && x < d) d = x; }
    return d === Infinity ? Infinity : d * INSNS_PER_TICK;
  }

  private advanceDevices(): void {
    const now = Math.floor(this.units / INSNS_PER_TICK);
    for (const t of this.timed) if (t.nextDeadline() <= now) t.advance(now);
  }

  // ------------------------------------------------------------ the run loop

  private stop(reason: StopReason): void {
    if (!this.stopReason) this.stopReason = reason;
    for (const h of this.harts) { h.stopRequested = true; h.yieldFlag = true; }
  }

  /**
   * Runs until a stop, `maxSteps` instruction steps (all harts), or idle (every hart waits and
   * nothing is scheduled). Returns the stop reason, 'idle' or undefined (budget used up).
   */
  private runSteps(maxSteps: number, wallDeadline: number): StopReason | 'idle' | undefined {
    let steps = 0;
    const n = this.harts.length;
    const quantum = n === 1 ? QUANTUM_1 : QUANTUM_SMP;
    let rounds = 0;
    while (steps < maxSteps) {
      if (this.stopReason) return this.takeStop();
      if (this.pauseWanted) return undefined;
      this.advanceDevices();
      const deadline = this.nextDeadline();
      let q = Math.min(quantum, maxSteps - steps);
      if (deadline !== Infinity) q = Math.max(1, Math.min(q, deadline - this.units));
      // Steps (retired instructions and trapping ones) bound the slice; virtual time advances
      // by retired instructions only, as the hart sees it mid-slice (units + instret delta),
      // so a run in slices of any size, or stepped, reads the same mtime at every instruction.
      let longest = 0, advanced = 0;
      let anyRan = false;
      for (let k = 0; k < n; k++) {
        const h = this.harts[(this.rr + k) % n];
        if (h.waiting && !h.csr.interruptWaiting()) continue;
        anyRan = true;
        this.current = h;
        const start = h.instret;
        this.runStart[h.id] = start;
        const ran = h.run(q);
        this.current = undefined;
        this.runStart[h.id] = h.instret;
        this.lastHart = h.id;
        if (ran > longest) longest = ran;
        if (h.instret - start > advanced) advanced = h.instret - start;
        const r = this.hartStop(h);
        if (r) { this.units += advanced; return r; }
        if (this.stopReason) { this.units += advanced; return this.takeStop(); }
      }
      this.rr = (this.rr + 1) % n;
      if (!anyRan) {
        if (deadline === Infinity) return 'idle';
        if (wallDeadline !== Infinity && this.idleMode === 'sleep') {
          const wait = this.idleWaitMs(deadline);
          if (wait > 0) { this.sleepMs = wait; return 'idle'; }
        }
        this.units = Math.max(this.units, deadline);
      } else {
        this.units += advanced;
        steps += longest;
      }
      if ((++rounds & 7) === 0 && wallDeadline !== Infinity && performance.now() > wallDeadline) return undefined;
    }
    return undefined;
  }

  /** How long an idle machine waits before virtual time may reach `deadline` (0: now). */
  private idleWaitMs(deadline: number): number {
    const wall = performance.now();
    let allowed = this.syncUnits + (wall - this.syncWall) * UNITS_PER_MS;
    if (allowed > this.units + MAX_LAG_UNITS) { this.syncUnits = this.units; this.syncWall = wall; allowed = this.units; }
    return deadline <= allowed ? 0 : (deadline - allowed) / UNITS_PER_MS;
  }

  /** A reason this hart stopped the machine (breakpoint, watchpoint, fault loop), if any. */
  private hartStop(h: Hart): StopReason | undefined {
    if (h.breakpointHit) {
      h.breakpointHit = false;
      this.stop({ kind: 'breakpoint', hart: h.id, pc: pcToBig(h.pc) });
      return this.takeStop();
    }
    if (this.watchHit) { this.stopReason = this.watchHit; this.watchHit = undefined; return this.takeStop(); }
    if (h.faultLoop) {
      this.stop({ kind: 'fault-loop', hart: h.id, pc: pcToBig(h.lastTrapPc), cause: BigInt(h.lastTrapCause), tval: pcToBig(h.lastTrapTval) });
      return this.takeStop();
    }
    return undefined;
  }

  /** A pause names the hart that ran last (the one a Ctrl-C interrupted), unless it sleeps in WFI and another does not. */
  private pauseReason(): StopReason {
    let h = this.harts[this.lastHart] ?? this.harts[0];
    if (h.waiting) h = this.harts.find((x) => !x.waiting) ?? h;
    return { kind: 'pause', hart: h.id, pc: pcToBig(h.pc) };
  }

  private takeStop(): StopReason {
    const r = this.stopReason!;
    this.stopReason = undefined;
    for (const h of this.harts) h.stopRequested = false;
    if (r.kind === 'reboot') this.reset();
    return r;
  }

  private event(reason: StopReason): StopEvent {
    return { reason, instret: this.instretTotal() };
  }

  private instretTotal(): bigint {
    let s = 0;
    for (const h of this.harts) s += h.instret;
    return BigInt(s);
  }

  /** Power-on reset: RAM reloaded, devices and harts back to their initial state (reboot). */
  reset(): void {
    this.bus.reset();
    this.board.resetDevices();
    for (let i = 0; i < this.harts.length; i++) {
      const old = this.harts[i];
      old.x.fill(0); old.f.i32.fill(0); old.f.fflags = 0; old.f.frm = 0;
      const c = old.csr;
      c.store.fill(0); c.mstatus = 0; c.mie = 0; c.mipSw = 0; c.mipHw = 0; c.mideleg = 0; c.medeleg = 0;
      old.waiting = false; old.faultLoop = false;
    }
    this.loadImages();
  }

  // ------------------------------------------------------------ synchronous running (tests, benches, CLI)

  /**
   * Runs at most `maxInstructions` steps synchronously (tests, benches); returns the stop
   * event, or undefined if the budget ran out or the machine went idle. Listeners are not
   * called (the caller has the event); do not mix with resume() while it runs.
   */
  runFor(maxInstructions: number): StopEvent | undefined {
    this.prepareResume();
    const r = this.runSteps(maxInstructions, Infinity);
    if (r === undefined || r === 'idle') return undefined;
    const e = this.event(r);
    if (r.kind === 'poweroff') this.exited(r);
    return e;
  }

  /** Runs until something stops the machine (or it goes idle: undefined). */
  runUntilStop(maxInstructions = Infinity): StopEvent | undefined {
    return this.runFor(maxInstructions);
  }

  private prepareResume(): void {
    for (const h of this.harts) {
      if (this.breakpoints.has(h.pc)) h.skipBreakpointOnce = true;
      h.faultLoop = false;
    }
  }

  /** Host serial input (typed bytes): goes to the UART, which may wake an idle machine. */
  sendInput(bytes: Uint8Array): void {
    this.board.uartReceive(bytes);
    if (this.idle && this.runState === 'running') this.kick();
  }

  // ------------------------------------------------------------ Target: run control

  state(): TargetState { return this.runState; }

  async resume(): Promise<void> {
    if (this.runState === 'exited') throw new TargetError('the machine has powered off', 'state');
    if (this.runState === 'running') return;
    this.prepareResume();
    this.runState = 'running';
    this.pauseWanted = false;
    // time spent paused (in a debugger) is not time the guest sees pass
    this.syncUnits = this.units; this.syncWall = performance.now();
    this.kick();
  }

  private kick(): void {
    this.idle = false;
    this.cancelSleep();
    if (this.sliceScheduled) return;
    this.sliceScheduled = true;
    schedule(() => this.slice());
  }

  private slice(): void {
    this.sliceScheduled = false;
    if (this.runState !== 'running') return;
    if (this.pauseWanted) { this.finish(this.pauseReason()); return; }
    this.sleepMs = 0;
    const r = this.runSteps(Infinity, performance.now() + SLICE_MS);
    if (r === 'idle') {
      this.idle = true;
      if (this.pauseWanted) { this.finish(this.pauseReason()); return; }
      if (this.sleepMs > 0) this.sleepTimer = setTimeout(() => { this.sleepTimer = undefined; this.kick(); }, Math.max(1, Math.ceil(this.sleepMs)));
      return;
    }
    if (r) { this.finish(r); return; }
    if (this.pauseWanted) { this.finish(this.pauseReason()); return; }
    this.kick();
  }

  /** The machine has powered off; `reason` is what powerOff() answers from now on. */
  private exited(reason: StopReason): void {
    this.runState = 'exited';
    this.exitReason = reason;
  }

  private cancelSleep(): void {
    if (this.sleepTimer !== undefined) { clearTimeout(this.sleepTimer); this.sleepTimer = undefined; }
  }

  private finish(reason: StopReason): void {
    this.cancelSleep();
    if (reason.kind === 'poweroff') this.exited(reason); else this.runState = 'paused';
    this.pauseWanted = false;
    this.idle = false;
    const e = this.event(reason);
    const waiters = this.pauseWaiters;
    this.pauseWaiters = [];
    for (const w of waiters) w(e);
    for (const l of this.listeners) l(e);
  }

  /**
   * Powers the machine off from the host side (a monitor's halt, a front end's Stop), as the
   * guest would through sifive_test: listeners and the returned event see a poweroff with
   * `code`, and the machine is exited.
   */
  powerOff(code = 0): Promise<StopEvent> {
    if (this.runState === 'exited') return Promise.resolve(this.event(this.exitReason ?? { kind: 'poweroff', code }));
    return new Promise((resolve) => {
      this.pauseWaiters.push(resolve);
      if (this.runState === 'paused' || this.idle) this.finish({ kind: 'poweroff', code });
      else this.stop({ kind: 'poweroff', code }); // the running slice takes it at the next instruction boundary
    });
  }

  pause(): Promise<StopEvent> {
    if (this.runState !== 'running') {
      return Promise.resolve(this.event(this.pauseReason()));
    }
    return new Promise((resolve) => {
      this.pauseWaiters.push(resolve);
      this.pauseWanted = true;
      if (this.idle) this.finish(this.pauseReason());
    });
  }

  async step(hart: number): Promise<StopEvent> {
    const h = this.hart(hart);
    if (this.runState === 'running') throw new TargetError('pause the machine before stepping', 'state');
    if (this.runState === 'exited') throw new TargetError('the machine has powered off', 'state');
    h.skipBreakpointOnce = true;
    h.faultLoop = false;
    this.current = h;
    const start = h.instret;
    this.runStart[h.id] = start;
    this.advanceDevices();
    h.run(1);
    this.current = undefined;
    this.runStart[h.id] = h.instret;
    this.units += h.instret - start;
    h.breakpointHit = false;
    h.stopRequested = false;
    let reason: StopReason = { kind: 'step', hart, pc: pcToBig(h.pc) };
    if (this.watchHit) { reason = this.watchHit; this.watchHit = undefined; }
    if (this.stopReason) reason = this.takeStop();
    const e = this.event(reason);
    if (reason.kind === 'poweroff') this.exited(reason);
    for (const l of this.listeners) l(e);
    return e;
  }

  onStop(listener: (event: StopEvent) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  }

  // ------------------------------------------------------------ Target: state access

  private hart(n: number): Hart {
    const h = this.harts[n];
    if (!h) throw new TargetError(`no hart ${n} (the machine has ${this.harts.length})`, 'bad-hart');
    return h;
  }

  private notRunning(): void {
    if (this.runState === 'running') throw new TargetError('pause the machine first', 'busy');
  }

  async readRegister(hart: number, reg: number): Promise<bigint> {
    return readRegister(this.hart(hart), reg);
  }

  async writeRegister(hart: number, reg: number, value: bigint): Promise<void> {
    this.notRunning();
    writeRegister(this.hart(hart), reg, value);
  }

  async readMemory(address: bigint, length: number, space?: AddressSpace): Promise<Uint8Array> {
    return readMemory(this.bus, this.harts, address, length, space);
  }

  async writeMemory(address: bigint, data: Uint8Array, space?: AddressSpace): Promise<void> {
    writeMemory(this.bus, this.harts, address, data, space);
  }

  async addBreakpoint(address: bigint, _kind?: BreakKind): Promise<void> {
    this.breakpoints.add(Number(BigInt.asIntN(64, address)));
    for (const h of this.harts) h.breakpoints = this.breakpoints;
  }

  async removeBreakpoint(address: bigint, _kind?: BreakKind): Promise<void> {
    this.breakpoints.delete(Number(BigInt.asIntN(64, address)));
    if (this.breakpoints.size === 0) for (const h of this.harts) h.breakpoints = undefined;
  }

  async addWatchpoint(address: bigint, length: number, kind: WatchKind): Promise<void> {
    this.watch.add(Number(BigInt.asIntN(64, address)), length, kind);
    for (const h of this.harts) h.watchOn = true;
  }

  async removeWatchpoint(address: bigint, length: number, kind: WatchKind): Promise<void> {
    this.watch.remove(Number(BigInt.asIntN(64, address)), length, kind);
    if (this.watch.empty()) for (const h of this.harts) h.watchOn = false;
  }

  private onWatchAccess(h: Hart, va: number, size: number, write: boolean): void {
    const w = this.watch.hit(va, size, write);
    if (!w || this.watchHit) return;
    this.watchHit = { kind: 'watchpoint', hart: h.id, pc: pcToBig(h.pc), watch: w.kind, address: pcToBig(Math.max(va, w.address)) };
    h.stopRequested = true;
    h.yieldFlag = true;
  }

  async instructionCount(hart?: number): Promise<bigint> {
    return hart === undefined ? this.instretTotal() : BigInt(this.hart(hart).instret);
  }

  /** Retired instructions (all harts) as a number, for benches and tests. */
  retired(): number {
    let s = 0;
    for (const h of this.harts) s += h.instret;
    return s;
  }
}
