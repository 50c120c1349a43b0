/* SPDX-License-Identifier: MIT */
/*
 * auth_fixture.h — what the authentication tests share on top of harness.h: a private temporary
 * HOME and XDG_CONFIG_HOME per test (so no test reads or writes the real user's keys or config),
 * small file helpers, and the path of the key command scripts in data/. Header-only (static
 * functions) because each test_*.c is its own program.
 */
#ifndef LLMC_AUTH_FIXTURE_H
#define LLMC_AUTH_FIXTURE_H

#include "harness.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* data/ beside this file: CMake compiles with absolute source paths, so __FILE__ locates it. */
static inline const char *data_path(const char *name)
{
    static char bufs[8][1024];
    static int next;
    char *b = bufs[next++ % 8];
    const char *file = __FILE__;
    const char *slash = strrchr(file, '/');
    snprintf(b, 1024, "%.*s/data/%s", slash ? (int)(slash - file) : 1, slash ? file : ".", name);
    return b;
}

/* "NAME=value" (or any text) in a ring of buffers, so a test can build an environment inline. */
static inline const char *envf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline const char *envf(const char *fmt, ...)
{
    static char bufs[32][1024];
    static int next;
    char *b = bufs[next++ % 32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, 1024, fmt, ap);
    va_end(ap);
    return b;
}

typedef struct temp_home {
    char root[256];    /* HOME */
    char xdg[300];     /* XDG_CONFIG_HOME = HOME/.config */
    char xdg_env[320]; /* "XDG_CONFIG_HOME=…" for run_cli */
    char store[340];   /* XDG_CONFIG_HOME/llmc/keys */
    char config[340];  /* XDG_CONFIG_HOME/llmc/config */
    char *saved_home;
} temp_home;

/* A fresh HOME for this test, set in this process too: run_cli passes this process's HOME to the
 * CLI, and in-process library calls (the key store) read HOME/XDG_CONFIG_HOME from here. */
static inline void home_make(temp_home *h)
{
    memset(h, 0, sizeof *h);
    const char *old = getenv("HOME");
    h->saved_home = old ? strdup(old) : NULL;
    snprintf(h->root, sizeof h->root, "/tmp/llmc-auth-XXXXXX");
    if (!mkdtemp(h->root)) {
        perror("mkdtemp");
        abort();
    }
    snprintf(h->xdg, sizeof h->xdg, "%s/.config", h->root);
    mkdir(h->xdg, 0700);
    char dir[320];
    snprintf(dir, sizeof dir, "%s/llmc", h->xdg);
    mkdir(dir, 0700);
    snprintf(h->xdg_env, sizeof h->xdg_env, "XDG_CONFIG_HOME=%s", h->xdg);
    snprintf(h->store, sizeof h->store, "%s/llmc/keys", h->xdg);
    snprintf(h->config, sizeof h->config, "%s/llmc/config", h->xdg);
    setenv("HOME", h->root, 1);
    setenv("XDG_CONFIG_HOME", h->xdg, 1);
}

static inline int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)type;
    (void)ftw;
    return remove(path);
}

static inline void home_remove(temp_home *h)
{
    if (h->root[0])
        nftw(h->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (h->saved_home)
        setenv("HOME", h->saved_home, 1);
    else
        unsetenv("HOME");
    unsetenv("XDG_CONFIG_HOME");
    free(h->saved_home);
    memset(h, 0, sizeof *h);
}

/* Write `text` to `path` with exactly `mode` (umask does not apply: fchmod after create). */
static inline void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        perror(path);
        abort();
    }
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len)
        abort();
    fchmod(fd, mode);
    close(fd);
}

/* The whole content of a file (malloc'd), or NULL. */
static inline char *read_whole(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0, n;
    char *buf = malloc(cap);
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

static inline mode_t file_mode(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (sb.st_mode & 0777) : (mode_t)-1;
}

#endif
