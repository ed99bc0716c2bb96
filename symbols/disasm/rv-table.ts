// RV64GC instruction table for the disassembler: (match, mask) pairs with an operand format,
// in priority order so that pseudo-instructions (li, mv, ret, j, beqz, csrr, fmv.d ...) come
// before the general form, as objdump prints them. Compressed instructions are expanded to
// their 32-bit equivalents (rv-compressed.ts) and decoded through this same table.
//
// Operand letters: d rd, s rs1, t rs2, D/S/T/R fp rd/rs1/rs2/rs3, j I-immediate, o I-imm(rs1),
// q S-imm(rs1), b branch target, a jal target, u U-immediate (hex), > 6-bit shamt, < 5-bit
// shamt, c CSR, Z CSR 5-bit immediate, m rounding mode (omitted when dynamic), A (rs1),
// P/Q fence predecessor/successor.

export interface OpEntry {
  name: string;
  fmt: string;
  match: number;
  mask: number;
  /** Extra condition beyond the mask (e.g. rs1 == rs2 for fmv). */
  when?: (w: number) => boolean;
}

const RD = 0xf80, RS1 = 0xf8000, RS2 = 0x1f00000, IMM = 0xfff00000 | 0, F3 = 0x7000, OPC = 0x7f;
const I = (op: number, f3: number) => (op | (f3 << 12)) >>> 0;
const R = (op: number, f3: number, f7: number) => (op | (f3 << 12) | (f7 << 25)) >>> 0;
const MI = (OPC | F3) >>> 0, MR = (OPC | F3 | 0xfe000000) >>> 0;
const u = (x: number) => x >>> 0;

export const TABLE: OpEntry[] = [];
/** Exact conversions (fcvt.d.w, fcvt.d.wu, fcvt.d.s) take no rounding mode: objdump accepts only rne (0) there. */
const exactRm = (w: number) => ((w >>> 12) & 7) === 0;
const add = (name: string, fmt: string, match: number, mask: number, when?: (w: number) => boolean) => TABLE.push({ name, fmt, match: u(match), mask: u(mask), when });

