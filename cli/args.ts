// Command-line parsing for `kwb`. QEMU-like flags, accepted with one or two dashes
// (`-kernel X`, `--kernel X`, `--kernel=X`). Errors name the flag and what is wrong.
import { DriveError, parseDriveSpec, type DriveSpec } from '../host/disks/open-drive';

export class UsageError extends Error {
  constructor(message: string) { super(message); this.name = 'UsageError'; }
}

export interface RunOptions {
  kernel?: string;
  /** 'none' (kernel entry in M-mode at reset) or a firmware file (OpenSBI fw_jump). */
  bios: string;
  /** Each drive's image file (its copy-on-write file when only cow= is given). */
  drives: string[];
  /** Each drive as given: FILE, FILE,cow=COW or cow=COW (same order as drives). */
  driveSpecs: DriveSpec[];
  /** Write drive images in place instead of through a copy-on-write overlay. */
  driveWrite: boolean;
  memoryBytes: number;
  smp: number;
  append?: string;
  /** Initial RAM disk file (loaded where QEMU puts it, named in /chosen). */
  initrd?: string;
  /** Start paused (for a debugger). */
  startPaused: boolean;
  /** gdb stub listen address (tcp::PORT, tcp:HOST:PORT, unix:PATH). */
  gdb?: string;
  /** Where the stub opens when attached later (SIGUSR1 or Ctrl-A G); default tcp::1234. */
  gdbLater: string;
  /** What time does while every hart waits: 'sleep' follows real time, 'skip' jumps ahead. */
  idle: 'sleep' | 'skip';
  /** Print instruction count, wall time and MIPS on exit (stderr). */
  stats: boolean;
  /** Translate hot guest code to JavaScript (--jit); --no-jit forces the interpreter; unset: the machine's default (on, unless KWB_JIT=0). */
  jit?: boolean;
  /** Stop after this many instructions (testing, benches). */
  maxInstructions?: number;
  /** Keep running when the guest loops on a trap (instead of reporting and exiting). */
  ignoreFaultLoop: boolean;
  /** Kernel awareness in the gdb stub: 'auto' picks a profile by the kernel's symbols, 'none' turns it off. */
  awareness: 'auto' | 'none' | 'teaching' | 'xv6' | 'linux';
  /** Folders searched for module objects (NAME.ko) before the profile's default. */
  moduleDirs: string[];
  /** The ELF whose symbols awareness and the stub use (default: the kernel itself). */
  symbols?: string;
  /** Host folder standing for the guest's root file system (Linux programs by guest path). */
  programRoot?: string;
  /** The management console's control socket (a Unix socket path; `kwb ctl PATH COMMAND`). */
  consoleSocket?: string;
  /** Where the console's save/load/list keep checkpoints (default ./checkpoints). */
  checkpointDir: string;
  /** Start from this checkpoint (same kernel, firmware, --mem, --smp and drives as when it was saved). */
  checkpointLoad?: string;
  /** Save a checkpoint here when --max-insns stops the run. */
  checkpointSave?: string;
}

export interface ParsedCommand {
  command: 'run' | 'help' | 'version';
  run: RunOptions;
}

