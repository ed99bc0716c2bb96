/* The xv6-shaped test's user program (our own code): main reads the console. It never runs;
 * its symbols name the user frames below a process's trap frame. */
int read(int fd, void *buf, int n);

int main(void)
{
  char c;
  while (read(0, &c, 1) == 1)
    ;
  return 0;
}
