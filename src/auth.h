/* SPDX-License-Identifier: MIT */
/*
 * auth.h — keys: a provider as one client sees it (its endpoint), the credential chain that finds
 * a key for it, the key command and the key store. Keys are opaque here (llmc_secret); only
 * files that include secret.h see their bytes.
 */
#ifndef LLMC_AUTH_H
#define LLMC_AUTH_H

#include "providers.h"

typedef struct llmc_secret llmc_secret;

/* ---- endpoints (endpoint.c) ---- */
/* A provider as one client sees it: the fixed facts plus this client's overrides. Custom
 * endpoints (llmc_client_add_endpoint) copy llmc_provider_custom_template() and set
 * name/base/key_env; `auth = none` sets info.auth to LLMC_AUTH_NONE. */
/* ---- credentials: finding the key for one endpoint ---- */
typedef struct llmc_credential {
    llmc_secret *secret; /* owned; NULL when no key was found */
    llmc_key_source source;
    char source_name[256];
    bool bearer; /* send as Authorization: Bearer even for x-api-key providers */
    char fingerprint[32];
    char store_label[64]; /* for keys from the store: the label, to mark it later */
    char warning[200];    /* the static check's first warning ("starts with sk-ant-, …"), or "" */
} llmc_credential;

typedef struct llmc_endpoint {
    char *name;
    llmc_provider_info info;     /* name/base/key_env point into this struct's own strings */
    llmc_auth_style key_auth;    /* the auth style to return to when keyless is turned off */
    bool allow_insecure_http;    /* plain http to this endpoint's non-loopback host is allowed */
    bool models_fetched;         /* the model.not_found path fetched the models list once already */
    char *base_url_override;     /* set by llmc_client_set_base_url */
    const char *base_url_origin; /* static: who set the override ("base_url in the config file"); NULL: the setter */
    char *custom_base_url;       /* owned copies for custom endpoints */
    char *custom_key_env;
    llmc_secret *explicit_key;
    char *stored_label; /* llmc_client_use_stored_key: this stored key comes first */
    char **key_command; /* argv, NULL-terminated, owned; NULL when none */
    long key_command_timeout_ms;
    long key_command_ttl_ms;
    llmc_secret *command_key; /* the command's last answer, reused within the TTL */
    double command_key_at;    /* monotonic seconds when it was fetched */
    /* The last key that passed the static checks, as it was read (source, bytes), with what the
     * checks made of it: the same key read again skips them (credentials.c). */
    struct {
        llmc_secret *raw;       /* owned: the bytes as read; NULL: nothing remembered */
        llmc_credential cred;   /* owns a reference to the cleaned key */
        llmc_diagnosis warning; /* the checks' warning (severity WARNING), or cause NONE */
        bool facts;             /* llmc_endpoint_key_facts_apply when it was checked */
    } checked;
} llmc_endpoint;

/* Drop the memo of the last checked key (when the endpoint changes or goes). */
void llmc_endpoint_forget_checked(llmc_endpoint *ep);
/* The base URL requests go to: the override, else the SDK variable, else the default. */
const char *llmc_endpoint_base_url(const llmc_endpoint *ep);
/* Where the base URL in use came from ("ANTHROPIC_BASE_URL", "base_url in the config file",
 * "llmc_client_set_base_url"), or NULL for the provider's default. */
const char *llmc_endpoint_base_url_source(const llmc_endpoint *ep);
/* Whether the provider table's key facts (prefixes, shapes, alphabet) hold for keys sent to
 * `ep`: yes for its own host and for loopback; no when the base URL points at another host (a
 * gateway issues keys of its own) and for custom endpoints. */
bool llmc_endpoint_key_facts_apply(const llmc_endpoint *ep);
/* d->fix for d->cause, written for `ep` (its name, display name and variables). */
void llmc_endpoint_set_fix(const llmc_endpoint *ep, llmc_diagnosis *d, const char *variant);
/* "Anthropic", or a custom endpoint's name. */
const char *llmc_endpoint_display(const llmc_endpoint *ep);

/* Resolve the key for `ep` through the chain; on failure fills err (LLMC_E_KEY or LLMC_E_IO
 * with a diagnosis). `use_store`: whether the key store is the last source. */
llmc_code llmc_credential_resolve(llmc_endpoint *ep, bool use_store, llmc_credential *out, llmc_error *err);

/* A key given for one request (llmc_request_set_key): checked like any other, source explicit. */
llmc_code llmc_credential_from_request(const llmc_endpoint *ep, const llmc_secret *key, llmc_credential *out,
                                       llmc_error *err);

/* Every source of the chain, present or not, for llmc_client_inspect_key. */
void llmc_credential_inspect(llmc_endpoint *ep, bool use_store, llmc_key_report *report);

/* ---- key command (keycmd.c) ---- */
/* Run argv (no shell) for at most timeout_ms; on success *key_out holds the first line of its
 * stdout. On failure err says why (exit status, timeout, no output) and summarizes stderr by
 * size only: it may hold a secret. */
llmc_code llmc_key_command_run(char *const *argv, long timeout_ms, llmc_secret **key_out, llmc_error *err);
/* A printable form of the command: argv[0] and the number of arguments (arguments can hold
 * secrets such as a vault path). */
void llmc_key_command_describe(char *const *argv, char *out, size_t size);

/* ---- key store (keystore.c) ---- */
typedef struct llmc_store_entry {
    char provider[32];
    char label[64];
    long long added, last_verified, last_rejected;
    llmc_secret *key;
} llmc_store_entry;
typedef struct llmc_store {
    llmc_store_entry *entries;
    size_t n;
    char path[512];
} llmc_store;
/* Load the store. A missing file is an empty store (LLMC_OK). A file other users can read, one
 * owned by another user, or one in a directory another user owns or others can write to is
 * LLMC_E_KEY with cause key.file_permissions (the detail holds the fix); unreadable or malformed
 * is LLMC_E_IO. Saving checks the directory too, and the public setters hold keys.lock around
 * their load-modify-save. */
llmc_code llmc_store_load(llmc_store *store, llmc_error *err);
llmc_code llmc_store_save(const llmc_store *store, llmc_error *err);
void llmc_store_free(llmc_store *store);
/* Mark the entry (provider, label) verified or rejected now, and save. Errors are ignored on
 * purpose: a mark is a hint, never a reason to fail a call. */
void llmc_store_mark(const char *provider, const char *label, bool verified);
/* llmc's configuration directory: $XDG_CONFIG_HOME/llmc or ~/.config/llmc. */
llmc_code llmc_config_dir(char *buf, size_t size, llmc_error *err);
void llmc_credential_clear(llmc_credential *cred);
/* Fill err->diagnosis with what is known about the credential used (source, fingerprint) and the
 * fix of `cause` for `ep` (variant: a finer case, see fix.c; usually NULL). */
void llmc_credential_describe(const llmc_credential *cred, const llmc_endpoint *ep, llmc_cause cause,
                              const char *variant, llmc_error *err);
/* The later sources of ep's chain that also hold a key, as "store \"default\" (csk-…h2rk)",
 * into out (""): what a failing key shadows. Cheap: reads the store, runs nothing. */
void llmc_credential_shadowed(llmc_endpoint *ep, bool use_store, const llmc_credential *winner, char *out, size_t size);

#endif /* LLMC_AUTH_H */
