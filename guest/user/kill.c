/* kill: asks the kernel to end the task with the given pid. */
#include "ulib.h"

int main(int argc, char **argv)
{
    int status = 0;
    for (int i = 1; i < argc; i++) {
        int err = kill((int)atol(argv[i]));
        if (err < 0) { printf("kill: %s: %s\n", argv[i], error_text(err)); status = 1; }
    }
    return status;
}
