// The kernel-awareness monitor commands: `ps` (the task table), `sysrq KEY` (Linux's magic
// SysRq keys: t, l, w stacks and p registers answered by the debugger, b reboot and o power off
// by the machine, m, c and any key with --guest by the guest's own SysRq through the UART),
// `deadlock` (cycles of tasks waiting for each other's locks), `modules`, `harts` (what `info
// threads` showed before tasks were threads) and `threads tasks|harts` (what gdb's threads are).
// Everything comes from awareness/ through the KernelView.
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

/** Runs `read` on the kernel's awareness and appends the warnings it raised (a corrupted list
 *  cut off, a missing file), once each. */
async function withWarnings(ctx: MonitorContext, read: (aw: KernelAwareness) => Promise<string>): Promise<string> {
  const aw = aware(ctx);
  const since = aw.warnings.list.length;
  const text = await read(aw);
  return text + aw.warnings.list.slice(since).map((x) => `warning: ${x}\n`).join('');
}

export const ps: MonitorCommand = {
  name: 'ps', usage: 'ps', summary: 'the kernel\'s tasks: pid, parent, state, name, what each waits for',
  available: hasAwareness,
  async run(_args, ctx) {
    return withWarnings(ctx, async (aw) => formatTaskTable(await aw.tasks()));
  },
};

function taskHeader(t: TaskInfo): string {
  const where = t.state === 'running' && t.hart !== undefined ? ` on hart ${t.hart}` : '';
  let wait = t.waitReason ?? '';
  if (t.waitText) wait = wait ? `${wait} (${t.waitText})` : t.waitText;
  if (t.blockedOn?.holderPid !== undefined) wait += ` held by pid ${t.blockedOn.holderPid}`;
  return `pid ${t.pid} (${t.name}) ${t.state}${where}${wait ? `: ${wait}` : ''}`;
}

async function taskStacks(aw: KernelAwareness, tasks: readonly TaskInfo[], out: string[]): Promise<void> {
  for (const t of tasks) {
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
}

const GPR_NAMES = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];

/** The magic SysRq keys offered by name. `debugger`: answered from outside the kernel (the
 *  debugger reads its state; works on a paused machine) when awareness is on (p also without
 *  it on a target that cannot reach the guest); `machine`: the machine does it (reset, power
 *  off); `guest`: sent to the guest's own SysRq, a BREAK on the serial line and then the key,
 *  which the kernel answers on its serial console (Linux with CONFIG_MAGIC_SYSRQ_SERIAL, the
 *  teaching kernel). `sysrq --guest KEY` sends any key to the guest. */
export const SYSRQ_KEYS: ReadonlyArray<{ key: string; summary: string; needsAwareness: boolean; by: 'debugger' | 'machine' | 'guest' }> = [
  { key: 't', summary: 'every task with its backtrace, kernel into user frames', needsAwareness: true, by: 'debugger' },
  { key: 'l', summary: 'a backtrace of the task running on each hart', needsAwareness: true, by: 'debugger' },
  { key: 'w', summary: 'blocked tasks with their backtraces (Linux: state D; other kernels: every sleeping task)', needsAwareness: true, by: 'debugger' },
  { key: 'p', summary: 'the registers of each hart', needsAwareness: false, by: 'debugger' },
  { key: 'm', summary: 'memory use, as the guest reports it (the guest answers on its serial console)', needsAwareness: false, by: 'guest' },
  { key: 'c', summary: 'crash the guest kernel on purpose (the guest panics)', needsAwareness: false, by: 'guest' },
  { key: 'b', summary: 'reboot at once (reset harts and devices)', needsAwareness: false, by: 'machine' },
  { key: 'o', summary: 'power off at once', needsAwareness: false, by: 'machine' },
];

const sysrqUsage = (): string => `usage: sysrq KEY, KEY one of: ${SYSRQ_KEYS.map((k) => `${k.key} (${k.summary})`).join('; ')}; or sysrq --guest KEY: any letter or digit to the guest's own SysRq`;

