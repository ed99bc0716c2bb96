// M extension: products (low and the three high forms) and quotients, including the
// spec's division-by-zero and overflow results (unprivileged spec, table 7.1).
#include "harness.h"
  START
  li a0, 0x123456789
  li a1, 0x987654321
  mul a2, a0, a1            // 0x123456789 * 0x987654321 = 0xa_d77d742c_ce1833a9
  CHECK 1, a2, 0xd77d742cce1833a9
  mulhu a2, a0, a1
  CHECK 2, a2, 0xa
  li a0, -1
  li a1, -1
  mulhu a2, a0, a1          // (2^64-1)^2 >> 64 = 2^64 - 2
  CHECK 3, a2, 0xfffffffffffffffe
  mulh a2, a0, a1           // (-1)(-1) = 1 -> high 0
  CHECK 4, a2, 0
  mulhsu a2, a0, a1         // -1 * (2^64-1) = -(2^64-1) -> high word -1
  CHECK 5, a2, -1
  li a0, 0x8000000000000000
  li a1, 2
  mulh a2, a0, a1           // -2^63 * 2 = -2^64 -> high -1
  CHECK 6, a2, -1
  mul a2, a0, a1
  CHECK 7, a2, 0
  mulhu a2, a0, a1          // 2^63 * 2 = 2^64 -> high 1
  CHECK 8, a2, 1
  li a0, 0x7fffffffffffffff
  mul a2, a0, a0            // (2^63-1)^2 = 2^126 - 2^64 + 1: low = 1
  CHECK 9, a2, 1
  mulhu a2, a0, a0          // high = 2^62 - 1
  CHECK 10, a2, 0x3fffffffffffffff
  // division
  li a0, -7
  li a1, 2
  div a2, a0, a1
  CHECK 11, a2, -3
  rem a2, a0, a1
  CHECK 12, a2, -1
  divu a2, a0, a1           // (2^64-7)/2 = 0x7ffffffffffffffc
  CHECK 13, a2, 0x7ffffffffffffffc
  remu a2, a0, a1
  CHECK 14, a2, 1
  div a2, a0, zero
  CHECK 15, a2, -1
  rem a2, a0, zero
  CHECK 16, a2, -7
  divu a2, a0, zero
  CHECK 17, a2, -1
  remu a2, a0, zero
  CHECK 18, a2, -7
  li a0, 0x8000000000000000
  li a1, -1
  div a2, a0, a1            // overflow: the dividend
  CHECK 19, a2, 0x8000000000000000
  rem a2, a0, a1
  CHECK 20, a2, 0
  li a0, 0xfedcba9876543210
  li a1, 0x12345
  divu a2, a0, a1           // 0xfedcba9876543210 / 0x12345 = 0xe0004fa01c4d rem 0x10a4f
  CHECK 21, a2, 0xe0004fa01c4d
  remu a2, a0, a1
  CHECK 22, a2, 0x10a4f
  li a1, 0x100000001
  divu a2, a0, a1           // 0xfedcba9876543210 / 0x100000001 = 0xfedcba97 rem 0x77777779
  CHECK 23, a2, 0xfedcba97
  remu a2, a0, a1
  CHECK 24, a2, 0x77777779
  div a2, a0, a1            // -0x0123456789abcdf0 / 0x100000001 truncates to -0x1234567
  CHECK 25, a2, -0x1234567
  // W forms
  li a0, 0x80000000
  li a1, -1
  divw a2, a0, a1           // -2^31 / -1 overflows: -2^31
  CHECK 26, a2, 0xffffffff80000000
  remw a2, a0, a1
  CHECK 27, a2, 0
  li a0, 0x1fffffff9        // low word -7
  li a1, 2
  divw a2, a0, a1
  CHECK 28, a2, -3
  remw a2, a0, a1
  CHECK 29, a2, -1
  divuw a2, a0, a1          // 0xfffffff9 / 2 = 0x7ffffffc
  CHECK 30, a2, 0x7ffffffc
  remuw a2, a0, a1
  CHECK 31, a2, 1
  divuw a2, a0, zero
  CHECK 32, a2, -1
  remuw a2, a0, zero        // sext(0xfffffff9)
  CHECK 33, a2, -7
  li a0, 0x10000
  mulw a2, a0, a0           // 2^32 truncated to 32 bits: 0
  CHECK 34, a2, 0
  li a0, 0xffff
  li a1, 0x10001
  mulw a2, a0, a1           // 0xffffffff -> -1
  CHECK 35, a2, -1
  PASS
  END
