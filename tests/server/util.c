/* SPDX-License-Identifier: MIT */
/* Small helpers the emulator's modules share: ids, word counts, clocks.
 * Ids only need to look like the providers' and be unique in one run, so a per-thread
 * xorshift generator seeded from the clock and thread address is enough (no locking). */
#define _POSIX_C_SOURCE 200809L
#include "emulator.h"

#include <ctype.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

static _Thread_local uint64_t rng_state;

static uint64_t next_random(void)
{
    if (rng_state == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        rng_state = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ (uint64_t)(uintptr_t)&rng_state;
        if (rng_state == 0)
            rng_state = 0x9E3779B97F4A7C15ull;
    }
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

void emu_random_id(char *out, size_t out_size, const char *prefix, size_t n_chars)
{
    static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    size_t n = strlen(prefix);
    if (n >= out_size)
        n = out_size - 1;
    memcpy(out, prefix, n);
    for (size_t i = 0; i < n_chars && n + 1 < out_size; i++)
        out[n++] = alphabet[next_random() % (sizeof alphabet - 1)];
    out[n] = '\0';
}

size_t emu_count_words(const char *text)
{
    size_t words = 0;
    int in_word = 0;
    for (const unsigned char *p = (const unsigned char *)text; p && *p; p++) {
        if (isspace(*p)) {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            words++;
        }
    }
    return words;
}

long long emu_now(void)
{
    return (long long)time(NULL);
}

void emu_sleep_ms(long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static atomic_int stopping;

void emu_set_stopping(void)
{
    atomic_store(&stopping, 1);
}

int emu_stopping(void)
{
    return atomic_load(&stopping);
}
