// Assignment (gdb's `set var LHS = RHS`) against gdb-multiarch on QEMU: two identical QEMU
// machines stopped at the same breakpoint; on one our SymbolFile.assign writes through gdb's
// connection (-data-write-memory-bytes, -data-write-register-values), on the other gdb itself
// runs `set var`. After each case both gdbs print LHS and must agree (and agree with the node we
// return); errors must be gdb's messages; at the end every data, bss and stack byte of the two
// machines is the same (no stray writes).
import { strict as assert } from 'node:assert';
import { buildCorpus, openFile, VARIANTS } from './support/corpus';
import { LiveSession } from './support/live';
import type { FrameContext, MemoryWriter, SymbolFile } from '../../symbols';

const CASES: Array<[string, string]> = [
  ['ival', '42'], ['ival', '-5'], ['ival', '2.9'], ['ival', '1e20'], ['ival', '-1e20'], ['uval', '-1'], ['uval', '1e20'], ['ratio', '7'], ['ratio', 'ival'], ['scale', 'ratio'],
  ['ratio', 'proc_list'], ['favourite', 'GREEN'], ['favourite', '77'], ['favourite', '1.5'], ['origin.x', '-9'], ['origin', 'procs[1]'], ['origin', '5'], ['origin.x', 'origin'],
  ['procs[1].fl.delta', '-3'], ['procs[1].fl.delta', '100'], ['procs[1].fl.ready', '3'], ['procs[1].fl.wide', '0xfffff'], ['procs[1].fl.mode', '7'], ['procs[1].fl.tail', '200'],
  ['procs[1].fl', 'procs[2].fl'], ['procs[2].name[1]', "'Z'"], ['buffer[1]', '66'], ['buffer', '1'], ['buffer', 'greeting'], ['matrix[1]', 'matrix[2]'], ['matrix[0][3]', '-1'],
  ['proc_list', '&procs[2]'], ['proc_list->pid', '99'], ['proc_list', '0x1234'], ['proc_list', '1.5'], ['procs[0].visit', 'fact'], ['procs[3].visit', '5'], ['anon.lo', '9'], ['anon.as_int', '0x40003'],
  ['anon_ptr->depth', '11'], ['*n', '*n'], ['n->f', '2'], ['f->ready', '0'], ['f->delta', '5'], ['*(int *)&origin', '77'], ['ival', '&ival'], ['procs[1]', 'procs[3]'], ['proc_list', '&procs[1]'], ['*proc_list', 'procs[0]'],
  ['ratio', 'origin'], ['sink', '3'], ['limit', '3'], ['ival', 'origin'], ['corpus_stack_top_ptr', '0'], ['tstr', 'plain'], ['empty_one', 'empty_one'], ['greeting[0]', '72'], ['procs[2].weight', '-0.25'],
  ['procs[2].state', 'BLUE'], ['procs[2].num.f', '1.5'], ['procs[2].grid[1][2]', 'matrix[2][3] * 3'], ['blob_ptr->n', '6'], ['procs[2].pos', 'origin'],
  // errors
  ['NEGATIVE', '1'], ['5', '3'], ['ival + 1', '3'], ['&ival', '3'], ['(char)ival', '1'], ['fact', '1'], ['nosuch', '1'], ['ival', 'nosuch'], ['nosuch', 'nosuch2'], ['sizeof(int)', '1'],
  ['origin.nosuch', '1'], ['ival.x', '1'], ['ival[1]', '2'], ['*ival_ptr_none', '1'], ['procs[1]', '5'], ['ival', 'origin.nosuch'],
];
/** At a stop where a parameter lives in a register (frame 0) and one is optimized out (frame 1). */
const REG_CASES: Array<[string, string, number]> = [['n', 'n + 1', 0], ['code', '-12', 0], ['code', 'code * 2', 0], ['opt', '1', 1], ['n', '5', 1], ['$a0', '0x1234', 0], ['$t3', '-1', 0], ['$s1', '$s1 + 8', 0]];

async function gdbText(live: LiveSession, cmd: string): Promise<string> {
  try { return (await live.gdb.console(cmd)).replace(/^\$\d+ = /, '').trim(); } catch (err) { return `ERROR ${(err as { gdbMessage?: string }).gdbMessage ?? err}`; }
}

function writerOf(live: LiveSession, log: string[]): MemoryWriter {
  return {
    writeMemory: async (addr, bytes) => {
      log.push(`mem 0x${addr.toString(16)} ${bytes.length}`);
      await live.gdb.command(`-data-write-memory-bytes 0x${addr.toString(16)} ${Buffer.from(bytes).toString('hex')}`);
    },
    writeRegister: async (reg, value) => {
      log.push(`reg ${reg}`);
      if (reg >= 32) throw new Error('only x registers in this test');
      await live.gdb.command(`-data-write-register-values x ${reg} 0x${value.toString(16)}`);
    },
  };
}

/** Data, bss and stack bytes, for the no-stray-writes check. */
async function snapshot(live: LiveSession, f: SymbolFile): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const s of f.elf!.sections) {
    if (!['.data', '.bss', '.sdata', '.sbss', '.rodata', '.srodata'].includes(s.name) || s.size === 0) continue;
    const size = Number(s.size);
    for (let off = 0; off < size; off += 4096) {
      const n = Math.min(4096, size - off);
      const b = await live.memory.readMemory(s.addr + BigInt(off), n);
      out.set(`${s.name}+${off}`, b ? Buffer.from(b).toString('hex') : 'unreadable');
    }
  }
  return out;
}

