// A machine timer interrupt pending the moment interrupts are enabled: a debugger's single step
// that masks interrupts (QEMU's default for gdb) walks on through `after_enable`; a plain step
// (as a free run) enters `handler` first.
#define CLINT 0x2000000
  .globl _start
_start:
  la t0, handler
  csrw mtvec, t0
  li t0, CLINT + 0x4000           // mtimecmp = 0: pending at once
  sd zero, 0(t0)
  li t0, 1 << 7
  csrw mie, t0
  .globl enable
enable:
  csrsi mstatus, 8
  .globl after_enable
after_enable:
  addi s1, s1, 1
  .globl second
second:
  addi s1, s1, 1
1: j 1b

  .balign 4
  .globl handler
handler:
  li t0, CLINT + 0x4000           // mtimecmp far away: quiet again
  li t1, -1
  sd t1, 0(t0)
  mret
