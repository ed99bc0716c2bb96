// The Linux test input, built once per test process.
//
//   buildLinux(): LinuxBuild
//     Runs test/linux/build.sh (bash) the first time it is called in this process and
//     returns the same object afterwards. The script unpacks Debian's linux-source-6.1 under
//     build/linux/, builds Linux 6.1 (tinyconfig + test/linux/kwb.config) with
//     riscv64-linux-gnu-, our module (test/linux/module) and our init (test/linux/init), and
//     writes the initramfs. It is cached by input hashes: a run with nothing changed takes
//     under a second; a cold run builds the kernel (minutes: call it from a `before` hook
//     with LINUX_BUILD_TIMEOUT_MS). It never skips: a failed build throws an Error whose
//     message holds the script's output (its "linux-build: error: ..." line and the tail of
//     the failing step's log), so the tests that need Linux fail with the reason.
//
//   LINUX_BUILD_TIMEOUT_MS   a generous mocha timeout for the hook that calls buildLinux()
//   FW_JUMP                  Debian's OpenSBI fw_jump.bin (the firmware both machines boot)
//   LINUX_APPEND             the kernel command line the tests use
//
// LinuxBuild fields are absolute paths (see build/linux/artifacts.json):
//   image          arch/riscv/boot/Image (what -kernel / --kernel boot, with firmware)
//   vmlinux        the ELF with DWARF 5 (load it in gdb or symbols/)
//   gdbScriptsDir  the folder holding vmlinux-gdb.py and scripts/gdb/linux (pass it to
//                  gdb's add-auto-load-safe-path so lx-ps, lx-lsmod, ... load)
//   initramfs      newc cpio: /init, /dev/console, /proc, /sys, /kwbdemo.ko (debug-stripped)
//   moduleKo       build/linux/module/kwbdemo.ko with debug info (lx-symbols, symbols/)
//   moduleDir      its folder (the module's sources are copied there too)
//   init           our init, an ELF with debug info
//   kernelDir      the kernel tree (config, System.map, scripts/gdb ...)
//   config, systemMap, kernelRelease ("6.1.x"), debianVersion (linux-source-6.1's version)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/toolchain';

export interface LinuxBuild {
  kernelRelease: string;
  debianVersion: string;
  kernelDir: string;
  image: string;
  vmlinux: string;
  gdbScriptsDir: string;
  vmlinuxGdbPy: string;
  config: string;
  systemMap: string;
  moduleKo: string;
  moduleDir: string;
  init: string;
  initramfs: string;
}

export const LINUX_BUILD_SCRIPT = join(REPO_ROOT, 'test', 'linux', 'build.sh');
export const LINUX_BUILD_DIR = join(REPO_ROOT, 'build', 'linux');
/** A cold build compiles the kernel with make -j2: minutes on a shared machine. */
export const LINUX_BUILD_TIMEOUT_MS = 20 * 60_000;
export const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
export const LINUX_APPEND = 'console=ttyS0 earlycon';

let built: LinuxBuild | undefined;

export function buildLinux(): LinuxBuild {
  if (built) return built;
  const t0 = Date.now();
  const r = spawnSync('bash', [LINUX_BUILD_SCRIPT], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: LINUX_BUILD_TIMEOUT_MS - 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`;
    throw new Error(`test/linux/build.sh failed (${why}):\n${output.slice(-6000)}`);
  }
  // Say what a build did when it did something (a cold build is worth a line in CI's log).
  if (Date.now() - t0 > 5000) process.stderr.write(output.replace(/^/gm, '    '));
  const file = join(LINUX_BUILD_DIR, 'artifacts.json');
  const b = JSON.parse(readFileSync(file, 'utf8')) as LinuxBuild;
  for (const k of ['image', 'vmlinux', 'vmlinuxGdbPy', 'initramfs', 'moduleKo', 'init'] as const) {
    if (!existsSync(b[k])) throw new Error(`test/linux/build.sh succeeded but ${k} (${b[k]}) is missing`);
  }
  built = b;
  return b;
}
