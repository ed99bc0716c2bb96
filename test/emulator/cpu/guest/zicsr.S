// Zicsr: each CSR instruction returns the old value and writes rs1/uimm as the spec says
// (RW replaces, RS sets bits, RC clears bits); RS/RC with x0 or uimm 0 do not write, so
// they may read read-only CSRs; any write to a read-only CSR is illegal.
#include "harness.h"
  START
  INSTALL_MTRAP
  li a1, 0x55
  csrw mscratch, a1
  li a1, 0xaa
  csrrw a0, mscratch, a1
  CHECK 1, a0, 0x55
  li a2, 0x0f
  csrrs a0, mscratch, a2
  CHECK 2, a0, 0xaa
  csrr a0, mscratch
  CHECK 3, a0, 0xaf
  li a3, 0xa0
  csrrc a0, mscratch, a3
  CHECK 4, a0, 0xaf
  csrr a0, mscratch
  CHECK 5, a0, 0x0f
  csrrwi a0, mscratch, 31
  CHECK 6, a0, 0x0f
  csrrsi a0, mscratch, 0
  CHECK 7, a0, 31
  csrrci a0, mscratch, 1
  csrr a0, mscratch
  CHECK 8, a0, 30
  csrrsi a0, mscratch, 0x10
  csrr a0, mscratch
  CHECK 9, a0, 30
  li a1, 0x8000000000000001
  csrw mscratch, a1
  csrr a0, mscratch
  CHECK 10, a0, 0x8000000000000001
  // rd = rs1: the old value lands in rd, the write uses the register's previous value
  li a0, 7
  csrrw a0, mscratch, a0
  CHECK 11, a0, 0x8000000000000001
  csrr a0, mscratch
  CHECK 12, a0, 7
  // read-only CSRs: reading with RS/RC x0 and uimm 0 is fine, writing traps
  csrrs a0, mhartid, x0
  csrrc a0, mhartid, x0
  csrrsi a0, mimpid, 0
  CHECK 13, a0, 0
  EXPECT_TRAP 14, 1f
  csrrs a0, mhartid, a1
  j fail
1: CHECK 15, s2, 2
  EXPECT_TRAP 16, 1f
  csrrwi zero, cycle, 0
  j fail
1: CHECK 17, s2, 2
  // mepc ignores bit 0; mtvec keeps a legal mode
  li a1, 0x80000003
  csrw mepc, a1
  csrr a0, mepc
  CHECK 18, a0, 0x80000002
  csrr s5, mtvec
  li a1, 0x80000102
  csrw mtvec, a1
  csrr a0, mtvec
  csrw mtvec, s5
  andi a0, a0, 3
  CHECK 19, a0, 0
  PASS
  MTRAP_HANDLER
  END
