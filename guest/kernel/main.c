/*
 * main.c: kernel_main(), where every hart arrives in supervisor mode (from
 * machine_start in mstart.c). Hart 0 sets the machine up and creates the first
 * task; the other harts wait for it, then join the scheduler.
 */
#include "kernel.h"

struct hart harts[MAX_HARTS];
static volatile int boot_done;
static volatile int harts_started = 1;     /* hart 0 counts itself */

/* Other harts start at the same moment as hart 0 and check in at once; hart 0 gives
 * them a moment (10 ms) more before it counts them, so the count is the same every boot. */
static int count_harts(void)
{
    u64 until = read_time() + TIMEBASE_HZ / 100;
    while (read_time() < until)
        ;
    return __atomic_load_n(&harts_started, __ATOMIC_ACQUIRE);
}

static void hart_common_init(void)
{
    kvm_install();
    trap_hart_init();
    plic_hart_init();
    timer_hart_init();
    this_hart()->online = 1;
}

void kernel_main(void)
{
    struct hart *h = this_hart();
    if (h->id == 0) {
        devices_init();
        uart_init();
        console_init();
        kprintf("\nKernel Workbench teaching kernel, booting on hart 0\n");
        page_alloc_init();
        kvm_init();
        task_table_init();
        plic_init();
        hart_common_init();
        virtio_blk_init();
        initfs_init();
        start_first_task();
        kprintf("memory: %lu pages free\n", pages_free_count());
        kprintf("harts: %d\n", count_harts());
        __atomic_store_n(&boot_done, 1, __ATOMIC_RELEASE);
    } else {
        __atomic_fetch_add(&harts_started, 1, __ATOMIC_ACQ_REL);
        while (!__atomic_load_n(&boot_done, __ATOMIC_ACQUIRE))
            ;
        hart_common_init();
    }
    idle_loop();
}
