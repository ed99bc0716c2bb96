/*
 * print.c: printf for user programs. Formats into a buffer and writes it with one
 * write() call, so a line from one program is not cut by another's.
 * Formats: %d %u %x %lx %ld %p %s %c %%, width, '-' and '0' flags.
 */
#include "ulib.h"
#include <stdarg.h>

struct buf {
    char text[256];
    int len;
    int fd;
};

static void flush(struct buf *b)
{
    if (b->len)
        write(b->fd, b->text, b->len);
    b->len = 0;
}

static void put(struct buf *b, char c)
{
    if (b->len == (int)sizeof b->text)
        flush(b);
    b->text[b->len++] = c;
}

static void put_number(struct buf *b, unsigned long v, int base, int neg, int width, char pad)
{
    char d[24];
    int n = 0;
    do { d[n++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
    if (neg) d[n++] = '-';
    while (width-- > n) put(b, pad);
    while (n) put(b, d[--n]);
}

static void vformat(struct buf *b, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') { put(b, *fmt); continue; }
        fmt++;
        int left = 0, width = 0, is_long = 0;
        char pad = ' ';
        if (*fmt == '-') { left = 1; fmt++; }
        if (*fmt == '0') { pad = '0'; fmt++; }
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') { is_long = 1; fmt++; }
        switch (*fmt) {
        case 'd': {
            long v = is_long ? va_arg(ap, long) : va_arg(ap, int);
            put_number(b, v < 0 ? -(unsigned long)v : (unsigned long)v, 10, v < 0, width, pad);
            break;
        }
        case 'u': put_number(b, is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, 0, width, pad); break;
        case 'x': put_number(b, is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, 0, width, pad); break;
        case 'p': put(b, '0'); put(b, 'x'); put_number(b, (unsigned long)va_arg(ap, void *), 16, 0, 0, '0'); break;
        case 'c': put(b, (char)va_arg(ap, int)); break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            int n = (int)strlen(s);
            if (!left) while (width-- > n) put(b, ' ');
            while (*s) put(b, *s++);
            if (left) while (width-- > n) put(b, ' ');
            break;
        }
        case '%': put(b, '%'); break;
        default: put(b, '%'); if (!*fmt) return; put(b, *fmt);
        }
    }
}

int fprintf(int fd, const char *fmt, ...)
{
    struct buf b;
    b.len = 0;
    b.fd = fd;
    va_list ap;
    va_start(ap, fmt);
    vformat(&b, fmt, ap);
    va_end(ap);
    flush(&b);
    return 0;
}

int printf(const char *fmt, ...)
{
    struct buf b;
    b.len = 0;
    b.fd = 1;
    va_list ap;
    va_start(ap, fmt);
    vformat(&b, fmt, ap);
    va_end(ap);
    flush(&b);
    return 0;
}

int puts(const char *s)
{
    return printf("%s\n", s);
}
