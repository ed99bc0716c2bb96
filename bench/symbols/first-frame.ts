// Bench: time from reading an ELF to the first symbolized frame (function+offset, file:line,
// inline chain) at a code address, and resident memory after it, beside gdb-multiarch's time
// for `gdb -batch -ex 'info line main' FILE` on the same file in the same run.
// Usage: npx tsx bench/symbols/first-frame.ts [ELF ...]  (default: the teaching kernel, if built)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SymbolFile } from '../../symbols';

// --fn NAME picks the function (default main; the teaching kernel has kmain).
const args = process.argv.slice(2);
const fi = args.indexOf('--fn');
const fnName = fi >= 0 ? args.splice(fi, 2)[1] : 'main';
const files = args;
if (!files.length) files.push(join(__dirname, '..', '..', 'guest', 'build', 'kernel.elf'));

function ms(t0: bigint): number { return Number(process.hrtime.bigint() - t0) / 1e6; }

for (const path of files) {
  if (!existsSync(path)) { console.log(`${path}: not found`); continue; }
  const rss0 = process.memoryUsage().rss;
  const t0 = process.hrtime.bigint();
  const f = SymbolFile.open(new Uint8Array(readFileSync(path)), { name: path });
  const tOpen = ms(t0);
  // a code address in the middle of `main` (or the entry point)
  const mainLo = f.symbolizer?.symbolAddress(fnName) ?? f.elf?.entry ?? 0n;
  const pc = mainLo + 8n;
  const fn = f.functionAt(pc);
  const line = f.lineAt(pc);
  const frames = f.inlineFrames(pc);
  const tFirst = ms(t0);
  const rss = process.memoryUsage().rss;
  const g0 = process.hrtime.bigint();
  const r = spawnSync('gdb-multiarch', ['-batch', '-nx', '-ex', `info line ${fnName}`, path]);
  const gdbOut = (r.stdout.toString() + r.stderr.toString()).trim();
  const tGdb = ms(g0);
  console.log(JSON.stringify({
    file: path,
    sizeBytes: statSync(path).size,
    units: f.dwarf?.units.length,
    openMs: +tOpen.toFixed(1),
    firstFrameMs: +tFirst.toFixed(1),
    frame: `${fn?.name}+0x${fn?.offset.toString(16)} at ${line?.file}:${line?.line} (${frames.length} frame(s))`,
    rssMiB: +(rss / 2 ** 20).toFixed(1),
    rssGrowthMiB: +((rss - rss0) / 2 ** 20).toFixed(1),
    gdbInfoLineMs: +tGdb.toFixed(1),
    gdbSays: gdbOut.split('\n').pop(),
    warnings: f.warningList.length,
  }));
}
