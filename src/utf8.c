/* SPDX-License-Identifier: MIT */
/*
 * utf8.c — UTF-8 by one rule (RFC 3629's table of well-formed sequences): a lead byte fixes the
 * length and the allowed range of the second byte, which is what rules out overlong forms,
 * surrogates and code points past U+10FFFF. Streams, the JSON reader and key checks all use it.
 */
#include "utf8.h"

#include <string.h>

/* The length of a sequence led by `ch` and the range its second byte must fall in; 0 for a
 * byte that cannot lead one. */
static size_t lead(unsigned char ch, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (ch < 0x80)
        return 1;
    if (ch >= 0xC2 && ch <= 0xDF)
        return 2;
    if (ch == 0xE0) {
        *lo = 0xA0;
        return 3;
    }
    if ((ch >= 0xE1 && ch <= 0xEC) || ch == 0xEE || ch == 0xEF)
        return 3;
    if (ch == 0xED) {
        *hi = 0x9F; /* no UTF-16 surrogates */
        return 3;
    }
    if (ch == 0xF0) {
        *lo = 0x90;
        return 4;
    }
    if (ch >= 0xF1 && ch <= 0xF3)
        return 4;
    if (ch == 0xF4) {
        *hi = 0x8F; /* nothing past U+10FFFF */
        return 4;
    }
    return 0;
}

size_t llmc_utf8_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
    if (n == 0)
        return 0;
    unsigned char lo, hi;
    size_t len = lead(s[0], &lo, &hi);
    if (len == 0 || len > n)
        return 0;
    static const unsigned char lead_mask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    unsigned long c = s[0] & lead_mask[len];
    for (size_t k = 1; k < len; k++) {
        unsigned char cc = s[k];
        if (k == 1 ? (cc < lo || cc > hi) : (cc < 0x80 || cc > 0xBF))
            return 0;
        c = (c << 6) | (cc & 0x3F);
    }
    *cp = c;
    return len;
}

size_t llmc_utf8_encode(unsigned long cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

long llmc_utf8_complete(const unsigned char *s, size_t n, size_t *tail)
{
    size_t i = 0;
    *tail = 0;
    while (i < n) {
        /* ASCII eight bytes at a time: the common case for English text and JSON. */
        while (i + 8 <= n) {
            unsigned long long w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        unsigned char lo, hi;
        size_t len = lead(s[i], &lo, &hi);
        if (len == 0)
            return -1;
        for (size_t k = 1; k < len; k++) {
            if (i + k >= n) {
                *tail = n - i;
                return (long)i;
            }
            unsigned char cc = s[i + k];
            if (k == 1 ? (cc < lo || cc > hi) : (cc < 0x80 || cc > 0xBF))
                return -1;
        }
        i += len;
    }
    return (long)n;
}
