/* SPDX-License-Identifier: MIT */
/*
 * fuzz_decode_common.h — the invariants both non-streaming decoders keep on any body: a known
 * outcome (OK, PROTOCOL, LIMIT, NOMEM), an error message exactly when they fail, a response
 * whose text is its text blocks joined, and the same answer when decoded twice.
 */
#ifndef LLMC_FUZZ_DECODE_COMMON_H
#define LLMC_FUZZ_DECODE_COMMON_H

#include "wire.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DECODE_CHECK(cond)                                                                                             \
    do {                                                                                                               \
        if (!(cond))                                                                                                   \
            __builtin_trap();                                                                                          \
    } while (0)

typedef llmc_code (*decode_fn)(const char *body, size_t len, llmc_response *out, llmc_error *err);

/* Decode once; returns the code and, on success, the joined text (malloc'd) in *text. */
static llmc_code decode_once(decode_fn decode, const uint8_t *data, size_t size, char **text)
{
    llmc_response *r = llmc_response_alloc();
    DECODE_CHECK(r != NULL);
    llmc_error err;
    llmc_error_clear(&err);
    llmc_code rc = decode((const char *)data, size, r, &err);
    DECODE_CHECK(rc == LLMC_OK || rc == LLMC_E_PROTOCOL || rc == LLMC_E_LIMIT || rc == LLMC_E_NOMEM);
    DECODE_CHECK(memchr(err.message, '\0', sizeof err.message) != NULL);
    *text = NULL;
    if (rc == LLMC_OK) {
        DECODE_CHECK(err.code == LLMC_OK);
        const char *joined = llmc_response_text(r);
        DECODE_CHECK(joined != NULL);
        /* the text is exactly the text blocks, in order */
        size_t at = 0, n = strlen(joined);
        for (size_t i = 0; i < llmc_response_block_count(r); i++) {
            DECODE_CHECK(llmc_response_block_text(r, i) != NULL);
            if (llmc_response_block_type(r, i) != LLMC_BLOCK_TEXT)
                continue;
            const char *piece = llmc_response_block_text(r, i);
            size_t k = strlen(piece);
            DECODE_CHECK(at + k <= n && memcmp(joined + at, piece, k) == 0);
            at += k;
        }
        DECODE_CHECK(at == n);
        DECODE_CHECK(llmc_response_stop_reason_raw(r) != NULL && llmc_response_model(r) != NULL &&
                     llmc_response_id(r) != NULL);
        *text = strdup(joined);
        DECODE_CHECK(*text != NULL);
    } else {
        DECODE_CHECK(err.code == rc && err.message[0] != '\0');
    }
    llmc_response_free(r);
    return rc;
}

static int fuzz_decode_body(decode_fn decode, const uint8_t *data, size_t size)
{
    char *a = NULL, *b = NULL;
    llmc_code first = decode_once(decode, data, size, &a);
    llmc_code second = decode_once(decode, data, size, &b);
    DECODE_CHECK(first == second);
    DECODE_CHECK((a == NULL) == (b == NULL));
    DECODE_CHECK(!a || strcmp(a, b) == 0);
    free(a);
    free(b);
    return 0;
}

#endif /* LLMC_FUZZ_DECODE_COMMON_H */
