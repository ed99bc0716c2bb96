// C extension executed: compressed arithmetic, loads/stores relative to sp and to a
// register, jumps and branches with their 2-byte link values (c.jalr links pc + 2).
#include "harness.h"
  START
  la sp, stack_top
  c.li a0, -5
  CHECK 1, a0, -5
  c.addi a0, 7
  CHECK 2, a0, 2
  c.slli a0, 62
  CHECK 3, a0, 0x8000000000000000
  c.srai a0, 1                  // the shift amount field is 6 bits wide in RV64
  CHECK 4, a0, 0xc000000000000000
  li s0, 0xff
  c.srli s0, 4
  CHECK 5, s0, 0xf
  c.andi s0, -2
  CHECK 6, s0, 0xe
  li s1, 0x7fffffff
  c.addiw s1, 1
  CHECK 7, s1, 0xffffffff80000000
  li a1, 3
  li a2, 5
  c.sub a1, a2
  CHECK 8, a1, -2
  c.addw a1, a2
  CHECK 9, a1, 3
  c.subw a1, a2
  CHECK 10, a1, -2
  c.xor a1, a2
  CHECK 11, a1, -2 ^ 5
  c.or a1, a2
  CHECK 12, a1, (-2 ^ 5) | 5
  c.and a1, a2
  CHECK 13, a1, 5
  c.mv a3, a1
  c.add a3, a1
  CHECK 14, a3, 10
  c.lui a4, 0xfffe1               // sign-extended 6-bit field: -31 << 12
  CHECK 15, a4, 0xfffffffffffe1000
  c.addi16sp sp, -64
  c.addi4spn a5, sp, 16
  addi t0, sp, 16
  li TESTNUM, 16
  bne a5, t0, fail
  li t1, 0x1122334455667788
  c.sdsp t1, 8(sp)
  c.ldsp t2, 8(sp)
  CHECK 17, t2, 0x1122334455667788
  c.swsp t1, 0(sp)
  c.lwsp t2, 0(sp)
  CHECK 18, t2, 0x55667788
  mv s0, sp
  c.sd a2, 16(s0)
  c.ld a4, 16(s0)
  CHECK 19, a4, 5
  c.sw a3, 24(s0)
  c.lw a4, 24(s0)
  CHECK 20, a4, 10
  c.addi16sp sp, 64
  // jumps
  la t0, 2f
  c.jalr t0                     // ra = address of the next (2-byte) instruction
1: j fail
2: la t1, 1b
  li TESTNUM, 21
  bne ra, t1, fail
  c.j 3f
  j fail
3: li s0, 0
  c.beqz s0, 4f
  j fail
4: c.bnez s0, fail_22
  la t0, 5f
  c.jr t0
  j fail
5: PASS
fail_22:
  li TESTNUM, 22
  j fail
  END
  .section .bss
  .balign 16
  .space 512
stack_top:
