/* SPDX-License-Identifier: MIT */
/*
 * cancel.c — cancellation tokens: one atomic flag that another thread or a signal handler sets.
 * Transfers on the wire check it from libcurl's progress callback (about every 50 ms, and on
 * every chunk of data); the engine checks it for every transfer it holds, on the wire or
 * waiting, at least every 50 ms while one is in use.
 */
#include "transport.h"

#include <stdatomic.h>
#include <stdlib.h>

struct llmc_cancel {
    atomic_int triggered;
};

llmc_cancel *llmc_cancel_new(void)
{
    llmc_cancel *c = malloc(sizeof *c);
    if (c)
        atomic_init(&c->triggered, 0);
    return c;
}

void llmc_cancel_trigger(llmc_cancel *c)
{
    if (c)
        atomic_store(&c->triggered, 1);
}

int llmc_cancel_triggered(const llmc_cancel *c)
{
    return c ? atomic_load(&((llmc_cancel *)c)->triggered) : 0;
}

void llmc_cancel_reset(llmc_cancel *c)
{
    if (c)
        atomic_store(&c->triggered, 0);
}

void llmc_cancel_free(llmc_cancel *c)
{
    free(c);
}

bool llmc_cancelled(const llmc_cancel *c)
{
    return llmc_cancel_triggered(c) != 0;
}

int llmc_http_xferinfo(void *cancel, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    return llmc_cancelled(cancel) ? 1 : 0;
}
