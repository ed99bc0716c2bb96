// Sleeps in WFI forever, woken by the machine timer every millisecond of virtual time
// (10000 ticks of the 10 MHz CLINT); s0 counts the ticks. Idle-time tests measure how fast
// virtual time passes while every hart waits.
#define CLINT 0x2000000
  .globl _start
_start:
  la t0, handler
  csrw mtvec, t0
  li s0, 0
  call arm
  li t0, 1 << 7
  csrw mie, t0
  csrsi mstatus, 8
wait:
  wfi
  j wait

arm:                              // mtimecmp = mtime + 10000 (1 ms of virtual time)
  li t0, CLINT + 0xbff8
  ld t1, 0(t0)
  li t2, 10000
  add t1, t1, t2
  li t0, CLINT + 0x4000
  sd t1, 0(t0)
  ret

  .balign 4
handler:
  addi s0, s0, 1
  mv s1, ra
  call arm
  mv ra, s1
  mret
