/* Powers off through sifive_test with "fail, code 3": kwb must exit with status 3. */
  .globl _start
_start:
  li t0, 0x100000
  li t1, (3 << 16) | 0x3333
  sw t1, 0(t0)
1: j 1b
