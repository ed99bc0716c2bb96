// Random C expressions (fixed seed) over the corpus' integer, char, enum, bitfield and array
// globals at a stop under QEMU, printed by gdb and by us: C's integer promotions, usual
// arithmetic conversions, signed/unsigned comparisons, shifts, logical operators, casts to
// narrower types, sizeof and precedence must give gdb's values (or gdb's error message); every
// third expression works on pointers (arithmetic, differences, members, *, &, [], @, casts).
import { strict as assert } from 'node:assert';
import { buildCorpus, openFile, VARIANTS } from './support/corpus';
import { LiveSession } from './support/live';

function generator(seed: number) {
  let s = seed >>> 0;
  const rnd = (n: number) => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return (s >>> 8) % n; };
  const pick = <T>(a: T[]): T => a[rnd(a.length)];
  const atoms = [
    () => String(rnd(100)), () => String(rnd(2000000000) + 1), () => `0x${(rnd(0x7fffffff) * 2 + 1).toString(16)}`, () => `${rnd(50)}U`,
    () => `${rnd(1000)}L`, () => `'${pick(['a', 'Z', '0', ' '])}'`, () => 'counter', () => 'sink', () => `matrix[${rnd(3)}][${rnd(4)}]`,
    () => `procs[${rnd(4)}].pid`, () => `procs[${rnd(4)}].fl.delta`, () => `procs[${rnd(4)}].fl.mode`, () => `procs[${rnd(4)}].fl.wide`,
    () => `procs[${rnd(4)}].fl.tail`, () => 'origin.x', () => 'origin.y', () => `buffer[${rnd(8)}]`, () => 'favourite', () => 'BLUE',
    () => 'NEGATIVE', () => `greeting[${rnd(15)}]`, () => 'asm_counter', () => `procs[${rnd(4)}].num.bytes[${rnd(4)}]`,
  ];
  const binops = ['+', '-', '*', '/', '%', '&', '|', '^', '<', '>', '<=', '>=', '==', '!=', '&&', '||'];
  const casts = ['char', 'unsigned char', 'short', 'unsigned short', 'int', 'unsigned int', 'long', 'unsigned long'];
  const expr = (depth: number): string => {
    const r = rnd(10);
    if (depth <= 0 || r < 3) return pick(atoms)();
    if (r < 6) return `${expr(depth - 1)} ${pick(binops)} ${expr(depth - 1)}`;
    if (r < 7) return `(${expr(depth - 1)}) ${pick(['<<', '>>'])} ${rnd(31)}`;
    if (r < 8) return `${pick(['-', '!', '~'])}(${expr(depth - 1)})`;
    if (r < 9) return `(${pick(casts)})(${expr(depth - 1)})`;
    return rnd(2) ? `sizeof(${expr(depth - 1)})` : `(${expr(depth - 1)})`;
  };
  return () => expr(3);
}

/** Pointer expressions: arithmetic, differences, comparisons, indexing, members, &, *, casts. */
function pointerGenerator(seed: number) {
  let s = seed >>> 0;
  const rnd = (n: number) => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return (s >>> 8) % n; };
  const pick = <T>(a: T[]): T => a[rnd(a.length)];
  const paren = (x: string) => (/^[\w&*(]/.test(x) && /[ +-]/.test(x) ? `(${x})` : x);
  const procPtr = () => paren(pick([`&procs[${rnd(4)}]`, `procs + ${rnd(4)}`, 'proc_list', 'proc_list->next', `&procs[${rnd(4)}] - ${rnd(2)}`, `(struct proc *)&procs[${rnd(4)}]`]));
  const intPtr = () => paren(pick([`&matrix[${rnd(3)}][${rnd(4)}]`, `matrix[${rnd(3)}]`, `&procs[${rnd(4)}].pid`, `procs[${rnd(4)}].grid[${rnd(2)}]`, `(int *)&origin`, `&origin.y`]));
  const charPtr = () => paren(pick([`&buffer[${rnd(8)}]`, 'greeting', `greeting + ${rnd(12)}`, `procs[${rnd(4)}].name`, `&procs[${rnd(4)}].name[${rnd(3)}]`, `(char *)&procs[${rnd(4)}]`]));
  const forms = [
    () => `${procPtr()}`, () => `${intPtr()}`, () => `${charPtr()}`, () => `*${intPtr()}`, () => `*${charPtr()}`,
    () => `(${procPtr()})->pid`, () => `(${procPtr()})->name`, () => `(${procPtr()})->pos.y`, () => `(${intPtr()})[${rnd(3)}]`,
    () => `${intPtr()} - ${intPtr()}`, () => `${procPtr()} - ${procPtr()}`, () => `${charPtr()} - ${charPtr()}`,
    () => `${intPtr()} ${pick(['<', '>', '==', '!=', '<=', '>='])} ${intPtr()}`, () => `!${procPtr()}`, () => `(long)${intPtr()} - (long)${intPtr()}`,
    () => `(unsigned char)*${charPtr()}`, () => `*(${intPtr()} + ${rnd(3)})`, () => `sizeof *${procPtr()}`, () => `sizeof ${intPtr()}`,
    () => `*${intPtr()}@${1 + rnd(3)}`, () => `(${procPtr()})->next == 0`, () => `${charPtr()}[${rnd(4)}] + ${rnd(9)}`, () => `&(${procPtr()})->fl`,
    () => `*(${procPtr()})`, () => `(${procPtr()})->counter`, () => `(${procPtr()})->visit`, () => `(long)(${procPtr()}) & 7`,
  ];
  return () => pick(forms)();
}

describe('symbols: random C expressions vs gdb print on QEMU (fixed seed)', function () {
  this.timeout(120000);
  for (const v of [VARIANTS[0], VARIANTS[3], VARIANTS[5]]) {
    it(`600 expressions at visit_sum (${v.opt} ${v.dwarf})`, async () => {
      const elf = buildCorpus(v);
      const f = openFile(elf);
      const live = await LiveSession.start(elf);
      try {
        await live.runTo('visit_sum');
        const frames = await f.frames(await live.registers(), live.memory, { stopAt: ['main'] });
        const ints = generator(11 + VARIANTS.indexOf(v)), ptrs = pointerGenerator(21 + VARIANTS.indexOf(v));
        let n = 0;
        const next = () => (n++ % 3 === 2 ? ptrs() : ints()); // every third one is a pointer expression
        const bad: string[] = [];
        for (let i = 0; i < 600; i++) {
          const e = next();
          let want: string;
          try { want = (await live.gdb.console(`print ${e}`)).replace(/^\$\d+ = /, '').trim(); } catch (err) { want = `ERROR ${(err as { gdbMessage?: string }).gdbMessage ?? err}`; }
          const r = await f.printExpression(e, frames[0], live.memory);
          const got = r.ok ? r.text : `ERROR ${r.text}`;
          if (got !== want) bad.push(`${e}: gdb ${want} | ours ${got}`);
        }
        assert.deepEqual(bad.slice(0, 15), []);
        assert.deepEqual(f.warningList, []);
      } finally {
        await live.close();
      }
    });
  }
});
