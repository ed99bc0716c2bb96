// SPDX-License-Identifier: GPL-2.0
/*
 * kwbdemo: Kernel Workbench's test module for Linux 6.1 (written for the workbench).
 *
 * Loading prints "kwbdemo: loaded" and calls kwbdemo_work(), a function a debugger can
 * break on; a kernel timer then calls kwbdemo_tick() (and kwbdemo_work()) once a second
 * while the module is loaded. Unloading stops the timer and prints "kwbdemo: unloaded".
 * Every allocated section kind has content, so a debugger's section list is non-trivial:
 * .text (functions), .init.text/.exit.text, .rodata (kwbdemo_banner, kwbdemo_names),
 * .data (kwbdemo_state), .bss (kwbdemo_calls, kwbdemo_log).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/timer.h>

struct kwbdemo_state {
	int magic;
	int last;
	long total;
	const char *name;
};

/* .rodata */
static const char kwbdemo_banner[] = "kwbdemo: a module for debuggers";
static const char *const kwbdemo_names[] = { "init", "tick", "exit" };

/* .data */
struct kwbdemo_state kwbdemo_state = {
	.magic = 0x6b7762,	/* "kwb" */
	.last = -1,
	.total = 100,
	.name = "kwbdemo",
};

/* .bss */
unsigned long kwbdemo_calls;
static char kwbdemo_log[64];
static struct timer_list kwbdemo_timer;

int kwbdemo_work(int why);

/* The function to break on: called from module init, the timer and module exit. */
noinline int kwbdemo_work(int why)
{
	kwbdemo_calls++;
	kwbdemo_state.last = why;
	kwbdemo_state.total += why + 1;
	snprintf(kwbdemo_log, sizeof(kwbdemo_log), "%s #%lu", kwbdemo_names[why],
		 kwbdemo_calls);
	return kwbdemo_state.total;
}

static void kwbdemo_tick(struct timer_list *t)
{
	kwbdemo_work(1);
	mod_timer(t, jiffies + HZ);
}

static int __init kwbdemo_init(void)
{
	int total = kwbdemo_work(0);

	pr_info("loaded (%s, total %d)\n", kwbdemo_banner + 9, total);
	timer_setup(&kwbdemo_timer, kwbdemo_tick, 0);
	mod_timer(&kwbdemo_timer, jiffies + HZ);
	return 0;
}

static void __exit kwbdemo_exit(void)
{
	del_timer_sync(&kwbdemo_timer);
	kwbdemo_work(2);
	pr_info("unloaded (%lu calls, last: %s)\n", kwbdemo_calls, kwbdemo_log);
}

module_init(kwbdemo_init);
module_exit(kwbdemo_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Kernel Workbench");
MODULE_DESCRIPTION("A small module for debugger tests");
