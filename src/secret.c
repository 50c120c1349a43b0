/* SPDX-License-Identifier: MIT */
/*
 * secret.c — holding a key in memory: one allocation (header and bytes together), wiped with
 * explicit_bzero before it is freed, so a key leaves no copy behind in the heap. Also the only
 * place that turns a key into something printable: its fingerprint.
 */
#include "secret.h"
#include "providers.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Runs of a key's characters that count as a copy of it (shorter runs turn up in ordinary text
 * by chance; longer ones of a random key do not). */
#define SCRUB_MIN_RUN 8

struct llmc_secret {
    atomic_uint refs; /* holders: the memo of a checked key and each call sending it */
    size_t len;
    /* A filter over the key's 4-byte windows, made the first time a response is scrubbed (a
     * stored key that is never sent never needs one): any run of 8 of its characters holds a
     * whole window at a position that is a multiple of 4, so scrubbing a text that holds no copy
     * costs one multiply and a bit test per 4 bytes. Derived from the key, so wiped with it. */
    uint64_t *windows; /* 1,024 words, 65,536 bits: a false hit is rare (~0.2%, a 108-byte key) */
    char bytes[];      /* len bytes + NUL */
};

#define WINDOW_WORDS 1024

static uint32_t window_of(const char *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

/* 16 bits: one of the filter's 65,536 bits */
static unsigned window_hash(uint32_t w)
{
    return (unsigned)(((uint64_t)w * 0x9E3779B97F4A7C15ULL) >> 48);
}

static bool window_in_key(const llmc_secret *key, const char *p)
{
    unsigned h = window_hash(window_of(p));
    return (key->windows[h >> 6] >> (h & 63)) & 1;
}

llmc_secret *llmc_secret_new(const char *bytes, size_t len)
{
    llmc_secret *s = malloc(sizeof *s + len + 1);
    if (!s)
        return NULL;
    atomic_init(&s->refs, 1);
    s->len = len;
    s->windows = NULL;
    memcpy(s->bytes, bytes, len);
    s->bytes[len] = '\0';
    return s;
}

llmc_secret *llmc_secret_ref(llmc_secret *s)
{
    if (s)
        atomic_fetch_add(&s->refs, 1);
    return s;
}

void llmc_secret_free(llmc_secret *s)
{
    if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    if (s->windows) {
        explicit_bzero(s->windows, WINDOW_WORDS * sizeof *s->windows);
        free(s->windows);
    }
    explicit_bzero(s, sizeof *s + s->len + 1);
    free(s);
}

/* The window filter, made on first use. false when memory ran out (then scrubbing checks every
 * position the slow way: never less safe). */
static bool windows_ready(const llmc_secret *key)
{
    if (key->windows)
        return true;
    uint64_t *w = calloc(WINDOW_WORDS, sizeof *w);
    if (!w)
        return false;
    for (size_t i = 0; i + 4 <= key->len; i++) {
        unsigned h = window_hash(window_of(key->bytes + i));
        w[h >> 6] |= 1ULL << (h & 63);
    }
    ((llmc_secret *)key)->windows = w; /* a cache of derived bits: the key itself is unchanged */
    return true;
}

const char *llmc_secret_bytes(const llmc_secret *s)
{
    return s->bytes;
}

size_t llmc_secret_len(const llmc_secret *s)
{
    return s->len;
}

/* Known prefixes (the provider table's) are shown up to 7 characters (they identify the kind of
 * key, not the key); otherwise only the first 3 characters. The last 4 match what provider consoles show, so a user can find it. */
static size_t shown_prefix(const char *key, size_t len)
{
    for (size_t i = 0; llmc_provider_key_prefix_at(i); i++) {
        const char *prefix = llmc_provider_key_prefix_at(i);
        size_t n = strlen(prefix);
        if (len >= n && memcmp(key, prefix, n) == 0)
            return n > 7 ? 7 : n;
    }
    return 3;
}

void llmc_key_fingerprint(const char *key, size_t len, char out[32])
{
    if (len < 12) {
        snprintf(out, 32, "%zu character%s", len, len == 1 ? "" : "s");
        return;
    }
    size_t head = shown_prefix(key, len);
    char tail[5];
    for (size_t i = 0; i < 4; i++) {
        unsigned char c = (unsigned char)key[len - 4 + i];
        tail[i] = (c >= 0x21 && c < 0x7f) ? (char)c : '?';
    }
    tail[4] = '\0';
    char headbuf[8];
    for (size_t i = 0; i < head; i++) {
        unsigned char c = (unsigned char)key[i];
        headbuf[i] = (c >= 0x21 && c < 0x7f) ? (char)c : '?';
    }
    headbuf[head] = '\0';
    snprintf(out, 32, "%s\u2026%s", headbuf, tail);
}

bool llmc_secret_equal(const llmc_secret *a, const llmc_secret *b)
{
    if (!a || !b)
        return a == b;
    if (a->len != b->len)
        return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < a->len; i++)
        diff |= (unsigned char)(a->bytes[i] ^ b->bytes[i]);
    return diff == 0;
}

