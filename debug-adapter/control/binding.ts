// Where a user breakpoint goes: a source line or a function name resolved to addresses in every
// symbol file with code in the machine (kernel, loaded modules, programs of live processes) and
// in the programs the session knows that no process runs yet. A breakpoint that finds no code
// says why, in words a person can act on; it binds again whenever code comes (module load,
// process exec) or goes (module unload).
import type { CodeSymbols, ControlHost } from './api';

/** One address of a user breakpoint and the code it lies in. */
export interface Location {
  address: bigint;
  symbols: CodeSymbols;
  /** False for a program no process runs now (the address waits in the machine; hits are checked). */
  live: boolean;
}

export interface Binding {
  locations: Location[];
  /** Why the breakpoint is not verified (no locations, or none live). */
  message?: string;
}

/** The symbol files to bind in: what is loaded, then known programs not loaded (one per program path). */
export async function bindingScope(host: ControlHost): Promise<Array<{ symbols: CodeSymbols; live: boolean }>> {
  let loaded: CodeSymbols[] = [];
  try { loaded = await host.loadedSymbols(); } catch { loaded = []; }
  const out: Array<{ symbols: CodeSymbols; live: boolean }> = [];
  // the kernel is always there, also when the session could not list what is loaded (a remote target that is running)
  if (!loaded.some((s) => s.kind === 'kernel')) out.push({ symbols: { file: host.kernel, kind: 'kernel', name: 'kernel' }, live: true });
  const programs = new Set<string>();
  for (const s of loaded) {
    if (s.kind === 'program') { if (programs.has(s.name)) continue; programs.add(s.name); }
    out.push({ symbols: s, live: true });
  }
  let known: CodeSymbols[] = [];
  try { known = host.knownPrograms(); } catch { known = []; }
  for (const s of known) {
    if (programs.has(s.name)) continue;
    programs.add(s.name);
    out.push({ symbols: s, live: false });
  }
  return out;
}

const lastComponents = (path: string, n: number): string => path.split(/[\\/]+/).filter(Boolean).slice(-n).join('/');

/** Whether any line-table row of `file` names this source (full path or trailing components). */
function fileHasSource(s: CodeSymbols, want: string): boolean {
  try {
    const sym = s.file.symbolizer;
    const dwarf = s.file.dwarf;
    if (!sym || !dwarf) return false;
    for (const u of dwarf.units) for (const sub of sym.linesOf(u).subfiles) if (matches(sub.path, want)) return true;
  } catch { /* a broken file has no sources */ }
  return false;
}

function matches(path: string, want: string): boolean {
  return path === want || path.endsWith('/' + want) || path.endsWith('\\' + want);
}

const kindWord = (s: CodeSymbols): string => s.kind === 'kernel' ? 'the kernel' : s.kind === 'module' ? `module ${s.name}` : `program ${s.name.split(/[\\/]/).pop()}`;

/**
 * `path:line` in every symbol file of the scope. The full path is tried first; when no file has
 * code for it, the last two path components (`modules/hello.c`: a build made in another folder),
 * never the bare file name (the hello module's hello.c is not the hello program's).
 */
export async function bindSource(host: ControlHost, path: string, line: number, scope?: Array<{ symbols: CodeSymbols; live: boolean }>): Promise<Binding> {
  scope ??= await bindingScope(host);
  const names = [path, lastComponents(path, 2)].filter((v, i, a) => v && a.indexOf(v) === i);
  for (const name of names) {
    const locations: Location[] = [];
    for (const { symbols, live } of scope) {
      for (const address of symbols.file.addressesForLine(name, line)) locations.push({ address, symbols, live });
    }
    if (locations.length) return finish(locations);
    const having = scope.filter((s) => fileHasSource(s.symbols, name));
    if (having.length) {
      return { locations: [], message: `no code at or after line ${line} of ${lastComponents(path, 1)} in ${having.map((h) => kindWord(h.symbols)).join(', ')}` };
    }
  }
  return {
    locations: [],
    message: `no loaded code has ${lastComponents(path, 1)} yet (a module not loaded yet, or a program no process runs): the breakpoint binds when its code is loaded`,
  };
}

/** `break NAME` in every symbol file: the function's after-prologue address and each inlined instance. */
export async function bindFunction(host: ControlHost, name: string, scope?: Array<{ symbols: CodeSymbols; live: boolean }>): Promise<Binding> {
  scope ??= await bindingScope(host);
  const locations: Location[] = [];
  for (const { symbols, live } of scope) {
    let addrs: bigint[] = [];
    try { addrs = symbols.file.symbolizer?.breakpointAddresses(name) ?? []; } catch { addrs = []; }
    for (const address of addrs) locations.push({ address, symbols, live });
  }
  if (!locations.length) {
    return { locations, message: `no function ${name} in the kernel, a loaded module or a known program: the breakpoint binds when a module or program with it is loaded` };
  }
  return finish(locations);
}

function finish(locations: Location[]): Binding {
  if (locations.some((l) => l.live)) return { locations };
  const progs = [...new Set(locations.map((l) => l.symbols.name.split(/[\\/]/).pop()))];
  return { locations, message: `no process runs ${progs.length > 1 ? 'programs' : 'program'} ${progs.join(', ')} yet: the breakpoint binds when one does` };
}

/** Lines in [line, endLine] of `path` that have code (statement rows) in any symbol file of the scope. */
export async function linesWithCode(host: ControlHost, path: string, line: number, endLine: number): Promise<number[]> {
  const scope = await bindingScope(host);
  const names = [path, lastComponents(path, 2)];
  for (const name of names) {
    const lines = new Set<number>();
    for (const { symbols } of scope) {
      try {
        const sym = symbols.file.symbolizer, dwarf = symbols.file.dwarf;
        if (!sym || !dwarf) continue;
        for (const u of dwarf.units) {
          for (const sub of sym.linesOf(u).subfiles) {
            if (!matches(sub.path, name)) continue;
            for (const e of sub.entries) if (e.isStmt && e.line >= line && e.line <= endLine) lines.add(e.line);
          }
        }
      } catch { /* skip a broken file */ }
    }
    if (lines.size) return [...lines].sort((a, b) => a - b);
  }
  return [];
}
