# Entry and trap vector of the bare-metal device test program (see main.c). Runs in M-mode
# from the reset vector (a0 = hartid, a1 = FDT). Hart 0 runs main(); other harts park in WFI.
    .section .text.start
    .globl _start
_start:
    bnez a0, park
    la sp, stack_top
    la t0, trap_vector
    csrw mtvec, t0            # direct mode: every trap enters trap_vector
    call main                 # main(hartid, fdt) never returns; it powers off
park:
    wfi
    j park

# Saves the caller-saved registers, calls trap(mcause, mepc), restores them and returns.
    .align 4
trap_vector:
    addi sp, sp, -128
    sd ra, 0(sp)
    sd t0, 8(sp)
    sd t1, 16(sp)
    sd t2, 24(sp)
    sd a0, 32(sp)
    sd a1, 40(sp)
    sd a2, 48(sp)
    sd a3, 56(sp)
    sd a4, 64(sp)
    sd a5, 72(sp)
    sd a6, 80(sp)
    sd a7, 88(sp)
    sd t3, 96(sp)
    sd t4, 104(sp)
    sd t5, 112(sp)
    sd t6, 120(sp)
    csrr a0, mcause
    csrr a1, mepc
    call trap
    ld ra, 0(sp)
    ld t0, 8(sp)
    ld t1, 16(sp)
    ld t2, 24(sp)
    ld a0, 32(sp)
    ld a1, 40(sp)
    ld a2, 48(sp)
    ld a3, 56(sp)
    ld a4, 64(sp)
    ld a5, 72(sp)
    ld a6, 80(sp)
    ld a7, 88(sp)
    ld t3, 96(sp)
    ld t4, 104(sp)
    ld t5, 112(sp)
    ld t6, 120(sp)
    addi sp, sp, 128
    mret
