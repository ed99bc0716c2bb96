/*
 * lesson.c: two system calls that exist to go wrong, for the lessons.
 *
 * transfer(from, to): moves one coin between two bank accounts, each guarded by
 * a sleeping lock. It locks `from`, naps a few ticks (as if doing slow work),
 * then locks `to`. Two tasks transferring in opposite directions each hold one
 * lock and wait forever for the other: a deadlock. The user program `deadlock`
 * sets this up; `ps` then shows both tasks sleeping on "lock account..." and
 * who holds it. Exercise: make the locking order consistent.
 *
 * peek(address): returns the 8 bytes at a user-given address, read directly,
 * without copy_from_user's checks. Given a bad address, the kernel itself takes
 * a page fault, and kernel_trap() panics with a backtrace naming sys_peek's
 * helper, lesson_peek. The user program `crash` calls it with address 0x10.
 */
#include "kernel.h"

#define ACCOUNTS 2
#define NAP_TICKS 5

static struct account {
    struct sleeplock lock;
    i64 balance;
} accounts[ACCOUNTS];
static int accounts_ready;
static struct spinlock accounts_setup;

static void accounts_init(void)
{
    spin_lock(&accounts_setup);
    if (!accounts_ready) {
        sleeplock_init(&accounts[0].lock, "account0");
        sleeplock_init(&accounts[1].lock, "account1");
        accounts[0].balance = accounts[1].balance = 100;
        accounts_ready = 1;
    }
    spin_unlock(&accounts_setup);
}

i64 lesson_transfer(int from, int to)
{
    if (from < 0 || from >= ACCOUNTS || to < 0 || to >= ACCOUNTS || from == to)
        return -E_INVAL;
    accounts_init();
    sleeplock_acquire(&accounts[from].lock);
    ticks_sleep(NAP_TICKS);
    sleeplock_acquire(&accounts[to].lock);       /* the second lock: here it hangs */
    accounts[from].balance--;
    accounts[to].balance++;
    i64 result = accounts[to].balance;
    sleeplock_release(&accounts[to].lock);
    sleeplock_release(&accounts[from].lock);
    return result;
}

i64 lesson_peek(u64 address)
{
    kprintf("peek: reading 0x%lx without checking it\n", address);
    volatile u64 *p = (volatile u64 *)address;
    u64 value = *p;                              /* the bug: a user pointer, trusted */
    kprintf("peek: found 0x%lx\n", value);
    return (i64)value;
}
