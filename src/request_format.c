/* SPDX-License-Identifier: MIT */
/*
 * request_format.c — structured output: the format a request asks for (a JSON schema, or any
 * JSON object), the instruction llmc adds where a server needs the request for JSON in words,
 * and reading the reply back as JSON with the position of what does not parse.
 */
#include "wire.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 64)
        return false;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
            return false;
    return true;
}

llmc_code llmc_request_set_format(llmc_request *req, llmc_format format, const char *name, const char *schema,
                                  llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || format < LLMC_FORMAT_TEXT || format > LLMC_FORMAT_JSON_SCHEMA)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "no such output format (%d)", (int)format);
    if (format == LLMC_FORMAT_JSON_SCHEMA && !schema)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a JSON-schema format needs a schema");
    if (name && !name_valid(name))
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "schema name \"%.80s\": use 1 to 64 of a-z, A-Z, 0-9, _ and -",
                              name);
    json_t *parsed = NULL;
    if (format == LLMC_FORMAT_JSON_SCHEMA) {
        if (!(parsed = llmc_parse_caller_json(schema, "schema", err)))
            return err ? err->code : LLMC_E_INVALID_ARG;
        if (!json_is_object(parsed)) {
            json_decref(parsed);
            return llmc_error_set(err, LLMC_E_INVALID_ARG, "schema: expected a JSON object");
        }
    }
    char *copy = strdup(name ? name : "response");
    if (!copy) {
        json_decref(parsed);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    free(req->format_name);
    json_decref(req->format_schema);
    req->format = format;
    req->format_name = copy;
    req->format_schema = parsed;
    return LLMC_OK;
}

/* Whether the request's text mentions JSON (OpenAI refuses json_object otherwise). */
static bool mentions_json(const llmc_request *req)
{
    if (req->system && strcasestr(req->system, "json"))
        return true;
    for (size_t i = 0; i < req->n_messages; i++)
        for (size_t j = 0; j < req->messages[i].n_parts; j++) {
            const llmc_part *p = &req->messages[i].parts[j];
            if (p->kind == LLMC_PART_TEXT && strcasestr(p->text, "json"))
                return true;
        }
    return false;
}

char *llmc_format_instruction(const llmc_request *req, bool schema_in_words, bool *oom)
{
    *oom = false;
    if (schema_in_words && req->format_schema) {
        char *schema = llmc_json_dump(req->format_schema, JSON_COMPACT);
        if (!schema) {
            *oom = true;
            return NULL;
        }
        const char *lead = "Answer with one JSON object, and nothing else, that follows this JSON schema: ";
        size_t n = strlen(lead) + strlen(schema) + 1;
        char *out = malloc(n);
        if (out)
            snprintf(out, n, "%s%s", lead, schema);
        else
            *oom = true;
        free(schema);
        return out;
    }
    if (req->format == LLMC_FORMAT_JSON_OBJECT && !mentions_json(req)) {
        char *out = strdup("Answer with one JSON object, and nothing else.");
        *oom = !out;
        return out;
    }
    return NULL;
}

/* ---- reading the reply back ---- */

/* The text without surrounding white space and, when it is wrapped whole in a ``` fence (as
 * models sometimes do even when asked for JSON), without the fence. */
static void json_span(const char *text, const char **start, size_t *len)
{
    const char *s = text, *e = text + strlen(text);
    while (s < e && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    if (e - s >= 6 && strncmp(s, "```", 3) == 0 && strncmp(e - 3, "```", 3) == 0) {
        const char *nl = memchr(s, '\n', (size_t)(e - s));
        if (nl && nl < e - 3) {
            s = nl + 1;
            e -= 3;
            while (e > s && isspace((unsigned char)e[-1]))
                e--;
        }
    }
    *start = s;
    *len = (size_t)(e - s);
}

llmc_code llmc_response_json(const llmc_response *resp, const char **json, llmc_error *err)
{
    llmc_error_clear(err);
    if (json)
        *json = NULL;
    if (!resp || !json)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "response and json must not be NULL");
    /* computed once: the response is logically const, the cache is an implementation detail */
    llmc_response *r = (llmc_response *)resp;
    if (!r->json && !r->json_err) {
        const char *start;
        size_t len;
        json_span(r->text ? r->text : "", &start, &len);
        json_error_t jerr;
        json_t *v = len ? llmc_json_loadb(start, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr) : NULL;
        if (v) {
            r->json = llmc_json_dump(v, JSON_COMPACT | JSON_ENCODE_ANY);
            json_decref(v);
            if (!r->json)
                return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        } else {
            if (!v && len && json_error_code(&jerr) == json_error_out_of_memory)
                return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
            if (!(r->json_err = calloc(1, sizeof *r->json_err)))
                return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
            char cause[160] = "";
            if (r->stop_reason == LLMC_STOP_MAX_TOKENS)
                snprintf(cause, sizeof cause, "the reply was cut off by the token limit (stop reason \"%s\"): ",
                         r->stop_reason_raw ? r->stop_reason_raw : "");
            else if (r->stop_reason == LLMC_STOP_REFUSAL)
                snprintf(cause, sizeof cause,
                         "the model refused (stop reason \"%s\"): ", r->stop_reason_raw ? r->stop_reason_raw : "");
            if (!len)
                llmc_error_set(r->json_err, LLMC_E_FORMAT, "%sthe reply is not JSON: it has no text", cause);
            else
                llmc_error_set(r->json_err, LLMC_E_FORMAT, "%sthe reply is not JSON: line %d, column %d: %s", cause,
                               jerr.line, jerr.column, jerr.text);
            llmc_strlcpy(r->json_err->provider, r->provider ? r->provider : "", sizeof r->json_err->provider);
            llmc_strlcpy(r->json_err->request_id, r->request_id ? r->request_id : "", sizeof r->json_err->request_id);
        }
    }
    if (r->json_err) {
        if (err)
            *err = *r->json_err;
        return LLMC_E_FORMAT;
    }
    *json = r->json;
    return LLMC_OK;
}
