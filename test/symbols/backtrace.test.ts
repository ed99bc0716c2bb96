// Backtraces against gdb: the corpus runs under QEMU with gdb attached; at each stop our
// unwinder (CFI, reading registers and stack memory through gdb) must give the same frames
// as gdb's `bt`: function names (inlined frames included), files, lines and pcs.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { SymbolFile } from '../../symbols';
import { buildCorpus, openFile, VARIANTS } from './support/corpus';
import { LiveSession } from './support/live';

const STOPS = ['set_name', 'visit_sum', 'shape_mix', 'clone_stop', 'clone_done', 'corpus_stop'];
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
        // stopped by `break STOP`: a location for STOP, which may itself be inlined (gdb then shows its inlined frame)
        const got = (await f.backtrace(regs, live.memory, { stopAt: ['main'], stopBreakpoints: [{ function: stop }] })).map((x) => `${x.function} ${x.file}:${x.line} ${hex(x.pc)}`);
        assert.ok(want.length >= 2, `gdb gave ${want.length} frames`);
        assert.ok(want[0].startsWith(stop + ' '), `stopped at ${want[0]}, not in ${stop}`);
        assert.deepEqual(got, want);
        assert.deepEqual(f.warningList, []);
      });
    }

    it('ends at main by default and goes on into the start-up code with pastMain, as gdb\'s backtrace past-main', async () => {
      // (at the last stop above, corpus_stop under fact's recursion)
      const regs = await live.registers();
      const line = (x: { func: string; file?: string; line?: number; addr: bigint }) => `${x.func} ${x.file}:${x.line} ${hex(x.addr)}`;
      const want = (await live.backtrace()).map(line);
      const got = (await f.backtrace(regs, live.memory, { stopBreakpoints: [{ function: 'corpus_stop' }] })).map((x) => `${x.function} ${x.file}:${x.line} ${hex(x.pc)}`);
      assert.ok(want[want.length - 1].startsWith('main '), want.join('\n'));
      assert.deepEqual(got, want);
      await live.gdb.console('set backtrace past-main on');
      try {
        const past = (await live.backtrace()).map(line);
        const gotPast = (await f.backtrace(regs, live.memory, { pastMain: true, stopBreakpoints: [{ function: 'corpus_stop' }] })).map((x) => `${x.function} ${x.file}:${x.line} ${hex(x.pc)}`);
        assert.ok(past.length > want.length, past.join('\n'));
        assert.deepEqual(gotPast, past);
      } finally {
        await live.gdb.console('set backtrace past-main off');
      }
      assert.deepEqual(f.warningList, []);
    });
  });
}

describe('symbols: frame-pointer fallback and trap-frame hook (O0 build with .debug_frame removed)', function () {
  this.timeout(120000);
  const elf = buildCorpus(VARIANTS[0]);
  const stripped = elf.replace(/\.elf$/, '-nocfi.elf');
  execFileSync('riscv64-unknown-elf-objcopy', ['--remove-section=.debug_frame', elf, stripped]);
  const f = SymbolFile.open(new Uint8Array(readFileSync(stripped)), { name: stripped });
  let live: LiveSession;
  before(async () => { live = await LiveSession.start(elf); });
  after(async () => { await live?.close(); });

  for (const stop of ['visit_sum', 'corpus_stop']) {
    it(`without CFI, frame pointers give gdb's backtrace at ${stop}`, async () => {
      await live.runTo(stop);
      const want = (await live.backtrace()).map((x) => `${x.func} ${x.file}:${x.line} ${hex(x.addr)}`);
      const got = (await f.backtrace(await live.registers(), live.memory, { stopAt: ['main'] })).map((x) => `${x.function} ${x.file}:${x.line} ${hex(x.pc)}`);
      assert.ok(want.length >= 3);
      assert.ok(want[0].startsWith(stop + ' '), `stopped at ${want[0]}, not in ${stop}`);
      assert.deepEqual(got, want);
    });
  }

  it('a trap-frame hook switches to the interrupted context it supplies', async () => {
    const regs = await live.registers();
    const mainPc = f.afterPrologue('main')!;
    const frames = await f.unwinder!.machineFrames(regs, live.memory, {
      trapFrame: async (_fr, name) => (name === 'corpus_stop' ? { pc: mainPc, regs: new Map([[2, 0x80001000n]]) } : undefined),
      stopAt: ['main'],
    });
    assert.deepEqual(frames.map((x) => `${x.how} ${f.functionAt(x.pc)?.name}`), ['innermost corpus_stop', `trap main`]);
    assert.equal(frames[1].pc, mainPc);
  });
});
