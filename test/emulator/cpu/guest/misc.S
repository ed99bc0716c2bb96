// Misaligned loads and stores (emulated, as the spec allows), Zifencei (a store into code
// then FENCE.I runs the new instruction), Zicntr (instret counts retired instructions,
// minstret writes), and the F/D state rules the hart owns: FS = Off makes FP instructions
// and fcsr illegal, FLW NaN-boxes, FP writes set FS = Dirty and SD.
#include "harness.h"
  START
  INSTALL_MTRAP
  // misaligned accesses work and see the right bytes (little-endian)
  la a0, buf
  li a1, 0x0807060504030201
  sd a1, 0(a0)
  li a1, 0x100f0e0d0c0b0a09
  sd a1, 8(a0)
  ld a2, 3(a0)
  CHECK 1, a2, 0x0b0a090807060504
  lw a2, 5(a0)
  CHECK 2, a2, 0x0908070600000000 >> 32
  lh a2, 7(a0)
  CHECK 3, a2, 0x0908
  lhu a2, 15(a0)
  CHECK 4, a2, 0x0010 + 0x0000           // byte 15 = 0x10, byte 16 = 0
  li a1, 0xaabbccdd
  sw a1, 1(a0)
  ld a2, 0(a0)
  CHECK 5, a2, 0x080706aabbccdd01
  li a1, 0x1122334455667788
  sd a1, 9(a0)
  ld a2, 8(a0)
  CHECK 6, a2, 0x2233445566778809
  lbu a2, 16(a0)
  CHECK 7, a2, 0x11
  // Zifencei: patch an instruction, fence.i, run it
  la a0, patch
  li a1, 0x02a00513                       // addi a0, zero, 42
  sw a1, 0(a0)
  fence.i
  li a0, 0
patch:
  addi a0, zero, 1
  CHECK 8, a0, 42
  // Zicntr: instret advances by exactly the retired instructions in between
  rdinstret a1
  nop
  nop
  nop
  rdinstret a2
  sub a2, a2, a1
  CHECK 9, a2, 4
  rdcycle a1
  li t0, 1000
  csrw minstret, t0
  csrr a2, minstret
  CHECK 10, a2, 1000
  rdcycle a2
  li TESTNUM, 11
  bgeu a1, a2, fail
  // FS = Off: FP instructions and fcsr are illegal
  li t0, 3 << 13
  csrc mstatus, t0
  EXPECT_TRAP 12, 1f
  fadd.d fa0, fa1, fa2
  j fail
1: CHECK 13, s2, 2
  EXPECT_TRAP 14, 1f
  csrr a0, fcsr
  j fail
1: CHECK 15, s2, 2
  EXPECT_TRAP 16, 1f
  fld fa0, 0(sp)
  j fail
1: CHECK 17, s2, 2
  // FS = Initial: FLW NaN-boxes and marks FS dirty (SD set)
  li t0, 1 << 13
  csrs mstatus, t0
  csrr a0, mstatus
  srli a0, a0, 63
  CHECK 18, a0, 0
  la a0, fword
  flw fa0, 0(a0)
  fmv.x.d a1, fa0
  CHECK 19, a1, 0xffffffff3fc00000
  csrr a0, mstatus
  srli a2, a0, 13
  andi a2, a2, 3
  CHECK 20, a2, 3
  srli a0, a0, 63
  CHECK 21, a0, 1
  // fcsr holds frm and fflags
  li t0, (3 << 5) | 0x15
  csrw fcsr, t0
  csrr a0, frm
  CHECK 22, a0, 3
  csrr a0, fflags
  CHECK 23, a0, 0x15
  csrwi fflags, 0
  csrr a0, fcsr
  CHECK 24, a0, 3 << 5
  // fsd/fld round-trip the raw bits
  la a0, buf
  li a1, 0x7ff8000000000123
  sd a1, 0(a0)
  fld fa1, 0(a0)
  fsd fa1, 8(a0)
  ld a2, 8(a0)
  CHECK 25, a2, 0x7ff8000000000123
  PASS
  MTRAP_HANDLER
  END
  .section .data
  .balign 8
fword: .word 0x3fc00000
buf: .space 32
