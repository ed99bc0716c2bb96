// Laziness: the first answer about an address (function, line, inlined frames, a backtrace)
// must not need the whole DWARF. On the teaching kernel (30 units): only the unit holding the
// pc is parsed, sections the query does not need (location lists) are never read, and every
// other unit can be garbage without changing the answer or raising a warning, which an engine
// that parsed everything up front could not do. bench/symbols/first-frame.ts measures the same
// on a 72 MiB Linux vmlinux (1 of 799 units parsed before the first backtrace).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { buildGuestKernel } from '../guest/support/build';
import { ByteSource, SymbolFile } from '../../symbols';
import { bufferSource } from '../../symbols/bytes';
import { ElfFile } from '../../symbols/elf/elf';

/** A byte source that records which file ranges were read. */
function countingSource(buf: Uint8Array): ByteSource & { reads: Array<[number, number]> } {
  const inner = bufferSource(buf);
  const reads: Array<[number, number]> = [];
  return { size: inner.size, reads, read: (o, n) => { reads.push([o, n]); return inner.read(o, n); } };
}

const zeroStack = { readMemory: async (_a: bigint, n: number) => new Uint8Array(n) };

async function firstAnswer(f: SymbolFile, fn: string) {
  const pc = f.afterPrologue(fn)!;
  const line = f.lineAt(pc), func = f.functionAt(pc), inl = f.inlineFrames(pc);
  const bt = await f.backtrace({ pc, regs: new Map([[2, 0x80100000n], [8, 0n], [1, 0n]]) }, zeroStack);
  return { pc, text: `${func?.name}+${func?.offset} ${line?.file}:${line?.line} [${inl.map((x) => x.function).join(' ')}] bt ${bt.map((x) => `${x.function}:${x.line}`).join(' ')}` };
}

describe('symbols: lazy, indexed reading (teaching kernel)', function () {
  this.timeout(60000);
  const bytes = new Uint8Array(readFileSync(buildGuestKernel().kernel));
  const elf = new ElfFile(bufferSource(bytes));

  it('the first backtrace parses only the unit holding the pc and reads no location lists', async () => {
    const src = countingSource(bytes);
    const f = SymbolFile.open(src, { name: 'kernel.elf' });
    const { text } = await firstAnswer(f, 'console_write');
    assert.match(text, /^console_write\+\d+ .*console\.c:\d+ \[console_write\] bt console_write:/);
    const units = f.dwarf!.units;
    assert.ok(units.length >= 20, `${units.length} units`);
    assert.deepEqual(units.filter((u) => u.parsed).map((u) => u.str(u.head().get(0x03))), ['kernel/console.c']);
    const loclists = elf.section('.debug_loclists')!;
    assert.ok(loclists.size > 0);
    const touched = src.reads.filter(([o, n]) => o < loclists.offset + loclists.size && o + n > loclists.offset);
    assert.deepEqual(touched, [], '.debug_loclists was read');
    assert.deepEqual(f.warningList, []);
  });

  it('every other unit can be garbage: same answer, no warning; asking about one of them then warns', async () => {
    const clean = await firstAnswer(SymbolFile.open(bytes), 'console_write');
    const bad = bytes.slice();
    const info = elf.section('.debug_info')!;
    const f0 = SymbolFile.open(bytes);
    const units = f0.dwarf!.units;
    let smashed = 0;
    for (const u of units) {
      if (u.str(u.head().get(0x03)) === 'kernel/console.c') continue;
      // keep the unit header and its root DIE (the address index needs them); smash every DIE after it
      const afterRoot = u.root().children[0]?.offset ?? u.h.end;
      for (let i = info.offset + afterRoot; i < info.offset + u.h.end; i++) bad[i] = 0xff;
      smashed++;
    }
    assert.ok(smashed >= 20);
    const f = SymbolFile.open(bad, { name: 'smashed.elf' });
    const lazy = await firstAnswer(f, 'console_write');
    assert.equal(lazy.text, clean.text);
    assert.equal(f.warningList.length, 0, JSON.stringify(f.warningList));
    // the damage is real: a question about code in another unit finds it and says so
    const sched = SymbolFile.open(bytes).afterPrologue('schedule')!;
    assert.equal(f.functionAt(sched)?.name, 'schedule'); // from the ELF symbols, as gdb would
    f.inlineFrames(sched);
    assert.ok(f.warningList.some((w) => /\.debug_info/.test(w.message)), JSON.stringify(f.warningList));
  });
});

