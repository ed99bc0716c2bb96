/*
 * relocs: a module written in assembly so that its object file carries every
 * relocation type the loader supports (check with
 * `riscv64-unknown-elf-readelf -r build/modules/relocs.ko`). kmod_start then
 * checks, by computing each value a second way, that the loader patched them
 * all correctly, and prints how many checks passed. A failed check refuses
 * the load (kmod_start returns the mask of failed checks).
 *
 * Check  relocations                    computed another way
 *   0    PCREL_HI20 + PCREL_LO12_I      against R_RISCV_64 data
 *   1    HI20 + LO12_I                  against check 0
 *   2    HI20 + LO12_S (store)          read back PC-relative
 *   3    PCREL_HI20 + PCREL_LO12_S      read back through R_RISCV_64 data
 *   4    R_RISCV_32                     against check 0
 *   5    CALL                           callee returns 42
 *   6    CALL_PLT                       callee returns 43
 *   7    BRANCH                         target sets 7
 *   8    JAL                            callee returns 9
 *   9    RVC_BRANCH                     target sets 10
 *  10    RVC_JUMP                       target sets 11
 *  11    ADD/SUB 8, 16, 32, 64          label difference measured at run time
 *  12    SET6, SUB6                     expected bits computed at run time
 *  13    ALIGN, RELAX                   (accepted; the code still runs)
 */
#define FAIL_IF_NE(n, a, b) \
    beq a, b, 99f;          \
    li t6, 1 << (n);        \
    or s1, s1, t6;          \
99:

    .text
    .globl kmod_start
    .type kmod_start, @function
kmod_start:
    addi sp, sp, -32
    sd ra, 24(sp)
    sd s0, 16(sp)
    sd s1, 8(sp)
    sd s2, 0(sp)
    addi s0, sp, 32
    li s1, 0

    /* 0: PC-relative address vs. absolute 64-bit data */
    lla s2, target_word
    ld t1, abs64_target
    FAIL_IF_NE(0, s2, t1)

    /* 1: absolute lui/addi */
    lui t0, %hi(target_word)
    addi t0, t0, %lo(target_word)
    FAIL_IF_NE(1, s2, t0)

    /* 2: absolute store (LO12_S), read back PC-relative */
    li t3, 0x1234
    lui t2, %hi(store_a)
    sw t3, %lo(store_a)(t2)
    lla t4, store_a
    lw t5, 0(t4)
    FAIL_IF_NE(2, t3, t5)

    /* 3: PC-relative store (PCREL_LO12_S), read back through an absolute pointer */
    li t3, 0x5678
1:  auipc t2, %pcrel_hi(store_b)
    sw t3, %pcrel_lo(1b)(t2)
    ld t4, abs64_store_b
    lw t5, 0(t4)
    FAIL_IF_NE(3, t3, t5)

    /* 4: 32-bit absolute data */
    lwu t1, abs32_target
    FAIL_IF_NE(4, s2, t1)

    /* 5: CALL */
    .reloc ., R_RISCV_CALL, return_42
    auipc ra, 0
    jalr ra, 0(ra)
    li t1, 42
    FAIL_IF_NE(5, a0, t1)

    /* 6: CALL_PLT */
    .reloc ., R_RISCV_CALL_PLT, return_43
    auipc ra, 0
    jalr ra, 0(ra)
    li t1, 43
    FAIL_IF_NE(6, a0, t1)

    /* 7: BRANCH into another section and back */
    li a0, 0
    beq zero, zero, branch_target
branch_back:
    li t1, 7
    FAIL_IF_NE(7, a0, t1)

    /* 8: JAL */
    jal ra, return_9
    li t1, 9
    FAIL_IF_NE(8, a0, t1)

    /* 9 and 10: compressed branch and jump (in .text.rvc, see below) */
    jal ra, rvc_tests
    li t1, 21
    FAIL_IF_NE(9, a0, t1)

    /* 11: label differences, measured now */
    lla t0, span_start
    lla t1, span_end
    sub t2, t1, t0                 /* the true distance */
    lla t3, spans
    lbu t4, 0(t3)
    FAIL_IF_NE(11, t2, t4)
    lhu t4, 2(t3)
    FAIL_IF_NE(11, t2, t4)
    lwu t4, 4(t3)
    FAIL_IF_NE(11, t2, t4)
    ld t4, 8(t3)
    FAIL_IF_NE(11, t2, t4)

    /* 12: SET6 wrote the low 6 bits of target_word+5, keeping the top bits 0b11;
           SUB6 subtracted 3 from the low 6 bits of 0x3f, keeping 0b10 on top */
    addi t0, s2, 5
    andi t0, t0, 0x3f
    ori t0, t0, 0xc0
    lbu t1, set6_byte
    FAIL_IF_NE(12, t0, t1)
    li t0, 0x80 | (0x3f - 3)
    lbu t1, sub6_byte
    FAIL_IF_NE(12, t0, t1)

    /* 13: we got here through aligned (ALIGN) and relaxable (RELAX) code */
    .balign 16
    nop

    lla a0, report
    li a1, 14
    mv a2, s1
    call kprintf
    mv a0, s1
    ld ra, 24(sp)
    ld s0, 16(sp)
    ld s1, 8(sp)
    ld s2, 0(sp)
    addi sp, sp, 32
    ret
    .size kmod_start, . - kmod_start

span_start:
    addi t0, t0, 1
    call return_42                 /* relaxable: the distance is not known until link time */
span_end:

    .section .text.helpers, "ax", @progbits
    .type return_42, @function
return_42:
    li a0, 42
    ret
    .type return_43, @function
return_43:
    li a0, 43
    ret
    .type return_9, @function
return_9:
    li a0, 9
    ret
branch_target:
    li a0, 7
    j branch_back

    /* Compressed branches: gas turns one whose target lies in another section into
       a 32-bit branch and jump, so the targets share this small section; with
       relaxation on, gas still leaves the offsets to the loader (RVC_BRANCH/JUMP). */
    .section .text.rvc, "ax", @progbits
    .option push
    .option rvc
    .type rvc_tests, @function
rvc_tests:
    li a0, 0
    li a1, 0
    c.beqz a1, rvc_branch_target
rvc_branch_back:
    c.j rvc_jump_target
rvc_jump_back:
    ret
rvc_branch_target:
    addi a0, a0, 10
    j rvc_branch_back
rvc_jump_target:
    addi a0, a0, 11
    j rvc_jump_back
    .option pop

    .section .rodata
report:
    .string "relocs module: %d relocation checks, failed mask 0x%x\n"

    .data
    .balign 8
target_word:
    .dword 0x1122334455667788
abs64_target:
    .dword target_word
abs64_store_b:
    .dword store_b
abs32_target:
    .word target_word
store_a:
    .word 0
store_b:
    .word 0
    .balign 8
spans:
    .byte span_end - span_start
    .byte 0
    .half span_end - span_start
    .word span_end - span_start
    .dword span_end - span_start
set6_byte:
    .byte 0xc0
sub6_byte:
    .byte 0x80 | 0x3f
    .reloc set6_byte, R_RISCV_SET6, target_word + 5
    .reloc sub6_byte, R_RISCV_SUB6, 3
