// C expressions against gdb's `print` at a stop of the corpus under QEMU: member access,
// indexing, pointers and casts (including `(struct proc *)ADDRESS`), arithmetic, comparisons,
// logical operators, sizeof, enumerators, registers, file statics and gdb's `@`; and errors
// for bad input instead of throws.
import { strict as assert } from 'node:assert';
import { buildCorpus, openFile, VARIANTS } from './support/corpus';
import { LiveSession } from './support/live';

const EXPRS = [
  'procs[1].name', 'procs[2]', 'proc_list->next->pid', '*proc_list', '&procs[2]', 'procs[1].fl', 'procs[3].fl.delta',
  'procs[1].grid[1]', 'procs[1].num.bytes', 'procs[0].state', 'sizeof(struct proc)', 'sizeof procs', 'sizeof(int)',
  'matrix[2][3] * 2 + 1', 'matrix[1]', 'origin.x < origin.y', '!sink', 'favourite == BLUE', 'BLUE', 'NEGATIVE',
  'buffer[1]', 'greeting', '*greeting@5', 'matrix[0][0]@6', 'procs[1].pid@2', '$pc', '$sp', '$a0', '$ra',
  'proc_list->visit', '&procs[3] - &procs[1]', '(long)&procs[1] - (long)&procs[0]', 'counter', '-origin.x', '~0',
  '1 << 4', '10 / 3', '-10 % 3', 'origin.x || 0', 'origin.x && 0', '(char)65', 'limit', '*procs[0].counter', 'procs[0].counter',
  '(unsigned char)300', '0x7fffffff + 1', '4294967295U + 1', '(struct point *)&origin', '((struct point *)&origin)->y', 'procs[1].weight',
  'fact', '*fact', 'procs[0]@1000', '&((struct proc *)0)->pos.y', '&((struct proc *)0x10)->grid[1][2]', '&proc_list->next->name[3]', '&procs[2].grid[1]', '&*proc_list', '*blob_ptr', 'blob_ptr->data[2]', 'blob_ptr->data', 'blob_ptr->n', 'sizeof(struct blob)', '*blob_ptr->data@3', 'asm_counter * 2', '&asm_counter', 'proc_list->name[0]', "'a' + 1", 'sizeof(procs[0].name)', '(enum color)6', 'procs + 1',
];

describe('symbols: C expressions vs gdb print on QEMU', function () {
  this.timeout(120000);
  for (const v of [VARIANTS[0], VARIANTS[3], VARIANTS[4]]) {
    it(`${EXPRS.length + 2} expressions at list_walk's call (${v.opt} ${v.dwarf})`, async () => {
      const elf = buildCorpus(v);
      const f = openFile(elf);
      const live = await LiveSession.start(elf);
      try {
        await live.runTo('visit_sum');
        const regs = await live.registers();
        const frames = await f.frames(regs, live.memory, { stopAt: ['main'] });
        const procs = f.symbolizer!.symbolAddress('procs')!;
        const exprs = [...EXPRS, `(struct proc *)0x${(procs + 80n).toString(16)}`, `((struct proc *)0x${procs.toString(16)})->name`];
        const bad: string[] = [];
        for (const e of exprs) {
          let want: string;
          try { want = (await live.gdb.console(`print ${e}`)).replace(/^\$\d+ = /, '').trim(); } catch (err) { want = `ERROR ${(err as { gdbMessage?: string }).gdbMessage ?? err}`; }
          const r = await f.printExpression(e, frames[0], live.memory);
          const got = r.ok ? r.text : `ERROR ${r.text}`;
          if (got !== want) bad.push(`${e}: gdb ${want} | ours ${got}`);
        }
        assert.deepEqual(bad, []);
        assert.deepEqual(f.warningList, []);
      } finally {
        await live.close();
      }
    });
  }

  // `opt` in types_run is optimized out at -Og and -O2: printed as <optimized out>, an error
  // only where its contents are needed, and an unknown name is reported first (gdb resolves names while parsing)
  const OPT_EXPRS = ['opt', 'opt + 1', '-opt', 'opt == 0', '&opt', 'opt + nosuch', 'nosuch + opt', '1 + opt', 'opt && 0', '0 && opt', '1 || opt', 'opt || 1',
    'sizeof(opt)', 'sizeof opt + 1', '(long)opt', '!opt', '~opt', 'opt.x', 'opt[1]', '*opt', 'opt * 2.5', 'opt + ratio', 'opt@2', 'n', 'n + opt', 'anon.lo + opt'];
  for (const v of [VARIANTS[0], VARIANTS[3], VARIANTS[4]]) {
    it(`an optimized-out local in expressions (${v.opt} ${v.dwarf})`, async () => {
      const elf = buildCorpus(v);
      const f = openFile(elf);
      const live = await LiveSession.start(elf);
      try {
        await live.runTo('types_stop');
        const frames = await f.frames(await live.registers(), live.memory, { stopAt: ['main'] });
        await live.gdb.command(`-stack-select-frame ${f.inlineFrames(frames[0].pc).length}`);
        const bad: string[] = [];
        for (const e of OPT_EXPRS) {
          let want: string;
          try { want = (await live.gdb.console(`print ${e}`)).replace(/^\$\d+ = /, '').trim(); } catch (err) { want = `ERROR ${(err as { gdbMessage?: string }).gdbMessage ?? err}`; }
          if (e === 'opt' && v.opt !== '-O0') assert.equal(want, '<optimized out>');
          const r = await f.printExpression(e, frames[1], live.memory);
          const got = r.ok ? r.text : `ERROR ${r.text}`;
          if (got !== want) bad.push(`${e}: gdb ${want} | ours ${got}`);
        }
        assert.deepEqual(bad, []);
        assert.deepEqual(f.warningList, []);
      } finally {
        await live.close();
      }
    });
  }

  it('bad expressions give messages, not throws', async () => {
    const f = openFile(buildCorpus(VARIANTS[0]));
    const mem = { readMemory: async () => undefined };
    for (const e of ['procs[', '1 +', '(struct nosuch *)0', 'nosuch', 'origin.nosuch', '*1', '$', "'ab", '1 / 0', 'procs[0]@0']) {
      const r = await f.printExpression(e, undefined, mem);
      assert.equal(r.ok, false, e);
      assert.ok(r.text.length > 0 && !/internal/.test(r.text), `${e}: ${r.text}`);
    }
  });
});
