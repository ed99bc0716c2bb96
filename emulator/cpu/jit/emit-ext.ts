// Emitters for the M, F and D instructions a kernel or a numeric loop runs hot: the 64-bit
// product written out, the other products and divisions as direct calls of int64.ts, and the
// F/D loads, stores, arithmetic and fused multiply-adds as direct calls of the FPU's functions
// with the register numbers and a static rounding mode as constants. The interpreter decodes
// those fields on every execution (fp.ts, fpu.ts); here they are decoded once, at compile time.
//
// Exactness: each emitter does what the interpreter's executor does, in the same order. Where the
// executor would trap (FS off, a reserved or invalid rounding mode) the code calls that executor
// (EXEC) after syncing pc and instret, so the trap is the interpreter's own. Names bound by
// block.ts for these: MULHU32, M64 (int64's functions: mulh64, mulhsu64, mulhu64, div64), R
// (int64's result pair), FP (the FPU's addD/addS/mulD/mulS/divD/divS/fmaD/fmaS/sgnjD/sgnjS).
import { addrOf, check, execHere, fall, immI, immS, offsetOf, rd, rs1, rs2, sync, type Emitter, type Slot } from './emit-base';

/** The interpreter's executor for this slot, with pc and instret synced (it traps, or does the whole instruction). */
const viaExec = (s: Slot, i: number) => `{ ${execHere(s, i)} }`;

/** Low 64 bits of the product: Math.imul for the low word, 16-bit limbs for the high one (int64.mul64). */
const mul: Emitter = (s) => {
  const d = 2 * rd(s.insn), a = 2 * rs1(s.insn), b = 2 * rs2(s.insn);
  if (d === 0) return fall('');
  return fall(`{ const al = x[${a}], bl = x[${b}]; const hi = (MULHU32(al, bl) + Math.imul(al, x[${b + 1}]) + Math.imul(x[${a + 1}], bl)) | 0; ` +
    `x[${d}] = Math.imul(al, bl); x[${d + 1}] = hi; }`);
};

/** A 64-bit operation of int64.ts that leaves its result in R. */
function op64(call: (a: number, b: number) => string): Emitter {
  return (s) => {
    const d = 2 * rd(s.insn), a = 2 * rs1(s.insn), b = 2 * rs2(s.insn);
    if (d === 0) return fall('');
    return fall(`{ ${call(a, b)}; x[${d}] = R[0]; x[${d + 1}] = R[1]; }`);
  };
}
const args = (a: number, b: number) => `x[${a}], x[${a + 1}], x[${b}], x[${b + 1}]`;

/** The rounding mode: a constant, or frm read at run time (DYN); undefined when reserved (5, 6: illegal). */
function roundingMode(insn: number): { decl: string; bad: string; rm: string } | undefined {
  const rm = (insn >>> 12) & 7;
  if (rm === 7) return { decl: 'const RM = h.f.frm; ', bad: ' || RM > 4', rm: 'RM' };
  if (rm > 4) return undefined;
  return { decl: '', bad: '', rm: String(rm) };
}

/** FP work that cannot touch memory: run if FS is on and the rounding mode valid, else the executor (which traps). */
function fpGuarded(s: Slot, i: number, bad: string, decl: string, work: string): string {
  return `{ ${decl}if (h.csr.fsOff()${bad}) ${viaExec(s, i)} else { ${work} h.csr.setFsDirty(); } }`;
}

/** OP-FP: add, sub, mul, div and the sign injections (fmv.d is fsgnj.d) of S and D; the rest by the executor. */
const opFp = (generic: Emitter): Emitter => (s, i) => {
  const insn = s.insn, fmt = (insn >>> 25) & 3, funct5 = insn >>> 27;
  if (fmt > 1) return generic(s, i);
  const D = fmt === 1 ? 'D' : 'S', r = `${rd(insn)}, ${rs1(insn)}, ${rs2(insn)}`;
  if (funct5 === 4) {
    const mode = (insn >>> 12) & 7;
    if (mode > 2) return generic(s, i);
    return fall(fpGuarded(s, i, '', '', `FP.sgnj${D}(h.f, ${r}, ${mode});`));
  }
  if (funct5 > 3) return generic(s, i);
  const m = roundingMode(insn);
  if (m === undefined) return generic(s, i);
  const call = funct5 <= 1 ? `FP.add${D}(h.f, ${r}, ${m.rm}, ${funct5 === 1})` : `FP.${funct5 === 2 ? 'mul' : 'div'}${D}(h.f, ${r}, ${m.rm})`;
  return fall(fpGuarded(s, i, m.bad, m.decl, `h.f.fflags |= ${call};`));
};

