/* cat: copies each named file (or device) to the console. */
#include "ulib.h"

int main(int argc, char **argv)
{
    char buf[512];
    int status = 0;
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_READ);
        if (fd < 0) {
            printf("cat: %s: %s\n", argv[i], error_text(fd));
            status = 1;
            continue;
        }
        long n;
        while ((n = read(fd, buf, sizeof buf)) > 0)
            write(1, buf, n);
        if (n < 0)
            printf("cat: %s: %s\n", argv[i], error_text((int)n));
        close(fd);
    }
    return status;
}
