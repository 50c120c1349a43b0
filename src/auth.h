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

/* ---- endpoints ---- */
/* A provider as one client sees it: the fixed facts plus this client's overrides. Custom
 * endpoints (llmc_client_add_endpoint) copy the "openai" facts and set name/base/key_env. */
typedef struct llmc_endpoint {
    char *name;
    llmc_provider_info info; /* name/base/key_env point into this struct's own strings */
    char *base_url_override; /* set by llmc_client_set_base_url */
    char *custom_base_url;   /* owned copies for custom endpoints */
    char *custom_key_env;
    llmc_secret *explicit_key;
    char *stored_label; /* llmc_client_use_stored_key: this stored key comes first */
    char **key_command; /* argv, NULL-terminated, owned; NULL when none */
    long key_command_timeout_ms;
    long key_command_ttl_ms;
    llmc_secret *command_key; /* the command's last answer, reused within the TTL */
    double command_key_at;    /* monotonic seconds when it was fetched */
} llmc_endpoint;

/* ---- credentials: finding the key for one endpoint ---- */
typedef struct llmc_credential {
    llmc_secret *secret; /* owned; NULL when no key was found */
    llmc_key_source source;
    char source_name[256];
    bool bearer; /* send as Authorization: Bearer even for x-api-key providers */
    char fingerprint[32];
    char store_label[64]; /* for keys from the store: the label, to mark it later */
    char shadows[256];    /* later sources that were also set, e.g. "store default" */
} llmc_credential;

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
/* Fill err->diagnosis with what is known about the credential used (source, fingerprint, fix). */
void llmc_credential_describe(const llmc_credential *cred, const char *provider, llmc_cause cause, llmc_error *err);

#endif /* LLMC_AUTH_H */
