// RV64I: arithmetic, logic, shifts, compares, loads/stores, branches, jumps, LUI/AUIPC.
#include "harness.h"
  START
  // add/sub wrap at 64 bits
  li a0, 0x7fffffffffffffff
  li a1, 1
  add a2, a0, a1
  CHECK 1, a2, 0x8000000000000000
  sub a2, zero, a1
  CHECK 2, a2, -1
  li a0, 0xffffffff
  addi a2, a0, 1            // carry into the high word
  CHECK 3, a2, 0x100000000
  addi a2, zero, -2048
  CHECK 4, a2, -2048
  // W forms sign-extend bit 31
  li a0, 0x7fffffff
  addiw a2, a0, 1
  CHECK 5, a2, 0xffffffff80000000
  li a0, 0x123456789
  li a1, 0x100000000
  addw a2, a0, a1
  CHECK 6, a2, 0x23456789
  subw a2, zero, a0
  CHECK 7, a2, 0xffffffffdcba9877
  // logic
  li a0, 0xff00ff00ff00ff00
  li a1, 0x0ff00ff00ff00ff0
  and a2, a0, a1
  CHECK 8, a2, 0x0f000f000f000f00
  or a2, a0, a1
  CHECK 9, a2, 0xfff0fff0fff0fff0
  xor a2, a0, a1
  CHECK 10, a2, 0xf0f0f0f0f0f0f0f0
  xori a2, a0, -1
  CHECK 11, a2, 0x00ff00ff00ff00ff
  andi a2, a0, 0x7f0
  CHECK 12, a2, 0x700
  ori a2, zero, -16
  CHECK 13, a2, -16
  // shifts, 6-bit amounts
  li a0, 1
  slli a2, a0, 63
  CHECK 14, a2, 0x8000000000000000
  srai a3, a2, 63
  CHECK 15, a3, -1
  srli a3, a2, 63
  CHECK 16, a3, 1
  li a1, 68                 // only the low 6 bits count: 4
  sll a3, a0, a1
  CHECK 17, a3, 16
  li a0, 0x8000000000000000
  li a1, 32
  sra a3, a0, a1
  CHECK 18, a3, 0xffffffff80000000
  srl a3, a0, a1
  CHECK 19, a3, 0x80000000
  li a0, 0x80000001
  slliw a3, a0, 1
  CHECK 20, a3, 2
  sraiw a3, a0, 4
  CHECK 21, a3, 0xfffffffff8000000
  srliw a3, a0, 4
  CHECK 22, a3, 0x08000000
  li a1, 33                 // W shifts use 5 bits: 1
  sllw a3, a0, a1
  CHECK 23, a3, 2
  srlw a3, a0, a1
  CHECK 24, a3, 0x40000000
  sraw a3, a0, a1
  CHECK 25, a3, 0xffffffffc0000000
  // compares
  li a0, -1
  li a1, 1
  slt a2, a0, a1
  CHECK 26, a2, 1
  sltu a2, a0, a1
  CHECK 27, a2, 0
  slti a2, a0, 0
  CHECK 28, a2, 1
  sltiu a2, a1, -1          // 1 < 0xffff...ffff unsigned
  CHECK 29, a2, 1
  li a0, 0x100000000
  li a1, 0xffffffff
  sltu a2, a1, a0
  CHECK 30, a2, 1
  slt a2, a0, a1
  CHECK 31, a2, 0
  // lui / auipc
  lui a2, 0x80000
  CHECK 32, a2, 0xffffffff80000000
  lui a2, 0x7ffff
  CHECK 33, a2, 0x7ffff000
1: auipc a2, 0
  la a3, 1b
  bne a2, a3, fail_34
  // loads and stores, sign and zero extension
  la a0, buf
  li a1, 0x8899aabbccddeeff
  sd a1, 0(a0)
  lb a2, 0(a0)
  CHECK 35, a2, -1
  lbu a2, 0(a0)
  CHECK 36, a2, 0xff
  lh a2, 2(a0)
  CHECK 37, a2, 0xffffffffffffccdd
  lhu a2, 2(a0)
  CHECK 38, a2, 0xccdd
  lw a2, 4(a0)
  CHECK 39, a2, 0xffffffff8899aabb
  lwu a2, 4(a0)
  CHECK 40, a2, 0x8899aabb
  ld a2, 0(a0)
  CHECK 41, a2, 0x8899aabbccddeeff
  li a1, 0x11
  sb a1, 7(a0)
  li a1, 0x2233
  sh a1, 0(a0)
  ld a2, 0(a0)
  CHECK 42, a2, 0x1199aabbccdd2233
  li a1, 0x44556677
  sw a1, 8(a0)
  sw zero, 12(a0)
  ld a2, 8(a0)
  CHECK 43, a2, 0x44556677
  ld a2, -8(a0)             // negative offset reads the word before buf
  CHECK 44, a2, 0x0123456789abcdef
  // branches
  li TESTNUM, 45
  li a0, -1
  li a1, 1
  blt a1, a0, fail
  bge a0, a1, fail
  bltu a0, a1, fail
  bgeu a1, a0, fail
  beq a0, a1, fail
  bne a0, a0, fail
  blt a0, a1, 2f
  j fail
2: bgeu a0, a1, 3f
  j fail
3: bge a1, a1, 4f
  j fail
4: // jal / jalr link values and jalr clearing bit 0
  li TESTNUM, 46
  jal ra, 5f
6: j fail
5: la a3, 6b
  bne ra, a3, fail
  la a0, 7f
  addi a0, a0, 1            // odd target: bit 0 is ignored
  jalr a4, 0(a0)
  j fail
7: li TESTNUM, 47
  // writes to x0 are discarded
  addi zero, zero, 5
  CHECK 48, zero, 0
  PASS
fail_34:
  li TESTNUM, 34
  j fail
  END
  .section .data
  .balign 8
  .dword 0x0123456789abcdef
buf: .space 32
