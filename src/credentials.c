/* SPDX-License-Identifier: MIT */
/*
 * credentials.c — finding the key for a provider (DESIGN §4): explicit → environment →
 * <VAR>_FILE → key command → key store; the first source that is set wins, and the later ones
 * it shadows are remembered for the diagnosis. Each candidate is checked statically
 * (diagnose.h) before it can be sent: whitespace and quotes are repaired with a warning, and
 * anything else wrong stops the call here with the cause, the source and the fix — never the key.
 */
#include "auth.h"
#include "secret.h"
#include "diagnose.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

#define LLMC_MAX_KEY_FILE 16384

void llmc_credential_clear(llmc_credential *cred)
{
    llmc_secret_free(cred->secret);
    memset(cred, 0, sizeof *cred);
}

void llmc_credential_describe(const llmc_credential *cred, const char *provider, llmc_cause cause, llmc_error *err)
{
    if (!err)
        return;
    llmc_diagnosis *d = &err->diagnosis;
    d->cause = cause;
    const llmc_cause_info *info = llmc_cause_info_get(cause);
    d->severity = info ? info->severity : LLMC_SEVERITY_ERROR;
    d->fix = info ? info->fix : NULL;
    llmc_strlcpy(d->provider, provider, sizeof d->provider);
    if (cred) {
        d->source = cred->source;
        llmc_strlcpy(d->source_name, cred->source_name, sizeof d->source_name);
        llmc_strlcpy(d->fingerprint, cred->fingerprint, sizeof d->fingerprint);
    }
}

/* Run the static checks on raw bytes from `source`; on success take the cleaned key. */
static llmc_code accept_candidate(const llmc_endpoint *ep, const char *raw, size_t len, llmc_key_source source,
                                  const char *source_name, bool bearer, llmc_credential *out, llmc_error *err)
{
    llmc_key_verdict v;
    llmc_severity worst = llmc_key_check(ep->info.name, raw, len, &v);
    out->source = source;
    out->bearer = bearer;
    llmc_strlcpy(out->source_name, source_name, sizeof out->source_name);
    const char *clean = raw + v.clean_offset;
    llmc_key_fingerprint(clean, v.clean_len, out->fingerprint);
    for (size_t i = 0; i < v.n; i++) {
        if (v.findings[i].severity != LLMC_SEVERITY_ERROR)
            continue;
        llmc_error_set(err, LLMC_E_KEY, "the %s key from %s %s %s", ep->info.name, llmc_key_source_name(source),
                       source_name, v.findings[i].detail);
        llmc_credential_describe(out, ep->info.name, v.findings[i].cause, err);
        if (err)
            llmc_strlcpy(err->diagnosis.detail, v.findings[i].detail, sizeof err->diagnosis.detail);
        return LLMC_E_KEY;
    }
    if (worst == LLMC_SEVERITY_WARNING && err) {
        /* Repaired: remember the first repair so callers (the CLI, the log) can mention it. */
        for (size_t i = 0; i < v.n; i++)
            if (v.findings[i].severity == LLMC_SEVERITY_WARNING) {
                llmc_credential_describe(out, ep->info.name, v.findings[i].cause, err);
                err->diagnosis.severity = LLMC_SEVERITY_WARNING;
                llmc_strlcpy(err->diagnosis.detail, v.findings[i].detail, sizeof err->diagnosis.detail);
                break;
            }
    }
    if (!(out->secret = llmc_secret_new(clean, v.clean_len)))
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    return LLMC_OK;
}

