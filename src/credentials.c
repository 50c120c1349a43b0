/* SPDX-License-Identifier: MIT */
/*
 * credentials.c — finding the key for a provider (DESIGN §4): explicit → environment →
 * <VAR>_FILE → key command → key store; the first source that holds a key wins. A blank variable
 * counts as unset, as the official SDKs read it. Each candidate is checked statically
 * (diagnose.h) before it can be sent: whitespace and quotes are repaired with a warning, and
 * anything else wrong stops the call here with the cause, the source and a fix written for this
 * provider — never the key.
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

static void describe_with(const llmc_credential *cred, const llmc_endpoint *ep, llmc_cause cause, const char *variant,
                          const llmc_provider_info *owner, llmc_error *err)
{
    if (!err)
        return;
    llmc_diagnosis *d = &err->diagnosis;
    d->cause = cause;
    const llmc_cause_info *info = llmc_cause_info_get(cause);
    d->severity = info ? info->severity : LLMC_SEVERITY_ERROR;
    llmc_strlcpy(d->provider, ep->name, sizeof d->provider);
    if (cred) {
        d->source = cred->source;
        llmc_strlcpy(d->source_name, cred->source_name, sizeof d->source_name);
        llmc_strlcpy(d->fingerprint, cred->fingerprint, sizeof d->fingerprint);
    }
    llmc_fix_ctx c = llmc_fix_ctx_of(d, &ep->info, ep->name);
    c.variant = variant;
    c.owner = owner;
    llmc_diagnosis_set_fix(d, &c);
}

void llmc_credential_describe(const llmc_credential *cred, const llmc_endpoint *ep, llmc_cause cause,
                              const char *variant, llmc_error *err)
{
    describe_with(cred, ep, cause, variant, NULL, err);
}

/* Which facts the static checks use for ep: the provider's own, or — for a token variable, a
 * custom endpoint or a base URL moved to a gateway — the generic checks only. */
static const char *checks_for(const llmc_endpoint *ep, bool bearer_token)
{
    if (bearer_token)
        return NULL;
    return llmc_endpoint_key_facts_apply(ep) ? ep->info.name : ep->name;
}

/* Run the static checks on raw bytes from `source`; on success take the cleaned key. */
/* The same key, read the same way, as the one the static checks passed last time. */
static bool checked_before(const llmc_endpoint *ep, const char *raw, size_t len, llmc_key_source source,
                           const char *source_name, bool bearer)
{
    const llmc_secret *r = ep->checked.raw;
    return r && llmc_secret_len(r) == len && ep->checked.cred.source == source &&
           ep->checked.facts == llmc_endpoint_key_facts_apply(ep) && ep->checked.cred.bearer == bearer &&
           strcmp(ep->checked.cred.source_name, source_name) == 0 && memcmp(llmc_secret_bytes(r), raw, len) == 0;
}

void llmc_endpoint_forget_checked(llmc_endpoint *ep)
{
    llmc_secret_free(ep->checked.raw);
    llmc_secret_free(ep->checked.cred.secret);
    memset(&ep->checked, 0, sizeof ep->checked);
}

/* Remember a key that passed, for the next read of the same bytes from the same source. */
static void remember_checked(llmc_endpoint *ep, const char *raw, size_t len, const llmc_credential *cred,
                             const llmc_error *err)
{
    llmc_secret *copy = llmc_secret_new(raw, len);
    if (!copy)
        return; /* a cache: without memory the next read is checked again */
    llmc_endpoint_forget_checked(ep);
    ep->checked.raw = copy;
    ep->checked.cred = *cred;
    ep->checked.cred.secret = llmc_secret_ref(cred->secret);
    ep->checked.facts = llmc_endpoint_key_facts_apply(ep);
    if (err && err->diagnosis.severity == LLMC_SEVERITY_WARNING)
        ep->checked.warning = err->diagnosis;
}

static llmc_code check_candidate(const llmc_endpoint *ep, const char *raw, size_t len, llmc_key_source source,
                                 const char *source_name, bool bearer, llmc_credential *out, llmc_error *err);

/* A key from `source`: checked statically (or known from the last time the same bytes came from
 * the same place: the checks cost more than the rest of a call's set-up), then taken. */