static const char redacted[] = "[REDACTED]";

/* The longest run of the key's characters that starts at text[i] (at most n - i long). */
static size_t run_at(const char *text, size_t i, size_t n, const llmc_secret *key)
{
    size_t best = 0;
    for (const char *k = memchr(key->bytes, text[i], key->len); k;
         k = memchr(k + 1, text[i], key->len - (size_t)(k + 1 - key->bytes))) {
        size_t off = (size_t)(k - key->bytes), run = 0;
        while (off + run < key->len && i + run < n && text[i + run] == key->bytes[off + run])
            run++;
        if (run > best)
            best = run;
        if (off + 1 >= key->len)
            break;
    }
    return best;
}

/* Where the first run of at least min_run of the key's characters starts in text[0..n), or n. */
static size_t first_run(const char *text, size_t n, size_t min_run, const llmc_secret *key)
{
    if (min_run < SCRUB_MIN_RUN) {
        /* a short key: it is its own whole run */
        for (size_t i = 0; i + min_run <= n; i++)
            if (text[i] == key->bytes[0] && run_at(text, i, n, key) >= min_run)
                return i;
        return n;
    }
    /* A run of 8 starting at i holds the 4-byte window at the multiple of 5 in [i, i + 4]; so
     * windows 5 apart see every run, and a window in none of the key's 4-grams rules out the five
     * starts that end at it. */
    bool filtered = windows_ready(key);
    for (size_t p = 0; p + 4 <= n; p += 5) {
        if (filtered && !window_in_key(key, text + p))
            continue;
        for (size_t i = p >= 4 ? p - 4 : 0; i <= p; i++)
            if (run_at(text, i, n, key) >= min_run)
                return i;
    }
    return n;
}

size_t llmc_secret_scrub_buf(char *text, size_t *len, const llmc_secret *key)
{
    if (!text || !key || key->len < 4)
        return 0;
    size_t n = *len;
    size_t min_run = key->len < SCRUB_MIN_RUN ? key->len : SCRUB_MIN_RUN;
    /* Look first, without writing: nearly every text holds no copy. */
    size_t i = first_run(text, n, min_run, key);
    if (i == n)
        return 0;
    size_t scrubbed = 0, out = i;
    while (i < n) {
        size_t next = first_run(text + i, n - i, min_run, key) + i;
        memmove(text + out, text + i, next - i); /* the text between copies, as it was */
        out += next - i;
        i = next;
        if (i == n)
            break;
        size_t best = run_at(text, i, n, key);
        /* never longer than what it replaces, so text is edited in place */
        size_t m = best < sizeof redacted - 1 ? best : sizeof redacted - 1;
        memmove(text + out, redacted, m);
        out += m;
        i += best;
        scrubbed++;
    }
    if (out < n)
        text[out] = '\0';
    *len = out;
    return scrubbed;
}

size_t llmc_secret_scrub(char *text, const llmc_secret *key)
{
    if (!text)
        return 0;
    size_t len = strlen(text);
    return llmc_secret_scrub_buf(text, &len, key);
}
