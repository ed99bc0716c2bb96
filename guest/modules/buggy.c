/*
 * buggy: a module with a bug on a path users can reach. It adds the device
 * "buggy"; reading it follows a pointer that was never set, so the kernel takes
 * a page fault inside the module and panics. The backtrace names
 * buggy_format_record in module buggy. Exercise: find the bug with the debugger
 * (set a breakpoint in buggy_read after insmod), then fix it.
 */
#include "../include/kmod.h"

struct record {
    const char *title;
    u64 reads;
};

struct record *buggy_current_record;      /* the bug: nothing ever sets this */

static __attribute__((noinline)) u64 buggy_format_record(char *out, u64 len)
{
    kprintf("buggy module: formatting the current record\n");
    buggy_current_record->reads++;              /* faults: the pointer is NULL */
    return (u64)ksnprintf(out, (int)len, "%s\n", buggy_current_record->title);
}

static i64 buggy_read(struct char_device *dev, void *buf, u64 len, u64 offset)
{
    (void)dev;
    if (offset > 0)
        return 0;
    return (i64)buggy_format_record(buf, len);
}

static struct char_device buggy_device = {
    .name = "buggy",
    .read = buggy_read,
};

int kmod_start(void)
{
    kprintf("buggy module: device 'buggy' ready (reading it crashes the kernel)\n");
    return device_register(&buggy_device);
}

void kmod_stop(void)
{
    device_unregister(&buggy_device);
}
