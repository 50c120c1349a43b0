/* SPDX-License-Identifier: MIT */
/*
 * errbody.c — turning any provider's error response into an llmc_error. The shapes differ
 * (Anthropic's envelope, its CDN's 413 without one, Cerebras' flat body and its FastAPI
 * `detail`, Fireworks' and OpenAI's `error` object, a proxy's HTML page, nothing at all), so
 * this reads each of them rather than trusting one; whatever arrives, the caller gets a status,
 * a code and one readable line.
 */
#include "wire.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Copy a JSON string or number member into dst; returns whether anything was copied. */
static bool copy_scalar(json_t *obj, const char *key, char *dst, size_t size)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_string(v) && json_string_length(v) > 0) {
        llmc_strlcpy(dst, json_string_value(v), size);
        return true;
    }
    if (json_is_integer(v)) {
        snprintf(dst, size, "%lld", (long long)json_integer_value(v));
        return true;
    }
    return false;
}

/* One line of plain text: line breaks and tabs become spaces and runs of spaces collapse; any
 * other control character (ESC, BEL, a C1 control such as U+009B) is written as a visible
 * escape (\e, \x07, \u009B), so that a message printed to a terminal cannot drive it. */
static void flatten(char *s, size_t size)
{
    char out[sizeof((llmc_error *)0)->message];
    size_t w = 0, cap = size < sizeof out ? size : sizeof out;
    bool space = false;
    for (const unsigned char *r = (const unsigned char *)s; *r && w + 1 < cap; r++) {
        unsigned char c = *r;
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            if (!space && w != 0)
                out[w++] = ' ';
            space = true;
            continue;
        }
        space = false;
        char esc[8] = "";
        if (c == 0x1B)
            snprintf(esc, sizeof esc, "\\e");
        else if (c < 0x20 || c == 0x7F)
            snprintf(esc, sizeof esc, "\\x%02X", c);
        else if (c == 0xC2 && r[1] >= 0x80 && r[1] < 0xA0)
            snprintf(esc, sizeof esc, "\\u%04X", *++r);
        size_t n = esc[0] ? strlen(esc) : 1;
        if (w + n >= cap)
            break;
        if (esc[0])
            memcpy(out + w, esc, n);
        else
            out[w] = (char)c;
        w += n;
    }
    while (w > 0 && out[w - 1] == ' ')
        w--;
    out[w] = '\0';
    memcpy(s, out, w + 1);
}

/* FastAPI's `detail`: a string, or a list of {loc, msg, type}. */
static bool read_detail(json_t *detail, llmc_error *err)
{
    if (json_is_string(detail))
        return llmc_strlcpy(err->message, json_string_value(detail), sizeof err->message), true;
    json_t *first = json_array_get(detail, 0);
    return copy_scalar(first, "msg", err->message, sizeof err->message);
}

/* A gateway (OpenRouter) that relays an upstream refusal says only "Provider returned error" and
 * puts the upstream body, as a string, in metadata.raw: add what the upstream said. */
static void add_upstream(json_t *inner, llmc_error *err)
{
    json_t *meta = json_object_get(inner, "metadata");
    const char *raw = json_string_value(json_object_get(meta, "raw"));
    if (!raw)
        return;
    json_error_t jerr;
    json_t *up = llmc_json_loadb(raw, strlen(raw), 0, &jerr);
    json_t *upe = json_object_get(up, "error");
    const char *msg = json_string_value(json_is_object(upe) ? json_object_get(upe, "message") : upe);
    if (!msg)
        msg = json_string_value(json_object_get(up, "message"));
    const char *who = json_string_value(json_object_get(meta, "provider_name"));
    if (msg && *msg) {
        size_t used = strlen(err->message);
        snprintf(err->message + used, sizeof err->message - used, " (%s%ssaid: %s)", who ? who : "", who ? " " : "",
                 msg);
    }
    json_decref(up);
}

