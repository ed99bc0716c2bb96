/*
 * vm.c: Sv39 page tables.
 *
 * One kernel page table maps the devices and all of RAM at their physical
 * addresses (so a physical address is also a kernel pointer) and reserves
 * [1 GiB, 2 GiB) for modules. Every task has its own root table whose kernel part
 * is shared with the kernel's: entries 1 (modules) and 2 (RAM) of the root point
 * at the kernel's own second-level tables, and the device entries of the first
 * gigabyte are copied. User pages live below USER_TOP with the U bit; kernel pages
 * lack it, so user code cannot touch them. Because the kernel is mapped in every
 * address space, a trap does not need to change satp.
 *
 * A virtual address splits into three 9-bit indices (levels 2, 1, 0) and a 12-bit
 * offset (Privileged Spec 4.4.1).
 */
#include "kernel.h"

pagetable_t kernel_pagetable;
extern char kernel_text_start[], kernel_text_end[];

#define LEVEL_INDEX(va, level) (((va) >> (PAGE_SHIFT + 9 * (level))) & 511)
#define PTE_TO_PA(pte) (((pte) >> PTE_PPN_SHIFT) << PAGE_SHIFT)
#define PA_TO_PTE(pa) (((u64)(pa) >> PAGE_SHIFT) << PTE_PPN_SHIFT)
#define PTE_IS_LEAF(pte) ((pte) & (PTE_R | PTE_W | PTE_X))
#define USER_L1_SLOTS (USER_TOP >> 21)   /* level-1 entries that belong to user space */

/* Finds the level-0 entry for va, creating the tables on the way if asked. */
pte_t *pte_lookup(pagetable_t root, u64 va, int create)
{
    pagetable_t table = root;
    for (int level = 2; level > 0; level--) {
        pte_t *entry = &table[LEVEL_INDEX(va, level)];
        if (*entry & PTE_V) {
            if (PTE_IS_LEAF(*entry))
                return NULL;              /* a huge page: we never make those */
            table = (pagetable_t)PTE_TO_PA(*entry);
        } else {
            if (!create)
                return NULL;
            pagetable_t next = page_alloc();
            if (!next)
                return NULL;
            *entry = PA_TO_PTE(next) | PTE_V;
            table = next;
        }
    }
    return &table[LEVEL_INDEX(va, 0)];
}

int map_page(pagetable_t root, u64 va, u64 pa, u64 perms)
{
    pte_t *pte = pte_lookup(root, va, 1);
    if (!pte)
        return -E_NOMEM;
    if (*pte & PTE_V)
        panic("map_page: %p already mapped", (void *)va);
    *pte = PA_TO_PTE(pa) | perms | PTE_V | PTE_A | PTE_D;
    return 0;
}

/* Removes the mapping of va; returns the physical page it pointed to (or 0). */
u64 unmap_page(pagetable_t root, u64 va)
{
    pte_t *pte = pte_lookup(root, va, 0);
    if (!pte || !(*pte & PTE_V))
        return 0;
    u64 pa = PTE_TO_PA(*pte);
    *pte = 0;
    return pa;
}

static void map_range(u64 start, u64 end, u64 perms)
{
    for (u64 a = start & ~(PAGE_SIZE - 1); a < end; a += PAGE_SIZE)
        if (map_page(kernel_pagetable, a, a, perms) < 0)
            panic("kvm_init: out of memory");
}

/* Maps [start, end) 1:1 with 2 MiB "megapages": a leaf PTE at level 1 (Privileged Spec
 * 4.4.1: any level may hold a leaf). Both ends must be 2 MiB aligned. One entry
 * instead of a table of 512: most of RAM is mapped this way. */
#define MEGAPAGE (2UL * 1024 * 1024)
static void map_megapages(u64 start, u64 end, u64 perms)
{
    for (u64 a = start; a < end; a += MEGAPAGE) {
        pte_t *l2 = &kernel_pagetable[LEVEL_INDEX(a, 2)];
        if (!(*l2 & PTE_V)) {
            pagetable_t next = page_alloc();
            if (!next)
                panic("kvm_init: out of memory");
            *l2 = PA_TO_PTE(next) | PTE_V;
        }
        pagetable_t l1 = (pagetable_t)PTE_TO_PA(*l2);
        l1[LEVEL_INDEX(a, 1)] = PA_TO_PTE(a) | perms | PTE_V | PTE_A | PTE_D;
    }
}

void kvm_init(void)
{
    kernel_pagetable = page_alloc();
    map_range(TEST_BASE, TEST_BASE + PAGE_SIZE, PTE_R | PTE_W);   /* SysRq b (sysrq.c) */
    map_range(UART0_BASE, UART0_BASE + PAGE_SIZE, PTE_R | PTE_W);
    map_range(VIRTIO_BASE, VIRTIO_BASE + VIRTIO_SLOTS * VIRTIO_STRIDE, PTE_R | PTE_W);
    map_range(PLIC_BASE, PLIC_BASE + PLIC_SIZE, PTE_R | PTE_W);
    map_range(RAM_BASE, (u64)kernel_text_end, PTE_R | PTE_X);
    u64 small_end = ALIGN_UP((u64)kernel_text_end, MEGAPAGE);
    map_range((u64)kernel_text_end, small_end, PTE_R | PTE_W);
    map_megapages(small_end, RAM_END, PTE_R | PTE_W);
    /* The module area's level-1 table exists from the start, so every task's
     * page table, which shares it, sees modules loaded later. */
    pagetable_t modules = page_alloc();
    kernel_pagetable[LEVEL_INDEX(MODULE_AREA, 2)] = PA_TO_PTE(modules) | PTE_V;
}

