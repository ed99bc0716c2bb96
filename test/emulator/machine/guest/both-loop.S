// Two harts (or more) run the same two-instruction loop forever: a breakpoint on `loop` is
// reached by every hart, each a moment after it resumes.
  .globl _start
_start:
loop:
  addi t0, t0, 1
  j loop
