/* Fill loops (the translator's fill idiom, cpu/jit/idiom.ts): memset's byte loop as compilers
 * write it, and the same loop for 2-, 4- and 8-byte stores, over lengths that end inside a page,
 * cross pages, and fill a buffer in the page of the loop's own code (flagged: no bulk there).
 * Built with the bench guests' start-up (M-mode, or U-mode under Sv39 with -DUSER_MODE); prints
 * a checksum of every buffer. */
#include "common.h"

static uint8_t buf[3 * 4096 + 64] __attribute__((aligned(4096)));

__attribute__((noinline)) void fill8(uint8_t *d, int c, unsigned n) { for (unsigned i = 0; i < n; i++) d[i] = c; }
__attribute__((noinline)) void fill16(uint16_t *d, uint16_t c, unsigned n) { for (unsigned i = 0; i < n; i++) d[i] = c; }
__attribute__((noinline)) void fill32(uint32_t *d, uint32_t c, unsigned n) { for (unsigned i = 0; i < n; i++) d[i] = c; }
__attribute__((noinline)) void fill64(uint64_t *d, uint64_t c, unsigned n) { for (unsigned i = 0; i < n; i++) d[i] = c; }

/* A buffer in a page of code of its own, before the checksum loop: a page that holds compiled
 * code (until the translator gives it up for being rewritten too often). */
__asm__(".section .text.zsum, \"ax\", @progbits\n.balign 4096\n.globl codebuf\ncodebuf: .zero 256\n.previous");
extern uint8_t codebuf[256];

__attribute__((noinline, section(".text.zsum"))) uint64_t sum(const uint8_t *p, unsigned n) {
  uint64_t s = 0;
  for (unsigned i = 0; i < n; i++) s = s * 131 + p[i] + i;
  return s;
}

int main(void) {
  uint64_t total = 0, r = 12345;
  for (int round = 0; round < 300; round++) {
    unsigned at = rnd(&r) % 4096, len = rnd(&r) % (2 * 4096) + 1;
    fill8(buf + at, round, len);
    fill16((uint16_t *)(buf + (at & ~1u)), (uint16_t)(round * 257 + 1), len / 2);
    fill32((uint32_t *)(buf + (at & ~3u)), (uint32_t)rnd(&r), len / 4);
    fill64((uint64_t *)(buf + (at & ~7u)), round & 1 ? rnd(&r) : 0x0101010101010101ull * (round & 255), len / 8);
    fill8(codebuf + (round & 63), round + 7, 64 + (round & 127));
    total += sum(buf, sizeof buf) ^ sum(codebuf, sizeof codebuf);
  }
  puts_("fill ");
  puthex(total);
  puts_("\n");
  return 0;
}
