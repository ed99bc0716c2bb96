/*
 * panic.c: stop the kernel with a message and a backtrace.
 *
 * The backtrace follows frame pointers: every function compiled with
 * -fno-omit-frame-pointer keeps s0 pointing just above its frame, with its
 * return address at s0-8 and its caller's s0 at s0-16. Addresses are named
 * from kernel_symbols[] (ksyms.S, generated at build time from the linked kernel
 * by tools/mksyms.ts) and from the symbol tables of loaded modules.
 * After a panic every hart stops; the machine stays up for a debugger to look.
 */
#include "kernel.h"
#include <stdarg.h>

int kvsnprintf(char *buf, int size, const char *fmt, va_list ap);

struct kernel_symbol {
    u64 addr;
    const char *name;
};
extern const struct kernel_symbol kernel_symbols[];
extern const u64 kernel_symbol_count;
extern char kernel_text_start[], kernel_text_end[];

volatile int panicking;

/* Name of the function containing addr, with the distance into it; NULL if unknown. */
const char *symbol_for(u64 addr, u64 *offset)
{
    if (addr >= (u64)kernel_text_start && addr < (u64)kernel_text_end) {
        u64 lo = 0, hi = kernel_symbol_count;
        while (hi - lo > 1) {                     /* last symbol with addr <= target */
            u64 mid = (lo + hi) / 2;
            if (kernel_symbols[mid].addr <= addr) lo = mid; else hi = mid;
        }
        if (kernel_symbol_count && kernel_symbols[lo].addr <= addr) {
            *offset = addr - kernel_symbols[lo].addr;
            return kernel_symbols[lo].name;
        }
        return NULL;
    }
    const char *module_name;
    return module_symbol_for(addr, offset, &module_name);
}

static void print_frame(int depth, u64 pc)
{
    u64 off = 0;
    const char *name = symbol_for(pc, &off);
    const char *module_name = NULL;
    if (pc >= MODULE_AREA && pc < MODULE_AREA_END)
        module_symbol_for(pc, &off, &module_name);
    if (name && module_name)
        kprintf("  #%d 0x%lx %s+0x%lx [%s]\n", depth, pc, name, off, module_name);
    else if (name)
        kprintf("  #%d 0x%lx %s+0x%lx\n", depth, pc, name, off);
    else
        kprintf("  #%d 0x%lx ?\n", depth, pc);
}

static int frame_pointer_plausible(u64 fp)
{
    return fp >= RAM_BASE && fp < RAM_END && (fp & 7) == 0;
}

/* Prints pc, then walks the frame-pointer chain starting at fp. */
void backtrace_from(u64 pc, u64 fp)
{
    kprintf("backtrace:\n");
    print_frame(0, pc);
    for (int depth = 1; depth < 24 && frame_pointer_plausible(fp); depth++) {
        u64 ra = ((u64 *)fp)[-1];
        u64 caller_fp = ((u64 *)fp)[-2];
        if (ra == 0)
            break;
        print_frame(depth, ra - 4);               /* the call instruction, not the one after */
        if (caller_fp <= fp)                      /* stacks grow down: callers live higher */
            break;
        fp = caller_fp;
    }
}

void panic(const char *fmt, ...)
{
    irq_off();
    panicking = 1;
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    kprintf("\npanic on hart %d: %s\n", this_hart()->id, msg);
    backtrace_from((u64)&panic, read_fp());
    kprintf("system halted\n");
    for (;;)
        asm volatile("wfi");
}

/* A panic caused by a trap: the backtrace starts where the trap happened. */
void panic_at(u64 pc, u64 fp, const char *fmt, ...)
{
    irq_off();
    panicking = 1;
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    kprintf("\npanic on hart %d: %s\n", this_hart()->id, msg);
    backtrace_from(pc, fp);
    kprintf("system halted\n");
    for (;;)
        asm volatile("wfi");
}
