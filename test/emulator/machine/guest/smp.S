// Two harts: each adds its hart id + 1 to a shared counter with amoadd 1000 times; hart 0
// waits for both to finish and exits through HTIF with code = counter - 3000 (0 when
// every increment landed: 1000 * 1 + 1000 * 2 = 3000).
  .globl _start
_start:
  csrr a1, mhartid
  addi a2, a1, 1
  la a3, counter
  li a4, 1000
1: amoadd.d zero, a2, (a3)
  addi a4, a4, -1
  bnez a4, 1b
  la a3, done
  li a4, 1
  amoadd.d zero, a4, (a3)
  bnez a1, park
2: ld a4, 0(a3)
  li a5, 2
  bne a4, a5, 2b
  la a3, counter
  ld a0, 0(a3)
  li a5, 3000
  sub a0, a0, a5
  slli a0, a0, 1
  ori a0, a0, 1
  la t0, tohost
  sd a0, 0(t0)
park:
  wfi
  j park
  .section .data
  .balign 8
counter: .dword 0
done: .dword 0
  .balign 64
  .globl tohost
tohost: .dword 0
