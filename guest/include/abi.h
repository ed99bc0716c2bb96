/*
 * abi.h: the contract between user programs and the kernel.
 * System call numbers, the record `ps` receives for each task, and limits that
 * both sides must agree on. Included by kernel and user code alike.
 *
 * How a system call is made: put the number in a7, arguments in a0..a5,
 * execute `ecall`; the result comes back in a0 (negative means an error).
 */
#ifndef KWB_ABI_H
#define KWB_ABI_H

enum syscall_number {
    SYS_fork = 1,
    SYS_exec,       /* exec(path, argv) */
    SYS_exit,       /* exit(code) */
    SYS_wait,       /* wait(&code, flags) -> pid of a finished child; 0 with WAIT_NOHANG if none yet */
    SYS_kill,       /* kill(pid) */
    SYS_getpid,
    SYS_sleep,      /* sleep(ticks) */
    SYS_uptime,     /* ticks since boot (one tick = 10 ms) */
    SYS_read,       /* read(fd, buf, len) */
    SYS_write,      /* write(fd, buf, len) */
    SYS_open,       /* open(name, flags) */
    SYS_close,      /* close(fd) */
    SYS_insmod,     /* insmod(file name in the initramfs) */
    SYS_rmmod,      /* rmmod(module name) */
    SYS_lsmod,      /* lsmod(buf, len): a text listing of loaded modules */
    SYS_tasks,      /* tasks(struct task_info *out, max) -> count */
    SYS_listdir,    /* listdir(index, struct dir_entry *out) -> 0, or -1 past the end */
    SYS_transfer,   /* lesson: transfer(from_account, to_account) */
    SYS_peek,       /* lesson: peek(address): the kernel reads it without checking */
    SYS_COUNT
};

/* wait() flags */
#define WAIT_NOHANG 1   /* do not sleep: return 0 if children exist but none has finished */

/* open() flags */
#define O_READ  1
#define O_WRITE 2

/* Task states, as `ps` and a debugger see them (the kernel's enum task_state). */
#define TASK_NAME_LEN 16
#define WAIT_TEXT_LEN 32

struct task_info {
    int pid;
    int parent_pid;
    int state;                    /* enum task_state in the kernel */
    int hart;                     /* hart running it, or -1 */
    char name[TASK_NAME_LEN];
    char waiting_on[WAIT_TEXT_LEN]; /* empty unless sleeping */
};

/* Kinds of names `ls` shows. */
enum dir_kind { DIR_PROGRAM = 1, DIR_MODULE = 2, DIR_TEXT = 3, DIR_DEVICE = 4 };

struct dir_entry {
    char name[32];
    int kind;
    unsigned long size;
};

/* Error results (returned negated). */
enum kerror {
    E_PERM = 1, E_NOENT = 2, E_SRCH = 3, E_CHILD = 10, E_NOMEM = 12, E_FAULT = 14,
    E_BUSY = 16, E_EXIST = 17, E_INVAL = 22, E_MFILE = 24, E_NOEXEC = 8, E_IO = 5,
    E_NOSYS = 38
};

#endif
