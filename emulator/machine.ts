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
import { Translator } from './cpu/jit/translator';
import { buildVirtBoard, VirtBoard } from './board/virt';
import { loadKernelImage, KernelImage } from './loader/elf';
import { attachHtif } from './machine/htif';
import { hartPc, readRegister, writeRegister } from './machine/registers';
import { readMemory, writeMemory } from './machine/debug-memory';
import { Watchpoints } from './machine/watchpoints';
import { MediaBay, type MediumOpener } from './machine/media';
import { EmptyDrive } from './devices/empty-drive';
import type { VirtioBlk } from './devices/virtio-blk';
import { VirtioMmio } from './devices/virtio-mmio';
import { fingerprint } from './checkpoint/checksum';
import { loadMachine as loadMachineState, saveMachine as saveMachineState, type CheckpointParts, type MachineIdentity } from './checkpoint/machine-checkpoint';
import type { StateReader } from './checkpoint/state';
import {
  AddressSpace, BreakKind, Disposable, StepOptions, StopEvent, StopReason, Target, TargetError, TargetFeatures, TargetState, WatchKind,
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
/** Longest idle sleep (ms) before virtual time is brought up to real time again (below the 50 ms lag). */
const IDLE_TICK_MS = 25;
/** Firmware and kernel placement with firmware (QEMU's layout). */
const KERNEL_WITH_FIRMWARE = 0x8020_0000;
/** QEMU's initrd distance from the kernel: half of RAM, at most 128 MiB (hw/riscv/boot.c). */
const INITRD_MAX_OFFSET = 128 << 20;

const hex = (n: number) => `0x${n.toString(16)}`;

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
  /** Opens a disk for media change (`config DEV=FILE`) on slots whose drive is an EmptyDrive
   *  without an opener of its own; with neither, media change is not available (machine/media.ts). */
  openMedium?: MediumOpener;
  /** Kernel command line (the FDT's /chosen/bootargs). */
  append?: string;
  /**
   * Initial RAM disk: copied into RAM where QEMU's loader puts it, min(RAM / 2, 128 MiB) above
   * the kernel's lowest address, and named in /chosen (linux,initrd-start/end).
   */
  initrd?: Uint8Array;
  /** Name used in error messages (the initrd file's path). */
  initrdName?: string;
  serial?: SerialHost;
  /**
   * When every hart waits in WFI while the machine runs (resume()): 'skip' (default) jumps
   * to the next timer event at once; 'sleep' lets virtual time run no faster than real time,
   * so an idle guest costs no CPU and its sleep(1) takes a second. The instructions retired
   * between events are the same either way; synchronous runs (runFor) always skip.
   */
  idle?: 'skip' | 'sleep';
  /**
   * Translate hot guest code into JavaScript (emulator/cpu/jit): the same instructions, counts,
   * virtual time, traps and interrupts as the interpreter, faster. Default on, unless the
   * environment variable KWB_JIT is "0" (defaultJit).
   */
  jit?: boolean;
}

/**
 * Whether a machine translates when its options do not say: yes, unless KWB_JIT=0 is in the
 * environment. The one environment knob of the emulator: it forces the interpreter for every
 * machine of a process and of the processes it starts (CI's second pass of every suite,
 * bisecting a suspected translator bug) without an option threaded through each layer.
 */
export function defaultJit(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.KWB_JIT !== '0';
}