async function runCases(f: SymbolFile, ours: LiveSession, theirs: LiveSession, frames: FrameContext[], cases: Array<[string, string, number]>, bad: string[]): Promise<number> {
  let compared = 0;
  for (const [lhs, rhs, level] of cases) {
    const gdbLevel = level === 0 ? 0 : f.inlineFrames(frames[0].pc).length;
    await ours.gdb.command(`-stack-select-frame ${gdbLevel}`);
    await theirs.gdb.command(`-stack-select-frame ${gdbLevel}`);
    const log: string[] = [];
    const r = await f.assign(lhs, rhs, frames[level], ours.memory, writerOf(ours, log));
    const want = await gdbText(theirs, `set var ${lhs} = ${rhs}`);
    compared++;
    if (process.env.ASSIGN_LOG) console.log(`${lhs} = ${rhs} @${level}: gdb ${want || 'ok'} | ours ${r.ok ? r.node.value : 'ERROR ' + r.text} | ${log.join(', ')}`);
    if (want.startsWith('ERROR') || !r.ok) {
      const got = r.ok ? `ok ${r.node.value}` : `ERROR ${r.text}`;
      if (got !== want) bad.push(`${lhs} = ${rhs}: gdb ${want} | ours ${got}`);
      if (!r.ok && log.length) bad.push(`${lhs} = ${rhs}: failed but wrote ${log.join(', ')}`);
      continue;
    }
    // the target now holds what gdb's own assignment made
    const after = await gdbText(theirs, `print ${lhs}`);
    const oursAfter = await gdbText(ours, `print ${lhs}`);
    if (after !== oursAfter) bad.push(`${lhs} = ${rhs}: gdb's machine ${after} | ours ${oursAfter}`);
    if (r.node.value !== oursAfter) bad.push(`${lhs} = ${rhs}: node ${r.node.value} | gdb print ${oursAfter}`);
  }
  await ours.gdb.command('-stack-select-frame 0');
  await theirs.gdb.command('-stack-select-frame 0');
  return compared;
}

describe('symbols: assignment (set var) vs gdb on QEMU', function () {
  this.timeout(300000);
  for (const v of [VARIANTS[0], VARIANTS[3], VARIANTS[5]]) {
    it(`${CASES.length} assignments at shape_mix, registers and optimized-out ones at types_stop (${v.opt} ${v.dwarf})`, async () => {
      const elf = buildCorpus(v);
      const f = openFile(elf);
      const ours = await LiveSession.start(elf);
      const theirs = await LiveSession.start(elf);
      try {
        await ours.runTo('shape_mix');
        await theirs.runTo('shape_mix');
        const frames = await f.frames(await ours.registers(), ours.memory, { stopAt: ['main'] });
        frames[0] = { ...frames[0], inlineDepth: 0 };
        const bad: string[] = [];
        const n = await runCases(f, ours, theirs, frames, CASES.map(([l, r]) => [l, r, 0]), bad);
        const [a, b] = [await snapshot(ours, f), await snapshot(theirs, f)];
        for (const [k, x] of a) if (b.get(k) !== x) bad.push(`memory ${k} differs`);
        assert.deepEqual(bad, []);
        assert.equal(n, CASES.length);
        assert.deepEqual(f.warningList, []);
      } finally {
        await ours.close();
        await theirs.close();
      }
    });

    it(`register variables, x registers and optimized-out ones at types_stop (${v.opt} ${v.dwarf})`, async () => {
      const elf = buildCorpus(v);
      const f = openFile(elf);
      const ours = await LiveSession.start(elf);
      const theirs = await LiveSession.start(elf);
      try {
        await ours.runTo('types_stop');
        await theirs.runTo('types_stop');
        const frames = await f.frames(await ours.registers(), ours.memory, { stopAt: ['main'] });
        frames[0] = { ...frames[0], inlineDepth: 0 };
        const bad: string[] = [];
        // gdb's register writes also change the frame we print from: compare after each
        await runCases(f, ours, theirs, frames, REG_CASES.map(([l, r, lv]) => [l, r, lv]), bad);
        for (const reg of ['a0', 'a1', 't3', 's1', 'sp']) {
          const [x, y] = [await gdbText(ours, `print/x $${reg}`), await gdbText(theirs, `print/x $${reg}`)];
          if (x !== y) bad.push(`$${reg}: ours ${x} | gdb ${y}`);
        }
        assert.deepEqual(bad, []);
      } finally {
        await ours.close();
        await theirs.close();
      }
    });
  }

  it('bad input: messages, no throws, nothing written', async () => {
    const f = openFile(buildCorpus(VARIANTS[0]));
    const mem = { readMemory: async () => undefined };
    const log: string[] = [];
    const writer: MemoryWriter = { writeMemory: async (a) => { log.push(String(a)); throw new Error('read-only'); } };
    for (const [l, r] of [['', '1'], ['ival', ''], ['ival =', '2'], ['ival', '1 +'], ['origin', '5'], [undefined, 1], ['$pc', '0'], ['$nosuch', '1'], ['$a0', '1']] as Array<[string, string]>) {
      const res = await f.assign(l, r, undefined, mem, writer);
      assert.equal(res.ok, false, `${l} = ${r}`);
      if (!res.ok) assert.ok(res.text.length > 0 && !/internal/.test(res.text), `${l} = ${r}: ${res.text}`);
    }
    // a write that fails is gdb's memory error
    const w = await f.assign('ival', '3', undefined, { readMemory: async (_a, n) => new Uint8Array(n) }, writer);
    assert.deepEqual(w.ok ? 'ok' : w.text, `Cannot access memory at address 0x${f.globalVariable('ival')!.address.toString(16)}`);
    assert.deepEqual(f.warningList, []);
  });
});
