/* SPDX-License-Identifier: MIT */
/*
 * secret.h — the only header that exposes a key's bytes. A key lives in one allocation that is
 * wiped when freed; compare and scrub work on it here so that no other layer needs the bytes.
 * Dialects, stream decoders and JSON code must never include this file (a test greps for it);
 * they see llmc_secret only as an opaque pointer.
 */
#ifndef LLMC_SECRET_H
#define LLMC_SECRET_H

#include "util.h"

typedef struct llmc_secret llmc_secret;
llmc_secret *llmc_secret_new(const char *bytes, size_t len);
/* Another holder of the same key (one allocation, wiped when the last holder frees it). */
llmc_secret *llmc_secret_ref(llmc_secret *s);
void llmc_secret_free(llmc_secret *s);
const char *llmc_secret_bytes(const llmc_secret *s); /* NUL-terminated */
size_t llmc_secret_len(const llmc_secret *s);
/* A short, safe-to-print fingerprint: up to the first 7 characters of a known prefix or 4
 * characters, "…", and the last 4 — e.g. "sk-ant-…H1RE". Keys under 12 characters show only
 * their length ("7 characters"). */
void llmc_key_fingerprint(const char *key, size_t len, char out[32]);
/* Whether two secrets hold the same bytes (constant time in the shorter length). */
bool llmc_secret_equal(const llmc_secret *a, const llmc_secret *b);
/* Replace every copy of the key in `text` (NUL-terminated, edited in place) with "[REDACTED]",
 * and every run of 8 or more of its characters that appears in the text. Returns how many
 * places were scrubbed. Keys shorter than 4 bytes are left alone (they match too much). */
size_t llmc_secret_scrub(char *text, const llmc_secret *key);
/* The same on len bytes that may hold NULs (a response body); *len shrinks by what was cut. */
size_t llmc_secret_scrub_buf(char *text, size_t *len, const llmc_secret *key);

#endif /* LLMC_SECRET_H */
