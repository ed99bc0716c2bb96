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
import { FLUSH, immJ, X0 } from './emit-base';
import { fillLoop } from './idiom';
import * as runtime from './runtime';
import * as int64 from '../int64';
import { addD, addS, divD, divS, fmaD, fmaS, mulD, mulS } from '../fpu/arith';
import { sgnjD, sgnjS } from '../fpu/bitops';

/** The FPU functions the F/D emitters call (emit-ext.ts). */
const FP = { addD, addS, divD, divS, fmaD, fmaS, mulD, mulS, sgnjD, sgnjS };
/** The 64-bit products and divisions the M emitters call. */
const M64 = { mulh64: int64.mulh64, mulhsu64: int64.mulhsu64, mulhu64: int64.mulhu64, div64: int64.div64 };

/** Longest block (instructions of one pass). */
export const MAX_BLOCK_INSNS = 64;

/** What the generated code sees of the translator. */
export interface BlockHost {
  readonly epoch: number;
  /** Instructions run in bulk by loop idioms (idiom.ts; a part of the steps in blocks). */
  bulkSteps: number;
}

/**
 * A compiled block: runs passes from h.pc until it leaves; returns the new step count (h.pc,
 * h.instret set). The pc is read from the hart, not passed: a pc above 2^31 passed as an
 * argument would be boxed into a fresh heap number at every call (garbage per block).
 */
export type BlockFn = (h: Hart, x: Int32Array, n: number, budget: number, J: BlockHost) => number;

/**
 * Decodes the instructions of a block starting at RAM offset `off` (within one page). Empty
 * when the first instruction cannot be in a block (a 32-bit one crossing the page end). A plain
 * jump (jal x0) to a location in the same page that the block has not been through yet does not
 * end it: the block goes on there (a page is mapped as a whole, so the target's virtual pc is
 * the block's pc plus a constant). Calls (jal with a link) still end the block: following them
 * into the callee made blocks of code that mostly side-exits early (qsort: 15-25% slower,
 * measured), while plain jumps to shared tails pay (sha256, matmul: 5-10% faster). A jump back
 * to the block's start is its loop; to any other location already in the block, the block ends.
 */
export function scan(ram16: Uint16Array, off: number): Slot[] {
  const slots: Slot[] = [];
  const pageStart = off - (off & 4095), pageEnd = pageStart + 4096;
  const seen = new Set<number>();
  let o = off;
  while (slots.length < MAX_BLOCK_INSNS && o >= pageStart && o < pageEnd && !seen.has(o)) {
    seen.add(o);
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
    if (s.name === 'jal') {
      const t = o + immJ(insn);
      if (((insn >> 7) & 31) === 0 && t !== off && t >= pageStart && t < pageEnd && !seen.has(t) && slots.length + 1 < MAX_BLOCK_INSNS) {
        s.follow = true;
        slots.push(s);
        o = t;
        continue;
      }
    }
    slots.push(s);
    o += len;
    if (emit(s, 0).ends) break;
  }
  return slots;
}

/** A write of register word K in generated code (`x[K] = expr;`; expressions hold no semicolon). */
const WRITE = /(?<![\w.$])x\[(\d+)\] = ([^;]*);/g;
/** A read of register word K. */
const READ = /(?<![\w.$])x\[(\d+)\]/g;

/**
 * Turns the emitters' `x[K]` into locals: writes become `rK = (expr) | 0` (the array stored
 * int32; a local must hold the same value, or `===` between words would differ), reads of x0's
 * words become 0. Returns the code, the words read or written (loaded at entry) and those written
 * (stored back at each exit, before each executor call and in the catch of a trap).
 */
