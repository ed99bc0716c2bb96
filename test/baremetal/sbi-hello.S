# A minimal S-mode "kernel" for booting behind OpenSBI's fw_jump (loaded at 0x80200000): it
# prints a line through the legacy SBI console_putchar call (EID 1), then asks the SBI System
# Reset extension (EID "SRST", FID 0) for a shutdown, which OpenSBI performs through the
# board's sifive_test device as the FDT describes it.
  .globl _start
_start:
  la a2, msg
1: lbu a0, 0(a2)
  beqz a0, 2f
  li a7, 1
  ecall
  addi a2, a2, 1
  j 1b
2: li a7, 0x53525354
  li a6, 0
  li a0, 0          # shutdown
  li a1, 0          # no reason
  ecall
3: wfi
  j 3b
msg: .asciz "S-mode kernel: hello through SBI\n"