static bool read_json_error(json_t *root, llmc_error *err)
{
    if (!json_is_object(root))
        return false;
    copy_scalar(root, "request_id", err->request_id, sizeof err->request_id);
    json_t *inner = json_object_get(root, "error");
    if (json_is_object(inner)) {
        /* Fireworks sends "type":"error", which says nothing; keep a type only when it informs. */
        char type[64] = "";
        if (copy_scalar(inner, "type", type, sizeof type) && strcmp(type, "error") != 0)
            llmc_strlcpy(err->provider_type, type, sizeof err->provider_type);
        copy_scalar(inner, "code", err->provider_code, sizeof err->provider_code);
        copy_scalar(inner, "param", err->provider_param, sizeof err->provider_param);
        if (!err->request_id[0])
            copy_scalar(inner, "request_id", err->request_id, sizeof err->request_id);
        bool got = copy_scalar(inner, "message", err->message, sizeof err->message);
        if (got)
            add_upstream(inner, err);
        return got;
    }
    if (json_is_string(inner))
        return copy_scalar(root, "error", err->message, sizeof err->message);
    if (json_object_get(root, "detail"))
        return read_detail(json_object_get(root, "detail"), err);
    if (json_is_string(json_object_get(root, "message"))) {
        copy_scalar(root, "type", err->provider_type, sizeof err->provider_type);
        copy_scalar(root, "code", err->provider_code, sizeof err->provider_code);
        copy_scalar(root, "param", err->provider_param, sizeof err->provider_param);
        return copy_scalar(root, "message", err->message, sizeof err->message);
    }
    return false;
}

/* For a non-JSON body: the <title> of an HTML page, else the first line, shortened. */
static void describe_non_json(long status, const char *content_type, const char *body, size_t len, const char *provider,
                              llmc_error *err)
{
    /* the body is `len` bytes and need not end in a NUL: search within it only */
    char excerpt[160] = "";
    const char *title = len ? memmem(body, len, "<title>", 7) : NULL;
    if (title) {
        title += 7;
        size_t rest = len - (size_t)(title - body);
        const char *end = memmem(title, rest, "</title>", 8);
        size_t n = end ? (size_t)(end - title) : rest;
        if (n >= sizeof excerpt)
            n = sizeof excerpt - 1;
        memcpy(excerpt, title, n);
        excerpt[n] = '\0';
    } else if (len) {
        size_t n = len < sizeof excerpt - 1 ? len : sizeof excerpt - 1;
        memcpy(excerpt, body, n);
        excerpt[n] = '\0';
    }
    flatten(excerpt, sizeof excerpt);
    const char *ct = content_type && *content_type ? content_type : "no content type";
    if (!len)
        snprintf(err->message, sizeof err->message, "HTTP %ld from %s with an empty body", status, provider);
    else if (title)
        snprintf(err->message, sizeof err->message,
                 "HTTP %ld from %s: an HTML page (\"%s\"), likely from a proxy or gateway in between", status, provider,
                 excerpt);
    else
        snprintf(err->message, sizeof err->message, "HTTP %ld from %s with a body that is not JSON (%s): %s", status,
                 provider, ct, excerpt);
}

void llmc_error_from_response(long status, const char *content_type, const char *body, size_t len, const char *provider,
                              llmc_error *err)
{
    if (!err)
        return;
    err->http_status = (int)status;
    err->code = llmc_code_for_status(status);
    if (err->code == LLMC_OK)
        err->code = LLMC_E_PROTOCOL; /* called for a 2xx only when its body could not be used */
    llmc_strlcpy(err->provider, provider, sizeof err->provider);
    err->message[0] = '\0';
    err->provider_type[0] = err->provider_code[0] = err->provider_param[0] = '\0';

    json_error_t jerr;
    json_t *root = len ? llmc_json_loadb(body, len, 0, &jerr) : NULL;
    bool understood = root && read_json_error(root, err);
    json_decref(root); /* only its truth value is used below */
    if (!understood && root)
        snprintf(err->message, sizeof err->message, "HTTP %ld from %s with a JSON body in no known error shape", status,
                 provider);
    else if (!understood)
        describe_non_json(status, content_type, body, len, provider, err);
    else
        flatten(err->message, sizeof err->message);
    if (understood && !err->message[0]) /* a message of nothing but spaces or control bytes */
        snprintf(err->message, sizeof err->message, "HTTP %ld from %s (its error message was blank)", status, provider);
    if (strcmp(err->provider_type, "overloaded_error") == 0)
        err->code = LLMC_E_OVERLOADED;
}
