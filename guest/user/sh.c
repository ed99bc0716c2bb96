/*
 * sh: the shell. Reads a line, splits it at ';' into commands and each command
 * at spaces into words, then runs each command in turn: fork, exec the program
 * named by the first word with all the words as arguments, wait for it.
 * A command ending in '&' runs in the background (the shell does not wait);
 * before each prompt the shell collects finished background jobs and says so.
 * Built in: `exit`.
 */
#include "ulib.h"

#define LINE_MAX 128
#define WORDS_MAX 16

static int split_words(char *s, char **words)
{
    int n = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t') *s++ = 0;
        if (!*s || n == WORDS_MAX - 1) break;
        words[n++] = s;
        while (*s && *s != ' ' && *s != '\t') s++;
    }
    words[n] = NULL;
    return n;
}

static void run(char *command)
{
    char *words[WORDS_MAX];
    int n = split_words(command, words);
    if (n == 0)
        return;
    int background = 0;
    if (strcmp(words[n - 1], "&") == 0) {
        background = 1;
        words[--n] = NULL;
        if (n == 0) return;
    }
    if (strcmp(words[0], "exit") == 0)
        exit(0);
    int pid = fork();
    if (pid < 0) {
        printf("sh: fork: %s\n", error_text(pid));
        return;
    }
    if (pid == 0) {
        int err = exec(words[0], words);
        printf("sh: %s: %s\n", words[0], error_text(err));
        exit(127);
    }
    if (background) {
        printf("[%d] %s\n", pid, words[0]);
        return;
    }
    for (;;) {                       /* background jobs may finish first */
        int code;
        int done = wait(&code);
        if (done == pid || done < 0)
            break;
        printf("[%d] done, exit code %d\n", done, code);
    }
}

/* Collects background jobs that have finished, without waiting for the others. */
static void reap_background(void)
{
    int code, pid;
    while ((pid = wait_nohang(&code)) > 0)
        printf("[%d] done, exit code %d\n", pid, code);
}

int main(void)
{
    char line[LINE_MAX];
    for (;;) {
        reap_background();
        printf("$ ");
        long n = read(0, line, sizeof line - 1);
        if (n <= 0)
            continue;
        line[n] = 0;
        if (line[n - 1] == '\n')
            line[n - 1] = 0;
        char *cmd = line;
        for (char *p = line;; p++) {
            if (*p == ';' || *p == 0) {
                int end = *p == 0;
                *p = 0;
                run(cmd);
                if (end) break;
                cmd = p + 1;
            }
        }
    }
}
