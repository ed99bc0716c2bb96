// mtvec points at unmapped memory, then a trap: the hart would fault at the vector forever.
  .globl _start
_start:
  li t0, 0x100
  csrw mtvec, t0
  ecall
