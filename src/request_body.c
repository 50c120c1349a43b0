/* SPDX-License-Identifier: MIT */
/*
 * request_body.c — request-body passthrough: any JSON value at any top-level field, for what the
 * typed API does not cover. Applied after a dialect has encoded the body, so the caller's value
 * wins; the fields llmc owns and anything that could carry a credential are refused.
 */
#include "wire.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Names compared without case and without '-' / '_', so "API-Key", "api_key" and "apikey" meet. */
static void fold(const char *name, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = name; *p && n + 1 < size; p++)
        if (*p != '-' && *p != '_')
            out[n++] = (char)tolower((unsigned char)*p);
    out[n] = '\0';
}

bool llmc_body_field_allowed(const char *name)
{
    /* llmc builds these itself; a second copy would contradict it */
    static const char *const owned[] = {"model", "messages", "stream", NULL};
    /* some gateways read a key from the body: keys come from the credential chain only */
    static const char *const secret[] = {"apikey",      "xapikey",   "key",    "authorization", "auth",     "token",
                                         "accesstoken", "authtoken", "bearer", "secret",        "password", NULL};
    if (!name || !*name || strlen(name) > 128)
        return false;
    for (size_t i = 0; owned[i]; i++)
        if (strcmp(name, owned[i]) == 0)
            return false;
    char folded[130];
    fold(name, folded, sizeof folded);
    for (size_t i = 0; secret[i]; i++)
        if (strcmp(folded, secret[i]) == 0)
            return false;
    return true;
}

llmc_code llmc_request_set_body_field(llmc_request *req, const char *name, const char *json, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || !name || !*name)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a body field needs a name");
    if (!llmc_body_field_allowed(name)) {
        char folded[130];
        fold(name, folded, sizeof folded);
        bool owned = strcmp(name, "model") == 0 || strcmp(name, "messages") == 0 || strcmp(name, "stream") == 0;
        if (owned)
            return llmc_error_set(err, LLMC_E_INVALID_ARG,
                                  "body field \"%s\" is set by llmc itself (use the request's own calls)", name);
        return llmc_error_set(err, LLMC_E_INVALID_ARG,
                              "body field \"%.64s\" is refused: it could carry a credential, and keys come only from "
                              "the credential chain (a variable, <VAR>_FILE, a key command or the key store)",
                              name);
    }
    size_t at = req->n_body;
    for (size_t i = 0; i < req->n_body; i++)
        if (strcmp(req->body[i].name, name) == 0)
            at = i;
    if (!json) {
        if (at < req->n_body) {
            free(req->body[at].name);
            json_decref(req->body[at].value);
            req->body[at] = req->body[--req->n_body];
        }
        return LLMC_OK;
    }
    char what[160];
    snprintf(what, sizeof what, "body field %.64s", name);
    json_t *value = llmc_parse_caller_json(json, what, err);
    if (!value)
        return err ? err->code : LLMC_E_INVALID_ARG;
    if (at < req->n_body) {
        json_decref(req->body[at].value);
        req->body[at].value = value;
        return LLMC_OK;
    }
    llmc_body_field *grown = realloc(req->body, (req->n_body + 1) * sizeof *grown);
    char *copy = strdup(name);
    if (grown)
        req->body = grown;
    if (!grown || !copy) {
        free(copy);
        json_decref(value);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    req->body[req->n_body++] = (llmc_body_field){copy, value};
    return LLMC_OK;
}

int llmc_apply_body_fields(json_t *root, const llmc_request *req)
{
    int bad = 0;
    for (size_t i = 0; i < req->n_body; i++)
        bad |= json_object_set(root, req->body[i].name, req->body[i].value);
    return bad;
}

char *llmc_encode_finish(json_t *root, int bad, llmc_error *err)
{
    char *out = bad ? NULL : llmc_json_dump(root, JSON_COMPACT);
    if (!out)
        llmc_error_set(err, LLMC_E_NOMEM, "out of memory while encoding the request");
    return out;
}
