/*
 * kill: asks the kernel to end the tasks with the given pids, then waits until each
 * has really ended (a killed task stops at its next trap into the kernel), so that
 * what the shell shows next no longer includes it.
 */
#include "ulib.h"

static int still_alive(int pid)
{
    struct task_info list[32];
    int n = tasks(list, 32);
    for (int i = 0; i < n; i++)
        if (list[i].pid == pid)
            return list[i].state != 5;   /* TASK_ZOMBIE: ended, waiting to be collected */
    return 0;
}

int main(int argc, char **argv)
{
    int status = 0;
    for (int i = 1; i < argc; i++) {
        int pid = (int)atol(argv[i]);
        int err = kill(pid);
        if (err < 0) {
            printf("kill: %s: %s\n", argv[i], error_text(err));
            status = 1;
            continue;
        }
        while (still_alive(pid))
            sleep(1);
    }
    return status;
}
