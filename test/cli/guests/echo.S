/* Echoes UART input upper-cased by polling LSR; 'q' powers off with code 0. */
  .globl _start
_start:
  li t0, 0x10000000
1:lbu t1, 5(t0)
  andi t1, t1, 1
  beqz t1, 1b
  lbu t2, 0(t0)
  li t3, 'q'
  beq t2, t3, 3f
  li t3, 'a'
  blt t2, t3, 2f
  li t3, 'z'
  bgt t2, t3, 2f
  addi t2, t2, -32
2:sb t2, 0(t0)
  j 1b
3:li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
4:j 4b
