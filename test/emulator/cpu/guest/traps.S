// Synchronous traps and privilege changes (privileged spec 3.1.6-3.3): ecall/ebreak causes,
// illegal instructions with mtval = the instruction bits, delegation through medeleg to
// S-mode, mret/sret stacks, TSR/TVM/TW, counter enables, sstatus as a view of mstatus, misa.
#include "harness.h"
  START
  INSTALL_MTRAP
  // ecall from M: cause 11, epc = the ecall, tval 0
  EXPECT_TRAP 1, 1f
e1: ecall
  j fail
1: CHECK 2, s2, 11
  CHECK 3, s3, 0
  la t1, e1
  bne s4, t1, fail
  // ebreak: cause 3
  EXPECT_TRAP 4, 1f
  ebreak
  j fail
1: CHECK 5, s2, 3
  // illegal: all-ones word, mtval = the bits
  EXPECT_TRAP 6, 1f
  .word 0xffffffff
  j fail
1: CHECK 7, s2, 2
  CHECK 8, s3, 0xffffffff
  // reserved compressed encoding: mtval = the 16 bits
  EXPECT_TRAP 9, 1f
  .hword 0x8000
  .hword 0x0001
  j fail
1: CHECK 10, s2, 2
  CHECK 11, s3, 0x8000
  // unknown CSR (0x7c0) and a write to a read-only CSR
  EXPECT_TRAP 12, 1f
  csrr a0, 0x7c0
  j fail
1: CHECK 13, s2, 2
  CHECK 14, s3, 0x7c002573
  EXPECT_TRAP 15, 1f
  csrw mvendorid, zero
  j fail
1: CHECK 16, s2, 2
  // read-only CSRs read with csrrs x0 are fine
  csrr a0, mvendorid
  CHECK 17, a0, 0
  csrr a0, mhartid
  CHECK 18, a0, 0
  csrr a0, misa
  CHECK 19, a0, 0x800000000014112d
  // mstatus: UXL = SXL = 2, MPP is WARL (2 is not a mode: unchanged)
  csrr a0, mstatus
  srli a0, a0, 32
  andi a0, a0, 0xf
  CHECK 20, a0, 0xa
  li t0, 3 << 11
  csrc mstatus, t0
  li t0, 2 << 11
  csrs mstatus, t0
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3
  CHECK 21, a0, 0
  // sstatus is a view: SIE shows in both, MIE not in sstatus
  csrsi mstatus, 0x8         // MIE
  csrsi sstatus, 0x2         // SIE
  csrr a0, sstatus
  andi a0, a0, 0xa
  CHECK 22, a0, 2
  csrr a0, mstatus
  andi a0, a0, 0xa
  CHECK 23, a0, 0xa
  csrci mstatus, 0xa
  // To S-mode: ecall there is cause 9 (not delegated)
  ENTER_MODE 1
  EXPECT_TRAP 24, 1f
  ecall
  j fail
1: CHECK 25, s2, 9
  // the handler's mret returned to M (its MPP) and then set MPP to U, the least privileged mode
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3
  CHECK 26, a0, 0
  // Delegation: ecall from U handled in S
  la t0, strap
  csrw stvec, t0
  li t0, 1 << 8
  csrs medeleg, t0
  ENTER_MODE 0
  EXPECT_TRAP 27, 1f
e2: ecall
  j fail
1: // back in S-mode (strap returns with SPP = S)
  CHECK 28, s2, 8
  la t1, e2
  li TESTNUM, 29
  bne s4, t1, fail
  // In S: mret is illegal (goes to M: medeleg bit 2 clear)
  EXPECT_TRAP 30, 1f
  mret
  j fail
1: CHECK 31, s2, 2
  CHECK 32, s3, 0x30200073
  // now in M (mtrap returned to M). TSR: sret in S is illegal
  li t0, 1 << 22
  csrs mstatus, t0
  ENTER_MODE 1
  EXPECT_TRAP 33, 1f
  sret
  j fail
1: CHECK 34, s2, 2
  li t0, 1 << 22
  csrc mstatus, t0
  // TVM: satp and sfence.vma illegal in S
  li t0, 1 << 20
  csrs mstatus, t0
  ENTER_MODE 1
  EXPECT_TRAP 35, 1f
  csrr a0, satp
  j fail
1: CHECK 36, s2, 2
  ENTER_MODE 1
  EXPECT_TRAP 37, 1f
  sfence.vma
  j fail
1: CHECK 38, s2, 2
  li t0, 1 << 20
  csrc mstatus, t0
  // TW: wfi in S illegal; wfi in U always illegal here
  li t0, 1 << 21
  csrs mstatus, t0
  ENTER_MODE 1
  EXPECT_TRAP 39, 1f
  wfi
  j fail
1: CHECK 40, s2, 2
  li t0, 1 << 21
  csrc mstatus, t0
  // counters: S needs mcounteren, U also scounteren
  csrw mcounteren, zero
  ENTER_MODE 1
  EXPECT_TRAP 41, 1f
  rdcycle a0
  j fail
1: CHECK 42, s2, 2
  li t0, 7
  csrw mcounteren, t0
  csrw scounteren, zero
  ENTER_MODE 1
  rdinstret a0                  // allowed in S now
  EXPECT_TRAP 50, 1f
  ecall                         // back to M
1:
  li t0, 1 << 8
  csrc medeleg, t0
  ENTER_MODE 0
  EXPECT_TRAP 43, 1f
  rdtime a0
  j fail
1: CHECK 44, s2, 2
  li t0, 2
  csrw scounteren, t0
  ENTER_MODE 0
  rdtime a0                     // TM enabled in both: fine
  EXPECT_TRAP 45, 1f
  rdcycle a0                    // CY not in scounteren
  j fail
1: CHECK 46, s2, 2
  // U-mode CSR access to an S CSR is illegal
  ENTER_MODE 0
  EXPECT_TRAP 47, 1f
  csrr a0, sstatus
  j fail
1: CHECK 48, s2, 2
  // medeleg cannot delegate ecall from M (bit 11 reads 0)
  li t0, -1
  csrw medeleg, t0
  csrr a0, medeleg
  srli a0, a0, 11
  andi a0, a0, 1
  CHECK 49, a0, 0
  csrw medeleg, zero
  // fetching from a device or from nothing: instruction access fault, mtval = the address
  EXPECT_TRAP 51, 1f
  li t0, 0x10000000
  jr t0
  j fail
1: CHECK 52, s2, 1
  CHECK 53, s3, 0x10000000
  EXPECT_TRAP 54, 1f
  li t0, 0x40000000
  jalr t0
  j fail
1: CHECK 55, s2, 1
  CHECK 56, s4, 0x40000000
  PASS
  MTRAP_HANDLER
  STRAP_HANDLER
  END
