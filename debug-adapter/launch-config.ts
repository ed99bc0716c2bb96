// The launch and attach configurations of debug type `kernel` (what a user writes in
// launch.json, nvim-dap's or dap-mode's configuration), checked field by field. A missing or
// wrong field is one ConfigError naming the field and what it expects; paths are resolved
// against `cwd` (VS Code has already replaced ${workspaceFolder}) and checked to exist.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { driveSpecOfEntry } from '../host/disks/open-drive';

export type Profile = 'auto' | 'teaching' | 'xv6' | 'linux' | 'none';
const PROFILES: readonly Profile[] = ['auto', 'teaching', 'xv6', 'linux', 'none'];

/** What both request kinds share: symbols, awareness and the process filter. */
export interface CommonConfig {
  /** The kernel's ELF with symbols (the `symbols` field, else `kernel` when it is ELF). */
  kernel?: string;
  symbols?: string;
  profile: Profile;
  /** User programs: a host folder standing for the guest's root file system / program folder, or name → ELF. */
  programs?: { folder: string } | { map: Record<string, string> };
  moduleDirs: string[];
  stopOnEntry: boolean;
  /** Stop at this function after start (a temporary breakpoint). */
  stopAt?: string;
  /** Per-process attach: only this process's user breakpoints count. */
  process?: { pid: number } | { name: string };
}

export interface LaunchConfig extends CommonConfig {
  request: 'launch';
  kernel: string;
  /** 'none' or the firmware file. */
  bios: string;
  initrd?: string;
  drives: string[];
  drivesWritable: boolean;
  memoryBytes: number;
  smp: number;
  cmdline?: string;
  /** Also serve gdb on 127.0.0.1:PORT (0: a free port) on the same machine. */
  gdbPort?: number;
  idle: 'sleep' | 'skip';
  /** Translate hot guest code (default: the machine's, on unless KWB_JIT=0); false interprets only. */
  jit?: boolean;
  /** Where the console's save/load/list keep checkpoints (absolute; made at the first save). */
  checkpointDir: string;
  /** A checkpoint file loaded into the machine before it starts (kwb's --checkpoint-load). */
  checkpoint?: string;
}

export interface AttachConfig extends CommonConfig {
  request: 'attach';
  target: { host: string; port: number };
}

export type SessionConfig = LaunchConfig | AttachConfig;

/** A field of the configuration is missing or wrong; the message names it and what it expects. */
export class ConfigError extends Error {
  constructor(readonly field: string, expected: string) {
    super(`${field}: ${expected}`);
    this.name = 'ConfigError';
  }
}

type Raw = Record<string, unknown>;

const show = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return String(v);
};

class Reader {
  constructor(private readonly raw: Raw, private readonly cwd: string) {}

  has(field: string): boolean { return this.raw[field] !== undefined && this.raw[field] !== null; }
  value(field: string): unknown { return this.raw[field]; }

  string(field: string, what: string): string | undefined {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v.trim() === '') throw new ConfigError(field, `expected ${what}, got ${show(v)}`);
    return v;
  }

  bool(field: string): boolean | undefined {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw new ConfigError(field, `expected true or false, got ${show(v)}`);
    return v;
  }

  int(field: string, min: number, max: number): number | undefined {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw new ConfigError(field, `expected a whole number from ${min} to ${max}, got ${show(v)}`);
    return n;
  }

  oneOf<T extends string>(field: string, options: readonly T[]): T | undefined {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) throw new ConfigError(field, `expected one of ${options.map((o) => `"${o}"`).join(', ')}, got ${show(v)}`);
    return v as T;
  }

  path(p: string): string { return isAbsolute(p) ? p : resolve(this.cwd, p); }

  file(field: string, what: string, value?: string): string | undefined {
    const v = value ?? this.string(field, `the path of ${what}`);
    if (v === undefined) return undefined;
    const p = this.path(v);
    let st;
    try { st = statSync(p); } catch { throw new ConfigError(field, `${what} '${p}' does not exist`); }
    if (!st.isFile()) throw new ConfigError(field, `${what} '${p}' is not a regular file`);
    return p;
  }

  /** A file that must be a 64-bit little-endian RISC-V ELF (symbols are read from it). */
  elf(field: string, what: string): string | undefined {
    const p = this.file(field, what);
    if (p === undefined) return undefined;
    const problem = elfProblem(p);
    if (problem) throw new ConfigError(field, `${what} '${p}' is not a RISC-V 64-bit ELF file (${problem})`);
    return p;
  }

  folder(field: string, what: string, value: string): string {
    const p = this.path(value);
    let st;
    try { st = statSync(p); } catch { throw new ConfigError(field, `${what} '${p}' does not exist`); }
    if (!st.isDirectory()) throw new ConfigError(field, `${what} '${p}' is not a folder`);
    return p;
  }

  stringArray(field: string, what: string): string[] {
    const v = this.raw[field];
    if (v === undefined || v === null) return [];
    if (typeof v === 'string') return [v];
    if (!Array.isArray(v)) throw new ConfigError(field, `expected an array of ${what}, got ${show(v)}`);
    return v.map((x, i) => {
      if (typeof x !== 'string' || x.trim() === '') throw new ConfigError(`${field}[${i}]`, `expected ${what.replace(/s$/, '')}, got ${show(x)}`);
      return x;
    });
  }
}

