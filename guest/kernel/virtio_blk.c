/*
 * virtio_blk.c: a driver for a virtio block device ("virtio-blk") on the
 * virtio-mmio transport, version 2 (the "modern" interface). Numbers and layouts
 * are from the Virtio 1.1 specification, sections 2 (virtqueues), 3.1 (device
 * initialisation), 4.2 (MMIO transport) and 5.2 (block device).
 *
 * One virtqueue of QUEUE_SIZE descriptors; one request in flight at a time (the
 * sleeping lock `disk_lock` serialises callers). A request is a chain of three
 * descriptors: a header (read or write, which sector), the 512-byte data buffer,
 * and one status byte the device fills in. The caller sleeps until the device's
 * interrupt reports the chain in the used ring.
 *
 * The disk is offered to user programs as the device "disk": read and write at
 * any offset; whole sectors move underneath.
 *
 * Media change: a slot may hold no disk (capacity 0) and get one later, or lose
 * it. The device then raises the configuration-change interrupt (interrupt
 * status bit 1, spec 4.2.2) and the driver reads the capacity again (between two
 * equal reads of ConfigGeneration, spec 4.2.2.1), as Linux's driver does.
 */
#include "kernel.h"

/* MMIO register offsets (spec 4.2.2) */
#define VIO_MAGIC        0x000   /* "virt" */
#define VIO_VERSION      0x004   /* 2 for the modern interface */
#define VIO_DEVICE_ID    0x008   /* 2 = block device */
#define VIO_DEV_FEATURES 0x010
#define VIO_DEV_FEAT_SEL 0x014
#define VIO_DRV_FEATURES 0x020
#define VIO_DRV_FEAT_SEL 0x024
#define VIO_QUEUE_SEL    0x030
#define VIO_QUEUE_MAX    0x034
#define VIO_QUEUE_NUM    0x038
#define VIO_QUEUE_READY  0x044
#define VIO_QUEUE_NOTIFY 0x050
#define VIO_IRQ_STATUS   0x060
#define VIO_IRQ_ACK      0x064
#define VIO_STATUS       0x070
#define VIO_DESC_LOW     0x080
#define VIO_DESC_HIGH    0x084
#define VIO_DRIVER_LOW   0x090   /* the "available" ring */
#define VIO_DRIVER_HIGH  0x094
#define VIO_DEVICE_LOW   0x0a0   /* the "used" ring */
#define VIO_DEVICE_HIGH  0x0a4
#define VIO_CONFIG_GEN   0x0fc   /* changes whenever the configuration does */
#define VIO_CONFIG       0x100   /* block device: u64 capacity in sectors */
#define IRQ_USED_BUFFER  1       /* interrupt status: requests completed */
#define IRQ_CONFIG       2       /* interrupt status: configuration changed */

#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER      2
#define STATUS_DRIVER_OK   4
#define STATUS_FEATURES_OK 8
#define FEATURE_VERSION_1_BIT 0  /* bit 32 overall: bit 0 of feature word 1 */

#define DESC_NEXT  1
#define DESC_WRITE 2             /* the device writes this buffer */
#define REQ_READ   0
#define REQ_WRITE  1
#define SECTOR_SIZE 512
#define QUEUE_SIZE 8

struct vq_desc {
    u64 addr;
    u32 len;
    u16 flags;
    u16 next;
};
struct vq_avail {
    u16 flags;
    u16 idx;
    u16 ring[QUEUE_SIZE];
};
struct vq_used_elem {
    u32 id;
    u32 len;
};
struct vq_used {
    u16 flags;
    u16 idx;
    struct vq_used_elem ring[QUEUE_SIZE];
};
struct blk_request_header {
    u32 type;
    u32 reserved;
    u64 sector;
};

int disk_present;
u64 disk_sectors;
static u64 base;                 /* MMIO base of the slot we found */
static int disk_slot;
static struct vq_desc *desc;
static struct vq_avail *avail;
static struct vq_used *used;
static u16 used_seen;
static struct blk_request_header header;
static volatile u8 request_status;
static volatile int request_done;
static struct spinlock vq_lock;
static struct sleeplock disk_lock;
static struct char_device disk_device;

