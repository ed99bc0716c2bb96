/*
 * printk.c: formatted output for the kernel. kprintf writes to the console under
 * one lock so lines from different harts do not mix; ksnprintf formats into a buffer.
 * Formats: %d %i %u %x %lx %ld %lu %p %s %c %%, with an optional width and 0 flag.
 */
#include "kernel.h"
#include <stdarg.h>

struct out {
    char *buf;        /* NULL: straight to the console */
    int size;
    int len;
};

static void emit(struct out *o, char c)
{
    if (o->buf) {
        if (o->len + 1 < o->size)
            o->buf[o->len] = c;
    } else {
        console_putc(c);
    }
    o->len++;
}

static void emit_number(struct out *o, u64 v, int base, int negative, int width, char pad)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (negative)
        digits[n++] = '-';
    while (width-- > n)
        emit(o, pad);
    while (n)
        emit(o, digits[--n]);
}

static void format(struct out *o, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            emit(o, *fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0, is_long = 0, left = 0;
        if (*fmt == '-') { left = 1; fmt++; }
        if (*fmt == '0') { pad = '0'; fmt++; }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') { is_long = 1; fmt++; }
        switch (*fmt) {
        case 'd': case 'i': {
            i64 v = is_long ? va_arg(ap, i64) : va_arg(ap, int);
            emit_number(o, v < 0 ? -(u64)v : (u64)v, 10, v < 0, width, pad);
            break;
        }
        case 'u':
            emit_number(o, is_long ? va_arg(ap, u64) : va_arg(ap, unsigned), 10, 0, width, pad);
            break;
        case 'x':
            emit_number(o, is_long ? va_arg(ap, u64) : va_arg(ap, unsigned), 16, 0, width, pad);
            break;
        case 'p':
            emit(o, '0'); emit(o, 'x');
            emit_number(o, (u64)va_arg(ap, void *), 16, 0, 16, '0');
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            int n = (int)strlen(s);
            if (!left) while (width-- > n) emit(o, ' ');
            while (*s) emit(o, *s++);
            if (left) while (width-- > n) emit(o, ' ');
            break;
        }
        case 'c':
            emit(o, (char)va_arg(ap, int));
            break;
        case '%':
            emit(o, '%');
            break;
        default:
            emit(o, '%');
            emit(o, *fmt);
            if (!*fmt) return;
        }
    }
}

void kprintf(const char *fmt, ...)
{
    console_out_begin();
    struct out o = { NULL, 0, 0 };
    va_list ap;
    va_start(ap, fmt);
    format(&o, fmt, ap);
    va_end(ap);
    console_out_end();
}

int kvsnprintf(char *buf, int size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    format(&o, fmt, ap);
    if (size > 0)
        buf[o.len < size ? o.len : size - 1] = 0;
    return o.len;
}

int ksnprintf(char *buf, int size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
