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
 *
 * Call-frame information (the .cfi_ directives; they add no instructions): they
 * tell a debugger where the interrupted context is, so that a backtrace taken in
 * user_trap() or kernel_trap() goes on through the trap into the interrupted code:
 * the user program, or the kernel function a trap from kernel mode interrupted.
 * Every register is at its x[] slot of the frame, and the interrupted pc at its pc
 * slot, named through DWARF column 64, which the RISC-V psABI reserves as the
 * "alternate frame return column": the return-address column cannot be ra (x1),
 * because x1 here is the interrupted code's own ra, not where it resumes. Before
 * the pc is stored it is in sepc (DWARF 4096 + 0x141), the user sp in sscratch
 * (4096 + 0x140). The entries are described as ordinary frames, not with
 * .cfi_signal_frame: gdb 13 for RISC-V has no unwinder for CFI signal frames (its
 * prologue analyser takes such a frame and stops: "frame did not save the PC").
 * So gdb looks up the interrupted frame's line at pc - 1: right for a system call
 * (user_trap moves the saved pc past the ecall before anyone unwinds), at worst
 * the line before for an interrupt. The information goes to .debug_frame, as the
 * C files' does (kernel.ld discards .eh_frame).
 */
    .cfi_sections .debug_frame
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
    .cfi_startproc
    .cfi_return_column 64
    .cfi_register 64, 4417          /* the interrupted pc is in sepc */
    csrrw sp, sscratch, sp          /* sp = &task->user_regs, sscratch = user sp */
    .cfi_register 2, 4416           /* the user sp is in sscratch; the CFA is the frame */
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
    .cfi_offset 1, 8
    .cfi_offset 3, 24
    .cfi_offset 4, 32
    .cfi_offset 5, 40
    .cfi_offset 6, 48
    .cfi_offset 7, 56
    .cfi_offset 8, 64
    .cfi_offset 9, 72
    .cfi_offset 10, 80
    .cfi_offset 11, 88
    .cfi_offset 12, 96
    .cfi_offset 13, 104
    .cfi_offset 14, 112
    .cfi_offset 15, 120
    .cfi_offset 16, 128
    .cfi_offset 17, 136
    .cfi_offset 18, 144
    .cfi_offset 19, 152
    .cfi_offset 20, 160
    .cfi_offset 21, 168
    .cfi_offset 22, 176
    .cfi_offset 23, 184
    .cfi_offset 24, 192
    .cfi_offset 25, 200
    .cfi_offset 26, 208
    .cfi_offset 27, 216
    .cfi_offset 28, 224
    .cfi_offset 29, 232
    .cfi_offset 30, 240
    .cfi_offset 31, 248
    csrr t0, sscratch
    sd t0, 16(sp)                   /* the user sp */
    .cfi_offset 2, 16
    csrr t0, sepc
    sd t0, TR_PC(sp)
    .cfi_offset 64, TR_PC
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
    .cfi_endproc

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
    .cfi_startproc
    .cfi_return_column 64
    .cfi_register 64, 4417          /* the interrupted pc is in sepc */
    .cfi_remember_state             /* every other register is the interrupted one */
    addi sp, sp, -TR_SIZE
    .cfi_def_cfa_offset TR_SIZE     /* CFA = the interrupted sp */
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
    .cfi_offset 1, 8-TR_SIZE
    .cfi_offset 3, 24-TR_SIZE
    .cfi_offset 4, 32-TR_SIZE
    .cfi_offset 5, 40-TR_SIZE
    .cfi_offset 6, 48-TR_SIZE
    .cfi_offset 7, 56-TR_SIZE
    .cfi_offset 8, 64-TR_SIZE
    .cfi_offset 9, 72-TR_SIZE
    .cfi_offset 10, 80-TR_SIZE
    .cfi_offset 11, 88-TR_SIZE
    .cfi_offset 12, 96-TR_SIZE
    .cfi_offset 13, 104-TR_SIZE
    .cfi_offset 14, 112-TR_SIZE
    .cfi_offset 15, 120-TR_SIZE
    .cfi_offset 16, 128-TR_SIZE
    .cfi_offset 17, 136-TR_SIZE
    .cfi_offset 18, 144-TR_SIZE
    .cfi_offset 19, 152-TR_SIZE
    .cfi_offset 20, 160-TR_SIZE
    .cfi_offset 21, 168-TR_SIZE
    .cfi_offset 22, 176-TR_SIZE
    .cfi_offset 23, 184-TR_SIZE
    .cfi_offset 24, 192-TR_SIZE
    .cfi_offset 25, 200-TR_SIZE
    .cfi_offset 26, 208-TR_SIZE
    .cfi_offset 27, 216-TR_SIZE
    .cfi_offset 28, 224-TR_SIZE
    .cfi_offset 29, 232-TR_SIZE
    .cfi_offset 30, 240-TR_SIZE
    .cfi_offset 31, 248-TR_SIZE
    addi t0, sp, TR_SIZE
    sd t0, 16(sp)                   /* sp before the trap */
    csrr t0, sepc
    sd t0, TR_PC(sp)
    .cfi_offset 64, TR_PC-TR_SIZE
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
    .cfi_restore_state              /* all registers are the interrupted ones again; the pc is in sepc */
    sret
    .cfi_endproc
