// Local check of the xv6 profile against the real xv6-riscv (not run in CI: CI cannot fetch xv6,
// and nothing of xv6 is committed here). Boots XV6/kernel/kernel with XV6/fs.img on our Machine
// in this process, waits for the shell's `$ ` prompt, starts the given command lines (default:
// `cat | wc &`: cat blocked reading the console beside sh, wc reading the empty pipe), pauses, and prints awareness's
// task table, every task's registers source and backtrace (kernel frames, then the user
// program's frames named with XV6/user/_NAME), and the warnings.
//
// Usage (xv6 built locally, e.g. `make -C /tmp/xv6 TOOLPREFIX=riscv64-unknown-elf- kernel/kernel fs.img`):
//   npx tsx bench/awareness/xv6-check.ts [--xv6 DIR] [--smp N] [--cmd 'LINE']... [--stress N]
//   --stress N: run `stressfs` and pause N times, 20 ms apart, printing the stops where a task
//   waits for a sleeplock (blockedOn, with its holder), backtraces at the first (--bt-all: at all).
//   --preempt: run `stressfs` until a timer interrupt taken in the kernel makes kerneltrap yield,
//   run on until that process is off its hart, and print it (RUNNABLE; its stack goes through
//   kernelvec, with the interrupted pc from kerneltrap's `sepc`). Use --smp 1.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTaskTable, KernelAwareness } from '../../awareness';
import { SymbolFile } from '../../symbols';
import { ConsoleSession } from '../../test/guest/support/console-session';
import { MachinePort } from '../../test/guest/support/machine-port';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const all = (name: string): string[] => args.flatMap((a, i) => (a === name && args[i + 1] !== undefined ? [args[i + 1]] : []));
const xv6 = opt('--xv6') ?? '/tmp/xv6';
const smp = Number(opt('--smp') ?? '1');
const cmds = all('--cmd');
const stress = opt('--stress');
const btAll = args.includes('--bt-all');
const kernel = join(xv6, 'kernel', 'kernel');
const load = (p: string): Uint8Array | undefined => { try { return new Uint8Array(readFileSync(p)); } catch { return undefined; } };
const hex = (v: bigint | undefined): string => (v === undefined ? '?' : '0x' + v.toString(16));

async function report(aw: KernelAwareness, backtraces: boolean): Promise<void> {
  aw.invalidate();
  const tasks = await aw.tasks();
  console.log(`profile: ${aw.profile.title}\n`);
  console.log(formatTaskTable(tasks));
  if (!backtraces) return;
  for (const t of tasks) {
    const regs = await aw.registers(t);
    const prog = await aw.program(t);
    console.log(`--- pid ${t.pid} ${t.name}: ${t.state}${t.hart !== undefined ? ` on hart ${t.hart}` : ''} (${t.stateText}), registers ${regs?.source ?? 'none'}, pc ${hex(regs?.pc)} sp ${hex(regs?.x[2])}, satp ${hex(t.satp)}, program ${prog?.path ?? '(none)'}`);
    if (t.blockedOn) console.log(`    blocked on ${t.blockedOn.name ?? '?'} at ${hex(t.blockedOn.address)}, holder pid ${t.blockedOn.holderPid ?? '-'}`);
    for (const f of await aw.backtrace(t)) {
      const where = f.file ? ` at ${f.file.replace(/^.*[\\/]/, '')}:${f.line}` : '';
      console.log(`    #${f.level} ${hex(f.pc)} ${f.function}${where}  [${f.space}${f.program ? ' ' + f.program.replace(/^.*[\\/]/, '') : ''}, ${f.machine.how}]`);
    }
    const ur = await aw.userRegisters(t);
    if (ur) console.log(`    user registers (${ur.source}): pc ${hex(ur.pc)} sp ${hex(ur.x[2])} a0 ${hex(ur.x[10])} a7 ${hex(ur.x[17])}`);
  }
  if (aw.warnings.list.length) console.log(`\nwarnings:\n  ${aw.warnings.list.join('\n  ')}`);
}

async function main(): Promise<void> {
  const port = new MachinePort({ kernel, smp, disk: join(xv6, 'fs.img') });
  const session = new ConsoleSession(port, 120_000);
  try {
    await session.waitFor('$ ');
    const symbols = SymbolFile.open(load(kernel)!, { name: kernel });
    const det = KernelAwareness.open(symbols, port.machine, { kernelPath: kernel, loadFile: load });
    if (!det.ok) throw new Error(det.reason);
    const aw = det.awareness;
    if (args.includes('--preempt')) {
      session.type('stressfs\n');
      await new Promise((r) => setTimeout(r, 200));
      const m = port.machine;
      await m.pause();
      const at = (name: string): bigint => symbols.symbolizer!.symbolAddress(name)!;
      const kt = symbols.functionAt(at('kerneltrap'))!;
      const cpuProc = async (h: number): Promise<bigint> => (await aw.tasks(), (await aw.taskOnHart(h))?.address ?? 0n);
      await m.addBreakpoint(at('yield'));
      let hart = -1;
      for (let i = 0; i < 2000 && hart < 0; i++) {
        const e = m.runFor(20_000_000);
        if (e?.reason.kind !== 'breakpoint') continue;
        const ra = await m.readRegister(e.reason.hart, 1);
        if (ra >= kt.lo && ra < kt.hi) hart = e.reason.hart;
      }
      await m.removeBreakpoint(at('yield'));
      if (hart < 0) throw new Error('no yield from kerneltrap seen');
      aw.invalidate();
      const p = await cpuProc(hart);
      for (let i = 0; i < 10_000; i++) { await m.step(hart); aw.invalidate(); if ((await cpuProc(hart)) !== p) break; }
      await report(aw, true);
      return;
    }
    if (stress) {
      session.type('stressfs\n');
      let seen = 0;
      for (let i = 0; i < Number(stress); i++) {
        await new Promise((r) => setTimeout(r, 20));
        await port.machine.pause();
        aw.invalidate();
        const waiting = (await aw.tasks()).filter((t) => t.blockedOn);
        if (waiting.length) {
          seen++;
          console.log(`stop ${i}:`);
          await report(aw, btAll || seen <= 1);
        }
        void port.machine.resume();
      }
      console.log(`${seen} of ${stress} stops had a task waiting for a sleeplock`);
      return;
    }
    for (const c of cmds.length ? cmds : ['cat | wc &']) {
      session.type(c + '\n');
      await session.waitFor('$ ');
    }
    await new Promise((r) => setTimeout(r, 300)); // let the background processes reach their waits
    await port.machine.pause();
    await report(aw, true);
  } finally {
    await port.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
