// A live oracle: the corpus running under qemu-system-riscv64 (-machine virt -bios none,
// halted at reset) with gdb-multiarch attached over GDB/MI. Gives gdb's answers (backtraces,
// printed values) and reads registers and memory through gdb for our own engine.
import { createServer } from 'node:net';
import { spawn, ChildProcess } from 'node:child_process';
import { GdbMi } from '../../support/gdb-mi';
import { MemoryReader, RegisterSet } from '../../../symbols';

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => res(p)); });
  });
}

export class LiveSession {
  private constructor(readonly gdb: GdbMi, private readonly qemu: ChildProcess) {}

  static async start(elf: string): Promise<LiveSession> {
    const port = await freePort();
    const qemu = spawn('qemu-system-riscv64', ['-machine', 'virt', '-bios', 'none', '-nographic', '-monitor', 'none', '-serial', 'none', '-kernel', elf, '-gdb', `tcp:127.0.0.1:${port}`, '-S'], { stdio: 'ignore' });
    let gdb: GdbMi | undefined;
    try {
      gdb = await GdbMi.start({ file: elf, timeoutMs: 60000 });
      let lastErr: unknown;
      for (let i = 0; i < 50; i++) {
        try { await gdb.command(`-target-select remote 127.0.0.1:${port}`); lastErr = undefined; break; } catch (e) { lastErr = e; await new Promise((r) => setTimeout(r, 200)); }
      }
      if (lastErr) throw lastErr;
      return new LiveSession(gdb, qemu);
    } catch (e) {
      await gdb?.close();
      qemu.kill('SIGKILL');
      throw e;
    }
  }

  /** Replaces all breakpoints by one on `loc` and continues to it; resolves with the *stopped record. */
  async runTo(loc: string): Promise<unknown> {
    await this.gdb.command('-break-delete');
    await this.gdb.command(`-break-insert ${loc}`);
    this.gdb.clearStops();
    await this.gdb.command('-exec-continue');
    return this.gdb.waitForStop();
  }

  /** x0..x31 (DWARF 0-31) and pc as gdb reads them from the target. */
  async registers(): Promise<RegisterSet> {
    const r = await this.gdb.command('-data-list-register-values x ' + Array.from({ length: 33 }, (_, i) => i).join(' '));
    const regs = new Map<number, bigint>();
    let pc = 0n;
    for (const { number, value } of r.data['register-values'] as Array<{ number: string; value: string }>) {
      const n = Number(number);
      if (n === 32) pc = BigInt(value); else regs.set(n, BigInt(value));
    }
    return { pc, regs };
  }

  readonly memory: MemoryReader = {
    readMemory: async (addr: bigint, size: number) => {
      try {
        const r = await this.gdb.command(`-data-read-memory-bytes 0x${addr.toString(16)} ${size}`);
        const hex = String(r.data.memory[0].contents);
        const out = new Uint8Array(hex.length / 2);
        for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
        return out.length === size ? out : undefined;
      } catch { return undefined; }
    },
  };

  /** gdb's backtrace: function, file, line and pc of every frame. */
  async backtrace(): Promise<Array<{ func: string; file?: string; line?: number; addr: bigint }>> {
    const r = await this.gdb.command('-stack-list-frames');
    return (r.data.stack as Array<{ value?: Record<string, string> } & Record<string, string>>).map((f) => {
      const fr = (f.value ?? f) as Record<string, string>;
      return { func: fr.func, file: fr.fullname, line: fr.line ? Number(fr.line) : undefined, addr: BigInt(fr.addr) };
    });
  }

  async close(): Promise<void> {
    await this.gdb.close();
    this.qemu.kill('SIGKILL');
  }
}
