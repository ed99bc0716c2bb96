// The structured value API (frameScopes, evaluate, children) against gdb on QEMU: at each stop
// of the corpus, frames 0 and 1: our arguments and locals are gdb's `info args` / `info locals`
// (names, order and values); every node's type is gdb's `whatis` of its expression; children
// of structs, arrays and pointers (three levels, paged) print as gdb prints their expressions
// (`EXPR.member`, `EXPR[i]`, `*EXPR`); evaluate() of expressions gives gdb's print text or error.
import { strict as assert } from 'node:assert';
import { buildCorpus, openFile, VARIANTS } from './support/corpus';
import { LiveSession } from './support/live';
import type { SymbolFile, ValueNode, FrameContext } from '../../symbols';

// each stop in a session of its own (-O2 orders the calls differently)
const STOPS = ['set_name', 'visit_sum', 'shape_mix', 'clone_stop', 'clone_done', 'corpus_stop', 'types_stop', 'pieces_stop'];
// at pieces_stop, pieces_run's struct local is split into DW_OP_pieces (at -O2 only the file member is available)
// (not arithmetic on pf.flags: gdb 13 aborts on it)
const PIECE_EXPRS = ['pf', 'pf.file', 'pf.flags', 'pf.file->pid', '*pf.file', '&pf', 'sizeof(pf)', 'pf.file->name'];
const EXPRS = ['procs', 'procs[1]', '*proc_list', 'proc_list', 'matrix', 'matrix[1]', 'origin', 'greeting', 'buffer', 'blob_ptr', '*blob_ptr', 'anon', 'anon_ptr', 'strs', 'with_empty', 'empty_one',
  'procs[1].fl', 'procs[1].num', 'procs[0].counter', 'ratio', 'ratio * 2', '&procs[2]', 'procs[1].name[2]', 'favourite', 'fact', 'corpus_stack_top_ptr', 'nosuch', '*(int *)8', 'opaque_user', '$pc', '$sp'];

async function gdbPrint(live: LiveSession, e: string): Promise<string> {
  try { return (await live.gdb.console(`print ${e}`)).replace(/^\$\d+ = /, '').trim(); } catch (err) { return `ERROR ${(err as { gdbMessage?: string }).gdbMessage ?? err}`; }
}
async function gdbWhatis(live: LiveSession, e: string): Promise<string> {
  try { return (await live.gdb.console(`whatis ${e}`)).replace(/^type = /, '').trim(); } catch (err) { return `ERROR ${(err as { gdbMessage?: string }).gdbMessage ?? err}`; }
}
/** `info args` / `info locals` as [name, value] pairs. */
async function gdbInfo(live: LiveSession, what: 'args' | 'locals'): Promise<string[][]> {
  const text = await live.gdb.console(`info ${what}`);
  return text.split('\n').map((l) => /^(\S+) = (.*)$/.exec(l)).filter((m): m is RegExpExecArray => !!m).map((m) => [m[1], m[2].trim()]);
}

/** Compares a node and its descendants (depth-limited, first `perLevel` children) with gdb. */
async function checkTree(live: LiveSession, n: ValueNode, depth: number, bad: string[], stats: { nodes: number }, perLevel = 6): Promise<void> {
  stats.nodes++;
  const anon = n.name.startsWith('<anonymous');
  if (!anon) {
    const want = await gdbPrint(live, n.expression);
    // a value cut at our text limit must be a prefix of gdb's
    const same = n.value === want || (n.value.endsWith('...') && n.value.length > 200 && want.startsWith(n.value.slice(0, -3)));
    if (!same) bad.push(`${n.expression}: gdb ${want} | ours ${n.value}`);
    const wt = await gdbWhatis(live, n.expression);
    if (wt !== n.type) bad.push(`whatis ${n.expression}: gdb ${wt} | ours ${n.type}`);
  }
  if (n.childCount < 0 || !Number.isInteger(n.childCount)) bad.push(`${n.expression}: childCount ${n.childCount}`);
  if (depth <= 0 || n.childCount === 0) return;
  const all = await n.children();
  if (all.length !== n.childCount) bad.push(`${n.expression}: ${all.length} children, childCount ${n.childCount}`);
  // paging: a page equals the same slice of the whole
  if (n.childCount > 2) {
    const page = await n.children(1, 2);
    if (page.map((c) => c.name + '=' + c.value).join('|') !== all.slice(1, 3).map((c) => c.name + '=' + c.value).join('|')) bad.push(`${n.expression}: page 1..2 differs`);
  }
  for (const c of all.slice(0, perLevel)) await checkTree(live, c, depth - 1, bad, stats, perLevel);
}

