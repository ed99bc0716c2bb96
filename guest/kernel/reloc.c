/*
 * reloc.c: applying one RISC-V relocation to a loaded module.
 *
 * Meanings from the RISC-V ELF psABI, "Relocations": S is the symbol's address,
 * A the addend, P the address being patched. Instruction fields (the unprivileged
 * spec, "Base Instruction Formats" and the compressed "CB"/"CJ" formats) are put
 * in place by the put_* helpers. Instructions may sit at any 2-byte boundary, so
 * they are read and written a byte at a time.
 *
 * We never relax: R_RISCV_RELAX and R_RISCV_ALIGN are accepted and left alone.
 * The code the assembler emitted is complete as it stands (auipc+jalr pairs stay
 * pairs; alignment padding is a run of nops that simply executes), so only the
 * alignment promised by R_RISCV_ALIGN may not hold. For our modules nothing
 * depends on it.
 */
#include "reloc.h"

static u32 get32(u8 *p) { return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24; }
static void set32(u8 *p, u32 v) { p[0] = (u8)v; p[1] = (u8)(v >> 8); p[2] = (u8)(v >> 16); p[3] = (u8)(v >> 24); }
static u16 get16(u8 *p) { return (u16)(p[0] | p[1] << 8); }
static void set16(u8 *p, u16 v) { p[0] = (u8)v; p[1] = (u8)(v >> 8); }
static u64 get64(u8 *p) { return (u64)get32(p) | (u64)get32(p + 4) << 32; }
static void set64(u8 *p, u64 v) { set32(p, (u32)v); set32(p + 4, (u32)(v >> 32)); }

static int fits_signed(i64 v, int bits) { return v >= -(1L << (bits - 1)) && v < (1L << (bits - 1)); }
#define BIT(v, n) (((u32)((v) >> (n))) & 1u)
#define BITS(v, hi, lo) (((u32)((v) >> (lo))) & ((1u << ((hi) - (lo) + 1)) - 1))

/* I-type: imm[11:0] -> bits 31:20 */
static void put_i(u8 *p, i64 v) { set32(p, (get32(p) & 0x000fffffu) | BITS(v, 11, 0) << 20); }
/* S-type: imm[11:5] -> 31:25, imm[4:0] -> 11:7 */
static void put_s(u8 *p, i64 v) { set32(p, (get32(p) & 0x01fff07fu) | BITS(v, 11, 5) << 25 | BITS(v, 4, 0) << 7); }
/* U-type: the upper 20 bits, rounded so that adding the sign-extended low 12 gives v */
static void put_u(u8 *p, i64 v) { set32(p, (get32(p) & 0xfffu) | (((u32)(v + 0x800)) & 0xfffff000u)); }
/* B-type: imm[12] -> 31, imm[10:5] -> 30:25, imm[4:1] -> 11:8, imm[11] -> 7 */
static void put_b(u8 *p, i64 v)
{
    set32(p, (get32(p) & 0x01fff07fu) | BIT(v, 12) << 31 | BITS(v, 10, 5) << 25 |
             BITS(v, 4, 1) << 8 | BIT(v, 11) << 7);
}
/* J-type: imm[20] -> 31, imm[10:1] -> 30:21, imm[11] -> 20, imm[19:12] -> 19:12 */
static void put_j(u8 *p, i64 v)
{
    set32(p, (get32(p) & 0x00000fffu) | BIT(v, 20) << 31 | BITS(v, 10, 1) << 21 |
             BIT(v, 11) << 20 | BITS(v, 19, 12) << 12);
}
/* CB (c.beqz/c.bnez): off[8] -> 12, off[4:3] -> 11:10, off[7:6] -> 6:5, off[2:1] -> 4:3, off[5] -> 2 */
static void put_cb(u8 *p, i64 v)
{
    set16(p, (u16)((get16(p) & 0xe383u) | BIT(v, 8) << 12 | BITS(v, 4, 3) << 10 |
                   BITS(v, 7, 6) << 5 | BITS(v, 2, 1) << 3 | BIT(v, 5) << 2));
}
/* CJ (c.j): off[11] -> 12, off[4] -> 11, off[9:8] -> 10:9, off[10] -> 8, off[6] -> 7,
 *           off[7] -> 6, off[3:1] -> 5:3, off[5] -> 2 */
static void put_cj(u8 *p, i64 v)
{
    set16(p, (u16)((get16(p) & 0xe003u) | BIT(v, 11) << 12 | BIT(v, 4) << 11 |
                   BITS(v, 9, 8) << 9 | BIT(v, 10) << 8 | BIT(v, 6) << 7 | BIT(v, 7) << 6 |
                   BITS(v, 3, 1) << 3 | BIT(v, 5) << 2));
}

