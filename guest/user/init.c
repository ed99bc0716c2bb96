/*
 * init: the first user program (pid 1). Opens the console as fds 0, 1 and 2,
 * starts the shell, and from then on collects every task that exits without a
 * parent waiting for it. If the shell exits, it starts a new one.
 */
#include "ulib.h"

int main(void)
{
    open("console", O_READ);       /* fd 0 */
    open("console", O_WRITE);      /* fd 1 */
    open("console", O_WRITE);      /* fd 2 */
    printf("init: starting sh\n");
    for (;;) {
        int shell = fork();
        if (shell == 0) {
            char *argv[] = { "sh", NULL };
            exec("sh", argv);
            printf("init: cannot run sh\n");
            exit(1);
        }
        for (;;) {
            int code;
            int pid = wait(&code);
            if (pid == shell)
                break;               /* the shell ended: start another */
        }
    }
}