/* Read a key file named by <VAR>_FILE: at most 16 KiB; refused when group/world readable. */
static llmc_code read_key_file(const llmc_endpoint *ep, const char *path, llmc_credential *out, llmc_error *err)
{
    out->source = LLMC_SOURCE_FILE;
    llmc_strlcpy(out->source_name, path, sizeof out->source_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int saved = errno;
        llmc_error_set(err, LLMC_E_KEY, "cannot read the %s key file %s: %s", ep->info.name, path, strerror(saved));
        llmc_credential_describe(out, ep->info.name, LLMC_CAUSE_KEY_MISSING, err);
        if (err)
            snprintf(err->diagnosis.detail, sizeof err->diagnosis.detail, "%s_FILE names %s: %s", ep->info.key_env,
                     path, strerror(saved));
        return LLMC_E_KEY;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0077)) {
        close(fd);
        llmc_error_set(err, LLMC_E_KEY, "the %s key file %s can be read by other users (mode %03o); refused",
                       ep->info.name, path, (unsigned)(st.st_mode & 0777));
        llmc_credential_describe(out, ep->info.name, LLMC_CAUSE_KEY_FILE_PERMISSIONS, err);
        if (err)
            snprintf(err->diagnosis.detail, sizeof err->diagnosis.detail, "mode %03o; run: chmod 600 %.400s",
                     (unsigned)(st.st_mode & 0777), path);
        return LLMC_E_KEY;
    }
    char *buf = malloc(LLMC_MAX_KEY_FILE + 1);
    if (!buf) {
        close(fd);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    size_t len = 0;
    ssize_t n;
    while (len < LLMC_MAX_KEY_FILE && (n = read(fd, buf + len, LLMC_MAX_KEY_FILE - len)) > 0)
        len += (size_t)n;
    close(fd);
    llmc_code rc = accept_candidate(ep, buf, len, LLMC_SOURCE_FILE, path, false, out, err);
    explicit_bzero(buf, LLMC_MAX_KEY_FILE + 1);
    free(buf);
    return rc;
}

/* The key command's answer, from the cache while its TTL lasts. */
static llmc_code from_command(llmc_endpoint *ep, llmc_credential *out, llmc_error *err)
{
    char what[300];
    llmc_key_command_describe(ep->key_command, what, sizeof what);
    if (!ep->command_key || llmc_now_s() - ep->command_key_at > (double)ep->key_command_ttl_ms / 1000.0) {
        llmc_secret_free(ep->command_key);
        ep->command_key = NULL;
        llmc_code rc = llmc_key_command_run(ep->key_command, ep->key_command_timeout_ms, &ep->command_key, err);
        if (rc != LLMC_OK) {
            out->source = LLMC_SOURCE_COMMAND;
            llmc_strlcpy(out->source_name, what, sizeof out->source_name);
            if (err)
                llmc_strlcpy(err->diagnosis.provider, ep->info.name, sizeof err->diagnosis.provider);
            return rc;
        }
        ep->command_key_at = llmc_now_s();
    }
    return accept_candidate(ep, llmc_secret_bytes(ep->command_key), llmc_secret_len(ep->command_key),
                            LLMC_SOURCE_COMMAND, what, false, out, err);
}

/* The first stored key of this provider not marked rejected. Returns LLMC_E_NOT_FOUND (with
 * err untouched) when the store holds none; *rejected counts the keys skipped as rejected. */
static llmc_code from_store(const llmc_endpoint *ep, const char *label, llmc_credential *out, size_t *rejected,
                            llmc_error *err)
{
    llmc_store store;
    *rejected = 0;
    llmc_code rc = llmc_store_load(&store, err);
    if (rc != LLMC_OK) {
        out->source = LLMC_SOURCE_STORE;
        llmc_strlcpy(out->source_name, store.path, sizeof out->source_name);
        if (err)
            llmc_strlcpy(err->diagnosis.provider, ep->info.name, sizeof err->diagnosis.provider);
        return rc == LLMC_E_IO ? LLMC_E_KEY : rc;
    }
    rc = LLMC_E_NOT_FOUND;
    for (size_t i = 0; i < store.n; i++) {
        const llmc_store_entry *e = &store.entries[i];
        if (strcmp(e->provider, ep->info.name) != 0 || (label && strcmp(e->label, label) != 0))
            continue;
        /* a key chosen by name is tried even when marked rejected: the user asked for it */
        if (!label && e->last_rejected > 0 && e->last_rejected >= e->last_verified) {
            (*rejected)++;
            continue;
        }
        rc = accept_candidate(ep, llmc_secret_bytes(e->key), llmc_secret_len(e->key), LLMC_SOURCE_STORE, e->label,
                              false, out, err);
        llmc_strlcpy(out->store_label, e->label, sizeof out->store_label);
        break;
    }
    llmc_store_free(&store);
    return rc;
}