/** Sends KEY to the guest's SysRq (BREAK + key on its serial line); the reply says where to look. */
export async function sysrqToGuest(key: string, ctx: MonitorContext, what = `SysRq ${key}`): Promise<string> {
  if (!ctx.control.sysrq) throw new MonitorError('this target has no serial line the debugger can send a BREAK on, so the guest\'s SysRq is out of reach');
  await ctx.control.sysrq(key);
  const paused = ctx.target.state() !== 'running';
  return `${what} sent to the guest (BREAK + ${key} on its serial line); it answers on its serial console` +
    `${paused ? ` once it runs (the machine is ${ctx.target.state()})` : ''}\n`;
}

async function sysrqRegisters(ctx: MonitorContext): Promise<string> {
  const out: string[] = [];
  for (let h = 0; h < ctx.target.features.harts; h++) {
    out.push(`hart ${h}:`);
    try {
      const pc = await ctx.target.readRegister(h, REG_PC);
      const priv = await ctx.target.readRegister(h, REG_PRIV);
      out.push(`  pc ${hex(pc)}  ${decodeCsr('priv', priv)}`);
      const row: string[] = [];
      for (let r = 1; r < 32; r++) {
        row.push(`${GPR_NAMES[r].padStart(4)} ${(await ctx.target.readRegister(h, r)).toString(16).padStart(16, '0')}`);
        if (row.length === 3 || r === 31) { out.push('  ' + row.join('  ')); row.length = 0; }
      }
    } catch (e) { out.push(`  ${(e as Error).message}`); }
  }
  return out.join('\n') + '\n';
}

export const sysrq: MonitorCommand = {
  name: 'sysrq', usage: 'sysrq KEY', summary: `Linux's magic SysRq keys: ${SYSRQ_KEYS.map((k) => k.key).join(' ')} (\`sysrq\` lists them; --guest KEY: the guest's own)`,
  available: () => true,
  async run(args, ctx) {
    const toGuest = args[0] === '--guest';
    const words = toGuest ? args.slice(1) : args;
    if (words.length !== 1 || !/^[0-9a-zA-Z]$/.test(words[0])) throw new MonitorError(sysrqUsage());
    const key = SYSRQ_KEYS.find((k) => k.key === words[0]);
    if (toGuest) return sysrqToGuest(words[0], ctx);
    if (!key) throw new MonitorError(sysrqUsage());
    if (key.by === 'guest') return sysrqToGuest(key.key, ctx);
    if (key.key === 'b') {
      if (!ctx.control.reboot) throw new MonitorError('this target cannot be reset from here');
      await ctx.control.reboot();
      return 'SysRq : Resetting\nmachine reset\n';
    }
    if (key.key === 'o') {
      if (!ctx.control.halt) throw new MonitorError('this target cannot be powered off from here');
      await ctx.control.halt(0);
      return 'SysRq : Power Off\nmachine halted\n';
    }
    // t, l, w, p: the debugger's answer with awareness; without it the guest's own SysRq
    if (!ctx.kernel?.awareness && ctx.control.sysrq) return sysrqToGuest(key.key, ctx);
    if (key.key === 'p') return sysrqRegisters(ctx);
    return withWarnings(ctx, (aw) => sysrqStacks(aw, key.key));
  },
};

/** SysRq t, l and w from the debugger's view: every task, those on harts, the blocked ones. */
async function sysrqStacks(aw: KernelAwareness, key: string): Promise<string> {
  const out: string[] = [];
  const tasks = await aw.tasks();
  let chosen: TaskInfo[];
  if (key === 't') chosen = tasks;
  else if (key === 'l') {
    chosen = tasks.filter((t) => t.state === 'running' && t.hart !== undefined).sort((a, b) => a.hart! - b.hart!);
    if (!chosen.length) out.push('no task is running on a hart (every hart is idle)\n');
  } else {
    const linux = aw.profile.id === 'linux';
    chosen = tasks.filter((t) => (linux ? t.stateText === 'D' : t.state === 'sleeping'));
    out.push(`${chosen.length} blocked task${chosen.length === 1 ? '' : 's'}${linux ? ' (state D)' : ' (sleeping)'}\n`);
  }
  await taskStacks(aw, chosen, out);
  return out.join('\n');
}

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
    return withWarnings(ctx, async (aw) => formatModuleTable(await aw.modules()));
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
