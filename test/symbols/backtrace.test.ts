// Backtraces against gdb: the corpus runs under QEMU with gdb attached; at each stop our
// unwinder (CFI, reading registers and stack memory through gdb) must give the same frames
// as gdb's `bt`: function names (inlined frames included), files, lines and pcs.
import { strict as assert } from 'node:assert';
import { buildCorpus, openFile, VARIANTS } from './support/corpus';
import { LiveSession } from './support/live';

const STOPS = ['set_name', 'visit_sum', 'shape_mix', 'corpus_stop'];
const hex = (v: bigint) => '0x' + v.toString(16);

for (const v of VARIANTS) {
  describe(`symbols: backtraces vs gdb on QEMU (${v.opt} ${v.dwarf})`, function () {
    this.timeout(120000);
    const elf = buildCorpus(v);
    const f = openFile(elf);
    let live: LiveSession;
    before(async () => { live = await LiveSession.start(elf); });
    after(async () => { await live?.close(); });

    for (const stop of STOPS) {
      it(`at ${stop}`, async () => {
        await live.runTo(stop);
        const want = (await live.backtrace()).map((x) => `${x.func} ${x.file}:${x.line} ${hex(x.addr)}`);
        const regs = await live.registers();
        const got = (await f.backtrace(regs, live.memory, { stopAt: ['main'] })).map((x) => `${x.function} ${x.file}:${x.line} ${hex(x.pc)}`);
        assert.ok(want.length >= 2, `gdb gave ${want.length} frames`);
        assert.deepEqual(got, want);
        assert.deepEqual(f.warningList, []);
      });
    }
  });
}