static llmc_code accept_candidate(llmc_endpoint *ep, const char *raw, size_t len, llmc_key_source source,
                                  const char *source_name, bool bearer, llmc_credential *out, llmc_error *err)
{
    if (checked_before(ep, raw, len, source, source_name, bearer)) {
        llmc_credential *c = &ep->checked.cred;
        char label[sizeof out->store_label];
        llmc_strlcpy(label, out->store_label, sizeof label);
        *out = *c;
        llmc_strlcpy(out->store_label, label, sizeof out->store_label);
        out->secret = llmc_secret_ref(c->secret);
        if (err && ep->checked.warning.severity == LLMC_SEVERITY_WARNING)
            err->diagnosis = ep->checked.warning;
        return LLMC_OK;
    }
    llmc_code rc = check_candidate(ep, raw, len, source, source_name, bearer, out, err);
    if (rc == LLMC_OK)
        remember_checked(ep, raw, len, out, err);
    return rc;
}

static llmc_code check_candidate(const llmc_endpoint *ep, const char *raw, size_t len, llmc_key_source source,
                                 const char *source_name, bool bearer, llmc_credential *out, llmc_error *err)
{
    llmc_key_verdict v;
    llmc_severity worst = llmc_key_check(checks_for(ep, bearer), raw, len, &v);
    out->source = source;
    out->bearer = bearer;
    llmc_strlcpy(out->source_name, source_name, sizeof out->source_name);
    const char *clean = raw + v.clean_offset;
    llmc_key_fingerprint(clean, v.clean_len, out->fingerprint);
    const llmc_provider_info *owner = llmc_provider_owning_key(clean, v.clean_len);
    for (size_t i = 0; i < v.n; i++) {
        if (v.findings[i].severity != LLMC_SEVERITY_ERROR)
            continue;
        llmc_error_set(err, LLMC_E_KEY, "the %s key from %s %s %s", ep->name, llmc_key_source_name(source), source_name,
                       v.findings[i].detail);
        if (err)
            llmc_strlcpy(err->diagnosis.detail, v.findings[i].detail, sizeof err->diagnosis.detail);
        describe_with(out, ep, v.findings[i].cause, v.findings[i].fix_variant, owner, err);
        return LLMC_E_KEY;
    }
    for (size_t i = 0; i < v.n; i++)
        if (v.findings[i].severity == LLMC_SEVERITY_WARNING) {
            /* the credential keeps it: a 401 for this key names it (llmc_call_fail) */
            llmc_strlcpy(out->warning, v.findings[i].detail, sizeof out->warning);
            break;
        }
    if (worst == LLMC_SEVERITY_WARNING && err) {
        /* Repaired or suspicious: remember the first finding so callers (the CLI, the log) can
         * mention it. It belongs to this key only: a later failure replaces it. */
        for (size_t i = 0; i < v.n; i++)
            if (v.findings[i].severity == LLMC_SEVERITY_WARNING) {
                llmc_strlcpy(err->diagnosis.detail, v.findings[i].detail, sizeof err->diagnosis.detail);
                describe_with(out, ep, v.findings[i].cause, v.findings[i].fix_variant, owner, err);
                err->diagnosis.severity = LLMC_SEVERITY_WARNING;
                break;
            }
    }
    if (!(out->secret = llmc_secret_new(clean, v.clean_len)))
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    return LLMC_OK;
}

/* A key file that cannot be used as one: its own cause, and the fix says to correct the path or
 * unset the variable (not to fill an "empty" key or store a "missing" one). */
static llmc_code file_problem(const llmc_endpoint *ep, const char *path, llmc_cause cause, const char *variant,
                              const char *what, llmc_credential *out, llmc_error *err)
{
    llmc_error_set(err, LLMC_E_KEY, "%s_FILE names %s, %s", ep->info.key_env, path, what);
    describe_with(out, ep, cause, variant, NULL, err);
    return LLMC_E_KEY;
}

/* Read a key file named by <VAR>_FILE: at most 16 KiB; refused when group/world readable. A pipe
 * (a shell's <(pass show x)) or a device is read like a file; a directory is not a key file. */
