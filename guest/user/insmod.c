/* insmod: loads a module from the initramfs, e.g. `insmod hello.ko`. */
#include "ulib.h"

int main(int argc, char **argv)
{
    if (argc != 2) { printf("usage: insmod FILE.ko\n"); return 2; }
    int err = insmod(argv[1]);
    if (err < 0) { printf("insmod: %s: %s\n", argv[1], error_text(err)); return 1; }
    return 0;
}
