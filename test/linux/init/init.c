// SPDX-License-Identifier: GPL-2.0
/*
 * kwb-init: Kernel Workbench's /init for the Linux test input (test/linux/build.sh).
 * A static, freestanding RV64 Linux program: no libc, raw system calls (ecall).
 *
 * At start it opens /dev/console as fds 0, 1 and 2, prints "kwb-init: started", mounts
 * /proc and /sys, and forks children that park in known states, each named with
 * prctl(PR_SET_NAME) so lx-ps shows them:
 *   kwb-pipe     blocked in read() on a pipe nobody writes       (S, pipe_read)
 *   kwb-sleep    in nanosleep() for a day, over and over         (S, hrtimer_nanosleep)
 *   kwb-stopped  stopped by its own SIGSTOP                      (T)
 *   kwb-zombie   exited at once; init never reaps it             (Z)
 * and prints "kwb-init: child NAME pid N" for each. Then "kwb-init: ready" and a command
 * loop on the console, with the prompt "kwb# " before each command:
 *   insmod      finit_module("/kwbdemo.ko")          -> "insmod: ok" / "insmod: error N"
 *   rmmod       delete_module("kwbdemo", O_NONBLOCK) -> "rmmod: ok" / "rmmod: error N"
 *   ps          pid, state and name of every task in /proc
 *   echo TEXT   prints TEXT
 *   disk write TEXT   TEXT and a newline at the start of /dev/vda, synced -> "disk write: ok"
 *   disk read         the first line at the start of /dev/vda           -> "disk: LINE"
 *               (the node /vda is made from /sys/block/vda/dev: there is no devtmpfs)
 *   poweroff    sync, then reboot(LINUX_REBOOT_CMD_POWER_OFF)
 *   help        the list above
 * Errors are negative errno values, as the system calls return them.
 */

typedef unsigned long size_t;
typedef long ssize_t;

/* asm-generic system call numbers (RV64) */
#define SYS_dup3 24
#define SYS_mkdirat 34
#define SYS_mount 40
#define SYS_openat 56
#define SYS_close 57
#define SYS_pipe2 59
#define SYS_getdents64 61
#define SYS_read 63
#define SYS_write 64
#define SYS_exit 93
#define SYS_nanosleep 101
#define SYS_delete_module 106
#define SYS_kill 129
#define SYS_reboot 142
#define SYS_getpid 172
#define SYS_prctl 167
#define SYS_sync 81
#define SYS_fsync 82
#define SYS_mknodat 33
#define SYS_clone 220
#define SYS_finit_module 273

#define AT_FDCWD (-100)
#define O_RDONLY 0
#define O_RDWR 2
#define O_NONBLOCK 04000
#define O_DIRECTORY 0200000
#define O_CLOEXEC 02000000
#define SIGCHLD 17
#define SIGSTOP 19
#define PR_SET_NAME 15
#define LINUX_REBOOT_MAGIC1 0xfee1dead
#define LINUX_REBOOT_MAGIC2 672274793
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedc

static long syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c;
	register long a3 __asm__("a3") = d;
	register long a4 __asm__("a4") = e;
	register long a5 __asm__("a5") = f;
	register long a7 __asm__("a7") = n;
	__asm__ volatile("ecall"
			 : "+r"(a0)
			 : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
			 : "memory");
	return a0;
}

#define sys0(n) syscall6(n, 0, 0, 0, 0, 0, 0)
#define sys1(n, a) syscall6(n, (long)(a), 0, 0, 0, 0, 0)
#define sys2(n, a, b) syscall6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(n, a, b, c) syscall6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(n, a, b, c, d) syscall6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define sys5(n, a, b, c, d, e) syscall6(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

/* The entry point: the kernel starts us with sp at argc; set gp for the linker's relaxations. */
__asm__(".section .text._start,\"ax\",@progbits\n"
	".globl _start\n"
	"_start:\n"
	".option push\n"
	".option norelax\n"
	"  lla gp, __global_pointer$\n"
	".option pop\n"
	"  mv a0, sp\n"
	"  andi sp, sp, -16\n"
	"  call kwb_main\n"
	"1: li a7, 93\n"
	"  ecall\n"
	"  j 1b\n"
	".previous\n");

/* gcc may call these for struct copies and initialisers even when freestanding */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}
void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

static size_t slen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static int seq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static int starts(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return 0;
	return 1;
}

static void put(const char *s)
{
	size_t n = slen(s);
	while (n > 0) {
		long r = sys3(SYS_write, 1, s, n);
		if (r <= 0)
			return;
		s += r;
		n -= (size_t)r;
	}
}

static void putnum(long v)
{
	char buf[24];
	int i = sizeof(buf) - 1;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		buf[--i] = '-';
	put(buf + i);
}

static void result(const char *what, long r)
{
	put(what);
	if (r == 0) {
		put(": ok\n");
	} else {
		put(": error ");
		putnum(r);
		put("\n");
	}
}

