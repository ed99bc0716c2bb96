// The name index (first lookup of a type or global by name): built on demand or in the
// background in slices (SymbolFile.prepareIndex), with progress and cancel, and the same
// entries either way; top-level DIEs found by jumping over children through DW_AT_sibling are
// exactly the children of each unit's parsed root DIE.
import { strict as assert } from 'node:assert';
import { buildCorpus, openFile, VARIANTS } from './support/corpus';

const NAMES = ['procs', 'proc_list', 'sink', 'matrix', 'main', 'fact', 'proc', 'point', 'color', 'uint8', 'visit_fn', 'frames_run', 'opaque', 'square', 'no_such_name'];

for (const v of VARIANTS) {
  describe(`symbols: name index, on demand and in the background (${v.opt} ${v.dwarf})`, () => {
    const elf = buildCorpus(v);
    const entries = (f: ReturnType<typeof openFile>, n: string) => f.dwarf!.nameEntries(n).map((e) => `${e.tag}@${e.offset}`).sort();

    it('the top-level scan (children skipped through DW_AT_sibling) lists each parsed root\'s children', () => {
      const f = openFile(elf);
      for (const u of f.dwarf!.units) {
        const scanned: number[] = [];
        u.scanTopLevel((d) => scanned.push(d.offset));
        assert.deepEqual(scanned, u.root().children.map((d) => d.offset), `unit at ${u.offset}`);
      }
    });

    it('prepareIndex yields between slices, reports progress to the end, and gives the on-demand answers', async () => {
      const demand = openFile(elf);
      const want = NAMES.map((n) => entries(demand, n));
      assert.equal(want.filter((e) => e.length).length, NAMES.length - 1); // all but no_such_name
      const f = openFile(elf);
      const progress: number[] = [];
      let yields = 0;
      const done = await f.prepareIndex({ sliceMs: 0, yieldToHost: async () => { yields++; }, onProgress: (d, t) => { progress.push(d); assert.equal(t, f.dwarf!.units.length); } });
      assert.equal(done, true);
      assert.equal(progress[progress.length - 1], f.dwarf!.units.length);
      assert.ok(progress.every((p, i) => i === 0 || p > progress[i - 1]));
      assert.equal(yields, progress.length); // sliceMs 0: one unit per slice
      assert.equal(f.dwarf!.units.filter((u) => u.parsed).length, 0, 'the index parses no unit whole');
      assert.deepEqual(NAMES.map((n) => entries(f, n)), want);
      assert.equal(await f.prepareIndex(), true); // already complete
      assert.deepEqual(f.warningList, []);
    });

    it('a cancelled build stops between slices; a later lookup finishes the index from there', async () => {
      const want = NAMES.map((n) => entries(openFile(elf), n));
      const f = openFile(elf);
      const signal = { aborted: false };
      const done = await f.prepareIndex({ sliceMs: 0, signal, onProgress: (d) => { if (d >= 2) signal.aborted = true; } });
      assert.equal(done, false);
      assert.ok(f.dwarf!.nameIndexProgress >= 2 && f.dwarf!.nameIndexProgress < f.dwarf!.units.length);
      assert.deepEqual(NAMES.map((n) => entries(f, n)), want);
      assert.equal(f.dwarf!.nameIndexProgress, f.dwarf!.units.length);
      assert.equal(f.globalVariable('procs')?.address, openFile(elf).globalVariable('procs')?.address);
    });
  });
}
