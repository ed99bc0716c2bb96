// A loop that reads and writes CSRs the way a kernel's lock does (mstatus read, MIE cleared and
// set again with nothing pending, a scratch write): the translator's block goes on past them.
  .globl _start
_start:
  li t1, 0
loop:
  csrr t0, mstatus
  csrci mstatus, 8
  csrw mscratch, t0
  csrsi mstatus, 8
  addi t1, t1, 1
  j loop
