// A virtual code page remapped under the translator (jit-lockstep.test.ts): S-mode under Sv39
// calls a function at the fixed virtual address 0x40000000 in a loop, and every 16 calls points
// that page at the other of two physical pages (one returns 1, the other 2) and runs
// SFENCE.VMA. Both are compiled; a block found for the old mapping (the jump cache, keyed by
// virtual pc) would add the wrong number. The sum goes to HTIF tohost (it is 1.5 per call).
  .section .text
  .option norvc
  .globl _start
_start:
  la t0, mtrap
  csrw mtvec, t0
  // root[1] -> l1, l1[0] -> l0, l0[0] -> fn1 (R X A); root[2]: identity gigapage at 0x80000000
  la t0, root
  la t1, l1
  srli t1, t1, 12
  slli t1, t1, 10
  ori t1, t1, 1
  sd t1, 8(t0)
  li t1, (0x80000 << 10) | 0xcf
  sd t1, 16(t0)
  la t0, l1
  la t1, l0
  srli t1, t1, 12
  slli t1, t1, 10
  ori t1, t1, 1
  sd t1, 0(t0)
  la a0, fn1
  call pte_for
  la t0, l0
  sd a0, 0(t0)
  la t0, root
  srli t0, t0, 12
  li t1, 8 << 60
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  li t0, 1 << 11          // MPP = S
  csrs mstatus, t0
  la t0, s_main
  csrw mepc, t0
  mret

// a0 = leaf PTE (V R X A) for the page at a0
pte_for:
  srli a0, a0, 12
  slli a0, a0, 10
  ori a0, a0, 0x4b
  ret

s_main:
  li s0, 0                // sum
  li s1, 0                // calls
  li s2, 0x40000000
  li s3, 640              // calls in all
  la s4, l0
  li s5, 0                // which page is mapped (0: fn1)
1:
  jalr s2
  add s0, s0, a0
  addi s1, s1, 1
  andi t0, s1, 15
  bnez t0, 2f
  xori s5, s5, 1
  la a0, fn1
  beqz s5, 3f
  la a0, fn2
3:
  call pte_for
  sd a0, 0(s4)
  sfence.vma
2:
  bne s1, s3, 1b
  ecall

mtrap:
  slli s0, s0, 1
  ori s0, s0, 1
  la t0, tohost
  sd s0, 0(t0)
4:
  j 4b

  .balign 4096
fn1:
  li a0, 1
  ret
  .balign 4096
fn2:
  li a0, 2
  ret

  .bss
  .balign 4096
root: .space 4096
l1: .space 4096
l0: .space 4096

  .section .tohost, "aw"
  .balign 64
  .globl tohost
tohost: .dword 0
  .globl fromhost
fromhost: .dword 0
