/* SPDX-License-Identifier: MIT */
/* Each provider's error bodies, as shared/PROVIDERS.md records them. Bodies marked "seen" there
 * are reproduced to the byte; the rest follow the provider's envelope with plausible texts.
 * The status picks the error type; the caller may override the message. */
#define _POSIX_C_SOURCE 200809L
#include "emulator.h"

#include <stdio.h>
#include <string.h>

typedef struct error_kind {
    unsigned status;
    const char *type;
    const char *code;
    const char *message;
} error_kind;

static const error_kind anthropic_kinds[] = {
    {400, "invalid_request_error", NULL, "Invalid request"},
    {401, "authentication_error", NULL, "invalid x-api-key"},
    {402, "billing_error", NULL,
     "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."},
    {403, "permission_error", NULL, "Permission denied"},
    {404, "not_found_error", NULL, "Not found"},
    {405, "invalid_request_error", NULL, "Method not allowed"},
    {409, "invalid_request_error", NULL, "Conflict"},
    {429, "rate_limit_error", NULL,
     "This request would exceed the rate limit for your organization. Please try again later."},
    {500, "api_error", NULL, "Internal server error"},
    {504, "timeout_error", NULL, "Request timed out"},
    {529, "overloaded_error", NULL, "Overloaded"},
};

static const error_kind cerebras_kinds[] = {
    {400, "invalid_request_error", "bad_request", "Bad request"},
    {401, "invalid_request_error", "wrong_api_key", "Wrong API Key"},
    {402, "payment_required_error", "payment_required", "Payment required"},
    {403, "permission_denied_error", "permission_denied", "Permission denied"},
    {404, "not_found_error", "not_found", "Not found"},
    {422, "invalid_request_error", "unprocessable_entity", "Unprocessable entity"},
    {429, "too_many_requests_error", "queue_exceeded",
     "We're experiencing high traffic right now! Please try again soon."},
    {500, "internal_server_error", "internal_server_error", "Internal server error"},
    {503, "service_unavailable_error", "service_unavailable", "Service unavailable"},
};

static const error_kind fireworks_kinds[] = {
    {400, "invalid_request_error", "INVALID_ARGUMENT", "Invalid request"},
    {401, "error", "UNAUTHORIZED", "The API key you provided is invalid."},
    {403, "error", "PERMISSION_DENIED", "Permission denied"},
    {404, "invalid_request_error", "NOT_FOUND", "Not found"},
    {412, "invalid_request_error", "FAILED_PRECONDITION", "Account suspended"},
    {429, "invalid_request_error", "RESOURCE_EXHAUSTED", "Request rate limit exceeded"},
    {500, "internal_server_error", "INTERNAL", "Internal server error"},
    {503, "service_unavailable", "UNAVAILABLE", "Service is temporarily overloaded, please retry"},
};

