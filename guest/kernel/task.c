/*
 * task.c: the task table and the life of a task: created by fork (or, for the
 * first one, by the kernel), replaced by exec, ended by exit, collected by wait.
 *
 * task_table[] is a fixed array a debugger can read directly; a slot is in use
 * when its state is not TASK_FREE. Kernel stacks are a matching fixed array:
 * task_table[i] uses kernel_stacks[i], whose top holds the task's trap_regs.
 */
#include "kernel.h"

struct task task_table[MAX_TASKS];
struct spinlock task_lock;
static u8 kernel_stacks[MAX_TASKS][KSTACK_SIZE] __attribute__((aligned(16)));
static int next_pid = 1;
static struct task *init_task;

const char *task_state_name(enum task_state s)
{
    switch (s) {
    case TASK_FREE: return "free";
    case TASK_NEW: return "new";
    case TASK_RUNNABLE: return "runnable";
    case TASK_RUNNING: return "running";
    case TASK_SLEEPING: return "sleeping";
    case TASK_ZOMBIE: return "zombie";
    }
    return "?";
}

void task_table_init(void)
{
    spin_init(&task_lock, "tasks");
    for (int i = 0; i < MAX_TASKS; i++) {
        task_table[i].kstack = (u64)kernel_stacks[i];
        task_table[i].hart = -1;
    }
}

/* A fresh slot in state TASK_NEW with a pid, a kernel stack and an empty context. */
struct task *task_alloc(void)
{
    spin_lock(&task_lock);
    struct task *t = NULL;
    for (int i = 0; i < MAX_TASKS; i++) {
        if (task_table[i].state == TASK_FREE) {
            t = &task_table[i];
            break;
        }
    }
    if (t) {
        t->state = TASK_NEW;
        t->pid = next_pid++;
    }
    spin_unlock(&task_lock);
    if (!t)
        return NULL;
    t->killed = 0;
    t->exit_code = 0;
    t->ticks_used = 0;
    t->wait_channel = NULL;
    t->wait_reason = NULL;
    t->blocked_on = NULL;
    t->parent = NULL;
    t->hart = -1;
    t->pagetable = NULL;
    memset(t->files, 0, sizeof t->files);
    u64 top = t->kstack + KSTACK_SIZE;
    t->user_regs = (struct trap_regs *)((top - sizeof(struct trap_regs)) & ~15UL);
    memset(t->user_regs, 0, sizeof *t->user_regs);
    memset(&t->context, 0, sizeof t->context);
    t->context.ra = (u64)task_entry;
    t->context.sp = (u64)t->user_regs;
    return t;
}

/* Gives the slot back. Caller holds task_lock; t is not running anywhere. */
void task_release(struct task *t)
{
    if (t->pagetable)
        user_pagetable_free(t->pagetable);
    t->pagetable = NULL;
    t->pid = 0;
    t->name[0] = 0;
    t->parent = NULL;
    t->state = TASK_FREE;
}

int task_fork(void)
{
    struct task *parent = current_task();
    struct task *child = task_alloc();
    if (!child)
        return -E_NOMEM;
    child->pagetable = user_pagetable_new();
    if (!child->pagetable || user_copy_mappings(parent->pagetable, child->pagetable) < 0) {
        spin_lock(&task_lock);
        task_release(child);
        spin_unlock(&task_lock);
        return -E_NOMEM;
    }
    *child->user_regs = *parent->user_regs;
    child->user_regs->x[10] = 0;            /* fork returns 0 in the child */
    for (int i = 0; i < MAX_OPEN; i++)
        if (parent->files[i])
            child->files[i] = file_dup(parent->files[i]);
    memcpy(child->name, parent->name, sizeof child->name);
    int pid = child->pid;
    spin_lock(&task_lock);
    child->parent = parent;
    child->state = TASK_RUNNABLE;
    spin_unlock(&task_lock);
    return pid;
}

void task_exit(int code)
{
    struct task *t = current_task();
    if (t == init_task)
        panic("init exited with code %d", code);
    for (int i = 0; i < MAX_OPEN; i++) {
        if (t->files[i]) {
            file_put(t->files[i]);
            t->files[i] = NULL;
        }
    }
    spin_lock(&task_lock);
    for (int i = 0; i < MAX_TASKS; i++) {         /* orphans go to init */
        if (task_table[i].parent == t) {
            task_table[i].parent = init_task;
            if (task_table[i].state == TASK_ZOMBIE)
                wake_up_locked(init_task);
        }
    }
    t->exit_code = code;
    t->state = TASK_ZOMBIE;
    wake_up_locked(t->parent);                   /* a parent waits on its own struct task */
    schedule();
    panic("zombie %d ran again", t->pid);
}