static llmc_code read_key_file(llmc_endpoint *ep, const char *path, llmc_credential *out, llmc_error *err)
{
    out->source = LLMC_SOURCE_FILE;
    llmc_strlcpy(out->source_name, path, sizeof out->source_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        int saved = errno;
        if (saved == ENOENT || saved == ENOTDIR)
            return file_problem(ep, path, LLMC_CAUSE_KEY_FILE_MISSING, NULL, "which does not exist", out, err);
        if (saved == EACCES || saved == EPERM)
            return file_problem(ep, path, LLMC_CAUSE_KEY_FILE_UNREADABLE, "access",
                                "which this user may not read (permission denied)", out, err);
        char what[300];
        snprintf(what, sizeof what, "which cannot be opened: %s", strerror(saved));
        return file_problem(ep, path, LLMC_CAUSE_KEY_FILE_UNREADABLE, NULL, what, out, err);
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return file_problem(ep, path, LLMC_CAUSE_KEY_FILE_UNREADABLE, NULL, "which cannot be examined", out, err);
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return file_problem(ep, path, LLMC_CAUSE_KEY_FILE_UNREADABLE, "directory", "a directory, not a key file", out,
                            err);
    }
    if (S_ISSOCK(st.st_mode)) {
        close(fd);
        return file_problem(ep, path, LLMC_CAUSE_KEY_FILE_UNREADABLE, NULL, "a socket, not a key file", out, err);
    }
    if (S_ISREG(st.st_mode) && (st.st_mode & 0077)) {
        close(fd);
        llmc_error_set(err, LLMC_E_KEY, "the %s key file %s can be read by other users (mode %04o); refused", ep->name,
                       path, (unsigned)(st.st_mode & 0777));
        if (err)
            llmc_describe_mode(st.st_mode, err->diagnosis.detail, sizeof err->diagnosis.detail);
        describe_with(out, ep, LLMC_CAUSE_KEY_FILE_PERMISSIONS, NULL, NULL, err);
        return LLMC_E_KEY;
    }
    /* a pipe opened without blocking must now wait for its writer like a file read would */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    char *buf = malloc(LLMC_MAX_KEY_FILE + 1);
    if (!buf) {
        close(fd);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    size_t len = 0;
    ssize_t n = 0;
    while (len < LLMC_MAX_KEY_FILE && (n = read(fd, buf + len, LLMC_MAX_KEY_FILE - len)) > 0)
        len += (size_t)n;
    int saved = errno;
    close(fd);
    llmc_code rc;
    if (n < 0) {
        char what[300];
        snprintf(what, sizeof what, "which cannot be read: %s", strerror(saved));
        rc = file_problem(ep, path, LLMC_CAUSE_KEY_FILE_UNREADABLE, NULL, what, out, err);
    } else {
        rc = accept_candidate(ep, buf, len, LLMC_SOURCE_FILE, path, false, out, err);
    }
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
            if (err) {
                llmc_strlcpy(err->diagnosis.provider, ep->name, sizeof err->diagnosis.provider);
                if (err->diagnosis.cause != LLMC_CAUSE_NONE)
                    llmc_endpoint_set_fix(ep, &err->diagnosis, NULL);
            }
            return rc;
        }
        ep->command_key_at = llmc_now_s();
    }
    return accept_candidate(ep, llmc_secret_bytes(ep->command_key), llmc_secret_len(ep->command_key),
                            LLMC_SOURCE_COMMAND, what, false, out, err);
}

/* A stored key that a 401 marked and that has not been set again since. */
static bool marked_rejected(const llmc_store_entry *e)
{
    return e->last_rejected > 0 && e->last_rejected >= e->last_verified;
}

/* The first stored key of this provider not marked rejected. Returns LLMC_E_NOT_FOUND (with
 * err untouched) when the store holds none; *rejected counts the keys skipped as rejected. */
