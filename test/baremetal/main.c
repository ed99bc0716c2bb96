/*
 * Bare-metal device test program for QEMU's virt board and ours (test/emulator/system/).
 * It prints through the NS16550A UART, takes UART receive interrupts through the PLIC,
 * counts CLINT timer interrupts, reads and writes sectors of a virtio-blk disk (virtio-mmio
 * version 2, interrupt-driven), sends a line by THR-empty interrupts, takes a CLINT software
 * interrupt, reads the goldfish RTC, and powers off through sifive_test (0x5555 pass; on a
 * failure 0x3333 with the failure number in the upper 16 bits).
 * Everything it prints depends only on the devices' behaviour, the disk image and the input,
 * never on timing, so the console transcript is the same on every correct machine.
 */
#include <stdint.h>

#define UART0 0x10000000UL
#define CLINT 0x02000000UL
#define PLIC 0x0c000000UL
#define TEST_DEV 0x00100000UL
#define VIRTIO0 0x10001000UL
#define UART_IRQ 10
#define VIRTIO0_IRQ 1
#define TICK 10000 /* 1 ms at the 10 MHz timebase */
#define TICKS_WANTED 3

#define REG8(a) (*(volatile uint8_t *)(a))
#define REG32(a) (*(volatile uint32_t *)(a))
#define REG64(a) (*(volatile uint64_t *)(a))

void *memset(void *d, int c, unsigned long n) {
  uint8_t *p = d;
  while (n--) *p++ = (uint8_t)c;
  return d;
}
void *memcpy(void *d, const void *s, unsigned long n) {
  uint8_t *p = d;
  const uint8_t *q = s;
  while (n--) *p++ = *q++;
  return d;
}

