/*
 * credentials.c — finding the key for a provider (DESIGN §4): explicit → environment →
 * <VAR>_FILE, first match wins, each candidate checked statically (diagnose.h) before it can be
 * sent. Whitespace and quotes are repaired with a warning; anything else wrong stops the call
 * here with a diagnosis that names the cause, the source and the fix — never the key.
 */
#include "internal.h"
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

void llmc_credential_describe(const llmc_credential *cred, const char *provider, llmc_cause cause,
                              llmc_error *err)
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
static llmc_code accept_candidate(const llmc_endpoint *ep, const char *raw, size_t len,
                                  llmc_key_source source, const char *source_name, bool bearer,
                                  llmc_credential *out, llmc_error *err)
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
        llmc_error_set(err, LLMC_E_KEY, "the %s key from %s %s %s", ep->info.name,
                       llmc_key_source_name(source), source_name, v.findings[i].detail);
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
static llmc_code read_key_file(const llmc_endpoint *ep, const char *path, llmc_credential *out,
                               llmc_error *err)
{
    out->source = LLMC_SOURCE_FILE;
    llmc_strlcpy(out->source_name, path, sizeof out->source_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        llmc_error_set(err, LLMC_E_IO, "cannot read the %s key file %s: %s", ep->info.name, path, strerror(errno));
        llmc_credential_describe(out, ep->info.name, LLMC_CAUSE_KEY_MISSING, err);
        return LLMC_E_IO;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0077)) {
        close(fd);
        llmc_error_set(err, LLMC_E_KEY, "the %s key file %s can be read by other users (mode %03o); refused",
                       ep->info.name, path, (unsigned)(st.st_mode & 0777));
        llmc_credential_describe(out, ep->info.name, LLMC_CAUSE_KEY_FILE_PERMISSIONS, err);
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

/* Fill a key.missing diagnosis, naming near-miss variables when there are some. */
static llmc_code missing(const llmc_endpoint *ep, llmc_credential *out, llmc_error *err)
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
            snprintf(err->diagnosis.detail, sizeof err->diagnosis.detail, "%s is set; the variable read is %s",
                     near[0], ep->info.key_env);
    } else {
        llmc_strlcpy(out->source_name, ep->info.key_env, sizeof out->source_name);
        llmc_error_set(err, LLMC_E_KEY, "no %s API key: %s is not set", ep->info.name, ep->info.key_env);
        llmc_credential_describe(out, ep->info.name, LLMC_CAUSE_KEY_MISSING, err);
    }
    return LLMC_E_KEY;
}

llmc_code llmc_credential_resolve(const llmc_endpoint *ep, llmc_credential *out, llmc_error *err)
{
    memset(out, 0, sizeof *out);
    if (ep->explicit_key)
        return accept_candidate(ep, llmc_secret_bytes(ep->explicit_key), llmc_secret_len(ep->explicit_key),
                                LLMC_SOURCE_EXPLICIT, "llmc_client_set_key", false, out, err);

    const char *key = getenv(ep->info.key_env);
    const char *token = ep->info.token_env ? getenv(ep->info.token_env) : NULL;
    if (key && token) {
        out->source = LLMC_SOURCE_ENV;
        snprintf(out->source_name, sizeof out->source_name, "%s and %s", ep->info.key_env, ep->info.token_env);
        llmc_error_set(err, LLMC_E_KEY,
                       "both %s and %s are set: llmc will not guess which one to send; unset one", ep->info.key_env,
                       ep->info.token_env);
        llmc_credential_describe(out, ep->info.name, LLMC_CAUSE_AUTH_CONFLICT, err);
        return LLMC_E_KEY;
    }
    if (key)
        return accept_candidate(ep, key, strlen(key), LLMC_SOURCE_ENV, ep->info.key_env, false, out, err);
    if (token)
        return accept_candidate(ep, token, strlen(token), LLMC_SOURCE_ENV, ep->info.token_env, true, out, err);

    char file_var[128];
    snprintf(file_var, sizeof file_var, "%s_FILE", ep->info.key_env);
    const char *path = getenv(file_var);
    if (path && *path)
        return read_key_file(ep, path, out, err);
    return missing(ep, out, err);
}
