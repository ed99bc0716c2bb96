// Register access for the debugger, by gdb's RISC-V numbers (target.ts): x0..x31, pc,
// f0..f31 (raw 64 bits), every CSR at 65 + csrno (read without side effects, written with
// the CSR's own WARL rules) and the virtual `priv` register (writable: changes privilege).
import { REG_CSR0, REG_F0, REG_PC, REG_PRIV, TargetError } from '../target';
import type { Hart } from '../cpu/hart';
import { hiOf, loOf } from '../cpu/csr';

const MASK64 = (1n << 64n) - 1n;

function pair(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** A 64-bit value held in a number (exact below 2^53), as the debugger sees it. */
export function pcToBig(pc: number): bigint {
  return pair(loOf(pc), hiOf(pc));
}

/** The hart's pc (hart.ts: a number relative to pcHi), or another value relative to it. */
export function hartPc(h: Hart, v = h.pc): bigint {
  h.pcWords(v);
  return pair(h.plo, h.phi);
}

export function readRegister(h: Hart, reg: number): bigint {
  if (reg >= 0 && reg < 32) return pair(h.x[2 * reg], h.x[2 * reg + 1]);
  if (reg === REG_PC) return hartPc(h);
  if (reg >= REG_F0 && reg < REG_F0 + 32) { const n = reg - REG_F0; return pair(h.f.i32[2 * n], h.f.i32[2 * n + 1]); }
  if (reg === REG_PRIV) return BigInt(h.priv);
  if (reg >= REG_CSR0 && reg < REG_CSR0 + 4096) {
    const n = reg - REG_CSR0;
    if (!h.csr.exists(n)) throw new TargetError(`no CSR 0x${n.toString(16)} on this hart`, 'bad-register');
    h.csr.read(n);
    return pair(h.csr.rlo, h.csr.rhi);
  }
  throw new TargetError(`no register number ${reg}`, 'bad-register');
}

export function writeRegister(h: Hart, reg: number, value: bigint): void {
  const v = value & MASK64;
  const lo = Number(v & 0xffffffffn) | 0, hi = Number(v >> 32n) | 0;
  if (reg >= 0 && reg < 32) { if (reg !== 0) { h.x[2 * reg] = lo; h.x[2 * reg + 1] = hi; } return; }
  if (reg === REG_PC) { h.setPcWords(lo, hi); h.flushFetch(); return; }
  if (reg >= REG_F0 && reg < REG_F0 + 32) { const n = reg - REG_F0; h.f.i32[2 * n] = lo; h.f.i32[2 * n + 1] = hi; return; }
  if (reg === REG_PRIV) {
    const p = Number(v);
    if (p !== 0 && p !== 1 && p !== 3) throw new TargetError(`privilege ${p} is not U (0), S (1) or M (3)`, 'bad-register');
    h.setPriv(p);
    return;
  }
  if (reg >= REG_CSR0 && reg < REG_CSR0 + 4096) {
    const n = reg - REG_CSR0;
    if (!h.csr.exists(n)) throw new TargetError(`no CSR 0x${n.toString(16)} on this hart`, 'bad-register');
    h.csr.write(n, lo, hi);
    h.yieldFlag = false;
    h.reschedule = false;
    return;
  }
  throw new TargetError(`no register number ${reg}`, 'bad-register');
}
