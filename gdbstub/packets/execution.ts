// Execution packets: ? (why stopped), c/C and s/S (legacy resume and step, optional address),
// vCont? and vCont (per-thread actions c, C, s, S, t), D (detach), k and vKill (kill), and the
// extended mode: ! (enable it), vAttach (attach to a user process, kernel awareness).
// Signals in C/S are accepted and ignored: a bare machine has no signals to deliver.
// A vCont that steps one thread while "continuing" the others steps that hart alone and
// leaves the others where they are (the Target steps one hart; QEMU lets the others run).
// Stepping a task that is not on a hart (kernel awareness) runs the machine until the task is
// back on a hart at its saved pc, then steps it: the instruction it really executes next.
import { PacketError } from '../errors';
import { parseHexBig, parseHexInt } from '../rsp/encoding';
import { parseThreadId, type ThreadSel } from '../threads';
import { savedRegister } from '../kernel-view';
import { packet, type StubContext } from './types';
import { REG_CSR0, REG_PC, REG_PRIV } from '../../emulator/target';

/** The hart a thread's registers live on (undefined: the thread is not on a hart now). */
async function liveHart(ctx: StubContext, which: 'g' | 'c', sel?: ThreadSel): Promise<number | undefined | 'gone'> {
  const e = sel?.kind === 'id' ? await ctx.kernel.thread(sel.id, ctx.state.process) : await ctx.selectedThread(which);
  if (!e) return sel?.kind === 'id' ? 'gone' : which === 'c' ? ctx.state.cHart : ctx.state.gHart;
  const src = await ctx.kernel.registerSource(e, ctx.state.process);
  if (src.kind === 'hart') return src.hart;
  return undefined;
}

async function setPc(ctx: StubContext, hart: number | undefined, address: bigint | undefined): Promise<void> {
  if (address === undefined) return;
  if (hart === undefined) throw new Error('the thread is not on a hart');
  await ctx.target.writeRegister(hart, REG_PC, address);
}

async function resumeAll(ctx: StubContext): Promise<string> {
  const ev = await ctx.continueUntilStop();
  // Stops gdb has no words for get a console line first (O packets are allowed until the stop reply).
  const r = ev.reason;
  if (r.kind === 'reboot') ctx.consoleOutput('machine rebooted (all harts back at the reset vector)\n');
  if (r.kind === 'fault-loop') {
    ctx.consoleOutput(`hart ${r.hart} keeps trapping at pc 0x${r.pc.toString(16)}: cause ${r.cause}, tval 0x${r.tval.toString(16)}\n`);
  }
  if (r.kind === 'disconnected') ctx.consoleOutput(`target lost: ${r.message}\n`);
  return ctx.stopReply(ev);
}

/** Steps a thread: its hart if it is on one, else (a sleeping task) as soon as it runs again. */
async function stepThread(ctx: StubContext, which: 'g' | 'c', sel?: ThreadSel): Promise<string> {
  const hart = await liveHart(ctx, which, sel);
  if (hart === 'gone') return 'E03';
  if (hart !== undefined) {
    if (hart < 0 || hart >= ctx.target.features.harts) return 'E03';
    return ctx.stopReply(await ctx.stepHart(hart));
  }
  const e = sel?.kind === 'id' ? await ctx.kernel.thread(sel.id, ctx.state.process) : await ctx.selectedThread(which);
  const src = e && await ctx.kernel.registerSource(e, ctx.state.process);
  if (!e?.task || !src || src.kind !== 'saved') return 'E03';
  const pc = savedRegister(src, REG_PC);
  if (pc === undefined) return 'E01';
  const task = e.task;
  const process = ctx.state.process;
  ctx.consoleOutput(`pid ${task.pid} (${task.name}) is not on a hart: running until it resumes at 0x${pc.toString(16)}\n`);
  const ev = await ctx.stepWhenScheduled(pc, async (h) => {
    if (process) {
      // the process's own instruction: user mode in its address space
      if (await ctx.target.readRegister(h, REG_PRIV).catch(() => 1n) !== 0n) return false;
      const satp = await ctx.target.readRegister(h, REG_CSR0 + 0x180).catch(() => undefined);
      return satp === undefined || process.satp === undefined || ((satp ^ process.satp) & ((1n << 44n) - 1n)) === 0n;
    }
    return (await ctx.kernel.awareness?.taskOnHart(h))?.tid === task.tid;
  });
  return ctx.stopReply(ev);
}
export const whyStopped = packet({
  key: '?',
  parse: (text) => (text === '?' ? {} : new PacketError(text, '? takes no arguments')),
  handle: async (_cmd, ctx) => ctx.stopReply(await ctx.currentStop()),
});

export const extendedMode = packet({
  key: '!',
  parse: (text) => (text === '!' ? {} : new PacketError(text, '! takes no arguments')),
  handle(_cmd, ctx) {
    ctx.state.extended = true;
    return 'OK';
  },
});

