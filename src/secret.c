/* SPDX-License-Identifier: MIT */
/*
 * secret.c — holding a key in memory: one allocation (header and bytes together), wiped with
 * explicit_bzero before it is freed, so a key leaves no copy behind in the heap. Also the only
 * place that turns a key into something printable: its fingerprint.
 */
#include "secret.h"
#include "providers.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct llmc_secret {
    size_t len;
    char bytes[]; /* len bytes + NUL */
};

llmc_secret *llmc_secret_new(const char *bytes, size_t len)
{
    llmc_secret *s = malloc(sizeof *s + len + 1);
    if (!s)
        return NULL;
    s->len = len;
    memcpy(s->bytes, bytes, len);
    s->bytes[len] = '\0';
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

/* The shortest run of a key's characters that counts as a copy of it: shorter runs turn up in
 * ordinary text by chance, longer ones of a random key do not. */
#define SCRUB_MIN_RUN 8

static const char redacted[] = "[REDACTED]";

size_t llmc_secret_scrub(char *text, const llmc_secret *key)
{
    if (!text || !key || key->len < 4)
        return 0;
    size_t scrubbed = 0, n = strlen(text);
    size_t min_run = key->len < SCRUB_MIN_RUN ? key->len : SCRUB_MIN_RUN;
    size_t out = 0;
    for (size_t i = 0; i < n;) {
        /* The longest run of the key starting at text[i]: try each place the key has text[i]. */
        size_t best = 0;
        if (n - i >= min_run)
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
            /* the replacement is never longer than what it replaces when run >= 10; shorter runs
             * of a short key are replaced by as much of the marker as fits */
            size_t m = best < sizeof redacted - 1 ? best : sizeof redacted - 1;
            memcpy(text + out, redacted, m);
            out += m;
            i += best;
            scrubbed++;
        } else {
            text[out++] = text[i++];
        }
    }
    text[out] = '\0';
    return scrubbed;
}
