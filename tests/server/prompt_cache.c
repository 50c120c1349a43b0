/* SPDX-License-Identifier: MIT */
/* The emulator's prompt cache: which request prefixes were written, and until when. A prefix is
 * a hash of the request up to a cache breakpoint; reading one refreshes its lifetime, as the
 * service's cache does. Bounded: the oldest entry makes room for a new one. */
#define _POSIX_C_SOURCE 200809L
#include "prompt_cache.h"

#include <pthread.h>
#include <time.h>

#define CACHE_SLOTS 4096

typedef struct entry {
    unsigned long key;
    double expires;
    int used;
} entry;

static entry slots[CACHE_SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int prompt_cache_touch(unsigned long key, int ttl_s, int write)
{
    double now = now_s();
    int hit = 0;
    pthread_mutex_lock(&lock);
    entry *free_slot = NULL, *oldest = &slots[0];
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        entry *e = &slots[i];
        if (e->used && e->key == key && e->expires > now) {
            e->expires = now + ttl_s;
            hit = 1;
            break;
        }
        if (!e->used || e->expires <= now) {
            if (!free_slot)
                free_slot = e;
        } else if (e->expires < oldest->expires) {
            oldest = e;
        }
    }
    if (!hit && write) {
        entry *e = free_slot ? free_slot : oldest;
        *e = (entry){key, now + ttl_s, 1};
    }
    pthread_mutex_unlock(&lock);
    return hit;
}
