/*
 * fdt.c: just enough of a flattened device tree reader to count the harts.
 * At reset, the board's boot code (QEMU's, and our machine's) leaves the address of
 * a device tree blob in a1; entry.S passes it on. Format: the Devicetree
 * Specification, chapter 5: a header of big-endian 32-bit words, then a structure
 * block of tokens (BEGIN_NODE name, END_NODE, PROP len nameoff value, NOP, END).
 * Each hart is a node "cpu@N" inside the node "cpus".
 */
#include "kernel.h"

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

static u32 be32(const u8 *p)
{
    return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* Number of cpu@N nodes under /cpus, or 0 if there is no usable device tree. */
int fdt_count_harts(u64 fdt)
{
    if (fdt < RAM_BASE || fdt >= RAM_END || fdt % 4)
        return 0;
    const u8 *blob = (const u8 *)fdt;
    if (be32(blob) != FDT_MAGIC)
        return 0;
    u32 total = be32(blob + 4), struct_off = be32(blob + 8), struct_size = be32(blob + 36);
    if ((u64)struct_off + struct_size > total || fdt + total > RAM_END)
        return 0;
    const u8 *p = blob + struct_off, *end = p + struct_size;
    int depth = 0, in_cpus = 0, harts = 0;
    while (p + 4 <= end) {
        u32 token = be32(p);
        p += 4;
        if (token == FDT_BEGIN_NODE) {
            const char *name = (const char *)p;
            u64 len = strlen(name);
            depth++;
            if (depth == 2 && strcmp(name, "cpus") == 0)
                in_cpus = 1;
            else if (in_cpus && depth == 3 && strncmp(name, "cpu@", 4) == 0)
                harts++;
            p += ALIGN_UP(len + 1, 4);
        } else if (token == FDT_END_NODE) {
            if (depth == 2)
                in_cpus = 0;
            depth--;
        } else if (token == FDT_PROP) {
            if (p + 8 > end)
                return 0;
            p += 8 + ALIGN_UP(be32(p), 4);
        } else if (token == FDT_NOP) {
            continue;
        } else {
            break;                                 /* FDT_END, or something unknown */
        }
    }
    return harts;
}
