/*
 * console.c: the console device. Output goes to the UART, '\n' as "\r\n".
 * Input is edited a line at a time, as a terminal's cooked mode does:
 *   backspace (0x7f or 0x08) erases a character, Ctrl-U erases the line,
 *   Enter (CR or LF) hands the line to a reader, Ctrl-P prints the task list.
 * A reader sleeps on `line_ready` until a whole line is there.
 */
#include "kernel.h"

#define INPUT_SIZE 256
#define KEY_CTRL(c) ((c) - '@')

static struct {
    struct spinlock lock;
    char buf[INPUT_SIZE];
    u64 read_pos;       /* next character a reader takes */
    u64 line_end;       /* characters before this are in finished lines */
    u64 edit_pos;       /* end of the line being typed */
    int last_was_cr;
} input;

static int line_ready;          /* wait channel for readers (its address) */
static struct spinlock out_lock;
static struct char_device console_device;

void console_out_begin(void)
{
    if (!panicking)             /* a panicking hart may be the holder */
        spin_lock(&out_lock);
}

void console_out_end(void)
{
    if (!panicking)
        spin_unlock(&out_lock);
}

void console_putc(int c)
{
    if (c == '\n')
        uart_putc_raw('\r');
    uart_putc_raw(c);
}

void console_write(const char *s, u64 n)
{
    console_out_begin();
    while (n--)
        console_putc(*s++);
    console_out_end();
}

static void echo(const char *s)
{
    console_write(s, strlen(s));
}

/* One received character; called in interrupt context. */
void console_input(int c)
{
    if (c == KEY_CTRL('P')) {
        task_dump();
        return;
    }
    spin_lock(&input.lock);
    if (c == '\n' && input.last_was_cr) {   /* CR LF counts as one Enter */
        input.last_was_cr = 0;
        spin_unlock(&input.lock);
        return;
    }
    input.last_was_cr = (c == '\r');
    if (c == 0x7f || c == '\b') {
        if (input.edit_pos > input.line_end) {
            input.edit_pos--;
            echo("\b \b");
        }
    } else if (c == KEY_CTRL('U')) {
        while (input.edit_pos > input.line_end) {
            input.edit_pos--;
            echo("\b \b");
        }
    } else if (c == '\r' || c == '\n') {
        if (input.edit_pos - input.read_pos < INPUT_SIZE) {
            input.buf[input.edit_pos++ % INPUT_SIZE] = '\n';
            echo("\n");
            input.line_end = input.edit_pos;
            wake_up(&line_ready);
        }
    } else if (c >= ' ' && c < 0x7f) {
        /* keep one slot free for the Enter that ends the line */
        if (input.edit_pos - input.read_pos < INPUT_SIZE - 1) {
            char s[2] = { (char)c, 0 };
            input.buf[input.edit_pos++ % INPUT_SIZE] = (char)c;
            echo(s);
        }
    }
    spin_unlock(&input.lock);
}

/* read(): waits for a finished line, returns at most one line. */
static i64 console_read(struct char_device *dev, void *buf, u64 len, u64 offset)
{
    (void)dev; (void)offset;
    char *out = buf;
    u64 n = 0;
    spin_lock(&input.lock);
    while (input.read_pos == input.line_end) {
        if (current_task()->killed) {
            spin_unlock(&input.lock);
            return -E_INVAL;
        }
        sleep_on(&line_ready, "console input", &input.lock);
    }
    while (n < len && input.read_pos < input.line_end) {
        char c = input.buf[input.read_pos++ % INPUT_SIZE];
        out[n++] = c;
        if (c == '\n')
            break;
    }
    spin_unlock(&input.lock);
    return (i64)n;
}

static i64 console_write_dev(struct char_device *dev, const void *buf, u64 len, u64 offset)
{
    (void)dev; (void)offset;
    console_write(buf, len);
    return (i64)len;
}

void console_init(void)
{
    spin_init(&input.lock, "console input");
    spin_init(&out_lock, "console output");
    console_device.name = "console";
    console_device.read = console_read;
    console_device.write = console_write_dev;
    device_register(&console_device);
}