static u32 reg_read(u32 off) { return *(volatile u32 *)(base + off); }
static void reg_write(u32 off, u32 v) { *(volatile u32 *)(base + off) = v; }

static i64 disk_dev_read(struct char_device *dev, void *buf, u64 len, u64 offset);
static i64 disk_dev_write(struct char_device *dev, const void *buf, u64 len, u64 offset);

static int find_device(void)
{
    for (int slot = 0; slot < VIRTIO_SLOTS; slot++) {
        base = VIRTIO_BASE + slot * VIRTIO_STRIDE;
        if (reg_read(VIO_MAGIC) == 0x74726976 && reg_read(VIO_DEVICE_ID) == 2) {
            if (reg_read(VIO_VERSION) != 2) {
                kprintf("virtio-blk: slot %d is legacy (version %u); need version 2 "
                        "(QEMU: -global virtio-mmio.force-legacy=false)\n", slot, reg_read(VIO_VERSION));
                return -1;
            }
            disk_slot = slot;
            return slot;
        }
    }
    return -1;
}

void virtio_blk_init(void)
{
    spin_init(&vq_lock, "virtqueue");
    sleeplock_init(&disk_lock, "disk");
    int slot = find_device();
    if (slot < 0) {
        kprintf("virtio-blk: no disk\n");
        return;
    }
    reg_write(VIO_STATUS, 0);                                   /* reset */
    reg_write(VIO_STATUS, STATUS_ACKNOWLEDGE);
    reg_write(VIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    reg_write(VIO_DEV_FEAT_SEL, 1);
    if (!(reg_read(VIO_DEV_FEATURES) & (1u << FEATURE_VERSION_1_BIT))) {
        kprintf("virtio-blk: device does not offer VIRTIO_F_VERSION_1\n");
        return;
    }
    reg_write(VIO_DRV_FEAT_SEL, 0);
    reg_write(VIO_DRV_FEATURES, 0);                             /* no optional features */
    reg_write(VIO_DRV_FEAT_SEL, 1);
    reg_write(VIO_DRV_FEATURES, 1u << FEATURE_VERSION_1_BIT);
    reg_write(VIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    if (!(reg_read(VIO_STATUS) & STATUS_FEATURES_OK)) {
        kprintf("virtio-blk: features not accepted\n");
        return;
    }
    reg_write(VIO_QUEUE_SEL, 0);
    if (reg_read(VIO_QUEUE_MAX) < QUEUE_SIZE) {
        kprintf("virtio-blk: queue too small\n");
        return;
    }
    desc = page_alloc();
    avail = page_alloc();
    used = page_alloc();
    reg_write(VIO_QUEUE_NUM, QUEUE_SIZE);
    reg_write(VIO_DESC_LOW, (u32)(u64)desc);
    reg_write(VIO_DESC_HIGH, (u32)((u64)desc >> 32));
    reg_write(VIO_DRIVER_LOW, (u32)(u64)avail);
    reg_write(VIO_DRIVER_HIGH, (u32)((u64)avail >> 32));
    reg_write(VIO_DEVICE_LOW, (u32)(u64)used);
    reg_write(VIO_DEVICE_HIGH, (u32)((u64)used >> 32));
    reg_write(VIO_QUEUE_READY, 1);
    reg_write(VIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    disk_sectors = *(volatile u64 *)(base + VIO_CONFIG);
    disk_present = 1;
    kprintf("virtio-blk: slot %d, %lu sectors\n", slot, disk_sectors);
    disk_device.name = "disk";
    disk_device.read = disk_dev_read;
    disk_device.write = disk_dev_write;
    device_register(&disk_device);
}

/* Reads or writes one sector; sleeps until the device is done. */
int disk_rw(u64 sector, void *buf, int write)
{
    if (!disk_present || sector >= disk_sectors)
        return -E_IO;
    sleeplock_acquire(&disk_lock);
    header.type = write ? REQ_WRITE : REQ_READ;
    header.reserved = 0;
    header.sector = sector;
    request_status = 0xff;
    desc[0] = (struct vq_desc){ (u64)&header, sizeof header, DESC_NEXT, 1 };
    desc[1] = (struct vq_desc){ (u64)buf, SECTOR_SIZE, (u16)(DESC_NEXT | (write ? 0 : DESC_WRITE)), 2 };
    desc[2] = (struct vq_desc){ (u64)&request_status, 1, DESC_WRITE, 0 };

    spin_lock(&vq_lock);
    request_done = 0;
    avail->ring[avail->idx % QUEUE_SIZE] = 0;               /* the chain starts at desc[0] */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);                /* descriptors before the index */
    avail->idx++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    reg_write(VIO_QUEUE_NOTIFY, 0);
    while (!request_done)
        sleep_on((const void *)&request_done, "disk I/O", &vq_lock);
    spin_unlock(&vq_lock);

    int status = request_status;
    sleeplock_release(&disk_lock);
    return status == 0 ? 0 : -E_IO;
}

/* The capacity as one configuration generation has it (the two halves of the u64 agree). */
static u64 read_capacity(void)
{
    u32 gen;
    u64 sectors;
    do {
        gen = reg_read(VIO_CONFIG_GEN);
        sectors = *(volatile u64 *)(base + VIO_CONFIG);
    } while (gen != reg_read(VIO_CONFIG_GEN));
    return sectors;
}

/* A disk was put in or taken out: later requests see the new size (0: none). */
static void capacity_changed(void)
{
    u64 sectors = read_capacity();
    if (sectors == disk_sectors)
        return;
    disk_sectors = sectors;
    kprintf("virtio-blk: vd%c capacity %lu sectors%s\n", 'a' + disk_slot, sectors,
            sectors ? "" : " (no disk)");
}

void virtio_blk_interrupt(void)
{
    if (!disk_present)
        return;
    u32 status = reg_read(VIO_IRQ_STATUS);
    reg_write(VIO_IRQ_ACK, status & (IRQ_USED_BUFFER | IRQ_CONFIG));
    if (status & IRQ_CONFIG)
        capacity_changed();
    spin_lock(&vq_lock);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    while (used_seen != used->idx) {
        used_seen++;
        request_done = 1;
    }
    wake_up((const void *)&request_done);
    spin_unlock(&vq_lock);
}

static i64 disk_dev_read(struct char_device *dev, void *buf, u64 len, u64 offset)
{
    (void)dev;
    u8 *out = buf;
    u64 done = 0;
    while (done < len && (offset + done) / SECTOR_SIZE < disk_sectors) {
        u64 pos = offset + done, in_sector = pos % SECTOR_SIZE;
        u64 n = SECTOR_SIZE - in_sector;
        if (n > len - done) n = len - done;
        u8 sector_buf[SECTOR_SIZE];
        if (disk_rw(pos / SECTOR_SIZE, sector_buf, 0) < 0)
            return done ? (i64)done : -E_IO;
        memcpy(out + done, sector_buf + in_sector, n);
        done += n;
    }
    return (i64)done;
}

static i64 disk_dev_write(struct char_device *dev, const void *buf, u64 len, u64 offset)
{
    (void)dev;
    const u8 *in = buf;
    u64 done = 0;
    while (done < len && (offset + done) / SECTOR_SIZE < disk_sectors) {
        u64 pos = offset + done, in_sector = pos % SECTOR_SIZE;
        u64 n = SECTOR_SIZE - in_sector;
        if (n > len - done) n = len - done;
        u8 sector_buf[SECTOR_SIZE];
        if (n < SECTOR_SIZE && disk_rw(pos / SECTOR_SIZE, sector_buf, 0) < 0)
            return done ? (i64)done : -E_IO;       /* a partial sector: read, modify, write */
        memcpy(sector_buf + in_sector, in + done, n);
        if (disk_rw(pos / SECTOR_SIZE, sector_buf, 1) < 0)
            return done ? (i64)done : -E_IO;
        done += n;
    }
    return (i64)done;
}
