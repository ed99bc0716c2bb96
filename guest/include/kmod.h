/*
 * kmod.h: what a module may use. A module is a C file compiled with `gcc -c`
 * (never linked) that defines
 *     int kmod_start(void);    called after loading; non-zero refuses the load
 *     void kmod_stop(void);    called before unloading (optional)
 * and calls only the kernel functions exported to modules (kernel/exports.c),
 * declared here.
 */
#ifndef KWB_KMOD_H
#define KWB_KMOD_H

typedef unsigned long u64;
typedef long i64;
typedef unsigned long size_t;
#define NULL ((void *)0)

void kprintf(const char *fmt, ...);
int ksnprintf(char *buf, int size, const char *fmt, ...);
void panic(const char *fmt, ...) __attribute__((noreturn));
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
void *page_alloc(void);
void page_free(void *page);
extern volatile u64 ticks;

/* A character device user programs can open by name (same as the kernel's). */
struct char_device {
    const char *name;
    i64 (*read)(struct char_device *dev, void *buf, u64 len, u64 offset);
    i64 (*write)(struct char_device *dev, const void *buf, u64 len, u64 offset);
    struct char_device *next;
};
int device_register(struct char_device *dev);
void device_unregister(struct char_device *dev);

#endif
