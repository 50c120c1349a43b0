/* SPDX-License-Identifier: MIT */
/*
 * fault_write.c — an LD_PRELOAD shim that makes a disk fill up under one file: write() to a file
 * whose path ends with $LLMC_FAULT_WRITE_SUFFIX succeeds for the first $LLMC_FAULT_WRITE_AFTER
 * bytes, then once returns a short write (ending exactly at that budget), then fails with ENOSPC
 * $LLMC_FAULT_WRITE_FAILS times (default 1), then works again — as a disk does when space is
 * freed. Every other file descriptor is left alone. Used by test_batch_output_safety.c.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ssize_t (*real_write)(int, const void *, size_t);
static const char *suffix;
static long budget = -1; /* bytes still allowed; -1: no limit (not armed, or recovered) */
static long fails_left;
static int ready;

static void init(void)
{
    real_write = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    suffix = getenv("LLMC_FAULT_WRITE_SUFFIX");
    const char *after = getenv("LLMC_FAULT_WRITE_AFTER");
    const char *fails = getenv("LLMC_FAULT_WRITE_FAILS");
    if (suffix && *suffix && after)
        budget = atol(after);
    fails_left = fails ? atol(fails) : 1;
    ready = 1;
}

static int is_target(int fd)
{
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return 0;
    path[n] = '\0';
    size_t sl = strlen(suffix);
    return (size_t)n >= sl && strcmp(path + n - sl, suffix) == 0;
}

ssize_t write(int fd, const void *buf, size_t count)
{
    if (!ready)
        init();
    if (budget < 0 || fd <= 2 || !is_target(fd))
        return real_write(fd, buf, count);
    if ((long)count <= budget) {
        budget -= (long)count;
        return real_write(fd, buf, count);
    }
    if (budget > 0) {
        size_t part = (size_t)budget;
        budget = 0;
        return real_write(fd, buf, part);
    }
    if (fails_left > 0) {
        fails_left--;
        errno = ENOSPC;
        return -1;
    }
    budget = -1; /* space was freed */
    return real_write(fd, buf, count);
}