function registersToLocals(code: string, locals: boolean): { code: string; used: number[]; written: number[] } {
  const used = new Set<number>(), written = new Set<number>();
  code = code.replace(WRITE, (m, k: string, e: string) => {
    const w = Number(k);
    if (w < 2) throw new Error(`translator: generated code writes x0 (x[${w}] = ${e})`);
    if (!locals) return m;
    used.add(w); written.add(w);
    return `x[${w}] = (${e}) | 0;`;
  });
  code = code.replace(READ, (_m, k: string) => {
    const w = Number(k);
    if (w < 2) return '0';
    if (!locals) return `x[${w}]`;
    used.add(w);
    return `r${w}`;
  });
  const sort = (set: Set<number>) => [...set].sort((p, q) => p - q);
  return { code, used: sort(used), written: sort(written) };
}

/** The function for decoded slots (at least one), for harts on `bus`; named after its RAM offset `off` (profiles). */
export function compile(slots: Slot[], bus: Bus, off = 0): BlockFn {
  const idiom = fillLoop(slots);
  const parts: string[] = idiom === '' ? [] : [`// fill loop: passes in bulk (idiom.ts)\n${idiom}`];
  let ends = false;
  for (let i = 0; i < slots.length; i++) {
    const e = emit(slots[i], i);
    parts.push(`// ${slots[i].name} +${slots[i].off}\n${e.code}`);
    ends = e.ends;
  }
  const last = slots[slots.length - 1];
  if (!ends) parts.push(exitAt(last.follow === true ? last.off + immJ(last.insn) : last.off + last.len, slots.length));
  // Locals pay where a block loops; a block run once per call would load and store more words
  // at its entry and exit than it saves (qsort's short blocks), so those use the array.
  const src = parts.join('\n');
  const regs = registersToLocals(src, src.includes('continue B'));
  const flush = regs.written.map((w) => `x[${w}] = r${w};`).join(' ');
  const usedSet = new Set(regs.used);
  const code = regs.code
    .split(FLUSH).join(flush)
    .split(X0).join('x[0] = 0; x[1] = 0;')
    .replace(/\/\*RELOAD:(\d+)\*\//g, (_m, r: string) => {
      const w = 2 * Number(r);
      return w !== 0 && usedSet.has(w) ? `r${w} = x[${w}]; r${w + 1} = x[${w + 1}];` : '';
    });
  const locals = regs.used.length === 0 ? '' : `let ${regs.used.map((w) => `r${w} = x[${w}]`).join(', ')};\n`;
  const memory = /\b(VM|CTX|TRT|TRP|TWT|TWP)\b/.test(code)
    ? 'const VM = h.dataVm, CTX = h.dataCtx, TRT = h.tlbR.tag, TRP = h.tlbR.pa, TWT = h.tlbW.tag, TWP = h.tlbW.pa;\n' : '';
  // One epilogue writes the registers back: exits set EP (the next pc) and EK (instructions of
  // this pass) and break out of the loop; a trap thrown by a call writes them back and goes on.
  const body = `const LEN = ${slots.length}, RB = ${bus.ramBase}, RS = ${bus.ramSize};\n` +
    `return function block_${off.toString(16)}(h, x, n, budget, J) {\n` +
    `const E = J.epoch, pc0 = h.pc; let I = h.instret, EP = 0, EK = 0;\n${memory}${locals}` +
    // (a try costs a block call about 8 ns: only blocks that hold registers in locals have one)
    (flush === '' ? `B: for (;;) {\n${code}\n}\n` : `try {\nB: for (;;) {\n${code}\n}\n} catch (e) { ${flush} throw e; }\n`) +
    `${flush}\nh.pc = EP; h.instret = I + EK; return n + EK;\n};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function('EXEC', 'lt', 'ltu', 'RAM8', 'RAM16', 'RAM32', 'PF', 'BUS',
    'MULHU32', 'M64', 'R', 'FP', body);
  return factory(EXEC, runtime.lt, runtime.ltu,
    bus.ram, bus.ram16, bus.ram32, bus.pageFlags, bus, int64.mulhu32, M64, int64.R, FP) as BlockFn;
}
