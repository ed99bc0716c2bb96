/* A bare-metal M-mode guest for the checkpoint tests: a CLINT timer interrupt every 3000
 * ticks prints 't'; the main loop echoes UART input (each byte + 1), counts with LR/SC,
 * accumulates in an FP register and writes a RAM ring, so harts, the CLINT, the UART, RAM,
 * reservations and the F registers all change as it runs. -DVARIANT makes another kernel. */
  .globl _start
_start:
  csrr a0, mhartid
  bnez a0, park
  la t0, trap
  csrw mtvec, t0
  li t0, 0x6000           /* FS = dirty: FP on */
  csrs mstatus, t0
  li s1, 0x10000000       /* UART */
  li s2, 0x02004000       /* mtimecmp of hart 0 */
  li s3, 0x0200bff8       /* mtime */
  la s4, counter
  la s5, ring
  li s6, 0
  fcvt.d.w f1, zero
  li t0, 1
  fcvt.d.w f2, t0
  ld t0, 0(s3)
  li t1, 3000
  add t0, t0, t1
  sd t0, 0(s2)
  li t0, 0x80             /* MTIE */
  csrw mie, t0
  csrsi mstatus, 8        /* MIE */
#ifdef VARIANT
  nop
#endif
loop:
  lbu t0, 5(s1)           /* LSR */
  andi t0, t0, 1
  beqz t0, 1f
  lbu t1, 0(s1)
  addi t1, t1, 1
  sb t1, 0(s1)
1:lr.d t2, (s4)
  addi t2, t2, 1
  sc.d t3, t2, (s4)
  bnez t3, 1b
  fadd.d f1, f1, f2
  andi t4, s6, 1023
  slli t4, t4, 3
  add t4, t4, s5
  sd t2, 0(t4)
  addi s6, s6, 1
  j loop

  .align 4
trap:
  ld t5, 0(s3)
  li t6, 3000
  add t5, t5, t6
  sd t5, 0(s2)
  li t6, 't'
  sb t6, 0(s1)
  mret

park:
  wfi
  j park

  .data
  .align 3
counter: .dword 0
ring: .space 8192
