/* hello: the smallest program that talks: one system call (write) through printf. */
#include "ulib.h"

int main(int argc, char **argv)
{
    printf("hello from user space: pid %d, %d argument%s", getpid(), argc - 1, argc == 2 ? "" : "s");
    for (int i = 1; i < argc; i++)
        printf(" '%s'", argv[i]);
    printf("\n");
    return 0;
}
