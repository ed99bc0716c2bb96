/* Bench guest start-up. M-mode: clear bss, set the stack, then either call main in
 * M-mode (bare metal) or, when built with -DUSER_MODE, build an Sv39 table of three
 * 1 GiB leaves (MMIO 0x0-0x3fffffff, RAM 0x80000000-0xbfffffff identity, user-accessible),
 * switch satp and mret into U-mode; main's return comes back through ecall. */
  .section .text.start
  .globl _start
_start:
  csrr t0, mhartid
  bnez t0, park
  la sp, __stack_top
  li t0, 1 << 13       /* mstatus.FS = Initial: the programs use the FPU */
  csrs mstatus, t0
  la t0, __bss_start
  la t1, __bss_end
1:bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:
#ifdef USER_MODE
  la t0, trap_entry
  csrw mtvec, t0
  /* PMP: let S/U reach all memory (QEMU enforces PMP). */
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f          /* NAPOT, RWX */
  csrw pmpcfg0, t0
  la t0, __pagetable
  /* entry 0: VA 0x00000000 -> PA 0x00000000, RW, U, A, D */
  li t1, (0x0 >> 12) << 10 | 0xd7
  sd t1, 0(t0)
  /* entry 2: VA 0x80000000 -> PA 0x80000000, RWX, U, A, D */
  li t1, (0x80000000 >> 12) << 10 | 0xdf
  sd t1, 16(t0)
  srli t0, t0, 12
  li t1, 8 << 60
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  /* mstatus.MPP = U (0), mepc = user_entry */
  li t0, 3 << 11
  csrc mstatus, t0
  la t0, user_entry
  csrw mepc, t0
  mret
user_entry:
  call main
  mv a1, a0
  li a0, 0
  ecall
  .align 2
trap_entry:
  /* Only exit-by-ecall is expected; anything else reports its cause as failure. */
  csrr t0, mcause
  li t1, 8
  bne t0, t1, bad
  mv a0, a1
  j finish
bad:
  li a0, 0x100
  j finish
#else
  call main
#endif
finish:
  /* sifive_test: 0x5555 = pass, (code << 16) | 0x3333 = fail with code. */
  li t0, 0x100000
  beqz a0, 3f
  slli a0, a0, 16
  li t1, 0x3333
  or a0, a0, t1
  sw a0, 0(t0)
  j park
3:li t1, 0x5555
  sw t1, 0(t0)
park:
  wfi
  j park
