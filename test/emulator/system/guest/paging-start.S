# Entry, U-mode calls and the trap vector of the paging test program (paging.c). M-mode
# runs the test; ucall() enters U-mode at a virtual address and comes back on the U-mode
# program's ecall or on any trap, recording mcause, mtval and mepc in trap_info.
    .section .text.start
    .globl _start
_start:
    bnez a0, park
    la sp, stack_top
    la t0, trap_vector
    csrw mtvec, t0
    call main
park:
    wfi
    j park

# long ucall(u64 fn, u64 a0, u64 a1, u64 a2): runs U-mode code at virtual fn with a0..a2.
    .text
    .globl ucall
ucall:
    la t0, msave
    sd ra, 0(t0)
    sd sp, 8(t0)
    sd s0, 16(t0)
    sd s1, 24(t0)
    sd s2, 32(t0)
    sd s3, 40(t0)
    sd s4, 48(t0)
    sd s5, 56(t0)
    sd s6, 64(t0)
    sd s7, 72(t0)
    sd s8, 80(t0)
    sd s9, 88(t0)
    sd s10, 96(t0)
    sd s11, 104(t0)
    csrw mepc, a0
    li t1, 0x1800
    csrc mstatus, t1          # MPP = U
    mv a0, a1
    mv a1, a2
    mv a2, a3
    mret

    .balign 4
trap_vector:
    csrr t0, mstatus
    li t1, 0x1800
    and t0, t0, t1
    bnez t0, m_trap           # a trap from M-mode: the program itself is broken
    la t1, trap_info
    csrr t0, mcause
    sd t0, 0(t1)
    csrr t0, mtval
    sd t0, 8(t1)
    csrr t0, mepc
    sd t0, 16(t1)
    la t0, msave
    ld ra, 0(t0)
    ld sp, 8(t0)
    ld s0, 16(t0)
    ld s1, 24(t0)
    ld s2, 32(t0)
    ld s3, 40(t0)
    ld s4, 48(t0)
    ld s5, 56(t0)
    ld s6, 64(t0)
    ld s7, 72(t0)
    ld s8, 80(t0)
    ld s9, 88(t0)
    ld s10, 96(t0)
    ld s11, 104(t0)
    ret
m_trap:
    csrr a0, mcause
    csrr a1, mepc
    csrr a2, mtval
    call fatal_trap

# The U-mode program: one page of its own, mapped at a different virtual address per mode.
# No compressed instructions, so the offsets below are fixed.
    .section .text.user, "ax"
    .option push
    .option norvc
    .balign 4096
    .globl user_start
user_start:
    .globl u_ld
u_ld:
    ld a0, 0(a0)
    ecall
    .globl u_sd
u_sd:
    sd a1, 0(a0)
    li a0, 0
    ecall
    .globl u_lw
u_lw:
    lw a0, 0(a0)
    ecall
    .globl u_sw
u_sw:
    sw a1, 0(a0)
    li a0, 0
    ecall
    .globl u_lbu
u_lbu:
    lbu a0, 0(a0)
    ecall
    .globl u_sb
u_sb:
    sb a1, 0(a0)
    li a0, 0
    ecall
    .globl u_amoadd
u_amoadd:
    amoadd.d a0, a1, (a0)
    ecall
    .globl u_lrsc
u_lrsc:
    lr.d t0, (a0)
    add t0, t0, a1
    sc.d a1, t0, (a0)
    ld a0, 0(a0)
    add a0, a0, a1            # the new value, plus sc's result (0 on success)
    ecall
    .globl u_sum
u_sum:                        # sum of a1 doublewords from a0
    li t0, 0
1:  ld t1, 0(a0)
    add t0, t0, t1
    addi a0, a0, 8
    addi a1, a1, -1
    bnez a1, 1b
    mv a0, t0
    ecall
    .globl u_where
u_where:                      # its own address, through auipc
    auipc a0, 0
    ecall
    .globl u_link
u_link:                       # jumps through a register to u_link_ret; returns the link
    auipc t0, 0
    addi t0, t0, 16
    jalr ra, t0
    ebreak
    .globl u_link_ret
u_link_ret:
    mv a0, ra
    ecall
    .globl u_call
u_call:                       # calls a0 (a jump out of this page)
    jalr ra, a0
    ecall
    .globl u_ebreak
u_ebreak:
    ebreak
    ecall
    .balign 4096
    .globl user_end
user_end:
    .option pop
