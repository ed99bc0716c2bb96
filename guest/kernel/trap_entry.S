/*
 * trap_entry.S: where the hart goes on a trap (stvec).
 *
 * Two entry points, because the hart arrives in different situations:
 *  - from_user_entry: stvec while a task runs in user mode. sscratch holds the
 *    address of the task's struct trap_regs (top of its kernel stack). We swap sp
 *    with sscratch, store every user register there, and call user_trap() in trap.c
 *    on the kernel stack just below the frame. user_trap never returns here; it
 *    leaves through return_to_user below.
 *  - from_kernel_entry: stvec while the kernel runs. We push a struct trap_regs on
 *    the current kernel stack, call kernel_trap(), restore and sret.
 * The frame layout is struct trap_regs (kernel.h): x[0..31], pc, status, cause,
 * badaddr, kernel_tp.
 */
    .equ TR_PC, 256
    .equ TR_STATUS, 264
    .equ TR_CAUSE, 272
    .equ TR_BADADDR, 280
    .equ TR_KERNEL_TP, 288
    .equ TR_SIZE, 304        /* 296 rounded up to 16 */

    .text
    .balign 4
    .globl from_user_entry
from_user_entry:
    csrrw sp, sscratch, sp          /* sp = &task->user_regs, sscratch = user sp */
    sd x1, 8(sp)
    sd x3, 24(sp)
    sd x4, 32(sp)
    sd x5, 40(sp)
    sd x6, 48(sp)
    sd x7, 56(sp)
    sd x8, 64(sp)
    sd x9, 72(sp)
    sd x10, 80(sp)
    sd x11, 88(sp)
    sd x12, 96(sp)
    sd x13, 104(sp)
    sd x14, 112(sp)
    sd x15, 120(sp)
    sd x16, 128(sp)
    sd x17, 136(sp)
    sd x18, 144(sp)
    sd x19, 152(sp)
    sd x20, 160(sp)
    sd x21, 168(sp)
    sd x22, 176(sp)
    sd x23, 184(sp)
    sd x24, 192(sp)
    sd x25, 200(sp)
    sd x26, 208(sp)
    sd x27, 216(sp)
    sd x28, 224(sp)
    sd x29, 232(sp)
    sd x30, 240(sp)
    sd x31, 248(sp)
    csrr t0, sscratch
    sd t0, 16(sp)                   /* the user sp */
    csrr t0, sepc
    sd t0, TR_PC(sp)
    csrr t0, sstatus
    sd t0, TR_STATUS(sp)
    csrr t0, scause
    sd t0, TR_CAUSE(sp)
    csrr t0, stval
    sd t0, TR_BADADDR(sp)
    ld tp, TR_KERNEL_TP(sp)         /* back to the kernel's tp: this hart's struct hart */
    la t0, from_kernel_entry
    csrw stvec, t0                  /* traps from now on happen in the kernel */
    mv a0, sp
    li s0, 0                        /* frame pointer 0: backtraces stop here */
    call user_trap                  /* does not return */

    /* return_to_user(struct trap_regs *r): interrupts are off when we get here */
    .globl return_to_user
return_to_user:
    la t0, from_user_entry
    csrw stvec, t0
    csrw sscratch, a0
    sd tp, TR_KERNEL_TP(a0)
    ld t0, TR_PC(a0)
    csrw sepc, t0
    ld t0, TR_STATUS(a0)
    csrw sstatus, t0
    ld x1, 8(a0)
    ld x2, 16(a0)
    ld x3, 24(a0)
    ld x4, 32(a0)
    ld x5, 40(a0)
    ld x6, 48(a0)
    ld x7, 56(a0)
    ld x8, 64(a0)
    ld x9, 72(a0)
    ld x11, 88(a0)
    ld x12, 96(a0)
    ld x13, 104(a0)
    ld x14, 112(a0)
    ld x15, 120(a0)
    ld x16, 128(a0)
    ld x17, 136(a0)
    ld x18, 144(a0)
    ld x19, 152(a0)
    ld x20, 160(a0)
    ld x21, 168(a0)
    ld x22, 176(a0)
    ld x23, 184(a0)
    ld x24, 192(a0)
    ld x25, 200(a0)
    ld x26, 208(a0)
    ld x27, 216(a0)
    ld x28, 224(a0)
    ld x29, 232(a0)
    ld x30, 240(a0)
    ld x31, 248(a0)
    ld a0, 80(a0)
    sret

    .balign 4
    .globl from_kernel_entry
from_kernel_entry:
    addi sp, sp, -TR_SIZE
    sd x1, 8(sp)
    sd x3, 24(sp)
    sd x4, 32(sp)
    sd x5, 40(sp)
    sd x6, 48(sp)
    sd x7, 56(sp)
    sd x8, 64(sp)
    sd x9, 72(sp)
    sd x10, 80(sp)
    sd x11, 88(sp)
    sd x12, 96(sp)
    sd x13, 104(sp)
    sd x14, 112(sp)
    sd x15, 120(sp)
    sd x16, 128(sp)
    sd x17, 136(sp)
    sd x18, 144(sp)
    sd x19, 152(sp)
    sd x20, 160(sp)
    sd x21, 168(sp)
    sd x22, 176(sp)
    sd x23, 184(sp)
    sd x24, 192(sp)
    sd x25, 200(sp)
    sd x26, 208(sp)
    sd x27, 216(sp)
    sd x28, 224(sp)
    sd x29, 232(sp)
    sd x30, 240(sp)
    sd x31, 248(sp)
    addi t0, sp, TR_SIZE
    sd t0, 16(sp)                   /* sp before the trap */
    csrr t0, sepc
    sd t0, TR_PC(sp)
    csrr t0, sstatus
    sd t0, TR_STATUS(sp)
    csrr t0, scause
    sd t0, TR_CAUSE(sp)
    csrr t0, stval
    sd t0, TR_BADADDR(sp)
    mv a0, sp
    call kernel_trap
    ld t0, TR_PC(sp)
    csrw sepc, t0
    ld t0, TR_STATUS(sp)
    csrw sstatus, t0
    ld x1, 8(sp)
    ld x3, 24(sp)
    ld x4, 32(sp)
    ld x5, 40(sp)
    ld x6, 48(sp)
    ld x7, 56(sp)
    ld x8, 64(sp)
    ld x9, 72(sp)
    ld x10, 80(sp)
    ld x11, 88(sp)
    ld x12, 96(sp)
    ld x13, 104(sp)
    ld x14, 112(sp)
    ld x15, 120(sp)
    ld x16, 128(sp)
    ld x17, 136(sp)
    ld x18, 144(sp)
    ld x19, 152(sp)
    ld x20, 160(sp)
    ld x21, 168(sp)
    ld x22, 176(sp)
    ld x23, 184(sp)
    ld x24, 192(sp)
    ld x25, 200(sp)
    ld x26, 208(sp)
    ld x27, 216(sp)
    ld x28, 224(sp)
    ld x29, 232(sp)
    ld x30, 240(sp)
    ld x31, 248(sp)
    addi sp, sp, TR_SIZE
    sret