/* ---- console ---- */
static void putc_(char c) {
  while (!(REG8(UART0 + 5) & 0x20)) {} /* LSR.THRE */
  REG8(UART0 + 0) = (uint8_t)c;
}
static void puts_(const char *s) {
  while (*s) putc_(*s++);
}
static void puthex(uint64_t v, int digits) {
  puts_("0x");
  for (int i = digits - 1; i >= 0; i--) putc_("0123456789abcdef"[(v >> (4 * i)) & 15]);
}
static void putdec(uint64_t v) {
  char buf[24];
  int n = 0;
  do { buf[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) putc_(buf[--n]);
}

static void poweroff(uint32_t code) {
  REG32(TEST_DEV) = code ? (0x3333 | (code << 16)) : 0x5555;
  for (;;) {}
}
static void fail(int code, const char *what) {
  puts_("FAIL ");
  putdec((uint64_t)code);
  puts_(": ");
  puts_(what);
  puts_("\n");
  poweroff((uint32_t)code);
}

/* ---- interrupts ---- */
#define MSTATUS_MIE 0x8UL
#define MIE_MTIE 0x80UL
#define MIE_MEIE 0x800UL
static inline void irq_off(void) { __asm__ volatile("csrc mstatus, %0" ::"r"(MSTATUS_MIE)); }
static inline void irq_on(void) { __asm__ volatile("csrs mstatus, %0" ::"r"(MSTATUS_MIE)); }
static inline void wfi(void) { __asm__ volatile("wfi"); }

static volatile int ticks;
static volatile int disk_done;
static volatile uint8_t rx[256];
static volatile unsigned rx_head, rx_tail;
static volatile int rx_irqs;
static volatile int soft_irqs;
static const char *volatile tx_next; /* interrupt-driven transmission: what is left to send */
static volatile int tx_done;

/* Waits (interrupts on) until *flag != 0, without the lost-wakeup race: the flag is tested
 * with interrupts off, and WFI wakes on a pending interrupt even then. */
static void wait_for(volatile int *flag) {
  for (;;) {
    irq_off();
    if (*flag) { irq_on(); return; }
    wfi();
    irq_on();
  }
}

static void uart_drain(void) {
  while (REG8(UART0 + 5) & 0x01) { /* LSR.DR */
    uint8_t c = REG8(UART0 + 0);
    rx[rx_head++ % sizeof rx] = c;
  }
}

static void virtio_ack(void);

/* The UART interrupt, by IIR (as a classic 16550 driver does): received data is drained,
 * THR empty sends the next byte of tx_next, one byte per interrupt. */
static void uart_irq(void) {
  for (;;) {
    uint8_t iir = REG8(UART0 + 2);
    if (iir & 1) return; /* no interrupt pending */
    uint8_t id = iir & 0x0e;
    if (id == 0x04 || id == 0x0c) { rx_irqs++; uart_drain(); }
    else if (id == 0x02) {
      if (tx_next && *tx_next) REG8(UART0 + 0) = (uint8_t)*tx_next++;
      else { REG8(UART0 + 1) &= (uint8_t)~0x02; tx_done = 1; } /* all sent: IER.ETBEI off */
    } else return;
  }
}

void trap(uint64_t mcause, uint64_t mepc) {
  if ((int64_t)mcause < 0) {
    uint64_t code = mcause & 0xff;
    if (code == 7) {
      ticks++;
      if (ticks < TICKS_WANTED) REG64(CLINT + 0x4000) = REG64(CLINT + 0xbff8) + TICK;
      else __asm__ volatile("csrc mie, %0" ::"r"(MIE_MTIE));
      return;
    }
    if (code == 3) {
      soft_irqs++;
      REG32(CLINT + 0) = 0; /* clear msip of hart 0 */
      return;
    }
    if (code == 11) {
      uint32_t src = REG32(PLIC + 0x200004); /* claim, context 0 = hart 0 M-mode */
      if (src == UART_IRQ) uart_irq();
      else if (src == VIRTIO0_IRQ) virtio_ack();
      else if (src != 0) fail(20, "unexpected PLIC source");
      if (src) REG32(PLIC + 0x200004) = src; /* complete */
      return;
    }
  }
  puts_("trap mcause=");
  puthex(mcause, 16);
  puts_(" mepc=");
  puthex(mepc, 16);
  puts_("\n");
  fail(21, "unexpected trap");
}

/* ---- virtio-blk over virtio-mmio version 2 ---- */
#define VQ_SIZE 8
struct vq_desc { uint64_t addr; uint32_t len; uint16_t flags; uint16_t next; };
struct vq_avail { uint16_t flags; uint16_t idx; uint16_t ring[VQ_SIZE]; uint16_t used_event; };
struct vq_used_elem { uint32_t id; uint32_t len; };
struct vq_used { uint16_t flags; uint16_t idx; struct vq_used_elem ring[VQ_SIZE]; uint16_t avail_event; };
struct blk_req { uint32_t type; uint32_t reserved; uint64_t sector; };

static struct vq_desc desc[VQ_SIZE] __attribute__((aligned(4096)));
static struct vq_avail avail __attribute__((aligned(4096)));
static struct vq_used used __attribute__((aligned(4096)));
static struct blk_req req;
static uint8_t sector_buf[512] __attribute__((aligned(16)));
static volatile uint8_t req_status;
static uint16_t used_seen;

#define VR(off) REG32(VIRTIO0 + (off))

static void virtio_ack(void) {
  uint32_t st = VR(0x060);
  VR(0x064) = st;
  if (st & 1) disk_done = 1;
}

static uint64_t virtio_init(void) {
  if (VR(0x000) != 0x74726976) fail(30, "virtio magic");
  if (VR(0x004) != 2) fail(31, "virtio-mmio version is not 2");
  if (VR(0x008) != 2) fail(32, "slot 0 is not a block device");
  VR(0x070) = 0;            /* reset */
  VR(0x070) = 1;            /* ACKNOWLEDGE */
  VR(0x070) = 1 | 2;        /* DRIVER */
  VR(0x014) = 1;
  uint32_t hi = VR(0x010);
  if (!(hi & 1)) fail(33, "VIRTIO_F_VERSION_1 not offered");
  VR(0x024) = 0; VR(0x020) = 0;      /* no optional features */
  VR(0x024) = 1; VR(0x020) = 1;      /* VERSION_1 */
  VR(0x070) = 1 | 2 | 8;             /* FEATURES_OK */
  if (!(VR(0x070) & 8)) fail(34, "FEATURES_OK not accepted");
  VR(0x030) = 0;
  if (VR(0x044)) fail(35, "queue 0 already ready");
  if (VR(0x034) < VQ_SIZE) fail(36, "queue 0 too small");
  VR(0x038) = VQ_SIZE;
  VR(0x080) = (uint32_t)(uintptr_t)desc;  VR(0x084) = (uint32_t)((uintptr_t)desc >> 32);
  VR(0x090) = (uint32_t)(uintptr_t)&avail; VR(0x094) = (uint32_t)((uintptr_t)&avail >> 32);
  VR(0x0a0) = (uint32_t)(uintptr_t)&used;  VR(0x0a4) = (uint32_t)((uintptr_t)&used >> 32);
  VR(0x044) = 1;
  VR(0x070) = 1 | 2 | 8 | 4;         /* DRIVER_OK */
  return (uint64_t)VR(0x100) | ((uint64_t)VR(0x104) << 32);
}

/* One request (IN, OUT or FLUSH) of one sector, waited for by interrupt; returns the status. */
static int blk_rw(uint32_t type, uint64_t sector) {
  req.type = type;
  req.reserved = 0;
  req.sector = sector;
  req_status = 0xff;
  desc[0] = (struct vq_desc){ (uintptr_t)&req, sizeof req, 1, 1 };
  int n = 0;
  if (type == 0 || type == 1) {
    desc[1] = (struct vq_desc){ (uintptr_t)sector_buf, 512, (uint16_t)(1 | (type == 0 ? 2 : 0)), 2 };
    desc[0].next = 1;
    n = 1;
  }
  desc[n].next = (uint16_t)(n + 1);
  desc[n + 1] = (struct vq_desc){ (uintptr_t)&req_status, 1, 2, 0 };
  avail.ring[avail.idx % VQ_SIZE] = 0;
  __sync_synchronize();
  avail.idx++;
  __sync_synchronize();
  disk_done = 0;
  VR(0x050) = 0; /* QueueNotify */
  wait_for(&disk_done);
  __sync_synchronize();
  if (used.idx != (uint16_t)(used_seen + 1)) fail(40, "used.idx did not advance by one");
  struct vq_used_elem e = used.ring[used_seen % VQ_SIZE];
  used_seen++;
  if (e.id != 0) fail(41, "used element names another chain");
  uint32_t want = (type == 0 ? 513 : 1);
  if (e.len != want) { puts_("used.len="); putdec(e.len); puts_("\n"); fail(42, "used.len"); }
  return req_status;
}

static void fill(const char *text, uint8_t salt) {
  for (int i = 0; i < 512; i++) sector_buf[i] = (uint8_t)(i * 7 + salt);
  for (int i = 0; text[i]; i++) sector_buf[i] = (uint8_t)text[i];
}

static uint32_t checksum(void) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (int i = 0; i < 512; i++) { h ^= sector_buf[i]; h *= 16777619u; }
  return h;
}

