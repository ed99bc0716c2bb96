// JavaScript source for one guest instruction inside a translated block. Every emitter
// reproduces the interpreter's semantics (rv64i.ts and the other groups) on constant register
// indexes; anything not written out here calls the interpreter's own executor (EXEC), with
// pc, nextPc and instret set as the interpreter's loop would have them.
//
// Names the generated code may use (bound by block.ts): h (the Hart), x (h.x), pc0 (virtual
// pc of the block's first instruction), n (steps before this pass), budget, I (h.instret at
// the start of this pass), J (the translator: J.epoch changes when compiled code is
// invalidated), E (J.epoch at entry), EP/EK (the exit's pc and instructions, set before `break
// B` to the epilogue), EXEC, LEN (instructions of one pass), the helpers of runtime.ts (lt,
// ltu), and for the memory fast paths RB and RS (RAM's base and size), RAM8/RAM16/RAM32 (its
// views), PF (the bus's page flags), BUS, VM/CTX (h.dataVm, h.dataCtx) and the TLB arrays
// TRT/TRP/TWT/TWP. Registers are written `x[K]` (K constant) and become locals (emit-base.ts).

import { addrOf, backEdge, callEnd, check, execHere, exitAt, exitTo, fall, immB, immI, immJ, immS, immU, offsetOf, rd, rs1, rs2, sync, type Emitted, type Emitter, type Slot } from './emit-base';
import { extensionEmitters } from './emit-ext';

export { exitAt, type Emitted, type Slot } from './emit-base';

/** Writes a 32-bit value expression sign-extended (nothing for x0). */
function setW(d: number, v: string): string {
  if (d === 0) return '';
  return `{ const v = ${v}; x[${2 * d}] = v; x[${2 * d + 1}] = v >> 31; }`;
}

/** Writes the value of a pc-relative double expression (a link, auipc), as setPcRel with pcHi 0. */
function setPcRel(d: number, v: string): string {
  if (d === 0) return '';
  return `{ const v = ${v}, hi = Math.floor(v / 4294967296); x[${2 * d}] = (v - hi * 4294967296) | 0; x[${2 * d + 1}] = hi | 0; }`;
}

/** The shifts of rv64i.ts: x[d] = (hi:lo) shifted by a constant or by a run-time amount (0..63). */
function shift(kind: 'sll' | 'srl' | 'sra', d: number, lo: string, hi: string, sh: number | string): string {
  const k = typeof sh === 'number' ? String(sh) : 'S';
  const inv = typeof sh === 'number' ? String(32 - sh) : '(32 - S)';
  const over = typeof sh === 'number' ? String(sh - 32) : '(S - 32)';
  const lt32 = kind === 'sll' ? `x[${d + 1}] = (H << ${k}) | (L >>> ${inv}); x[${d}] = L << ${k};`
    : `x[${d}] = (L >>> ${k}) | (H << ${inv}); x[${d + 1}] = H ${kind === 'srl' ? '>>>' : '>>'} ${k};`;
  const ge32 = kind === 'sll' ? `x[${d + 1}] = L << ${over}; x[${d}] = 0;`
    : kind === 'srl' ? `x[${d}] = H >>> ${over}; x[${d + 1}] = 0;` : `x[${d}] = H >> ${over}; x[${d + 1}] = H >> 31;`;
  const same = `x[${d}] = L; x[${d + 1}] = H;`;
  const head = `const L = ${lo}, H = ${hi};`;
  if (typeof sh === 'number') return `{ ${head} ${sh === 0 ? same : sh < 32 ? lt32 : ge32} }`;
  return `{ ${head} const S = ${sh}; if (S === 0) { ${same} } else if (S < 32) { ${lt32} } else { ${ge32} } }`;
}

function branch(cond: (a: number, b: number) => string): Emitter {
  return (s, i) => {
    const a = 2 * rs1(s.insn), b = 2 * rs2(s.insn), t = s.off + immB(s.insn);
    return fall(`if (${cond(a, b)}) ${t === 0 ? backEdge(i + 1) : exitAt(t, i + 1)}`);
  };
}

/** Load fast path: RAM through the typed arrays, anything else (miss, MMIO, misaligned) by the hart's method. */
const LOADS: Record<string, { size: number; ram: string; method: string }> = {
  lbu: { size: 1, ram: 'RAM8[off]', method: 'lbu' },
  lhu: { size: 2, ram: 'RAM16[off >> 1]', method: 'lhu' },
  lw: { size: 4, ram: 'RAM32[off >> 2]', method: 'lw' },
};

