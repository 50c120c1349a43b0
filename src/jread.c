/* SPDX-License-Identifier: MIT */
/*
 * jread.c — a small JSON reader for the stream decoders' fast path: it reads exactly what valid
 * JSON allows and nothing else, and a caller that meets anything it does not expect gives up
 * and lets jansson decide. It never builds a tree, so a text delta costs a few passes over bytes.
 */
#include "jread.h"
#include "utf8.h"

#include <string.h>

void llmc_j_ws(llmc_jcur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

bool llmc_j_char(llmc_jcur *c, char ch)
{
    llmc_j_ws(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

bool llmc_j_at_end(llmc_jcur *c)
{
    llmc_j_ws(c);
    return c->p == c->end;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char ch = p[i];
        v <<= 4;
        if (ch >= '0' && ch <= '9')
            v |= ch - '0';
        else if (ch >= 'a' && ch <= 'f')
            v |= ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F')
            v |= ch - 'A' + 10;
        else
            return -1;
    }
    return v;
}

bool llmc_j_string(llmc_jcur *c, llmc_buf *out, bool raw_utf8)
{
    if (!llmc_j_char(c, '"'))
        return false;
    if (out)
        llmc_buf_reset(out);
    const char *p = c->p, *end = c->end;
    for (;;) {
        const char *run = p;
        bool high = false;
        while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20) {
            high |= (unsigned char)*p >= 0x80;
            p++;
        }
        if (p == end)
            return false;
        /* A run ends at an ASCII byte, so its raw multibyte characters must be complete. */
        size_t tail;
        if (high && !raw_utf8 && llmc_utf8_complete((const unsigned char *)run, (size_t)(p - run), &tail) != p - run)
            return false;
        if (out && p > run && llmc_buf_append(out, run, (size_t)(p - run)) < 0)
            return false;
        if (*p == '"') {
            c->p = p + 1;
            return true;
        }
        if (*p != '\\')
            return false; /* a raw control character */
        if (++p == end)
            return false;
        char ch = *p++, enc[4];
        size_t n = 1;
        switch (ch) {
        case '"':
            enc[0] = '"';
            break;
        case '\\':
            enc[0] = '\\';
            break;
        case '/':
            enc[0] = '/';
            break;
        case 'b':
            enc[0] = '\b';
            break;
        case 'f':
            enc[0] = '\f';
            break;
        case 'n':
            enc[0] = '\n';
            break;
        case 'r':
            enc[0] = '\r';
            break;
        case 't':
            enc[0] = '\t';
            break;
        case 'u': {
            int u = end - p >= 4 ? hex4(p) : -1;
            if (u < 0)
                return false;
            p += 4;
            unsigned long cp = (unsigned long)u;
            if (u >= 0xDC00 && u <= 0xDFFF)
                return false; /* a low surrogate alone */
            if (u >= 0xD800 && u <= 0xDBFF) {
                int lo = end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? hex4(p + 2) : -1;
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return false; /* a high surrogate without its pair */
                p += 6;
                cp = 0x10000 + (((unsigned long)u - 0xD800) << 10) + ((unsigned long)lo - 0xDC00);
            }
            n = llmc_utf8_encode(cp, enc);
            break;
        }
        default:
            return false;
        }
        if (out && llmc_buf_append(out, enc, n) < 0)
            return false;
    }
}

bool llmc_j_rawstr(llmc_jcur *c, const char **s, size_t *n)
{
    if (!llmc_j_char(c, '"'))
        return false;
    const char *p = c->p;
    bool high = false;
    while (p < c->end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20) {
        high |= (unsigned char)*p >= 0x80;
        p++;
    }
    if (p == c->end || *p != '"')
        return false;
    size_t tail;
    if (high && llmc_utf8_complete((const unsigned char *)c->p, (size_t)(p - c->p), &tail) != p - c->p)
        return false;
    *s = c->p;
    *n = (size_t)(p - c->p);
    c->p = p + 1;
    return true;
}

bool llmc_j_key(llmc_jcur *c, const char **s, size_t *n)
{
    return llmc_j_rawstr(c, s, n) && llmc_j_char(c, ':');
}

bool llmc_j_eq(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

bool llmc_j_uint(llmc_jcur *c, long *out)
{
    llmc_j_ws(c);
    const char *p = c->p;
    long v = 0;
    int digits = 0;
    while (p < c->end && *p >= '0' && *p <= '9') {
        v = v * 10 + (*p - '0');
        if (++digits > 9)
            return false;
        p++;
    }
    if (digits == 0 || (digits > 1 && *c->p == '0'))
        return false;
    if (p < c->end && (*p == '.' || *p == 'e' || *p == 'E'))
        return false; /* a real: jansson decides what that means */
    c->p = p;
    *out = v;
    return true;
}

static bool lit(llmc_jcur *c, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
        return false;
    c->p += n;
    return true;
}

bool llmc_j_null(llmc_jcur *c)
{
    llmc_j_ws(c);
    return lit(c, "null");
}

/* Integers only, at most 18 digits: anything that jansson might refuse (overflow) or read
 * differently (reals) is left to it. */
static bool skip_number(llmc_jcur *c)
{
    const char *p = c->p;
    if (p < c->end && *p == '-')
        p++;
    const char *digits = p;
    while (p < c->end && *p >= '0' && *p <= '9')
        p++;
    size_t n = (size_t)(p - digits);
    if (n == 0 || n > 18 || (n > 1 && *digits == '0'))
        return false;
    if (p < c->end && (*p == '.' || *p == 'e' || *p == 'E'))
        return false;
    c->p = p;
    return true;
}

bool llmc_j_skip(llmc_jcur *c, int depth)
{
    llmc_j_ws(c);
    if (c->p == c->end)
        return false;
    switch (*c->p) {
    case '"':
        return llmc_j_string(c, NULL, false);
    case 't':
        return lit(c, "true");
    case 'f':
        return lit(c, "false");
    case 'n':
        return lit(c, "null");
    case '{':
        if (depth <= 0)
            return false;
        c->p++;
        if (llmc_j_char(c, '}'))
            return true;
        do {
            if (!llmc_j_string(c, NULL, false) || !llmc_j_char(c, ':') || !llmc_j_skip(c, depth - 1))
                return false;
        } while (llmc_j_char(c, ','));
        return llmc_j_char(c, '}');
    case '[':
        if (depth <= 0)
            return false;
        c->p++;
        if (llmc_j_char(c, ']'))
            return true;
        do {
            if (!llmc_j_skip(c, depth - 1))
                return false;
        } while (llmc_j_char(c, ','));
        return llmc_j_char(c, ']');
    default:
        return skip_number(c);
    }
}
