# Entry of the FP end-to-end guest: M-mode, enables the FPU (mstatus.FS = Initial), sets a
# stack and the global pointer (gcc relaxes small-data accesses to gp) and calls main; main's return value is reported through HTIF tohost.
    .section .text
    .globl _start
_start:
    li t0, 1 << 13
    csrs mstatus, t0
    la sp, stack_top
.option push
.option norelax
    la gp, __global_pointer$
.option pop
    call main
    slli a0, a0, 1
    ori a0, a0, 1
    la t0, tohost
    sd a0, 0(t0)
1:  j 1b

    .bss
    .align 4
    .space 16384
stack_top:
