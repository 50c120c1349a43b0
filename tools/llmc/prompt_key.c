/* SPDX-License-Identifier: MIT */
/*
 * prompt_key.c — reading a key from a person or a pipe without leaving it on screen or in
 * memory: echo is off while it is typed (and restored even on Ctrl-C), the buffer is fixed-size,
 * never reallocated (a realloc would leave a copy behind), and wiped when released.
 */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

/* Keys are at most 512 characters (key.malformed says so); a longer line is not a key. */
#define SECRET_MAX 4096

static struct termios saved_termios;
static volatile sig_atomic_t echo_is_off;

/* A signal while echo is off must not leave the user's terminal silent: restore, then die of
 * the same signal (SA_RESETHAND made the default action current again). */
static void restore_on_signal(int sig)
{
    if (echo_is_off)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
    raise(sig);
}

bool cli_confirm(const char *question)
{
    fputs(question, stderr);
    fflush(stderr);
    /* one byte at a time: nothing typed after the answer (a key, say) may be swallowed */
    char answer[16];
    size_t len = 0;
    for (;;) {
        char c;
        ssize_t n = read(STDIN_FILENO, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || c == '\n')
            break;
        if (len < sizeof answer - 1)
            answer[len++] = c;
    }
    answer[len] = '\0';
    return answer[0] == 'y' || answer[0] == 'Y';
}

bool cli_can_prompt(void)
{
    return isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
}

void cli_secret_free(char *secret)
{
    if (!secret)
        return;
    explicit_bzero(secret, SECRET_MAX);
    munlock(secret, SECRET_MAX);
    free(secret);
}

/* Read up to a newline or end of input, one byte at a time so that nothing after the line is
 * consumed from a pipe. Returns the length, or -1 on error / a line too long. */
static long read_line(char *buf)
{
    size_t len = 0;
    for (;;) {
        char c;
        ssize_t n = read(STDIN_FILENO, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (c == '\n')
            return (long)len;
        if (len == SECRET_MAX - 1)
            return -1;
        buf[len++] = c;
    }
    return len ? (long)len : -2; /* -2: nothing at all before end of input */
}

char *cli_read_secret(const char *prompt)
{
    char *buf = calloc(1, SECRET_MAX);
    if (!buf)
        return NULL;
    /* Keep it out of swap where the system allows; failure only costs that protection. */
    (void)mlock(buf, SECRET_MAX);

    bool tty = isatty(STDIN_FILENO);
    struct sigaction old[4];
    static const int sigs[4] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    if (tty) {
        if (tcgetattr(STDIN_FILENO, &saved_termios) != 0) {
            cli_secret_free(buf);
            return NULL;
        }
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = restore_on_signal;
        sa.sa_flags = SA_RESETHAND;
        sigemptyset(&sa.sa_mask);
        for (int i = 0; i < 4; i++)
            sigaction(sigs[i], &sa, &old[i]);
        struct termios quiet = saved_termios;
        /* Echo off, but keep canonical mode so backspace and Ctrl-U still edit the line. */
        quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
        quiet.c_lflag |= ICANON;
        /* Echo goes off before the prompt appears: whoever answers the prompt (a person, or a
         * test driving a pseudo-terminal) can never type into a still-echoing terminal. */
        echo_is_off = 1;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        fputs(prompt, stderr);
        fflush(stderr);
    }
    long len = read_line(buf);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
        echo_is_off = 0;
        for (int i = 0; i < 4; i++)
            sigaction(sigs[i], &old[i], NULL);
        /* The Enter the user typed was not echoed: end the prompt's line ourselves. */
        fputc('\n', stderr);
    }
    if (len < 0) {
        if (len == -1)
            fprintf(stderr, "llmc: error: the line is too long to be a key (over %d bytes)\n", SECRET_MAX - 1);
        cli_secret_free(buf);
        return NULL;
    }
    /* A line read from a Windows file ends in \r\n: the \r belongs to the line end, not the key. */
    if (len > 0 && buf[len - 1] == '\r')
        buf[--len] = '\0';
    buf[len] = '\0';
    return buf;
}
