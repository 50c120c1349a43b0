/* SPDX-License-Identifier: MIT */
/*
 * clock.c — the library's two clocks: monotonic seconds for every wait, deadline, TTL and rate
 * (never jumps with the wall clock), and Unix seconds for what providers send as dates.
 */
#include "util.h"

#include <time.h>

double llmc_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double llmc_wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
