// Waits for an interrupt that never comes (none enabled): the machine goes idle.
  .globl _start
_start:
  csrw mie, zero
1: wfi
  j 1b
