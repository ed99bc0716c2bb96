// The management console's commands (issue 16; UML mconsole's set), in the same table as gdb's
// `monitor` commands so every door (the control socket, gdb's monitor, the debug adapter) runs
// them: version, cad, log TEXT, list, save NAME, load NAME, config DEV=FILE, remove DEV [force]. What
// they need from the machine is optional in MachineControl; without it they answer why not.
import { sysrqToGuest } from './kernel-commands';
import { MediaError } from '../../emulator/machine/media';
import type { MediaControl } from '../machine-control';
import { MonitorError, type MonitorCommand, type MonitorContext } from './types';

/** Checkpoint names: a plain file name, no folders, no leading dot, at most 64 characters. */
export const CHECKPOINT_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;

function checkpointName(args: string[], usage: string): string {
  if (args.length !== 1) throw new MonitorError(`usage: ${usage}`);
  if (!CHECKPOINT_NAME.test(args[0])) {
    throw new MonitorError(`checkpoint name ${JSON.stringify(args[0])} is not a plain name (letters, digits, . _ -, at most 64, not starting with . or -)`);
  }
  return args[0];
}

export const version: MonitorCommand = {
  name: 'version', usage: 'version', summary: 'the workbench\'s name and version',
  available: () => true,
  async run(args, ctx) {
    if (args.length) throw new MonitorError('usage: version');
    return `${ctx.control.version ?? 'Kernel Workbench gdb stub'}\n`;
  },
};

// Ctrl-Alt-Del: Linux's default (kernel.ctrl-alt-del = 0 keeps C_A_D on) restarts the machine at
// once; the nearest request one can make from outside a RISC-V virt board is the guest's SysRq b,
// which the guest carries out itself (Linux: emergency restart; the teaching kernel: the
// sifive_test reset code). Unlike `reboot`, a guest that ignores it keeps running.
export const cad: MonitorCommand = {
  name: 'cad', usage: 'cad', summary: 'Ctrl-Alt-Del: ask the guest to restart (its SysRq b, through the serial line)',
  available: (ctx) => ctx.control.sysrq !== undefined,
  async run(args, ctx) {
    if (args.length) throw new MonitorError('usage: cad');
    return sysrqToGuest('b', ctx, 'Ctrl-Alt-Del (SysRq b, restart)');
  },
};

export const log: MonitorCommand = {
  name: 'log', usage: 'log TEXT', summary: 'write a line into the serial console output, marked as the host\'s',
  available: (ctx) => ctx.control.log !== undefined,
  async run(args, ctx) {
    const text = args.join(' ');
    if (!text) throw new MonitorError('usage: log TEXT');
    if (text.length > 1024) throw new MonitorError(`the text is ${text.length} characters long; at most 1024`);
    ctx.control.log!(text);
    return 'logged\n';
  },
};

export const list: MonitorCommand = {
  name: 'list', usage: 'list', summary: 'the checkpoints in the checkpoint folder',
  available: () => true,
  async run(args, ctx) {
    if (args.length) throw new MonitorError('usage: list');
    const cp = ctx.control.checkpoints;
    if (!cp) throw new MonitorError('checkpoints are not available on this target');
    const names = await cp.list();
    return names.length ? names.map((n) => `${n}\n`).join('') : `no checkpoints in ${cp.folder}\n`;
  },
};

export const save: MonitorCommand = {
  name: 'save', usage: 'save NAME', summary: 'save the machine as checkpoint NAME (in the checkpoint folder)',
  available: () => true,
  async run(args, ctx) {
    const name = checkpointName(args, 'save NAME');
    const cp = ctx.control.checkpoints;
    if (!cp?.save) throw new MonitorError(`checkpoints are not available ${cp?.unavailable ?? 'on this target'}`);
    return `${await cp.save(name)}\n`;
  },
};

export const load: MonitorCommand = {
  name: 'load', usage: 'load NAME', summary: 'load checkpoint NAME into the machine',
  available: () => true,
  async run(args, ctx) {
    const name = checkpointName(args, 'load NAME');
    const cp = ctx.control.checkpoints;
    if (!cp?.load) throw new MonitorError(`checkpoints are not available ${cp?.unavailable ?? 'on this target'}`);
    return `${await cp.load(name)}\n`;
  },
};

// Media change: a disk file into a virtio slot declared empty at start, or out of it
// (emulator/machine/media.ts has the rules, "in use" among them).
async function mediaChange(ctx: MonitorContext, op: (m: MediaControl) => Promise<string>): Promise<string> {
  const m = ctx.control.media;
  if (!m || m.unavailable) throw new MonitorError(`media change is not available ${m?.unavailable ?? 'on this target'}`);
  try { return `${await op(m)}\n`; } catch (e) {
    if (e instanceof MediaError) throw new MonitorError(e.message);
    throw e;
  }
}

export const config: MonitorCommand = {
  name: 'config', usage: 'config DEV=FILE', summary: 'put a disk file (FILE or FILE,cow=COW) into a virtio slot declared empty (--drive empty)',
  available: () => true,
  async run(args, ctx) {
    const m = args.length === 1 ? /^([A-Za-z][\w-]*)=(.+)$/.exec(args[0]) : null;
    if (!m) throw new MonitorError('usage: config DEV=FILE (e.g. config vdb=/tmp/data.img)');
    return mediaChange(ctx, (media) => media.config(m[1], m[2]));
  },
};

export const remove: MonitorCommand = {
  name: 'remove', usage: 'remove DEV [force]', summary: 'take the disk out of a virtio slot (refused while the guest uses it, unless force)',
  available: () => true,
  async run(args, ctx) {
    const force = args.length === 2 && (args[1] === 'force' || args[1] === '--force');
    if (!(args.length === 1 || force) || !/^[A-Za-z][\w-]*$/.test(args[0])) throw new MonitorError('usage: remove DEV [force] (e.g. remove vdb)');
    return mediaChange(ctx, (media) => media.remove(args[0], force));
  },
};

export const CONSOLE_COMMANDS: readonly MonitorCommand[] = [version, cad, log, list, save, load, config, remove];
