/* SPDX-License-Identifier: MIT */
/*
 * line_input.c — how `llmc chat` reads a message. On a terminal: libedit (BSD-licensed, so no
 * GPL readline) for line editing and a history kept in $XDG_STATE_HOME/llmc/history (0600); a
 * bracketed paste arrives as one message however many lines it has; Ctrl-C clears the line
 * instead of ending the session; Ctrl-D on an empty line ends it. Piped: plain lines. Both
 * read a `"""` line as the start of a block that runs to the next `"""` line.
 */
#include "line_input.h"

#include <errno.h>
#include <fcntl.h>
#include <histedit.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct cli_reader {
    bool tty;
    EditLine *el;
    History *hist;
    HistEvent ev;
    char history_path[1024];
    const char *prompt;
    bool cleared; /* Ctrl-C at the prompt: drop what was typed */
    char *pasted; /* a multi-line bracketed paste waiting to be sent */
    char *line;   /* getline's buffer (piped input) */
    size_t cap;
};

/* Terminals send pasted text between these when bracketed paste is on (DECSET 2004). */
#define PASTE_ON "\033[?2004h"
#define PASTE_OFF "\033[?2004l"
#define PASTE_END "\033[201~"

static char *prompt_of(EditLine *el)
{
    cli_reader *r = NULL;
    el_get(el, EL_CLIENTDATA, &r);
    return (char *)(r && r->prompt ? r->prompt : "> ");
}

/* Ctrl-C while typing: forget the line and give a fresh prompt (the session goes on). The line
 * is ended so that libedit leaves the terminal tidy; the reader then discards it. */
static unsigned char on_ctrl_c(EditLine *el, int ch)
{
    (void)ch;
    cli_reader *r = NULL;
    el_get(el, EL_CLIENTDATA, &r);
    const LineInfo *li = el_line(el);
    el_cursor(el, (int)(li->lastchar - li->cursor));
    fputs("^C", stdout);
    r->cleared = true;
    return CC_NEWLINE;
}

/* The start of a bracketed paste: read to its end marker. A paste within one line is typed into
 * the line like keystrokes; one with line breaks is sent as one message as it stands. */
static unsigned char on_paste(EditLine *el, int ch)
{
    (void)ch;
    cli_reader *r = NULL;
    el_get(el, EL_CLIENTDATA, &r);
    size_t len = 0, cap = 256, marker = strlen(PASTE_END);
    char *buf = malloc(cap);
    if (!buf)
        return CC_ERROR;
    char c;
    while (el_getc(el, &c) == 1) {
        if (len + 2 >= cap) {
            char *grown = realloc(buf, cap *= 2);
            if (!grown)
                break;
            buf = grown;
        }
        buf[len++] = c;
        if (len >= marker && memcmp(buf + len - marker, PASTE_END, marker) == 0) {
            len -= marker;
            break;
        }
    }
    buf[len] = '\0';
    /* terminals turn the pasted line ends into carriage returns */
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\r') {
            buf[o++] = '\n';
            if (i + 1 < len && buf[i + 1] == '\n')
                i++;
        } else {
            buf[o++] = buf[i];
        }
    }
    while (o > 0 && buf[o - 1] == '\n')
        o--;
    buf[o] = '\0';
    if (!strchr(buf, '\n')) {
        el_insertstr(el, buf);
        free(buf);
        return CC_REFRESH;
    }
    /* what was typed before the paste leads the message */
    const LineInfo *li = el_line(el);
    size_t typed = (size_t)(li->lastchar - li->buffer);
    char *whole = malloc(typed + o + 2);
    if (!whole) {
        free(buf);
        return CC_ERROR;
    }
    memcpy(whole, li->buffer, typed);
    whole[typed] = '\0';
    if (typed)
        strcat(whole, " ");
    strcat(whole, buf);
    free(buf);
    el_cursor(el, (int)(li->lastchar - li->cursor));
    /* show the paste as it will be sent */
    fputs(whole + typed + (typed ? 1 : 0), stdout);
    free(r->pasted);
    r->pasted = whole;
    return CC_NEWLINE;
}

/* The history file: created 0600 in a 0700 directory before libedit writes it. */
static void prepare_history(cli_reader *r)
{
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    char dir[900];
    if (state && *state == '/')
        snprintf(dir, sizeof dir, "%s/llmc", state);
    else if (home && *home)
        snprintf(dir, sizeof dir, "%s/.local/state/llmc", home);
    else
        return;
    /* make each level: $HOME/.local/state may not exist yet */
    for (char *p = dir + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(dir, 0700);
            *p = '/';
        }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return;
    snprintf(r->history_path, sizeof r->history_path, "%s/history", dir);
    int fd = open(r->history_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) {
        fchmod(fd, 0600); /* it holds what was typed: nobody else reads it */
        close(fd);
    }
}

