/*
 * spin: burns the processor. With no argument it spins forever (stop it with
 * kill); with a number N it spins N million iterations and reports. The timer
 * interrupt takes the hart away from it now and then: that is preemption.
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    long millions = argc > 1 ? atol(argv[1]) : -1;
    volatile unsigned long counter = 0;
    for (long m = 0; millions < 0 || m < millions; m++)
        for (long i = 0; i < 1000000; i++)
            counter++;
    printf("spin: %ld million iterations done\n", millions);
    return 0;
}
