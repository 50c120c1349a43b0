/* SPDX-License-Identifier: MIT */
/*
 * json_check.c — whether bytes are exactly one JSON text (RFC 8259), without building a tree.
 * The batch output uses it at open to check every line is whole: a result glued to half of
 * another still starts with {"custom_id": and ends with }, but is not JSON. A scan is a few
 * times cheaper than a parse, which matters for outputs of a million lines.
 */
#include "util.h"

#include <string.h>

#define CHECK_MAX_DEPTH 1024

static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A string starting at s[*i] == '"'; *i moves past its closing quote. */
static bool scan_string(const char *s, size_t n, size_t *i)
{
    size_t j = *i + 1;
    while (j < n) {
        unsigned char c = (unsigned char)s[j];
        if (c == '"') {
            *i = j + 1;
            return true;
        }
        if (c < 0x20)
            return false;
        if (c == '\\') {
            if (++j >= n)
                return false;
            if (s[j] == 'u') {
                for (int k = 1; k <= 4; k++)
                    if (j + (size_t)k >= n || !is_hex(s[j + (size_t)k]))
                        return false;
                j += 5;
                continue;
            }
            if (!strchr("\"\\/bfnrt", s[j]))
                return false;
        }
        j++;
    }
    return false;
}

static bool scan_digits(const char *s, size_t n, size_t *i)
{
    size_t start = *i;
    while (*i < n && s[*i] >= '0' && s[*i] <= '9')
        (*i)++;
    return *i > start;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool scan_number(const char *s, size_t n, size_t *i)
{
    if (*i < n && s[*i] == '-')
        (*i)++;
    if (*i < n && s[*i] == '0')
        (*i)++;
    else if (!scan_digits(s, n, i))
        return false;
    if (*i < n && s[*i] == '.') {
        (*i)++;
        if (!scan_digits(s, n, i))
            return false;
    }
    if (*i < n && (s[*i] == 'e' || s[*i] == 'E')) {
        (*i)++;
        if (*i < n && (s[*i] == '+' || s[*i] == '-'))
            (*i)++;
        if (!scan_digits(s, n, i))
            return false;
    }
    return true;
}

static bool scan_word(const char *s, size_t n, size_t *i, const char *word)
{
    size_t len = strlen(word);
    if (n - *i < len || memcmp(s + *i, word, len) != 0)
        return false;
    *i += len;
    return true;
}

/* In an object, after '{' or ',': a key string and its ':'. */
static bool scan_key(const char *s, size_t n, size_t *i)
{
    *i = skip_ws(s, n, *i);
    if (*i >= n || s[*i] != '"' || !scan_string(s, n, i))
        return false;
    *i = skip_ws(s, n, *i);
    if (*i >= n || s[*i] != ':')
        return false;
    (*i)++;
    return true;
}

bool llmc_json_valid(const char *s, size_t n)
{
    char open[CHECK_MAX_DEPTH]; /* '{' or '[' for each container we are inside */
    size_t depth = 0, i = 0;
    for (;;) {
        /* a value */
        i = skip_ws(s, n, i);
        if (i >= n)
            return false;
        char c = s[i];
        if (c == '{' || c == '[') {
            if (depth == CHECK_MAX_DEPTH)
                return false;
            open[depth++] = c;
            i = skip_ws(s, n, i + 1);
            if (i < n && s[i] == (c == '{' ? '}' : ']')) {
                depth--;
                i++;
            } else {
                if (c == '{' && !scan_key(s, n, &i))
                    return false;
                continue; /* the first member's value */
            }
        } else if (c == '"') {
            if (!scan_string(s, n, &i))
                return false;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            if (!scan_number(s, n, &i))
                return false;
        } else if (!scan_word(s, n, &i, "true") && !scan_word(s, n, &i, "false") && !scan_word(s, n, &i, "null")) {
            return false;
        }
        /* after a value: close containers, or a ',' leads to the next value */
        for (;;) {
            i = skip_ws(s, n, i);
            if (depth == 0)
                return i == n;
            if (i >= n)
                return false;
            char top = open[depth - 1];
            if (s[i] == (top == '{' ? '}' : ']')) {
                depth--;
                i++;
                continue;
            }
            if (s[i] != ',')
                return false;
            i++;
            if (top == '{' && !scan_key(s, n, &i))
                return false;
            break;
        }
    }
}
