// A extension: AMOs (W sign-extends the old value), LR/SC success and failure, a store
// between LR and SC breaking the reservation, and misaligned AMO traps.
#include "harness.h"
  START
  la a0, word
  li a1, 5
  sw a1, 0(a0)
  li a2, -3
  amoadd.w a3, a2, (a0)
  CHECK 1, a3, 5
  lw a4, 0(a0)
  CHECK 2, a4, 2
  li a2, 0x80000000
  amoswap.w a3, a2, (a0)
  CHECK 3, a3, 2
  amoor.w a3, zero, (a0)    // old value sign-extended
  CHECK 4, a3, 0xffffffff80000000
  li a2, 7
  amomin.w a3, a2, (a0)     // signed: -2^31 < 7, memory keeps -2^31
  lw a4, 0(a0)
  CHECK 5, a4, 0xffffffff80000000
  amominu.w a3, a2, (a0)    // unsigned: 7 < 0x80000000
  lw a4, 0(a0)
  CHECK 6, a4, 7
  li a2, -1
  amomax.w a3, a2, (a0)     // 7 > -1
  lw a4, 0(a0)
  CHECK 7, a4, 7
  amomaxu.w a3, a2, (a0)    // 0xffffffff
  lw a4, 0(a0)
  CHECK 8, a4, -1
  li a2, 0x0f0f
  amoand.w a3, a2, (a0)
  lw a4, 0(a0)
  CHECK 9, a4, 0x0f0f
  li a2, 0xffff
  amoxor.w a3, a2, (a0)
  lw a4, 0(a0)
  CHECK 10, a4, 0xf0f0
  // doubleword forms
  la a0, dword
  li a1, 0x00000000ffffffff
  sd a1, 0(a0)
  li a2, 1
  amoadd.d a3, a2, (a0)     // carry across the word boundary
  CHECK 11, a3, 0xffffffff
  ld a4, 0(a0)
  CHECK 12, a4, 0x100000000
  li a2, -5
  amomin.d a3, a2, (a0)
  ld a4, 0(a0)
  CHECK 13, a4, -5
  li a2, 3
  amomaxu.d a3, a2, (a0)    // 0xffff...fffb > 3 unsigned
  ld a4, 0(a0)
  CHECK 14, a4, -5
  amomax.d a3, a2, (a0)
  ld a4, 0(a0)
  CHECK 15, a4, 3
  li a2, 0x8000000000000000
  amominu.d a3, a2, (a0)
  ld a4, 0(a0)
  CHECK 16, a4, 3
  amoswap.d a3, a2, (a0)
  ld a4, 0(a0)
  CHECK 17, a4, 0x8000000000000000
  amoxor.d a3, a2, (a0)
  ld a4, 0(a0)
  CHECK 18, a4, 0
  li a2, 0x1234
  amoor.d a3, a2, (a0)
  amoand.d a3, a2, (a0)
  CHECK 19, a3, 0x1234
  // LR/SC
  lr.d a3, (a0)
  li a2, 99
  sc.d a4, a2, (a0)
  CHECK 20, a4, 0
  ld a4, 0(a0)
  CHECK 21, a4, 99
  sc.d a4, a2, (a0)         // no reservation any more
  CHECK 22, a4, 1
  lr.w a3, (a0)
  sw zero, 0(a0)            // a store to the reserved granule breaks it
  sc.w a4, a2, (a0)
  CHECK 23, a4, 1
  lr.w a3, (a0)
  la a5, word
  sw zero, 0(a5)            // a store elsewhere does not
  sc.w a4, a2, (a0)
  CHECK 24, a4, 0
  // misaligned AMO: store/AMO address misaligned (cause 6), LR: load address misaligned (4)
  la t0, trap
  csrw mtvec, t0
  li TESTNUM, 25
  addi a6, a0, 2
  la s1, 1f
  amoadd.w a3, a2, (a6)
  j fail
1: CHECK 26, s2, 6
  li TESTNUM, 27
  bne s3, a6, fail
  la s1, 2f
  lr.d a3, (a6)
  j fail
2: CHECK 28, s2, 4
  PASS
  .balign 4
trap:                       // records mcause/mtval and continues at s1
  csrr s2, mcause
  csrr s3, mtval
  csrw mepc, s1
  mret
  END
  .section .data
  .balign 8
word: .word 0, 0
dword: .dword 0
