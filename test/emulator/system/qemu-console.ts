// Runs a bare-metal program on qemu-system-riscv64's virt board with the console on stdio,
// types input once a prompt has appeared, and returns the transcript and exit status. QEMU is
// always killed (timeout, test failure, process exit).
import { spawn, type ChildProcess } from 'node:child_process';

export interface QemuConsoleRun {
  elf: string;
  /** Raw disk image file attached as virtio-blk on virtio-mmio slot 0. */
  disk?: string;
  /** Bytes typed once `prompt` has been printed. */
  input?: Uint8Array;
  prompt?: string;
  timeoutMs?: number;
  /** Replaces the default `-bios none` and adds arguments (e.g. ['-bios', FW_JUMP]). */
  extraArgs?: string[];
  /** Harts (default 1). */
  smp?: number;
}

export interface QemuConsoleResult {
  output: string;
  exitCode: number | null;
  stderr: string;
}

const live = new Set<ChildProcess>();
process.on('exit', () => { for (const p of live) p.kill('SIGKILL'); });

export function qemuArgs(elf: string, disk?: string, extra: string[] = [], smp = 1): string[] {
  const bios = extra.includes('-bios') ? [] : ['-bios', 'none'];
  const args = ['-machine', 'virt', ...bios, ...extra, '-nographic', '-monitor', 'none', '-m', '128M', '-smp', String(smp), '-kernel', elf,
    '-global', 'virtio-mmio.force-legacy=false'];
  if (disk) args.push('-drive', `file=${disk},if=none,format=raw,id=x0`, '-device', 'virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0');
  return args;
}

export function runOnQemu(run: QemuConsoleRun): Promise<QemuConsoleResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('qemu-system-riscv64', qemuArgs(run.elf, run.disk, run.extraArgs, run.smp), { stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(child);
    let output = '';
    let stderr = '';
    let typed = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`qemu did not power off within ${run.timeoutMs ?? 30000} ms; console so far:\n${output}\nstderr:\n${stderr}`));
    }, run.timeoutMs ?? 30000);
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      if (!typed && run.input && (run.prompt === undefined || output.includes(run.prompt))) {
        typed = true;
        child.stdin.write(Buffer.from(run.input));
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => { stderr += c; });
    child.on('error', (e) => { clearTimeout(timer); live.delete(child); reject(e); });
    child.on('close', (code) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ output, exitCode: code, stderr });
    });
  });
}
