/* SPDX-License-Identifier: MIT */
/*
 * options_features.c — the options for the providers' newer features, turned into library calls:
 * --effort, --thinking, --schema, --cache, -o NAME=JSON, -a FILE, --anthropic-version. What the
 * library can check (a schema's JSON, a body field's name, an attachment's type) it checks, and
 * its message — with the line and column of bad JSON — is what the user sees.
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE (64L * 1024 * 1024)

/* The whole file (NUL-terminated, *len without it), or NULL with err set. */
static char *slurp(const char *path, const char *what, size_t *len, llmc_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_code(err, LLMC_E_IO);
        snprintf(err->message, sizeof err->message, "%s %s: %s", what, path, strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            cap = (n + 65536 + 1) * 2;
            char *grown = realloc(buf, cap);
            if (!grown) {
                free(buf);
                fclose(f);
                cli_nomem(err);
                return NULL;
            }
            buf = grown;
        }
        size_t got = fread(buf + n, 1, 65536, f);
        n += got;
        if (got == 0 || (long)n > MAX_FILE)
            break;
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed || (long)n > MAX_FILE) {
        free(buf);
        cli_code(err, failed ? LLMC_E_IO : LLMC_E_INVALID_ARG);
        snprintf(err->message, sizeof err->message, "%s %s: %s", what, path,
                 failed ? "could not be read" : "is larger than 64 MiB");
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Put `lead` in front of err's message (cut at the end when it no longer fits). */
static void prefix_message(llmc_error *err, const char *lead)
{
    size_t pl = strlen(lead), ml = strlen(err->message);
    if (pl >= sizeof err->message)
        return;
    if (pl + ml >= sizeof err->message)
        ml = sizeof err->message - 1 - pl;
    memmove(err->message + pl, err->message, ml);
    memcpy(err->message, lead, pl);
    err->message[pl + ml] = '\0';
}

/* A word that reads as a string without quotes: -o service_tier=priority. */
static bool bare_word(const char *s)
{
    if (!*s || !(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("_-.:/", *p))
            return false;
    return true;
}

static llmc_code set_field(llmc_request *req, const char *spec, llmc_error *err)
{
    const char *eq = strchr(spec, '=');
    char name[160];
    snprintf(name, sizeof name, "%.*s", (int)(eq - spec), spec);
    const char *value = eq + 1;
    llmc_code rc = llmc_request_set_body_field(req, name, value, err);
    if (rc == LLMC_E_INVALID_ARG && bare_word(value) && strstr(err->message, "invalid JSON")) {
        /* not JSON, but a plain word: the string it spells */
        char quoted[1200];
        snprintf(quoted, sizeof quoted, "\"%s\"", value);
        llmc_error_clear(err);
        rc = llmc_request_set_body_field(req, name, quoted, err);
    }
    if (rc != LLMC_OK && err) {
        char lead[200];
        snprintf(lead, sizeof lead, "-o %s: ", name);
        prefix_message(err, lead);
    }
    return rc;
}

static llmc_code set_thinking(llmc_request *req, const char *value, llmc_error *err)
{
    if (!*value)
        return llmc_request_set_thinking_mode(req, LLMC_THINKING_ON, 0, err);
    if (strcmp(value, "off") == 0)
        return llmc_request_set_thinking_mode(req, LLMC_THINKING_OFF, 0, err);
    if (strcmp(value, "adaptive") == 0)
        return llmc_request_set_thinking_mode(req, LLMC_THINKING_ADAPTIVE, 0, err);
    char *end;
    long budget = strtol(value, &end, 10);
    if (end == value || *end || budget < 1024) {
        cli_code(err, LLMC_E_INVALID_ARG);
        snprintf(err->message, sizeof err->message,
                 "--thinking=%s: give a budget of at least 1024 tokens, \"adaptive\" or \"off\" (or --thinking alone)",
                 value);
        return LLMC_E_INVALID_ARG;
    }
    return llmc_request_set_thinking_mode(req, LLMC_THINKING_BUDGET, budget, err);
}

static llmc_code set_schema(llmc_request *req, const char *arg, llmc_error *err)
{
    const char *p = arg;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '{')
        return llmc_request_set_format(req, LLMC_FORMAT_JSON_SCHEMA, NULL, arg, err);
    size_t len;
    char *text = slurp(arg, "--schema", &len, err);
    if (!text)
        return err->code;
    llmc_code rc = llmc_request_set_format(req, LLMC_FORMAT_JSON_SCHEMA, NULL, text, err);
    if (rc != LLMC_OK) {
        char lead[600];
        snprintf(lead, sizeof lead, "%.500s: ", arg);
        prefix_message(err, lead);
    }
    free(text);
    return rc;
}

static llmc_code attach(llmc_request *req, const char *path, llmc_error *err)
{
    size_t len;
    char *bytes = slurp(path, "-a", &len, err);
    if (!bytes)
        return err->code;
    const char *base = strrchr(path, '/');
    llmc_code rc = llmc_request_attach(req, bytes, len, base ? base + 1 : path, err);
    free(bytes);
    return rc;
}

llmc_code cli_setup_features(const cli_options *o, llmc_client *client, llmc_request *req, llmc_error *err)
{
    llmc_code rc = LLMC_OK;
    if (o->anthropic_version && (rc = llmc_client_set_anthropic_version(client, o->anthropic_version, err)) != LLMC_OK)
        return rc;
    llmc_effort effort;
    if (o->effort && (llmc_effort_from_name(o->effort, &effort) != LLMC_OK ||
                      (rc = llmc_request_set_effort(req, effort, err)) != LLMC_OK))
        return cli_code(err, LLMC_E_INVALID_ARG);
    if (o->thinking && (rc = set_thinking(req, o->thinking, err)) != LLMC_OK)
        return rc;
    if (o->schema && (rc = set_schema(req, o->schema, err)) != LLMC_OK)
        return rc;
    if (o->cache &&
        (rc = llmc_request_set_cache(req, strcmp(o->cache, "1h") == 0 ? LLMC_CACHE_1H : LLMC_CACHE_5M, err)) != LLMC_OK)
        return rc;
    for (int i = 0; i < o->n_fields; i++)
        if ((rc = set_field(req, o->fields[i], err)) != LLMC_OK)
            return rc;
    for (int i = 0; i < o->n_attachments; i++)
        if ((rc = attach(req, o->attachments[i], err)) != LLMC_OK)
            return rc;
    return LLMC_OK;
}
