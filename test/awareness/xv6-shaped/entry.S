# The xv6-shaped test kernel's entry and its two assembly routines (our own code, not xv6's).
# Every hart starts here in M-mode; tp holds the hart id (as xv6 keeps it), each hart gets a
# 4 KiB boot stack.
  .section .text
  .global _start
_start:
  csrr tp, mhartid
  la sp, stack0
  addi t0, tp, 1
  slli t0, t0, 12
  add sp, sp, t0
  call cmain
1:
  j 1b

# void swtch(struct context *old, struct context *new), for this test's struct context, whose
# members run s11..s0, sp, ra (the reverse of xv6's order).
  .global swtch
swtch:
  sd s11, 0(a0)
  sd s10, 8(a0)
  sd s9, 16(a0)
  sd s8, 24(a0)
  sd s7, 32(a0)
  sd s6, 40(a0)
  sd s5, 48(a0)
  sd s4, 56(a0)
  sd s3, 64(a0)
  sd s2, 72(a0)
  sd s1, 80(a0)
  sd s0, 88(a0)
  sd sp, 96(a0)
  sd ra, 104(a0)
  ld s11, 0(a1)
  ld s10, 8(a1)
  ld s9, 16(a1)
  ld s8, 24(a1)
  ld s7, 32(a1)
  ld s6, 40(a1)
  ld s5, 48(a1)
  ld s4, 56(a1)
  ld s3, 64(a1)
  ld s2, 72(a1)
  ld s1, 80(a1)
  ld s0, 88(a1)
  ld sp, 96(a1)
  ld ra, 104(a1)
  ret

# A process's first instructions: like a trampoline, enter usertrap by a jump (ra = 0), so that
# usertrap is the bottom of the kernel stack and the user context lives only in p->trapframe.
  .global userentry
userentry:
  li ra, 0
  la t0, usertrap
  jr t0

# A trap taken in the kernel (here an M-mode ecall; mtvec points here): push every register
# and call kerneltrap, as xv6's kernelvec does, but with another frame size and the registers
# in reverse order (x31 at 0(sp) ... x1 at 240(sp)); the first half is assembled without
# compressed instructions, the rest with them, so the profile's decoder meets both forms.
  .global kernelvec
  .align 4
kernelvec:
  .option push
  .option norvc
  addi sp, sp, -272
  sd t6, 0(sp)
  sd t5, 8(sp)
  sd t4, 16(sp)
  sd t3, 24(sp)
  sd s11, 32(sp)
  sd s10, 40(sp)
  sd s9, 48(sp)
  sd s8, 56(sp)
  sd s7, 64(sp)
  sd s6, 72(sp)
  sd s5, 80(sp)
  sd s4, 88(sp)
  sd s3, 96(sp)
  sd s2, 104(sp)
  sd a7, 112(sp)
  .option pop
  sd a6, 120(sp)
  sd a5, 128(sp)
  sd a4, 136(sp)
  sd a3, 144(sp)
  sd a2, 152(sp)
  sd a1, 160(sp)
  sd a0, 168(sp)
  sd s1, 176(sp)
  sd s0, 184(sp)
  sd t2, 192(sp)
  sd t1, 200(sp)
  sd t0, 208(sp)
  sd tp, 216(sp)
  sd gp, 224(sp)
  sd sp, 232(sp)
  sd ra, 240(sp)
  call kerneltrap
1:
  j 1b