static void disk_test(void) {
  uint64_t capacity = virtio_init();
  puts_("virtio-blk: capacity ");
  putdec(capacity);
  puts_(" sectors\n");
  if (blk_rw(0, 0) != 0) fail(50, "read sector 0");
  puts_("sector 0: ");
  for (int i = 0; i < 16; i++) putc_(sector_buf[i] >= 32 && sector_buf[i] < 127 ? (char)sector_buf[i] : '.');
  puts_(" fnv ");
  puthex(checksum(), 8);
  puts_("\n");
  fill("written by kwb baremetal", 1);
  uint32_t wrote = checksum();
  if (blk_rw(1, 1) != 0) fail(51, "write sector 1");
  if (blk_rw(4, 0) != 0) fail(52, "flush");
  memset(sector_buf, 0, sizeof sector_buf);
  if (blk_rw(0, 1) != 0) fail(53, "read sector 1 back");
  if (checksum() != wrote) fail(54, "sector 1 read back differs");
  puts_("sector 1 written and read back: ");
  for (int i = 0; i < 24; i++) putc_((char)sector_buf[i]);
  puts_("\n");
  if (blk_rw(0, capacity) != 1) fail(55, "read past the end did not fail with IOERR");
  puts_("read past the end: IOERR\n");
  if (blk_rw(77, 0) != 2) fail(56, "unknown request type did not answer UNSUPP");
  puts_("unknown request: UNSUPP\n");
}

