/*
 * Copy-on-write and discard test guest (test/cli/cow.test.ts): drives the virtio-blk disk in
 * slot 0 by polling, with deterministic writes that depend only on what the disk holds.
 * Sector 0 holds "KWBDISK1" and a run counter, incremented every run.
 *   odd runs:  sectors 8..2055 (1 MiB) get a pattern of (sector, byte, counter), in 64 KiB
 *              requests; WRITE_ZEROES without unmap over sectors 100..102
 *   even runs: DISCARD of sectors 264..1287 (512 KiB), WRITE_ZEROES with unmap of 1288..1543,
 *              both read back as zeros, the pattern of the previous run around them intact;
 *              DISCARD with the unmap flag must answer UNSUPP, one past the disk's end IOERR
 * Prints "disk-writer: run N", the discard configuration fields, an FNV-1a checksum of
 * sectors 0..2055, and powers off with 0 (pass) or 0x3333 | code << 16 on a failed check.
 */
#include <stdint.h>

#define UART0 0x10000000UL
#define TEST_DEV 0x00100000UL
#define VIRTIO0 0x10001000UL
#define REG8(a) (*(volatile uint8_t *)(a))
#define REG32(a) (*(volatile uint32_t *)(a))
#define VR(off) REG32(VIRTIO0 + (off))

__attribute__((naked, section(".text.start"))) void _start(void) {
  __asm__ volatile("bnez a0, 1f\n la sp, stack_top\n tail main\n1: wfi\n j 1b");
}

