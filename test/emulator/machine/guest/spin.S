// A guest that never stops on its own (pause and determinism tests): counts forever.
  .globl _start
_start:
  li t0, 0
spin:
  addi t0, t0, 1
  j spin
