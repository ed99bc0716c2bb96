/*
 * kwb --initrd test guest (test/cli/kwb.test.ts), for QEMU's virt board and ours: finds
 * linux,initrd-start and linux,initrd-end in the device tree's /chosen (a1 at entry), and
 * prints their cell counts and values, the size, and an FNV-1a checksum of the RAM between
 * them; then powers off through sifive_test. Run with -initrd on QEMU, the transcript must
 * be the same.
 */
#include <stdint.h>

#define UART0 0x10000000UL
#define TEST_DEV 0x00100000UL

__attribute__((naked, section(".text.start"))) void _start(void) {
  __asm__ volatile("bnez a0, 1f\n la sp, stack_top\n tail main\n1: wfi\n j 1b");
}

static void putc_(char c) {
  while (!(*(volatile uint8_t *)(UART0 + 5) & 0x20)) {}
  *(volatile uint8_t *)UART0 = (uint8_t)c;
}
static void puts_(const char *s) {
  while (*s) putc_(*s++);
}
static void puthex(uint64_t v) {
  puts_("0x");
  for (int i = 15; i >= 0; i--) putc_("0123456789abcdef"[(v >> (4 * i)) & 15]);
}
static uint32_t be32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static int eq(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}

void main(long hart, const uint8_t *fdt) {
  (void)hart;
  if (be32(fdt) != 0xd00dfeed) {
    puts_("no device tree\n");
    *(volatile uint32_t *)TEST_DEV = 0x13333;
  }
  const uint8_t *p = fdt + be32(fdt + 8);
  const char *strs = (const char *)fdt + be32(fdt + 12);
  int depth = 0, in_chosen = 0;
  uint64_t val[2] = {0, 0};
  int cells[2] = {0, 0};
  for (;;) {
    uint32_t tok = be32(p);
    p += 4;
    if (tok == 1) { /* FDT_BEGIN_NODE */
      const char *name = (const char *)p;
      depth++;
      if (depth == 2 && eq(name, "chosen")) in_chosen = 1;
      while (*p) p++;
      p = (const uint8_t *)(((uintptr_t)p + 4) & ~(uintptr_t)3);
    } else if (tok == 2) { /* FDT_END_NODE */
      if (depth == 2) in_chosen = 0;
      depth--;
    } else if (tok == 3) { /* FDT_PROP */
      uint32_t len = be32(p), nameoff = be32(p + 4);
      const uint8_t *v = p + 8;
      int which = eq(strs + nameoff, "linux,initrd-start") ? 0 : eq(strs + nameoff, "linux,initrd-end") ? 1 : -1;
      if (in_chosen && which >= 0) {
        cells[which] = (int)(len / 4);
        val[which] = len == 8 ? ((uint64_t)be32(v) << 32) | be32(v + 4) : be32(v);
      }
      p = v + ((len + 3) & ~3u);
    } else if (tok == 4) { /* FDT_NOP */
    } else break; /* FDT_END */
  }
  puts_("initrd-start cells ");
  putc_((char)('0' + cells[0]));
  puts_(" ");
  puthex(val[0]);
  puts_("\ninitrd-end cells ");
  putc_((char)('0' + cells[1]));
  puts_(" ");
  puthex(val[1]);
  puts_("\n");
  if (cells[0] && cells[1]) {
    uint32_t h = 2166136261u;
    for (const uint8_t *b = (const uint8_t *)val[0]; b < (const uint8_t *)val[1]; b++) h = (h ^ *b) * 16777619u;
    puts_("size ");
    puthex(val[1] - val[0]);
    puts_(" fnv1a ");
    puthex(h);
    puts_("\n");
  }
  *(volatile uint32_t *)TEST_DEV = 0x5555;
  for (;;) {}
}