/* How many bytes at the patched address a relocation of this type touches. */
u64 reloc_width(u32 type)
{
    switch (type) {
    case R_RISCV_NONE: case R_RISCV_RELAX: case R_RISCV_ALIGN: return 0;
    case R_RISCV_ADD8: case R_RISCV_SUB8: case R_RISCV_SET6: case R_RISCV_SUB6: case R_RISCV_SET8: return 1;
    case R_RISCV_ADD16: case R_RISCV_SUB16: case R_RISCV_SET16:
    case R_RISCV_RVC_BRANCH: case R_RISCV_RVC_JUMP: return 2;
    case R_RISCV_64: case R_RISCV_ADD64: case R_RISCV_SUB64: case R_RISCV_CALL: case R_RISCV_CALL_PLT: return 8;
    default: return 4;
    }
}

/* Returns NULL on success, or a few words on what is wrong. */
const char *reloc_apply(u32 type, u8 *where, u64 S, i64 A, u64 lo12_value)
{
    u64 P = (u64)where;
    i64 pcrel = (i64)(S + (u64)A - P);
    u64 abs = S + (u64)A;
    switch (type) {
    case R_RISCV_NONE: case R_RISCV_RELAX: case R_RISCV_ALIGN:
        return NULL;
    case R_RISCV_32:
        if (abs >> 32) return "R_RISCV_32 value does not fit";
        set32(where, (u32)abs); return NULL;
    case R_RISCV_64:
        set64(where, abs); return NULL;
    case R_RISCV_32_PCREL:
        if (!fits_signed(pcrel, 32)) return "R_RISCV_32_PCREL out of range";
        set32(where, (u32)pcrel); return NULL;
    case R_RISCV_HI20:
        if (!fits_signed((i64)abs, 32)) return "R_RISCV_HI20: address above 2 GiB";
        put_u(where, (i64)abs); return NULL;
    case R_RISCV_LO12_I:
        put_i(where, (i64)abs); return NULL;
    case R_RISCV_LO12_S:
        put_s(where, (i64)abs); return NULL;
    case R_RISCV_PCREL_HI20:
        if (!fits_signed(pcrel + 0x800, 32)) return "R_RISCV_PCREL_HI20 out of range";
        put_u(where, pcrel); return NULL;
    case R_RISCV_PCREL_LO12_I:            /* the value is the paired HI20's, found by the caller */
        put_i(where, (i64)lo12_value); return NULL;
    case R_RISCV_PCREL_LO12_S:
        put_s(where, (i64)lo12_value); return NULL;
    case R_RISCV_CALL: case R_RISCV_CALL_PLT:    /* auipc ra, hi ; jalr ra, lo(ra) */
        if (!fits_signed(pcrel + 0x800, 32)) return "R_RISCV_CALL out of range";
        put_u(where, pcrel);
        put_i(where + 4, pcrel);
        return NULL;
    case R_RISCV_BRANCH:
        if (!fits_signed(pcrel, 13) || (pcrel & 1)) return "R_RISCV_BRANCH out of range";
        put_b(where, pcrel); return NULL;
    case R_RISCV_JAL:
        if (!fits_signed(pcrel, 21) || (pcrel & 1)) return "R_RISCV_JAL out of range";
        put_j(where, pcrel); return NULL;
    case R_RISCV_RVC_BRANCH:
        if (!fits_signed(pcrel, 9) || (pcrel & 1)) return "R_RISCV_RVC_BRANCH out of range";
        put_cb(where, pcrel); return NULL;
    case R_RISCV_RVC_JUMP:
        if (!fits_signed(pcrel, 12) || (pcrel & 1)) return "R_RISCV_RVC_JUMP out of range";
        put_cj(where, pcrel); return NULL;
    case R_RISCV_ADD8:  *where = (u8)(*where + abs); return NULL;
    case R_RISCV_ADD16: set16(where, (u16)(get16(where) + abs)); return NULL;
    case R_RISCV_ADD32: set32(where, (u32)(get32(where) + abs)); return NULL;
    case R_RISCV_ADD64: set64(where, get64(where) + abs); return NULL;
    case R_RISCV_SUB8:  *where = (u8)(*where - abs); return NULL;
    case R_RISCV_SUB16: set16(where, (u16)(get16(where) - abs)); return NULL;
    case R_RISCV_SUB32: set32(where, (u32)(get32(where) - abs)); return NULL;
    case R_RISCV_SUB64: set64(where, get64(where) - abs); return NULL;
    case R_RISCV_SUB6:  *where = (u8)((*where & 0xc0) | ((*where - abs) & 0x3f)); return NULL;
    case R_RISCV_SET6:  *where = (u8)((*where & 0xc0) | (abs & 0x3f)); return NULL;
    case R_RISCV_SET8:  *where = (u8)abs; return NULL;
    case R_RISCV_SET16: set16(where, (u16)abs); return NULL;
    case R_RISCV_SET32: set32(where, (u32)abs); return NULL;
    default:
        return "unsupported relocation type";
    }
}
