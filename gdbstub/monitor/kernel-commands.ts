// The kernel-awareness monitor commands: `ps` (the task table), `sysrq t` (every task's stack,
// as Linux's sysrq-t prints it), `deadlock` (cycles of tasks waiting for each other's locks),
// `modules`, `harts` (what `info threads` showed before tasks were threads) and `threads
// tasks|harts` (what gdb's threads are). Everything comes from awareness/ through the KernelView.
import { REG_PC, REG_PRIV } from '../../emulator/target';
import { describeCycle, formatModuleTable, formatTaskTable, type KernelAwareness, type TaskInfo } from '../../awareness';
import { decodeCsr } from './csr-decode';
import { MonitorError, type MonitorCommand, type MonitorContext } from './types';

const hex = (v: bigint): string => '0x' + v.toString(16);

function aware(ctx: MonitorContext): KernelAwareness {
  const aw = ctx.kernel?.awareness;
  if (!aw) throw new MonitorError(`kernel awareness is off: ${ctx.kernel?.offReason ?? 'not configured'}`);
  return aw;
}

/** Listed wherever the stub knows a kernel view; without awareness they say why it is off. */
const hasAwareness = (ctx: MonitorContext): boolean => ctx.kernel !== undefined;

/** Warnings awareness collected (a corrupted list cut off, a missing file), once each. */
function warningLines(aw: KernelAwareness, since: number): string {
  const w = aw.warnings.list.slice(since);
  return w.map((x) => `warning: ${x}\n`).join('');
}

export const ps: MonitorCommand = {
  name: 'ps', usage: 'ps', summary: 'the kernel\'s tasks: pid, parent, state, name, what each waits for',
  available: hasAwareness,
  async run(_args, ctx) {
    const aw = aware(ctx);
    const n = aw.warnings.list.length;
    return formatTaskTable(await aw.tasks()) + warningLines(aw, n);
  },
};

function taskHeader(t: TaskInfo): string {
  const where = t.state === 'running' && t.hart !== undefined ? ` on hart ${t.hart}` : '';
  let wait = t.waitReason ?? '';
  if (t.waitText) wait = wait ? `${wait} (${t.waitText})` : t.waitText;
  if (t.blockedOn?.holderPid !== undefined) wait += ` held by pid ${t.blockedOn.holderPid}`;
  return `pid ${t.pid} (${t.name}) ${t.state}${where}${wait ? `: ${wait}` : ''}`;
}

export const sysrq: MonitorCommand = {
  name: 'sysrq', usage: 'sysrq t', summary: 'every task\'s backtrace, kernel into user frames (Linux\'s sysrq-t)',
  available: hasAwareness,
  async run(args, ctx) {
    if (args.length !== 1 || args[0] !== 't') throw new MonitorError('usage: sysrq t (show every task\'s stack)');
    const aw = aware(ctx);
    const n = aw.warnings.list.length;
    const out: string[] = [];
    for (const t of await aw.tasks()) {
      out.push(taskHeader(t));
      const frames = await aw.backtrace(t);
      if (!frames.length) out.push('  (no stack: registers not saved)');
      for (const f of frames) {
        const at = f.file ? ` at ${f.file}:${f.line ?? '?'}` : '';
        const user = f.space === 'user' ? ` [user${f.program ? ` ${f.program.replace(/.*[\\/]/, '')}` : ''}]` : '';
        out.push(`  #${f.level} ${hex(f.pc)} in ${f.function}${at}${user}`);
      }
      out.push('');
    }
    return out.join('\n') + warningLines(aw, n);
  },
};

export const deadlock: MonitorCommand = {
  name: 'deadlock', usage: 'deadlock', summary: 'cycles of tasks each waiting for a lock the next one holds',
  available: hasAwareness,
  async run(_args, ctx) {
    const cycles = await aware(ctx).deadlocks();
    return cycles.length ? cycles.map((c) => describeCycle(c) + '\n').join('') : 'no deadlock\n';
  },
};

export const modules: MonitorCommand = {
  name: 'modules', usage: 'modules', summary: 'loaded modules: name, base, size, section addresses',
  available: hasAwareness,
  async run(_args, ctx) {
    const aw = aware(ctx);
    const n = aw.warnings.list.length;
    return formatModuleTable(await aw.modules()) + warningLines(aw, n);
  },
};

export const harts: MonitorCommand = {
  name: 'harts', usage: 'harts', summary: 'each hart: privilege, pc, and the task it runs',
  available: () => true,
  async run(_args, ctx) {
    const out: string[] = [];
    const aw = ctx.kernel?.awareness;
    for (let h = 0; h < ctx.target.features.harts; h++) {
      try {
        const pc = await ctx.target.readRegister(h, REG_PC);
        const priv = await ctx.target.readRegister(h, REG_PRIV);
        const t = aw && await aw.taskOnHart(h);
        out.push(`hart ${h}: ${decodeCsr('priv', priv)} pc ${hex(pc)}${t ? `, running pid ${t.pid} (${t.name})` : ''}`);
      } catch (e) {
        out.push(`hart ${h}: ${(e as Error).message}`);
      }
    }
    return out.join('\n') + '\n';
  },
};

export const threads: MonitorCommand = {
  name: 'threads', usage: 'threads [tasks|harts]', summary: 'show gdb\'s threads as the kernel\'s tasks or as harts',
  available: hasAwareness,
  async run(args, ctx) {
    aware(ctx);
    const k = ctx.kernel!;
    if (args.length === 0) return `threads are ${k.threadMode}\n`;
    if (args.length !== 1 || (args[0] !== 'tasks' && args[0] !== 'harts')) throw new MonitorError('usage: threads tasks|harts');
    if (ctx.process) throw new MonitorError(`attached to pid ${ctx.process.pid}: its thread is the process; detach first`);
    k.threadMode = args[0];
    return `threads are now ${k.threadMode}; gdb sees the new list at its next stop or \`info threads\`\n`;
  },
};

/** Lines for `monitor info`: the awareness profile, or why there is none, and its warnings. */
export function awarenessInfo(ctx: MonitorContext): string[] {
  const k = ctx.kernel;
  if (!k) return [];
  const aw = k.awareness;
  if (!aw) return [`kernel awareness: off (${k.offReason ?? 'not configured'})`];
  const out = [`kernel awareness: ${aw.profile.id} (${aw.profile.title}), threads are ${k.threadMode}${ctx.process ? `, attached to pid ${ctx.process.pid}` : ''}`];
  for (const w of aw.warnings.list.slice(-10)) out.push(`  warning: ${w}`);
  return out;
}

export const KERNEL_COMMANDS: readonly MonitorCommand[] = [ps, sysrq, deadlock, modules, harts, threads];