/* Fill a key.missing diagnosis, naming near-miss variables when there are some. */
static llmc_code missing(const llmc_endpoint *ep, size_t rejected, llmc_credential *out, llmc_error *err)
{
    char near[4][64];
    size_t n = llmc_near_miss_vars(ep->info.key_env, environ, near, 4);
    out->source = LLMC_SOURCE_NONE;
    if (n > 0) {
        llmc_strlcpy(out->source_name, near[0], sizeof out->source_name);
        llmc_error_set(err, LLMC_E_KEY, "no %s API key: %s is not set, but %s is — a misspelling?", ep->info.name,
                       ep->info.key_env, near[0]);
        llmc_credential_describe(out, ep->info.name, LLMC_CAUSE_KEY_VAR_MISSPELLED, err);
        if (err)
            snprintf(err->diagnosis.detail, sizeof err->diagnosis.detail, "%s is set; the variable read is %s", near[0],
                     ep->info.key_env);
        return LLMC_E_KEY;
    }
    llmc_strlcpy(out->source_name, ep->info.key_env, sizeof out->source_name);
    llmc_error_set(err, LLMC_E_KEY, "no %s API key: %s is not set%s", ep->info.name, ep->info.key_env,
                   rejected ? ", and every stored key was rejected by the provider" : "");
    llmc_credential_describe(out, ep->info.name, LLMC_CAUSE_KEY_MISSING, err);
    if (err)
        snprintf(err->diagnosis.detail, sizeof err->diagnosis.detail, "looked in: %s, %s_FILE, %s, the key store%s",
                 ep->info.key_env, ep->info.key_env, ep->key_command ? "the key command" : "no key command configured",
                 rejected ? " (its keys for this provider are marked rejected)" : "");
    return LLMC_E_KEY;
}

/* Names of later sources that are set too (cheap checks only: nothing is run or read). */
static void note_shadows(const llmc_endpoint *ep, llmc_key_source winner, bool use_store, llmc_credential *out)
{
    char file_var[128];
    snprintf(file_var, sizeof file_var, "%s_FILE", ep->info.key_env);
    const char *env = getenv(ep->info.key_env);
    const char *token = ep->info.token_env ? getenv(ep->info.token_env) : NULL;
    struct {
        llmc_key_source source;
        bool set;
        const char *name;
    } later[] = {
        {LLMC_SOURCE_ENV, env || token, env ? ep->info.key_env : ep->info.token_env},
        {LLMC_SOURCE_FILE, getenv(file_var) != NULL, file_var},
        {LLMC_SOURCE_COMMAND, ep->key_command != NULL, "the key command"},
        {LLMC_SOURCE_STORE, false, "the key store"},
    };
    if (use_store) {
        char path[512];
        later[3].set = llmc_key_store_path(path, sizeof path, NULL) == LLMC_OK && access(path, F_OK) == 0;
    }
    out->shadows[0] = '\0';
    for (size_t i = 0; i < sizeof later / sizeof later[0]; i++) {
        if (later[i].source <= winner || !later[i].set)
            continue;
        size_t len = strlen(out->shadows);
        snprintf(out->shadows + len, sizeof out->shadows - len, "%s%s", len ? ", " : "", later[i].name);
    }
}