function load(kind: string, result: (d: number) => string): Emitter {
  return (s, i) => {
    const d = 2 * rd(s.insn);
    const a = `${addrOf(rs1(s.insn), immI(s.insn))} ${offsetOf('tlbR')} `;
    const inRam = (size: number) => `${size > 1 ? `(off & ${size - 1}) === 0 && ` : ''}off >= 0 && off < RS`;
    const res = d === 0 ? '' : result(d);
    // pc and instret are synced, and the yield/epoch check made, only on the way to the hart's
    // method (which may trap or reach a device): a read of RAM can do neither
    let body: string;
    if (kind === 'ld') {
      body = `${a}if (${inRam(8)}) { const vlo = RAM32[off >> 2], vhi = RAM32[(off >> 2) + 1]; ${res} } ` +
        `else { ${sync(s, i)}h.ld(va); const vlo = h.vlo, vhi = h.vhi; ${res}${check(s, i)} }`;
    } else {
      const l = LOADS[kind];
      body = `${a}if (${inRam(l.size)}) { const v = ${l.ram}; ${res} } else { ${sync(s, i)}const v = h.${l.method}(va); ${res}${check(s, i)} }`;
    }
    return fall(`{ ${body} }`);
  };
}

const STORES: Record<string, { size: number; ram: string }> = {
  sb: { size: 1, ram: 'RAM8[off] = v;' },
  sh: { size: 2, ram: 'RAM16[off >> 1] = v;' },
  sw: { size: 4, ram: 'RAM32[off >> 2] = v;' },
  sd: { size: 8, ram: 'RAM32[off >> 2] = v; RAM32[(off >> 2) + 1] = vh;' },
};

/**
 * Store fast path as Hart.sb..sd: RAM, then the bus's look at flagged pages (code, reservations,
 * HTIF); pc and instret synced only before the bus's look or the hart's method.
 */
function store(kind: string): Emitter {
  return (s, i) => {
    const b = 2 * rs2(s.insn);
    const st = STORES[kind];
    const args = kind === 'sd' ? 'va, v, vh' : 'va, v';
    const body = `${addrOf(rs1(s.insn), immS(s.insn))} const v = x[${b}]${kind === 'sd' ? `, vh = x[${b + 1}]` : ''}; ${offsetOf('tlbW')} ` +
      `if (${st.size > 1 ? `(off & ${st.size - 1}) === 0 && ` : ''}off >= 0 && off < RS) { ${st.ram} if (PF[off >>> 12] !== 0) { ${sync(s, i)}BUS.afterStore(off, ${st.size});${check(s, i)} } } ` +
      `else { ${sync(s, i)}h.${kind}(${args});${check(s, i)} }`;
    return fall(`{ ${body} }`);
  };
}

/** A pure register operation: dst is 2*rd (never 0 here), a = 2*rs1, b = 2*rs2, m = immI. */
function alu(body: (d: number, a: number, b: number, m: number, insn: number) => string): Emitter {
  return (s) => {
    const d = 2 * rd(s.insn);
    if (d === 0) return fall('');
    return fall(`{ ${body(d, 2 * rs1(s.insn), 2 * rs2(s.insn), immI(s.insn), s.insn)} }`);
  };
}

const shamt = (insn: number) => (insn >> 20) & 63;

