// `kwb`: runs a kernel on the in-process virt machine with the terminal as its serial
// console, optionally serving gdb. Bad options and bad input files end with one line on
// stderr and exit status 2; otherwise the exit status is the guest's poweroff code.
import { readFileSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { ElfError } from '../emulator/loader/elf';
import { Machine, MachineError } from '../emulator/machine';
import type { BlockBackend } from '../emulator/bus/device';
import type { StopEvent } from '../emulator/target';
import { startGdbServer, type GdbServer } from '../gdbstub/server';
import { parseArgs, UsageError, USAGE, type RunOptions } from './args';
import { Console } from './console';
import { DriveError, openDrive as openDriveFiles, openMedium, type DriveSpec, type OpenedDrive } from '../host/disks';
import { runCow } from './cow';
import { KernelAwareness } from '../awareness';
import { SymbolFile } from '../symbols';
import { SerialOut } from './serial-out';
import { SerialLog } from '../host/console/serial-log';
import type { ConsoleServer } from '../host/console/server';
import { kwbControl, startConsoleSocket } from './console-socket';
import { runCtl } from './ctl';
import { CheckpointFileError, loadMachine, saveMachine } from '../host/checkpoint-file';

const VERSION = 'kwb 0.1.0 (Kernel Workbench)';

class InputError extends Error {}

function fail(message: string, status = 2): never {
  process.stderr.write(`kwb: ${message}\n`);
  process.exit(status);
}

function readInput(path: string, what: string): Uint8Array {
  let st;
  try { st = statSync(path); } catch { throw new InputError(`${what} '${path}': no such file`); }
  if (!st.isFile()) throw new InputError(`${what} '${path}': not a regular file`);
  try { return readFileSync(path); } catch (e) { throw new InputError(`${what} '${path}': ${(e as Error).message}`); }
}

const isElf = (b: Uint8Array): boolean => b.length >= 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;

/** The --symbols file: an ELF (its symbols are parsed when the gdb stub first opens). */
function readSymbols(path: string): Uint8Array {
  const bytes = readInput(path, 'symbols');
  if (!isElf(bytes)) throw new InputError(`symbols '${path}': not an ELF file`);
  return bytes;
}

function checkFolder(path: string, what: string): string {
  let st;
  try { st = statSync(path); } catch { throw new InputError(`${what} '${path}': no such folder`); }
  if (!st.isDirectory()) throw new InputError(`${what} '${path}': not a folder`);
  return resolvePath(path);
}

function openDrive(spec: DriveSpec, write: boolean): OpenedDrive {
  try { return openDriveFiles(spec, write); } catch (e) {
    if (e instanceof DriveError || e instanceof Error) throw new InputError(e.message);
    throw e;
  }
}

/** Exit status when --max-insns ends the run (as timeout(1) does: not a guest's exit code). */
const EXIT_LIMIT = 124;
/** Exit status when the console's reader has gone (128 + SIGPIPE, as a shell reports it). */
const EXIT_PIPE = 141;

/** Exit status for a guest poweroff code (a fail code that is a multiple of 256 still fails). */
function exitStatus(code: number): number {
  if (code === 0) return 0;
  return (code & 0xff) || 1;
}

async function run(o: RunOptions): Promise<void> {
  const kernel = readInput(o.kernel!, 'kernel');
  const firmware = o.bios === 'none' ? 'none' : readInput(o.bios, 'firmware');
  const opened = o.driveSpecs.map((d) => openDrive(d, o.driveWrite));
  const drives: BlockBackend[] = opened.map((d) => d.backend);
  const initrd = o.initrd === undefined ? undefined : readInput(o.initrd, 'initrd');
  // The ELF whose symbols the stub and awareness use: --symbols, or the kernel when it is one
  // (a Linux Image is not: its symbols are in vmlinux).
  const symbols = o.symbols !== undefined ? { bytes: readSymbols(o.symbols), path: resolvePath(o.symbols) }
    : isElf(kernel) ? { bytes: kernel, path: resolvePath(o.kernel!) } : undefined;
  const programRoot = o.programRoot === undefined ? undefined : checkFolder(o.programRoot, 'program root');

  const serial = new SerialOut(process.stdout);
  const serialLog = new SerialLog(serial); // the guest's output; the console's `log` writes here too
  // A reader that goes away (kwb ... | head) ends the run as SIGPIPE would, without a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') finish(EXIT_PIPE);
    else { process.stderr.write(`kwb: console output: ${e.message}\n`); finish(1); }
  });
  let machine: Machine;
  try {
    machine = new Machine({
      kernel, kernelName: o.kernel, firmware, drives, memoryBytes: o.memoryBytes, smp: o.smp,
      append: o.append, initrd, initrdName: o.initrd, serial: serialLog, idle: o.idle, jit: o.jit,
      openMedium, // media change on --drive empty slots (console config/remove)
    });
  } catch (e) {
    if (e instanceof ElfError || e instanceof MachineError) fail(e.message);
    throw e;
  }
  if (o.checkpointLoad !== undefined) {
    try { loadMachine(machine, o.checkpointLoad); } catch (e) {
      if (e instanceof CheckpointFileError) fail(e.message);
      throw e;
    }
  }

  // One control for gdb's monitor and the console socket (log, checkpoints included).
  const control = kwbControl({ machine, version: VERSION, serialLog, stub: () => gdb?.host, checkpointDir: o.checkpointDir });
  const started = performance.now();
  let gdb: GdbServer | undefined;
  let finished = false;
  const console_ = new Console({
    input: (bytes) => machine.sendInput(bytes),
    quit: () => finish(0, 'quit (Ctrl-A X)'),
    stats: () => console_.message(statsLine()),
    gdb: () => attachLater(),
  });

  function statsLine(): string {
    const secs = (performance.now() - started) / 1000;
    const n = machine.retired();
    return `${n} instructions in ${secs.toFixed(2)} s (${(n / secs / 1e6).toFixed(1)} MIPS), virtual time ${(machine.mtime() / 1e7).toFixed(3)} s`;
  }

  function finish(status: number, why?: string): void {
    if (finished) return;
    finished = true;
    serial.flush();
    console_.stop();
    if (why && process.stdin.isTTY) console_.message(why);
    if (o.stats) process.stderr.write(`kwb: ${statsLine()}\n`);
    void (async () => {
      await new Promise((r) => setImmediate(r)); // the reply to a `monitor halt` goes out first
      await gdb?.close();
      await consoleSocket?.close();
      for (const d of opened) {
        try { d.close(); } catch (e) { process.stderr.write(`kwb: closing a drive: ${(e as Error).message}\n`); }
      }
      try { machine.media.closeAll(); } catch (e) { process.stderr.write(`kwb: closing a disk put in with config: ${(e as Error).message}\n`); }
      process.exit(status);
    })();
  }

  // Kernel awareness for the stub, opened once, when the stub first opens (the kernel's symbols
  // are read then, not at every boot). Without a matching profile harts stay threads.
  let awareness: { awareness?: KernelAwareness; awarenessOff?: string; kernelPath?: string } | undefined;
  function kernelAwareness(): NonNullable<typeof awareness> {
    if (awareness) return awareness;
    const kernelPath = symbols?.path; // what gdb is offered as the exec file (qXfer:exec-file, vFile)
    if (o.awareness === 'none') return (awareness = { awarenessOff: 'turned off (--awareness none)', kernelPath });
    if (!symbols) {
      const reason = `the kernel '${o.kernel}' is not an ELF file with symbols (give its ELF with --symbols FILE, for Linux its vmlinux)`;
      process.stderr.write(`kwb: kernel awareness off: ${reason}\n`);
      return (awareness = { awarenessOff: reason });
    }
    const det = KernelAwareness.open(SymbolFile.open(symbols.bytes, { name: symbols.path }), machine, {
      profile: o.awareness, kernelPath, programRoot, moduleDirs: o.moduleDirs.map((d) => resolvePath(d)),
      loadFile: (p) => { try { return new Uint8Array(readFileSync(p)); } catch { return undefined; } },
    });
    if (det.ok) return (awareness = { awareness: det.awareness, kernelPath });
    process.stderr.write(`kwb: kernel awareness off: ${det.reason}\n`);
    return (awareness = { awarenessOff: det.reason, kernelPath });
  }

  async function openGdb(listen: string): Promise<void> {
    if (gdb) return;
    gdb = await startGdbServer(machine, {
      ...kernelAwareness(),
      listen, control,
      onConnection: (ev, peer) => process.stderr.write(`kwb: gdb ${ev} (${peer})\n`),
    });
    process.stderr.write(`kwb: gdb stub listening on ${gdb.address}\n`);
  }

  machine.onStop((e: StopEvent) => {
    const r = e.reason;
    if (r.kind === 'poweroff') { finish(exitStatus(r.code)); return; }
    if (r.kind === 'reboot') { if (!gdb?.connected()) void machine.resume(); return; }
    if (gdb?.connected()) return; // the debugger owns every other stop
    if (r.kind === 'fault-loop' && !o.ignoreFaultLoop) {
      serial.flush();
      finish(1, '');
      process.stderr.write(`\nkwb: the guest is stuck: hart ${r.hart} takes trap cause ${r.cause} at pc 0x${r.pc.toString(16)} (tval 0x${r.tval.toString(16)}) over and over\n`);
      return;
    }
    if (r.kind === 'fault-loop') { void machine.resume(); return; }
    if (r.kind === 'pause' && maxReached) {
      serial.flush();
      process.stderr.write(`kwb: stopped at the instruction limit (--max-insns ${o.maxInstructions}) after ${machine.retired()} instructions\n`);
      if (o.checkpointSave !== undefined) {
        try { saveMachine(machine, o.checkpointSave); process.stderr.write(`kwb: checkpoint saved to ${o.checkpointSave}\n`); } catch (e) {
          process.stderr.write(`kwb: ${(e as Error).message}\n`);
          finish(1);
          return;
        }
      }
      finish(EXIT_LIMIT);
      return;
    }
  });

  let maxReached = false;
  if (o.maxInstructions !== undefined) {
    const limit = o.maxInstructions;
    const timer = setInterval(() => {
      if (machine.retired() >= limit && !maxReached) { maxReached = true; clearInterval(timer); void machine.pause(); }
    }, 5);
    timer.unref();
  }

  if (o.gdb) {
    try { await openGdb(o.gdb); } catch (e) { fail((e as Error).message); }
  }
  // Attaching later (UML's "attach gdb to the kernel"): the running machine opens its stub.
  function attachLater(): void {
    if (gdb) { process.stderr.write(`kwb: gdb stub already listening on ${gdb.address}\n`); return; }
    void openGdb(o.gdbLater).catch((e) => process.stderr.write(`kwb: ${(e as Error).message}\n`));
  }
  process.on('SIGUSR1', attachLater);
  process.on('SIGTERM', () => finish(143));
  if (!process.stdin.isTTY) process.on('SIGINT', () => finish(130));

  let consoleSocket: ConsoleServer | undefined;
  if (o.consoleSocket !== undefined) {
    try {
      consoleSocket = await startConsoleSocket({
        path: o.consoleSocket, machine, control, awareness: kernelAwareness, stub: () => gdb?.host,
      });
    } catch (e) { fail((e as Error).message); }
    process.stderr.write(`kwb: console socket on ${o.consoleSocket} (kwb ctl ${o.consoleSocket} help)\n`);
  }
  console_.start();
  if (o.startPaused) {
    process.stderr.write(`kwb: paused before the first instruction; ${o.gdb ? 'waiting for gdb' : `attach with Ctrl-A G or kill -USR1 ${process.pid} (gdb stub on ${o.gdbLater})`}\n`);
  } else {
    await machine.resume();
  }
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'ctl') {
    const r = await runCtl(argv.slice(1));
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    process.exitCode = r.status;
    return;
  }
  if (argv[0] === 'cow') {
    process.exitCode = runCow(argv.slice(1), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
    return;
  }
  let cmd;
  try { cmd = parseArgs(argv); } catch (e) {
    if (e instanceof UsageError) fail(e.message);
    throw e;
  }
  if (cmd.command === 'help') { process.stdout.write(`${USAGE}\n`); return; }
  if (cmd.command === 'version') { process.stdout.write(`${VERSION}\n`); return; }
  try { await run(cmd.run); } catch (e) {
    if (e instanceof InputError) fail(e.message);
    throw e;
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`kwb: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(70);
});
