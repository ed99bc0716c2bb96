/*
 * syscalls.c: one wrapper per system call. Each puts the number in a7 and the
 * arguments in a0..a2, executes ecall, and returns what the kernel left in a0.
 */
#include "ulib.h"

static long call3(long number, long a, long b, long c)
{
    register long a0 asm("a0") = a;
    register long a1 asm("a1") = b;
    register long a2 asm("a2") = c;
    register long a7 asm("a7") = number;
    asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

int fork(void) { return (int)call3(SYS_fork, 0, 0, 0); }
int exec(const char *path, char *const argv[]) { return (int)call3(SYS_exec, (long)path, (long)argv, 0); }
void exit(int code) { call3(SYS_exit, code, 0, 0); for (;;) ; }
int wait(int *code) { return (int)call3(SYS_wait, (long)code, 0, 0); }
int wait_nohang(int *code) { return (int)call3(SYS_wait, (long)code, WAIT_NOHANG, 0); }
int kill(int pid) { return (int)call3(SYS_kill, pid, 0, 0); }
int getpid(void) { return (int)call3(SYS_getpid, 0, 0, 0); }
int sleep(long ticks) { return (int)call3(SYS_sleep, ticks, 0, 0); }
long uptime(void) { return call3(SYS_uptime, 0, 0, 0); }
long read(int fd, void *buf, long len) { return call3(SYS_read, fd, (long)buf, len); }
long write(int fd, const void *buf, long len) { return call3(SYS_write, fd, (long)buf, len); }
int open(const char *name, int flags) { return (int)call3(SYS_open, (long)name, flags, 0); }
int close(int fd) { return (int)call3(SYS_close, fd, 0, 0); }
int insmod(const char *file) { return (int)call3(SYS_insmod, (long)file, 0, 0); }
int rmmod(const char *name) { return (int)call3(SYS_rmmod, (long)name, 0, 0); }
int lsmod(char *buf, long len) { return (int)call3(SYS_lsmod, (long)buf, len, 0); }
int tasks(struct task_info *out, int max) { return (int)call3(SYS_tasks, (long)out, max, 0); }
int listdir(int index, struct dir_entry *out) { return (int)call3(SYS_listdir, index, (long)out, 0); }
long transfer(int from, int to) { return call3(SYS_transfer, from, to, 0); }
long peek(unsigned long address) { return call3(SYS_peek, (long)address, 0, 0); }