void kvm_install(void)
{
    csr_write(satp, SATP_MODE_SV39 | ((u64)kernel_pagetable >> PAGE_SHIFT));
    flush_tlb();
}

pagetable_t user_pagetable_new(void)
{
    pagetable_t root = page_alloc();
    pagetable_t low = page_alloc();
    if (!root || !low) {
        if (root) page_free(root);
        if (low) page_free(low);
        return NULL;
    }
    for (int i = 1; i < 512; i++)
        root[i] = kernel_pagetable[i];
    pagetable_t kernel_low = (pagetable_t)PTE_TO_PA(kernel_pagetable[0]);
    for (u64 i = USER_L1_SLOTS; i < 512; i++)
        low[i] = kernel_low[i];
    root[0] = PA_TO_PTE(low) | PTE_V;
    return root;
}

/* Frees user pages, the user part's tables, and the root; kernel tables stay. */
void user_pagetable_free(pagetable_t root)
{
    pagetable_t low = (pagetable_t)PTE_TO_PA(root[0]);
    for (u64 i = 0; i < USER_L1_SLOTS; i++) {
        if (!(low[i] & PTE_V))
            continue;
        pagetable_t leaves = (pagetable_t)PTE_TO_PA(low[i]);
        for (int j = 0; j < 512; j++)
            if ((leaves[j] & PTE_V) && (leaves[j] & PTE_U))
                page_free((void *)PTE_TO_PA(leaves[j]));
        page_free(leaves);
    }
    page_free(low);
    page_free(root);
}

/* fork: gives `to` a private copy of every user page of `from`. */
int user_copy_mappings(pagetable_t from, pagetable_t to)
{
    pagetable_t low = (pagetable_t)PTE_TO_PA(from[0]);
    for (u64 i = 0; i < USER_L1_SLOTS; i++) {
        if (!(low[i] & PTE_V))
            continue;
        pagetable_t leaves = (pagetable_t)PTE_TO_PA(low[i]);
        for (u64 j = 0; j < 512; j++) {
            pte_t pte = leaves[j];
            if (!(pte & PTE_V) || !(pte & PTE_U))
                continue;
            void *copy = page_alloc();
            if (!copy)
                return -E_NOMEM;
            memcpy(copy, (void *)PTE_TO_PA(pte), PAGE_SIZE);
            u64 va = (i << 21) | (j << PAGE_SHIFT);
            if (map_page(to, va, (u64)copy, pte & (PTE_R | PTE_W | PTE_X | PTE_U)) < 0) {
                page_free(copy);
                return -E_NOMEM;
            }
        }
    }
    return 0;
}

/* The kernel address of user address va, if the page allows `need`; else 0. */
static u64 user_to_kernel(pagetable_t root, u64 va, u64 need)
{
    if (va >= USER_TOP)
        return 0;
    pte_t *pte = pte_lookup(root, va, 0);
    if (!pte || !(*pte & PTE_V) || !(*pte & PTE_U) || (*pte & need) != need)
        return 0;
    return PTE_TO_PA(*pte) | (va & (PAGE_SIZE - 1));
}

int copy_to_user(pagetable_t root, u64 dst, const void *src, u64 len)
{
    const u8 *s = src;
    while (len) {
        u64 k = user_to_kernel(root, dst, PTE_W);
        if (!k)
            return -E_FAULT;
        u64 n = PAGE_SIZE - (dst & (PAGE_SIZE - 1));
        if (n > len) n = len;
        memcpy((void *)k, s, n);
        s += n; dst += n; len -= n;
    }
    return 0;
}

int copy_from_user(pagetable_t root, void *dst, u64 src, u64 len)
{
    u8 *d = dst;
    while (len) {
        u64 k = user_to_kernel(root, src, PTE_R);
        if (!k)
            return -E_FAULT;
        u64 n = PAGE_SIZE - (src & (PAGE_SIZE - 1));
        if (n > len) n = len;
        memcpy(d, (void *)k, n);
        d += n; src += n; len -= n;
    }
    return 0;
}

/* Copies a NUL-terminated string of at most max-1 characters. */
int string_from_user(pagetable_t root, char *dst, u64 src, u64 max)
{
    for (u64 i = 0; i < max; i++) {
        u64 k = user_to_kernel(root, src + i, PTE_R);
        if (!k)
            return -E_FAULT;
        dst[i] = *(char *)k;
        if (!dst[i])
            return (int)i;
    }
    return -E_INVAL;
}
