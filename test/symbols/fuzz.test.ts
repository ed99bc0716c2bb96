// Hostile input: truncated, corrupted and mutated ELF+DWARF files (fixed seed, a few thousand
// cases) go through every public query. Nothing may throw past the API, hang, or fail with
// anything but the layer's own error (reported as a warning): an "internal error" warning
// means a bug (a TypeError, RangeError... inside the engine).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGuestKernel } from '../guest/support/build';
import { buildCorpus, VARIANTS } from './support/corpus';
import { SymbolFile } from '../../symbols';
import { ElfFile } from '../../symbols/elf/elf';
import { bufferSource } from '../../symbols/bytes';

/** A stack that reads as a repeating pattern, so unwinding and value printing have data. */
let biggestRead = 0;
const fakeMemory = {
  readMemory: async (addr: bigint, size: number) => {
    biggestRead = Math.max(biggestRead, size);
    return size > 4096 ? undefined : new Uint8Array(size).map((_, i) => Number((addr + BigInt(i)) & 0xffn));
  },
};
const fakeRegs = { pc: 0x80000100n, regs: new Map<number, bigint>(Array.from({ length: 32 }, (_, i) => [i, 0x80002000n + BigInt(i * 8)] as [number, bigint])) };

async function exerciseRuntime(f: SymbolFile): Promise<void> {
  const frames = await f.frames(fakeRegs, fakeMemory, { maxFrames: 16 });
  await f.backtrace(fakeRegs, fakeMemory, { maxFrames: 16 });
  for (const e of ['procs[1]', '*proc_list', 'matrix[1][2] + sizeof(struct proc)', 'greeting', 'origin', '$pc']) await f.printExpression(e, frames[0], fakeMemory);
  await f.printVariable('procs', frames[0], fakeMemory);
  // the structured value API (issue 13): scopes, nodes and their children, formats, assignment
  const frame = frames[0] ?? { ...fakeRegs, innermost: true };
  const scopes = await f.frameScopes(frame, fakeMemory);
  for (const n of [...scopes.arguments, ...scopes.locals].slice(0, 4)) await n.children(0, 3);
  for (const e of ['procs', '*proc_list', 'anon']) {
    const r = await f.evaluate(e, frame, fakeMemory, undefined, { format: e === 'anon' ? 'x' : undefined });
    if (r.ok) for (const c of await r.node.children(0, 3)) await c.children(0, 2);
  }
  await f.printExpression('procs[1]', frame, fakeMemory, undefined, { format: 'z' });
  await f.assign('procs[1].fl.delta', '3', frame, fakeMemory, fakeWriter);
  await f.assign('origin', 'procs[0]', frame, fakeMemory, fakeWriter);
}

/** A writer that accepts writes into a scratch map (or refuses some, as a target may). */
const fakeWriter = {
  writeMemory: async (addr: bigint, bytes: Uint8Array) => { if (bytes.length > 65536 || (addr & 0xfffn) === 0xfffn) throw new Error('refused'); },
  writeRegister: async (reg: number) => { if (reg > 64 && reg < 4096) throw new Error('no such register'); },
};

function exercise(bytes: Uint8Array, sectionAddresses?: Record<string, bigint>): SymbolFile {
  const f = SymbolFile.open(bytes, { name: 'fuzz.elf', sectionAddresses });
  for (const pc of [0x80000000n, 0x80000010n, 0x80000100n, 0x80000200n, 0x800002a0n, 0n, 0xffffffffffffffffn]) {
    f.lineAt(pc); f.functionAt(pc); f.inlineFrames(pc); f.symbolAt(pc);
  }
  f.addressesForLine('main.c', 40);
  f.afterPrologue('main');
  f.afterPrologue('proc_init');
  f.disassemble(0x80000000n, 40);
  try {
    // the lower layers too: every unit's DIEs and line table, through the file's own guards
    for (const u of f.dwarf?.units ?? []) { u.all(); f.dwarf!.lineTable(u); }
  } catch (e) {
    f.warnings.caught('units', e);
  }
  return f;
}