/** Unsigned 64-bit value of int32 words. */
function words(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
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
  /** Media change on the slots declared empty at start (`config`/`remove`). */
  readonly media: MediaBay;
  readonly image: KernelImage | undefined;
  /** Where the initrd is in RAM (see MachineOptions.initrd). */
  readonly initrdAt: { start: number; end: number } | undefined;
  readonly features: TargetFeatures;
  /** The translator shared by the harts (MachineOptions.jit), or undefined. */
  readonly translator: Translator | undefined;
  private readonly timed: TimedDevice[];
  private readonly opts: MachineOptions;
  private identityCache: MachineIdentity | undefined;

  /** Virtual time in instruction units (INSNS_PER_TICK per mtime tick). */
  private units = 0;
  private current: Hart | undefined;
  private readonly runStart: number[] = [];
  private rr = 0;
  /**
   * Where the next run starts in the round (harts rr, rr+1, ...) a stop cut short: after the
   * hart that stopped the machine, so that the harts after it get their turn before rounds
   * start again from rr. Otherwise a hart that stops early in its turn every time (a breakpoint
   * in its loop that a debugger steps over and resumes from, as the gdb stub does for another
   * process's hit) would run first after every resume and the others never.
   */
  private roundPos = 0;
  /** The hart that ran last (what a pause reports). */
  private lastHart = 0;
  /** The hart the last stop reported (a pause names it again while it runs). */
  private lastStopHart: number | undefined;

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

  /** Breakpoints as the harts compare them: numbers, and beyond ±2^52 (Sv57) by words. */
  private readonly breakpoints = new Set<number>();
  private readonly wideBreakpoints = new Map<number, Set<number>>();
  /** How many holders each breakpoint address has (unsigned 64-bit); the sets above hold those with any. */
  private readonly breakpointHolders = new Map<bigint, number>();
  private readonly watch = new Watchpoints();
  /**
   * A watchpoint the running hart's current instruction was about to touch. As with QEMU's
   * stub, the stop comes before the access, at the accessing instruction (memory unchanged);
   * gdb then steps it with its watchpoints removed, and shows the new value at the next pc.
   */
  private watchHit: { hart: number; watch: WatchKind; address: bigint } | undefined;
  /** The last watchpoint stop: resuming there runs the instruction without stopping again. */
  private watchStop: { hart: number; instret: number; pc: bigint } | undefined;

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
    const initrd = this.initrdAt = opts.initrd ? this.placeInitrd(opts.initrd, opts.initrdName ?? 'initrd', memoryBytes) : undefined;

    const env: HartEnv = {
      timeNow: (h) => Math.floor((this.units + (h.instret - this.runStart[h.id])) / INSNS_PER_TICK),
      watchAccess: (h, va, size, write) => this.onWatchAccess(h, va, size, write),
    };
    for (let i = 0; i < smp; i++) { this.harts.push(new Hart(i, this.bus, env)); this.runStart.push(0); }
    this.translator = (opts.jit ?? defaultJit()) ? new Translator(this.bus) : undefined;
    for (const h of this.harts) h.translator = this.translator;

    this.board = buildVirtBoard({
      harts: smp, memoryBytes, bootargs: opts.append, drives: opts.drives, serial: opts.serial, resetAddress, initrd,
      kernelAddress: this.image ? Number(this.image.entry) : kernelBase,
    }, {
      lines: { setPending: (hart, mask, level) => this.setPending(hart, mask, level) },
      clock: { now: () => this.now() },
      dma: this.bus,
      poweroff: (code) => this.stop({ kind: 'poweroff', code }),
      reboot: () => this.stop({ kind: 'reboot' }),
    });
    if (initrd) this.checkInitrdClear(initrd, opts.initrdName ?? 'initrd');
    for (const d of this.board.devices) this.bus.addDevice(d.base, d.device);
    this.bus.setRom(0x1000, this.board.bootRom);
    this.timed = this.board.timed;
    this.media = new MediaBay(this.board.devices.flatMap((d) => {
      const t = d.device;
      const drive = t instanceof VirtioMmio ? opts.drives?.[t.slot] : undefined;
      return t instanceof VirtioMmio && drive instanceof EmptyDrive ? [{ slot: t.slot, transport: t, blk: t.attached as VirtioBlk, opener: drive.opener }] : [];
    }), opts.openMedium);

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

  /** Where the initrd goes: QEMU's place for it, which must lie inside RAM. */
  private placeInitrd(bytes: Uint8Array, name: string, memoryBytes: number): { start: number; end: number } {
    if (!this.image) throw new MachineError(`initrd '${name}': an initrd needs a kernel`);
    const start = this.image.lowAddress + Math.min(memoryBytes / 2, INITRD_MAX_OFFSET);
    const end = start + bytes.length;
    const ramEnd = RAM_BASE + memoryBytes;
    if (start < RAM_BASE || end > ramEnd) {
      throw new MachineError(`initrd '${name}': ${bytes.length} bytes at ${hex(start)} do not fit in RAM (${hex(RAM_BASE)}..${hex(ramEnd)}); give the machine more memory`);
    }
    return { start, end };
  }

  /** The initrd must not overlap the kernel or the device tree (either would overwrite it). */
  private checkInitrdClear(r: { start: number; end: number }, name: string): void {
    const clash = (what: string, base: number, size: number) => {
      if (r.start < base + size && base < r.end) {
        throw new MachineError(`initrd '${name}': ${r.end - r.start} bytes at ${hex(r.start)} overlap the ${what} at ${hex(base)}..${hex(base + size)}; give the machine more memory`);
      }
    };
    for (const seg of this.image!.segments) clash('kernel', seg.paddr, seg.memSize);
    clash('device tree', this.board.fdtAddress, this.board.fdt.length);
  }

  /** Copies firmware, kernel, initrd and FDT into RAM and puts every hart at the reset vector. */
  private loadImages(): void {
    const fw = this.opts.firmware;
    if (fw !== undefined && fw !== 'none') {
      if (!this.bus.dmaWrite(RAM_BASE, fw)) throw new MachineError(`firmware (${fw.length} bytes) does not fit in RAM`);
    }
    for (const s of this.image?.segments ?? []) {
      if (!this.bus.dmaWrite(s.paddr, s.data)) throw new MachineError(`kernel segment at 0x${s.paddr.toString(16)} is outside RAM`);
    }
    if (this.opts.initrd && this.initrdAt) this.bus.dmaWrite(this.initrdAt.start, this.opts.initrd);
    if (!this.bus.dmaWrite(this.board.fdtAddress, this.board.fdt)) throw new MachineError('the device tree does not fit in RAM');
    for (const h of this.harts) { h.setPcWords(0x1000, 0); h.priv = 3; h.flushTlb(); }
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
      const from = this.roundPos;
      this.roundPos = 0;
      for (let k = from; k < n; k++) {
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
        if (r || this.stopReason) {
          this.units += advanced;
          this.roundPos = (k + 1) % n;
          return r ?? this.takeStop();
        }
      }
      if (from > 0) {
        // the rest of a round a stop cut short: not a new round (rr stays), and harts asleep
        // there do not make the machine idle
        this.units += advanced;
        steps += longest;
        continue;
      }
      this.rr = (this.rr + 1) % n;
      if (!anyRan) {
        if (wallDeadline !== Infinity && this.idleMode === 'sleep') {
          const wait = this.idleWaitMs(deadline);
          if (wait > 0) { this.sleepMs = wait; return 'idle'; }
        } else if (deadline === Infinity) return 'idle';
        this.units = Math.max(this.units, deadline);
      } else {
        this.units += advanced;
        steps += longest;
      }
      // The wall clock every round: a round of trapping steps (a trap storm) can take tens of ms,
      // and the slice must end in time for a pause to be seen within 50 ms. A slice normally ends
      // on every 8th round (which hart ran last, and so which one a pause names, stays as it was);
      // one more slice's worth late, it ends at once.
      if (wallDeadline !== Infinity) {
        const eighth = (++rounds & 7) === 0;
        const now = performance.now();
        if (now > wallDeadline && (eighth || now > wallDeadline + SLICE_MS)) return undefined;
      }
    }
    return undefined;
  }

  /** How long an idle machine waits before virtual time may reach `deadline` (0: now). */
  private idleWaitMs(deadline: number): number {
    const wall = performance.now();
    let allowed = this.syncUnits + (wall - this.syncWall) * UNITS_PER_MS;
    if (allowed > this.units + MAX_LAG_UNITS) { this.syncUnits = this.units; this.syncWall = wall; allowed = this.units; }
    // virtual time follows real time while every hart waits, also when nothing is due; the
    // machine wakes at least every IDLE_TICK_MS to keep up (within MAX_LAG_UNITS)
    const to = Math.floor(Math.min(allowed, deadline));
    if (to > this.units) this.units = to;
    return deadline <= allowed ? 0 : Math.min((deadline - allowed) / UNITS_PER_MS, IDLE_TICK_MS);
  }

  /** A reason this hart stopped the machine (breakpoint, watchpoint, fault loop), if any. */
  private hartStop(h: Hart): StopReason | undefined {
    if (h.breakpointHit) {
      h.breakpointHit = false;
      this.stop({ kind: 'breakpoint', hart: h.id, pc: hartPc(h) });
      return this.takeStop();
    }
    const w = this.takeWatchHit(h);
    if (w) { this.stopReason = w; return this.takeStop(); }
    if (h.faultLoop) {
      this.stop({
        kind: 'fault-loop', hart: h.id, pc: words(h.lastTrapPcLo, h.lastTrapPcHi),
        cause: BigInt(h.lastTrapCause), tval: words(h.lastTrapTvalLo, h.lastTrapTvalHi),
      });
      return this.takeStop();
    }
    return undefined;
  }

  /** A pause names the hart that ran last (the one a Ctrl-C interrupted), unless it sleeps in WFI and another does not. */
  private pauseReason(): StopReason {
    // the hart the last stop named, as QEMU's stub names the CPU gdb continued (the user stays on
    // the hart they were looking at); before any stop, or when it waits in WFI, the one that ran last
    let h = this.harts[this.lastStopHart ?? this.lastHart] ?? this.harts[0];
    if (h.waiting) h = this.harts[this.lastHart] ?? h;
    if (h.waiting) h = this.harts.find((x) => !x.waiting) ?? h;
    return { kind: 'pause', hart: h.id, pc: hartPc(h) };
  }

  private takeStop(): StopReason {
    const r = this.stopReason!;
    this.stopReason = undefined;
    for (const h of this.harts) h.stopRequested = false;
    if (r.kind === 'reboot') this.reset();
    return r;
  }

  private event(reason: StopReason): StopEvent {
    if ('hart' in reason) this.lastStopHart = reason.hart;
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
      if (h.atBreakpoint()) h.skipBreakpointOnce = true;
      this.skipWatchOnResume(h);
      h.faultLoop = false;
    }
  }

  /** Host serial input (typed bytes): goes to the UART, which may wake an idle machine. */
  sendInput(bytes: Uint8Array): void {
    this.board.uartReceive(bytes);
    if (this.idle && this.runState === 'running') this.kick();
  }

  /** A BREAK on the serial line (the UART shows LSR.BI with a zero character); a key sent
   *  within 5 s after it is a magic SysRq key to Linux's serial console and the teaching kernel. */
  sendBreak(): void {
    this.board.uartBreak();
    if (this.idle && this.runState === 'running') this.kick();
  }

  /** Bytes typed with sendInput that the guest has not read yet. */
  inputPending(): number {
    return this.board.uartInputPending();
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

  async step(hart: number, opts: StepOptions = {}): Promise<StopEvent> {
    const h = this.hart(hart);
    if (this.runState === 'running') throw new TargetError('pause the machine before stepping', 'state');
    if (this.runState === 'exited') throw new TargetError('the machine has powered off', 'state');
    h.skipBreakpointOnce = true;
    this.skipWatchOnResume(h);
    h.faultLoop = false;
    this.current = h;
    const start = h.instret;
    this.runStart[h.id] = start;
    this.advanceDevices();
    h.maskInterrupts = opts.noInterrupts === true;
    try { h.run(1); } finally { h.maskInterrupts = false; }
    this.current = undefined;
    this.runStart[h.id] = h.instret;
    this.units += h.instret - start;
    h.breakpointHit = false;
    h.stopRequested = false;
    let reason: StopReason = this.takeWatchHit(h) ?? { kind: 'step', hart, pc: hartPc(h) };
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

  /**
   * Breakpoints are counted per address across their owners (the gdb stub, run control, a
   * test): added twice and removed once, it is still set; the harts see it until the last goes.
   */
  async addBreakpoint(address: bigint, _kind?: BreakKind): Promise<void> {
    const key = BigInt.asUintN(64, address);
    const n = this.breakpointHolders.get(key) ?? 0;
    this.breakpointHolders.set(key, n + 1);
    if (n > 0) return;
    const hi = Number(BigInt.asIntN(32, address >> 32n)), lo = Number(address & 0xffffffffn);
    if (((hi + 0x100000) >>> 21) === 0) this.breakpoints.add(hi * 2 ** 32 + lo);
    else {
      let set = this.wideBreakpoints.get(hi);
      if (!set) this.wideBreakpoints.set(hi, set = new Set());
      set.add(lo);
    }
    this.shareBreakpoints();
  }

  async removeBreakpoint(address: bigint, _kind?: BreakKind): Promise<void> {
    const key = BigInt.asUintN(64, address);
    const n = this.breakpointHolders.get(key) ?? 0;
    if (n > 1) { this.breakpointHolders.set(key, n - 1); return; }
    this.breakpointHolders.delete(key);
    if (n === 0) return;
    const hi = Number(BigInt.asIntN(32, address >> 32n)), lo = Number(address & 0xffffffffn);
    if (((hi + 0x100000) >>> 21) === 0) this.breakpoints.delete(hi * 2 ** 32 + lo);
    else {
      const set = this.wideBreakpoints.get(hi);
      set?.delete(lo);
      if (set?.size === 0) this.wideBreakpoints.delete(hi);
    }
    this.shareBreakpoints();
  }

  /** The harts see the breakpoints only while there are any (so the fast loop runs otherwise). */
  private shareBreakpoints(): void {
    const any = this.breakpoints.size > 0 || this.wideBreakpoints.size > 0;
    for (const h of this.harts) {
      h.breakpoints = any ? this.breakpoints : undefined;
      h.wideBreakpoints = this.wideBreakpoints.size > 0 ? this.wideBreakpoints : undefined;
    }
  }

  async addWatchpoint(address: bigint, length: number, kind: WatchKind): Promise<void> {
    this.watch.add(address, length, kind);
    for (const h of this.harts) h.watchOn = true;
  }

  async removeWatchpoint(address: bigint, length: number, kind: WatchKind): Promise<void> {
    this.watch.remove(address, length, kind);
    if (this.watch.empty()) for (const h of this.harts) h.watchOn = false;
  }

  private onWatchAccess(h: Hart, va: number, size: number, write: boolean): boolean {
    if (this.watchHit) return false;
    const hit = this.watch.hit(va, size, write, (v) => { h.vaWords(v); return words(h.wlo, h.whi); });
    if (!hit) return false;
    this.watchHit = { hart: h.id, watch: hit.w.kind, address: hit.at };
    h.stopRequested = true;
    h.yieldFlag = true;
    return true;
  }

  /** The watchpoint stop of hart h, if its last instruction was stopped by one. */
  private takeWatchHit(h: Hart): StopReason | undefined {
    const w = this.watchHit;
    if (!w || w.hart !== h.id) return undefined;
    this.watchHit = undefined;
    const pc = hartPc(h);
    this.watchStop = { hart: h.id, instret: h.instret, pc };
    return { kind: 'watchpoint', hart: h.id, pc, watch: w.watch, address: w.address };
  }

  /** A hart resumed where a watchpoint stopped it runs that access once without stopping. */
  private skipWatchOnResume(h: Hart): void {
    const w = this.watchStop;
    h.watchSkipInstret = w && w.hart === h.id && w.instret === h.instret && w.pc === hartPc(h) ? h.instret : -1;
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

  // ------------------------------------------------------------ checkpoints (emulator/checkpoint)

  /**
   * The whole machine as checkpoint bytes: harts, RAM (sparsely), devices, the drives'
   * copy-on-write sectors, virtual time. Only while paused (or between synchronous runs).
   */
  saveCheckpoint(): Uint8Array {
    this.checkpointable('save');
    return saveMachineState(this.checkpointParts());
  }

  /**
   * Continues from checkpoint bytes made by a machine with the same kernel, firmware, RAM
   * size, harts and drives. A damaged or foreign checkpoint throws CheckpointError and
   * changes nothing. Debugger state (breakpoints, watchpoints) is the caller's and stays.
   */
  loadCheckpoint(bytes: Uint8Array): void {
    this.checkpointable('load');
    loadMachineState(this.checkpointParts(), bytes);
  }

  private checkpointable(what: string): void {
    if (this.runState === 'running') throw new TargetError(`pause the machine before a checkpoint ${what}`, 'busy');
    if (what === 'save' && this.runState === 'exited') throw new TargetError('the machine has powered off: nothing to save', 'state');
    // a disk put in while running is not among the drives a checkpoint records
    const dev = this.media.occupied();
    if (dev) throw new TargetError(`${dev} holds a disk put in while running (config); checkpoints cover the drives given at start: \`remove ${dev}\` first`, 'state');
  }

  private checkpointParts(): CheckpointParts {
    const fw = this.opts.firmware;
    this.identityCache ??= {
      kernel: this.opts.kernel ? fingerprint(this.opts.kernel) : 'none',
      kernelName: this.opts.kernelName ?? (this.opts.kernel ? 'kernel' : 'no kernel'),
      firmware: fw === undefined || fw === 'none' ? 'none' : fingerprint(fw),
      memoryBytes: this.bus.ramSize, harts: this.harts.length,
      drives: (this.opts.drives ?? []).map((d) => d.byteLength),
    };
    return {
      identity: this.identityCache,
      machine: {
        saveState: () => ({ units: this.units, rr: this.rr, roundPos: this.roundPos, lastHart: this.lastHart, lastStopHart: this.lastStopHart ?? -1 }),
        loadState: (s) => this.loadTimeState(s),
      },
      harts: this.harts,
      devices: this.board.devices.map((d) => ({ name: d.device.name, device: d.device })),
      drives: this.opts.drives ?? [],
      memory: this.bus,
      summary: () => ({ instructions: this.retired(), mtime: this.now() }),
      flushCaches: () => {
        this.translator?.flush();
        for (const h of this.harts) { h.flushTlb(); h.flushFetch(); this.runStart[h.id] = h.instret; }
      },
    };
  }

  private loadTimeState(s: StateReader): void {
    const n = this.harts.length;
    const units = s.num('units', 0), rr = s.num('rr', 0, n - 1), roundPos = s.num('roundPos', 0, n - 1);
    const lastHart = s.num('lastHart', 0, n - 1), lastStopHart = s.num('lastStopHart', -1, n - 1);
    this.units = units; this.rr = rr; this.roundPos = roundPos; this.lastHart = lastHart;
    this.lastStopHart = lastStopHart < 0 ? undefined : lastStopHart;
    this.stopReason = undefined; this.watchHit = undefined; this.watchStop = undefined;
    this.syncUnits = this.units; this.syncWall = performance.now();
    if (this.runState === 'exited') { this.runState = 'paused'; this.exitReason = undefined; }
  }
}