// --- RV64I ---
add('lui', 'd,u', 0x37, OPC);
add('auipc', 'd,u', 0x17, OPC);
add('j', 'a', 0x6f, OPC | RD);
add('jal', 'a', 0x6f | (1 << 7), OPC | RD);
add('jal', 'd,a', 0x6f, OPC);
add('ret', '', 0x00008067, 0xffffffff);
add('jr', 's', I(0x67, 0), MI | RD | IMM);
add('jr', 'o', I(0x67, 0), MI | RD);
add('jalr', 's', I(0x67, 0) | (1 << 7), MI | RD | IMM);
add('jalr', 'o', I(0x67, 0) | (1 << 7), MI | RD);
add('jalr', 'd,s', I(0x67, 0), MI | IMM);
add('jalr', 'd,o', I(0x67, 0), MI);
add('beqz', 's,b', I(0x63, 0), MI | RS2);
add('beq', 's,t,b', I(0x63, 0), MI);
add('bnez', 's,b', I(0x63, 1), MI | RS2);
add('bne', 's,t,b', I(0x63, 1), MI);
add('bltz', 's,b', I(0x63, 4), MI | RS2);
add('bgtz', 't,b', I(0x63, 4), MI | RS1);
add('blt', 's,t,b', I(0x63, 4), MI);
add('blez', 't,b', I(0x63, 5), MI | RS1);
add('bgez', 's,b', I(0x63, 5), MI | RS2);
add('bge', 's,t,b', I(0x63, 5), MI);
add('bltu', 's,t,b', I(0x63, 6), MI);
add('bgeu', 's,t,b', I(0x63, 7), MI);
['lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu'].forEach((n, f3) => add(n, 'd,o', I(0x03, f3), MI));
['sb', 'sh', 'sw', 'sd'].forEach((n, f3) => add(n, 't,q', I(0x23, f3), MI));
add('nop', '', 0x13, 0xffffffff);
add('li', 'd,j', I(0x13, 0), MI | RS1);
add('mv', 'd,s', I(0x13, 0), MI | IMM);
add('add', 'd,s,j', I(0x13, 0), MI);
add('slti', 'd,s,j', I(0x13, 2), MI);
add('seqz', 'd,s', I(0x13, 3) | (1 << 20), MI | IMM);
add('sltiu', 'd,s,j', I(0x13, 3), MI);
add('not', 'd,s', I(0x13, 4) | IMM, MI | IMM);
add('xor', 'd,s,j', I(0x13, 4), MI);
add('or', 'd,s,j', I(0x13, 6), MI);
add('zext.b', 'd,s', I(0x13, 7) | (255 << 20), MI | IMM);
add('and', 'd,s,j', I(0x13, 7), MI);
add('sll', 'd,s,>', I(0x13, 1), MI | 0xfc000000);
add('srl', 'd,s,>', I(0x13, 5), MI | 0xfc000000);
add('sra', 'd,s,>', I(0x13, 5) | 0x40000000, MI | 0xfc000000);
add('sext.w', 'd,s', I(0x1b, 0), MI | IMM);
add('addw', 'd,s,j', I(0x1b, 0), MI);
add('sllw', 'd,s,<', R(0x1b, 1, 0), MR);
add('srlw', 'd,s,<', R(0x1b, 5, 0), MR);
add('sraw', 'd,s,<', R(0x1b, 5, 0x20), MR);
add('add', 'd,s,t', R(0x33, 0, 0), MR);
add('neg', 'd,t', R(0x33, 0, 0x20), MR | RS1);
add('sub', 'd,s,t', R(0x33, 0, 0x20), MR);
add('sll', 'd,s,t', R(0x33, 1, 0), MR);
add('sltz', 'd,s', R(0x33, 2, 0), MR | RS2);
add('sgtz', 'd,t', R(0x33, 2, 0), MR | RS1);
add('slt', 'd,s,t', R(0x33, 2, 0), MR);
add('snez', 'd,t', R(0x33, 3, 0), MR | RS1);
add('sltu', 'd,s,t', R(0x33, 3, 0), MR);
add('xor', 'd,s,t', R(0x33, 4, 0), MR);
add('srl', 'd,s,t', R(0x33, 5, 0), MR);
add('sra', 'd,s,t', R(0x33, 5, 0x20), MR);
add('or', 'd,s,t', R(0x33, 6, 0), MR);
add('and', 'd,s,t', R(0x33, 7, 0), MR);
['mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu'].forEach((n, f3) => add(n, 'd,s,t', R(0x33, f3, 1), MR));
add('addw', 'd,s,t', R(0x3b, 0, 0), MR);
add('negw', 'd,t', R(0x3b, 0, 0x20), MR | RS1);
add('subw', 'd,s,t', R(0x3b, 0, 0x20), MR);
add('sllw', 'd,s,t', R(0x3b, 1, 0), MR);
add('srlw', 'd,s,t', R(0x3b, 5, 0), MR);
add('sraw', 'd,s,t', R(0x3b, 5, 0x20), MR);
[['mulw', 0], ['divw', 4], ['divuw', 5], ['remw', 6], ['remuw', 7]].forEach(([n, f3]) => add(n as string, 'd,s,t', R(0x3b, f3 as number, 1), MR));
add('fence.tso', '', 0x8330000f, 0xffffffff);
add('pause', '', 0x0100000f, 0xffffffff); // Zihintpause (fence w,0), as objdump names it
add('fence', '', 0x0ff0000f, 0xffffffff);
add('fence', 'P,Q', 0x0f, 0xf00fffff);
add('fence.i', '', 0x100f, 0xffffffff);
add('ecall', '', 0x73, 0xffffffff);
add('ebreak', '', 0x100073, 0xffffffff);
add('uret', '', 0x00200073, 0xffffffff);
add('sret', '', 0x10200073, 0xffffffff);
add('mret', '', 0x30200073, 0xffffffff);
add('dret', '', 0x7b200073, 0xffffffff);
add('wfi', '', 0x10500073, 0xffffffff);
add('sfence.vma', '', 0x12000073, 0xffffffff);
add('sfence.vma', 's', 0x12000073, 0xfff07fff);
add('sfence.vma', 's,t', 0x12000073, 0xfe007fff);
// --- Zicsr and its pseudo-instructions ---
add('unimp', '', 0xc0001073, 0xffffffff);
const CSR = (n: number) => u(n << 20), MCSR = 0xfff00000;
add('frcsr', 'd', I(0x73, 2) | CSR(3), MI | MCSR | RS1);
add('fscsr', 's', I(0x73, 1) | CSR(3), MI | MCSR | RD);
add('fscsr', 'd,s', I(0x73, 1) | CSR(3), MI | MCSR);
add('frrm', 'd', I(0x73, 2) | CSR(2), MI | MCSR | RS1);
add('fsrm', 's', I(0x73, 1) | CSR(2), MI | MCSR | RD);
add('fsrm', 'd,s', I(0x73, 1) | CSR(2), MI | MCSR);
add('fsrmi', 'd,Z', I(0x73, 5) | CSR(2), MI | MCSR);
add('frflags', 'd', I(0x73, 2) | CSR(1), MI | MCSR | RS1);
add('fsflags', 's', I(0x73, 1) | CSR(1), MI | MCSR | RD);
add('fsflags', 'd,s', I(0x73, 1) | CSR(1), MI | MCSR);
add('fsflagsi', 'd,Z', I(0x73, 5) | CSR(1), MI | MCSR);
add('rdcycle', 'd', I(0x73, 2) | CSR(0xc00), MI | MCSR | RS1);
add('rdtime', 'd', I(0x73, 2) | CSR(0xc01), MI | MCSR | RS1);
add('rdinstret', 'd', I(0x73, 2) | CSR(0xc02), MI | MCSR | RS1);
add('csrr', 'd,c', I(0x73, 2), MI | RS1);
add('csrw', 'c,s', I(0x73, 1), MI | RD);
add('csrs', 'c,s', I(0x73, 2), MI | RD);
add('csrc', 'c,s', I(0x73, 3), MI | RD);
add('csrw', 'c,Z', I(0x73, 5), MI | RD);
add('csrs', 'c,Z', I(0x73, 6), MI | RD);
add('csrc', 'c,Z', I(0x73, 7), MI | RD);
add('csrrw', 'd,c,s', I(0x73, 1), MI);
add('csrrs', 'd,c,s', I(0x73, 2), MI);
add('csrrc', 'd,c,s', I(0x73, 3), MI);
add('csrrw', 'd,c,Z', I(0x73, 5), MI);
add('csrrs', 'd,c,Z', I(0x73, 6), MI);
add('csrrc', 'd,c,Z', I(0x73, 7), MI);
// --- A ---
const AMO: Array<[string, number]> = [['amoadd', 0x00], ['amoswap', 0x01], ['amoxor', 0x04], ['amoor', 0x08], ['amoand', 0x0c], ['amomin', 0x10], ['amomax', 0x14], ['amominu', 0x18], ['amomaxu', 0x1c]];
for (const [sz, f3] of [['w', 2], ['d', 3]] as Array<[string, number]>) {
  for (const [ord, bits] of [['', 0], ['.aq', 2], ['.rl', 1], ['.aqrl', 3]] as Array<[string, number]>) {
    const base = I(0x2f, f3) | (bits << 25);
    add(`lr.${sz}${ord}`, 'd,A', base | (0x02 << 27), MI | 0xfe000000 | RS2);
    add(`sc.${sz}${ord}`, 'd,t,A', base | (0x03 << 27), MI | 0xfe000000);
    for (const [n, f5] of AMO) add(`${n}.${sz}${ord}`, 'd,t,A', base | (f5 << 27), MI | 0xfe000000);
  }
}
// --- F and D ---
add('flw', 'D,o', I(0x07, 2), MI);
add('fld', 'D,o', I(0x07, 3), MI);
add('fsw', 'T,q', I(0x27, 2), MI);
add('fsd', 'T,q', I(0x27, 3), MI);
const MFMT = (OPC | 0x06000000) >>> 0;
for (const [sfx, fmt] of [['s', 0], ['d', 1]] as Array<[string, number]>) {
  add(`fmadd.${sfx}`, 'D,S,T,R,m', 0x43 | (fmt << 25), MFMT);
  add(`fmsub.${sfx}`, 'D,S,T,R,m', 0x47 | (fmt << 25), MFMT);
  add(`fnmsub.${sfx}`, 'D,S,T,R,m', 0x4b | (fmt << 25), MFMT);
  add(`fnmadd.${sfx}`, 'D,S,T,R,m', 0x4f | (fmt << 25), MFMT);
  const F7 = (f5: number) => u(0x53 | ((f5 << 2) | fmt) << 25);
  const M7 = u(OPC | 0xfe000000), M7F3 = u(M7 | F3), M7RS2 = u(M7 | RS2), M7F3RS2 = u(M7F3 | RS2);
  add(`fadd.${sfx}`, 'D,S,T,m', F7(0x00), M7);
  add(`fsub.${sfx}`, 'D,S,T,m', F7(0x01), M7);
  add(`fmul.${sfx}`, 'D,S,T,m', F7(0x02), M7);
  add(`fdiv.${sfx}`, 'D,S,T,m', F7(0x03), M7);
  add(`fsqrt.${sfx}`, 'D,S,m', F7(0x0b), M7RS2);
  const same = (w: number) => ((w >>> 15) & 31) === ((w >>> 20) & 31);
  add(`fmv.${sfx}`, 'D,S', F7(0x04), M7F3, same);
  add(`fsgnj.${sfx}`, 'D,S,T', F7(0x04), M7F3);
  add(`fneg.${sfx}`, 'D,S', F7(0x04) | (1 << 12), M7F3, same);
  add(`fsgnjn.${sfx}`, 'D,S,T', F7(0x04) | (1 << 12), M7F3);
  add(`fabs.${sfx}`, 'D,S', F7(0x04) | (2 << 12), M7F3, same);
  add(`fsgnjx.${sfx}`, 'D,S,T', F7(0x04) | (2 << 12), M7F3);
  add(`fmin.${sfx}`, 'D,S,T', F7(0x05), M7F3);
  add(`fmax.${sfx}`, 'D,S,T', F7(0x05) | (1 << 12), M7F3);
  add(`feq.${sfx}`, 'd,S,T', F7(0x14) | (2 << 12), M7F3);
  add(`flt.${sfx}`, 'd,S,T', F7(0x14) | (1 << 12), M7F3);
  add(`fle.${sfx}`, 'd,S,T', F7(0x14), M7F3);
  add(`fclass.${sfx}`, 'd,S', F7(0x1c) | (1 << 12), M7F3RS2);
  add(`fmv.x.${sfx === 's' ? 'w' : 'd'}`, 'd,S', F7(0x1c), M7F3RS2);
  add(`fmv.${sfx === 's' ? 'w' : 'd'}.x`, 'D,s', F7(0x1e), M7F3RS2);
  ['w', 'wu', 'l', 'lu'].forEach((it, k) => {
    add(`fcvt.${it}.${sfx}`, 'd,S,m', F7(0x18) | (k << 20), M7RS2);
    const exact = sfx === 'd' && k < 2;
    add(`fcvt.${sfx}.${it}`, exact ? 'D,s' : 'D,s,m', F7(0x1a) | (k << 20), M7RS2, exact ? exactRm : undefined);
  });
}
add('fcvt.s.d', 'D,S,m', u(0x53 | (0x20 << 25) | (1 << 20)), u(OPC | 0xfe000000 | RS2));
add('fcvt.d.s', 'D,S', u(0x53 | (0x21 << 25)), u(OPC | 0xfe000000 | RS2), exactRm);
