/*
 * trap-storm: a bare-metal guest (-bios none, entered in M-mode at 0x80000000) that takes
 * traps as fast as a hart can, for pausing under a trap storm.
 *
 * M-mode opens all memory to S-mode (one NAPOT PMP region), points mtvec at storm_handler,
 * delegates nothing, and mrets into storm_loop in S-mode (satp 0: bare addresses).
 *
 * Default (exceptions): storm_loop is `ecall` in a loop; each ecall traps into M-mode, where
 * storm_handler counts it in s2, steps mepc over the ecall and mrets. The S-mode side counts
 * its round trips in s1.
 *
 * With -DINTERRUPTS: the machine timer interrupt is left pending for ever (mtimecmp = 0,
 * mie.MTIE set; M-mode interrupts are always enabled while the hart runs in S-mode), so the
 * hart takes it before every S-mode instruction and never gets past the first one; the handler
 * counts in s2 and returns without touching the timer. s1 stays 0.
 */
#define CLINT_MTIMECMP0 0x02004000

    .section .text
    .globl _start
_start:
    csrr    t0, mhartid
    bnez    t0, park
    li      s1, 0
    li      s2, 0
    li      t0, -1
    csrw    pmpaddr0, t0            /* NAPOT over the whole address space */
    li      t0, 0x1f                /* A=NAPOT, X, W, R */
    csrw    pmpcfg0, t0
    la      t0, storm_handler
    csrw    mtvec, t0
    csrw    medeleg, zero
    csrw    mideleg, zero
    csrw    satp, zero
#ifdef INTERRUPTS
    li      t0, CLINT_MTIMECMP0
    sd      zero, 0(t0)             /* mtime >= 0 = mtimecmp: the timer interrupt is pending from now on */
    li      t0, (1 << 7)            /* mie.MTIE */
    csrw    mie, t0
#else
    csrw    mie, zero
#endif
    li      t0, (3 << 11)           /* mstatus.MPP := S (01) */
    csrc    mstatus, t0
    li      t0, (1 << 11)
    csrs    mstatus, t0
    la      t0, storm_loop
    csrw    mepc, t0
    mret

    .globl storm_loop
storm_loop:
    ecall
    addi    s1, s1, 1
    j       storm_loop

    .balign 4
    .globl storm_handler
storm_handler:
    addi    s2, s2, 1
    csrr    t0, mcause
    bltz    t0, 1f                  /* an interrupt: return to the same instruction */
    csrr    t0, mepc
    addi    t0, t0, 4               /* an exception (the ecall): step over it */
    csrw    mepc, t0
1:  mret

park:
    wfi
    j       park
