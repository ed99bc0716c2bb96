// Execution packets: ? (why stopped), c/C and s/S (legacy resume and step, optional address),
// vCont? and vCont (per-thread actions c, C, s, S, t), D (detach), k and vKill (kill).
// Signals in C/S are accepted and ignored: a bare machine has no signals to deliver.
// A vCont that steps one thread while "continuing" the others steps that hart alone and
// leaves the others where they are (the Target steps one hart; QEMU lets the others run).
import { PacketError } from '../errors';
import { parseHexBig, parseHexInt } from '../rsp/encoding';
import { parseThreadId, type ThreadSel } from '../threads';
import { packet, type StubContext } from './types';
import { REG_PC } from '../../emulator/target';

async function setPc(ctx: StubContext, hart: number, address: bigint | undefined): Promise<void> {
  if (address !== undefined) await ctx.target.writeRegister(hart, REG_PC, address);
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

async function stepOne(ctx: StubContext, hart: number): Promise<string> {
  return ctx.stopReply(await ctx.stepHart(hart));
}

export const whyStopped = packet({
  key: '?',
  parse: (text) => (text === '?' ? {} : new PacketError(text, '? takes no arguments')),
  handle: async (_cmd, ctx) => ctx.stopReply(await ctx.currentStop()),
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
  try { await setPc(ctx, ctx.state.cHart, cmd.address); } catch { return 'E22'; }
  return resumeAll(ctx);
}

async function handleStep(cmd: { address?: bigint }, ctx: StubContext): Promise<string> {
  try { await setPc(ctx, ctx.state.cHart, cmd.address); } catch { return 'E22'; }
  return stepOne(ctx, ctx.state.cHart);
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
    const harts = ctx.target.features.harts;
    // The leftmost action that applies to a thread wins; a step names the hart to step.
    const step = cmd.actions.find((a) => a.action === 's');
    if (step) {
      const hart = step.thread?.kind === 'hart' ? step.thread.hart : ctx.state.cHart;
      if (hart < 0 || hart >= harts) return 'E03';
      return stepOne(ctx, hart);
    }
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
    ctx.afterReply(() => ctx.disconnect('kill'));
    return 'OK';
  },
});
