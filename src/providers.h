/* SPDX-License-Identifier: MIT */
/*
 * providers.h — the provider table: each service's fixed facts (name and display name, dialect,
 * auth header, base URL and its variable, paths, key and token variables, the shapes and alphabet
 * of its keys, the names people mistype, retired models, batch engine). providers.c is their only
 * home: the key checks, fingerprints, log redaction, fixes and routing all read them from here.
 * It is pure data over util.h, so every layer may include it.
 */
#ifndef LLMC_PROVIDERS_H
#define LLMC_PROVIDERS_H

#include "util.h"

typedef enum llmc_dialect_kind { LLMC_DIALECT_ANTHROPIC = 0, LLMC_DIALECT_OPENAI = 1 } llmc_dialect_kind;
/* How the key travels. NONE: no auth header at all (a local server that takes no key). */
typedef enum llmc_auth_style { LLMC_AUTH_X_API_KEY = 0, LLMC_AUTH_BEARER = 1, LLMC_AUTH_NONE = 2 } llmc_auth_style;
typedef enum llmc_batch_engine {
    LLMC_BATCH_NONE = 0,
    LLMC_BATCH_ANTHROPIC = 1, /* Message Batches */
    LLMC_BATCH_FIREWORKS = 2, /* batch inference jobs on the control plane */
    LLMC_BATCH_OPENAI = 3     /* the OpenAI Batch API: a JSONL file (/files) and /batches beside chat/completions */
} llmc_batch_engine;

/* Character sets for key alphabets (every byte a key may hold). */
#define LLMC_CHARS_ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
#define LLMC_CHARS_LOWER_DIGIT "abcdefghijklmnopqrstuvwxyz0123456789"
#define LLMC_CHARS_B64URL LLMC_CHARS_ALNUM "-_"
/* RFC 6750 §2.1 b64token: all that an `Authorization: Bearer` credential may hold. */
#define LLMC_CHARS_B64TOKEN LLMC_CHARS_ALNUM "-._~+/="

/* What a kind of key opens. */
typedef enum llmc_key_kind {
    LLMC_KEY_KIND_API = 0,   /* an API key for the inference API: what llmc needs */
    LLMC_KEY_KIND_ADMIN = 1, /* an organisation admin key: the inference API refuses it (warning) */
    LLMC_KEY_KIND_OAUTH = 2  /* a subscription OAuth token: refused for third-party clients (warning) */
} llmc_key_kind;

/* One documented key shape: prefix, then body_min..body_max characters of body_chars, ending in
 * suffix. A key with the prefix but another shape is probably damaged: a warning (formats change). */
typedef struct llmc_key_shape {
    const char *prefix; /* "sk-ant-api03-"; NULL ends a list */
    llmc_key_kind kind;
    const char *what;          /* "an Anthropic API key", for details */
    size_t body_min, body_max; /* characters after the prefix; 0/0: not published */
    const char *body_chars;    /* the body's alphabet; NULL: not published */
    const char *suffix;        /* the body's fixed ending, or NULL */
} llmc_key_shape;

/* A model the provider no longer serves. */
typedef struct llmc_retired_model {
    const char *model;       /* the wire id, "claude-sonnet-4-20250514"; NULL ends a list */
    const char *retired_on;  /* "2026-06-15", or NULL when the day was not published */
    const char *replacement; /* the model the provider points to, or NULL */
} llmc_retired_model;

/* A provider's fixed facts (the table in providers.c). */
typedef struct llmc_provider_info {
    const char *name;         /* "anthropic": the prefix of model strings */
    const char *display_name; /* "Anthropic": how texts name the company */
    llmc_dialect_kind dialect;
    llmc_auth_style auth;
    const char *default_base_url;   /* "https://api.anthropic.com" */
    const char *base_url_env;       /* "ANTHROPIC_BASE_URL", or NULL */
    const char *messages_path;      /* appended to the base URL: "/v1/messages" */
    const char *models_path;        /* "/v1/models" */
    const char *key_env;            /* "ANTHROPIC_API_KEY"; NULL for a keyless endpoint */
    const char *token_env;          /* a second variable sent as Bearer ("ANTHROPIC_AUTH_TOKEN") or NULL */
    const char *custom_headers_env; /* "ANTHROPIC_CUSTOM_HEADERS": "Name: value" lines, or NULL */
    const char *account_env;        /* "FIREWORKS_ACCOUNT_ID" (control plane), or NULL */
    llmc_batch_engine batch_engine;
    long default_timeout_ms;
    const char *console; /* where keys are made, e.g. "https://console.anthropic.com/settings/keys"; or NULL */
    /* Keys. */
    const char *key_family;              /* every key of this provider starts so ("sk-ant-"), or NULL */
    bool key_family_required;            /* a key without key_family is suspicious (warning) */
    bool foreign_keys_refused;           /* a key with another provider's family is refused (else a warning) */
    const char *key_chars;               /* every character its keys may hold (others are refused); NULL: unknown */
    const llmc_key_shape *shapes;        /* {NULL}-terminated, or NULL */
    const char *const *key_env_variants; /* names set by mistake for key_env, NULL-terminated, or NULL */
    const llmc_retired_model *retired;   /* {NULL}-terminated, or NULL */
} llmc_provider_info;

const llmc_provider_info *llmc_provider_find(const char *name);
const llmc_provider_info *llmc_provider_at(size_t index); /* NULL past the end */
/* The facts a custom OpenAI-compatible endpoint starts from (llmc_client_add_endpoint): the
 * OpenAI dialect and Bearer auth, and no key facts at all (a gateway issues what it likes). */
const llmc_provider_info *llmc_provider_custom_template(void);

/* The provider whose key family `key` starts with (the longest match: "sk-ant-" before "sk-"),
 * or NULL. */
const llmc_provider_info *llmc_provider_owning_key(const char *key, size_t len);
/* The documented shape whose prefix `key` starts with (longest first), over every provider; NULL
 * if none. *owner gets the shape's provider when not NULL. */
const llmc_key_shape *llmc_provider_shape_of(const char *key, size_t len, const llmc_provider_info **owner);
/* Every known key prefix (shapes and families of all providers), longest first; index past the
 * end gives NULL. For fingerprints, placeholders and log redaction. */
const char *llmc_provider_key_prefix_at(size_t index);
/* The retirement record of `model` at `p`, or NULL. */
const llmc_retired_model *llmc_provider_retired(const llmc_provider_info *p, const char *model);

#endif /* LLMC_PROVIDERS_H */
