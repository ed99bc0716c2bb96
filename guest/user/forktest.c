/*
 * forktest: forks CHILDREN children; child i exits with code 10 + i. The parent
 * waits for all of them and checks that every pid and every code comes back once.
 */
#include "ulib.h"

#define CHILDREN 8

int main(void)
{
    int pids[CHILDREN];
    for (int i = 0; i < CHILDREN; i++) {
        int pid = fork();
        if (pid < 0) {
            printf("forktest: fork failed: %s\n", error_text(pid));
            return 1;
        }
        if (pid == 0)
            exit(10 + i);
        pids[i] = pid;
    }
    int seen = 0, ok = 1;
    for (int k = 0; k < CHILDREN; k++) {
        int code;
        int pid = wait(&code);
        int found = 0;
        for (int i = 0; i < CHILDREN; i++) {
            if (pids[i] == pid && code == 10 + i && !(seen & (1 << i))) {
                seen |= 1 << i;
                found = 1;
            }
        }
        if (!found) ok = 0;
    }
    if (wait(NULL) >= 0) ok = 0;          /* no children may be left */
    printf("forktest: %d children forked and reaped, exit codes %s\n",
           CHILDREN, ok ? "all correct" : "WRONG");
    return ok ? 0 : 1;
}