/** A random C expression over the corpus's names (mostly well formed), sometimes cut or spoiled. */
function randomExpression(rnd: (n: number) => number): string {
  const atoms = ['procs', 'proc_list', 'origin', 'anon', 'matrix', 'greeting', 'ival', 'ratio', 'pf', 'p', 'code', 'blob_ptr', 'BLUE', 'fact', '$a0', '$pc', '$sstatus', '$nosuch', '0', '1', '-1', '0x80000000', '1e308', "'a'", 'sizeof(int)', '(struct proc *)0', 'nosuch', 'corpus_stack'];
  const post = ['.x', '.name', '->next', '->name', '[1]', '[-1]', '[99999999]', '@3', '@100000', '.fl.delta', '[0].pos', '.lo'];
  const pre = ['*', '&', '-', '!', '~', '(char)', '(long)', '(struct proc *)', '*&'];
  const bin = [' + ', ' - ', ' * ', ' / ', ' % ', ' == ', ' << ', ' && ', ' @ ', ' < '];
  const term = () => { let t = atoms[rnd(atoms.length)]; for (let k = rnd(3) ? 0 : 1 + rnd(2); k > 0; k--) t += post[rnd(post.length)]; if (rnd(4) === 0) t = pre[rnd(pre.length)] + t; return t; };
  let s = term();
  for (let k = rnd(3) ? 0 : 1 + rnd(2); k > 0; k--) s += bin[rnd(bin.length)] + term();
  if (rnd(10) === 0) s = s.slice(0, rnd(s.length + 1));
  if (rnd(20) === 0) s += String.fromCharCode(rnd(256));
  return s;
}

