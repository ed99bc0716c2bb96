/*
 * deadlock: the lesson of the hung fsck. Starts two workers: one transfers from
 * account 0 to account 1, the other from 1 to 0. Each system call takes its
 * "from" lock, naps, then takes its "to" lock (see kernel/lesson.c). They end up
 * each holding the lock the other wants, asleep forever.
 * This program waits until both are stuck, says so, and exits; the workers stay.
 * Investigate with `ps`, Ctrl-P, or a debugger: who holds what?
 */
#include "ulib.h"

static int worker(int from, int to)
{
    int pid = fork();
    if (pid == 0) {
        transfer(from, to);
        printf("deadlock: worker %d finished?!\n", getpid());
        exit(0);
    }
    return pid;
}

/* Both workers asleep on an account lock? */
static int both_stuck(int a, int b)
{
    struct task_info list[32];
    int n = tasks(list, 32), stuck = 0;
    for (int i = 0; i < n; i++)
        if ((list[i].pid == a || list[i].pid == b) && list[i].state == 4 &&
            list[i].waiting_on[0] == 'l')     /* "lock account..." */
            stuck++;
    return stuck == 2;
}

int main(void)
{
    int a = worker(0, 1);
    int b = worker(1, 0);
    while (!both_stuck(a, b))
        sleep(1);
    printf("deadlock: pid %d holds account0 and wants account1; pid %d holds account1 and wants account0\n", a, b);
    printf("deadlock: both are stuck for good; try ps\n");
    return 0;
}
