// Exceptions and timer interrupts mixed in one loop, for the slicing tests: each round takes
// an illegal-instruction trap and an ecall (both skipped by the handler) and logs mtime as
// read from the CLINT; the machine timer fires every TIMER_TICKS ticks and its handler logs
// the retired-instruction count (minstret) and mepc at which it arrived. The logs live at
// `samples` and `irqs` (count in `irq_n`); the test compares them between runs sliced
// differently, which must not change what the guest sees. Ends through HTIF tohost = 1.
#include "harness.h"
#define CLINT 0x2000000
#define MTIMECMP0 (CLINT + 0x4000)
#define MTIME (CLINT + 0xbff8)
#define ROUNDS 64
#define TIMER_TICKS 9
#define MAX_IRQS 64

  START
  la t0, handler
  csrw mtvec, t0
  // first timer: TIMER_TICKS from now
  li s0, MTIME
  li s1, MTIMECMP0
  ld t0, 0(s0)
  addi t0, t0, TIMER_TICKS
  sd t0, 0(s1)
  li t0, 1 << 7
  csrs mie, t0
  csrsi mstatus, 1 << 3
  la s2, samples
  li s3, ROUNDS
round:
  .word 0                     // illegal instruction: the handler skips it
  ecall                       // the handler skips it too
  ld t0, 0(s0)
  sd t0, 0(s2)
  addi s2, s2, 8
  addi s3, s3, -1
  bnez s3, round
  csrci mstatus, 1 << 3
  PASS

  .balign 4
handler:
  csrr t1, mcause
  bltz t1, timer
  csrr t1, mepc               // an exception: continue after the 4-byte instruction
  addi t1, t1, 4
  csrw mepc, t1
  mret
timer:
  la t1, irq_n
  ld t2, 0(t1)
  li t3, MAX_IRQS
  bgeu t2, t3, 1f
  slli t3, t2, 4
  la t4, irqs
  add t3, t3, t4
  csrr t4, minstret
  sd t4, 0(t3)
  csrr t4, mepc
  sd t4, 8(t3)
  addi t2, t2, 1
  sd t2, 0(t1)
1:
  ld t1, 0(s0)
  addi t1, t1, TIMER_TICKS
  sd t1, 0(s1)
  mret

  END
  .section .data
  .balign 8
  .globl samples, irqs, irq_n
samples: .fill ROUNDS, 8, 0
irqs: .fill 2 * MAX_IRQS, 8, 0
irq_n: .dword 0