export const USAGE = `usage: kwb run [options]
  --kernel FILE        kernel: an ELF64 RISC-V executable (or a Linux Image with --bios)
  --bios none|FILE     none: the kernel starts in M-mode at its entry (default);
                       FILE: firmware at 0x80000000 (OpenSBI fw_jump.bin or fw_dynamic.bin),
                       kernel at 0x80200000
  --drive FILE         a raw disk image on the next virtio-mmio slot (repeatable);
                       copy-on-write: the file is never changed unless --drive-write,
                       and the changes are lost at exit
  --drive FILE,cow=COW the changes are kept in the copy-on-write file COW (made when
                       missing, reused otherwise; refused if FILE changed since)
  --drive cow=COW      the same, over the backing file COW names
  --drive empty        a virtio-blk slot without a disk: the console's
                       "config vdX=FILE" puts one in while the machine runs,
                       "remove vdX [force]" takes it out (vda: the first --drive)
  --drive-write        write drive images in place (not with cow=)
  --mem SIZE, -m SIZE  RAM size, e.g. 128M, 1G (default 128M)
  --smp N              number of harts (default 1, at most 8)
  --append "ARGS"      kernel command line (FDT /chosen/bootargs)
  --initrd FILE        initial RAM disk, loaded where QEMU puts it (FDT /chosen)
  -S                   start paused, waiting for a debugger
  --gdb ADDR           gdb stub: tcp::1234, tcp:127.0.0.1:1234 or unix:/path
  --gdb-later ADDR     where the stub opens when attached later, by Ctrl-A G or
                       kill -USR1 <kwb pid> (default tcp::1234)
  --idle sleep|skip    when every hart waits in WFI: sleep (default) lets virtual time
                       run no faster than real time (an idle guest uses no CPU); skip
                       jumps to the next timer event at once (batch runs, benches)
  --stats              print instructions, time and MIPS when the machine stops
  --jit, --no-jit      translate hot guest code to JavaScript (the default: same
                       results, faster), or only interpret (comparison, bisecting);
                       the environment's KWB_JIT=0 makes --no-jit the default
  --max-insns N        stop after N instructions
  --ignore-fault-loop  keep running when the guest takes the same trap forever
  --awareness auto|none|teaching|xv6|linux
                       kernel awareness in the gdb stub (tasks as threads, modules as
                       libraries, attach PID): auto (default) picks by the kernel's symbols
  --module-dir DIR     where the stub looks for module objects (NAME.ko) first (repeatable)
  --symbols FILE       the kernel's ELF with symbols, for awareness and the stub, when
                       --kernel is not one (a Linux Image: give its vmlinux)
  --program-root DIR   host folder standing for the guest's root file system: user
                       programs' symbols by their guest path (Linux: /init is DIR/init)
  --checkpoint-load FILE  start from a checkpoint instead of the reset vector (give the
                       same kernel, --bios, --mem, --smp and drives it was saved with;
                       --max-insns then counts from power-on, through the checkpoint)
  --checkpoint-save FILE  save a checkpoint when --max-insns stops the run
  --console-socket PATH  the management console's control socket (mode 0600); talk to
                       it with: kwb ctl PATH COMMAND (help, info, stop, go, sysrq KEY, ...)
  --checkpoint-dir DIR where the console's save/load/list keep checkpoints (./checkpoints)
Console: the terminal is the serial port; Ctrl-A X quits, Ctrl-A G opens the gdb stub,
Ctrl-A H lists the keys.
Copy-on-write files: kwb cow info COW | kwb cow merge COW OUT | kwb cow merge --in-place COW
(see kwb cow help).
Control socket: kwb ctl SOCKET COMMAND [ARGS...] sends one console command to a machine
run with --console-socket SOCKET (kwb ctl SOCKET help lists them).
Exit status: the guest's poweroff code; 2 for bad options or input files; 1 for a guest
stuck in a trap loop; 124 when --max-insns ends the run; 141 when stdout's reader goes away.`;

const FLAGS_WITH_VALUE = new Set(['kernel', 'bios', 'drive', 'mem', 'm', 'smp', 'append', 'initrd', 'gdb', 'gdb-later', 'idle', 'max-insns', 'awareness', 'module-dir', 'symbols', 'program-root', 'console-socket', 'checkpoint-dir', 'checkpoint-load', 'checkpoint-save']);
const AWARENESS = ['auto', 'none', 'teaching', 'xv6', 'linux'] as const;
const FLAGS_BOOL = new Set(['S', 'drive-write', 'stats', 'jit', 'no-jit', 'ignore-fault-loop', 'help', 'h', 'version']);

