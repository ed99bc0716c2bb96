// The symbols test corpus: our own small C programs (test/symbols/corpus/), built at test
// time with riscv64-unknown-elf-gcc at -O0, -Og and -O2 with DWARF 4 and DWARF 5.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGuest, REPO_ROOT } from '../../support/toolchain';
import { SymbolFile } from '../../../symbols';

export const CORPUS_DIR = join(REPO_ROOT, 'test', 'symbols', 'corpus');
export const CORPUS_SOURCES = ['start.S', 'main.c', 'list.c', 'shapes.c', 'clones.c', 'types.c', 'opaque.c', 'frames.c', 'pieces.c'].map((f) => join(CORPUS_DIR, f));
export const VARIANTS: Array<{ opt: string; dwarf: string }> = [];
for (const opt of ['-O0', '-Og', '-O2']) for (const dwarf of ['-gdwarf-4', '-gdwarf-5']) VARIANTS.push({ opt, dwarf });

export function buildCorpus(v: { opt: string; dwarf: string }): string {
  return buildGuest(CORPUS_SOURCES, { flags: [v.opt, v.dwarf], linkerScript: join(CORPUS_DIR, 'corpus.ld'), name: `corpus${v.opt}${v.dwarf}` });
}

export function openFile(path: string): SymbolFile {
  return SymbolFile.open(new Uint8Array(readFileSync(path)), { name: path });
}
