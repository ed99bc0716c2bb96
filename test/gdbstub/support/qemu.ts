// Runs qemu-system-riscv64 (virt board, -bios none) with its gdb stub on a free localhost port,
// paused before the first instruction (-S), as the oracle and the remote peer for gdbstub tests.
// close() always kills QEMU.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface QemuOptions {
  elf: string;
  smp?: number;
  memoryMiB?: number;
}

export interface RunningQemu {
  port: number;
  /** Resolves when QEMU has gone. Never throws. */
  close(): Promise<void>;
  /** What QEMU printed on stderr so far. */
  stderr(): string;
}

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

export async function startQemu(opts: QemuOptions): Promise<RunningQemu> {
  const port = await freePort();
  const args = [
    '-machine', 'virt', '-smp', String(opts.smp ?? 1), '-m', `${opts.memoryMiB ?? 128}M`,
    '-bios', 'none', '-kernel', opts.elf, '-display', 'none', '-monitor', 'none', '-serial', 'none',
    '-gdb', `tcp:127.0.0.1:${port}`, '-S',
  ];
  const proc = spawn('qemu-system-riscv64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(proc);
  let err = '';
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (s: string) => { err += s; });
  const gone = new Promise<void>((res) => proc.once('exit', () => { live.delete(proc); res(); }));
  proc.once('error', (e) => { err += `cannot run qemu-system-riscv64: ${e.message}\n`; });
  return {
    port,
    stderr: () => err,
    async close() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await gone;
    },
  };
}
