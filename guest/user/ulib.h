/*
 * ulib.h: the tiny C library of our user programs: system call wrappers
 * (syscalls.c), printing (print.c) and string helpers (string.c).
 */
#ifndef KWB_ULIB_H
#define KWB_ULIB_H
#include "../include/abi.h"

typedef unsigned long size_t;
#define NULL ((void *)0)

/* system calls */
int fork(void);
int exec(const char *path, char *const argv[]);
void exit(int code) __attribute__((noreturn));
int wait(int *code);
int wait_nohang(int *code);   /* 0 if no child has finished yet */
int kill(int pid);
int getpid(void);
int sleep(long ticks);
long uptime(void);
long read(int fd, void *buf, long len);
long write(int fd, const void *buf, long len);
int open(const char *name, int flags);
int close(int fd);
int insmod(const char *file);
int rmmod(const char *name);
int lsmod(char *buf, long len);
int tasks(struct task_info *out, int max);
int listdir(int index, struct dir_entry *out);
long transfer(int from, int to);
long peek(unsigned long address);

/* output */
int printf(const char *fmt, ...);
int fprintf(int fd, const char *fmt, ...);
int puts(const char *s);

/* strings */
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
char *strcpy(char *dst, const char *src);
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
long atol(const char *s);
const char *error_text(int err);   /* for a negative result */
const char *state_text(int state); /* enum task_state as a word */

#endif
