/*
 * reloc.h: RISC-V relocation numbers (RISC-V ELF psABI, table "Relocation types")
 * and the function that applies one.
 */
#ifndef KWB_RELOC_H
#define KWB_RELOC_H
#include "kernel.h"

enum riscv_reloc {
    R_RISCV_NONE = 0, R_RISCV_32 = 1, R_RISCV_64 = 2,
    R_RISCV_BRANCH = 16, R_RISCV_JAL = 17, R_RISCV_CALL = 18, R_RISCV_CALL_PLT = 19,
    R_RISCV_PCREL_HI20 = 23, R_RISCV_PCREL_LO12_I = 24, R_RISCV_PCREL_LO12_S = 25,
    R_RISCV_HI20 = 26, R_RISCV_LO12_I = 27, R_RISCV_LO12_S = 28,
    R_RISCV_ADD8 = 33, R_RISCV_ADD16 = 34, R_RISCV_ADD32 = 35, R_RISCV_ADD64 = 36,
    R_RISCV_SUB8 = 37, R_RISCV_SUB16 = 38, R_RISCV_SUB32 = 39, R_RISCV_SUB64 = 40,
    R_RISCV_ALIGN = 43, R_RISCV_RVC_BRANCH = 44, R_RISCV_RVC_JUMP = 45,
    R_RISCV_RELAX = 51, R_RISCV_SUB6 = 52, R_RISCV_SET6 = 53, R_RISCV_SET8 = 54,
    R_RISCV_SET16 = 55, R_RISCV_SET32 = 56, R_RISCV_32_PCREL = 57
};

/* lo12_value: for PCREL_LO12_*, the S+A-P of the PCREL_HI20 it pairs with. */
u64 reloc_width(u32 type);
const char *reloc_apply(u32 type, u8 *where, u64 S, i64 A, u64 lo12_value);
#endif
