/* uptime: time since boot, from the kernel's tick counter (100 ticks a second). */
#include "ulib.h"

int main(void)
{
    long t = uptime();
    printf("up %ld.%02ld seconds\n", t / 100, t % 100);
    return 0;
}