static llmc_code from_store(llmc_endpoint *ep, const char *label, llmc_credential *out, size_t *rejected,
                            llmc_error *err)
{
    llmc_store store;
    *rejected = 0;
    llmc_code rc = llmc_store_load(&store, err);
    if (rc != LLMC_OK) {
        out->source = LLMC_SOURCE_STORE;
        llmc_strlcpy(out->source_name, store.path, sizeof out->source_name);
        if (err)
            llmc_strlcpy(err->diagnosis.provider, ep->name, sizeof err->diagnosis.provider);
        return rc == LLMC_E_IO ? LLMC_E_KEY : rc;
    }
    rc = LLMC_E_NOT_FOUND;
    for (size_t i = 0; i < store.n; i++) {
        const llmc_store_entry *e = &store.entries[i];
        if (strcmp(e->provider, ep->name) != 0 || (label && strcmp(e->label, label) != 0))
            continue;
        /* a key chosen by name is tried even when marked rejected: the user asked for it */
        if (!label && marked_rejected(e)) {
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

/* Where the chain looked, for key.missing: "ANTHROPIC_API_KEY, ANTHROPIC_API_KEY_FILE, …". */
static void looked_in(const llmc_endpoint *ep, bool use_store, size_t rejected, char *out, size_t size)
{
    char store[512] = "";
    if (use_store && llmc_key_store_path(store, sizeof store, NULL) != LLMC_OK)
        store[0] = '\0';
    int n = snprintf(out, size, "%s%s%s, %s_FILE", ep->info.key_env, ep->info.token_env ? ", " : "",
                     ep->info.token_env ? ep->info.token_env : "", ep->info.key_env);
    if (n < 0 || (size_t)n >= size)
        return;
    size_t len = (size_t)n;
    if (ep->key_command)
        len += (size_t)snprintf(out + len, size - len, ", the key command");
    if (len < size && use_store && store[0])
        len += (size_t)snprintf(out + len, size - len, ", the key store %s%s", store,
                                rejected ? " (its keys for this provider were rejected by the provider)" : "");
    if (len < size && !ep->key_command)
        snprintf(out + len, size - len, "; no key command is configured");
}

/* Fill a key.missing (or key.var_misspelled, or key.empty for a blank variable) diagnosis. */
static llmc_code missing(const llmc_endpoint *ep, bool use_store, size_t rejected, const char *blank_var,
                         llmc_credential *out, llmc_error *err)
{
    char near[4][64];
    size_t n = llmc_near_miss_vars(ep->info.key_env, environ, near, 4);
    out->source = LLMC_SOURCE_NONE;
    if (n > 0) {
        llmc_strlcpy(out->source_name, near[0], sizeof out->source_name);
        llmc_error_set(err, LLMC_E_KEY, "no %s key: %s is not set, but %s is (a misspelling?)", ep->name,
                       ep->info.key_env, near[0]);
        if (err && n > 1) {
            size_t len = (size_t)snprintf(err->diagnosis.detail, sizeof err->diagnosis.detail, "also set:");
            for (size_t i = 1; i < n && len < sizeof err->diagnosis.detail; i++)
                len += (size_t)snprintf(err->diagnosis.detail + len, sizeof err->diagnosis.detail - len, "%s %s",
                                        i > 1 ? "," : "", near[i]);
        }
        describe_with(out, ep, LLMC_CAUSE_KEY_VAR_MISSPELLED, NULL, NULL, err);
        return LLMC_E_KEY;
    }
    if (blank_var) {
        /* Only a blank variable was found: that is what to name (the SDKs read it as unset too). */
        out->source = LLMC_SOURCE_ENV;
        llmc_strlcpy(out->source_name, blank_var, sizeof out->source_name);
        llmc_error_set(err, LLMC_E_KEY, "the %s key from env %s is empty", ep->name, blank_var);
        if (err)
            llmc_strlcpy(err->diagnosis.detail, "is empty", sizeof err->diagnosis.detail);
        describe_with(out, ep, LLMC_CAUSE_KEY_EMPTY, NULL, NULL, err);
        return LLMC_E_KEY;
    }
    llmc_error_set(err, LLMC_E_KEY, "no %s key: %s is not set%s", ep->name, ep->info.key_env,
                   rejected ? ", and every stored key was rejected by the provider" : "");
    if (err)
        looked_in(ep, use_store, rejected, err->diagnosis.detail, sizeof err->diagnosis.detail);
    describe_with(out, ep, LLMC_CAUSE_KEY_MISSING, rejected ? "rejected" : NULL, NULL, err);
    return LLMC_E_KEY;
}

/* A variable's value, or NULL when unset or blank (only whitespace), as the official SDKs read
 * it; *blank says it was set but blank. */
static const char *env_value(const char *name, bool *blank)
{
    const char *v = name ? getenv(name) : NULL;
    if (!v)
        return NULL;
    for (const char *p = v; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            return v;
    *blank = true;
    return NULL;
}

/* Whether two values are the same key once cleaned (padding and quotes aside). */
static bool same_key(const char *a, const char *b)
{
    llmc_key_verdict va, vb;
    llmc_key_check(NULL, a, strlen(a), &va);
    llmc_key_check(NULL, b, strlen(b), &vb);
    return va.clean_len == vb.clean_len && memcmp(a + va.clean_offset, b + vb.clean_offset, va.clean_len) == 0;
}

void llmc_credential_shadowed(llmc_endpoint *ep, bool use_store, const llmc_credential *winner, char *out, size_t size)
{
    out[0] = '\0';
    size_t len = 0;
#define ADD(...)                                                                                                       \
    do {                                                                                                               \
        if (len < size)                                                                                                \
            len += (size_t)snprintf(out + len, size - len, "%s", len ? ", " : "");                                     \
        if (len < size)                                                                                                \
            len += (size_t)snprintf(out + len, size - len, __VA_ARGS__);                                               \
    } while (0)
    bool blank = false;
    if (winner->source < LLMC_SOURCE_ENV && env_value(ep->info.key_env, &blank))
        ADD("env %s", ep->info.key_env);
    if (winner->source < LLMC_SOURCE_ENV && env_value(ep->info.token_env, &blank))
        ADD("env %s", ep->info.token_env);
    char file_var[128];
    snprintf(file_var, sizeof file_var, "%s_FILE", ep->info.key_env);
    const char *path = getenv(file_var);
    if (winner->source < LLMC_SOURCE_FILE && path && *path)
        ADD("file %s", path);
    if (winner->source < LLMC_SOURCE_COMMAND && ep->key_command)
        ADD("the key command");
    if (winner->source < LLMC_SOURCE_STORE && use_store) {
        llmc_store store;
        llmc_error quiet;
        llmc_error_clear(&quiet);
        if (llmc_store_load(&store, &quiet) == LLMC_OK) {
            for (size_t i = 0; i < store.n; i++) {
                const llmc_store_entry *e = &store.entries[i];
                if (strcmp(e->provider, ep->name) != 0 || marked_rejected(e))
                    continue;
                char fp[32];
                llmc_key_fingerprint(llmc_secret_bytes(e->key), llmc_secret_len(e->key), fp);
                ADD("store \"%s\" (%s)", e->label, fp);
                break;
            }
            llmc_store_free(&store);
        }
    }
#undef ADD
}

static llmc_code resolve(llmc_endpoint *ep, bool use_store, llmc_credential *out, llmc_error *err);

llmc_code llmc_credential_resolve(llmc_endpoint *ep, bool use_store, llmc_credential *out, llmc_error *err)
{
    llmc_code rc = resolve(ep, use_store, out, err);
    /* A key that is refused while a later source holds one: name that source, since the user
     * often just stored the good key there. */
    if (rc == LLMC_E_KEY && err && err->diagnosis.cause != LLMC_CAUSE_NONE &&
        (out->source == LLMC_SOURCE_ENV || out->source == LLMC_SOURCE_FILE || out->source == LLMC_SOURCE_COMMAND) &&
        err->diagnosis.cause != LLMC_CAUSE_AUTH_CONFLICT) {
        llmc_credential_shadowed(ep, use_store, out, err->diagnosis.shadowed, sizeof err->diagnosis.shadowed);
        if (err->diagnosis.shadowed[0])
            llmc_fix_append_shadow(&err->diagnosis, &ep->info, ep->name);
    }
    return rc;
}

static llmc_code resolve(llmc_endpoint *ep, bool use_store, llmc_credential *out, llmc_error *err)
{
    memset(out, 0, sizeof *out);
    llmc_code rc;
    size_t rejected = 0;
    if (ep->info.auth == LLMC_AUTH_NONE) {
        /* `auth = none`: nothing to find, nothing to send */
        llmc_strlcpy(out->source_name, "none (auth = none)", sizeof out->source_name);
        return LLMC_OK;
    }
    if (ep->stored_label) {
        rc = from_store(ep, ep->stored_label, out, &rejected, err);
        if (rc == LLMC_E_NOT_FOUND) {
            out->source = LLMC_SOURCE_STORE;
            llmc_strlcpy(out->source_name, ep->stored_label, sizeof out->source_name);
            rc = llmc_error_set(err, LLMC_E_KEY, "no stored %s key is labelled \"%s\"", ep->name, ep->stored_label);
            llmc_credential_describe(out, ep, LLMC_CAUSE_KEY_MISSING, "label", err);
        }
        return rc;
    }
    if (ep->explicit_key)
        return accept_candidate(ep, llmc_secret_bytes(ep->explicit_key), llmc_secret_len(ep->explicit_key),
                                LLMC_SOURCE_EXPLICIT, "llmc_client_set_key", false, out, err);
    bool key_blank = false, token_blank = false;
    const char *key = env_value(ep->info.key_env, &key_blank);
    const char *token = env_value(ep->info.token_env, &token_blank);
    if (key && token && !same_key(key, token)) {
        out->source = LLMC_SOURCE_ENV;
        snprintf(out->source_name, sizeof out->source_name, "%s and %s", ep->info.key_env, ep->info.token_env);
        llmc_error_set(err, LLMC_E_KEY,
                       "%s and %s are both set, to different values: llmc will not guess which one to send",
                       ep->info.key_env, ep->info.token_env);
        llmc_credential_describe(out, ep, LLMC_CAUSE_AUTH_CONFLICT, NULL, err);
        return LLMC_E_KEY;
    }
    /* the same value in both is one credential: the key variable's, sent as a key */
    if (key)
        return accept_candidate(ep, key, strlen(key), LLMC_SOURCE_ENV, ep->info.key_env, false, out, err);
    if (token)
        return accept_candidate(ep, token, strlen(token), LLMC_SOURCE_ENV, ep->info.token_env, true, out, err);
    char file_var[128];
    snprintf(file_var, sizeof file_var, "%s_FILE", ep->info.key_env);
    const char *path = getenv(file_var);
    if (path && *path)
        return read_key_file(ep, path, out, err);
    if (ep->key_command)
        return from_command(ep, out, err);
    if (use_store && (rc = from_store(ep, NULL, out, &rejected, err)) != LLMC_E_NOT_FOUND)
        return rc;
    return missing(ep, use_store, rejected,
                   key_blank     ? ep->info.key_env
                   : token_blank ? ep->info.token_env
                                 : NULL,
                   out, err);
}

llmc_code llmc_credential_from_request(const llmc_endpoint *ep, const llmc_secret *key, llmc_credential *out,
                                       llmc_error *err)
{
    memset(out, 0, sizeof *out);
    return check_candidate(ep, llmc_secret_bytes(key), llmc_secret_len(key), LLMC_SOURCE_EXPLICIT,
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
    r->insecure_http_allowed = ep->allow_insecure_http;
    if (ep->info.auth == LLMC_AUTH_NONE) {
        r->keyless = 1;
        return; /* no chain to walk: result stays LLMC_OK */
    }
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
            if (strcmp(se->provider, ep->name) != 0)
                continue;
            found++;
            llmc_error_clear(&e);
            llmc_code krc = accept_candidate(ep, llmc_secret_bytes(se->key), llmc_secret_len(se->key),
                                             LLMC_SOURCE_STORE, se->label, false, &cred, &e);
            if (krc == LLMC_OK && marked_rejected(se)) {
                /* skipped by requests until the key is set again */
                llmc_error_set(&e, LLMC_E_AUTH, "marked rejected by the provider; skipped until it is set again");
                llmc_credential_describe(&cred, ep, LLMC_CAUSE_AUTH_REJECTED, NULL, &e);
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
            (winner.source != LLMC_SOURCE_STORE || strcmp(c->source_name, winner.source_name) == 0) &&
            (winner.source != LLMC_SOURCE_ENV || strcmp(c->source_name, winner.source_name) == 0)) {
            c->chosen = result_rc == LLMC_OK;
            winner_seen = true;
        } else if (winner_seen) {
            c->shadowed = 1;
        }
    }
    llmc_credential_clear(&winner);
}
