/* ps: one line per task: pid, parent, state, name, and what it waits for. */
#include "ulib.h"

int main(void)
{
    struct task_info list[32];
    int n = tasks(list, 32);
    printf("  PID  PPID  STATE     NAME            WAITING ON\n");
    for (int i = 0; i < n; i++)
        printf("%5d %5d  %-9s %-15s %s\n", list[i].pid, list[i].parent_pid,
               state_text(list[i].state), list[i].name, list[i].waiting_on);
    return 0;
}