/* ---- register probe: values a driver can observe, printed so the two machines are compared ---- */
static void show(const char *name, uint64_t v) {
  puts_(name);
  puts_("=");
  puthex(v, 8);
  puts_(" ");
}

static void register_probe(void) {
  puts_("uart: ");
  show("iir", REG8(UART0 + 2));
  show("lcr", REG8(UART0 + 3));
  show("mcr", REG8(UART0 + 4));
  show("lsr", REG8(UART0 + 5));
  show("msr", REG8(UART0 + 6));
  REG8(UART0 + 7) = 0xa5;
  show("scr", REG8(UART0 + 7));
  REG8(UART0 + 1) = 0x02;
  show("iir-thri", REG8(UART0 + 2));
  show("iir-after", REG8(UART0 + 2));
  REG8(UART0 + 1) = 0x00;
  puts_("\nplic: ");
  REG32(PLIC + 4 * 33) = 0xffffffff;
  show("prio", REG32(PLIC + 4 * 33));
  REG32(PLIC + 4 * 33) = 0;
  REG32(PLIC + 0x201000) = 0xffffffff;
  show("thresh", REG32(PLIC + 0x201000));
  REG32(PLIC + 0x201000) = 0;
  REG32(PLIC + 0x2080) = 0xffffffff;
  show("enable0", REG32(PLIC + 0x2080));
  REG32(PLIC + 0x2088) = 0xffffffff;
  show("enable2", REG32(PLIC + 0x2088));
  REG32(PLIC + 0x208c) = 0xffffffff;
  show("enable3", REG32(PLIC + 0x208c));
  REG32(PLIC + 0x2080) = 0; REG32(PLIC + 0x2088) = 0; REG32(PLIC + 0x208c) = 0;
  show("claim", REG32(PLIC + 0x201004));
  puts_("\nclint: ");
  REG32(CLINT + 0) = 0xfffffffe;
  show("msip", REG32(CLINT + 0));
  REG32(CLINT + 0) = 0;
  puts_("\nvirtio: ");
  show("qmax", VR(0x034));
  show("slot1-id", REG32(VIRTIO0 + 0x1000 + 8));
  show("slot7-magic", REG32(VIRTIO0 + 0x7000));
  show("slot7-version", REG32(VIRTIO0 + 0x7004));
  show("vendor", VR(0x00c));
  show("status", VR(0x070));
  show("cfg-seg_max", VR(0x10c));
  show("cfg-blk_size", VR(0x114));
  puts_("\n");
}

/* ---- main ---- */
static int read_line(char *out, int max) {
  int n = 0;
  for (;;) {
    while (rx_tail != rx_head) {
      char c = (char)rx[rx_tail++ % sizeof rx];
      if (c == '\r' || c == '\n') { out[n] = 0; return n; }
      if (n < max - 1) out[n++] = c;
    }
    irq_off();
    if (rx_tail == rx_head) wfi();
    irq_on();
  }
}