/** FMADD, FMSUB, FNMSUB, FNMADD of S and D. */
const fused = (generic: Emitter, negProduct: boolean, negAddend: boolean): Emitter => (s, i) => {
  const insn = s.insn, fmt = (insn >>> 25) & 3;
  const m = roundingMode(insn);
  if (fmt > 1 || m === undefined) return generic(s, i);
  const call = `FP.fma${fmt === 1 ? 'D' : 'S'}(h.f, ${rd(insn)}, ${rs1(insn)}, ${rs2(insn)}, ${insn >>> 27}, ${m.rm}, ${negProduct}, ${negAddend})`;
  return fall(fpGuarded(s, i, m.bad, m.decl, `h.f.fflags |= ${call};`));
};

/** FLD and FLW: the load fast path of emit.ts into f[rd] (FLW NaN-boxes), FS set dirty; pc and instret synced, and the checks made, on the slow paths only. */
function fpLoad(double: boolean): Emitter {
  return (s, i) => {
    const f = 2 * rd(s.insn);
    const put = (lo: string, hi: string) => `const F = h.f.i32; F[${f}] = ${lo}; F[${f + 1}] = ${hi}; h.csr.setFsDirty();`;
    const get = double
      ? `if ((off & 7) === 0 && off >= 0 && off < RS) { ${put('RAM32[off >> 2]', 'RAM32[(off >> 2) + 1]')} } ` +
        `else { ${sync(s, i)}h.ld(va); ${put('h.vlo', 'h.vhi')}${check(s, i)} }`
      : `if ((off & 3) === 0 && off >= 0 && off < RS) { ${put('RAM32[off >> 2]', '-1')} } ` +
        `else { ${sync(s, i)}const v = h.lw(va); ${put('v', '-1')}${check(s, i)} }`;
    return fall(`{ if (h.csr.fsOff()) ${viaExec(s, i)} else { ${addrOf(rs1(s.insn), immI(s.insn))} ${offsetOf('tlbR')} ${get} } }`);
  };
}

/** FSD and FSW: f[rs2]'s bits (FSW: the low word) through the store fast path. */
function fpStore(double: boolean): Emitter {
  return (s, i) => {
    const b = 2 * rs2(s.insn);
    const ram = double ? 'RAM32[off >> 2] = v; RAM32[(off >> 2) + 1] = vh;' : 'RAM32[off >> 2] = v;';
    const size = double ? 8 : 4;
    return fall(`{ if (h.csr.fsOff()) ${viaExec(s, i)} else { const F = h.f.i32; ${addrOf(rs1(s.insn), immS(s.insn))} ` +
      `const v = F[${b}]${double ? `, vh = F[${b + 1}]` : ''}; ${offsetOf('tlbW')} ` +
      `if ((off & ${size - 1}) === 0 && off >= 0 && off < RS) { ${ram} if (PF[off >>> 12] !== 0) { ${sync(s, i)}BUS.afterStore(off, ${size});${check(s, i)} } } ` +
      `else { ${sync(s, i)}h.${double ? 'sd(va, v, vh)' : 'sw(va, v)'};${check(s, i)} } } }`);
  };
}

/** The emitters of this file by instruction name; `generic` is the executor call for encodings they leave alone. */
export function extensionEmitters(generic: Emitter): Record<string, Emitter> {
  return {
    mul,
    mulh: op64((a, b) => `M64.mulh64(${args(a, b)})`),
    mulhsu: op64((a, b) => `M64.mulhsu64(${args(a, b)})`),
    mulhu: op64((a, b) => `M64.mulhu64(${args(a, b)})`),
    div: op64((a, b) => `M64.div64(${args(a, b)}, true, false)`),
    divu: op64((a, b) => `M64.div64(${args(a, b)}, false, false)`),
    rem: op64((a, b) => `M64.div64(${args(a, b)}, true, true)`),
    remu: op64((a, b) => `M64.div64(${args(a, b)}, false, true)`),
    fld: fpLoad(true),
    flw: fpLoad(false),
    fsd: fpStore(true),
    fsw: fpStore(false),
    'op-fp': opFp(generic),
    fmadd: fused(generic, false, false),
    fmsub: fused(generic, false, true),
    fnmsub: fused(generic, true, false),
    fnmadd: fused(generic, true, true),
  };
}
