/*
 * exports.c: the kernel's export table, the only kernel symbols a module may use.
 * EXPORT_TO_MODULES(x) puts {"x", &x} in the section .kexports; kernel.ld gathers
 * them between kexports_start and kexports_end, and the module loader looks
 * undefined symbols up here by name.
 * Exercise: export a new function and use it from a module of your own.
 */
#include "kernel.h"

extern const struct kernel_export kexports_start[], kexports_end[];

const void *kernel_export_lookup(const char *name)
{
    for (const struct kernel_export *e = kexports_start; e < kexports_end; e++)
        if (strcmp(e->name, name) == 0)
            return e->addr;
    return NULL;
}

EXPORT_TO_MODULES(kprintf);
EXPORT_TO_MODULES(ksnprintf);
EXPORT_TO_MODULES(panic);
EXPORT_TO_MODULES(memset);
EXPORT_TO_MODULES(memcpy);
EXPORT_TO_MODULES(memmove);
EXPORT_TO_MODULES(memcmp);
EXPORT_TO_MODULES(strlen);
EXPORT_TO_MODULES(strcmp);
EXPORT_TO_MODULES(device_register);
EXPORT_TO_MODULES(device_unregister);
EXPORT_TO_MODULES(page_alloc);
EXPORT_TO_MODULES(page_free);
EXPORT_TO_MODULES(ticks);
EXPORT_TO_MODULES(ticks_sleep);
EXPORT_TO_MODULES(spin_init);
EXPORT_TO_MODULES(spin_lock);
EXPORT_TO_MODULES(spin_unlock);
EXPORT_TO_MODULES(task_list_fill);