const EMITTERS: Record<string, Emitter> = {
  lui: (s) => fall(setW(rd(s.insn), String(immU(s.insn)))),
  auipc: (s) => fall(setPcRel(rd(s.insn), `pc0 + ${s.off + immU(s.insn)}`)),
  jal: (s, i) => {
    const t = s.off + immJ(s.insn);
    if (s.follow === true) return fall(setPcRel(rd(s.insn), `pc0 + ${s.off + s.len}`));
    return { code: `${setPcRel(rd(s.insn), `pc0 + ${s.off + s.len}`)} ${t === 0 ? backEdge(i + 1) : exitAt(t, i + 1)}`, ends: true };
  },
  jalr: (s, i) => {
    const a = 2 * rs1(s.insn), m = immI(s.insn), d = rd(s.insn);
    const code = `{ const alo = x[${a}], lo = (alo + ${m}) | 0; ` +
      `const hi = (x[${a + 1}] + ${m >> 31} + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0; ` +
      `if (((hi + 0x100000) >>> 21) === 0) { const t = hi * 4294967296 + ((lo & ~1) >>> 0); ` +
      `${setPcRel(d, `pc0 + ${s.off + s.len}`)} ${exitTo('t', i + 1)} } ` +
      `${callEnd(s, i)} }`;
    return { code, ends: true };
  },

  beq: branch((a, b) => `x[${a}] === x[${b}] && x[${a + 1}] === x[${b + 1}]`),
  bne: branch((a, b) => `x[${a}] !== x[${b}] || x[${a + 1}] !== x[${b + 1}]`),
  blt: branch((a, b) => `lt(x[${a + 1}], x[${a}], x[${b + 1}], x[${b}])`),
  bge: branch((a, b) => `!lt(x[${a + 1}], x[${a}], x[${b + 1}], x[${b}])`),
  bltu: branch((a, b) => `ltu(x[${a + 1}], x[${a}], x[${b + 1}], x[${b}])`),
  bgeu: branch((a, b) => `!ltu(x[${a + 1}], x[${a}], x[${b + 1}], x[${b}])`),

  lb: load('lbu', (d) => `const w = (v << 24) >> 24; x[${d}] = w; x[${d + 1}] = w >> 31;`),
  lh: load('lhu', (d) => `const w = (v << 16) >> 16; x[${d}] = w; x[${d + 1}] = w >> 31;`),
  lw: load('lw', (d) => `x[${d}] = v; x[${d + 1}] = v >> 31;`),
  ld: load('ld', (d) => `x[${d}] = vlo; x[${d + 1}] = vhi;`),
  lbu: load('lbu', (d) => `x[${d}] = v; x[${d + 1}] = 0;`),
  lhu: load('lhu', (d) => `x[${d}] = v; x[${d + 1}] = 0;`),
  lwu: load('lw', (d) => `x[${d}] = v; x[${d + 1}] = 0;`),
  sb: store('sb'),
  sh: store('sh'),
  sw: store('sw'),
  sd: store('sd'),

  addi: alu((d, a, _b, m) => `const al = x[${a}], l = (al + ${m}) | 0; x[${d + 1}] = (x[${a + 1}] + ${m >> 31} + ((l >>> 0) < (al >>> 0) ? 1 : 0)) | 0; x[${d}] = l;`),
  slti: alu((d, a, _b, m) => `x[${d}] = lt(x[${a + 1}], x[${a}], ${m >> 31}, ${m}) ? 1 : 0; x[${d + 1}] = 0;`),
  sltiu: alu((d, a, _b, m) => `x[${d}] = ltu(x[${a + 1}], x[${a}], ${m >> 31}, ${m}) ? 1 : 0; x[${d + 1}] = 0;`),
  xori: alu((d, a, _b, m) => `x[${d}] = x[${a}] ^ ${m}; x[${d + 1}] = x[${a + 1}] ^ ${m >> 31};`),
  ori: alu((d, a, _b, m) => `x[${d}] = x[${a}] | ${m}; x[${d + 1}] = x[${a + 1}] | ${m >> 31};`),
  andi: alu((d, a, _b, m) => `x[${d}] = x[${a}] & ${m}; x[${d + 1}] = x[${a + 1}] & ${m >> 31};`),
  slli: alu((d, a, _b, _m, insn) => shift('sll', d, `x[${a}]`, `x[${a + 1}]`, shamt(insn))),
  srli: alu((d, a, _b, _m, insn) => shift('srl', d, `x[${a}]`, `x[${a + 1}]`, shamt(insn))),
  srai: alu((d, a, _b, _m, insn) => shift('sra', d, `x[${a}]`, `x[${a + 1}]`, shamt(insn))),

  add: alu((d, a, b) => `const al = x[${a}], l = (al + x[${b}]) | 0; x[${d + 1}] = (x[${a + 1}] + x[${b + 1}] + ((l >>> 0) < (al >>> 0) ? 1 : 0)) | 0; x[${d}] = l;`),
  sub: alu((d, a, b) => `const al = x[${a}], bl = x[${b}], l = (al - bl) | 0; x[${d + 1}] = (x[${a + 1}] - x[${b + 1}] - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; x[${d}] = l;`),
  sll: alu((d, a, b) => shift('sll', d, `x[${a}]`, `x[${a + 1}]`, `x[${b}] & 63`)),
  slt: alu((d, a, b) => `x[${d}] = lt(x[${a + 1}], x[${a}], x[${b + 1}], x[${b}]) ? 1 : 0; x[${d + 1}] = 0;`),
  sltu: alu((d, a, b) => `x[${d}] = ltu(x[${a + 1}], x[${a}], x[${b + 1}], x[${b}]) ? 1 : 0; x[${d + 1}] = 0;`),
  xor: alu((d, a, b) => `x[${d}] = x[${a}] ^ x[${b}]; x[${d + 1}] = x[${a + 1}] ^ x[${b + 1}];`),
  srl: alu((d, a, b) => shift('srl', d, `x[${a}]`, `x[${a + 1}]`, `x[${b}] & 63`)),
  sra: alu((d, a, b) => shift('sra', d, `x[${a}]`, `x[${a + 1}]`, `x[${b}] & 63`)),
  or: alu((d, a, b) => `x[${d}] = x[${a}] | x[${b}]; x[${d + 1}] = x[${a + 1}] | x[${b + 1}];`),
  and: alu((d, a, b) => `x[${d}] = x[${a}] & x[${b}]; x[${d + 1}] = x[${a + 1}] & x[${b + 1}];`),

  addiw: alu((d, a, _b, m) => `const v = (x[${a}] + ${m}) | 0; x[${d}] = v; x[${d + 1}] = v >> 31;`),
  slliw: alu((d, a, _b, _m, insn) => `const v = x[${a}] << ${(insn >> 20) & 31}; x[${d}] = v; x[${d + 1}] = v >> 31;`),
  srliw: alu((d, a, _b, _m, insn) => `const v = (x[${a}] >>> ${(insn >> 20) & 31}) | 0; x[${d}] = v; x[${d + 1}] = v >> 31;`),
  sraiw: alu((d, a, _b, _m, insn) => `const v = x[${a}] >> ${(insn >> 20) & 31}; x[${d}] = v; x[${d + 1}] = v >> 31;`),
  addw: alu((d, a, b) => `const v = (x[${a}] + x[${b}]) | 0; x[${d}] = v; x[${d + 1}] = v >> 31;`),
  subw: alu((d, a, b) => `const v = (x[${a}] - x[${b}]) | 0; x[${d}] = v; x[${d + 1}] = v >> 31;`),
  sllw: alu((d, a, b) => `const v = x[${a}] << (x[${b}] & 31); x[${d}] = v; x[${d + 1}] = v >> 31;`),
  srlw: alu((d, a, b) => `const v = (x[${a}] >>> (x[${b}] & 31)) | 0; x[${d}] = v; x[${d + 1}] = v >> 31;`),
  sraw: alu((d, a, b) => `const v = x[${a}] >> (x[${b}] & 31); x[${d}] = v; x[${d + 1}] = v >> 31;`),
  mulw: alu((d, a, b) => `const v = Math.imul(x[${a}], x[${b}]); x[${d}] = v; x[${d + 1}] = v >> 31;`),
  // the W divisions as rv64m.ts: by zero and the one overflow case as the ISA says
  divw: alu((d, a, b) => `const p = x[${a}], q = x[${b}], v = q === 0 ? -1 : (p === -0x80000000 && q === -1) ? p : (p / q) | 0; x[${d}] = v; x[${d + 1}] = v >> 31;`),
  divuw: alu((d, a, b) => `const p = x[${a}] >>> 0, q = x[${b}] >>> 0, v = q === 0 ? -1 : Math.floor(p / q) | 0; x[${d}] = v; x[${d + 1}] = v >> 31;`),
  remw: alu((d, a, b) => `const p = x[${a}], q = x[${b}], v = q === 0 ? p : (p === -0x80000000 && q === -1) ? 0 : (p % q) | 0; x[${d}] = v; x[${d + 1}] = v >> 31;`),
  remuw: alu((d, a, b) => `const p = x[${a}] >>> 0, q = x[${b}] >>> 0, v = q === 0 ? p | 0 : (p % q) | 0; x[${d}] = v; x[${d + 1}] = v >> 31;`),

  fence: () => fall(''),
};