cli_reader *cli_reader_open(bool tty)
{
    cli_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->tty = tty;
    if (!tty)
        return r;
    prepare_history(r);
    r->hist = history_init();
    r->el = el_init("llmc", stdin, stdout, stderr);
    if (!r->hist || !r->el) {
        cli_reader_close(r);
        return NULL;
    }
    history(r->hist, &r->ev, H_SETSIZE, 1000);
    history(r->hist, &r->ev, H_SETUNIQUE, 1);
    if (r->history_path[0])
        history(r->hist, &r->ev, H_LOAD, r->history_path);
    el_set(r->el, EL_CLIENTDATA, r);
    el_set(r->el, EL_EDITOR, "emacs");
    el_set(r->el, EL_PROMPT, prompt_of);
    el_set(r->el, EL_HIST, history, r->hist);
    el_set(r->el, EL_SIGNAL, 1); /* window size changes, Ctrl-Z */
    /* Ctrl-C reaches the editor as a key rather than killing the session */
    el_set(r->el, EL_SETTY, "-d", "-isig", NULL);
    el_set(r->el, EL_ADDFN, "llmc-clear", "forget the line (Ctrl-C)", on_ctrl_c);
    el_set(r->el, EL_BIND, "^C", "llmc-clear", NULL);
    el_set(r->el, EL_ADDFN, "llmc-paste", "take a bracketed paste as one message", on_paste);
    el_set(r->el, EL_BIND, "\033[200~", "llmc-paste", NULL);
    el_source(r->el, NULL); /* the user's ~/.editrc, as every libedit program reads it */
    return r;
}

void cli_reader_close(cli_reader *r)
{
    if (!r)
        return;
    if (r->el)
        el_end(r->el);
    if (r->hist)
        history_end(r->hist);
    free(r->pasted);
    free(r->line);
    free(r);
}

/* One line: NULL at the end of input. *cleared is set when Ctrl-C discarded it. The returned
 * text (without its line end) is owned by the reader until the next call. */
static const char *read_line(cli_reader *r, const char *prompt, bool *cleared)
{
    *cleared = false;
    if (!r->tty) {
        ssize_t n = getline(&r->line, &r->cap, stdin);
        if (n < 0)
            return NULL;
        while (n > 0 && (r->line[n - 1] == '\n' || r->line[n - 1] == '\r'))
            r->line[--n] = '\0';
        return r->line;
    }
    r->prompt = prompt;
    r->cleared = false;
    fputs(PASTE_ON, stdout);
    fflush(stdout);
    int count = 0;
    const char *got = el_gets(r->el, &count);
    fputs(PASTE_OFF, stdout);
    fflush(stdout);
    if (r->cleared) {
        fputc('\n', stdout); /* libedit leaves the cursor after the ^C */
        *cleared = true;
        free(r->pasted);
        r->pasted = NULL;
        return "";
    }
    if (r->pasted) {
        fputc('\n', stdout);
        free(r->line);
        r->line = r->pasted;
        r->pasted = NULL;
        return r->line;
    }
    if (!got || count <= 0)
        return NULL;
    free(r->line);
    r->line = strdup(got);
    if (!r->line)
        return NULL;
    size_t n = strlen(r->line);
    while (n > 0 && (r->line[n - 1] == '\n' || r->line[n - 1] == '\r'))
        r->line[--n] = '\0';
    return r->line;
}

static void remember(cli_reader *r, const char *text)
{
    if (!r->tty || !*text)
        return;
    history(r->hist, &r->ev, H_ENTER, text);
    /* saved at once, so a session that is killed keeps what was typed up to then */
    if (r->history_path[0])
        history(r->hist, &r->ev, H_SAVE, r->history_path);
}

char *cli_reader_next(cli_reader *r, const char *prompt, const char *more_prompt)
{
    for (;;) {
        bool cleared;
        const char *line = read_line(r, prompt, &cleared);
        if (!line)
            return NULL;
        if (cleared)
            continue;
        if (strcmp(line, "\"\"\"") != 0) {
            if (!*line)
                continue;
            char *msg = strdup(line);
            if (msg)
                remember(r, msg);
            return msg;
        }
        /* a """ block: every line up to the closing """ is one message */
        size_t len = 0;
        char *msg = calloc(1, 1);
        bool ended = false;
        while (msg && !ended) {
            const char *part = read_line(r, more_prompt, &cleared);
            if (!part) {
                ended = true; /* end of input closes the block */
                break;
            }
            if (cleared) {
                free(msg);
                msg = NULL;
                break;
            }
            if (strcmp(part, "\"\"\"") == 0)
                break;
            size_t n = strlen(part);
            char *grown = realloc(msg, len + n + 2);
            if (!grown) {
                free(msg);
                return NULL;
            }
            msg = grown;
            if (len)
                msg[len++] = '\n';
            memcpy(msg + len, part, n + 1);
            len += n;
        }
        if (!msg)
            continue; /* Ctrl-C dropped the block */
        if (!*msg) {
            free(msg);
            if (ended)
                return NULL;
            continue;
        }
        remember(r, msg);
        return msg;
    }
}
