/*
 * main.c: kernel_main(), where every hart arrives in supervisor mode (from
 * machine_start in mstart.c). Hart 0 sets the machine up and creates the first
 * task; the other harts wait for it, then join the scheduler.
 */
#include "kernel.h"

struct hart harts[MAX_HARTS];
static volatile int boot_done;
static volatile int harts_started = 1;     /* hart 0 counts itself */
extern u64 boot_fdt;
extern int sstc_present;

/* The device tree says how many harts the board has (at most MAX_HARTS are used);
 * hart 0 waits until they have all checked in, so every boot says the same.
 * `expected` is read from the device tree before page_alloc_init: the blob lies in
 * RAM the page allocator then takes over. */
static int wait_for_harts(int expected)
{
    if (expected > MAX_HARTS)
        expected = MAX_HARTS;
    if (expected < 1)
        expected = 1;
    while (__atomic_load_n(&harts_started, __ATOMIC_ACQUIRE) < expected)
        ;
    return expected;
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
        int board_harts = fdt_count_harts(boot_fdt);
        devices_init();
        uart_init();
        console_init();
        kprintf("\nKernel Workbench teaching kernel, booting on hart 0\n");
        if (!sstc_present)
            panic("this kernel needs the Sstc extension (the stimecmp timer); QEMU 7.2 or later has it");
        page_alloc_init();
        kvm_init();
        task_table_init();
        plic_init();
        hart_common_init();
        virtio_blk_init();
        initfs_init();
        start_first_task();
        kprintf("memory: %lu pages free\n", pages_free_count());
        kprintf("harts: %d\n", wait_for_harts(board_harts));
        __atomic_store_n(&boot_done, 1, __ATOMIC_RELEASE);
    } else {
        __atomic_fetch_add(&harts_started, 1, __ATOMIC_ACQ_REL);
        while (!__atomic_load_n(&boot_done, __ATOMIC_ACQUIRE))
            ;
        hart_common_init();
    }
    idle_loop();
}
