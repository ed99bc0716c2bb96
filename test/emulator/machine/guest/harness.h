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
  HTIF_WORDS
.endm

// HTIF_WORDS: the tohost/fromhost pair the machine looks for (by symbol) in .data.
.macro HTIF_WORDS
  .section .data
  .balign 64
  .globl tohost
tohost: .dword 0
  .globl fromhost
fromhost: .dword 0
.endm

// EXPECT_TRAP n, label: the next instruction must trap; the handler continues at `label`
// with s2 = cause, s3 = tval, s4 = epc. Needs `mtrap` installed (INSTALL_MTRAP).
.macro EXPECT_TRAP n, label
  li TESTNUM, \n
  la s1, \label
  li s2, -1
.endm

.macro INSTALL_MTRAP
  la t0, mtrap
  csrw mtvec, t0
.endm

// M-mode handler: records cause/tval/epc, returns to s1 in M-mode.
.macro MTRAP_HANDLER
  .balign 4
mtrap:
  csrr s2, mcause
  csrr s3, mtval
  csrr s4, mepc
  csrw mepc, s1
  li t0, 3 << 11
  csrs mstatus, t0
  mret
.endm

// S-mode handler: records scause/stval/sepc, returns to s1 in S-mode.
.macro STRAP_HANDLER
  .balign 4
strap:
  csrr s2, scause
  csrr s3, stval
  csrr s4, sepc
  csrw sepc, s1
  li t0, 1 << 8
  csrs sstatus, t0
  sret
.endm

// Drop from M to mode (0 = U, 1 = S) and continue at the following code.
.macro ENTER_MODE mode
  li t0, 3 << 11
  csrc mstatus, t0
  li t0, \mode << 11
  csrs mstatus, t0
  la t0, 99f
  csrw mepc, t0
  mret
99:
.endm