static void putc_(char c) {
  while (!(REG8(UART0 + 5) & 0x20)) {}
  REG8(UART0) = (uint8_t)c;
}
static void puts_(const char *s) { while (*s) putc_(*s++); }
static void putdec(uint64_t v) {
  char b[24];
  int n = 0;
  do { b[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) putc_(b[--n]);
}
static void puthex(uint32_t v) {
  puts_("0x");
  for (int i = 7; i >= 0; i--) putc_("0123456789abcdef"[(v >> (4 * i)) & 15]);
}
static void poweroff(uint32_t code) {
  REG32(TEST_DEV) = code ? (0x3333 | (code << 16)) : 0x5555;
  for (;;) {}
}
static void fail(uint32_t code, const char *why) {
  puts_("disk-writer: FAIL ");
  puts_(why);
  puts_("\n");
  poweroff(code);
}

#define QN 4
struct desc { uint64_t addr; uint32_t len; uint16_t flags; uint16_t next; };
struct avail { uint16_t flags; uint16_t idx; uint16_t ring[QN]; uint16_t event; };
struct used { uint16_t flags; uint16_t idx; struct { uint32_t id; uint32_t len; } ring[QN]; uint16_t event; };
struct req { uint32_t type; uint32_t reserved; uint64_t sector; };
struct seg { uint64_t sector; uint32_t count; uint32_t flags; };

static struct desc dq[QN] __attribute__((aligned(4096)));
static struct avail av __attribute__((aligned(4096)));
static volatile struct used us __attribute__((aligned(4096)));
static struct req rq;
static struct seg sg;
static volatile uint8_t status;
static uint8_t buf[65536] __attribute__((aligned(4096)));
static uint16_t seen;
static uint32_t features;

#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_DISCARD 11
#define T_WZ 13

static void init(void) {
  if (VR(0x000) != 0x74726976 || VR(0x004) != 2 || VR(0x008) != 2) fail(2, "no virtio-blk in slot 0");
  VR(0x070) = 0;
  VR(0x070) = 1;
  VR(0x070) = 3;
  VR(0x014) = 0;
  features = VR(0x010);
  uint32_t want = features & ((1u << 13) | (1u << 14));
  VR(0x024) = 0; VR(0x020) = want;
  VR(0x024) = 1; VR(0x020) = 1; /* VERSION_1 */
  VR(0x070) = 11;
  if (!(VR(0x070) & 8)) fail(3, "FEATURES_OK");
  VR(0x030) = 0;
  VR(0x038) = QN;
  VR(0x080) = (uint32_t)(uintptr_t)dq; VR(0x084) = 0;
  VR(0x090) = (uint32_t)(uintptr_t)&av; VR(0x094) = 0;
  VR(0x0a0) = (uint32_t)(uintptr_t)&us; VR(0x0a4) = 0;
  VR(0x044) = 1;
  VR(0x070) = 15;
}

/* One request: header, then (for data requests) `len` bytes of buf, or one discard segment. */
static int request(uint32_t type, uint64_t sector, uint32_t len) {
  rq.type = type; rq.reserved = 0; rq.sector = sector;
  status = 0xee;
  dq[0] = (struct desc){ (uintptr_t)&rq, 16, 1, 1 };
  int n = 1;
  if (type == T_IN || type == T_OUT) {
    dq[1] = (struct desc){ (uintptr_t)buf, len, (uint16_t)(1 | (type == T_IN ? 2 : 0)), 2 };
    n = 2;
  } else if (type == T_DISCARD || type == T_WZ) {
    dq[1] = (struct desc){ (uintptr_t)&sg, 16, 1, 2 };
    n = 2;
  }
  dq[n - 1].next = (uint16_t)n;
  dq[n] = (struct desc){ (uintptr_t)&status, 1, 2, 0 };
  av.ring[av.idx % QN] = 0;
  __sync_synchronize();
  av.idx++;
  __sync_synchronize();
  VR(0x050) = 0;
  while (us.idx == seen) {}
  seen++;
  __sync_synchronize();
  return status;
}

static int range(uint32_t type, uint64_t sector, uint32_t count, uint32_t flags) {
  sg.sector = sector; sg.count = count; sg.flags = flags;
  return request(type, 0, 0);
}

static uint8_t pattern(uint64_t sector, int i, uint32_t counter) {
  if (i < 4) return (uint8_t)(sector >> (8 * i));
  return (uint8_t)(sector * 31 + (uint64_t)i * 7 + counter * 13);
}

/* Checks sectors [from, to) against the pattern of `counter`, or zeros when counter is 0. */
static void expect(uint64_t from, uint64_t to, uint32_t counter, uint32_t code) {
  for (uint64_t s = from; s < to;) {
    uint32_t n = (to - s) > 128 ? 128 : (uint32_t)(to - s);
    if (request(T_IN, s, n * 512) != 0) fail(code, "read");
    for (uint32_t k = 0; k < n; k++)
      for (int i = 0; i < 512; i++) {
        uint8_t want = counter ? pattern(s + k, i, counter) : 0;
        if (buf[k * 512 + i] != want) { puts_("sector "); putdec(s + k); puts_(" byte "); putdec(i); puts_("\n"); fail(code, counter ? "pattern" : "zeros"); }
      }
    s += n;
  }
}

int main(void) {
  init();
  if (request(T_IN, 0, 512) != 0) fail(4, "read sector 0");
  uint32_t counter = 0;
  const char *magic = "KWBDISK1";
  int same = 1;
  for (int i = 0; i < 8; i++) if (buf[i] != (uint8_t)magic[i]) same = 0;
  if (same) counter = *(uint32_t *)(buf + 8);
  counter++;
  for (int i = 0; i < 8; i++) buf[i] = (uint8_t)magic[i];
  *(uint32_t *)(buf + 8) = counter;
  if (request(T_OUT, 0, 512) != 0) fail(5, "write sector 0");
  puts_("disk-writer: run "); putdec(counter); puts_("\n");
  puts_("features discard="); putdec((features >> 13) & 1);
  puts_(" write_zeroes="); putdec((features >> 14) & 1);
  puts_(" max_discard_sectors="); puthex(VR(0x100 + 36));
  puts_(" max_discard_seg="); putdec(VR(0x100 + 40));
  puts_(" discard_sector_alignment="); putdec(VR(0x100 + 44));
  puts_(" max_write_zeroes_sectors="); puthex(VR(0x100 + 48));
  puts_(" may_unmap="); putdec(REG8(VIRTIO0 + 0x100 + 56));
  puts_("\n");
  if (!((features >> 13) & 1) || !((features >> 14) & 1)) fail(6, "DISCARD or WRITE_ZEROES not offered");
  uint64_t capacity = (uint64_t)VR(0x100) | ((uint64_t)VR(0x104) << 32);

  if (counter & 1) {
    for (uint64_t s = 8; s < 2056; s += 128) {
      for (int k = 0; k < 128; k++)
        for (int i = 0; i < 512; i++) buf[k * 512 + i] = pattern(s + k, i, counter);
      if (request(T_OUT, s, 65536) != 0) fail(7, "write pattern");
    }
    if (range(T_WZ, 100, 3, 0) != 0) fail(8, "write zeroes");
    expect(8, 100, counter, 9);
    expect(100, 103, 0, 10);
    expect(103, 2056, counter, 11);
  } else {
    if (range(T_DISCARD, 264, 1024, 0) != 0) fail(12, "discard");
    if (range(T_WZ, 1288, 256, 1) != 0) fail(13, "write zeroes with unmap");
    if (range(T_DISCARD, 8, 8, 1) != 2) fail(14, "discard with unmap did not answer UNSUPP");
    if (range(T_DISCARD, capacity, 1, 0) != 1) fail(15, "discard past the end did not answer IOERR");
    expect(8, 100, counter - 1, 16);
    expect(264, 1544, 0, 17);
    expect(1544, 2056, counter - 1, 18);
  }
  if (request(T_FLUSH, 0, 0) != 0) fail(19, "flush");
  uint32_t h = 2166136261u;
  for (uint64_t s = 0; s < 2056; s += 8) {
    if (request(T_IN, s, 4096) != 0) fail(20, "read for checksum");
    for (int i = 0; i < 4096; i++) { h ^= buf[i]; h *= 16777619u; }
  }
  puts_("checksum "); puthex(h); puts_("\ndisk-writer: ok\n");
  poweroff(0);
  return 0;
}