/** vAttach;PID: with kernel awareness, selects the user process PID (UML's `att`): gdb sees it alone, with its program. */
export const vAttach = packet({
  key: 'vAttach',
  parse(text) {
    const pid = /^vAttach;([0-9a-fA-F]{1,8})$/.exec(text);
    return pid ? { pid: parseInt(pid[1], 16) } : new PacketError(text, 'expected vAttach;pid');
  },
  handle: (cmd, ctx) => (ctx.kernel.awareness ? ctx.attach(cmd.pid) : ''),
});

/** c [addr], s [addr], C sig[;addr], S sig[;addr]. */
function parseResume(text: string): { address?: bigint } | PacketError {
  let rest = text.slice(1);
  if (text[0] === 'C' || text[0] === 'S') {
    const semi = rest.indexOf(';');
    const sig = parseHexInt(semi < 0 ? rest : rest.slice(0, semi), 0xff);
    if (sig === undefined) return new PacketError(text, 'bad signal number');
    rest = semi < 0 ? '' : rest.slice(semi + 1);
  }
  if (rest === '') return {};
  const address = parseHexBig(rest);
  return address === undefined ? new PacketError(text, 'bad resume address') : { address };
}

async function handleContinue(cmd: { address?: bigint }, ctx: StubContext): Promise<string> {
  try { await setPc(ctx, await liveHart(ctx, 'c') as number | undefined, cmd.address); } catch { return 'E22'; }
  return resumeAll(ctx);
}

async function handleStep(cmd: { address?: bigint }, ctx: StubContext): Promise<string> {
  if (cmd.address !== undefined) {
    try { await setPc(ctx, await liveHart(ctx, 'c') as number | undefined, cmd.address); } catch { return 'E22'; }
  }
  return stepThread(ctx, 'c');
}

export const continueLegacy = packet({ key: 'c', parse: parseResume, handle: handleContinue });
export const continueSignal = packet({ key: 'C', parse: parseResume, handle: handleContinue });
export const stepLegacy = packet({ key: 's', parse: parseResume, handle: handleStep });
export const stepSignal = packet({ key: 'S', parse: parseResume, handle: handleStep });

const VCONT_ACTIONS = ['c', 'C', 's', 'S', 't'];

export const vContQuery = packet({
  key: 'vCont?',
  parse: (text) => (text === 'vCont?' ? {} : new PacketError(text, 'vCont? takes no arguments')),
  handle: () => 'vCont;' + VCONT_ACTIONS.join(';'),
  feature: () => 'vContSupported+',
});

type VContAction = { action: 'c' | 's' | 't'; thread?: ThreadSel };

export const vCont = packet({
  key: 'vCont',
  parse(text) {
    if (!text.startsWith('vCont;')) return new PacketError(text, 'expected vCont;action...');
    const actions: VContAction[] = [];
    for (const part of text.slice(6).split(';')) {
      const colon = part.indexOf(':');
      const a = colon < 0 ? part : part.slice(0, colon);
      let action: VContAction['action'];
      if (a === 'c' || a === 't' || a === 's') action = a;
      else if (/^[CS][0-9a-fA-F]{2}$/.test(a)) action = a[0] === 'C' ? 'c' : 's';
      else return new PacketError(text, `unsupported vCont action ${JSON.stringify(a)}`);
      let thread: ThreadSel | undefined;
      if (colon >= 0) {
        thread = parseThreadId(part.slice(colon + 1));
        if (!thread) return new PacketError(text, `bad thread id ${JSON.stringify(part.slice(colon + 1))}`);
      }
      actions.push({ action, thread });
    }
    return { actions };
  },
  async handle(cmd, ctx) {
    // The leftmost action that applies to a thread wins; a step names the thread to step.
    const step = cmd.actions.find((a) => a.action === 's');
    if (step) return stepThread(ctx, 'c', step.thread?.kind === 'id' ? step.thread : undefined);
    if (cmd.actions.some((a) => a.action === 'c')) return resumeAll(ctx);
    // Only 't' (stop): in all-stop mode the machine stops and reports where.
    return ctx.stopReply(await ctx.currentStop());
  },
});

export const detach = packet({
  key: 'D',
  parse: (text) => (text === 'D' || /^D;[0-9a-fA-F]+$/.test(text) ? {} : new PacketError(text, 'expected D or D;pid')),
  handle(_cmd, ctx) {
    ctx.afterReply(() => ctx.disconnect('detach'));
    return 'OK';
  },
});

export const kill = packet({
  key: 'k',
  parse: (text) => (text === 'k' ? {} : new PacketError(text, 'k takes no arguments')),
  handle(_cmd, ctx) {
    ctx.afterReply(() => ctx.disconnect('kill'));
    return null;
  },
});

export const vKill = packet({
  key: 'vKill',
  parse: (text) => (/^vKill;[0-9a-fA-F]+$/.test(text) ? {} : new PacketError(text, 'expected vKill;pid')),
  handle(_cmd, ctx) {
    // In extended mode with kernel awareness, gdb kills before every `attach`: let go of the
    // process (breakpoints dropped, machine paused), never power the machine off.
    const how = ctx.state.extended && ctx.kernel.awareness ? 'forget' : 'kill';
    ctx.afterReply(() => ctx.disconnect(how));
    return 'OK';
  },
});
