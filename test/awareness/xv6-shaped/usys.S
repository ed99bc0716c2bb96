# The xv6-shaped test's user program: entry and one system call stub (our own code).
  .section .text
  .global _start
_start:
  call main
1:
  j 1b

  .global read
read:
  li a7, 5
  ecall
  ret
