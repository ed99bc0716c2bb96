// Frames gdb builds beyond the machine stack, against gdb-multiarch on QEMU at every corpus
// build (corpus frames.c):
// - frame 0 where inlined calls begin at the stop pc: a breakpoint set on the outer function
//   (gdb hides the inlined calls; frame 0 is the function itself, at the call's line, with its
//   own locals and parameters), `break *ADDR` and a breakpoint on the inlined function (gdb
//   shows the inlined frame), and stepi onto that pc (gdb hides nothing);
// - tail-call frames (frames_tail_a jumps to frames_tail_b, which jumps to frames_leaf) that
//   gdb reconstructs from DW_TAG_call_site information.
// At each stop: the backtrace (functions, files, lines, pcs) equals gdb's, and at every frame
// `info locals` and `info args` (each variable printed through the frame's context) and a few
// expressions equal gdb's.
import { strict as assert } from 'node:assert';
import { SymbolFile, UnwindOptions } from '../../symbols';
import { buildCorpus, openFile, VARIANTS } from './support/corpus';
import { LiveSession } from './support/live';

const hex = (v: bigint) => '0x' + v.toString(16);
const strip = (s: string) => s.replace(/^\$\d+ = /, '').trim();

/** gdb's `info locals` / `info args` text as sorted "name = value" lines (values of one line each here). */
function infoLines(text: string): string[] {
  const t = text.trim();
  if (t === 'No locals.' || t === 'No arguments.' || t === 'No symbol table info available.') return [];
  return t.split('\n').map((l) => l.trim()).filter(Boolean).sort();
}

