/* lsmod: lists loaded modules with the address of their code. */
#include "ulib.h"

int main(void)
{
    char text[2048];
    int n = lsmod(text, sizeof text);
    if (n < 0) { printf("lsmod: %s\n", error_text(n)); return 1; }
    write(1, text, n);
    return 0;
}
