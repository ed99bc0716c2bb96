// Builds the teaching kernel (make -C guest) once per test run and says where the results are.
// make is incremental, so a second run in the same checkout costs almost nothing; a file lock
// keeps two test processes from building into guest/build at the same time.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/toolchain';

export const GUEST_DIR = join(REPO_ROOT, 'guest');
export const GUEST_BUILD = join(GUEST_DIR, 'build');

export interface GuestBuild {
  kernel: string;
  initfs: string;
  userDir: string;
  moduleDir: string;
}

let built: GuestBuild | undefined;

export function buildGuestKernel(): GuestBuild {
  if (built) return built;
  try {
    // flock: several test processes on one checkout (CI, a developer) never build at once
    mkdirSync(GUEST_BUILD, { recursive: true });
    execFileSync('flock', [join(GUEST_BUILD, '.build-lock'), 'make', '-C', GUEST_DIR, '-j2'],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`make -C guest failed:\n${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? ''}`);
  }
  const b: GuestBuild = {
    kernel: join(GUEST_BUILD, 'kernel.elf'),
    initfs: join(GUEST_BUILD, 'initfs.img'),
    userDir: join(GUEST_BUILD, 'user'),
    moduleDir: join(GUEST_BUILD, 'modules'),
  };
  if (!existsSync(b.kernel)) throw new Error(`make -C guest did not produce ${b.kernel}`);
  built = b;
  return b;
}
