// Builds RISC-V guest programs for tests with Debian's riscv64-unknown-elf-gcc, at test time,
// into a cache keyed by the sources and flags, so repeated runs reuse the ELF.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const CACHE_DIR = join(REPO_ROOT, 'build', 'test-cache');
export const CROSS = 'riscv64-unknown-elf-';

export interface BuildOptions {
  /** Extra gcc flags; defaults give a static, bare-metal RV64GC medany program. */
  flags?: string[];
  /** Linker script path (absolute). Without one, and without a flag starting with -T
   *  (pass `-Ttext=ADDR`, not `-Wl,-Ttext=ADDR`, which is overridden), -Ttext=0x80000000 is used. */
  linkerScript?: string;
  /** Name used for the output file (readability only). */
  name?: string;
}

const BASE_FLAGS = ['-march=rv64gc_zicsr_zifencei', '-mabi=lp64d', '-mcmodel=medany', '-static', '-nostdlib', '-nostartfiles', '-g'];

/** Compiles and links the given source files (C or assembly); returns the path of the ELF. */
export function buildGuest(sources: string[], opts: BuildOptions = {}): string {
  const flags = [...BASE_FLAGS, ...(opts.flags ?? [])];
  if (opts.linkerScript) flags.push('-T', opts.linkerScript);
  else if (!flags.some((f) => f.startsWith('-T'))) flags.push('-Wl,-Ttext=0x80000000');
  const h = createHash('sha256');
  h.update(JSON.stringify(flags));
  for (const s of sources) { h.update(s); h.update(readFileSync(s)); }
  if (opts.linkerScript) h.update(readFileSync(opts.linkerScript));
  mkdirSync(CACHE_DIR, { recursive: true });
  const out = join(CACHE_DIR, `${opts.name ?? 'guest'}-${h.digest('hex').slice(0, 16)}.elf`);
  if (existsSync(out)) return out;
  const tmp = `${out}.${process.pid}.tmp`;
  execFileSync(`${CROSS}gcc`, [...flags, '-o', tmp, ...sources], { stdio: ['ignore', 'pipe', 'pipe'] });
  renameSync(tmp, out); // atomic: a concurrent test process sees the whole ELF or none
  return out;
}

/** Whether the cross compiler is installed (setup installs it; tests fail loudly without it). */
export function haveCrossCompiler(): boolean {
  try { execFileSync(`${CROSS}gcc`, ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}
