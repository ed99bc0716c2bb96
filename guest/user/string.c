/*
 * string.c: string and memory helpers for user programs, and words for error
 * numbers and task states.
 */
#include "ulib.h"

size_t strlen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }
int strcmp(const char *a, const char *b) { while (*a && *a == *b) a++, b++; return (unsigned char)*a - (unsigned char)*b; }
char *strcpy(char *d, const char *s) { char *r = d; while ((*d++ = *s++)) ; return r; }
void *memset(void *dst, int c, size_t n) { char *d = dst; while (n--) *d++ = (char)c; return dst; }
void *memcpy(void *dst, const void *src, size_t n) { char *d = dst; const char *s = src; while (n--) *d++ = *s++; return dst; }

long atol(const char *s)
{
    long v = 0;
    int neg = *s == '-';
    if (neg) s++;
    while (*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0');
    return neg ? -v : v;
}

const char *error_text(int err)
{
    switch (-err) {
    case E_PERM: return "not permitted";
    case E_NOENT: return "no such file";
    case E_SRCH: return "no such task";
    case E_IO: return "I/O error";
    case E_NOEXEC: return "not a valid program or module";
    case E_CHILD: return "no children";
    case E_NOMEM: return "out of memory";
    case E_FAULT: return "bad address";
    case E_BUSY: return "busy";
    case E_EXIST: return "already exists";
    case E_INVAL: return "invalid argument";
    case E_MFILE: return "too many open files";
    case E_NOSYS: return "no such system call";
    default: return "error";
    }
}

const char *state_text(int state)
{
    static const char *const names[] = { "free", "new", "runnable", "running", "sleeping", "zombie" };
    return state >= 0 && state < 6 ? names[state] : "?";
}
