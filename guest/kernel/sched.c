/*
 * sched.c: sharing the harts among tasks.
 *
 * Round robin: schedule() looks for the next RUNNABLE task after the last one
 * picked, anywhere in task_table, and switches straight to it. When nothing is
 * runnable the hart switches to its own idle task, which waits for an interrupt.
 *
 * The rule that keeps this correct on several harts: task_lock is held across
 * the switch. The task that switches away takes it; the task that resumes (on
 * this hart or, later, another one) releases it. So no other hart can pick a
 * task whose registers are still being saved.
 *
 * sleep_on/wake_up: a task sleeps on a "wait channel", any address that names
 * what it waits for (the console's line buffer, the tick counter, a lock, a child).
 * wake_up(chan) makes every task sleeping on chan runnable again. The caller of
 * sleep_on holds the lock that protects the condition it tested; sleep_on drops
 * it only after taking task_lock, so a wake_up cannot slip in between.
 */
#include "kernel.h"

static int rr_cursor;

static struct task *pick_next(void)
{
    for (int i = 1; i <= MAX_TASKS; i++) {
        struct task *t = &task_table[(rr_cursor + i) % MAX_TASKS];
        if (t->state == TASK_RUNNABLE) {
            rr_cursor = (int)(t - task_table);
            return t;
        }
    }
    return NULL;
}

static void use_address_space(struct task *t)
{
    pagetable_t root = t->pagetable ? t->pagetable : kernel_pagetable;
    csr_write(satp, SATP_MODE_SV39 | ((u64)root >> PAGE_SHIFT));
    flush_tlb();
}

/* Caller holds task_lock (and no other lock) and has set current's new state. */
void schedule(void)
{
    struct hart *h = this_hart();
    struct task *prev = h->current;
    if (!spin_held_here(&task_lock) || h->irq_depth != 1)
        panic("schedule: must hold exactly task_lock");
    if (prev->state == TASK_RUNNING && prev != &h->idle)
        panic("schedule: %s is still marked running", prev->name);

    struct task *next = pick_next();
    if (!next) {
        if (prev->state == TASK_RUNNABLE || prev == &h->idle)
            next = prev;          /* nothing else to do: keep going */
        else
            next = &h->idle;
    }
    if (next != &h->idle)
        next->state = TASK_RUNNING;
    next->hart = h->id;
    if (next == prev)
        return;
    if (prev != &h->idle)
        prev->hart = -1;
    h->current = next;
    use_address_space(next);

    int was_on = h->irq_was_on;   /* belongs to this task's kernel code, not to the hart */
    switch_to(&prev->context, &next->context);
    this_hart()->irq_was_on = was_on;
}

void yield(void)
{
    spin_lock(&task_lock);
    current_task()->state = TASK_RUNNABLE;
    schedule();
    spin_unlock(&task_lock);
}

void sleep_on(const void *chan, const char *reason, struct spinlock *held)
{
    struct task *t = current_task();
    if (held != &task_lock) {
        spin_lock(&task_lock);
        spin_unlock(held);
    }
    t->wait_channel = chan;
    t->wait_reason = reason;
    t->state = TASK_SLEEPING;
    schedule();
    t->wait_channel = NULL;
    t->wait_reason = NULL;
    if (held != &task_lock) {
        spin_unlock(&task_lock);
        spin_lock(held);
    }
}

/* Caller holds task_lock. */
void wake_up_locked(const void *chan)
{
    for (int i = 0; i < MAX_TASKS; i++) {
        struct task *t = &task_table[i];
        if (t->state == TASK_SLEEPING && t->wait_channel == chan)
            t->state = TASK_RUNNABLE;
    }
}

void wake_up(const void *chan)
{
    spin_lock(&task_lock);
    wake_up_locked(chan);
    spin_unlock(&task_lock);
}

/* Each hart ends up here after boot: its boot thread becomes its idle task. */
void idle_loop(void)
{
    struct hart *h = this_hart();
    strlcopy(h->idle.name, "idle", sizeof h->idle.name);
    h->idle.pid = 0;
    h->idle.state = TASK_RUNNING;
    h->idle.hart = h->id;
    h->current = &h->idle;
    for (;;) {
        irq_on();
        asm volatile("wfi");
        irq_off();
        if (panicking)
            continue;
        spin_lock(&task_lock);
        schedule();
        spin_unlock(&task_lock);
    }
}

/* A new task's first switch_to "returns" here, still holding task_lock. */
void task_entry(void)
{
    spin_unlock(&task_lock);
    user_trap_return();
}
