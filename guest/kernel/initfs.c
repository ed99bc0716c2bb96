/*
 * initfs.c: the initial RAM file system, a read-only archive linked into the
 * kernel image (initfs_blob.S includes build/initfs.img). The archive format is
 * ours, written by tools/mkinitfs.ts; all numbers little-endian:
 *
 *   offset 0   8 bytes   magic "KWBFS\0v1"
 *   offset 8   u32       number of files, n
 *   offset 12  u32       total size of the archive in bytes
 *   offset 16  n entries of 48 bytes each:
 *                 32 bytes  name, NUL-padded (at most 31 characters)
 *                 u32       kind (enum dir_kind: program, module, text)
 *                 u32       size in bytes
 *                 u32       offset of the data from the start of the archive (8-aligned)
 *                 u32       FNV-1a 32-bit hash of the data
 *   then the data of each file.
 *
 * At boot we check the magic, the bounds and every hash, and build a table.
 */
#include "kernel.h"

#define INITFS_MAGIC "KWBFS\0v1"
#define INITFS_MAX_FILES 64
#define ENTRY_SIZE 48

extern const u8 initfs_image[], initfs_image_end[];
static struct initfs_file files[INITFS_MAX_FILES];
static int file_count;

static u32 get_u32(const u8 *p)
{
    return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u32 fnv1a(const u8 *p, u64 n)
{
    u32 h = 2166136261u;
    while (n--)
        h = (h ^ *p++) * 16777619u;
    return h;
}

void initfs_init(void)
{
    const u8 *img = initfs_image;
    u64 avail = (u64)(initfs_image_end - initfs_image);
    if (avail < 16 || memcmp(img, INITFS_MAGIC, 8) != 0)
        panic("initfs: bad magic");
    u32 n = get_u32(img + 8), total = get_u32(img + 12);
    if (total > avail || n > INITFS_MAX_FILES || 16 + (u64)n * ENTRY_SIZE > total)
        panic("initfs: bad header (%u files, %u bytes)", n, total);
    for (u32 i = 0; i < n; i++) {
        const u8 *e = img + 16 + i * ENTRY_SIZE;
        u32 size = get_u32(e + 36), off = get_u32(e + 40);
        if ((u64)off + size > total || e[31] != 0)
            panic("initfs: entry %u is out of bounds", i);
        if (fnv1a(img + off, size) != get_u32(e + 44))
            panic("initfs: %s is corrupt", (const char *)e);
        files[i].name = (const char *)e;
        files[i].kind = (int)get_u32(e + 32);
        files[i].size = size;
        files[i].data = img + off;
    }
    file_count = (int)n;
    kprintf("initfs: %d files, %u bytes\n", file_count, total);
}

const struct initfs_file *initfs_find(const char *name)
{
    for (int i = 0; i < file_count; i++)
        if (strcmp(files[i].name, name) == 0)
            return &files[i];
    return NULL;
}

const struct initfs_file *initfs_at(int index)
{
    return index >= 0 && index < file_count ? &files[index] : NULL;
}