describe('symbols: fuzzed and truncated inputs', function () {
  this.timeout(110000);
  // corpus builds (DWARF 4 and 5, -O0/-Og/-O2) and a kernel module placed at load addresses
  // (its .rela.debug_* are applied: relocation records are fuzzed too)
  const ko = join(buildGuestKernel().moduleDir, 'fortune.ko');
  const koPlace = { '.text': 0xffffffff01000000n, '.data': 0xffffffff01010000n, '.bss': 0xffffffff01020000n, '.rodata': 0xffffffff01030000n, '.rodata.str1.8': 0xffffffff01040000n, '.sbss': 0xffffffff01050000n };
  const seeds: Array<{ bytes: Uint8Array; place?: Record<string, bigint> }> = [
    ...[VARIANTS[0], VARIANTS[5], VARIANTS[2]].map((v) => ({ bytes: new Uint8Array(readFileSync(buildCorpus(v))) })),
    { bytes: new Uint8Array(readFileSync(ko)), place: koPlace },
  ];

  it('the unmodified inputs give no warnings (control)', () => {
    for (const b of seeds) assert.deepEqual(exercise(b.bytes, b.place).warningList, []);
  });

  it('3000 random calls of the value API (expressions, formats, paging, assignments): answers, never a throw', async () => {
    const f = SymbolFile.open(new Uint8Array(readFileSync(buildCorpus(VARIANTS[4]))), { name: 'fuzz-api.elf' });
    let s = 0xbadc0de;
    const rnd = (n: number) => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s % n; };
    const frames = await f.frames(fakeRegs, fakeMemory, { maxFrames: 4 });
    const frame = frames[0] ?? { ...fakeRegs, innermost: true };
    const formats: unknown[] = [undefined, 'x', 'd', 'u', 'o', 't', 'c', 'a', 'z', 'f', 's'], weird: unknown[] = ['', 'q', 'xx', 7, null, {}, 'Z'];
    const counts: unknown[] = [0, 1, 3, -1, -5, NaN, Infinity, 1e12, 2.5, undefined];
    let nodes = 0, errors = 0;
    for (let i = 0; i < 3000; i++) {
      const e = randomExpression(rnd);
      const fr = rnd(5) === 0 ? undefined : frame;
      const format = (rnd(6) === 0 ? weird[rnd(weird.length)] : formats[rnd(formats.length)]) as string | undefined;
      try {
        switch (i % 4) {
          case 0: {
            const r = await f.evaluate(e, fr, fakeMemory, async () => 0x8n, { format });
            if (!r.ok) { errors++; assert.ok(typeof r.text === 'string' && r.text.length > 0, e); break; }
            nodes++;
            assert.equal(typeof r.node.value, 'string');
            assert.ok(Number.isInteger(r.node.childCount) && r.node.childCount >= 0, `${e}: childCount ${r.node.childCount}`);
            const kids = await r.node.children(counts[rnd(counts.length)] as number, counts[rnd(counts.length)] as number);
            assert.ok(kids.length <= r.node.childCount, `${e}: ${kids.length} children of ${r.node.childCount}`);
            for (const k of kids.slice(0, 3)) await k.children(0, 2);
            break;
          }
          case 1: {
            const r = await f.printExpression(e, fr, fakeMemory, undefined, { format });
            assert.equal(typeof r.text, 'string');
            break;
          }
          case 2: {
            const r = await f.assign(e, randomExpression(rnd), fr, fakeMemory, fakeWriter, async () => 1n, { format: rnd(4) ? undefined : format });
            if (!r.ok) errors++;
            break;
          }
          default: {
            const sc = await f.frameScopes(rnd(3) ? frame : { pc: BigInt(rnd(0x100000)) + 0x80000000n, regs: new Map(), innermost: rnd(2) === 0 }, fakeMemory, { format });
            for (const n of [...sc.arguments, ...sc.locals].slice(0, 2)) await n.children(counts[rnd(counts.length)] as number, 4);
          }
        }
      } catch (err) {
        assert.fail(`case ${i} (${e}): a throw escaped the API: ${(err as Error).stack}`);
      }
    }
    const internal = f.warningList.filter((w) => w.message.includes('internal error'));
    assert.deepEqual(internal.slice(0, 10), []);
    assert.ok(nodes > 100 && errors > 100, `${nodes} nodes, ${errors} errors: the inputs should reach both`);
  });

  it('4000 mutated inputs: no escaping throw, no internal error', async () => {
    let s = 0xc0ffee;
    const rnd = (n: number) => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s % n; };
    const internal: string[] = [];
    let warned = 0;
    for (let i = 0; i < 4000; i++) {
      const seed = seeds[i % seeds.length], base = seed.bytes;
      const elf = new ElfFile(bufferSource(base));
      const debug = elf.sections.filter((x) => x.name.startsWith('.debug_') || x.name.startsWith('.rela.debug_') || x.name === '.symtab' || x.name === '.strtab');
      let b: Uint8Array;
      const kind = i % 5;
      if (kind === 0) b = base.slice(0, rnd(base.length)); // truncated
      else {
        b = base.slice();
        const n = 1 + rnd(kind === 4 ? 64 : 8);
        for (let k = 0; k < n; k++) {
          // mostly inside debug sections and headers, sometimes anywhere
          const sec = debug[rnd(debug.length)];
          const at = kind === 1 ? rnd(64) : kind === 2 && sec ? sec.offset + rnd(Math.max(1, sec.size)) : rnd(b.length);
          const v = rnd(4) === 0 ? 0xff : rnd(4) === 0 ? 0 : rnd(256);
          if (at < b.length) b[at] = v;
          if (kind === 3 && at + 4 < b.length) { b[at + 1] = 0xff; b[at + 2] = 0xff; b[at + 3] = 0x7f; }
        }
      }
      let f: SymbolFile;
      try {
        f = exercise(b, seed.place);
        if (i % 3 === 0) await exerciseRuntime(f);
      } catch (e) {
        assert.fail(`case ${i}: a throw escaped the API: ${(e as Error).stack}`);
      }
      if (f.warningList.length) warned++;
      for (const w of f.warningList) if (w.message.includes('internal error')) internal.push(`case ${i}: ${w.message}`);
    }
    assert.deepEqual(internal.slice(0, 10), []);
    assert.ok(biggestRead <= 65536, `a value read ${biggestRead} bytes from the target (gdb's max-value-size is 65536)`);
    assert.ok(warned > 100, `only ${warned} cases produced warnings: the mutations do not reach the parsers`);
  });
});