/* /vda, the block device node for vda, made from /sys/block/vda/dev ("MAJOR:MINOR"); its fd or an error */
static long open_vda(void)
{
	char buf[32];
	long fd = sys4(SYS_openat, AT_FDCWD, "/sys/block/vda/dev", O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	long n = sys3(SYS_read, fd, buf, sizeof(buf) - 1);
	sys1(SYS_close, fd);
	if (n <= 0)
		return -5;
	unsigned long major = 0, minor = 0, *v = &major;
	for (long i = 0; i < n; i++) {
		if (buf[i] == ':')
			v = &minor;
		else if (buf[i] >= '0' && buf[i] <= '9')
			*v = *v * 10 + (unsigned long)(buf[i] - '0');
	}
	/* the kernel's new_encode_dev */
	unsigned long dev = (minor & 0xff) | (major << 8) | ((minor & ~0xffUL) << 12);
	sys4(SYS_mknodat, AT_FDCWD, "/vda", 0060600, (long)dev); /* S_IFBLK | 0600; EEXIST the second time */
	return sys4(SYS_openat, AT_FDCWD, "/vda", O_RDWR | O_CLOEXEC, 0);
}

static void disk(const char *args)
{
	static char sector[512];
	long fd = open_vda();
	if (fd < 0) {
		result("disk: /vda", fd);
		return;
	}
	if (starts(args, "write ")) {
		size_t n = slen(args + 6);
		if (n > sizeof(sector) - 1)
			n = sizeof(sector) - 1;
		memset(sector, 0, sizeof(sector));
		memcpy(sector, args + 6, n);
		sector[n] = '\n';
		long r = sys3(SYS_write, fd, sector, sizeof(sector));
		if (r == (long)sizeof(sector))
			r = sys1(SYS_fsync, fd);
		else if (r >= 0)
			r = -5;
		result("disk write", r);
	} else if (seq(args, "read")) {
		long r = sys3(SYS_read, fd, sector, sizeof(sector) - 1);
		if (r < 0) {
			result("disk read", r);
		} else {
			sector[r] = 0;
			for (long i = 0; i < r; i++)
				if (sector[i] == '\n' || sector[i] == 0) {
					sector[i] = 0;
					break;
				}
			put("disk: ");
			put(sector);
			put("\n");
		}
	} else {
		put("disk: usage: disk write TEXT | disk read\n");
	}
	sys1(SYS_close, fd);
}

struct timespec {
	long tv_sec;
	long tv_nsec;
};

static void snooze(long seconds)
{
	struct timespec ts = { seconds, 0 };
	sys2(SYS_nanosleep, &ts, 0);
}

/* fork() is clone(SIGCHLD) on RV64: returns 0 in the child. */
static long fork_child(void)
{
	return syscall6(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);
}

static int ready_pipe[2];

/* In a new child: take the name, tell init we are about to park, and return to park. */
static void become(const char *name)
{
	char byte = '.';
	sys5(SYS_prctl, PR_SET_NAME, name, 0, 0, 0);
	sys3(SYS_write, ready_pipe[1], &byte, 1);
	sys1(SYS_close, ready_pipe[1]);
	sys1(SYS_close, ready_pipe[0]);
}

static void start_child(const char *name, int kind)
{
	int p[2];
	long pid;

	if (kind == 0 && sys2(SYS_pipe2, p, O_CLOEXEC) < 0) {
		put("kwb-init: pipe2 failed\n");
		return;
	}
	pid = fork_child();
	if (pid < 0) {
		put("kwb-init: fork failed: ");
		putnum(pid);
		put("\n");
		return;
	}
	if (pid == 0) {
		char c;
		become(name);
		switch (kind) {
		case 0: /* blocks in read(); init keeps the write end open and never writes */
			for (;;)
				sys3(SYS_read, p[0], &c, 1);
		case 1:
			for (;;)
				snooze(86400);
		case 2:
			for (;;)
				sys2(SYS_kill, sys0(SYS_getpid), SIGSTOP);
		default:
			sys1(SYS_exit, 0);
		}
		for (;;)
			;
	}
	if (kind == 0)
		sys1(SYS_close, p[0]);
	put("kwb-init: child ");
	put(name);
	put(" pid ");
	putnum(pid);
	put("\n");
}

struct dirent64 {
	unsigned long d_ino;
	long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* ps: "PID STATE NAME" from /proc/PID/stat ("pid (comm) S ...") */
static void ps(void)
{
	static char dents[2048];
	char path[40], stat[256];
	long dir = sys4(SYS_openat, AT_FDCWD, "/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	long n;

	if (dir < 0) {
		result("ps: /proc", dir);
		return;
	}
	put("  PID S NAME\n");
	while ((n = sys3(SYS_getdents64, dir, dents, sizeof(dents))) > 0) {
		long off = 0;
		while (off < n) {
			struct dirent64 *d = (struct dirent64 *)(dents + off);
			off += d->d_reclen;
			if (d->d_name[0] < '0' || d->d_name[0] > '9')
				continue;
			memcpy(path, "/proc/", 6);
			size_t l = slen(d->d_name);
			if (l > 20)
				continue;
			memcpy(path + 6, d->d_name, l);
			memcpy(path + 6 + l, "/stat", 6);
			long fd = sys4(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
			if (fd < 0)
				continue;
			long r = sys3(SYS_read, fd, stat, sizeof(stat) - 1);
			sys1(SYS_close, fd);
			if (r <= 0)
				continue;
			stat[r] = 0;
			char *open = stat, *close = stat + r;
			while (*open && *open != '(')
				open++;
			while (close > open && *close != ')')
				close--;
			if (!*open || close <= open || close + 2 >= stat + r)
				continue;
			*close = 0;
			for (size_t i = l; i < 5; i++)
				put(" ");
			put(d->d_name);
			char state[4] = { ' ', close[2], ' ', 0 };
			put(state);
			put(open + 1);
			put("\n");
		}
	}
	sys1(SYS_close, dir);
}

static void poweroff(void)
{
	put("kwb-init: poweroff\n");
	sys0(SYS_sync);
	long r = sys4(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, 0);
	result("poweroff", r);
}

static void command(char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line)
		return;
	if (seq(line, "insmod")) {
		long fd = sys4(SYS_openat, AT_FDCWD, "/kwbdemo.ko", O_RDONLY | O_CLOEXEC, 0);
		if (fd < 0) {
			result("insmod: /kwbdemo.ko", fd);
			return;
		}
		long r = sys3(SYS_finit_module, fd, "", 0);
		sys1(SYS_close, fd);
		result("insmod", r);
	} else if (seq(line, "rmmod")) {
		result("rmmod", sys2(SYS_delete_module, "kwbdemo", O_NONBLOCK));
	} else if (seq(line, "ps")) {
		ps();
	} else if (seq(line, "echo") || starts(line, "echo ")) {
		put(line[4] ? line + 5 : "");
		put("\n");
	} else if (starts(line, "disk ")) {
		disk(line + 5);
	} else if (seq(line, "poweroff")) {
		poweroff();
	} else if (seq(line, "help")) {
		put("commands: insmod, rmmod, ps, echo TEXT, disk write TEXT, disk read, poweroff, help\n");
	} else {
		put("kwb-init: unknown command: ");
		put(line);
		put(" (try help)\n");
	}
}

int kwb_main(long *sp);
int kwb_main(long *sp)
{
	static char line[256];
	char buf[8];
	size_t len = 0;
	(void)sp;

	/* fds 0, 1, 2 on the console (the kernel opened them if it could; do it again anyway) */
	long fd = sys4(SYS_openat, AT_FDCWD, "/dev/console", O_RDWR, 0);
	if (fd >= 0) {
		for (int i = 0; i < 3; i++)
			if (fd != i)
				sys3(SYS_dup3, fd, i, 0);
		if (fd > 2)
			sys1(SYS_close, fd);
	}
	put("kwb-init: started\n");
	sys3(SYS_mkdirat, AT_FDCWD, "/proc", 0755);
	sys3(SYS_mkdirat, AT_FDCWD, "/sys", 0755);
	long r = sys5(SYS_mount, "proc", "/proc", "proc", 0, 0);
	if (r < 0)
		result("kwb-init: mount /proc", r);
	r = sys5(SYS_mount, "sysfs", "/sys", "sysfs", 0, 0);
	if (r < 0)
		result("kwb-init: mount /sys", r);

	if (sys2(SYS_pipe2, ready_pipe, O_CLOEXEC) < 0) {
		put("kwb-init: pipe2 failed\n");
	} else {
		start_child("kwb-pipe", 0);
		start_child("kwb-sleep", 1);
		start_child("kwb-stopped", 2);
		start_child("kwb-zombie", 3);
		/* wait until the four have named themselves */
		for (int n = 0; n < 4;) {
			long got = sys3(SYS_read, ready_pipe[0], buf, 4 - n);
			if (got <= 0)
				break;
			n += (int)got;
		}
		sys1(SYS_close, ready_pipe[0]);
		sys1(SYS_close, ready_pipe[1]);
	}
	put("kwb-init: ready\nkwb# ");

	for (;;) {
		long got = sys3(SYS_read, 0, buf, 1);
		if (got <= 0) {
			snooze(1); /* console gone or interrupted: try again later */
			continue;
		}
		char c = buf[0];
		if (c == '\r' || c == '\n') {
			line[len] = 0;
			command(line);
			len = 0;
			put("kwb# ");
		} else if (len < sizeof(line) - 1) {
			line[len++] = c;
		}
	}
}
