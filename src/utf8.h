/* SPDX-License-Identifier: MIT */
/*
 * utf8.h — the one UTF-8 rule llmc applies everywhere (stream text, the JSON fast path, key
 * checks): shortest forms only, no UTF-16 surrogates, nothing past U+10FFFF.
 */
#ifndef LLMC_UTF8_H
#define LLMC_UTF8_H

#include <stddef.h>

/* Decode the character at s[0..n): its length (1-4) with *cp set, or 0 when the bytes are not
 * a valid character (or are cut short). */
size_t llmc_utf8_decode(const unsigned char *s, size_t n, unsigned long *cp);
/* Encode the code point cp (at most U+10FFFF) into out; returns the length, 1-4. */
size_t llmc_utf8_encode(unsigned long cp, char out[4]);
/* How many leading bytes of s form complete, valid UTF-8; *tail gets the number of trailing
 * bytes that are a valid but incomplete sequence. -1 when s is not valid UTF-8 otherwise. */
long llmc_utf8_complete(const unsigned char *s, size_t n, size_t *tail);

#endif /* LLMC_UTF8_H */
