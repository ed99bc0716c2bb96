// Harness for randomised instruction streams (jit-lockstep.test.ts): the test writes random
// instructions into `stream` (both machines the same) and runs them in S-mode under Sv39
// (root_b: an identity gigapage whose A/D bits the hardware sets), with the machine timer
// interrupting at pseudo-random instruction counts. The M-mode handler skips any faulting
// instruction; after a fetch fault it repairs the page table and satp (the stream scribbles on
// both) and retries. gp points into root_b's page (stores there change the page table), tp into
// the stream (stores there rewrite code); the generator never writes gp or tp.
  .section .text
  .globl _start
_start:
  la t0, handler
  csrw mtvec, t0
  la t0, save
  csrw mscratch, t0
  li t0, 7
  csrw mcounteren, t0
  csrw scounteren, t0
  call fix_vm
  // FS = initial, MPP = S, MIE on; MTIE enabled
  li t0, (1 << 13) | (1 << 11) | (1 << 3)
  csrs mstatus, t0
  li t0, 0x80
  csrw mie, t0
  call next_timer
  la t0, stream
  csrw mepc, t0
  la gp, root_b + 0x400
  la tp, stream + 0x800
  li t0, 0
  mret

// satp = Sv39 root_b, root_b[2] = identity gigapage for 0x80000000 (A and D clear).
fix_vm:
  la t0, root_b
  li t1, (0x80000 << 10) | 0xf
  sd t1, 16(t0)
  srli t0, t0, 12
  li t1, 8 << 60
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  ret

// mtimecmp = mtime + 1 + (minstret & 255)
next_timer:
  li t0, 0x200bff8
  ld t0, 0(t0)
  csrr t1, minstret
  andi t1, t1, 255
  add t0, t0, t1
  addi t0, t0, 1
  li t1, 0x2004000
  sd t0, 0(t1)
  ret

  .balign 4
handler:
  csrrw t6, mscratch, t6
  sd t0, 0(t6)
  sd t1, 8(t6)
  sd ra, 16(t6)
  csrr t0, mcause
  bltz t0, interrupt
  li t1, 1
  beq t0, t1, fetch_fault
  li t1, 12
  beq t0, t1, fetch_fault
  // skip the instruction at mepc (2 or 4 bytes)
  csrr t0, mepc
  lhu t1, 0(t0)
  andi t1, t1, 3
  addi t0, t0, 2
  li ra, 3
  bne t1, ra, 1f
  addi t0, t0, 2
1:
  csrw mepc, t0
  j out
fetch_fault:
  call fix_vm
  j out
interrupt:
  call next_timer
out:
  // back to S-mode whatever the stream did to mstatus.MPP (it cannot reach M CSRs)
  li t0, 1 << 12
  csrc mstatus, t0
  li t0, 1 << 11
  csrs mstatus, t0
  ld ra, 16(t6)
  ld t1, 8(t6)
  ld t0, 0(t6)
  csrrw t6, mscratch, t6
  mret

  .balign 64
save: .space 64

  .balign 4096
root_b: .space 4096
  .globl stream
stream: .space 8192
  // the stream loops
  j stream
  .balign 4096
data: .space 4096
