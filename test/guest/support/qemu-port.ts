// Runs qemu-system-riscv64 as the oracle machine: -machine virt -bios none, the kernel ELF,
// the data disk on virtio-mmio slot 0 (modern interface), console on stdio. close() kills it,
// and a process exit handler kills any still alive, so no test leaves a qemu behind.
import { spawn, type ChildProcess } from 'node:child_process';
import type { ConsolePort, MachineSpec } from './console-port';

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export function qemuArgs(spec: MachineSpec): string[] {
  const args = ['-machine', 'virt', '-bios', 'none', '-nographic', '-m', '128M', '-smp', String(spec.smp),
    '-kernel', spec.kernel, '-global', 'virtio-mmio.force-legacy=false', '-monitor', 'none', '-serial', 'stdio'];
  if (spec.disk) {
    args.push('-drive', `file=${spec.disk},if=none,format=raw,id=x0`,
      '-device', 'virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0');
  }
  return args;
}

export class QemuPort implements ConsolePort {
  readonly description: string;
  private readonly proc: ChildProcess;
  private readonly listeners: ((text: string) => void)[] = [];
  private exited: Promise<void>;
  private stderr = '';

  /** extraArgs: more qemu options, e.g. ['-S', '-gdb', 'tcp:127.0.0.1:PORT'] for a debugger. */
  constructor(spec: MachineSpec, extraArgs: string[] = []) {
    this.description = `qemu-system-riscv64 -smp ${spec.smp}`;
    const args = qemuArgs(spec).filter((a) => a !== '-nographic');
    args.push('-display', 'none', ...extraArgs);
    this.proc = spawn('qemu-system-riscv64', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(this.proc);
    this.exited = new Promise((resolve) => this.proc.on('exit', () => { live.delete(this.proc); resolve(); }));
    this.proc.on('error', (e) => this.emit(`\n[qemu failed to start: ${e.message}]\n`));
    this.proc.stdout!.setEncoding('latin1');
    this.proc.stdout!.on('data', (s: string) => this.emit(s));
    this.proc.stderr!.on('data', (b: Buffer) => { this.stderr += b.toString(); });
  }

  private emit(text: string): void {
    for (const l of this.listeners) l(text);
  }

  write(text: string): void {
    this.proc.stdin!.write(Buffer.from(text, 'latin1'));
  }

  onOutput(listener: (text: string) => void): void {
    this.listeners.push(listener);
  }

  /** What qemu wrote on stderr (empty unless something is wrong). */
  get errors(): string {
    return this.stderr;
  }

  async close(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    await this.exited;
  }
}