/** satp: its writes change the fetch translation, so a CSR instruction naming it ends the block. */
const CSR_SATP = 0x180;

/**
 * Zicsr: the executor, and the block goes on unless the hart must yield (an interrupt pending,
 * a timer moved: the executor sets yieldFlag) or the data translation the block read at its
 * entry (VM, CTX: MPRV, SUM, MXR) changed. Kernels read and write sstatus around every lock.
 */
const csr: Emitter = (s, i) => {
  if ((s.insn >>> 20) === CSR_SATP) return { code: callEnd(s, i), ends: true };
  return fall(`{ ${execHere(s, i)} if (h.yieldFlag || J.epoch !== E || h.dataVm !== VM || h.dataCtx !== CTX) ${exitAt(s.off + s.len, i + 1)} }`);
};
for (const name of ['csrrw', 'csrrs', 'csrrc', 'csrrwi', 'csrrsi', 'csrrci']) EMITTERS[name] = csr;

/** Executors that may trap or touch memory but never change control flow or translation. */
const MEMORY_CALLS = new Set([
  'lr.w', 'lr.d', 'sc.w', 'sc.d', 'flw', 'fld', 'fsw', 'fsd', 'op-fp', 'fmadd', 'fmsub', 'fnmsub', 'fnmadd',
]);

/** The executor where the block stands, then the checks after a call that may touch memory. */
const memoryCall: Emitter = (s, i) => fall(`{ ${execHere(s, i)}${check(s, i)} }`);

Object.assign(EMITTERS, extensionEmitters(memoryCall));

/** The source of instruction number i of a pass. */
export function emit(s: Slot, i: number): Emitted {
  const e = EMITTERS[s.name];
  if (e !== undefined) return e(s, i);
  if (MEMORY_CALLS.has(s.name) || s.name.startsWith('amo')) return memoryCall(s, i);
  // System instructions, fences with effects, illegal: run, then leave at the pc they chose.
  return { code: callEnd(s, i), ends: true };
}
