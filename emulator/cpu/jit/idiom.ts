// Loop idioms: blocks whose loop is a well-known shape get a prologue that runs many of its
// passes at once, with the same result, counts and stopping place as running them one by one.
//
// The fill loop is memset's inner loop as compilers write it (xv6's memset, in the kernel and in
// every user program: `sb v, imm(a); addi a, a, 1; bne a, b, loop`), here for any store width w
// with the pointer stepping by w. It was over half of xv6's usertests (every page allocated and
// freed is filled). At the top of each pass, when the remaining passes are known (b - a a positive
// multiple of w below 2^32), the store goes to RAM through the same TLB entry as the pass would
// take, and its page has no flags (no compiled code, reservation or device behind it: a plain
// RAM store then has no other effect, as in the store's own fast path), the prologue does k
// passes' stores as one typed-array fill, where k leaves the last pass to the loop itself (the
// branch falls through there) and stays within the page and within the budget exactly as the
// back edge would (a pass goes on while n + LEN <= budget). What is left runs as before.
import { addrOf, immB, immI, immS, offsetOf, rd, rs1, rs2, Slot } from './emit-base';

const WIDTH: Record<string, number> = { sb: 1, sh: 2, sw: 4, sd: 8 };

/** Stores of k copies of the value (v, and vh for sd) from RAM offset off (aligned to w). */
function fillCode(w: number): string {
  switch (w) {
    case 1: return 'RAM8.fill(v, off, off + k);';
    case 2: return 'RAM16.fill(v, off >> 1, (off >> 1) + k);';
    case 4: return 'RAM32.fill(v, off >> 2, (off >> 2) + k);';
    default: return 'if (v === vh) RAM32.fill(v, off >> 2, (off >> 2) + 2 * k); ' +
      'else for (let j = off >> 2, e = j + 2 * k; j < e; j += 2) { RAM32[j] = v; RAM32[j + 1] = vh; }';
  }
}

/**
 * The fill-loop prologue for a block, or '' when its first three instructions are not a store,
 * the pointer's step by the store's width, and a bne between the pointer and another register
 * back to the block's start (the value register must not be the pointer).
 */
export function fillLoop(slots: Slot[]): string {
  if (slots.length < 3) return '';
  const [st, inc, br] = slots;
  const w = WIDTH[st.name];
  if (w === undefined || inc.name !== 'addi' || br.name !== 'bne') return '';
  const a = rs1(st.insn), v = rs2(st.insn);
  if (a === 0 || v === a || rd(inc.insn) !== a || rs1(inc.insn) !== a || immI(inc.insn) !== w) return '';
  if (br.off + immB(br.insn) !== 0) return '';
  const p = rs1(br.insn), q = rs2(br.insn);
  const b = p === a ? q : q === a ? p : -1;
  if (b < 0 || b === a) return '';
  const A = 2 * a, B = 2 * b, V = 2 * v;
  return `{ const dl = (x[${B}] - x[${A}]) | 0, ` +
    `dh = (x[${B + 1}] - x[${A + 1}] - ((x[${B}] >>> 0) < (x[${A}] >>> 0) ? 1 : 0)) | 0; ` +
    `if (dh === 0 && dl !== 0 && (dl & ${w - 1}) === 0) { ${addrOf(a, immS(st.insn))} ${offsetOf('tlbW')} ` +
    `if (off >= 0 && off < RS && (off & ${w - 1}) === 0 && PF[off >>> 12] === 0) { ` +
    `let k = (dl >>> 0) / ${w} - 1; const room = (4096 - (off & 4095)) / ${w}, nb = Math.floor((budget - n - LEN) / 3); ` +
    `if (k > room) k = room; if (k > nb) k = nb; ` +
    `if (k > 0) { const v = x[${V}]${w === 8 ? `, vh = x[${V + 1}]` : ''}; ${fillCode(w)} ` +
    `const a0 = x[${A}], lo = (a0 + k * ${w}) | 0, c = (lo >>> 0) < (a0 >>> 0) ? 1 : 0; ` +
    `x[${A}] = lo; x[${A + 1}] = (x[${A + 1}] + c) | 0; n += 3 * k; I += 3 * k; J.bulkSteps += 3 * k; } } } }`;
}
