// Boots the Linux test input (linux-build.ts) and looks at it with Linux's own gdb helpers.
// Everything here kills what it starts: close() on each object, and a process exit handler
// for anything a failed test left behind.
//
// Machines (each a ConsolePort, so test/guest/support/console-session.ts's ConsoleSession
// drives the console: waitFor(text|RegExp), run(label, line, until)):
//
//   bootLinuxQemu(build, {smp?, gdb?, paused?, append?, memory?}): Promise<LinuxMachine>
//     qemu-system-riscv64 -machine virt -bios fw_jump.bin -kernel Image -initrd initramfs
//     -append "console=ttyS0 earlycon" -m 128M -smp N, serial on stdio. With gdb: true (the
//     default) QEMU's gdb stub listens on a free 127.0.0.1 port (machine.gdbPort); paused:
//     true adds -S (the harts wait for a debugger's continue).
//   bootLinuxKwb(build, {smp?, gdb?, paused?, append?, memory?, extraArgs?}): Promise<LinuxMachine>
//     the same boot on our machine: `kwb run --bios fw_jump.bin --kernel Image --initrd FILE
//     --append ... --smp N` (kwb bundled from cli/main.ts by esbuild into build/test-cache,
//     so `npm run build` is not needed), console on its stdin/stdout, --gdb tcp:127.0.0.1:PORT
//     when gdb is asked for; -S when paused.
//   LinuxMachine: { port (ConsolePort), session (ConsoleSession), gdbPort?, exited: Promise
//     of {code, signal}, stderr(), close() }.
//   bootToPrompt(machine, timeoutMs): waits for "kwb-init: ready" and the first "kwb# ";
//     returns the console text up to there.
//   runInit(machine, line, timeoutMs): types a command to our init and resolves with its
//     output (the text between the command and the next prompt).
//   INIT_PROMPT = 'kwb# '; INIT_CHILDREN = the names of the tasks our init parks
//     (kwb-pipe, kwb-sleep, kwb-stopped, kwb-zombie).
//
// The debugger side:
//
//   LinuxGdb.attach({build, port, timeoutMs?}): Promise<LinuxGdb>
//     gdb-multiarch over MI (test/support/gdb-mi.ts): add-auto-load-safe-path
//     <gdbScriptsDir> before loading vmlinux (so vmlinux-gdb.py loads: lx-* commands), then
//     target remote 127.0.0.1:PORT. The target is stopped when attach() resolves.
//   gdb.mi             the GdbMi session (command(), console(), waitForStop(), ...)
//   gdb.interrupt()    stops a running target (-exec-interrupt, waits for *stopped)
//   gdb.resume()       continues it (-exec-continue); the console is live again
//   gdb.lxPs()         runs lx-ps: LinuxTask[] {task (hex address of task_struct), pid, comm}
//   gdb.lxLsmod()      runs lx-lsmod: LinuxModule[] {address (hex), name, size, refs, usedBy[]}
//   gdb.close()        quits gdb (killed if it lingers); the target is left as it was
//   parseLxPs(text), parseLxLsmod(text): the parsers, for other commands' output too.
//   freePort(): a 127.0.0.1 TCP port that was free a moment ago.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { GdbMi } from '../../support/gdb-mi';
import { CACHE_DIR, REPO_ROOT } from '../../support/toolchain';
import type { ConsolePort } from '../../guest/support/console-port';
import { ConsoleSession } from '../../guest/support/console-session';
import { FW_JUMP, LINUX_APPEND, type LinuxBuild } from './linux-build';

export const INIT_PROMPT = 'kwb# ';
export const INIT_CHILDREN = ['kwb-pipe', 'kwb-sleep', 'kwb-stopped', 'kwb-zombie'];

const live = new Set<ChildProcess>();
process.on('exit', () => { for (const p of live) p.kill('SIGKILL'); });

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** A machine in a child process whose serial console is its stdin/stdout. */
class ProcessPort implements ConsolePort {
  private readonly listeners: ((text: string) => void)[] = [];
  private err = '';
  readonly exited: Promise<{ code: number | null; signal: string | null }>;

  constructor(readonly description: string, private readonly proc: ChildProcess) {
    live.add(proc);
    this.exited = new Promise((resolve) => proc.once('exit', (code, signal) => {
      live.delete(proc);
      resolve({ code, signal });
    }));
    proc.once('error', (e) => {
      this.err += `cannot run ${description}: ${e.message}\n`;
      this.emit(`\n[${description} failed to start: ${e.message}]\n`);
    });
    proc.stdout!.setEncoding('latin1');
    proc.stdout!.on('data', (s: string) => this.emit(s));
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (s: string) => { this.err += s; });
    proc.stdin!.on('error', () => undefined); // typing into a machine that has gone
  }

  private emit(text: string): void {
    for (const l of this.listeners) l(text);
  }

  write(text: string): void {
    if (this.running()) this.proc.stdin!.write(Buffer.from(text, 'latin1'));
  }

  onOutput(listener: (text: string) => void): void {
    this.listeners.push(listener);
  }

  get stderr(): string {
    return this.err;
  }

  running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async close(): Promise<void> {
    if (this.running()) this.proc.kill('SIGKILL');
    await this.exited;
  }
}

