/* Prints "chatter\n" on the UART forever (for a reader that goes away). */
  .globl _start
_start:
  li t0, 0x10000000
1:la t1, msg
2:lbu t2, 0(t1)
  beqz t2, 1b
  sb t2, 0(t0)
  addi t1, t1, 1
  j 2b
msg: .asciz "chatter\n"