/** Why the file is not a 64-bit little-endian RISC-V ELF (its header read), or undefined when it is one. */
export function elfProblem(path: string): string | undefined {
  const head = new Uint8Array(64);
  let n = 0;
  try { const fd = openSync(path, 'r'); try { n = readSync(fd, head, 0, 64, 0); } finally { closeSync(fd); } } catch (e) { return `cannot read it: ${(e as Error).message}`; }
  if (n < 4 || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) return 'no ELF magic';
  if (n < 64) return `its ELF header is cut short at ${n} bytes`;
  if (head[4] !== 2) return `ELF class ${head[4]}, not 64-bit`;
  if (head[5] !== 1) return 'not little-endian';
  const machine = head[18] | (head[19] << 8);
  if (machine !== 243) return `machine ${machine}, not RISC-V (243)`;
  return undefined;
}

/** Parses a memory size: bytes as a number, or "128M", "1G", "65536K" (16 MiB to 2 GiB, whole 4 KiB pages). */
export function parseMemory(v: unknown, field = 'memory'): number {
  const expected = 'expected a size such as "128M" or "1G", or a number of bytes (16M to 2G, a multiple of 4 KiB)';
  let bytes: number;
  if (typeof v === 'number') bytes = v;
  else if (typeof v === 'string') {
    const m = /^(\d+)\s*([KMG]?)i?B?$/i.exec(v.trim());
    if (!m) throw new ConfigError(field, `${expected}, got ${show(v)}`);
    const unit = m[2].toUpperCase();
    bytes = Number(m[1]) * (unit === 'K' ? 1 << 10 : unit === 'G' ? 1 << 30 : unit === 'M' ? 1 << 20 : 1);
  } else throw new ConfigError(field, `${expected}, got ${show(v)}`);
  if (!Number.isInteger(bytes) || bytes < 16 << 20 || bytes > 2 ** 31 || bytes % 4096 !== 0) throw new ConfigError(field, `${expected}, got ${show(v)}`);
  return Math.min(bytes, 0x7fff_f000);
}

function common(r: Reader, request: string): CommonConfig {
  const onEntry = r.bool('stopOnEntry'), atEntry = r.bool('stopAtEntry'); // both checked, cppdbg's name too
  const stopOnEntry = onEntry ?? atEntry ?? false;
  const stopAt = r.string('stopAt', 'a function name (stop there after start)');
  if (stopAt !== undefined && !/^[A-Za-z_.$][\w.$]*$/.test(stopAt.trim())) throw new ConfigError('stopAt', `expected a function name, got ${show(stopAt)}`);
  const profile = r.oneOf('profile', PROFILES) ?? 'auto';
  const symbols = r.elf('symbols', 'the ELF file with the kernel\'s symbols');
  let programs: CommonConfig['programs'];
  const pv = r.value('programs');
  if (typeof pv === 'string') programs = { folder: r.folder('programs', 'the programs folder', pv) };
  else if (pv !== undefined && pv !== null) {
    if (typeof pv !== 'object' || Array.isArray(pv)) throw new ConfigError('programs', `expected a folder or an object mapping program names to ELF files, got ${show(pv)}`);
    const map: Record<string, string> = {};
    for (const [name, path] of Object.entries(pv as Raw)) {
      if (typeof path !== 'string' || path.trim() === '') throw new ConfigError(`programs.${name}`, `expected the path of the program's ELF file, got ${show(path)}`);
      map[name] = r.file(`programs.${name}`, `program ${name}'s ELF file`, path)!;
    }
    programs = { map };
  }
  const moduleDirs = r.stringArray('moduleDirs', 'folders').map((d, i) => r.folder(`moduleDirs[${i}]`, 'module folder', d));
  let process: CommonConfig['process'];
  const p = r.value('process');
  if (typeof p === 'number') {
    if (!Number.isInteger(p) || p < 0) throw new ConfigError('process', `expected a process id or a program name, got ${show(p)}`);
    process = { pid: p };
  } else if (typeof p === 'string' && p.trim() !== '') process = /^\d+$/.test(p.trim()) ? { pid: Number(p) } : { name: p.trim() };
  else if (p !== undefined && p !== null) throw new ConfigError('process', `expected a process id or a program name, got ${show(p)}`);
  void request;
  return { profile, symbols, programs, moduleDirs, stopOnEntry, stopAt: stopAt?.trim(), process };
}

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function cwdOf(raw: Raw): string {
  const c = raw.cwd;
  if (c === undefined || c === null) return process.cwd();
  if (typeof c !== 'string' || c.trim() === '') throw new ConfigError('cwd', `expected a folder for relative paths, got ${show(c)}`);
  return resolve(c);
}