static const error_kind openai_kinds[] = {
    {400, "invalid_request_error", NULL, "Invalid request"},
    {401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided."},
    {403, "invalid_request_error", "insufficient_permissions", "You have insufficient permissions for this operation."},
    {404, "invalid_request_error", "not_found", "Not found"},
    {429, "requests", "rate_limit_exceeded", "Rate limit reached for requests. Please try again later."},
    {500, "server_error", NULL, "The server had an error while processing your request. Sorry about that!"},
    {503, "server_error", NULL, "The engine is currently overloaded, please try again later."},
};

static error_kind find_kind(const error_kind *kinds, size_t n, unsigned status)
{
    for (size_t i = 0; i < n; i++)
        if (kinds[i].status == status)
            return kinds[i];
    /* Unlisted statuses borrow the nearest class: the 500 entry for 5xx, the 400 one otherwise. */
    unsigned fallback = status >= 500 ? 500 : 400;
    for (size_t i = 0; i < n; i++)
        if (kinds[i].status == fallback)
            return (error_kind){status, kinds[i].type, kinds[i].code, kinds[i].message};
    return (error_kind){status, "error", NULL, "Error"};
}

#define KIND(table, status) find_kind(table, sizeof table / sizeof table[0], status)

static json_t *nullable(const char *s)
{
    return s ? json_string(s) : json_null();
}

static void anthropic_error(emu_reply *r, const emu_request *rq, unsigned status, const char *type, const char *message)
{
    if (status == 413) {
        /* The CDN answers 413 before the API sees the request: a different shape, no request_id. */
        reply_json(r, 413,
                   json_pack("{s:{s:s, s:s}}", "error", "type", "request_too_large", "message",
                             message ? message : "Request exceeds the maximum size"));
        return;
    }
    error_kind k = KIND(anthropic_kinds, status);
    reply_json(r, status,
               json_pack("{s:s, s:{s:s, s:s}, s:s}", "type", "error", "error", "type", type ? type : k.type, "message",
                         message ? message : k.message, "request_id", rq->request_id));
    if (status == 529)
        reply_header(r, "x-should-retry", "true");
}

static void cerebras_error(emu_reply *r, unsigned status, const char *message, const char *code, const char *param)
{
    error_kind k = KIND(cerebras_kinds, status);
    reply_json(r, status,
               json_pack("{s:s, s:s, s:o, s:o}", "message", message ? message : k.message, "type", k.type, "param",
                         nullable(param), "code", nullable(code ? code : k.code)));
}

static void fireworks_error(emu_reply *r, const emu_request *rq, unsigned status, const char *message, const char *code,
                            const char *param)
{
    error_kind k = KIND(fireworks_kinds, status);
    json_t *err = json_pack("{s:s, s:o, s:o, s:s}", "message", message ? message : k.message, "param", nullable(param),
                            "code", nullable(code ? code : k.code), "type", k.type);
    if (status != 401 && status != 403)
        json_object_set_new(err, "object", json_string("error"));
    reply_json(r, status, json_pack("{s:o, s:s}", "error", err, "request_id", rq->request_id));
}

static void openai_error(emu_reply *r, unsigned status, const char *message, const char *code, int code_given)
{
    error_kind k = KIND(openai_kinds, status);
    reply_json(r, status,
               json_pack("{s:{s:s, s:s, s:n, s:o}}", "error", "message", message ? message : k.message, "type", k.type,
                         "param", "code", nullable(code_given ? code : k.code)));
}

void error_reply(emu_reply *r, const emu_request *rq, unsigned status, const char *message)
{
    switch (rq->provider) {
    case EMU_ANTHROPIC:
        anthropic_error(r, rq, status, NULL, message);
        break;
    case EMU_CEREBRAS:
        cerebras_error(r, status, message, NULL, NULL);
        break;
    case EMU_FIREWORKS:
        fireworks_error(r, rq, status, message, NULL, NULL);
        break;
    case EMU_OPENAI:
    case EMU_OLLAMA:
    case EMU_PROVIDER_COUNT:
        openai_error(r, status, message, NULL, 0);
        break;
    }
}

/* Fireworks' control plane (/v1/accounts/…) answers a bad key with 403, its inference API with
 * 401 (a live capture of 2026-08-30, README). */
static unsigned fireworks_auth_status(const emu_request *rq)
{
    return strncmp(rq->subpath, "/v1/accounts/", 13) == 0 ? 403 : 401;
}

void error_missing_key(emu_reply *r, const emu_request *rq)
{
    switch (rq->provider) {
    case EMU_ANTHROPIC:
        anthropic_error(r, rq, 401, NULL, "x-api-key header is required");
        break;
    case EMU_CEREBRAS:
        reply_json(r, 403, json_pack("{s:s}", "detail", "Not authenticated"));
        break;
    case EMU_FIREWORKS:
        fireworks_error(r, rq, fireworks_auth_status(rq), "The API key you provided is invalid.", "UNAUTHORIZED", NULL);
        break;
    case EMU_OPENAI:
    case EMU_OLLAMA:
    case EMU_PROVIDER_COUNT:
        openai_error(
            r, 401,
            "You didn't provide an API key. You need to provide your API key in an Authorization header using "
            "Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if "
            "you're accessing the API from your browser and are prompted for a username. You can obtain an API key "
            "from https://platform.openai.com/account/api-keys.",
            NULL, 1);
        break;
    }
}

void error_bad_key(emu_reply *r, const emu_request *rq, const char *key)
{
    switch (rq->provider) {
    case EMU_ANTHROPIC:
        /* a key sent as a bearer token (the 1.x SDK's way) gets the bearer wording */
        anthropic_error(r, rq, 401, NULL, req_header(rq, "x-api-key") ? "invalid x-api-key" : "Invalid bearer token");
        break;
    case EMU_CEREBRAS:
        cerebras_error(r, 401, "Wrong API Key", "wrong_api_key", "api_key");
        break;
    case EMU_FIREWORKS:
        fireworks_error(r, rq, fireworks_auth_status(rq), "The API key you provided is invalid.", "UNAUTHORIZED", NULL);
        break;
    case EMU_OPENAI:
    case EMU_OLLAMA:
    case EMU_PROVIDER_COUNT: {
        /* OpenAI echoes a masked key: its first 8 characters, one '*' for each hidden one, and
         * the last 4 (captures in README). */
        char masked[600], msg[900];
        size_t n = strlen(key);
        if (n > 12 && n < 500) {
            snprintf(masked, sizeof masked, "%.8s", key);
            memset(masked + 8, '*', n - 12);
            snprintf(masked + n - 4, sizeof masked - (n - 4), "%s", key + n - 4);
        } else {
            snprintf(masked, sizeof masked, "****");
        }
        snprintf(
            msg, sizeof msg,
            "Incorrect API key provided: %s. You can find your API key at https://platform.openai.com/account/api-keys.",
            masked);
        openai_error(r, 401, msg, "invalid_api_key", 1);
        break;
    }
    }
}

void error_forbidden(emu_reply *r, const emu_request *rq)
{
    error_reply(r, rq, 403, NULL);
}

void error_model_not_found(emu_reply *r, const emu_request *rq, const char *model)
{
    char msg[512];
    switch (rq->provider) {
    case EMU_ANTHROPIC:
        snprintf(msg, sizeof msg, "model: %s", model);
        anthropic_error(r, rq, 404, NULL, msg);
        break;
    case EMU_CEREBRAS:
        snprintf(msg, sizeof msg, "Model %s does not exist or you do not have access to it.", model);
        cerebras_error(r, 404, msg, "model_not_found", "model");
        break;
    case EMU_FIREWORKS:
        /* Seen without request_id or object; the emulator adds request_id as on every Fireworks error. */
        reply_json(r, 404,
                   json_pack("{s:{s:s, s:s, s:s}, s:s}", "error", "message",
                             "Model not found, inaccessible, and/or not deployed", "param", "model", "code",
                             "NOT_FOUND", "request_id", rq->request_id));
        break;
    case EMU_OLLAMA:
        /* Ollama's own words for a model that was never pulled (README) */
        snprintf(msg, sizeof msg, "model \"%s\" not found, try pulling it first", model);
        reply_json(
            r, 404,
            json_pack("{s:{s:s, s:s, s:n, s:n}}", "error", "message", msg, "type", "not_found_error", "param", "code"));
        break;
    case EMU_OPENAI:
    case EMU_PROVIDER_COUNT:
        snprintf(msg, sizeof msg, "The model `%s` does not exist or you do not have access to it.", model);
        openai_error(r, 404, msg, "model_not_found", 1);
        break;
    }
}

void error_model_retired(emu_reply *r, const emu_request *rq, const char *model)
{
    char msg[512];
    switch (rq->provider) {
    case EMU_OPENAI:
    case EMU_PROVIDER_COUNT:
        /* OpenAI says so in its 404; the others answer a retired model like an unknown one */
        snprintf(msg, sizeof msg,
                 "The model `%s` has been deprecated, learn more here: https://platform.openai.com/docs/deprecations",
                 model);
        openai_error(r, 404, msg, "model_not_found", 1);
        break;
    case EMU_ANTHROPIC:
    case EMU_CEREBRAS:
    case EMU_FIREWORKS:
    case EMU_OLLAMA:
        error_model_not_found(r, rq, model);
        break;
    }
}

void error_param(emu_reply *r, const emu_request *rq, unsigned status, const char *message, const char *param,
                 const char *code)
{
    switch (rq->provider) {
    case EMU_ANTHROPIC:
        anthropic_error(r, rq, status, "invalid_request_error", message);
        break;
    case EMU_CEREBRAS:
        cerebras_error(r, status, message, code, param);
        break;
    case EMU_FIREWORKS:
        fireworks_error(r, rq, status, message, code, param);
        break;
    case EMU_OPENAI:
    case EMU_OLLAMA:
    case EMU_PROVIDER_COUNT:
        reply_json(r, status,
                   json_pack("{s:{s:s, s:s, s:o, s:o}}", "error", "message", message, "type", "invalid_request_error",
                             "param", nullable(param), "code", nullable(code)));
        break;
    }
}

void error_invalid_json(emu_reply *r, const emu_request *rq)
{
    switch (rq->provider) {
    case EMU_ANTHROPIC:
        anthropic_error(r, rq, 400, NULL, "There was an error parsing the body of your request");
        break;
    case EMU_CEREBRAS:
        cerebras_error(r, 400, "Invalid JSON body", "json_invalid", "body");
        break;
    case EMU_FIREWORKS:
        fireworks_error(r, rq, 400, "Invalid JSON body", "INVALID_ARGUMENT", NULL);
        break;
    case EMU_OPENAI:
    case EMU_OLLAMA:
    case EMU_PROVIDER_COUNT:
        openai_error(
            r, 400,
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP "
            "library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
            NULL, 1);
        break;
    }
}
