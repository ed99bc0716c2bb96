// Three harts increment a plain (non-atomic) counter 3000 times each inside a spinlock built
// from LR/SC; hart 0 waits for all and exits with code = counter - 9000 (0 when the lock
// excluded every other hart: a broken reservation rule would lose increments).
  .globl _start
_start:
  csrr a1, mhartid
  la a3, lock
  la a4, counter
  li a5, 3000
1: lr.w t0, (a3)                 // acquire
  bnez t0, 1b
  li t1, 1
  sc.w t0, t1, (a3)
  bnez t0, 1b
  ld t2, 0(a4)                   // critical section: long enough to be preempted in it
  addi t2, t2, 1
  nop
  nop
  sd t2, 0(a4)
  amoswap.w zero, zero, (a3)     // release
  addi a5, a5, -1
  bnez a5, 1b
  la t0, done
  li t1, 1
  amoadd.d zero, t1, (t0)
  bnez a1, park
2: ld t1, 0(t0)
  li t2, 3
  bne t1, t2, 2b
  ld a0, 0(a4)
  li t2, 9000
  sub a0, a0, t2
  slli a0, a0, 1
  ori a0, a0, 1
  la t0, tohost
  sd a0, 0(t0)
park:
  wfi
  j park
  .section .data
  .balign 8
lock: .dword 0
counter: .dword 0
done: .dword 0
  .balign 64
  .globl tohost
tohost: .dword 0
