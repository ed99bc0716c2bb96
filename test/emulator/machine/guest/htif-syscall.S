// HTIF proxied system calls, as Spike's front end serves them to the riscv-tests benchmarks:
// tohost = address of eight 64-bit words (number, args...); the host answers in word 0, clears
// tohost and sets fromhost to 1. Expected answers (Linux numbers): write(64) returns the byte
// count, an unknown call -ENOSYS (-38), a bad fd -EBADF (-9), a buffer outside RAM -EFAULT
// (-14). A call block outside RAM is acknowledged (no answer). Ends with exit(93) code 42;
// a failed check n ends through tohost with code n instead.
#include "harness.h"

// SYSCALL: sends the block at `magic`, waits for fromhost, checks tohost was cleared, clears
// fromhost and leaves word 0 (the answer) in a0.
.macro SYSCALL n
  la t0, magic
  la t1, tohost
  sd t0, 0(t1)
  call wait_host
  li TESTNUM, \n
  bnez a1, fail
  ld a0, 0(t0)
.endm

.macro SET_BLOCK which, a, b, c
  la t0, magic
  li t1, \which
  sd t1, 0(t0)
  li t1, \a
  sd t1, 8(t0)
  li t1, \b
  sd t1, 16(t0)
  li t1, \c
  sd t1, 24(t0)
.endm

  START
  // write(1, msg, 6)
  SET_BLOCK 64, 1, 0, 6
  la t1, msg
  sd t1, 16(t0)
  SYSCALL 2
  CHECK 3, a0, 6
  // unknown call
  SET_BLOCK 1234, 0, 0, 0
  SYSCALL 4
  CHECK 5, a0, -38
  // write to an fd that is not the console
  SET_BLOCK 64, 5, 0, 1
  la t1, msg
  sd t1, 16(t0)
  SYSCALL 6
  CHECK 7, a0, -9
  // write from a buffer outside RAM
  SET_BLOCK 64, 1, 0x10, 4
  SYSCALL 8
  CHECK 9, a0, -14
  // a call block outside RAM: acknowledged, nothing else
  li t0, 0x40
  la t1, tohost
  sd t0, 0(t1)
  call wait_host
  li TESTNUM, 10
  bnez a1, fail
  // exit(42)
  SET_BLOCK 93, 42, 0, 0
  SYSCALL 11
  li TESTNUM, 12
  j fail

// Waits until fromhost is non-zero; a1 = tohost (0 when the host cleared it); clears fromhost.
wait_host:
  la t2, fromhost
1: ld t3, 0(t2)
  beqz t3, 1b
  la t1, tohost
  ld a1, 0(t1)
  sd zero, 0(t2)
  ret

  END

  .section .data
msg: .ascii "hello\n"
  .balign 64
magic: .fill 8, 8, 0
