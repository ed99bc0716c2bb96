/*
 * timer.c: the scheduler's clock. Each hart programs its own stimecmp (Sstc
 * extension): when `time` passes it, a supervisor timer interrupt fires; we move
 * stimecmp one tick ahead. Hart 0 also counts ticks and wakes tasks sleeping on them.
 */
#include "kernel.h"

#define TICK_CYCLES (TIMEBASE_HZ / TICK_HZ)

volatile u64 ticks;
static struct spinlock ticks_lock;

static void arm_next_tick(void)
{
    csr_write(stimecmp, read_time() + TICK_CYCLES);
}

void timer_hart_init(void)
{
    if (this_hart()->id == 0)
        spin_init(&ticks_lock, "ticks");
    arm_next_tick();
}

void timer_interrupt(void)
{
    arm_next_tick();
    if (this_hart()->id == 0) {
        spin_lock(&ticks_lock);
        ticks++;
        spin_unlock(&ticks_lock);
        wake_up((const void *)&ticks);
    }
}

/* sleep(n): the calling task sleeps for n ticks, or until killed. */
i64 ticks_sleep(u64 n)
{
    spin_lock(&ticks_lock);
    u64 start = ticks;
    while (ticks - start < n) {
        if (current_task()->killed) {
            spin_unlock(&ticks_lock);
            return -E_INVAL;
        }
        sleep_on((const void *)&ticks, "timer", &ticks_lock);
    }
    spin_unlock(&ticks_lock);
    return 0;
}
