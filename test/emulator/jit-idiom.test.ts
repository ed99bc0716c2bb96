// Loop idioms (issue 15, cpu/jit/idiom.ts): memset's store loop is recognised at every store
// width and only in its exact shape, and a guest full of such loops (jit/fill.c: lengths within
// and across pages, a buffer in a page of compiled code, M-mode and U-mode under Sv39) ends with
// the interpreter's output, instruction count and registers. jit-lockstep.test.ts runs the same
// guest in lock step.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { compile, scan } from '../../emulator/cpu/jit/block';
import { Machine } from '../../emulator/machine';
import { fillGuest } from './jit/fill-guest';
import { machineFor } from './machine/support';

const STORE = (f3: number, value = 11) => (value << 20) | (10 << 15) | (f3 << 12) | 0x23; // s{b,h,w,d} value, 0(a0)
const ADDI_A0 = (imm: number) => ((imm & 0xfff) << 20) | (10 << 15) | (10 << 7) | 0x13; // addi a0, a0, imm
const BNE_A0_A5_BACK8 = 0xfef51ce3 | 0; // bne a0, a5, -8
const BEQ_A0_A5_BACK8 = 0xfef50ce3 | 0; // beq a0, a5, -8
const BNE_A0_A5_BACK4 = 0xfef51ee3 | 0; // bne a0, a5, -4 (to the addi)
const RET = 0x00008067;

/** The source of the block compiled from these 32-bit instruction words, placed in RAM. */
function blockSource(words: number[]): string {
  const { m } = machineFor('spin.S', { jit: true });
  const off = 0x8000;
  const bytes = new Uint8Array(new Int32Array(words).buffer);
  assert.ok(m.bus.dmaWrite(m.bus.ramBase + off, bytes));
  const slots = scan(m.bus.ram16, off);
  return compile(slots, m.bus, off).toString();
}

describe('emulator/cpu/jit: loop idioms', function () {
  this.timeout(120_000);

  it('recognises the fill loop at every store width (sb, sh, sw, sd stepping by their width)', () => {
    const fills = ['RAM8.fill(', 'RAM16.fill(', 'RAM32.fill(', 'RAM32[j + 1] = vh'];
    for (let f3 = 0; f3 < 4; f3++) {
      const src = blockSource([STORE(f3), ADDI_A0(1 << f3), BNE_A0_A5_BACK8, RET]);
      assert.ok(src.includes('fill loop'), `width ${1 << f3}: no fill prologue`);
      assert.ok(src.includes(fills[f3]), `width ${1 << f3}: no ${fills[f3]}`);
    }
  });

  it('leaves other loops alone: a step other than the width, the pointer as the value, beq, a branch elsewhere', () => {
    const cases: Array<[string, number[]]> = [
      ['sb stepping by 2', [STORE(0), ADDI_A0(2), BNE_A0_A5_BACK8, RET]],
      ['sw stepping by -4', [STORE(2), ADDI_A0(-4), BNE_A0_A5_BACK8, RET]],
      ['the pointer stored', [STORE(0, 10), ADDI_A0(1), BNE_A0_A5_BACK8, RET]],
      ['beq', [STORE(0), ADDI_A0(1), BEQ_A0_A5_BACK8, RET]],
      ['a branch to the addi', [STORE(0), ADDI_A0(1), BNE_A0_A5_BACK4, RET]],
    ];
    for (const [what, words] of cases) assert.ok(!blockSource(words).includes('fill loop'), `${what}: taken as a fill loop`);
  });

  for (const user of [false, true]) {
    it(`runs jit/fill.c${user ? ' (U-mode, Sv39)' : ''} to the interpreter's output, count and registers`, () => {
      const elf = fillGuest(user);
      const run = (jit: boolean) => {
        let out = '';
        const m = new Machine({ kernel: readFileSync(elf), kernelName: elf, memoryBytes: 8 << 20, jit, serial: { output: (b) => { out += String.fromCharCode(b); } } });
        if (jit) m.translator!.hotThreshold = 64;
        for (let i = 0; i < 200 && !out.endsWith('\n'); i++) m.runFor(1_000_000);
        return { out, n: m.retired(), x: [...m.harts[0].x], pc: m.harts[0].pc, stats: m.translator?.stats() };
      };
      const a = run(false), b = run(true);
      assert.match(a.out, /^fill [0-9a-f]{16}\n$/);
      assert.equal(b.out, a.out);
      assert.equal(b.n, a.n);
      assert.equal(b.pc, a.pc);
      assert.deepEqual(b.x, a.x);
      // the fills are a fifth of the instructions (the rest is mostly the checksum loop)
      assert.ok(b.stats!.bulkSteps > a.n / 10, `only ${b.stats!.bulkSteps} of ${a.n} steps run in bulk`);
    });
  }
});
