/*
 * kernel.h: the kernel's shared types and the functions each file offers the others.
 * Structures a debugger reads (struct task, struct module, struct hart) are defined
 * here and in module.h; their field names are part of the debugger contract in
 * guest/README.md, so rename with care.
 */
#ifndef KWB_KERNEL_H
#define KWB_KERNEL_H

#include "riscv.h"
#include "board.h"
#include "../include/abi.h"

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef long i64;
typedef unsigned long size_t;
typedef u64 pte_t;
typedef pte_t *pagetable_t;      /* a page of 512 PTEs */
#define NULL ((void *)0)
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((u64)(a) - 1))

/* ---- spinlock.c: busy-waiting locks; interrupts stay off on this hart while held */
struct spinlock {
    volatile u32 taken;
    int hart;                    /* holder's hart id, -1 when free */
    const char *name;
};
void spin_init(struct spinlock *l, const char *name);
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
int spin_held_here(struct spinlock *l);
void irq_push(void);             /* nestable "interrupts off" */
void irq_pop(void);

/* ---- sleeplock.c: locks whose waiters sleep; they record who holds them */
struct task;
struct sleeplock {
    struct spinlock guard;       /* protects the fields below */
    int locked;
    struct task *holder;         /* the task holding it, or NULL */
    int holder_pid;
    const char *name;            /* shown by ps as "lock <name>" */
};
void sleeplock_init(struct sleeplock *l, const char *name);
void sleeplock_acquire(struct sleeplock *l);
void sleeplock_release(struct sleeplock *l);

/* ---- trap frame: every register of the interrupted code, indexed by register number */
struct trap_regs {
    u64 x[32];          /* x[0] is unused (x0 is always zero); x[2] is sp, x[10] is a0 ... */
    u64 pc;             /* sepc: where the trap happened */
    u64 status;         /* sstatus at the trap */
    u64 cause;          /* scause */
    u64 badaddr;        /* stval */
    u64 kernel_tp;      /* the kernel's tp (this hart's struct hart) for the next trap from user */
};
/* Offsets used by trap_entry.S; a static assert in trap.c keeps them honest. */
#define TR_PC 256
#define TR_STATUS 264
#define TR_CAUSE 272
#define TR_BADADDR 280
#define TR_KERNEL_TP 288
#define TR_SIZE 296

/* ---- context saved by switch_to (switch.S): the callee-saved registers */
struct kcontext {
    u64 ra;
    u64 sp;
    u64 s[12];          /* s0 (the frame pointer) .. s11 */
};
void switch_to(struct kcontext *save_here, struct kcontext *resume_this);

/* ---- task.c: the task table */
enum task_state {
    TASK_FREE = 0,      /* slot unused */
    TASK_NEW,           /* being built by fork */
    TASK_RUNNABLE,      /* waiting for a hart */
    TASK_RUNNING,       /* on a hart now (see .hart) */
    TASK_SLEEPING,      /* waiting on .wait_channel */
    TASK_ZOMBIE         /* exited, parent has not collected it yet */
};

#define MAX_TASKS 32
#define MAX_OPEN 16
#define KSTACK_SIZE 16384

struct open_file;
struct task {
    int pid;
    enum task_state state;
    char name[TASK_NAME_LEN];
    const void *wait_channel;      /* what it sleeps on, when SLEEPING */
    const char *wait_reason;       /* words for ps/debugger: "console input", "account0" */
    struct sleeplock *blocked_on;  /* the sleeping lock it waits for, if any */
    struct kcontext context;       /* saved registers while not running */
    struct trap_regs *user_regs;   /* user registers, at the top of the kernel stack */
    pagetable_t pagetable;         /* root of this task's Sv39 page table (physical address) */
    u64 kstack;                    /* lowest address of its kernel stack (KSTACK_SIZE bytes) */
    struct task *parent;
    int exit_code;
    int killed;
    int hart;                      /* hart it runs on, -1 if none */
    u64 ticks_used;
    struct open_file *files[MAX_OPEN];
};
extern struct task task_table[MAX_TASKS];
extern struct spinlock task_lock;   /* guards every task's state, wait fields and parent */

/* ---- per hart */
struct hart {
    int id;
    struct task *current;          /* the task running here (its idle task when nothing else) */
    struct task idle;              /* this hart's idle task; not in task_table */
    int irq_depth;                 /* nesting of irq_push */
    int irq_was_on;                /* interrupt state before the outermost irq_push */
    int online;
};
extern struct hart harts[MAX_HARTS];
static inline struct hart *this_hart(void) { return (struct hart *)read_tp(); }
static inline struct task *current_task(void) { return this_hart()->current; }

/* ---- sched.c */
void schedule(void);              /* give up the hart; task_lock must be held */
void yield(void);
void sleep_on(const void *chan, const char *reason, struct spinlock *held);
void wake_up(const void *chan);
void wake_up_locked(const void *chan);   /* caller holds task_lock */
void idle_loop(void) __attribute__((noreturn));
void task_entry(void);            /* where a new task's kcontext first returns to */