export function parseSize(text: string, flag: string): number {
  const m = /^(\d+)([KMG]?)i?B?$/i.exec(text.trim());
  if (!m) throw new UsageError(`${flag}: '${text}' is not a size (try 128M or 1G)`);
  const mult = { '': 1 << 20, K: 1 << 10, M: 1 << 20, G: 1 << 30 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  const bytes = Number(m[1]) * mult;
  if (bytes < (16 << 20) || bytes > (2048 * (1 << 20))) throw new UsageError(`${flag}: ${text} is out of range (16M to 2G)`);
  if (bytes % 4096 !== 0) throw new UsageError(`${flag}: ${text} is not a multiple of 4 KiB`);
  return bytes;
}

function parseCount(text: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag}: '${text}' is not a whole number`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`${flag}: ${n} is out of range (${min} to ${max})`);
  return n;
}

export function parseArgs(argv: string[]): ParsedCommand {
  const run: RunOptions = {
    bios: 'none', drives: [], driveSpecs: [], driveWrite: false, memoryBytes: 128 << 20, smp: 1, gdbLater: 'tcp::1234', idle: 'sleep',
    startPaused: false, stats: false, ignoreFaultLoop: false, awareness: 'auto', moduleDirs: [], checkpointDir: 'checkpoints',
  };
  let command: ParsedCommand['command'] = 'run';
  let i = 0;
  if (argv[0] !== undefined && !argv[0].startsWith('-')) {
    const c = argv[0];
    if (c === 'run' || c === 'help' || c === 'version') command = c;
    else throw new UsageError(`unknown command '${c}' (commands: run, cow, ctl, help, version)`);
    i = 1;
  }
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-' || arg === '--') throw new UsageError(`unexpected argument '${arg}'`);
    let name = arg.replace(/^--?/, '');
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) { value = name.slice(eq + 1); name = name.slice(0, eq); }
    if (FLAGS_BOOL.has(name)) {
      if (value !== undefined) throw new UsageError(`${arg}: this flag takes no value`);
    } else if (FLAGS_WITH_VALUE.has(name)) {
      if (value === undefined) {
        value = argv[++i];
        if (value === undefined) throw new UsageError(`${arg}: missing value`);
      }
    } else {
      throw new UsageError(`unknown option '${arg}' (see kwb help)`);
    }
    switch (name) {
      case 'kernel': run.kernel = value; break;
      case 'bios': run.bios = value!; break;
      case 'drive': {
        const spec = driveSpec(value!);
        run.driveSpecs.push(spec);
        run.drives.push(spec.empty ? 'empty' : spec.file ?? spec.cow!);
        break;
      }
      case 'drive-write': run.driveWrite = true; break;
      case 'mem': case 'm': run.memoryBytes = parseSize(value!, arg); break;
      case 'smp': run.smp = parseCount(value!, arg, 1, 8); break;
      case 'append': run.append = value; break;
      case 'initrd': run.initrd = value; break;
      case 'S': run.startPaused = true; break;
      case 'gdb': run.gdb = checkListen(value!, arg); break;
      case 'gdb-later': run.gdbLater = checkListen(value!, arg); break;
      case 'idle':
        if (value !== 'sleep' && value !== 'skip') throw new UsageError(`${arg}: '${value}' is not sleep or skip`);
        run.idle = value;
        break;
      case 'stats': run.stats = true; break;
      case 'jit': run.jit = true; break;
      case 'no-jit': run.jit = false; break;
      case 'max-insns': run.maxInstructions = parseCount(value!, arg, 1, Number.MAX_SAFE_INTEGER); break;
      case 'ignore-fault-loop': run.ignoreFaultLoop = true; break;
      case 'awareness':
        if (!(AWARENESS as readonly string[]).includes(value!)) throw new UsageError(`${arg}: '${value}' is not one of ${AWARENESS.join(', ')}`);
        run.awareness = value as RunOptions['awareness'];
        break;
      case 'module-dir':
        if (value === '') throw new UsageError(`${arg}: empty folder name`);
        run.moduleDirs.push(value!);
        break;
      case 'symbols':
        if (value === '') throw new UsageError(`${arg}: empty file name`);
        run.symbols = value;
        break;
      case 'program-root':
        if (value === '') throw new UsageError(`${arg}: empty folder name`);
        run.programRoot = value;
        break;
      case 'checkpoint-load': case 'checkpoint-save':
        if (value === '') throw new UsageError(`${arg}: empty file name`);
        if (name === 'checkpoint-load') run.checkpointLoad = value; else run.checkpointSave = value;
        break;
      case 'console-socket': case 'checkpoint-dir':
        if (value === '') throw new UsageError(`${arg}: empty ${name === 'console-socket' ? 'socket path' : 'folder name'}`);
        if (name === 'console-socket') run.consoleSocket = value; else run.checkpointDir = value!;
        break;
      case 'help': case 'h': command = 'help'; break;
      case 'version': command = 'version'; break;
    }
  }
  if (command === 'run' && !run.kernel) throw new UsageError('no kernel given (use --kernel FILE)');
  if (run.checkpointSave !== undefined && run.maxInstructions === undefined) throw new UsageError('--checkpoint-save: needs --max-insns N (the checkpoint is saved when the run stops there)');
  if (run.driveWrite && run.driveSpecs.some((d) => d.cow !== undefined)) throw new UsageError('--drive-write: a drive with cow= is never written in place (drop one of them)');
  return { command, run };
}

/** Accepts `FILE`, `FILE,cow=COW`, `cow=COW` and QEMU's `file=FILE[,format=raw,...]` form. */
function driveSpec(value: string): DriveSpec {
  if (value === '') throw new UsageError('--drive: empty file name');
  try { return parseDriveSpec(value); } catch (e) {
    if (e instanceof DriveError) throw new UsageError(`--drive: ${e.message}`);
    throw e;
  }
}

function checkListen(value: string, flag: string): string {
  if (/^tcp:([\w.-]*):(\d{1,5})$/.test(value) || /^unix:.+/.test(value)) return value;
  if (/^\d{1,5}$/.test(value)) return `tcp::${value}`;
  throw new UsageError(`${flag}: '${value}' is not a listen address (tcp::1234, tcp:127.0.0.1:1234, unix:/path)`);
}
