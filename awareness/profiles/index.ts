// The OS profiles and how each is recognised from the kernel's symbols. A profile matches when
// the globals and types it reads are all present; the first match wins (most specific first).
import type { SymbolFile } from '../../symbols';
import type { OsProfile, ProfileContext } from '../model';
import { LinuxProfile } from './linux';
import { TeachingProfile } from './teaching';
import { Xv6Profile } from './xv6';

export type ProfileId = OsProfile['id'];

/** What a profile needs of the user's configuration. */
export interface ProfileOptions {
  /** The kernel ELF's path: the teaching kernel's and xv6's programs are found beside it. */
  kernelPath?: string;
  /** Host directory standing for the guest's root file system (Linux: programs by their guest path). */
  programRoot?: string;
}

export interface ProfileEntry {
  id: ProfileId;
  /** Globals (variables or functions) and types the profile needs; all must be present. */
  needs: { symbols: string[]; types: string[] };
  create(ctx: ProfileContext, opts: ProfileOptions): OsProfile;
}

export const PROFILES: ProfileEntry[] = [
  {
    id: 'teaching',
    needs: { symbols: ['task_table', 'harts', 'module_list', 'module_loaded', 'switch_to'], types: ['struct task', 'struct kcontext', 'struct module'] },
    create: (ctx, opts) => new TeachingProfile(ctx, opts.kernelPath),
  },
  {
    id: 'xv6',
    needs: { symbols: ['proc', 'cpus', 'swtch', 'usertrap', 'kernel_pagetable'], types: ['struct proc', 'struct cpu', 'struct context', 'struct trapframe'] },
    create: (ctx, opts) => new Xv6Profile(ctx, opts.kernelPath),
  },
  {
    id: 'linux',
    needs: { symbols: ['init_task', 'linux_banner', '__switch_to'], types: ['struct task_struct', 'struct thread_struct'] },
    create: (ctx, opts) => new LinuxProfile(ctx, opts.programRoot),
  },
];

/** What a profile is missing in this kernel (empty: it matches). */
export function missingFor(entry: ProfileEntry, symbols: SymbolFile): string[] {
  const miss: string[] = [];
  for (const s of entry.needs.symbols) if (symbols.symbolizer?.symbolAddress(s) === undefined && !symbols.globalVariable(s)) miss.push(s);
  if (miss.length) return miss; // do not search types in a kernel that is plainly another OS
  for (const t of entry.needs.types) if (!symbols.typeNamed(t)) miss.push(t);
  return miss;
}