/* ---- task.c */
void task_table_init(void);
struct task *task_alloc(void);
void task_release(struct task *t);
int task_fork(void);
void task_exit(int code) __attribute__((noreturn));
int task_wait(u64 user_code_addr, int flags);
int task_kill(int pid);
void start_first_task(void);
int task_list_fill(struct task_info *out, int max);
void task_dump(void);             /* console task-list key */
const char *task_state_name(enum task_state s);

/* ---- vm.c */
void kvm_init(void);
void kvm_install(void);
pagetable_t user_pagetable_new(void);
void user_pagetable_free(pagetable_t root);
int map_page(pagetable_t root, u64 va, u64 pa, u64 perms);
u64 unmap_page(pagetable_t root, u64 va);
pte_t *pte_lookup(pagetable_t root, u64 va, int create);
int user_copy_mappings(pagetable_t from, pagetable_t to);
int copy_to_user(pagetable_t root, u64 dst, const void *src, u64 len);
int copy_from_user(pagetable_t root, void *dst, u64 src, u64 len);
int string_from_user(pagetable_t root, char *dst, u64 src, u64 max);
extern pagetable_t kernel_pagetable;

/* ---- page_alloc.c */
void page_alloc_init(void);
void *page_alloc(void);           /* one zeroed 4 KiB page, or NULL */
void page_free(void *page);
u64 pages_free_count(void);
u64 pages_total_count(void);

/* ---- sysrq.c: magic SysRq keys after a BREAK on the serial line */
void sysrq_break(void);
int sysrq_key(int c);             /* 1 if c was taken as a SysRq key */
void sysrq_handle(int key);
struct trap_regs *trap_interrupted_regs(void);   /* trap.c: this hart's interrupted context, in an interrupt */

/* ---- printk.c, panic.c */
void kprintf(const char *fmt, ...);
int ksnprintf(char *buf, int size, const char *fmt, ...);
void panic(const char *fmt, ...) __attribute__((noreturn));
void panic_at(u64 pc, u64 fp, const char *fmt, ...) __attribute__((noreturn));
void backtrace_from(u64 pc, u64 fp);
const char *symbol_for(u64 addr, u64 *offset);
extern volatile int panicking;

/* ---- uart.c, console.c */
void uart_init(void);
void uart_putc_raw(int c);
void uart_interrupt(void);
void console_putc(int c);
void console_write(const char *s, u64 n);
void console_input(int c);
void console_init(void);
void console_out_begin(void);   /* hold the output lock across several console_putc */
void console_out_end(void);

/* ---- trap.c, plic.c, timer.c */
void trap_hart_init(void);
void return_to_user(struct trap_regs *r) __attribute__((noreturn));
void user_trap_return(void) __attribute__((noreturn));
void plic_init(void);
void plic_hart_init(void);
int plic_claim(void);
void plic_complete(int irq);
void timer_hart_init(void);
void timer_interrupt(void);
extern volatile u64 ticks;
i64 ticks_sleep(u64 n);

/* ---- syscall.c */
void syscall_dispatch(struct trap_regs *r);

/* ---- exec.c */
int exec_program(const char *path, u64 user_argv);

/* ---- initfs.c: the read-only initial RAM file system linked into the kernel */
struct initfs_file {
    const char *name;
    const u8 *data;
    u64 size;
    int kind;                     /* enum dir_kind */
};
void initfs_init(void);
const struct initfs_file *initfs_find(const char *name);
const struct initfs_file *initfs_at(int index);

/* ---- device.c: named character devices (console, disk, and those modules add) */
struct char_device {
    const char *name;
    i64 (*read)(struct char_device *dev, void *buf, u64 len, u64 offset);
    i64 (*write)(struct char_device *dev, const void *buf, u64 len, u64 offset);
    struct char_device *next;
};
int device_register(struct char_device *dev);
void device_unregister(struct char_device *dev);
struct char_device *device_find(const char *name);
struct char_device *device_at(int index);
void devices_init(void);

/* ---- file.c */
struct open_file {
    int refs;
    const struct initfs_file *file;   /* one of these two is set */
    struct char_device *device;
    u64 offset;
    int flags;
};
int file_open(const char *name, int flags);
int file_close(int fd);
i64 file_read(int fd, u64 user_buf, u64 len);
i64 file_write(int fd, u64 user_buf, u64 len);
struct open_file *file_dup(struct open_file *f);
void file_put(struct open_file *f);

/* ---- virtio_blk.c */
void virtio_blk_init(void);
void virtio_blk_interrupt(void);
int disk_rw(u64 sector, void *buf, int write);
extern int disk_present;
extern u64 disk_sectors;

/* ---- module.c */
int module_load(const char *file_name);
int module_unload(const char *name);
int module_list_text(char *buf, int size);
const char *module_symbol_for(u64 addr, u64 *offset, const char **module_name);

/* ---- lesson.c */
i64 lesson_transfer(int from, int to);
i64 lesson_peek(u64 address);

/* ---- fdt.c */
int fdt_count_harts(u64 fdt);

/* ---- string.c */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
void strlcopy(char *dst, const char *src, size_t size);

/* ---- exports.c: symbols modules may use */
struct kernel_export {
    const char *name;
    const void *addr;
};
#define EXPORT_TO_MODULES(sym) \
    static const struct kernel_export export_##sym \
    __attribute__((used, section(".kexports"))) = { #sym, (const void *)&sym }
const void *kernel_export_lookup(const char *name);

#endif