/** Our backtrace at the live stop vs gdb's; then locals, args and expressions at every frame. */
async function compareStop(f: SymbolFile, live: LiveSession, opts: UnwindOptions, exprs: string[] = []): Promise<{ frames: number; hidden: number; tail: number }> {
  const regs = await live.registers();
  const want = (await live.backtrace()).map((x) => `${x.func} ${x.file}:${x.line} ${hex(x.addr)}`);
  const bt = await f.backtrace(regs, live.memory, opts);
  assert.deepEqual(bt.map((x) => `${x.function} ${x.file}:${x.line} ${hex(x.pc)}`), want);
  const bad: string[] = [];
  for (const fr of bt) {
    const ctx = fr.context!;
    await live.gdb.command(`-stack-select-frame ${fr.level}`);
    const lookup = ctx.innermost ? ctx.pc : ctx.pc - 1n;
    const dies = f.variables!.localsAt(lookup, ctx.inlineDepth);
    // info args: the parameters of the frame's function (its outermost scope in the chain)
    const fnScope = f.variables!.scopesAt(lookup, ctx.inlineDepth).find((d) => d.tag === 0x2e || d.tag === 0x1d);
    const params = fnScope ? f.variables!.scopeVars(fnScope).filter((d) => d.tag === 0x05) : [];
    const locals = dies.filter((d) => d.tag !== 0x05);
    const show = async (ds: typeof dies) => (await Promise.all(ds.map(async (d) => `${f.dwarf!.nameOf(d)} = ${await f.printVariable(f.dwarf!.nameOf(d)!, ctx, live.memory)}`))).sort();
    const gl = infoLines(await live.gdb.console('info locals')), ga = infoLines(await live.gdb.console('info args'));
    const ol = await show(locals), oa = await show(params);
    if (JSON.stringify(gl) !== JSON.stringify(ol)) bad.push(`frame ${fr.level} ${fr.function} info locals: gdb ${JSON.stringify(gl)} | ours ${JSON.stringify(ol)}`);
    if (JSON.stringify(ga) !== JSON.stringify(oa)) bad.push(`frame ${fr.level} ${fr.function} info args: gdb ${JSON.stringify(ga)} | ours ${JSON.stringify(oa)}`);
    if (fr.level === 0) {
      for (const e of exprs) {
        const g = strip(await live.gdb.console(`print ${e}`).catch((err: Error) => err.message.replace(/^gdb: -interpreter-exec console "print [^"]*": /, '')));
        const o = await f.printExpression(e, ctx, live.memory);
        if (g !== o.text) bad.push(`frame 0 print ${e}: gdb ${g} | ours ${o.text}`);
      }
    }
  }
  await live.gdb.command('-stack-select-frame 0');
  assert.deepEqual(bad, []);
  return { frames: bt.length, hidden: bt[0].context!.inlineDepth ?? 0, tail: bt.filter((x) => x.tailCall).length };
}

/** The address of the call to `callee` in `caller` (a jal or auipc+jalr pair's first instruction). */
function callTo(f: SymbolFile, caller: string, callee: string): bigint {
  const fn = f.functionAt(f.afterPrologue(caller)!)!;
  const target = f.functionAt(f.afterPrologue(callee)!)!.lo;
  const ins = f.disassemble(fn.lo, Number(fn.hi - fn.lo) / 2).filter((i) => i.address < fn.hi);
  const k = ins.findIndex((i) => i.target === target && /^jal/.test(i.mnemonic));
  assert.ok(k >= 0, `no call to ${callee} in ${caller}`);
  return ins[k].address;
}

for (const v of VARIANTS) {
  describe(`symbols: inline-entry and tail-call frames vs gdb on QEMU (${v.opt} ${v.dwarf})`, function () {
    this.timeout(180000);
    const elf = buildCorpus(v);
    const f = openFile(elf);
    const O2 = v.opt === '-O2';
    let live: LiveSession | undefined;
    const fresh = async () => { await live?.close(); live = await LiveSession.start(elf); return live; };
    after(async () => { await live?.close(); });

    for (const fn of ['frames_inl_entry', 'frames_inl_nested']) {
      it(`break ${fn} (its first instruction begins an inlined call at -O2): frame 0 is ${fn} with its own locals and args`, async () => {
        const l = await fresh();
        await l.runTo(fn);
        const pc = (await l.registers()).pc;
        const r = await compareStop(f, l, { stopBreakpoints: [{ function: fn }] }, ['a', 'a + 1', 'sink']);
        if (O2) {
          assert.ok(f.inlineEntriesAt(pc).length >= 1, `no inlined call begins at ${fn}'s breakpoint`);
          assert.equal(r.hidden, f.inlineEntriesAt(pc).length);
        }
        // the default (no stop cause) is gdb's plain stop: the same frames
        const plain = await f.backtrace(await l.registers(), l.memory);
        assert.deepEqual(plain.map((x) => x.function), (await f.backtrace(await l.registers(), l.memory, { stopBreakpoints: [{ function: fn }] })).map((x) => x.function));
      });
    }

    it('break *frames_inl_entry: the location\'s function is the inlined one, so gdb shows the inlined frame', async () => {
      const l = await fresh();
      const addr = f.functionAt(f.afterPrologue('frames_inl_entry')!)!.lo;
      await l.runTo(`*${hex(addr)}`);
      const r = await compareStop(f, l, { stopBreakpoints: [{ function: f.locationFunction(addr) }] }, ['a']);
      assert.equal(r.hidden, 0);
      if (O2) assert.equal(f.locationFunction(addr), 'frames_twice');
    });

    it('break frames_twice (an inline-only function): stops in the inlined frame', async () => {
      const l = await fresh();
      await l.runTo('frames_twice');
      const r = await compareStop(f, l, { stopBreakpoints: [{ function: 'frames_twice' }] }, ['v']);
      assert.equal(r.hidden, 0);
    });

    it('stepi onto the entry of frames_inl_nested: nothing hidden (gdb does not skip inlined frames after stepi)', async () => {
      const l = await fresh();
      await l.runTo(`*${hex(callTo(f, 'frames_run', 'frames_inl_nested'))}`);
      l.gdb.clearStops();
      await l.gdb.command('-exec-step-instruction');
      await l.gdb.waitForStop();
      const pc = (await l.registers()).pc;
      assert.equal(pc, f.functionAt(f.afterPrologue('frames_inl_nested')!)!.lo);
      const r = await compareStop(f, l, { stepInstruction: true }, ['v']);
      assert.equal(r.hidden, 0);
      // and an explicit inlineSkip gives each level gdb's `step` goes down through
      const all = f.inlineEntriesAt(pc).length;
      for (let k = 0; k <= all; k++) {
        const bt = await f.backtrace(await l.registers(), l.memory, { inlineSkip: k });
        assert.equal(bt.length, r.frames - k);
      }
    });

    it('break frames_leaf: the frames tail calls left off the stack, as gdb reconstructs them', async () => {
      const l = await fresh();
      await l.runTo('frames_leaf');
      const r = await compareStop(f, l, { stopBreakpoints: [{ function: 'frames_leaf' }] }, ['code']);
      if (O2) assert.ok(r.tail >= 2, `expected tail-call frames at -O2, got ${r.tail}`);
      assert.deepEqual(f.warningList, []);
    });
  });
}
