// An S-mode payload for OpenSBI fw_jump (loaded at 0x80200000): prints through the SBI
// legacy console_putchar call (EID 0x01), then asks for a shutdown through the SBI System
// Reset extension (EID 0x53525354 "SRST", FID 0, type 0 = shutdown, reason 0).
  .globl _start
_start:
  la s0, msg
1: lbu a0, 0(s0)
  beqz a0, 2f
  li a7, 0x01
  ecall
  addi s0, s0, 1
  j 1b
2: csrr a0, sstatus              // we run in S-mode: reading sstatus must not trap
  li a7, 0x53525354
  li a6, 0
  li a0, 0
  li a1, 0
  ecall
3: j 3b
msg: .asciz "hello from S-mode\n"