int task_wait(u64 user_code_addr, int flags)
{
    struct task *me = current_task();
    spin_lock(&task_lock);
    for (;;) {
        int have_children = 0;
        for (int i = 0; i < MAX_TASKS; i++) {
            struct task *c = &task_table[i];
            if (c->parent != me || c->state == TASK_FREE)
                continue;
            have_children = 1;
            if (c->state == TASK_ZOMBIE) {
                int pid = c->pid, code = c->exit_code;
                task_release(c);
                spin_unlock(&task_lock);
                if (user_code_addr && copy_to_user(me->pagetable, user_code_addr, &code, sizeof code) < 0)
                    return -E_FAULT;
                return pid;
            }
        }
        if (!have_children || me->killed) {
            spin_unlock(&task_lock);
            return -E_CHILD;
        }
        if (flags & WAIT_NOHANG) {
            spin_unlock(&task_lock);
            return 0;
        }
        sleep_on(me, "child to exit", &task_lock);
    }
}

int task_kill(int pid)
{
    if (init_task && pid == init_task->pid)
        return -E_PERM;                  /* without init, orphans would never be collected */
    spin_lock(&task_lock);
    for (int i = 0; i < MAX_TASKS; i++) {
        struct task *t = &task_table[i];
        if (t->pid == pid && t->state != TASK_FREE) {
            t->killed = 1;
            if (t->state == TASK_SLEEPING)
                t->state = TASK_RUNNABLE;   /* it notices `killed` where it sleeps */
            spin_unlock(&task_lock);
            return 0;
        }
    }
    spin_unlock(&task_lock);
    return -E_SRCH;
}

/* The first task starts in the kernel and execs the program "init". */
static void first_task_body(void)
{
    spin_unlock(&task_lock);
    int err = exec_program("init", 0);
    if (err < 0)
        panic("cannot start init: error %d", err);
    user_trap_return();
}

void start_first_task(void)
{
    struct task *t = task_alloc();
    t->pagetable = user_pagetable_new();
    if (!t->pagetable)
        panic("start_first_task: out of memory");
    strlcopy(t->name, "init", sizeof t->name);
    t->context.ra = (u64)first_task_body;
    init_task = t;
    spin_lock(&task_lock);
    t->state = TASK_RUNNABLE;
    spin_unlock(&task_lock);
}

static void describe_wait(struct task *t, char *out, int size)
{
    out[0] = 0;
    if (t->state != TASK_SLEEPING || !t->wait_reason)
        return;
    if (t->blocked_on)
        ksnprintf(out, size, "lock %s (pid %d)", t->wait_reason, t->blocked_on->holder_pid);
    else
        ksnprintf(out, size, "%s", t->wait_reason);
}

int task_list_fill(struct task_info *out, int max)
{
    int n = 0;
    spin_lock(&task_lock);
    for (int i = 0; i < MAX_TASKS && n < max; i++) {
        struct task *t = &task_table[i];
        if (t->state == TASK_FREE)
            continue;
        out[n].pid = t->pid;
        out[n].parent_pid = t->parent ? t->parent->pid : 0;
        out[n].state = t->state;
        out[n].hart = t->hart;
        memcpy(out[n].name, t->name, TASK_NAME_LEN);
        describe_wait(t, out[n].waiting_on, WAIT_TEXT_LEN);
        n++;
    }
    spin_unlock(&task_lock);
    return n;
}

/* The console's task-list key (Ctrl-P). Runs in interrupt context. */
void task_dump(void)
{
    static struct task_info list[MAX_TASKS];
    int n = task_list_fill(list, MAX_TASKS);
    kprintf("\n  PID  PPID  STATE     NAME            WAITING ON\n");
    for (int i = 0; i < n; i++)
        kprintf("%5d %5d  %-9s %-15s %s\n", list[i].pid, list[i].parent_pid,
                task_state_name(list[i].state), list[i].name, list[i].waiting_on);
    kprintf("(%d tasks, %lu pages free)\n", n, pages_free_count());
}
