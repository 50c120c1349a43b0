/* SPDX-License-Identifier: MIT */
/*
 * jread.h — a small JSON reader for the fast path: it accepts only what is valid JSON, and a
 * caller that meets anything it does not expect gives up and lets jansson decide.
 */
#ifndef LLMC_JREAD_H
#define LLMC_JREAD_H

#include "util.h"

typedef struct llmc_jcur {
    const char *p, *end;
} llmc_jcur;

void llmc_j_ws(llmc_jcur *c);
/* Consume the character `ch` (after whitespace); false if it is not there. */
bool llmc_j_char(llmc_jcur *c, char ch);
/* A string: unescaped into out (reset first) when out is not NULL. `raw_utf8`: leave raw
 * non-ASCII bytes unchecked (the caller validates them, with hold-back); otherwise they must be
 * valid UTF-8. Escapes are always checked, surrogate pairs joined, lone surrogates refused. */
bool llmc_j_string(llmc_jcur *c, llmc_buf *out, bool raw_utf8);
/* A string without escapes, returned in place (*s, *n): keys and type names. False when it has
 * escapes (the caller then lets jansson read it) or is not valid. */
bool llmc_j_rawstr(llmc_jcur *c, const char **s, size_t *n);
/* A key: llmc_j_rawstr then the ':' after it. */
bool llmc_j_key(llmc_jcur *c, const char **s, size_t *n);
/* Whether (s, n) is exactly the NUL-terminated `lit`. */
bool llmc_j_eq(const char *s, size_t n, const char *lit);
/* A non-negative integer written as plain digits (no sign, fraction or exponent). */
bool llmc_j_uint(llmc_jcur *c, long *out);
/* Skip any JSON value, checking it, nested at most `depth` levels. */
bool llmc_j_skip(llmc_jcur *c, int depth);
/* The literal null. */
bool llmc_j_null(llmc_jcur *c);
/* Whether only whitespace is left. */
bool llmc_j_at_end(llmc_jcur *c);

#endif /* LLMC_JREAD_H */
