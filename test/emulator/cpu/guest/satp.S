// satp as QEMU's harts implement it (privileged spec §10.1.11, WARL): Sv39 and Bare are the
// supported modes, the ASID field keeps 16 bits, and a write with an unsupported mode
// (Sv48 = 9, Sv57 = 10: QEMU's default hart has them, ours implements Sv39 only) has no effect.
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
  CHECK 3, a1, (8 << 60) | (0x00a5 << 44)
  li t0, (10 << 60)
  csrw satp, t0
  csrr a1, satp
  CHECK 4, a1, (8 << 60) | (0x00a5 << 44)
  csrw satp, zero
  csrr a1, satp
  CHECK 5, a1, 0
  PASS
  END
