// Values against gdb's `print`: at each stop of the corpus under QEMU, every local and
// parameter of the innermost frame and of its caller, and a list of globals (structs, unions,
// enums, bitfields, char arrays, multi-dimensional arrays, pointers, function pointers) print
// the same text as gdb prints. `<optimized out>` agrees only when both say it.
import { strict as assert } from 'node:assert';
import { buildCorpus, openFile, VARIANTS } from './support/corpus';
import { LiveSession } from './support/live';

const STOPS = ['set_name', 'visit_sum', 'shape_mix', 'clone_stop', 'clone_done', 'corpus_stop', 'pieces_stop'];
const GLOBALS = ['procs', 'proc_list', 'sink', 'asm_counter', 'blob_ptr', 'greeting', 'buffer', 'matrix', 'favourite', 'origin', 'corpus_stack_top_ptr', 'limit', 'counter'];
// File statics defined in several units: C scoping decides only inside one of those units;
// elsewhere gdb's choice is arbitrary (its manual says to write 'file.c'::name), so not compared.
const STATIC_IN: Record<string, string[]> = { counter: ['main.c', 'list.c'] };

for (const v of VARIANTS) {
  describe(`symbols: values vs gdb print on QEMU (${v.opt} ${v.dwarf})`, function () {
    this.timeout(120000);
    const elf = buildCorpus(v);
    const f = openFile(elf);
    let live: LiveSession;
    before(async () => { live = await LiveSession.start(elf); });
    after(async () => { await live?.close(); });
    const stats = { same: 0, total: 0 };

    for (const stop of STOPS) {
      it(`at ${stop}: locals, parameters (frames 0 and 1) and globals`, async () => {
        await live.runTo(stop);
        const top = (await live.backtrace())[0];
        assert.equal(top.func, stop);
        const regs = await live.registers();
        const frames = await f.frames(regs, live.memory, { stopAt: ['main'], stopBreakpoints: [{ function: stop }] });
        const bad: string[] = [];
        for (let level = 0; level < Math.min(2, frames.length); level++) {
          const fr = frames[level];
          // gdb numbers inlined frames too: machine frame 1 is gdb's frame (number of frames shown at pc 0)
          await live.gdb.command(`-stack-select-frame ${level === 0 ? 0 : f.inlineFrames(frames[0].pc).length - (frames[0].inlineDepth ?? 0)}`);
          const names = f.variables!.localsAt(fr.innermost ? fr.pc : fr.pc - 1n, fr.inlineDepth).map((d) => f.dwarf!.nameOf(d)!).filter(Boolean);
          for (const n of [...new Set(names)]) {
            const want = (await live.gdb.console(`print ${n}`)).replace(/^\$\d+ = /, '').trim();
            const got = await f.printVariable(n, fr, live.memory);
            stats.total++;
            if (got === want) stats.same++; else bad.push(`frame ${level} ${n}: gdb ${want} | ours ${got}`);
          }
        }
        await live.gdb.command('-stack-select-frame 0');
        for (const n of GLOBALS) {
          if (STATIC_IN[n] && !STATIC_IN[n].some((file) => top.file?.endsWith('/' + file))) continue;
          const want = (await live.gdb.console(`print ${n}`)).replace(/^\$\d+ = /, '').trim();
          const got = await f.printVariable(n, frames[0], live.memory);
          stats.total++;
          if (got === want) stats.same++; else bad.push(`${n}: gdb ${want} | ours ${got}`);
        }
        assert.deepEqual(bad, []);
      });
    }
  });
}
