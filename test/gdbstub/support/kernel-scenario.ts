// The gdb session on the teaching kernel (guest/): break on a kernel function and on a
// file:line in the system call path, backtrace from the trap, CSRs and priv in S-mode, the
// page-table walk of the user pc, next in the kernel, stepi out of the system call into user
// mode, a watchpoint on the timer's tick counter, kernel globals and memory, threads, Ctrl-C.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GdbMi } from '../../support/gdb-mi';
import { GUEST_DIR } from '../../guest/support/build';

export interface KernelAnswers {
  kernelMain: { func: string; file: string };
  mainRegs: Record<string, string>;
  dispatch: { func: string; line: number; backtrace: string[] };
  sCsrs: { scause: string; satpMode: number; priv?: string; sepc: string };
  nextLine: number;
  toUser: { steps: number; priv?: string; pcIsSepcPlus4: boolean };
  /** A kernel global read while the hart is in user mode. */
  ticksFromUser?: string;
  watch: { reason: string; func: string; oldValue: number; newValue: number };
  tableMemory: string;
  sizeofTaskNonZero: boolean;
  threads: number;
  interrupt: { reason: string; signal: string };
}

export function kernelLine(file: string, text: string): number {
  const lines = readFileSync(join(GUEST_DIR, 'kernel', file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`guest/kernel/${file} has no line with ${JSON.stringify(text)}`);
  return i + 1;
}

async function cont(gdb: GdbMi, cmd = '-exec-continue'): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  gdb.clearStops();
  await gdb.command(cmd);
  return gdb.waitForStop(90000);
}

async function ev(gdb: GdbMi, expr: string): Promise<string> {
  return String((await gdb.command(`-data-evaluate-expression "${expr}"`)).data.value);
}

export async function runKernelScenario(gdb: GdbMi, remote: string, ours: boolean): Promise<KernelAnswers & { monitorPagetable?: string }> {
  await gdb.command('-gdb-set mi-async on');
  gdb.clearStops();
  await gdb.command(`-target-select remote ${remote}`);
  await gdb.waitForStop(60000);
  const a = {} as KernelAnswers & { monitorPagetable?: string };

  await gdb.command('-break-insert kernel_main');
  let s = await cont(gdb);
  a.kernelMain = { func: s.frame.func, file: String(s.frame.file).replace(/.*\//, '') };
  const regs = await gdb.command('-data-list-register-values x 1 2 3 4 8 32');
  a.mainRegs = Object.fromEntries(regs.data['register-values'].map((r: { number: string; value: string }) => [r.number, r.value]));
  await gdb.command('-break-delete');

  // A system call arrives from user mode: stop in the dispatcher.
  await gdb.command(`-break-insert syscall.c:${kernelLine('syscall.c', 'u64 number = r->x[17]')}`);
  s = await cont(gdb);
  await gdb.command('-break-delete');
  const bt = (await gdb.command('-stack-list-frames')).data.stack.map((f: { value: { func: string } }) => f.value.func);
  a.dispatch = { func: s.frame.func, line: Number(s.frame.line), backtrace: bt };
  a.sCsrs = { scause: await ev(gdb, '$scause'), satpMode: Number(BigInt(await ev(gdb, '(unsigned long)$satp')) >> 60n), sepc: await ev(gdb, '(unsigned long)$sepc') };
  try { a.sCsrs.priv = await ev(gdb, '$priv'); } catch { /* not every stub has priv */ }
  if (ours) a.monitorPagetable = await gdb.console(`monitor pagetable ${a.sCsrs.sepc}`);

  s = await cont(gdb, '-exec-next');
  a.nextLine = Number(s.frame.line);

  // Out of the kernel: from return_to_user, stepi until the hart is back in user mode.
  await gdb.command('-break-insert return_to_user');
  await cont(gdb);
  await gdb.command('-break-delete');
  const sepc = BigInt(a.sCsrs.sepc);
  let steps = 0;
  let priv: string | undefined;
  let pc = 0n;
  for (; steps < 200; steps++) {
    s = await cont(gdb, '-exec-step-instruction');
    pc = BigInt(s.frame.addr);
    priv = await ev(gdb, '$priv');
    if (priv === '0') break;
  }
  a.toUser = { steps, priv, pcIsSepcPlus4: pc === sepc + 4n };
  try { a.ticksFromUser = await ev(gdb, 'ticks'); } catch (e) { a.ticksFromUser = (e as Error).message; }

  await gdb.command('-break-watch ticks');
  s = await cont(gdb);
  a.watch = { reason: s.reason, func: s.frame.func, oldValue: Number(s.value?.old), newValue: Number(s.value?.new) };
  await gdb.command('-break-delete');

  a.tableMemory = String((await gdb.command('-data-read-memory-bytes &syscall_table 64')).data.memory[0].contents);
  a.sizeofTaskNonZero = Number(await ev(gdb, 'sizeof(struct task)')) > 0;
  a.threads = (await gdb.command('-thread-info')).data.threads.length;

  gdb.clearStops();
  await gdb.command('-exec-continue');
  await new Promise((r) => setTimeout(r, 300));
  await gdb.command('-exec-interrupt');
  s = await gdb.waitForStop(60000);
  a.interrupt = { reason: s.reason, signal: s['signal-name'] };
  return a;
}
