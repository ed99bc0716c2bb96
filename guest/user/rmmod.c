/* rmmod: unloads a module by name, e.g. `rmmod hello`. */
#include "ulib.h"

int main(int argc, char **argv)
{
    if (argc != 2) { printf("usage: rmmod NAME\n"); return 2; }
    int err = rmmod(argv[1]);
    if (err < 0) { printf("rmmod: %s: %s\n", argv[1], error_text(err)); return 1; }
    return 0;
}
