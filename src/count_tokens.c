/* SPDX-License-Identifier: MIT */
/*
 * count_tokens.c — llmc_count_tokens: the provider's own token counter for a request (Anthropic
 * POST /v1/messages/count_tokens → {"input_tokens": N}). It goes through the same pipeline as a
 * message (route, key, headers, the 401 recovery and diagnosis), on the client's transfer engine.
 */
#include "engine.h"
#include "transport.h"

#include <stdlib.h>
#include <string.h>

#define COUNT_PATH "/v1/messages/count_tokens"

/* One exchange on the client's engine (retries, the 401 recovery and the diagnosis of a non-2xx
 * answer included); `url` NULL: the call's own. */
static llmc_code exchange(llmc_call *call, const char *url, const char *body, llmc_http_response *resp, llmc_error *err)
{
    return llmc_engine_send(call->client->engine, call, "POST", url, body, strlen(body), NULL, true, resp, err);
}

/* Point a prepared message call at the counter: its URL and the count's subset of the body. */
static llmc_code retarget(llmc_call *call, const llmc_request *req, llmc_error *err)
{
    llmc_wire_ctx ctx;
    llmc_wire_ctx_for(call->client, call->endpoint, req, call->wire_model, false, &ctx);
    ctx.count_tokens = true;
    char *body = llmc_dialect_get(call->endpoint->info.dialect)->encode(req, &ctx, err);
    if (!body)
        return err ? err->code : LLMC_E_NOMEM;
    char *url = llmc_join_url(req->base_url ? req->base_url : llmc_endpoint_base_url(call->endpoint), COUNT_PATH);
    if (!url) {
        free(body);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    free(call->body);
    free(call->url);
    call->body = body;
    call->url = url;
    return LLMC_OK;
}

/* The counter's answer into *input_tokens. */
static llmc_code read_count(const llmc_http_response *resp, long *input_tokens, llmc_error *err)
{
    json_t *root = llmc_json_parse(resp->body.data, resp->body.len, "token count", err);
    json_t *n = json_object_get(root, "input_tokens");
    llmc_code rc = LLMC_OK;
    if (!root)
        rc = err ? err->code : LLMC_E_PROTOCOL;
    else if (!json_is_number(n) || llmc_json_long(root, "input_tokens") < 0)
        rc = llmc_error_set(err, LLMC_E_PROTOCOL, "token count: expected {\"input_tokens\": N}");
    else
        *input_tokens = llmc_json_long(root, "input_tokens");
    json_decref(root);
    if (rc != LLMC_OK && err) {
        err->http_status = (int)resp->status;
        llmc_strlcpy(err->request_id, resp->request_id, sizeof err->request_id);
    }
    return rc;
}

llmc_code llmc_count_tokens_raw(llmc_call *call, const char *params, size_t len, long *input_tokens, llmc_error *err)
{
    /* the counter takes the prompt only: what shapes the output is a 400 there */
    static const char *const not_counted[] = {"max_tokens",  "stream", "stop_sequences", "metadata", "service_tier",
                                              "temperature", "top_p",  "top_k",          NULL};
    json_t *body = llmc_json_parse(params, len, "batch params", err);
    if (!body)
        return err ? err->code : LLMC_E_PROTOCOL;
    for (size_t i = 0; not_counted[i]; i++)
        json_object_del(body, not_counted[i]);
    /* same call (key, options, headers), its own URL and body */
    char *count_body = llmc_json_dump(body, JSON_COMPACT);
    char *count_url = llmc_join_url(llmc_endpoint_base_url(call->endpoint), COUNT_PATH);
    json_decref(body);
    llmc_http_response resp = {0};
    llmc_code rc = !count_body || !count_url ? llmc_error_set(err, LLMC_E_NOMEM, "out of memory")
                                             : exchange(call, count_url, count_body, &resp, err);
    if (rc == LLMC_OK)
        rc = read_count(&resp, input_tokens, err);
    llmc_scrub_error(err, &call->cred);
    free(count_body);
    free(count_url);
    llmc_http_response_free(&resp);
    return rc;
}

static llmc_code unsupported(const char *provider, llmc_error *err)
{
    if (err)
        llmc_strlcpy(err->provider, provider, sizeof err->provider);
    return llmc_error_set(err, LLMC_E_UNSUPPORTED,
                          "%s has no token-counting endpoint (only Anthropic counts a request's tokens without "
                          "running it); the usage of a reply gives its count",
                          provider);
}

llmc_code llmc_count_tokens(llmc_client *c, const llmc_request *req, long *input_tokens, llmc_error *err)
{
    llmc_error_clear(err);
    if (!c || !req || !input_tokens)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "client, request and input_tokens must not be NULL");
    /* a provider named outright is told apart before its key is looked at (aliases: below) */
    const char *slash = req->model ? strchr(req->model, '/') : NULL;
    const llmc_endpoint *named = slash ? llmc_client_endpoint(c, req->model, (size_t)(slash - req->model)) : NULL;
    if (named && named->info.dialect != LLMC_DIALECT_ANTHROPIC)
        return unsupported(named->name, err);
    llmc_call call;
    llmc_http_response resp = {0};
    llmc_code rc = llmc_call_prepare(c, req, false, &call, err);
    if (rc == LLMC_OK && call.endpoint->info.dialect != LLMC_DIALECT_ANTHROPIC)
        rc = unsupported(call.endpoint->name, err);
    if (rc == LLMC_OK)
        rc = retarget(&call, req, err);
    if (rc == LLMC_OK)
        rc = exchange(&call, NULL, call.body, &resp, err);
    if (rc == LLMC_OK)
        rc = read_count(&resp, input_tokens, err);
    llmc_call_finish(&call, err);
    llmc_http_response_free(&resp);
    if (rc == LLMC_OK && err && err->diagnosis.severity != LLMC_SEVERITY_WARNING)
        llmc_error_clear(err);
    return rc;
}
