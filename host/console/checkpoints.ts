// Checkpoints by name in one folder, for the console's list, save and load: NAME is stored as
// NAME.kwbcp. Saving and loading are the checkpoint file code's (host/checkpoint-file.ts),
// passed in so this works, and says why not, while that is missing.
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CheckpointControl } from '../../gdbstub/machine-control';

export const CHECKPOINT_SUFFIX = '.kwbcp';

export interface CheckpointIo {
  save(path: string): Promise<void>;
  /** May return a note for the reply (e.g. what a debugger should do now). */
  load(path: string): Promise<string | void>;
}

export function checkpointFolder(folder: string, io?: CheckpointIo, unavailable = 'yet (the checkpoint file code is not built in)'): CheckpointControl {
  const dir = resolve(folder);
  const pathOf = (name: string) => join(dir, name + CHECKPOINT_SUFFIX);
  const control: CheckpointControl = {
    folder: dir,
    async list() {
      let entries: string[];
      try { entries = readdirSync(dir); } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw new Error(`checkpoint folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      return entries.filter((f) => f.endsWith(CHECKPOINT_SUFFIX) && f.length > CHECKPOINT_SUFFIX.length).map((f) => f.slice(0, -CHECKPOINT_SUFFIX.length)).sort();
    },
    unavailable: io ? undefined : unavailable,
  };
  if (io) {
    control.save = async (name) => {
      try { mkdirSync(dir, { recursive: true }); } catch (e) { throw new Error(`checkpoint folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
      const p = pathOf(name);
      await io.save(p);
      return `saved ${name} (${statSync(p).size} bytes in ${p})`;
    };
    control.load = async (name) => {
      const p = pathOf(name);
      try { statSync(p); } catch { throw new Error(`no checkpoint ${name} in ${dir}`); }
      const note = await io.load(p);
      return `loaded ${name} from ${p}${note ? `; ${note}` : ''}`;
    };
  }
  return control;
}
