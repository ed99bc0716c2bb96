/*
 * disk: reads and writes the virtio data disk through the device "disk".
 *   disk           prints the text at the start of sector 0, then writes a
 *                  message into sector 1 and reads it back
 *   disk read N    prints the text at the start of sector N
 */
#include "ulib.h"

#define SECTOR 512

static int read_sector(long sector, char *buf)
{
    int fd = open("disk", O_READ);
    if (fd < 0)
        return fd;
    long n = 0;
    for (long s = 0; s <= sector && n >= 0; s++)  /* no seek call: read up to the sector */
        n = read(fd, buf, SECTOR);
    close(fd);
    return n == SECTOR ? 0 : -E_IO;
}

static void show(long sector, const char *buf)
{
    int len = 0;
    while (len < 64 && buf[len] >= ' ' && buf[len] < 0x7f)
        len++;
    printf("disk: sector %ld says \"", sector);
    write(1, buf, len);
    printf("\"\n");
}

int main(int argc, char **argv)
{
    char buf[SECTOR];
    if (argc == 3 && strcmp(argv[1], "read") == 0) {
        long s = atol(argv[2]);
        int err = read_sector(s, buf);
        if (err < 0) { printf("disk: %s\n", error_text(err)); return 1; }
        show(s, buf);
        return 0;
    }
    int err = read_sector(0, buf);
    if (err < 0) {
        printf("disk: %s\n", error_text(err));
        return 1;
    }
    show(0, buf);
    int fd = open("disk", O_READ | O_WRITE);
    memset(buf, 0, sizeof buf);
    strcpy(buf, "written by the disk program of the teaching kernel");
    char skip[SECTOR];
    read(fd, skip, SECTOR);                       /* move to sector 1 */
    long n = write(fd, buf, SECTOR);
    close(fd);
    if (n != SECTOR) {
        printf("disk: write failed\n");
        return 1;
    }
    memset(buf, 0, sizeof buf);
    if (read_sector(1, buf) < 0) {
        printf("disk: read back failed\n");
        return 1;
    }
    show(1, buf);
    return 0;
}
