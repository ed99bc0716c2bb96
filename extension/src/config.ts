// Launch configurations of debug type `kernel` as the extension prepares them, without vscode:
// the configuration F5 uses when there is no launch.json (the bundled teaching kernel), the
// bundled kernel's paths filled in (`"kernel": "bundled"` or no kernel at all), and the check
// before the adapter starts: unknown fields (a misspelt "kernal"), then the adapter's own field
// checks (debug-adapter/launch-config.ts), then whether the kernel is a RISC-V ELF. Every error
// names the field.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, parseAttachConfig, parseLaunchConfig } from '../../debug-adapter/launch-config';

export type RawConfig = Record<string, unknown>;

/** Where the teaching kernel lies inside the installed extension (extension/dist/guest). */
export interface Bundle {
  root: string;
  kernel: string;
  programs: string;
  modules: string;
  /** The teaching kernel's sources as bundled (for a user without the repository). */
  sources: string;
  /** The folder the bundled kernel was built in (its debug information names files there). */
  buildRoot?: string;
}

export function bundleAt(extensionPath: string, buildRoot?: string): Bundle {
  const root = join(extensionPath, 'dist', 'guest');
  return { root, kernel: join(root, 'kernel.elf'), programs: join(root, 'user'), modules: join(root, 'modules'), sources: join(root, 'src'), buildRoot };
}

export const BUNDLED = 'bundled';

/** What F5 starts with no launch.json, and what "Add Configuration" offers first. */
export function initialConfiguration(): RawConfig {
  return { type: 'kernel', request: 'launch', name: 'Teaching kernel (bundled)', kernel: BUNDLED, stopOnEntry: false };
}

/** Fields VS Code itself puts in any configuration (not ours to check). */
const GENERIC = new Set(['type', 'request', 'name', 'preLaunchTask', 'postDebugTask', 'internalConsoleOptions', 'debugServer', 'presentation', 'suppressMultipleSessionWarning', 'serverReadyAction', 'noDebug', 'env', 'envFile', 'console', 'outputCapture', 'skipFiles', 'trace']);

const COMMON_FIELDS = ['kernel', 'symbols', 'profile', 'programs', 'moduleDirs', 'stopOnEntry', 'stopAtEntry', 'stopAt', 'process', 'cwd', 'sourceFileMap'];
export const LAUNCH_FIELDS = [...COMMON_FIELDS, 'serialTerminal', 'bios', 'initrd', 'drives', 'drivesWritable', 'memory', 'smp', 'cmdline', 'gdbPort', 'idle', 'jit', 'checkpointDir', 'checkpoint'];
export const ATTACH_FIELDS = [...COMMON_FIELDS, 'target'];

export type Resolution = { ok: true; config: RawConfig } | { ok: false; field: string; message: string };

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) {
    d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
  }
  return d[a.length][b.length];
}

function suggestion(field: string, known: string[]): string {
  const best = known.map((k) => ({ k, d: distance(field, k) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(field.length / 3)) ? ` (did you mean "${best.k}"?)` : '';
}

/**
 * Before variables are substituted: an empty configuration (F5 with no launch.json) becomes the
 * initial one; the bundled kernel's paths are filled in.
 */
export function fillDefaults(raw: RawConfig, bundle: Bundle, workspaceFolder?: string): RawConfig {
  let c: RawConfig = { ...raw };
  if (!c.type && !c.request && !c.name) c = { ...initialConfiguration(), ...c };
  c.type ??= 'kernel';
  // launch: no kernel means the bundled one; attach: only when asked ("kernel": "bundled", for a
  // `kwb --gdb` or QEMU running the teaching kernel the extension carries)
  const bundled = c.kernel === BUNDLED || (c.request === 'launch' && (c.kernel === undefined || c.kernel === null));
  if ((c.request === 'launch' || c.request === 'attach') && bundled) {
    c.kernel = bundle.kernel;
    c.programs ??= bundle.programs;
    c.moduleDirs ??= [bundle.modules];
    c.profile ??= 'teaching';
    // the debug information names the folder the kernel was built in: show the workspace's copy
    // of the sources when it is the teaching kernel's folder, else the bundled sources
    if (bundle.buildRoot && c.sourceFileMap === undefined) {
      const local = workspaceFolder && existsSync(join(workspaceFolder, 'kernel', 'main.c')) ? workspaceFolder : bundle.sources;
      if (local !== bundle.buildRoot) c.sourceFileMap = { [bundle.buildRoot]: local };
    }
  }
  if (c.cwd === undefined && workspaceFolder) c.cwd = workspaceFolder;
  return c;
}

const EM_RISCV = 243;
const MACHINES: Record<number, string> = { 3: 'x86', 40: 'ARM', 62: 'x86-64', 183: 'AArch64', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64', 22: 'S/390', 258: 'LoongArch' };

/** The kernel file's ELF machine, when it is an ELF (undefined otherwise: a Linux Image, say). */
function elfMachine(path: string): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const b = Buffer.alloc(20);
    if (readSync(fd, b, 0, 20, 0) < 20) return undefined;
    if (b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) return undefined;
    return b[5] === 2 ? b.readUInt16BE(18) : b.readUInt16LE(18);
  } catch { return undefined; } finally { if (fd !== undefined) closeSync(fd); }
}

/** After variables are substituted: the whole configuration checked; errors name the field. */
export function checkConfiguration(c: RawConfig): Resolution {
  const request = c.request;
  if (request !== 'launch' && request !== 'attach') {
    return { ok: false, field: 'request', message: `request: expected "launch" or "attach", got ${request === undefined ? 'nothing' : JSON.stringify(request)}` };
  }
  const known = request === 'launch' ? LAUNCH_FIELDS : ATTACH_FIELDS;
  for (const k of Object.keys(c)) {
    if (GENERIC.has(k) || k.startsWith('__') || known.includes(k)) continue;
    const other = request === 'launch' ? ATTACH_FIELDS : LAUNCH_FIELDS;
    const why = other.includes(k) ? ` (a field of "${request === 'launch' ? 'attach' : 'launch'}" configurations)` : suggestion(k, known);
    return { ok: false, field: k, message: `${k}: not a field of a kernel ${request} configuration${why}` };
  }
  if (c.sourceFileMap !== undefined && (typeof c.sourceFileMap !== 'object' || c.sourceFileMap === null || Array.isArray(c.sourceFileMap) || Object.values(c.sourceFileMap).some((v) => typeof v !== 'string'))) {
    return { ok: false, field: 'sourceFileMap', message: 'sourceFileMap: expected an object mapping build folders to local folders, e.g. { "/build/guest": "${workspaceFolder}" }' };
  }
  if (c.serialTerminal !== undefined && typeof c.serialTerminal !== 'boolean') {
    return { ok: false, field: 'serialTerminal', message: `serialTerminal: expected true or false, got ${JSON.stringify(c.serialTerminal)}` };
  }
  try {
    const parsed = request === 'launch' ? parseLaunchConfig(c) : parseAttachConfig(c);
    const kernel = parsed.symbols ?? parsed.kernel;
    if (kernel) {
      const m = elfMachine(kernel);
      if (m !== undefined && m !== EM_RISCV) {
        const field = parsed.symbols ? 'symbols' : 'kernel';
        return { ok: false, field, message: `${field}: '${kernel}' is an ELF file for ${MACHINES[m] ?? `machine ${m}`}, not RISC-V` };
      }
    }
  } catch (e) {
    if (e instanceof ConfigError) return { ok: false, field: e.field, message: e.message };
    return { ok: false, field: request, message: `${request}: ${(e as Error).message}` };
  }
  return { ok: true, config: c };
}
