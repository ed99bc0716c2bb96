// The `monitor` commands (gdb's qRcmd, the management console's control socket, the debug
// adapter), one entry each in one table: help, info, stop, go, halt, reboot, pagetable, regs, the
// kernel-awareness ones (kernel-commands.ts: ps, sysrq KEY, deadlock, modules, harts, threads)
// and the console's (console-commands.ts: version, cad, log, list, save, load, config, remove).
// `help` lists only what this machine offers (commands needing a MachineControl member are
// absent without it).
import { REG_CSR0, REG_PC, REG_PRIV } from '../../emulator/target';
import { csrName } from '../target-description';
import { decodeCsr } from './csr-decode';
import { CONSOLE_COMMANDS } from './console-commands';
import { awarenessInfo, KERNEL_COMMANDS } from './kernel-commands';
import { pteFlags, walkSv39 } from './sv39';
import { MonitorError, type MonitorCommand, type MonitorContext } from './types';

const hex = (v: bigint): string => '0x' + v.toString(16);
const SATP = 0x180;

function parseNumber(s: string, what: string): bigint {
  const t = s.replace(/_/g, '');
  if (!/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(t)) throw new MonitorError(`${what} ${JSON.stringify(s)} is not a number (decimal or 0x hex)`);
  const v = BigInt(t);
  if (v >= 1n << 64n) throw new MonitorError(`${what} ${s} does not fit in 64 bits`);
  return v;
}

function parseHart(s: string | undefined, ctx: MonitorContext): number {
  if (s === undefined) return ctx.hart;
  const h = Number(parseNumber(s, 'hart'));
  if (h >= ctx.target.features.harts) throw new MonitorError(`no hart ${h} (this machine has ${ctx.target.features.harts})`);
  return h;
}

function sizeText(n: bigint): string {
  if (n >= 1n << 20n && n % (1n << 20n) === 0n) return `${n >> 20n} MiB`;
  if (n >= 1n << 10n && n % (1n << 10n) === 0n) return `${n >> 10n} KiB`;
  return `${n} bytes`;
}

const help: MonitorCommand = {
  name: 'help', usage: 'help', summary: 'list the monitor commands',
  available: () => true,
  async run(_args, ctx) {
    const lines = MONITOR_COMMANDS.filter((c) => c.available(ctx)).map((c) => `  ${c.usage.padEnd(24)} ${c.summary}`);
    return `monitor commands:\n${lines.join('\n')}\n`;
  },
};

const info: MonitorCommand = {
  name: 'info', usage: 'info', summary: 'version, harts, memory, instruction count, virtual time',
  available: () => true,
  async run(_args, ctx) {
    const { target, control } = ctx;
    const out: string[] = [`version: ${control.version ?? 'Kernel Workbench gdb stub'}`];
    const state = target.state();
    out.push(`state: ${state}${ctx.isFreeRunning() ? ' (free-running under monitor go)' : ''}`);
    out.push(`harts: ${target.features.harts}`);
    for (let h = 0; h < target.features.harts; h++) {
      try {
        const pc = await target.readRegister(h, REG_PC);
        const priv = await target.readRegister(h, REG_PRIV);
        const n = await target.instructionCount(h);
        out.push(`  hart ${h}: pc ${hex(pc)} ${decodeCsr('priv', priv)}, ${n} instructions`);
      } catch (e) {
        out.push(`  hart ${h}: ${(e as Error).message}`);
      }
    }
    const regions = control.memoryRegions?.();
    if (regions) {
      out.push('memory:');
      for (const r of regions) out.push(`  ${hex(r.base).padEnd(12)} ${sizeText(r.size).padEnd(10)} ${r.kind.padEnd(4)} ${r.name}`);
    }
    out.push(`instructions: ${await target.instructionCount()}`);
    out.push(...awarenessInfo(ctx));
    if (control.virtualTime) {
      const t = await control.virtualTime();
      const seconds = Number(t.mtime) / t.frequencyHz;
      out.push(`virtual time: mtime ${t.mtime} (${seconds.toFixed(6)} s at ${t.frequencyHz} Hz)`);
    }
    return out.join('\n') + '\n';
  },
};

const stop: MonitorCommand = {
  name: 'stop', usage: 'stop', summary: 'pause the guest (gdb stays connected and stopped)',
  available: () => true,
  async run(_args, ctx) {
    if (!ctx.isFreeRunning() && ctx.target.state() !== 'running') return 'the guest is already paused\n';
    await ctx.freeRun(false);
    return 'guest paused\n';
  },
};

