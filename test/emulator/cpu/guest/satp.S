// satp as QEMU's harts implement it (privileged spec §10.1.11, WARL): Bare, Sv39, Sv48 and
// Sv57 are the supported modes, the ASID field keeps 16 bits, and a write with an unsupported
// mode (Sv32's 1, the reserved 2..7 and 12..15, Sv64's 11) has no effect.
#include "harness.h"
  START
  li t0, (8 << 60) | (0xffff << 44) | 0x12345
  csrw satp, t0
  csrr a1, satp
  CHECK 1, a1, (8 << 60) | (0xffff << 44) | 0x12345
  li t0, (8 << 60) | (0x00a5 << 44)
  csrw satp, t0
  csrr a1, satp
  CHECK 2, a1, (8 << 60) | (0x00a5 << 44)
  li t0, (9 << 60) | 0x777
  csrw satp, t0
  csrr a1, satp
  CHECK 3, a1, (9 << 60) | 0x777
  li t0, (10 << 60) | (0x3 << 44) | 0x888
  csrw satp, t0
  csrr a1, satp
  CHECK 4, a1, (10 << 60) | (0x3 << 44) | 0x888
  li t0, (11 << 60) | 0x999
  csrw satp, t0
  csrr a1, satp
  CHECK 5, a1, (10 << 60) | (0x3 << 44) | 0x888
  li t0, (1 << 60) | 0x999
  csrw satp, t0
  csrr a1, satp
  CHECK 6, a1, (10 << 60) | (0x3 << 44) | 0x888
  li t0, (15 << 60) | 0x999
  csrw satp, t0
  csrr a1, satp
  CHECK 7, a1, (10 << 60) | (0x3 << 44) | 0x888
  csrw satp, zero
  csrr a1, satp
  CHECK 8, a1, 0
  PASS
  END