/**
 * A `drives` entry: a disk image path, or "FILE,cow=COW" / "cow=COW" (changes kept in the
 * copy-on-write file COW, made when missing); paths resolved against cwd.
 */
function driveEntry(r: Reader, field: string, text: string): string {
  let spec;
  try { spec = driveSpecOfEntry(text); } catch (e) { throw new ConfigError(field, (e as Error).message); }
  if (spec.empty) return 'empty'; // a slot for media change (console config/remove)
  if (spec.cow === undefined) return r.file(field, 'the disk image', text)!;
  const file = spec.file === undefined ? undefined : r.file(field, 'the disk image', spec.file)!;
  return `${file === undefined ? '' : `${file},`}cow=${r.path(spec.cow)}`;
}

/** The checkpoint folder when "checkpointDir" is not given, relative to cwd. */
export const DEFAULT_CHECKPOINT_DIR = '.kwb/checkpoints';

/** Checks a launch request's arguments; throws ConfigError naming the first bad field. */
export function parseLaunchConfig(raw: unknown): LaunchConfig {
  if (!isObject(raw)) throw new ConfigError('launch', 'expected the configuration as an object');
  const r = new Reader(raw, cwdOf(raw));
  if (!r.has('kernel')) throw new ConfigError('kernel', 'required: the path of the kernel (an ELF executable, or a Linux Image with "bios")');
  const kernel = r.file('kernel', 'the kernel')!;
  const biosText = r.string('bios', '"none" or the path of a firmware file (OpenSBI fw_jump.bin)') ?? 'none';
  const bios = biosText === 'none' ? 'none' : r.file('bios', 'the firmware', biosText)!;
  const initrd = r.file('initrd', 'the initial RAM disk');
  const drives = r.stringArray('drives', 'disk image paths').map((d, i) => driveEntry(r, `drives[${i}]`, d));
  const memoryBytes = r.has('memory') ? parseMemory(r.value('memory')) : 128 << 20;
  const idle = r.oneOf('idle', ['sleep', 'skip'] as const) ?? 'sleep';
  const gdbPort = r.int('gdbPort', 0, 65535);
  // beside the workspace's other tool state, not among the sources (kwb's default is ./checkpoints)
  const checkpointDir = r.path(r.string('checkpointDir', 'the folder for the console\'s checkpoints (save NAME, load NAME, list)') ?? DEFAULT_CHECKPOINT_DIR);
  const checkpoint = r.file('checkpoint', 'the checkpoint file');
  return {
    request: 'launch', ...common(r, 'launch'), kernel, bios, initrd, drives,
    drivesWritable: r.bool('drivesWritable') ?? false, memoryBytes, smp: r.int('smp', 1, 8) ?? 1,
    cmdline: r.has('cmdline') ? r.string('cmdline', 'the kernel command line as a string') : undefined,
    gdbPort, idle, jit: r.bool('jit'), checkpointDir, checkpoint,
  };
}

/** Checks an attach request's arguments; throws ConfigError naming the first bad field. */
export function parseAttachConfig(raw: unknown): AttachConfig {
  if (!isObject(raw)) throw new ConfigError('attach', 'expected the configuration as an object');
  const r = new Reader(raw, cwdOf(raw));
  const expected = '"tcp:HOST:PORT" (a gdb stub: kwb --gdb, qemu-system-riscv64 -s)';
  if (!r.has('target')) throw new ConfigError('target', `required: ${expected}`);
  const t = r.string('target', expected)!;
  const m = /^(?:tcp:)?([\w.-]*|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(t.trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new ConfigError('target', `expected ${expected}, got ${show(t)}`);
  const host = m[1] === '' ? '127.0.0.1' : m[1].replace(/^\[|\]$/g, '');
  const kernel = r.elf('kernel', 'the kernel ELF (for its symbols)');
  return { request: 'attach', ...common(r, 'attach'), kernel, target: { host, port: Number(m[2]) } };
}
