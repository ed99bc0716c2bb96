// What a packet handler is and what it may use. Each packet is one PacketSpec: a key (the
// packet's name), a small parser from the packet text to a typed command (or a PacketError),
// a handler from the command to a reply, and optionally the qSupported feature it implies.
// All specs live in one registration table (table.ts), which also builds qSupported.
import type { StopEvent, Target } from '../../emulator/target';
import type { PacketError } from '../errors';
import type { MachineControl } from '../machine-control';
import type { AttachedProcess, KernelView, ThreadEntry } from '../kernel-view';

/** A reply: text, bytes that are already escaped (binary data), or no reply at all (k). */
export type Reply = string | { binary: Uint8Array } | null;

export interface StubOptions {
  /** Largest packet gdb may send us (qSupported PacketSize). */
  packetSize: number;
  /** Run-length encode replies. */
  runLength: boolean;
  /** What a detach (D) or a lost connection does to the machine. */
  onDisconnect: 'resume' | 'pause';
  /** What gdb's kill (k, vKill) does: power the machine off (if the control can) or just leave it paused. */
  onKill: 'halt' | 'pause';
}

/** Per-connection protocol state. */
export interface SessionState {
  noAck: boolean;
  /** Features gdb announced in qSupported (e.g. multiprocess+, swbreak+). */
  gdbFeatures: Set<string>;
  multiprocess: boolean;
  swbreak: boolean;
  hwbreak: boolean;
  /** Thread of Hg (registers, memory) and Hc (legacy c/s); 0 until gdb or a stop reply names one. */
  gThread: number;
  cThread: number;
  /** The hart of those threads (of the last stop for a thread not on a hart): monitor commands' default. */
  gHart: number;
  cHart: number;
  /** Extended mode (`!`): attach, and kill lets go of a process instead of powering off. */
  extended: boolean;
  /** The user process gdb attached to (vAttach), if any. */
  process?: AttachedProcess;
  /** Breakpoints and watchpoints this session inserted, so a lost connection removes them. */
  breakpoints: Map<string, { address: bigint; kind: 'sw' | 'hw' }>;
  watchpoints: Map<string, { address: bigint; length: number; kind: 'write' | 'read' | 'access' }>;
  /** m/M/X address physical memory (QEMU's Qqemu.PhyMemMode:1), not the hart's view. */
  physicalMemory: boolean;
}

/** What handlers may use: the target, the machine control, the session, and stop plumbing. */
export interface StubContext {
  readonly target: Target;
  readonly control: MachineControl;
  readonly options: StubOptions;
  readonly state: SessionState;
  /** Kernel awareness as the stub shows it (threads, libraries); harts only without it. */
  readonly kernel: KernelView;
  /** The thread Hg (or Hc) selected, resolved now (undefined: it has gone). */
  selectedThread(which: 'g' | 'c'): Promise<ThreadEntry | undefined>;
  /** Inserts or removes a user breakpoint in the machine (shared with the stub's own, by reference count). */
  userBreakpoint(address: bigint, kind: 'sw' | 'hw', insert: boolean): Promise<void>;
  /**
   * Steps a thread that is not on a hart: runs the machine until a hart reaches `pc` with
   * `accept(hart)` true (the task is back on a hart), then steps that hart once.
   */
  stepWhenScheduled(pc: bigint, accept: (hart: number) => Promise<boolean>): Promise<StopEvent>;
  /** Attaches to a user process (vAttach): the stop reply, or an error reply. */
  attach(pid: number): Promise<string>;
  /** The qXfer:libraries:read document at this stop. */
  libraries(): Promise<string>;
  /** Resumes every hart and resolves with the stop that ends the run (0x03 pauses it). */
  continueUntilStop(): Promise<StopEvent>;
  /** Steps one hart (the others stay put) and resolves with its stop. */
  stepHart(hart: number): Promise<StopEvent>;
  /** The stop to report for `?` (pausing a running machine first). */
  currentStop(): Promise<StopEvent | undefined>;
  /** The stop reply packet for an event (names the thread and selects it for Hg/Hc). */
  stopReply(ev: StopEvent | undefined): Promise<string>;
  /** Sends console output to gdb (O packets), for qRcmd. */
  consoleOutput(text: string): void;
  /** Runs `fn` after the current reply has been sent (detach, kill). */
  afterReply(fn: () => void | Promise<void>): void;
  /** Ends gdb's hold on the machine: detach applies options.onDisconnect, kill options.onKill;
   *  'forget' (extended mode's kill) drops breakpoints and any attached process, machine paused. */
  disconnect(how: 'detach' | 'kill' | 'forget'): Promise<void>;
  /** The monitor's stop/go: whether the guest runs while gdb thinks it is stopped. */
  freeRun(run: boolean): Promise<void>;
  isFreeRunning(): boolean;
}

export interface PacketSpec<C> {
  /** The packet's name: one letter, or the name of a q/Q/v packet (up to ':', ',' or ';'). */
  key: string;
  /** Parses the whole packet text; returns the typed command or a PacketError. */
  parse(text: string): C | PacketError;
  handle(cmd: C, ctx: StubContext): Reply | Promise<Reply>;
  /** The qSupported entry this packet implies (undefined: none, or not for this target). */
  feature?(ctx: StubContext): string | undefined;
}

/** Identity helper that keeps each spec's command type checked. */
export function packet<C>(spec: PacketSpec<C>): PacketSpec<C> {
  return spec;
}

export type AnyPacketSpec = PacketSpec<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
