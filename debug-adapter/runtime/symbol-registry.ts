// Which symbol file describes which code: the kernel, each loaded module placed at the section
// addresses the kernel gave it (awareness.moduleObject), and the user programs of processes
// (awareness.program), plus the programs the configuration names that no process runs yet.
// The DAP Modules view and run control's breakpoint binding both read from here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { KernelAwareness, ModuleInfo, TaskInfo } from '../../awareness';
import { SymbolFile } from '../../symbols';
import type { CodeSymbols } from '../control/api';

export interface LoadedModule {
  info: ModuleInfo;
  /** Undefined when no object file was found for it (the reason is in `problem`). */
  symbols?: CodeSymbols;
  path?: string;
  problem?: string;
}

const SHF_EXECINSTR = 4n;
const SHF_ALLOC = 2n;

export function loadFile(path: string): Uint8Array | undefined {
  try { return new Uint8Array(readFileSync(path)); } catch { return undefined; }
}

const moduleKey = (m: ModuleInfo): string => `${m.address.toString(16)}@${m.base.toString(16)}`;

export class SymbolRegistry {
  readonly kernelSymbols: CodeSymbols;
  private readonly kernelText: Array<[bigint, bigint]> = [];
  private readonly modules = new Map<string, LoadedModule>();
  private known?: CodeSymbols[];

  constructor(
    readonly kernel: SymbolFile,
    readonly kernelPath: string,
    private readonly awareness: KernelAwareness | undefined,
    private readonly programs: { folder?: string; map: Record<string, string> },
  ) {
    this.kernelSymbols = { file: kernel, kind: 'kernel', name: kernelPath };
    for (const s of kernel.elf?.sections ?? []) {
      if ((s.flags & SHF_EXECINSTR) !== 0n && (s.flags & SHF_ALLOC) !== 0n && s.size > 0) this.kernelText.push([s.addr, s.addr + BigInt(s.size)]);
    }
  }

  inKernelText(pc: bigint): boolean {
    return this.kernelText.some(([lo, hi]) => pc >= lo && pc < hi);
  }

  moduleAt(pc: bigint): LoadedModule | undefined {
    for (const m of this.modules.values()) if (pc >= m.info.base && pc < m.info.base + m.info.size) return m;
    return undefined;
  }

  loadedModules(): LoadedModule[] { return [...this.modules.values()]; }

  hasModule(m: ModuleInfo): boolean { return this.modules.has(moduleKey(m)); }

  /** Loads a module's symbols at its section addresses (idempotent). */
  addModule(info: ModuleInfo): LoadedModule {
    const key = moduleKey(info);
    const have = this.modules.get(key);
    if (have) return have;
    const entry: LoadedModule = { info };
    const obj = this.awareness?.moduleObject(info);
    if (!obj) entry.problem = `no object file found for module ${info.name} (add its folder to "moduleDirs")`;
    else {
      const bytes = loadFile(obj.path);
      if (!bytes) entry.problem = `cannot read ${obj.path}`;
      else {
        const sectionAddresses: Record<string, bigint> = {};
        for (const s of obj.sections) sectionAddresses[s.name] ??= s.address;
        const file = SymbolFile.open(bytes, { name: obj.path, sectionAddresses });
        if (file.ok) { entry.symbols = { file, kind: 'module', name: info.name }; entry.path = obj.path; } else entry.problem = `${obj.path} is not an ELF file`;
      }
    }
    this.modules.set(key, entry);
    return entry;
  }

  /** Drops a module's symbols; the entry that was dropped, if it was loaded. */
  removeModule(info: ModuleInfo): LoadedModule | undefined {
    const key = moduleKey(info);
    let entry = this.modules.get(key);
    if (!entry) {
      // an unload hook may see the module's structure without its sections filled in: match by address
      for (const [k, m] of this.modules) if (m.info.address === info.address) { entry = m; this.modules.delete(k); return entry; }
      return undefined;
    }
    this.modules.delete(key);
    return entry;
  }

  /** The program a process runs, as CodeSymbols for that address space. */
  async programOf(task: TaskInfo): Promise<CodeSymbols | undefined> {
    if (!this.awareness || task.kernelThread) return undefined;
    const p = await this.awareness.program(task);
    return p ? { file: p.symbols, kind: 'program', name: p.path, satp: task.satp } : undefined;
  }

  /** Program files the configuration names (or the teaching kernel's user/ folder beside it). */
  knownPrograms(): CodeSymbols[] {
    if (this.known) return this.known;
    const paths = new Map<string, string>(Object.entries(this.programs.map));
    const folders: string[] = [];
    if (this.programs.folder) folders.push(this.programs.folder);
    if (this.awareness?.profile.id === 'teaching') folders.push(join(dirname(this.kernelPath), 'user'));
    for (const dir of folders) {
      let names: string[] = [];
      try { names = readdirSync(dir); } catch { names = []; }
      for (const n of names) {
        const p = join(dir, n);
        try { if (!statSync(p).isFile()) continue; } catch { continue; }
        if (!paths.has(n)) paths.set(n, p);
      }
    }
    const out: CodeSymbols[] = [];
    for (const p of new Set(paths.values())) {
      const bytes = loadFile(p);
      if (!bytes || bytes[0] !== 0x7f || bytes[1] !== 0x45) continue;
      // a program is linked (ET_EXEC, or ET_DYN for a position-independent one); the build's
      // objects beside it (ET_REL: lsmod.o) have the same lines at unrelocated addresses
      const type = bytes.length >= 18 ? bytes[16] | (bytes[17] << 8) : 0;
      if (type !== 2 && type !== 3) continue;
      const file = SymbolFile.open(bytes, { name: p });
      if (file.ok) out.push({ file, kind: 'program', name: p });
    }
    return (this.known = out);
  }

  static programName(path: string): string { return basename(path); }
}
