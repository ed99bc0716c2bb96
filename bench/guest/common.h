/* Bench guests: UART output and small helpers (no libc). */
#pragma once
#include <stdint.h>
#include <stddef.h>

#define UART0 ((volatile uint8_t *)0x10000000)

static inline void putc_(char c) {
  while ((UART0[5] & 0x20) == 0) { }
  UART0[0] = (uint8_t)c;
}
static inline void puts_(const char *s) { while (*s) putc_(*s++); }
static inline void puthex(uint64_t v) {
  for (int i = 60; i >= 0; i -= 4) putc_("0123456789abcdef"[(v >> i) & 15]);
}
static inline void puthex32(uint32_t v) {
  for (int i = 28; i >= 0; i -= 4) putc_("0123456789abcdef"[(v >> i) & 15]);
}
/* Deterministic pseudo-random numbers (xorshift64). */
static inline uint64_t rnd(uint64_t *s) {
  uint64_t x = *s; x ^= x << 13; x ^= x >> 7; x ^= x << 17; return *s = x;
}
