// Guest for the machine's debugger-side tests: a call loop (breakpoints), stores to and
// loads from watched words, labelled straight-line code (single step), a result taken from
// a0 at `report` (register writes), an Sv39 mapping entered in S-mode (memory spaces), and
// the exit code through HTIF.
#include "harness.h"
  START
  li s0, 0
  li s1, 3
call_loop:
  call func
  addi s0, s0, 1
  bne s0, s1, call_loop
  // watched words
  la a0, watched
  li a1, 7
store_watched:
  sw a1, 0(a0)
after_store_watched:
  la a0, loaded
load_loaded:
  lw a2, 0(a0)
after_load_loaded:
  // straight-line code with a compressed instruction in the middle
step0:
  addi a3, zero, 1
step1:
  c.addi a3, 2
step2:
  slli a3, a3, 4
step3:
  li a0, 0
report:
  nop
  // Sv39: VA 0x40000000 -> data_page (A clear in the PTE), identity gigapage for the code
  la t0, data_page
  srli t0, t0, 12
  slli t0, t0, 10
  ori t0, t0, 0x7                 // V R W, A = D = 0
  la t1, l0
  sd t0, 0(t1)
  la t0, l0
  srli t0, t0, 12
  slli t0, t0, 10
  ori t0, t0, 1
  la t1, l1
  sd t0, 0(t1)
  la t0, l1
  srli t0, t0, 12
  slli t0, t0, 10
  ori t0, t0, 1
  la t1, root
  sd t0, 8(t1)
  la t0, _start
  srli t0, t0, 12
  slli t0, t0, 10
  ori t0, t0, 0xcf                // V R W X A D
  sd t0, 16(t1)
  la t0, root
  srli t0, t0, 12
  li t1, 8 << 60
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  la t0, exit_handler
  csrw mtvec, t0
  ENTER_MODE 1
in_s:
  nop
  ecall                           // to exit_handler in M
  .balign 4
exit_handler:                     // exit code = a0 (a test may write it at `report`)
  slli a0, a0, 1
  ori a0, a0, 1
  la t0, tohost
  sd a0, 0(t0)
1: j 1b

  .balign 4
func:
  addi a5, a5, 1
  ret
  END
  .section .data
  .balign 8
watched: .dword 0
loaded: .dword 0x1234
  .balign 4096
root: .space 4096
l1: .space 4096
l0: .space 4096
data_page: .dword 0x5566778899aabbcc
  .space 4088
