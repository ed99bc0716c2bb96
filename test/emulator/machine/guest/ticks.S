// Prints "tick" lines on the NS16550A UART from the machine timer interrupt (CLINT), five
// times, then powers off through sifive_test: output and instruction count depend only on
// the machine's virtual time, so two runs must match exactly.
#define UART 0x10000000
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
  li t0, 5
  blt s0, t0, wait
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
1: j 1b

arm:                              // mtimecmp = mtime + 1000 (100 us of virtual time)
  li t0, CLINT + 0xbff8
  ld t1, 0(t0)
  addi t1, t1, 1000
  li t0, CLINT + 0x4000
  sd t1, 0(t0)
  ret

  .balign 4
handler:
  addi s0, s0, 1
  la a0, msg
  li t0, UART
2: lbu t1, 0(a0)
  beqz t1, 3f
  sb t1, 0(t0)
  addi a0, a0, 1
  j 2b
3: addi t1, s0, '0'
  sb t1, 0(t0)
  li t1, '\n'
  sb t1, 0(t0)
  mv s1, ra
  call arm
  mv ra, s1
  mret
msg: .asciz "tick "
