// Console test support: a ConsoleContext over an ELF file alone (memory is the file's sections,
// as gdb reads them without a target) and gdb-multiarch's batch answers to the same commands,
// one text per command (stdout and stderr, in gdb's order).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Target } from '../../../emulator/target';
import { SymbolFile } from '../../../symbols';
import { ConsoleState, type ConsoleContext } from '../../../debug-adapter/console';

const SEP = '@@KWB-SEP@@';

/** Each command's output from one gdb session (state carries over between them, as in ours). */
export function gdbBatch(elf: string, commands: string[]): string[] {
  const args = ['-nx', '-batch'];
  for (const c of commands) args.push('-ex', c, '-ex', `echo ${SEP}\\n`);
  args.push(elf);
  // gdb writes errors to stderr: merged, so each error lands between its separators
  const merged = execFileSync('sh', ['-c', 'exec "$@" 2>&1', 'sh', 'gdb-multiarch', ...args], { encoding: 'utf8', timeout: 60000, env: { ...process.env, LC_ALL: 'C' } });
  const parts = merged.split(`${SEP}\n`);
  return parts.slice(0, commands.length);
}

/** A console over the file alone: no registers, memory from the file's sections. */
export function staticConsole(elf: string): { ctx: ConsoleContext; file: SymbolFile } {
  const file = SymbolFile.open(new Uint8Array(readFileSync(elf)), { name: elf });
  const mem = { readMemory: async (a: bigint, n: number) => file.elf?.readVirtual(a, n) ?? undefined };
  const unsupported = async (): Promise<never> => { throw new Error('no target'); };
  const target = {
    features: { harts: 0, watchpoints: 0, physicalMemory: false, satpTranslation: false, csrs: [], fpu: false },
    readRegister: unsupported, writeRegister: unsupported, readMemory: unsupported,
  } as unknown as Target;
  const ctx: ConsoleContext = {
    target, frameLevel: 0, state: new ConsoleState(),
    readMemory: (a, n) => mem.readMemory(a, n),
    readRegister: async () => undefined,
    frames: async () => [],
    threads: async () => [],
    objfiles: () => [{ file, path: elf, main: true }],
    print: (expr, opts) => (file.printExpression as (...a: unknown[]) => Promise<{ ok: boolean; text: string }>)(expr, undefined, mem, undefined, opts),
  };
  return { ctx, file };
}
