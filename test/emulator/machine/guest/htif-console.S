// HTIF console (device 1, command 1: the low byte goes to the host console) and a
// sifive_test reboot request (0x7777 at 0x100000): every boot prints "hi" and asks for a
// reboot, which reloads memory and starts over at the reset vector.
#include "harness.h"
  .globl _start
_start:
  la t0, tohost
  li t1, (1 << 56) | (1 << 48) | 'h'
  sd t1, 0(t0)
  li t1, (1 << 56) | (1 << 48) | 'i'
  sd t1, 0(t0)
  li t0, 0x100000
  li t1, 0x7777
  sw t1, 0(t0)
1: j 1b
  HTIF_WORDS
