/*
 * file.c: open files. A task's files[] holds pointers into a shared pool of
 * struct open_file; fork shares them (refs counts the holders). An open file is
 * either an initramfs file (read-only, with an offset) or a device.
 * read and write move data through a small kernel buffer, one chunk at a time,
 * so user memory is only touched through copy_to_user / copy_from_user.
 */
#include "kernel.h"

#define MAX_OPEN_FILES 64
#define CHUNK 512

static struct open_file pool[MAX_OPEN_FILES];
static struct spinlock pool_lock;

struct open_file *file_dup(struct open_file *f)
{
    spin_lock(&pool_lock);
    f->refs++;
    spin_unlock(&pool_lock);
    return f;
}

void file_put(struct open_file *f)
{
    spin_lock(&pool_lock);
    f->refs--;
    spin_unlock(&pool_lock);
}

int file_open(const char *name, int flags)
{
    struct task *t = current_task();
    struct char_device *dev = device_find(name);
    const struct initfs_file *file = dev ? NULL : initfs_find(name);
    if (!dev && !file)
        return -E_NOENT;
    if (file && (flags & O_WRITE))
        return -E_PERM;                       /* the initramfs is read-only */
    int fd = 0;
    while (fd < MAX_OPEN && t->files[fd])
        fd++;
    if (fd == MAX_OPEN)
        return -E_MFILE;
    struct open_file *f = NULL;
    spin_lock(&pool_lock);
    for (int i = 0; i < MAX_OPEN_FILES; i++) {
        if (pool[i].refs == 0) {
            f = &pool[i];
            f->refs = 1;
            break;
        }
    }
    spin_unlock(&pool_lock);
    if (!f)
        return -E_MFILE;
    f->device = dev;
    f->file = file;
    f->offset = 0;
    f->flags = flags;
    t->files[fd] = f;
    return fd;
}

static struct open_file *fd_to_file(int fd)
{
    if (fd < 0 || fd >= MAX_OPEN)
        return NULL;
    return current_task()->files[fd];
}

int file_close(int fd)
{
    struct open_file *f = fd_to_file(fd);
    if (!f)
        return -E_INVAL;
    current_task()->files[fd] = NULL;
    file_put(f);
    return 0;
}

i64 file_read(int fd, u64 user_buf, u64 len)
{
    struct open_file *f = fd_to_file(fd);
    if (!f || !(f->flags & O_READ))
        return -E_INVAL;
    pagetable_t pt = current_task()->pagetable;
    if (f->file) {
        u64 left = f->file->size > f->offset ? f->file->size - f->offset : 0;
        u64 n = len < left ? len : left;
        if (copy_to_user(pt, user_buf, f->file->data + f->offset, n) < 0)
            return -E_FAULT;
        f->offset += n;
        return (i64)n;
    }
    if (!f->device->read)
        return -E_INVAL;
    char chunk[CHUNK];
    u64 done = 0;
    while (done < len) {
        u64 want = len - done < CHUNK ? len - done : CHUNK;
        i64 got = f->device->read(f->device, chunk, want, f->offset);
        if (got < 0)
            return done ? (i64)done : got;
        if (copy_to_user(pt, user_buf + done, chunk, (u64)got) < 0)
            return -E_FAULT;
        f->offset += (u64)got;
        done += (u64)got;
        if ((u64)got < want)
            break;                            /* a short read ends the call (a console line) */
    }
    return (i64)done;
}

i64 file_write(int fd, u64 user_buf, u64 len)
{
    struct open_file *f = fd_to_file(fd);
    if (!f || !(f->flags & O_WRITE) || !f->device || !f->device->write)
        return -E_INVAL;
    pagetable_t pt = current_task()->pagetable;
    char chunk[CHUNK];
    u64 done = 0;
    while (done < len) {
        u64 n = len - done < CHUNK ? len - done : CHUNK;
        if (copy_from_user(pt, chunk, user_buf + done, n) < 0)
            return -E_FAULT;
        i64 put = f->device->write(f->device, chunk, n, f->offset);
        if (put < 0)
            return done ? (i64)done : put;
        f->offset += (u64)put;
        done += (u64)put;
        if ((u64)put < n)
            break;
    }
    return (i64)done;
}
