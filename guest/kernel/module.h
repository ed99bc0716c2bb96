/*
 * module.h: loaded modules as the kernel (and a debugger) sees them.
 * Part of the debugger contract (guest/README.md): module_list, struct module's
 * name and sections[], and the hooks module_loaded() / module_unloading().
 */
#ifndef KWB_MODULE_H
#define KWB_MODULE_H
#include "kernel.h"

#define MODULE_NAME_LEN 32
#define MODULE_MAX_SECTIONS 16
#define SECTION_NAME_LEN 24

/* One allocated (SHF_ALLOC) section of the module's object file. */
struct module_section {
    char name[SECTION_NAME_LEN];   /* ".text", ".data", ".rodata.str1.8", ... */
    u64 addr;                      /* where it was loaded */
    u64 size;
};

/* A function symbol, kept for backtraces. */
struct module_symbol {
    u64 addr;
    u64 size;
    char name[32];
};

struct module {
    char name[MODULE_NAME_LEN];    /* file name without ".ko" */
    struct module *next;           /* module_list is a singly linked list */
    int section_count;
    /* every SHF_ALLOC section, in the order of the object's section headers */
    struct module_section sections[MODULE_MAX_SECTIONS];
    u64 base;                      /* the module's memory: [base, base + size) */
    u64 size;
    int (*start)(void);            /* the module's kmod_start */
    void (*stop)(void);            /* its kmod_stop, if any */
    struct module_symbol *symbols; /* function symbols (one page) */
    int symbol_count;
};

extern struct module *module_list;
void module_loaded(struct module *m);
void module_unloading(struct module *m);
#endif