llmc_code llmc_credential_resolve(llmc_endpoint *ep, bool use_store, llmc_credential *out, llmc_error *err)
{
    memset(out, 0, sizeof *out);
    llmc_code rc;
    size_t rejected = 0;
    if (ep->stored_label) {
        rc = from_store(ep, ep->stored_label, out, &rejected, err);
        if (rc == LLMC_E_NOT_FOUND) {
            out->source = LLMC_SOURCE_STORE;
            llmc_strlcpy(out->source_name, ep->stored_label, sizeof out->source_name);
            rc = llmc_error_set(err, LLMC_E_KEY, "no stored %s key is labelled \"%s\" (see `llmc keys list %s`)",
                                ep->info.name, ep->stored_label, ep->info.name);
            llmc_credential_describe(out, ep->info.name, LLMC_CAUSE_KEY_MISSING, err);
        }
        goto found;
    }
    if (ep->explicit_key) {
        rc = accept_candidate(ep, llmc_secret_bytes(ep->explicit_key), llmc_secret_len(ep->explicit_key),
                              LLMC_SOURCE_EXPLICIT, "llmc_client_set_key", false, out, err);
        goto found;
    }
    const char *key = getenv(ep->info.key_env);
    const char *token = ep->info.token_env ? getenv(ep->info.token_env) : NULL;
    if (key && token) {
        out->source = LLMC_SOURCE_ENV;
        snprintf(out->source_name, sizeof out->source_name, "%s and %s", ep->info.key_env, ep->info.token_env);
        llmc_error_set(err, LLMC_E_KEY, "both %s and %s are set: llmc will not guess which one to send; unset one",
                       ep->info.key_env, ep->info.token_env);
        llmc_credential_describe(out, ep->info.name, LLMC_CAUSE_AUTH_CONFLICT, err);
        return LLMC_E_KEY;
    }
    if (key || token) {
        rc = key ? accept_candidate(ep, key, strlen(key), LLMC_SOURCE_ENV, ep->info.key_env, false, out, err)
                 : accept_candidate(ep, token, strlen(token), LLMC_SOURCE_ENV, ep->info.token_env, true, out, err);
        goto found;
    }
    char file_var[128];
    snprintf(file_var, sizeof file_var, "%s_FILE", ep->info.key_env);
    const char *path = getenv(file_var);
    if (path && *path) {
        rc = read_key_file(ep, path, out, err);
        goto found;
    }
    if (ep->key_command) {
        rc = from_command(ep, out, err);
        goto found;
    }
    if (use_store && (rc = from_store(ep, NULL, out, &rejected, err)) != LLMC_E_NOT_FOUND)
        goto found;
    return missing(ep, rejected, out, err);
found:
    if (rc == LLMC_OK)
        note_shadows(ep, out->source, use_store, out);
    return rc;
}

llmc_code llmc_credential_from_request(const llmc_endpoint *ep, const llmc_secret *key, llmc_credential *out,
                                       llmc_error *err)
{
    memset(out, 0, sizeof *out);
    return accept_candidate(ep, llmc_secret_bytes(key), llmc_secret_len(key), LLMC_SOURCE_EXPLICIT,
                            "llmc_request_set_key", false, out, err);
}

/* ---- inspection: every source, not just the winner ---- */

static void add_candidate(llmc_key_report *r, const llmc_credential *cred, llmc_code rc, const llmc_error *e,
                          bool present)
{
    if (r->n_candidates >= LLMC_MAX_CANDIDATES)
        return;
    llmc_key_candidate *c = &r->candidates[r->n_candidates++];
    memset(c, 0, sizeof *c);
    c->source = cred->source;
    llmc_strlcpy(c->source_name, cred->source_name, sizeof c->source_name);
    llmc_strlcpy(c->fingerprint, cred->fingerprint, sizeof c->fingerprint);
    c->present = present;
    if (present && (rc != LLMC_OK || e->diagnosis.severity == LLMC_SEVERITY_WARNING))
        c->check = e->diagnosis;
    if (present && rc != LLMC_OK && c->check.cause == LLMC_CAUSE_NONE)
        llmc_strlcpy(c->check.detail, e->message, sizeof c->check.detail);
}

static void absent(llmc_key_report *r, llmc_key_source source, const char *name)
{
    llmc_credential none = {0};
    none.source = source;
    llmc_strlcpy(none.source_name, name, sizeof none.source_name);
    llmc_error e;
    llmc_error_clear(&e);
    add_candidate(r, &none, LLMC_OK, &e, false);
}

