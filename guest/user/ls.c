/* ls: lists every name open() knows: initramfs files, then devices. */
#include "ulib.h"

int main(void)
{
    static const char *const kinds[] = { "?", "program", "module", "text", "device" };
    struct dir_entry e;
    for (int i = 0; listdir(i, &e) == 0; i++) {
        if (e.kind == DIR_DEVICE)
            printf("%-12s %-8s\n", e.name, kinds[e.kind]);
        else
            printf("%-12s %-8s %lu\n", e.name, kinds[e.kind >= 0 && e.kind <= 4 ? e.kind : 0], e.size);
    }
    return 0;
}
