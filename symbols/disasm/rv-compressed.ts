// Expansion of RV64C 16-bit instructions to their 32-bit equivalents (RISC-V unprivileged
// spec, chapter "C" standard extension), so one table decodes both. Returns undefined for
// encodings that are reserved or illegal.

const b = (h: number, hi: number, lo: number) => (h >>> lo) & ((1 << (hi - lo + 1)) - 1);
const sext = (v: number, bits: number) => (v << (32 - bits)) >> (32 - bits);
const encI = (op: number, f3: number, rd: number, rs1: number, imm: number) => ((imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op) >>> 0;
const encS = (op: number, f3: number, rs1: number, rs2: number, imm: number) => (((imm >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (imm & 31) << 7 | op) >>> 0;
const encR = (op: number, f3: number, f7: number, rd: number, rs1: number, rs2: number) => (f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op) >>> 0;
const encB = (f3: number, rs1: number, rs2: number, off: number) =>
  ((((off >> 12) & 1) << 31) | (((off >> 5) & 0x3f) << 25) | rs2 << 20 | rs1 << 15 | f3 << 12 | (((off >> 1) & 0xf) << 8) | (((off >> 11) & 1) << 7) | 0x63) >>> 0;
const encJ = (rd: number, off: number) =>
  ((((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20) | (((off >> 12) & 0xff) << 12) | rd << 7 | 0x6f) >>> 0;

export interface Expanded {
  word: number;
  /** Whether objdump prints a computed-address comment for this compressed form (c.addi, c.addiw). */
  addrComment: boolean;
  /** HINT encodings objdump prints under their compressed names (c.mv zero,a0; c.slli64 a0). */
  hint?: { mnemonic: string; operands: number[]; shamt?: number; imm?: string };
  /** c.addi with a zero immediate prints as `add rd,rd,0`, not `mv`. */
  noMv?: boolean;
}

export function expandCompressed(h: number): Expanded | undefined {
  const q = h & 3, f3 = h >>> 13;
  const rdp = b(h, 4, 2) + 8, rs1p = b(h, 9, 7) + 8;
  const rd = b(h, 11, 7), rs2 = b(h, 6, 2);
  const ci = sext((b(h, 12, 12) << 5) | b(h, 6, 2), 6);
  const no = (word: number): Expanded => ({ word, addrComment: false });
  if (q === 0) {
    const ld8 = (b(h, 12, 10) << 3) | (b(h, 6, 5) << 6);
    const ld4 = (b(h, 12, 10) << 3) | (b(h, 6, 6) << 2) | (b(h, 5, 5) << 6);
    switch (f3) {
      case 0: {
        const imm = (b(h, 12, 11) << 4) | (b(h, 10, 7) << 6) | (b(h, 6, 6) << 2) | (b(h, 5, 5) << 3);
        if (imm === 0) return undefined;
        return no(encI(0x13, 0, rdp, 2, imm));
      }
      case 1: return no(encI(0x07, 3, rdp, rs1p, ld8));
      case 2: return no(encI(0x03, 2, rdp, rs1p, ld4));
      case 3: return no(encI(0x03, 3, rdp, rs1p, ld8));
      case 5: return no(encS(0x27, 3, rs1p, rdp, ld8));
      case 6: return no(encS(0x23, 2, rs1p, rdp, ld4));
      case 7: return no(encS(0x23, 3, rs1p, rdp, ld8));
      default: return undefined;
    }
  }
  if (q === 1) {
    switch (f3) {
      case 0:
        if (rd === 0) return ci === 0 ? no(0x13) : { word: 0, addrComment: false, hint: { mnemonic: 'c.nop', operands: [], imm: String(ci) } };
        return { word: encI(0x13, 0, rd, rd, ci), addrComment: true, noMv: ci === 0 };
      case 1: if (rd === 0) return undefined; return { word: encI(0x1b, 0, rd, rd, ci), addrComment: true };
      case 2:
        if (rd === 0) return { word: 0, addrComment: false, hint: { mnemonic: 'c.li', operands: [0], imm: String(ci) } };
        return no(encI(0x13, 0, rd, 0, ci));
      case 3: {
        if (rd === 2) {
          const imm = sext((b(h, 12, 12) << 9) | (b(h, 6, 6) << 4) | (b(h, 5, 5) << 6) | (b(h, 4, 3) << 7) | (b(h, 2, 2) << 5), 10);
          if (imm === 0) return undefined;
          return no(encI(0x13, 0, 2, 2, imm));
        }
        if (ci === 0) return undefined;
        if (rd === 0) return { word: 0, addrComment: false, hint: { mnemonic: 'c.lui', operands: [0], imm: '0x' + (ci & 0xfffff).toString(16) } };
        return no((((ci << 12) & 0xfffff000) | (rd << 7) | 0x37) >>> 0);
      }
      case 4: {
        const f2 = b(h, 11, 10);
        const sh = (b(h, 12, 12) << 5) | b(h, 6, 2);
        if (f2 < 2 && sh === 0) return { word: 0, addrComment: false, hint: { mnemonic: f2 === 0 ? 'c.srli64' : 'c.srai64', operands: [rs1p] } };
        if (f2 === 0) return no(encI(0x13, 5, rs1p, rs1p, sh));
        if (f2 === 1) return no(encI(0x13, 5, rs1p, rs1p, sh | 0x400));
        if (f2 === 2) return no(encI(0x13, 7, rs1p, rs1p, ci));
        const op = b(h, 6, 5);
        if (!b(h, 12, 12)) {
          const [f3r, f7] = [[0, 0x20], [4, 0], [6, 0], [7, 0]][op];
          return no(encR(0x33, f3r, f7, rs1p, rs1p, rdp));
        }
        if (op === 0) return no(encR(0x3b, 0, 0x20, rs1p, rs1p, rdp));
        if (op === 1) return no(encR(0x3b, 0, 0, rs1p, rs1p, rdp));
        return undefined;
      }
      case 5: {
        const off = sext((b(h, 12, 12) << 11) | (b(h, 11, 11) << 4) | (b(h, 10, 9) << 8) | (b(h, 8, 8) << 10) | (b(h, 7, 7) << 6) | (b(h, 6, 6) << 7) | (b(h, 5, 3) << 1) | (b(h, 2, 2) << 5), 12);
        return no(encJ(0, off));
      }
      default: {
        const off = sext((b(h, 12, 12) << 8) | (b(h, 11, 10) << 3) | (b(h, 6, 5) << 6) | (b(h, 4, 3) << 1) | (b(h, 2, 2) << 5), 9);
        return no(encB(f3 === 6 ? 0 : 1, rs1p, 0, off));
      }
    }
  }
  if (q === 2) {
    const ldsp8 = (b(h, 12, 12) << 5) | (b(h, 6, 5) << 3) | (b(h, 4, 2) << 6);
    const ldsp4 = (b(h, 12, 12) << 5) | (b(h, 6, 4) << 2) | (b(h, 3, 2) << 6);
    const sdsp8 = (b(h, 12, 10) << 3) | (b(h, 9, 7) << 6);
    const sdsp4 = (b(h, 12, 9) << 2) | (b(h, 8, 7) << 6);
    switch (f3) {
      case 0: {
        const sh = (b(h, 12, 12) << 5) | rs2;
        if (sh === 0) return { word: 0, addrComment: false, hint: { mnemonic: 'c.slli64', operands: [rd] } };
        if (rd === 0) return { word: 0, addrComment: false, hint: { mnemonic: 'c.slli', operands: [0], shamt: sh } };
        return no(encI(0x13, 1, rd, rd, sh));
      }
      case 1: return no(encI(0x07, 3, rd, 2, ldsp8));
      case 2: if (rd === 0) return undefined; return no(encI(0x03, 2, rd, 2, ldsp4));
      case 3: if (rd === 0) return undefined; return no(encI(0x03, 3, rd, 2, ldsp8));
      case 4:
        if (!b(h, 12, 12)) {
          if (rs2 === 0) return rd === 0 ? undefined : no(encI(0x67, 0, 0, rd, 0));
          if (rd === 0) return { word: 0, addrComment: false, hint: { mnemonic: 'c.mv', operands: [0, rs2] } };
          return no(encI(0x13, 0, rd, rs2, 0)); // c.mv prints as mv
        }
        if (rd === 0 && rs2 === 0) return no(0x00100073);
        if (rs2 === 0) return no(encI(0x67, 0, 1, rd, 0));
        if (rd === 0) return { word: 0, addrComment: false, hint: { mnemonic: 'c.add', operands: [0, rs2] } };
        return no(encR(0x33, 0, 0, rd, rd, rs2));
      case 5: return no(encS(0x27, 3, 2, rs2, sdsp8));
      case 6: return no(encS(0x23, 2, 2, rs2, sdsp4));
      default: return no(encS(0x23, 3, 2, rs2, sdsp8));
    }
  }
  return undefined;
}