void llmc_credential_inspect(llmc_endpoint *ep, bool use_store, llmc_key_report *r)
{
    llmc_credential cred;
    llmc_error e;
    llmc_code rc;
    llmc_strlcpy(r->key_env, ep->info.key_env, sizeof r->key_env);
    r->n_near_miss = llmc_near_miss_vars(ep->info.key_env, environ, r->near_miss, 4);

    /* What a request would do now, first: it runs the key command at most once, and the
     * candidates below reuse its answer (or its failure) instead of running it again. */
    llmc_credential winner;
    llmc_error_clear(&r->result);
    llmc_code result_rc = llmc_credential_resolve(ep, use_store, &winner, &r->result);

    memset(&cred, 0, sizeof cred);
    llmc_error_clear(&e);
    if (ep->explicit_key) {
        rc = accept_candidate(ep, llmc_secret_bytes(ep->explicit_key), llmc_secret_len(ep->explicit_key),
                              LLMC_SOURCE_EXPLICIT, "llmc_client_set_key", false, &cred, &e);
        add_candidate(r, &cred, rc, &e, true);
        llmc_credential_clear(&cred);
    }
    const char *vars[2] = {ep->info.key_env, ep->info.token_env};
    for (int i = 0; i < 2; i++) {
        if (!vars[i])
            continue;
        const char *v = getenv(vars[i]);
        if (!v) {
            absent(r, LLMC_SOURCE_ENV, vars[i]);
            continue;
        }
        llmc_error_clear(&e);
        rc = accept_candidate(ep, v, strlen(v), LLMC_SOURCE_ENV, vars[i], i == 1, &cred, &e);
        add_candidate(r, &cred, rc, &e, true);
        llmc_credential_clear(&cred);
    }
    char file_var[128];
    snprintf(file_var, sizeof file_var, "%s_FILE", ep->info.key_env);
    const char *path = getenv(file_var);
    if (path && *path) {
        llmc_error_clear(&e);
        rc = read_key_file(ep, path, &cred, &e);
        add_candidate(r, &cred, rc, &e, true);
        llmc_credential_clear(&cred);
    } else {
        absent(r, LLMC_SOURCE_FILE, file_var);
    }
    if (ep->key_command && winner.source == LLMC_SOURCE_COMMAND && result_rc != LLMC_OK) {
        add_candidate(r, &winner, result_rc, &r->result, true);
    } else if (ep->key_command) {
        llmc_error_clear(&e);
        rc = from_command(ep, &cred, &e);
        add_candidate(r, &cred, rc, &e, true);
        llmc_credential_clear(&cred);
    } else {
        absent(r, LLMC_SOURCE_COMMAND, "key command (none configured)");
    }
    if (use_store) {
        llmc_store store;
        llmc_error_clear(&e);
        rc = llmc_store_load(&store, &e);
        if (rc != LLMC_OK) {
            cred.source = LLMC_SOURCE_STORE;
            llmc_strlcpy(cred.source_name, store.path, sizeof cred.source_name);
            add_candidate(r, &cred, rc, &e, true);
        }
        size_t found = 0;
        for (size_t i = 0; rc == LLMC_OK && i < store.n; i++) {
            const llmc_store_entry *se = &store.entries[i];
            if (strcmp(se->provider, ep->info.name) != 0)
                continue;
            found++;
            llmc_error_clear(&e);
            llmc_code krc = accept_candidate(ep, llmc_secret_bytes(se->key), llmc_secret_len(se->key),
                                             LLMC_SOURCE_STORE, se->label, false, &cred, &e);
            if (krc == LLMC_OK && se->last_rejected > 0 && se->last_rejected >= se->last_verified) {
                /* skipped by requests until the key is set again */
                llmc_error_set(&e, LLMC_E_AUTH, "marked rejected by the provider; skipped until it is set again");
                llmc_credential_describe(&cred, ep->info.name, LLMC_CAUSE_AUTH_REJECTED, &e);
                llmc_strlcpy(e.diagnosis.detail, e.message, sizeof e.diagnosis.detail);
                krc = LLMC_E_AUTH;
            }
            add_candidate(r, &cred, krc, &e, true);
            llmc_credential_clear(&cred);
        }
        if (rc == LLMC_OK && !found)
            absent(r, LLMC_SOURCE_STORE, store.path[0] ? store.path : "the key store");
        llmc_store_free(&store);
    }

    /* Which candidate wins, and which are shadowed by it. */
    bool winner_seen = false;
    for (size_t i = 0; i < r->n_candidates; i++) {
        llmc_key_candidate *c = &r->candidates[i];
        if (!c->present)
            continue;
        if (!winner_seen && c->source == winner.source &&
            (winner.source != LLMC_SOURCE_STORE || strcmp(c->source_name, winner.source_name) == 0)) {
            c->chosen = result_rc == LLMC_OK;
            winner_seen = true;
        } else if (winner_seen) {
            c->shadowed = 1;
        }
    }
    llmc_credential_clear(&winner);
}