const go: MonitorCommand = {
  name: 'go', usage: 'go', summary: 'let the guest run while gdb stays stopped (undo with stop)',
  available: () => true,
  async run(_args, ctx) {
    if (ctx.target.state() === 'exited') throw new MonitorError('the machine has exited');
    if (ctx.target.state() === 'running') return 'the guest is already running\n';
    await ctx.freeRun(true);
    return ctx.isFreeRunning() ? 'guest running; gdb still sees the old state until you continue or `monitor stop`\n' : 'guest running\n';
  },
};

const halt: MonitorCommand = {
  name: 'halt', usage: 'halt', summary: 'power the machine off',
  available: (ctx) => ctx.control.halt !== undefined,
  async run(_args, ctx) {
    await ctx.control.halt!(0);
    return 'machine halted\n';
  },
};

const reboot: MonitorCommand = {
  name: 'reboot', usage: 'reboot', summary: 'reset harts and devices (as the guest\'s reboot does)',
  available: (ctx) => ctx.control.reboot !== undefined,
  async run(_args, ctx) {
    await ctx.control.reboot!();
    return 'machine reset; use `flushregs` so gdb rereads the registers\n';
  },
};

const pagetable: MonitorCommand = {
  name: 'pagetable', usage: 'pagetable VA [satp]', summary: 'walk the Sv39/Sv48/Sv57 page table for VA (current satp or the given one)',
  available: (ctx) => ctx.target.features.physicalMemory,
  async run(args, ctx) {
    if (args.length < 1 || args.length > 2) throw new MonitorError('usage: pagetable VA [satp]');
    const va = parseNumber(args[0], 'address');
    const satp = args[1] !== undefined ? parseNumber(args[1], 'satp') : await ctx.target.readRegister(ctx.hart, REG_CSR0 + SATP);
    const r = await walkSv39(ctx.target, satp, va);
    const out = [`satp ${hex(satp)}, VA ${hex(va)}`];
    for (const s of r.steps) {
      out.push(`  L${s.level} PTE at ${hex(s.pteAddress)} = ${hex(s.pte)} [${pteFlags(s.pte)}] ${s.verdict}`);
    }
    if (r.physical !== undefined && r.pageSize !== undefined) {
      const flags = pteFlags(r.steps[r.steps.length - 1].pte);
      out.push(`VA ${hex(va)} -> PA ${hex(r.physical)} (${sizeText(r.pageSize)} page, ${flags})`);
    } else out.push(`no translation: ${r.problem}`);
    return out.join('\n') + '\n';
  },
};

const regs: MonitorCommand = {
  name: 'regs', usage: 'regs [hart]', summary: 'every CSR of a hart, decoded',
  available: () => true,
  async run(args, ctx) {
    const hart = parseHart(args[0], ctx);
    const out = [`hart ${hart}:`];
    const priv = await ctx.target.readRegister(hart, REG_PRIV);
    out.push(`  ${'priv'.padEnd(10)} ${hex(priv).padEnd(20)} ${decodeCsr('priv', priv)}`);
    for (const csr of [...ctx.target.features.csrs].sort((a, b) => a - b)) {
      const name = csrName(csr);
      let value: bigint;
      try { value = await ctx.target.readRegister(hart, REG_CSR0 + csr); } catch (e) { out.push(`  ${name.padEnd(10)} ${(e as Error).message}`); continue; }
      out.push(`  ${name.padEnd(10)} ${hex(value).padEnd(20)} ${decodeCsr(name, value)}`.trimEnd());
    }
    return out.join('\n') + '\n';
  },
};

export const MONITOR_COMMANDS: readonly MonitorCommand[] = [help, info, stop, go, halt, reboot, pagetable, regs, ...KERNEL_COMMANDS, ...CONSOLE_COMMANDS];

/** A command's answer, and whether it was an error (the control socket reports the two apart). */
export interface MonitorResult {
  ok: boolean;
  text: string;
}

/** Splits a monitor line into words and runs the command; errors come back as text with ok false. */
export async function executeMonitorCommand(line: string, ctx: MonitorContext): Promise<MonitorResult> {
  const words = line.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return { ok: true, text: await MONITOR_COMMANDS[0].run([], ctx) };
  const cmd = MONITOR_COMMANDS.find((c) => c.name === words[0] && c.available(ctx));
  if (!cmd) return { ok: false, text: `unknown monitor command ${JSON.stringify(words[0])}; try \`monitor help\`\n` };
  try {
    return { ok: true, text: await cmd.run(words.slice(1), ctx) };
  } catch (e) {
    return { ok: false, text: `${cmd.name}: ${(e as Error).message}\n` };
  }
}

/** The same, as the text gdb's `monitor` prints. */
export async function runMonitorCommand(line: string, ctx: MonitorContext): Promise<string> {
  return (await executeMonitorCommand(line, ctx)).text;
}
