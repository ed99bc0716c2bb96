// One translated block: the instructions from a start slot to the first that ends a block
// (a jump, a system instruction, anything that changes translation or privilege), to the
// page's end, or to MAX_BLOCK_INSNS, decoded from RAM as the interpreter decodes them and
// turned into one JavaScript function by `new Function`. Conditional branches do not end a
// block: taken, they leave it (or, back to its start, begin another pass while the budget
// allows); not taken, the block goes on.
import { expandCompressed } from '../compressed';
import { ALL_INSNS, DECODER, EXEC } from '../instructions';
import type { Hart } from '../hart';
import type { Bus } from '../../bus/bus';
import { emit, exitAt, Slot } from './emit';
import * as runtime from './runtime';

/** Longest block (instructions of one pass). */
export const MAX_BLOCK_INSNS = 64;

/** What the generated code sees of the translator. */
export interface BlockHost { readonly epoch: number }

/** A compiled block: runs passes until it leaves; returns the new step count (h.pc, h.instret set). */
export type BlockFn = (h: Hart, x: Int32Array, pc0: number, n: number, budget: number, J: BlockHost) => number;

/**
 * Decodes the instructions of a block starting at RAM offset `off` (within one page). Empty
 * when the first instruction cannot be in a block (a 32-bit one crossing the page end).
 */
export function scan(ram16: Uint16Array, off: number): Slot[] {
  const slots: Slot[] = [];
  const pageEnd = off - (off & 4095) + 4096;
  let o = off;
  while (slots.length < MAX_BLOCK_INSNS && o < pageEnd) {
    const lo = ram16[o >> 1];
    let k: number, insn: number, len: number;
    if ((lo & 3) === 3) {
      if (o + 4 > pageEnd) break; // crosses into the next page: left to the interpreter
      insn = (lo | (ram16[(o >> 1) + 1] << 16)) | 0;
      k = DECODER.lookup(insn) + 1; len = 4;
    } else {
      const e = expandCompressed(lo);
      insn = e === 0 ? lo : e;
      k = e === 0 ? ALL_INSNS.length : DECODER.lookup(e) + 1; len = 2;
    }
    const s: Slot = { off: o - off, len, k, insn, name: ALL_INSNS[k - 1].name };
    slots.push(s);
    o += len;
    if (emit(s, 0).ends) break;
  }
  return slots;
}

/** The function for decoded slots (at least one), for harts on `bus`; named after its RAM offset `off` (profiles). */
export function compile(slots: Slot[], bus: Bus, off = 0): BlockFn {
  const parts: string[] = [];
  let ends = false;
  for (let i = 0; i < slots.length; i++) {
    const e = emit(slots[i], i);
    parts.push(`// ${slots[i].name} +${slots[i].off}\n${e.code}`);
    ends = e.ends;
  }
  const last = slots[slots.length - 1];
  if (!ends) parts.push(exitAt(last.off + last.len, slots.length));
  const body = `const LEN = ${slots.length}, RB = ${bus.ramBase}, RS = ${bus.ramSize};\nreturn function block_${off.toString(16)}(h, x, pc0, n, budget, J) {\n` +
    `const E = J.epoch; let I = h.instret;\nfor (;;) {\n${parts.join('\n')}\n}\n};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function('EXEC', 'lt', 'ltu', 'sll', 'srl', 'sra', 'setNum', 'RAM8', 'RAM16', 'RAM32', 'PF', 'BUS', body);
  return factory(EXEC, runtime.lt, runtime.ltu, runtime.sll, runtime.srl, runtime.sra, runtime.setNum,
    bus.ram, bus.ram16, bus.ram32, bus.pageFlags, bus) as BlockFn;
}
