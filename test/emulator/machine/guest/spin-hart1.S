// Two harts: hart 1 counts forever, every other hart sleeps in WFI with interrupts off
// (a pause must name the hart that was running, not hart 0).
  .globl _start
_start:
  csrr t1, mhartid
  li t2, 1
  beq t1, t2, spin
sleep:
  wfi
  j sleep
spin:
  addi t0, t0, 1
  j spin
