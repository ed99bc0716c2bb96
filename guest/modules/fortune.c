/*
 * fortune: a module that adds a device. After `insmod fortune.ko`, the shell
 * command `cat fortune` reads one saying; each read gives the next one.
 */
#include "../include/kmod.h"

static const char *const sayings[] = {
    "A deadlock is two tasks being very polite at each other.\n",
    "Every pointer from user space is a question, never an answer.\n",
    "The scheduler is fair; the timer interrupt makes it so.\n",
};
static unsigned next_saying;

static i64 fortune_read(struct char_device *dev, void *buf, u64 len, u64 offset)
{
    (void)dev;
    if (offset > 0)
        return 0;                  /* one saying per open */
    const char *s = sayings[next_saying++ % (sizeof sayings / sizeof sayings[0])];
    u64 n = strlen(s);
    if (n > len)
        n = len;
    memcpy(buf, s, n);
    return (i64)n;
}

static struct char_device fortune_device = {
    .name = "fortune",
    .read = fortune_read,
};

int kmod_start(void)
{
    int err = device_register(&fortune_device);
    if (err == 0)
        kprintf("fortune module: device 'fortune' ready\n");
    return err;
}

void kmod_stop(void)
{
    device_unregister(&fortune_device);
}
