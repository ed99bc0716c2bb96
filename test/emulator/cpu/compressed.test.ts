// The C extension's expansions checked against the assembler: each compressed instruction is
// assembled next to the 32-bit instruction the spec says it stands for, and
// expandCompressed() must give exactly the assembler's 32-bit encoding. Reserved encodings
// (spec chapter 16) must expand to 0 (illegal).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, CROSS } from '../../support/toolchain';
import { expandCompressed } from '../../../emulator/cpu/compressed';

// [compressed, expanded] in assembler syntax; offsets as `.+n` so both encode the same distance.
const PAIRS: [string, string][] = [
  ['c.addi4spn a0, sp, 1020', 'addi a0, sp, 1020'],
  ['c.addi4spn s1, sp, 4', 'addi s1, sp, 4'],
  ['c.fld fa0, 248(a5)', 'fld fa0, 248(a5)'],
  ['c.lw a2, 124(a3)', 'lw a2, 124(a3)'],
  ['c.lw s0, 4(s1)', 'lw s0, 4(s1)'],
  ['c.ld a4, 248(a5)', 'ld a4, 248(a5)'],
  ['c.fsd fs1, 8(a0)', 'fsd fs1, 8(a0)'],
  ['c.sw a2, 64(a3)', 'sw a2, 64(a3)'],
  ['c.sd a4, 136(a5)', 'sd a4, 136(a5)'],
  ['c.nop', 'addi zero, zero, 0'],
  ['c.addi t0, -32', 'addi t0, t0, -32'],
  ['c.addi a0, 31', 'addi a0, a0, 31'],
  ['c.addiw a1, -1', 'addiw a1, a1, -1'],
  ['c.addiw t2, 0', 'addiw t2, t2, 0'],
  ['c.li a5, -17', 'addi a5, zero, -17'],
  ['c.addi16sp sp, -512', 'addi sp, sp, -512'],
  ['c.addi16sp sp, 496', 'addi sp, sp, 496'],
  ['c.lui a0, 0xfffff', 'lui a0, 0xfffff'],
  ['c.lui s2, 31', 'lui s2, 31'],
  ['c.srli a0, 63', 'srli a0, a0, 63'],
  ['c.srai s1, 1', 'srai s1, s1, 1'],
  ['c.srai a5, 32', 'srai a5, a5, 32'],
  ['c.andi a3, -1', 'andi a3, a3, -1'],
  ['c.sub s0, a5', 'sub s0, s0, a5'],
  ['c.xor a0, a1', 'xor a0, a0, a1'],
  ['c.or a2, s1', 'or a2, a2, s1'],
  ['c.and a4, a5', 'and a4, a4, a5'],
  ['c.subw a0, a2', 'subw a0, a0, a2'],
  ['c.addw s1, a3', 'addw s1, s1, a3'],
  ['c.j .+2046', 'jal zero, .+2046'],
  ['c.j .-2048', 'jal zero, .-2048'],
  ['c.beqz a0, .+254', 'beq a0, zero, .+254'],
  ['c.bnez s1, .-256', 'bne s1, zero, .-256'],
  ['c.slli t1, 63', 'slli t1, t1, 63'],
  ['c.fldsp ft0, 504(sp)', 'fld ft0, 504(sp)'],
  ['c.lwsp ra, 252(sp)', 'lw ra, 252(sp)'],
  ['c.ldsp s11, 8(sp)', 'ld s11, 8(sp)'],
  ['c.jr ra', 'jalr zero, 0(ra)'],
  ['c.mv a0, t6', 'add a0, zero, t6'],
  ['c.ebreak', 'ebreak'],
  ['c.jalr a7', 'jalr ra, 0(a7)'],
  ['c.add sp, s3', 'add sp, sp, s3'],
  ['c.fsdsp fs11, 504(sp)', 'fsd fs11, 504(sp)'],
  ['c.swsp a0, 252(sp)', 'sw a0, 252(sp)'],
  ['c.sdsp t2, 0(sp)', 'sd t2, 0(sp)'],
];

function assemble(): Uint8Array {
  const dir = join(CACHE_DIR, 'compressed-oracle');
  mkdirSync(dir, { recursive: true });
  const src = PAIRS.map(([c, e]) => `.option rvc\n${c}\n.option norvc\n${e}\n`).join('');
  writeFileSync(join(dir, 'pairs.S'), src);
  execFileSync(`${CROSS}gcc`, ['-march=rv64gc', '-mabi=lp64d', '-c', '-o', join(dir, 'pairs.o'), join(dir, 'pairs.S')]);
  execFileSync(`${CROSS}objcopy`, ['-O', 'binary', '-j', '.text', join(dir, 'pairs.o'), join(dir, 'pairs.bin')]);
  return new Uint8Array(readFileSync(join(dir, 'pairs.bin')));
}

describe('emulator/cpu: compressed instructions', () => {
  it('expand to the 32-bit encodings the assembler gives', () => {
    const b = assemble();
    assert.equal(b.length, PAIRS.length * 6, 'each pair is 2 + 4 bytes');
    for (let k = 0; k < PAIRS.length; k++) {
      const o = k * 6;
      const c = b[o] | (b[o + 1] << 8);
      const full = (b[o + 2] | (b[o + 3] << 8) | (b[o + 4] << 16) | (b[o + 5] << 24)) >>> 0;
      assert.notEqual(c & 3, 3, `${PAIRS[k][0]} assembled compressed`);
      assert.equal((expandCompressed(c) >>> 0).toString(16), full.toString(16), `${PAIRS[k][0]} -> ${PAIRS[k][1]}`);
    }
  });

  it('reserved encodings are illegal', () => {
    const reserved: [number, string][] = [
      [0x0000, 'all-zero (c.addi4spn with imm 0)'],
      [0x8000, 'quadrant 0 funct3 100'],
      [0x2001, 'c.addiw with rd = x0'],
      [0x6101, 'c.addi16sp with imm 0'],
      [0x6501, 'c.lui with imm 0'],
      [0x4002, 'c.lwsp with rd = x0'],
      [0x6002, 'c.ldsp with rd = x0'],
      [0x8002, 'c.jr with rs1 = x0'],
      [0x9c41 | (1 << 12) | (2 << 5), 'quadrant 1 ALU reserved (bit 12, 10)'],
    ];
    for (const [c, what] of reserved) assert.equal(expandCompressed(c), 0, what);
  });
});
