/*
 * exec.c: replace the current task's program with one from the initramfs.
 *
 * Build a new address space: each PT_LOAD segment of the ELF executable is copied
 * into fresh pages at its virtual address (with R/W/X from the segment's flags
 * plus U); the stack is USER_STACK_PAGES pages just below USER_TOP. The argument
 * strings and the argv array are written on the new stack:
 *
 *   USER_TOP -> +-------------------------+
 *               | argument strings        |
 *               | argv[0..argc-1], NULL   |  <- a1
 *   sp ------>  +-------------------------+  (16-byte aligned), a0 = argc
 *
 * Only when everything has worked is the old address space thrown away, so a
 * failed exec returns an error to a program that still exists.
 */
#include "elf.h"

#define MAX_ARGS 16
#define ARG_LEN 64

int elf_header_ok(const struct elf_header *h, u64 size, int type)
{
    return size >= sizeof *h && h->ident[0] == 0x7f && h->ident[1] == 'E' &&
           h->ident[2] == 'L' && h->ident[3] == 'F' && h->ident[4] == 2 &&
           h->ident[5] == 1 && h->type == type && h->machine == ELF_MACHINE_RISCV;
}

static int load_segment(pagetable_t pt, const struct initfs_file *f, const struct elf_segment *s)
{
    if (s->memsz < s->filesz || s->offset + s->filesz > f->size ||
        s->vaddr < USER_BASE || s->vaddr + s->memsz > USER_TOP - USER_STACK_PAGES * PAGE_SIZE)
        return -E_NOEXEC;
    u64 perms = PTE_U | ((s->flags & PF_R) ? PTE_R : 0) | ((s->flags & PF_W) ? PTE_W : 0) |
                ((s->flags & PF_X) ? PTE_X : 0);
    for (u64 va = s->vaddr & ~(PAGE_SIZE - 1); va < s->vaddr + s->memsz; va += PAGE_SIZE) {
        pte_t *pte = pte_lookup(pt, va, 0);
        u8 *page;
        if (pte && (*pte & PTE_V)) {                /* shared with the previous segment */
            page = (u8 *)((*pte >> PTE_PPN_SHIFT) << PAGE_SHIFT);
            *pte |= perms;
        } else {
            page = page_alloc();
            if (!page || map_page(pt, va, (u64)page, perms) < 0)
                return -E_NOMEM;
        }
        /* copy the part of the file that falls in this page */
        u64 lo = va > s->vaddr ? va : s->vaddr;
        u64 hi = va + PAGE_SIZE < s->vaddr + s->filesz ? va + PAGE_SIZE : s->vaddr + s->filesz;
        if (hi > lo)
            memcpy(page + (lo - va), f->data + s->offset + (lo - s->vaddr), hi - lo);
    }
    return 0;
}

/* Copies argv from the old address space into kernel buffers. */
static int fetch_args(u64 user_argv, char args[][ARG_LEN], int *argc)
{
    pagetable_t pt = current_task()->pagetable;
    *argc = 0;
    if (!user_argv)
        return 0;
    for (;;) {
        u64 p;
        if (copy_from_user(pt, &p, user_argv + 8 * (u64)*argc, 8) < 0)
            return -E_FAULT;
        if (!p)
            return 0;
        if (*argc == MAX_ARGS)
            return -E_INVAL;
        if (string_from_user(pt, args[*argc], p, ARG_LEN) < 0)
            return -E_FAULT;
        (*argc)++;
    }
}

static int build_stack(pagetable_t pt, char args[][ARG_LEN], int argc, u64 *sp_out)
{
    u64 bottom = USER_TOP - USER_STACK_PAGES * PAGE_SIZE;
    for (u64 va = bottom; va < USER_TOP; va += PAGE_SIZE) {
        void *page = page_alloc();
        if (!page || map_page(pt, va, (u64)page, PTE_U | PTE_R | PTE_W) < 0)
            return -E_NOMEM;
    }
    u64 sp = USER_TOP;
    u64 argv[MAX_ARGS + 1];
    for (int i = argc - 1; i >= 0; i--) {
        u64 len = strlen(args[i]) + 1;
        sp -= len;
        if (copy_to_user(pt, sp, args[i], len) < 0)
            return -E_FAULT;
        argv[i] = sp;
    }
    argv[argc] = 0;
    sp = (sp - 8 * (u64)(argc + 1)) & ~15UL;
    if (copy_to_user(pt, sp, argv, 8 * (u64)(argc + 1)) < 0)
        return -E_FAULT;
    *sp_out = sp;
    return 0;
}

int exec_program(const char *path, u64 user_argv)
{
    static char args_storage[MAX_TASKS][MAX_ARGS][ARG_LEN];   /* too big for the stack */
    struct task *t = current_task();
    char (*args)[ARG_LEN] = args_storage[t - task_table];
    int argc;
    int err = fetch_args(user_argv, args, &argc);
    if (err < 0)
        return err;
    if (argc == 0) {
        strlcopy(args[0], path, ARG_LEN);
        argc = 1;
    }
    const struct initfs_file *f = initfs_find(path);
    if (!f)
        return -E_NOENT;
    const struct elf_header *h = (const struct elf_header *)f->data;
    if (f->kind != DIR_PROGRAM || !elf_header_ok(h, f->size, ELF_TYPE_EXEC) ||
        h->phentsize != sizeof(struct elf_segment) || h->phoff % 8 ||
        h->phoff + (u64)h->phnum * sizeof(struct elf_segment) > f->size)
        return -E_NOEXEC;

    pagetable_t pt = user_pagetable_new();
    if (!pt)
        return -E_NOMEM;
    const struct elf_segment *segs = (const struct elf_segment *)(f->data + h->phoff);
    u64 sp = 0;
    for (int i = 0; i < h->phnum && err == 0; i++)
        if (segs[i].type == PT_LOAD)
            err = load_segment(pt, f, &segs[i]);
    if (err == 0)
        err = build_stack(pt, args, argc, &sp);
    if (err < 0) {
        user_pagetable_free(pt);
        return err;
    }

    /* Point of no return: switch to the new address space. */
    pagetable_t old = t->pagetable;
    t->pagetable = pt;
    csr_write(satp, SATP_MODE_SV39 | ((u64)pt >> PAGE_SHIFT));
    flush_tlb();
    if (old)
        user_pagetable_free(old);
    strlcopy(t->name, path, sizeof t->name);
    struct trap_regs *r = t->user_regs;
    memset(r->x, 0, sizeof r->x);
    r->pc = h->entry;
    r->x[2] = sp;
    r->x[10] = (u64)argc;        /* a0: main's argc ... */
    r->x[11] = sp;               /* a1: ... and argv */
    return argc;                 /* syscall_dispatch stores this in a0 too */
}
