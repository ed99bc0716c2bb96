// A loop with a forward taken branch inside it (the translator's stretch tests): the stretch
// from `loop` runs through the branch to `fwd` when the page is cold and stops at `j loop`.
  .globl _start
_start:
  li t0, 0
loop:
  addi t0, t0, 1
  beq zero, zero, fwd
  addi t2, t2, 1
fwd:
  addi t1, t1, 1
back:
  j loop
