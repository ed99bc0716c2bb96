/* hello: the smallest module. Says hello when loaded and goodbye when removed. */
#include "../include/kmod.h"

static int times_greeted;

int kmod_start(void)
{
    times_greeted++;
    kprintf("hello module: hello, kernel! my code is at %p\n", (void *)kmod_start);
    return 0;
}

void kmod_stop(void)
{
    kprintf("hello module: goodbye (greeted %d time)\n", times_greeted);
}
