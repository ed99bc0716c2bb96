/*
 * string.c: the memory and string helpers the kernel (and modules, through the
 * export table) use. The compiler may also call memset/memcpy on its own.
 */
#include "kernel.h"

/* Both work a 64-bit word at a time where they can: pages are zeroed and copied
 * often (page_alloc, fork, exec), and a byte loop would be eight times slower. */
void *memset(void *dst, int c, size_t n)
{
    u8 *d = dst;
    if (((u64)d & 7) == 0) {
        u64 word = 0x0101010101010101UL * (u8)c;
        for (; n >= 8; n -= 8, d += 8)
            *(u64 *)d = word;
    }
    while (n--)
        *d++ = (u8)c;
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    u8 *d = dst;
    const u8 *s = src;
    if ((((u64)d | (u64)s) & 7) == 0)
        for (; n >= 8; n -= 8, d += 8, s += 8)
            *(u64 *)d = *(const u64 *)s;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    u8 *d = dst;
    const u8 *s = src;
    if (d < s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const u8 *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (u8)*a - (u8)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (u8)*a - (u8)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

/* Copies at most size-1 characters and always terminates (when size > 0). */
void strlcopy(char *dst, const char *src, size_t size)
{
    if (size == 0)
        return;
    size_t i = 0;
    for (; i + 1 < size && src[i]; i++)
        dst[i] = src[i];
    dst[i] = 0;
}