for (const v of VARIANTS) {
  describe(`symbols: value nodes vs gdb on QEMU (${v.opt} ${v.dwarf})`, function () {
    this.timeout(300000);
    const elf = buildCorpus(v);
    let f: SymbolFile;
    let live: LiveSession;
    before(() => { f = openFile(elf); });
    after(async () => { await live?.close(); });

    for (const stop of STOPS) {
      it(`at ${stop}: frameScopes of frames 0 and 1 vs info args/locals, children vs print`, async () => {
        await live?.close();
        live = await LiveSession.start(elf);
        await live.runTo(stop);
        const frames: FrameContext[] = await f.frames(await live.registers(), live.memory, { stopAt: ['main'] });
        // gdb's frame 0 at a breakpoint on a function is that function, inlined or not
        frames[0] = { ...frames[0], inlineDepth: 0 };
        const bad: string[] = [];
        const stats = { nodes: 0 };
        for (let level = 0; level < Math.min(2, frames.length); level++) {
          await live.gdb.command(`-stack-select-frame ${level === 0 ? 0 : f.inlineFrames(frames[0].pc).length}`);
          const { arguments: args, locals } = await f.frameScopes(frames[level], live.memory);
          const ga = await gdbInfo(live, 'args'), gl = await gdbInfo(live, 'locals');
          // names and order as info args / info locals (which print pointers without print's (TYPE) prefix; values are compared with print below)
          assert.deepEqual(args.map((n) => n.name), ga.map((x) => x[0]), `info args, frame ${level}`);
          assert.deepEqual(locals.map((n) => n.name), gl.map((x) => x[0]), `info locals, frame ${level}`);
          // shadowed names: gdb's print EXPR shows the innermost one only
          const names = new Map<string, number>();
          for (const n of [...args, ...locals]) names.set(n.name, (names.get(n.name) ?? 0) + 1);
          for (const n of [...args, ...locals]) if (names.get(n.name) === 1) await checkTree(live, n, 3, bad, stats);
        }
        await live.gdb.command('-stack-select-frame 0');
        assert.deepEqual(bad, []);
        assert.ok(stats.nodes > 0);
      });
      if (stop === 'pieces_stop') it('partial pieces: a struct with an optimized-out member prints the rest (frame 1), in expressions, nodes and p/x', async () => {
        // at the stop the pieces_stop test left
        const frames = await f.frames(await live.registers(), live.memory, { stopAt: ['main'] });
        await live.gdb.command('-stack-select-frame 1');
        const bad: string[] = [];
        const want = await gdbPrint(live, 'pf');
        if (v.opt === '-O2') assert.match(want, /^\{file = 0x[0-9a-f]+ <procs\+104>, flags = <optimized out>\}$/); // the corpus provokes it
        for (const e of PIECE_EXPRS) {
          const r = await f.printExpression(e, frames[1], live.memory);
          const g = await gdbPrint(live, e);
          if ((r.ok ? r.text : `ERROR ${r.text}`) !== g) bad.push(`${e}: gdb ${g} | ours ${r.text}`);
          const x = await f.printExpression(e, frames[1], live.memory, undefined, { format: 'x' });
          const gx = await gdbPrint(live, `/x ${e}`);
          if ((x.ok ? x.text : `ERROR ${x.text}`) !== gx) bad.push(`p/x ${e}: gdb ${gx} | ours ${x.text}`);
        }
        // the address of a parameter in a register (frame 0) is gdb's error naming the register
        await live.gdb.command('-stack-select-frame 0');
        for (const e of ['&p', 'p', '*p']) {
          const r = await f.evaluate(e, { ...frames[0], inlineDepth: 0 }, live.memory);
          const g = await gdbPrint(live, e);
          if ((r.ok ? r.node.value : `ERROR ${r.text}`) !== g) bad.push(`frame 0 ${e}: gdb ${g} | ours ${r.ok ? r.node.value : r.text}`);
        }
        await live.gdb.command('-stack-select-frame 1');
        const { locals } = await f.frameScopes(frames[1], live.memory);
        const pf = locals.find((n) => n.name === 'pf');
        assert.ok(pf);
        await checkTree(live, pf!, 2, bad, { nodes: 0 });
        if (v.opt === '-O2') assert.equal(pf!.writable, false);
        await live.gdb.command('-stack-select-frame 0');
        assert.deepEqual(bad, []);
      });
      if (stop === 'visit_sum') it('evaluate(): expressions and their children vs print, errors as gdb says them', async () => {
        // at the stop the visit_sum test left
        const frames = await f.frames(await live.registers(), live.memory, { stopAt: ['main'] });
        await live.gdb.command('-stack-select-frame 0');
        const bad: string[] = [];
        const stats = { nodes: 0 };
        for (const e of EXPRS) {
          const r = await f.evaluate(e, frames[0], live.memory);
          const want = await gdbPrint(live, e);
          if (!r.ok) { if (`ERROR ${r.text}` !== want) bad.push(`${e}: gdb ${want} | ours ERROR ${r.text}`); continue; }
          await checkTree(live, r.node, 2, bad, stats, 4);
          // pointers and arrays carry the address for a memory view
          const n = r.node;
          if (n.type.endsWith('*') && n.pointee === undefined) bad.push(`${e}: pointer without pointee`);
          if (/\]$/.test(n.type) && n.pointee !== n.address) bad.push(`${e}: array pointee ${n.pointee} address ${n.address}`);
        }
        // the unit's globals and statics (main.c at visit_sum) print as gdb prints them there
        const globals = await f.globals(frames[0], live.memory);
        assert.ok(globals.length >= 8, `${globals.length} globals`);
        for (const g of globals) await checkTree(live, g, 1, bad, stats, 3);
        assert.deepEqual(bad, []);
        assert.ok(stats.nodes > 60, `${stats.nodes} nodes`);
        assert.deepEqual(f.warningList, []);
      });
    }

  });
}
