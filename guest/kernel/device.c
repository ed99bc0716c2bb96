/*
 * device.c: the list of named character devices. open("console") or open("disk")
 * finds a device here before looking in the initramfs; modules may add their own
 * (device_register is exported to them).
 */
#include "kernel.h"

static struct char_device *devices;
static struct spinlock devices_lock;

void devices_init(void)
{
    spin_init(&devices_lock, "devices");
}

int device_register(struct char_device *dev)
{
    spin_lock(&devices_lock);
    for (struct char_device *d = devices; d; d = d->next) {
        if (strcmp(d->name, dev->name) == 0) {
            spin_unlock(&devices_lock);
            return -E_EXIST;
        }
    }
    struct char_device **tail = &devices;      /* keep registration order for ls */
    while (*tail)
        tail = &(*tail)->next;
    dev->next = NULL;
    *tail = dev;
    spin_unlock(&devices_lock);
    return 0;
}

void device_unregister(struct char_device *dev)
{
    spin_lock(&devices_lock);
    for (struct char_device **p = &devices; *p; p = &(*p)->next) {
        if (*p == dev) {
            *p = dev->next;
            break;
        }
    }
    spin_unlock(&devices_lock);
}

struct char_device *device_find(const char *name)
{
    spin_lock(&devices_lock);
    struct char_device *d = devices;
    while (d && strcmp(d->name, name) != 0)
        d = d->next;
    spin_unlock(&devices_lock);
    return d;
}

struct char_device *device_at(int index)
{
    spin_lock(&devices_lock);
    struct char_device *d = devices;
    while (d && index-- > 0)
        d = d->next;
    spin_unlock(&devices_lock);
    return d;
}
