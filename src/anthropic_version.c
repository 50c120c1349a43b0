/* SPDX-License-Identifier: MIT */
/*
 * anthropic_version.c — the `anthropic-version` a client sends. The default stays 2023-06-01:
 * every feature llmc offers works with it, and it keeps temperature, top_p and top_k, which
 * 2026-10-21 removed (tests/server/README.md, "API versions", records the decision and its
 * sources). A client may choose another; its header lists are built once, here.
 */
#include "transport.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *llmc_client_version_of(const llmc_client *c)
{
    return c && c->anthropic_version ? c->anthropic_version : LLMC_ANTHROPIC_VERSION;
}

const char *llmc_client_anthropic_version(const llmc_client *c)
{
    return llmc_client_version_of(c);
}

static bool looks_like_date(const char *v)
{
    if (strlen(v) != 10 || v[4] != '-' || v[7] != '-')
        return false;
    for (size_t i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)v[i]))
            return false;
    return true;
}

static void free_lines(char *lines[4])
{
    for (size_t i = 0; i < 4; i++) {
        free(lines[i]);
        lines[i] = NULL;
    }
}

/* The dialect's header list with its version line replaced. */
static bool build(char *out[4], const char *const *base, const char *version)
{
    size_t n = 0;
    for (size_t i = 0; base[i] && n < 3; i++) {
        if (strncmp(base[i], "anthropic-version:", 18) == 0) {
            size_t len = strlen(version) + 20;
            if ((out[n] = malloc(len)))
                snprintf(out[n], len, "anthropic-version: %s", version);
        } else {
            out[n] = strdup(base[i]);
        }
        if (!out[n++])
            return false;
    }
    return true;
}

llmc_code llmc_client_set_anthropic_version(llmc_client *c, const char *version, llmc_error *err)
{
    llmc_error_clear(err);
    if (!c)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "client is NULL");
    if (version && !looks_like_date(version))
        return llmc_error_set(err, LLMC_E_INVALID_ARG,
                              "anthropic-version \"%.40s\" is not a date (YYYY-MM-DD, e.g. 2023-06-01 or 2026-10-21)",
                              version);
    char *copy = NULL;
    char *lines[2][4] = {{NULL}};
    if (version) {
        const llmc_dialect *d = llmc_dialect_get(LLMC_DIALECT_ANTHROPIC);
        if (!(copy = strdup(version)) || !build(lines[0], d->headers, version) ||
            !build(lines[1], d->stream_headers, version)) {
            free(copy);
            free_lines(lines[0]);
            free_lines(lines[1]);
            return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        }
    }
    free(c->anthropic_version);
    free_lines(c->anthropic_headers[0]);
    free_lines(c->anthropic_headers[1]);
    c->anthropic_version = copy;
    memcpy(c->anthropic_headers, lines, sizeof lines);
    return LLMC_OK;
}