void main(uint64_t hartid, uint64_t fdt) {
  REG8(UART0 + 1) = 0;    /* IER off while configuring */
  REG8(UART0 + 3) = 0x80; /* DLAB */
  REG8(UART0 + 0) = 1;    /* divisor 1: 230400 baud at 3.6864 MHz */
  REG8(UART0 + 1) = 0;
  REG8(UART0 + 3) = 0x03; /* 8N1 */
  REG8(UART0 + 2) = 0x07; /* FIFO on, cleared, trigger level 1 */
  puts_("kwb baremetal: hart ");
  putdec(hartid);
  puts_(", fdt at ");
  puthex(fdt, 8);
  uint32_t magic = REG32(fdt);
  puts_(magic == 0xedfe0dd0u ? " (magic ok)\n" : " (bad magic)\n");

  register_probe();

  /* PLIC: UART and virtio slot 0 to hart 0's M-mode context. */
  REG32(PLIC + 4 * UART_IRQ) = 1;
  REG32(PLIC + 4 * VIRTIO0_IRQ) = 2;
  REG32(PLIC + 0x2000) = (1u << UART_IRQ) | (1u << VIRTIO0_IRQ);
  REG32(PLIC + 0x200000) = 0;
  __asm__ volatile("csrs mie, %0" ::"r"(MIE_MEIE));
  irq_on();

  /* Timer: TICKS_WANTED interrupts, TICK apart. */
  REG64(CLINT + 0x4000) = REG64(CLINT + 0xbff8) + TICK;
  __asm__ volatile("csrs mie, %0" ::"r"(MIE_MTIE));
  int seen = 0;
  while (ticks < TICKS_WANTED) {
    wait_for(&ticks);
    seen = ticks;
    if (seen < TICKS_WANTED) { /* wait for the next one */
      while (ticks == seen) { irq_off(); if (ticks == seen) wfi(); irq_on(); }
    }
  }
  puts_("timer: ");
  putdec((uint64_t)ticks);
  puts_(" interrupts\n");

  disk_test();

  /* UART receive interrupts: read two lines typed by the test. */
  REG8(UART0 + 1) = 0x01; /* IER.ERBFI */
  puts_("type two lines:\n");
  char line[64];
  for (int k = 0; k < 2; k++) {
    int n = read_line(line, sizeof line);
    for (int i = 0; i < n; i++) if (line[i] >= 'a' && line[i] <= 'z') line[i] = (char)(line[i] - 32);
    puts_("got: ");
    puts_(line);
    puts_(" (");
    putdec((uint64_t)n);
    puts_(" chars)\n");
  }
  puts_(rx_irqs > 0 ? "receive interrupts: yes\n" : "receive interrupts: none\n");
  if (rx_irqs == 0) fail(60, "no UART receive interrupt");

  /* Transmit one line by THR-empty interrupts. */
  tx_next = "sent by THR-empty interrupts\n";
  tx_done = 0;
  REG8(UART0 + 1) = 0x03; /* ETBEI: THR is empty, so the first interrupt comes at once */
  wait_for(&tx_done);

  /* Machine software interrupt through the CLINT's msip. */
  __asm__ volatile("csrs mie, %0" ::"r"(0x8UL));
  REG32(CLINT + 0) = 1;
  wait_for(&soft_irqs);
  puts_("software interrupts: ");
  putdec((uint64_t)soft_irqs);
  puts_("\n");

  /* Goldfish RTC: nanoseconds since 1970, moving forward. */
  uint64_t t1 = REG32(0x101000); t1 |= (uint64_t)REG32(0x101004) << 32;
  ticks = 0;
  REG64(CLINT + 0x4000) = REG64(CLINT + 0xbff8) + TICK;
  __asm__ volatile("csrs mie, %0" ::"r"(MIE_MTIE));
  wait_for(&ticks);
  uint64_t t2 = REG32(0x101000); t2 |= (uint64_t)REG32(0x101004) << 32;
  puts_(t1 > 1600000000ULL * 1000000000ULL && t2 > t1 ? "rtc: after 2020 and advancing\n" : "rtc: wrong\n");
  puts_("bye\n");
  poweroff(0);
}