export interface LinuxBootOptions {
  /** Harts (default 1). */
  smp?: number;
  /** Open the machine's gdb stub on a free port (default true). */
  gdb?: boolean;
  /** Start with the harts stopped until a debugger continues (-S). */
  paused?: boolean;
  /** Kernel command line (default LINUX_APPEND). */
  append?: string;
  /** RAM, in QEMU's syntax (default 128M). */
  memory?: string;
  /** More arguments for the machine's command line. */
  extraArgs?: string[];
}

export interface LinuxMachine {
  readonly port: ConsolePort;
  readonly session: ConsoleSession;
  /** The gdb stub's port on 127.0.0.1, when asked for. */
  readonly gdbPort?: number;
  /** Resolves when the machine's process has exited (poweroff, crash or close()). */
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  /** What the machine's process wrote on stderr. */
  stderr(): string;
  /** Kills the machine (idempotent). */
  close(): Promise<void>;
}

function machine(port: ProcessPort, gdbPort: number | undefined, timeoutMs: number): LinuxMachine {
  return {
    port,
    session: new ConsoleSession(port, timeoutMs),
    gdbPort,
    exited: port.exited,
    stderr: () => port.stderr,
    close: () => port.close(),
  };
}

export async function bootLinuxQemu(build: LinuxBuild, opts: LinuxBootOptions = {}): Promise<LinuxMachine> {
  const smp = opts.smp ?? 1;
  const gdbPort = opts.gdb === false ? undefined : await freePort();
  const args = ['-machine', 'virt', '-bios', FW_JUMP, '-kernel', build.image, '-initrd', build.initramfs,
    '-append', opts.append ?? LINUX_APPEND, '-m', opts.memory ?? '128M', '-smp', String(smp),
    '-display', 'none', '-monitor', 'none', '-serial', 'stdio'];
  if (gdbPort !== undefined) args.push('-gdb', `tcp:127.0.0.1:${gdbPort}`);
  if (opts.paused) args.push('-S');
  args.push(...(opts.extraArgs ?? []));
  const proc = spawn('qemu-system-riscv64', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  return machine(new ProcessPort(`qemu-system-riscv64 (Linux, -smp ${smp})`, proc), gdbPort, 60_000);
}

let kwbBundle: string | undefined;

/** kwb as one JavaScript file, bundled from cli/main.ts once per test process. */
export function kwbScript(): string {
  if (kwbBundle) return kwbBundle;
  // bundled afresh by each test process (the sources may have changed), then renamed into
  // place: a concurrent process never runs a half-written file
  const out = join(CACHE_DIR, 'kwb-linux.js');
  const tmp = join(CACHE_DIR, `kwb-linux.${process.pid}.tmp.js`);
  buildSync({ entryPoints: [join(REPO_ROOT, 'cli', 'main.ts')], outfile: tmp, bundle: true, platform: 'node', format: 'cjs', logLevel: 'error' });
  renameSync(tmp, out);
  kwbBundle = out;
  return out;
}

export async function bootLinuxKwb(build: LinuxBuild, opts: LinuxBootOptions = {}): Promise<LinuxMachine> {
  const smp = opts.smp ?? 1;
  const gdbPort = opts.gdb === false ? undefined : await freePort();
  const args = [kwbScript(), 'run', '--bios', FW_JUMP, '--kernel', build.image, '--initrd', build.initramfs,
    '--append', opts.append ?? LINUX_APPEND, '--mem', opts.memory ?? '128M', '--smp', String(smp)];
  if (gdbPort !== undefined) args.push('--gdb', `tcp:127.0.0.1:${gdbPort}`);
  if (opts.paused) args.push('-S');
  args.push(...(opts.extraArgs ?? []));
  const proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  return machine(new ProcessPort(`kwb (Linux, --smp ${smp})`, proc), gdbPort, 120_000);
}

/** Waits for our init's "ready" line and first prompt; returns the console text so far. */
export async function bootToPrompt(m: LinuxMachine, timeoutMs = 60_000): Promise<string> {
  await m.session.waitFor('kwb-init: ready', timeoutMs);
  await m.session.waitFor(INIT_PROMPT, timeoutMs);
  return m.session.all;
}

/** Types a command to our init; resolves with what it printed before the next prompt. */
export async function runInit(m: LinuxMachine, line: string, timeoutMs = 30_000): Promise<string> {
  const out = await m.session.run(line, `${line}\n`, INIT_PROMPT, timeoutMs);
  // the tty echoes the line; drop the echo and the prompt
  return out.replace(/\r/g, '').replace(new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`), '')
    .slice(0, -INIT_PROMPT.length);
}

export interface LinuxTask {
  /** The task_struct's address, as gdb prints it (0x...). */
  task: string;
  pid: number;
  comm: string;
}

export interface LinuxModule {
  /** The module's core layout base, as gdb prints it (0x...). */
  address: string;
  name: string;
  size: number;
  /** refcnt - 1, as lx-lsmod prints it. */
  refs: number;
  usedBy: string[];
}

/** lx-ps: "      TASK          PID    COMM" then "0xffff... <pid> <comm>" per task. */
export function parseLxPs(text: string): LinuxTask[] {
  const tasks: LinuxTask[] = [];
  for (const line of text.split('\n')) {
    const m = /^(0x[0-9a-f]+)\s+(\d+)\s(.*)$/.exec(line.trimEnd());
    if (m) tasks.push({ task: m[1], pid: Number(m[2]), comm: m[3].trim() });
  }
  return tasks;
}

/** lx-lsmod: "Address Module Size Used by" then "0xffff... name size refs [a,b]" per module. */
export function parseLxLsmod(text: string): LinuxModule[] {
  const mods: LinuxModule[] = [];
  for (const line of text.split('\n')) {
    const m = /^(0x[0-9a-f]+)\s+(\S+)\s+(\d+)\s+(-?\d+)(?:\s+(\S+))?\s*$/.exec(line);
    if (m) mods.push({ address: m[1], name: m[2], size: Number(m[3]), refs: Number(m[4]), usedBy: m[5] ? m[5].split(',') : [] });
  }
  return mods;
}

export interface LinuxGdbOptions {
  build: LinuxBuild;
  /** The gdb stub's port on 127.0.0.1. */
  port: number;
  /** Per-command timeout (default 120 s: loading vmlinux's DWARF and lx-ps are not instant). */
  timeoutMs?: number;
}

export class LinuxGdb {
  private constructor(readonly mi: GdbMi) {}

  /** gdb-multiarch with vmlinux and Linux's gdb helpers, attached and stopped. */
  static async attach(opts: LinuxGdbOptions): Promise<LinuxGdb> {
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const mi = await GdbMi.start({ timeoutMs });
    const g = new LinuxGdb(mi);
    try {
      // as -iex would: the safe path must be set before vmlinux loads, or vmlinux-gdb.py is refused
      await mi.console(`add-auto-load-safe-path ${opts.build.gdbScriptsDir}`);
      await mi.command('-gdb-set pagination off');
      await mi.command('-gdb-set width 0');
      // asynchronous MI: gdb takes commands (-exec-interrupt) while the kernel runs
      await mi.command('-gdb-set mi-async on');
      await mi.command(`-file-exec-and-symbols ${JSON.stringify(opts.build.vmlinux)}`);
      const help = await mi.console('help lx-ps');
      if (!/Dump Linux tasks/.test(help)) throw new Error(`vmlinux-gdb.py did not load (help lx-ps: ${help})`);
      await mi.command(`-target-select remote 127.0.0.1:${opts.port}`);
    } catch (e) {
      await mi.close();
      throw e;
    }
    return g;
  }

  /** Stops the running target and waits until gdb reports it stopped. */
  async interrupt(): Promise<void> {
    // A stop inside OpenSBI (M-mode: an SBI call, a timer) sees physical addresses only, so
    // gdb cannot read the kernel's virtual memory there ("Cannot access memory" from lx-lsmod
    // under load): let it run on and stop again, a few times at most.
    for (let attempt = 0; ; attempt++) {
      this.mi.clearStops();
      await this.mi.command('-exec-interrupt');
      await this.mi.waitForStop();
      if (attempt >= 20 || !(await this.inFirmware())) return;
      await this.mi.command('-exec-continue');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Whether the stop is in machine mode (the firmware), by QEMU's virtual `priv` register. */
  private async inFirmware(): Promise<boolean> {
    try {
      const m = /=\s*(\d+)/.exec(await this.mi.console('print/d $priv'));
      return m !== null && Number(m[1]) === 3;
    } catch {
      return false;
    }
  }

  /** Lets the target run again. */
  async resume(): Promise<void> {
    await this.mi.command('-exec-continue');
  }

  async lxPs(): Promise<LinuxTask[]> {
    return parseLxPs(await this.mi.console('lx-ps'));
  }

  async lxLsmod(): Promise<LinuxModule[]> {
    return parseLxLsmod(await this.mi.console('lx-lsmod'));
  }

  async close(): Promise<void> {
    await this.mi.close();
  }
}
