/*
 * crash: the kernel-crash lesson. Asks the kernel to peek at address 0x10; the
 * kernel reads it without checking, takes a page fault in kernel mode, and panics
 * with a backtrace. Read it from the bottom up: the system call's way in.
 */
#include "ulib.h"

int main(void)
{
    printf("crash: asking the kernel to read address 0x10\n");
    long v = peek(0x10);
    printf("crash: survived?! got %lx\n", v);
    return 1;
}
