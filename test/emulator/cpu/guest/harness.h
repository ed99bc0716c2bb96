// Test harness for the hart's instruction-level guest programs: results go to the HTIF
// `tohost` word (1 = pass, (n << 1) | 1 = check n failed), as Spike's test protocol has it.
// Expected values in the tests are hand-computed from the ISA specification.
#define TESTNUM gp

// Machine-mode entry: a trap handler that fails unless a test installed its own.
.macro START
  .section .text
  .globl _start
_start:
  la t0, unexpected_trap
  csrw mtvec, t0
  li TESTNUM, 0
.endm

.macro PASS
  li t6, 1
  la t5, tohost
  sd t6, 0(t5)
1: j 1b
.endm

// CHECK n, reg, value: test n fails unless reg == value (li pseudo: any 64-bit constant).
.macro CHECK n, reg, val
  li TESTNUM, \n
  li t6, \val
  bne \reg, t6, fail
.endm

// The common tail: failure reporting, the unexpected-trap handler and the HTIF words.
.macro END
fail:
  slli t6, TESTNUM, 1
  ori t6, t6, 1
  la t5, tohost
  sd t6, 0(t5)
1: j 1b
  .balign 4
unexpected_trap:
  li t6, 0x7ff
  add TESTNUM, TESTNUM, t6
  j fail
  .section .data
  .balign 64
  .globl tohost
tohost: .dword 0
  .globl fromhost
fromhost: .dword 0
.endm
