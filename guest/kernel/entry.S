/*
 * entry.S: the first instructions. QEMU (-bios none) starts every hart here, at
 * 0x8000_0000, in machine mode with a0 = hart id and a1 = the address of the
 * device tree (the board's reset code puts it there). Each hart takes its own boot
 * stack and calls machine_start() (mstart.c), which drops to supervisor mode.
 */
#define MAX_HARTS_ASM 4          /* keep equal to MAX_HARTS in board.h */
#define BOOT_STACK_SIZE 16384

    .section .text.boot
    .globl _start
_start:
    csrr    t0, mhartid
    li      t1, MAX_HARTS_ASM
    bgeu    t0, t1, park            /* more harts than we have stacks for: park them */
    la      sp, boot_stacks
    li      t1, BOOT_STACK_SIZE
    addi    t0, t0, 1
    mul     t1, t1, t0
    add     sp, sp, t1              /* sp = top of this hart's boot stack */
    li      s0, 0                   /* frame pointer 0 ends every backtrace */
    csrr    a0, mhartid             /* a1 still holds the device tree's address */
    call    machine_start
park:
    wfi
    j       park

    .section .bss.stacks
    .balign 16
    .globl boot_stacks
boot_stacks:
    .space BOOT_STACK_SIZE * MAX_HARTS_ASM
