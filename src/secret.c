/* SPDX-License-Identifier: MIT */
/*
 * secret.c — holding a key in memory: one allocation (header and bytes together), wiped with
 * explicit_bzero before it is freed, so a key leaves no copy behind in the heap. Also the only
 * place that turns a key into something printable: its fingerprint.
 */
#include "secret.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Runs of a key's characters that count as a copy of it (shorter runs turn up in ordinary text
 * by chance; longer ones of a random key do not). */
#define SCRUB_MIN_RUN 8

struct llmc_secret {
    size_t len;
    /* A filter over the key's 8-byte windows, so that scrubbing a response costs a multiply
     * and a bit test per byte; derived from the key, so wiped with it. */
    uint64_t windows[64];
    char bytes[]; /* len bytes + NUL */
};

static unsigned window_hash(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return (unsigned)((w * 0x9E3779B97F4A7C15ULL) >> 52); /* 12 bits: 4096 filter bits */
}

llmc_secret *llmc_secret_new(const char *bytes, size_t len)
{
    llmc_secret *s = malloc(sizeof *s + len + 1);
    if (!s)
        return NULL;
    s->len = len;
    memcpy(s->bytes, bytes, len);
    s->bytes[len] = '\0';
    memset(s->windows, 0, sizeof s->windows);
    for (size_t i = 0; i + SCRUB_MIN_RUN <= len; i++) {
        unsigned h = window_hash(s->bytes + i);
        s->windows[h >> 6] |= 1ULL << (h & 63);
    }
    return s;
}

void llmc_secret_free(llmc_secret *s)
{
    if (!s)
        return;
    explicit_bzero(s, sizeof *s + s->len + 1);
    free(s);
}

const char *llmc_secret_bytes(const llmc_secret *s)
{
    return s->bytes;
}

size_t llmc_secret_len(const llmc_secret *s)
{
    return s->len;
}

/* Known prefixes are shown whole (they identify the kind of key, not the key); otherwise only
 * the first 3 characters. The last 4 match what provider consoles show, so a user can find it. */
static size_t shown_prefix(const char *key, size_t len)
{
    static const char *const prefixes[] = {
        "sk-ant-api03-", "sk-ant-admin01-", "sk-ant-oat01-", "sk-proj-", "sk-svcacct-", "csk-", "fw_", "sk-", NULL};
    for (size_t i = 0; prefixes[i]; i++) {
        size_t n = strlen(prefixes[i]);
        if (len >= n && memcmp(key, prefixes[i], n) == 0)
            return n > 7 ? 7 : n;
    }
    return 3;
}

void llmc_key_fingerprint(const char *key, size_t len, char out[32])
{
    if (len < 12) {
        snprintf(out, 32, "(%zu characters)", len);
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

size_t llmc_secret_scrub_buf(char *text, size_t *len, const llmc_secret *key)
{
    if (!text || !key || key->len < 4)
        return 0;
    size_t scrubbed = 0, n = *len;
    size_t min_run = key->len < SCRUB_MIN_RUN ? key->len : SCRUB_MIN_RUN;
    size_t out = 0;
    for (size_t i = 0; i < n;) {
        /* The longest run of the key starting at text[i]: try each place the key has text[i]. */
        size_t best = 0;
        bool maybe = n - i >= min_run;
        if (maybe && min_run == SCRUB_MIN_RUN) {
            unsigned h = window_hash(text + i);
            maybe = (key->windows[h >> 6] >> (h & 63)) & 1;
        }
        if (maybe)
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
        if (best >= min_run) {
            /* never longer than what it replaces, so text is edited in place */
            size_t m = best < sizeof redacted - 1 ? best : sizeof redacted - 1;
            memmove(text + out, redacted, m);
            out += m;
            i += best;
            scrubbed++;
        } else {
            text[out++] = text[i++];
        }
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
