/*
 * page_alloc.c: hands out physical memory one 4 KiB page at a time.
 * Free pages form a singly linked list threaded through the pages themselves;
 * everything from the end of the kernel image (kernel_end, see kernel.ld) to
 * the end of RAM starts on it.
 */
#include "kernel.h"

struct free_page {
    struct free_page *next;
};

extern char kernel_end[];
static struct spinlock pages_lock;
static struct free_page *free_list;
static u64 free_count;
static u64 total_count;           /* pages the allocator manages (SysRq m) */

/* At boot only hart 0 runs, so the list is built without taking the lock, lowest
 * page last (so page_alloc hands out low addresses first). */
void page_alloc_init(void)
{
    spin_init(&pages_lock, "pages");
    for (u64 p = ALIGN_UP((u64)kernel_end, PAGE_SIZE); p + PAGE_SIZE <= RAM_END; p += PAGE_SIZE) {
        struct free_page *f = (struct free_page *)p;
        f->next = free_list;
        free_list = f;
        free_count++;
    }
    total_count = free_count;
}

void page_free(void *page)
{
    u64 p = (u64)page;
    if (p % PAGE_SIZE || p < (u64)kernel_end || p >= RAM_END)
        panic("page_free: bad page %p", page);
    struct free_page *f = page;
    spin_lock(&pages_lock);
    f->next = free_list;
    free_list = f;
    free_count++;
    spin_unlock(&pages_lock);
}

void *page_alloc(void)
{
    spin_lock(&pages_lock);
    struct free_page *f = free_list;
    if (f) {
        free_list = f->next;
        free_count--;
    }
    spin_unlock(&pages_lock);
    if (f)
        memset(f, 0, PAGE_SIZE);
    return f;
}

u64 pages_free_count(void)
{
    return free_count;
}

u64 pages_total_count(void)
{
    return total_count;
}
