/*
 * syscall.c: the system call table. A user program puts the call number in a7
 * and arguments in a0..a5, then executes ecall (see include/abi.h); user_trap()
 * sends it here; the result goes back in a0.
 * Each sys_* function reads its arguments from the saved user registers; user
 * pointers are never dereferenced directly: copy_from_user/copy_to_user check them.
 * (Except in sys_peek, on purpose: see lesson.c.)
 */
#include "kernel.h"

#define ARG(r, n) ((r)->x[10 + (n)])
#define PATH_MAX 64

static i64 sys_fork(struct trap_regs *r) { (void)r; return task_fork(); }
static i64 sys_exit(struct trap_regs *r) { task_exit((int)ARG(r, 0)); }
static i64 sys_wait(struct trap_regs *r) { return task_wait(ARG(r, 0), (int)ARG(r, 1)); }
static i64 sys_kill(struct trap_regs *r) { return task_kill((int)ARG(r, 0)); }
static i64 sys_getpid(struct trap_regs *r) { (void)r; return current_task()->pid; }
static i64 sys_sleep(struct trap_regs *r) { return ticks_sleep(ARG(r, 0)); }
static i64 sys_uptime(struct trap_regs *r) { (void)r; return (i64)ticks; }
static i64 sys_read(struct trap_regs *r) { return file_read((int)ARG(r, 0), ARG(r, 1), ARG(r, 2)); }
static i64 sys_write(struct trap_regs *r) { return file_write((int)ARG(r, 0), ARG(r, 1), ARG(r, 2)); }
static i64 sys_close(struct trap_regs *r) { return file_close((int)ARG(r, 0)); }
static i64 sys_transfer(struct trap_regs *r) { return lesson_transfer((int)ARG(r, 0), (int)ARG(r, 1)); }
static i64 sys_peek(struct trap_regs *r) { return lesson_peek(ARG(r, 0)); }

/* Reads a path argument into buf; returns 0 or a negative error. */
static int path_arg(struct trap_regs *r, int n, char *buf)
{
    int len = string_from_user(current_task()->pagetable, buf, ARG(r, n), PATH_MAX);
    return len < 0 ? len : 0;
}

static i64 sys_exec(struct trap_regs *r)
{
    char path[PATH_MAX];
    int err = path_arg(r, 0, path);
    return err < 0 ? err : exec_program(path, ARG(r, 1));
}

static i64 sys_open(struct trap_regs *r)
{
    char path[PATH_MAX];
    int err = path_arg(r, 0, path);
    return err < 0 ? err : file_open(path, (int)ARG(r, 1));
}

static i64 sys_insmod(struct trap_regs *r)
{
    char path[PATH_MAX];
    int err = path_arg(r, 0, path);
    return err < 0 ? err : module_load(path);
}

static i64 sys_rmmod(struct trap_regs *r)
{
    char name[PATH_MAX];
    int err = path_arg(r, 0, name);
    return err < 0 ? err : module_unload(name);
}

static i64 sys_lsmod(struct trap_regs *r)
{
    char text[2048];
    u64 len = ARG(r, 1);
    int n = module_list_text(text, sizeof text);
    if ((u64)n + 1 > len)
        n = len ? (int)len - 1 : 0;
    text[n] = 0;
    int err = copy_to_user(current_task()->pagetable, ARG(r, 0), text, (u64)n + 1);
    return err < 0 ? err : n;
}

static i64 sys_tasks(struct trap_regs *r)
{
    struct task_info list[MAX_TASKS];
    int max = (int)ARG(r, 1);
    if (max > MAX_TASKS) max = MAX_TASKS;
    if (max < 0) return -E_INVAL;
    int n = task_list_fill(list, max);
    int err = copy_to_user(current_task()->pagetable, ARG(r, 0), list, sizeof(list[0]) * n);
    return err < 0 ? err : n;
}

/* listdir(i, &entry): the i-th name; initramfs files first, then devices. */
static i64 sys_listdir(struct trap_regs *r)
{
    int index = (int)ARG(r, 0);
    struct dir_entry e;
    memset(&e, 0, sizeof e);
    const struct initfs_file *f = index >= 0 ? initfs_at(index) : NULL;
    if (f) {
        strlcopy(e.name, f->name, sizeof e.name);
        e.kind = f->kind;
        e.size = f->size;
    } else {
        int files = 0;
        while (initfs_at(files)) files++;
        struct char_device *d = index >= files ? device_at(index - files) : NULL;
        if (!d)
            return -1;
        strlcopy(e.name, d->name, sizeof e.name);
        e.kind = DIR_DEVICE;
    }
    return copy_to_user(current_task()->pagetable, ARG(r, 1), &e, sizeof e);
}

typedef i64 (*syscall_fn)(struct trap_regs *r);

static const syscall_fn syscall_table[SYS_COUNT] = {
    [SYS_fork] = sys_fork,       [SYS_exec] = sys_exec,       [SYS_exit] = sys_exit,
    [SYS_wait] = sys_wait,       [SYS_kill] = sys_kill,       [SYS_getpid] = sys_getpid,
    [SYS_sleep] = sys_sleep,     [SYS_uptime] = sys_uptime,   [SYS_read] = sys_read,
    [SYS_write] = sys_write,     [SYS_open] = sys_open,       [SYS_close] = sys_close,
    [SYS_insmod] = sys_insmod,   [SYS_rmmod] = sys_rmmod,     [SYS_lsmod] = sys_lsmod,
    [SYS_tasks] = sys_tasks,     [SYS_listdir] = sys_listdir, [SYS_transfer] = sys_transfer,
    [SYS_peek] = sys_peek,
};

void syscall_dispatch(struct trap_regs *r)
{
    u64 number = r->x[17];               /* a7 */
    if (number < SYS_COUNT && syscall_table[number])
        r->x[10] = (u64)syscall_table[number](r);
    else
        r->x[10] = (u64)-E_NOSYS;
}
