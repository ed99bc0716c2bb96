/*
 * sleeplock.c: locks for long waits (disk I/O, the lesson's bank accounts).
 * A task that finds the lock taken sleeps on the lock itself; release wakes them.
 * The lock records its holder, so ps and a debugger can say who blocks whom.
 * Waiting here cannot be interrupted by kill: that is what makes the deadlock
 * lesson a real hang.
 */
#include "kernel.h"

void sleeplock_init(struct sleeplock *l, const char *name)
{
    spin_init(&l->guard, "sleeplock guard");
    l->locked = 0;
    l->holder = NULL;
    l->holder_pid = 0;
    l->name = name;
}

void sleeplock_acquire(struct sleeplock *l)
{
    spin_lock(&l->guard);
    while (l->locked) {
        current_task()->blocked_on = l;
        sleep_on(l, l->name, &l->guard);
        current_task()->blocked_on = NULL;
    }
    l->locked = 1;
    l->holder = current_task();
    l->holder_pid = current_task()->pid;
    spin_unlock(&l->guard);
}

void sleeplock_release(struct sleeplock *l)
{
    spin_lock(&l->guard);
    l->locked = 0;
    l->holder = NULL;
    l->holder_pid = 0;
    wake_up(l);
    spin_unlock(&l->guard);
}
