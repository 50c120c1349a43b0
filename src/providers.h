/* SPDX-License-Identifier: MIT */
/*
 * providers.h — the provider table: each service's fixed facts (dialect, auth header, base URL
 * and its variable, paths, key variables, timeout, key prefixes). providers.c is their only home.
 */
#ifndef LLMC_PROVIDERS_H
#define LLMC_PROVIDERS_H

#include "util.h"

typedef enum llmc_dialect_kind { LLMC_DIALECT_ANTHROPIC = 0, LLMC_DIALECT_OPENAI = 1 } llmc_dialect_kind;
typedef enum llmc_auth_style { LLMC_AUTH_X_API_KEY = 0, LLMC_AUTH_BEARER = 1 } llmc_auth_style;

/* A provider's fixed facts (the table in providers.c). */
typedef struct llmc_provider_info {
    const char *name; /* "anthropic" */
    llmc_dialect_kind dialect;
    llmc_auth_style auth;
    const char *default_base_url; /* "https://api.anthropic.com" */
    const char *base_url_env;     /* "ANTHROPIC_BASE_URL" */
    const char *messages_path;    /* appended to the base URL: "/v1/messages" */
    const char *models_path;      /* "/v1/models" */
    const char *key_env;          /* "ANTHROPIC_API_KEY" */
    const char *token_env;        /* a second variable sent as Bearer ("ANTHROPIC_AUTH_TOKEN") or NULL */
    long default_timeout_ms;
    const char *const *key_prefixes; /* known key prefixes, NULL-terminated; NULL if none */
} llmc_provider_info;

const llmc_provider_info *llmc_provider_find(const char *name);
const llmc_provider_info *llmc_provider_at(size_t index); /* NULL past the end */

#endif /* LLMC_PROVIDERS_H */
