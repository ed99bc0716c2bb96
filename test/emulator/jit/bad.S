// Guest code that is hard on a translator (jit-lockstep.test.ts runs it on the interpreter and
// on the translator and compares them at every block): a loop that rewrites an instruction
// of its own body on every pass, a jump into the middle of a 32-bit instruction (whose upper
// half is a compressed instruction), execution from MMIO (the UART: an instruction access
// fault) and from the boot ROM's neighbourhood, then a checksum to HTIF tohost.
  .section .text
  .option norvc        // patched words are whole 32-bit instructions
  .globl _start
_start:
  la t0, trap
  csrw mtvec, t0
  li s0, 0            // checksum
  li s5, 0            // traps seen

  // 1. self-modifying loop: patch the immediate of `patched` (addi s0, s0, k) with k = pass
  li s1, 300
  la s2, patched
  lw s3, 0(s2)        // the original word, imm 0
smc_loop:
  slli t1, s1, 20     // imm field = pass number
  or t1, t1, s3
  sw t1, 0(s2)
  fence.i
patched:
  addi s0, s0, 0
  addi s1, s1, -1
  bnez s1, smc_loop

  // 1b. the same without fence.i, the store two instructions ahead in the same block (its own page)
  j 1f
  .balign 4096
1:
  li s1, 200
  la s2, patched2
  lw s3, 0(s2)
smc2:
  slli t1, s1, 20
  or t1, t1, s3
  sw t1, 0(s2)
  xori s0, s0, 0x55
patched2:
  addi s0, s0, 0
  addi s1, s1, -1
  bnez s1, smc2

  j 1f
  .balign 4096
1:
  // 2. into the middle of an instruction: `lui a5, 0x...` whose upper half is c.addi s0, 3
  li s1, 100
mid_loop:
  andi t2, s1, 1
  beqz t2, 1f
  j mid + 2
1:
mid:
  .word 0x040d07b7    // lui a5, 0x40d0; its upper half 0x040d is c.addi s0, 3
  addi s1, s1, -1
  bnez s1, mid_loop

  // 3. execute from MMIO (the UART) and from an unmapped hole: access faults, trap returns to s4
  la s4, 3f
  li t0, 0x10000000
  jr t0
3:
  la s4, 4f
  li t0, 0x3000
  jr t0
4:
  // 4. checksum and exit
  add s0, s0, s5
  la t0, result
  sd s0, 0(t0)
  li t1, 1
  la t0, tohost
  sd t1, 0(t0)
5: j 5b

  .balign 4
trap:
  addi s5, s5, 1
  csrr t0, mcause
  add s5, s5, t0
  csrr t0, mepc
  andi t1, t0, 3
  // a trap from the middle-of-instruction path or from patched code: skip the instruction
  li t2, 0x80000000
  bltu t0, t2, 6f
  lhu t1, 0(t0)
  andi t1, t1, 3
  addi t0, t0, 2
  li t2, 3
  bne t1, t2, 7f
  addi t0, t0, 2
7:
  csrw mepc, t0
  mret
6:
  csrw mepc, s4
  mret

  .data
  .balign 8
result: .dword 0
  .section .tohost, "aw"
  .balign 64
  .globl tohost
tohost: .dword 0
  .globl fromhost
fromhost: .dword 0
