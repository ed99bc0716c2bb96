/*
 * spinlock.c: mutual exclusion between harts by busy waiting.
 * While a hart holds any spinlock its interrupts are off (irq_push), so an
 * interrupt handler on the same hart can never wait for a lock its own hart holds.
 */
#include "kernel.h"

void spin_init(struct spinlock *l, const char *name)
{
    l->taken = 0;
    l->hart = -1;
    l->name = name;
}

void irq_push(void)
{
    int was_on = irq_is_on();
    irq_off();
    struct hart *h = this_hart();
    if (h->irq_depth == 0)
        h->irq_was_on = was_on;
    h->irq_depth++;
}

void irq_pop(void)
{
    struct hart *h = this_hart();
    if (irq_is_on())
        panic("irq_pop: interrupts are on");
    if (h->irq_depth <= 0)
        panic("irq_pop: not pushed");
    h->irq_depth--;
    if (h->irq_depth == 0 && h->irq_was_on)
        irq_on();
}

int spin_held_here(struct spinlock *l)
{
    return l->taken && l->hart == this_hart()->id;
}

void spin_lock(struct spinlock *l)
{
    irq_push();
    if (spin_held_here(l))
        panic("spin_lock: %s already held by this hart", l->name);
    /* amoswap with acquire ordering until we are the one who changed 0 to 1 */
    while (__atomic_exchange_n(&l->taken, 1, __ATOMIC_ACQUIRE) != 0)
        ;
    l->hart = this_hart()->id;
}

void spin_unlock(struct spinlock *l)
{
    if (!spin_held_here(l))
        panic("spin_unlock: %s not held by this hart", l->name);
    l->hart = -1;
    __atomic_store_n(&l->taken, 0, __ATOMIC_RELEASE);
    irq_pop();
}
