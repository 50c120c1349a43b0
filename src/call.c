/* SPDX-License-Identifier: MIT */
/*
 * call.c — one call through the one-way pipeline: route the model string to an endpoint,
 * resolve the key, encode the request, send it (key attached last), and decode the reply or
 * the refusal. llmc_call_prepare/llmc_call_fail/llmc_call_finish are shared with streaming.
 */
#include "engine.h"
#include "secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define LLMC_DEFAULT_CONNECT_MS 5000
#define LLMC_DEFAULT_MAX_BODY (64u * 1024 * 1024)
#define LLMC_DEFAULT_IDLE_MS 60000L

char *llmc_join_url(const char *base, const char *path)
{
    size_t blen = strlen(base);
    while (blen > 0 && base[blen - 1] == '/')
        blen--;
    size_t len = blen + strlen(path) + 1;
    char *url = malloc(len);
    if (url)
        snprintf(url, len, "%.*s%s", (int)blen, base, path);
    return url;
}

void llmc_transport_opts_for(const llmc_client *c, const llmc_endpoint *ep, llmc_transport_opts *o)
{
    o->connect_ms = c->connect_ms ? c->connect_ms : LLMC_DEFAULT_CONNECT_MS;
    o->request_ms = c->request_ms ? c->request_ms : ep->info.default_timeout_ms;
    /* the request timeout bounds each attempt, as the official SDKs' does; a total timeout, when
     * set, bounds the whole call, as curl's --max-time */
    o->whole_ms = c->total_ms;
    o->max_retries = c->max_retries;
    o->allow_insecure_http = c->allow_insecure_http || ep->allow_insecure_http;
    o->ca_file = c->ca_file;
    if (!o->ca_file) {
        /* the variable curl's own tool honours, so a CA bundle that works for curl works here */
        const char *env = getenv("CURL_CA_BUNDLE");
        o->ca_file = env && *env ? env : NULL;
    }
    o->max_body = c->max_body ? c->max_body : LLMC_DEFAULT_MAX_BODY;
    o->idle_ms = c->idle_ms ? c->idle_ms : LLMC_DEFAULT_IDLE_MS;
    o->cancel = NULL;
    o->log = &c->log;
}

const char *const *llmc_dialect_headers(const llmc_client *c, llmc_dialect_kind dialect, bool stream)
{
    if (dialect == LLMC_DIALECT_ANTHROPIC && c && c->anthropic_version)
        return (const char *const *)c->anthropic_headers[stream ? 1 : 0];
    const llmc_dialect *d = llmc_dialect_get(dialect);
    return stream ? d->stream_headers : d->headers;
}

void llmc_wire_ctx_for(const llmc_client *c, const llmc_endpoint *ep, const llmc_request *req, const char *wire_model,
                       bool stream, llmc_wire_ctx *ctx)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->model = wire_model;
    ctx->provider = ep->name;
    ctx->stream = stream;
    ctx->anthropic_version = llmc_client_version_of(c);
    for (size_t i = 0; req && i < req->n_headers; i++)
        if (strcasecmp(req->headers[i].key, "anthropic-version") == 0)
            ctx->anthropic_version = req->headers[i].value; /* the request's own header wins */
}

/* Append "Name: value" unless `name` is already in lines[0..n). */
static int add_header_line(char **lines, size_t *n, const char *name, size_t name_len, const char *value)
{
    for (size_t i = 0; i < *n; i++)
        if (strncasecmp(lines[i], name, name_len) == 0 && lines[i][name_len] == ':')
            return 0;
    size_t len = name_len + strlen(value) + 3;
    if (!(lines[*n] = malloc(len)))
        return -1;
    snprintf(lines[(*n)++], len, "%.*s: %s", (int)name_len, name, value);
    return 0;
}

/* The request's non-secret headers: its own extra headers first (they win), then the ones the
 * provider's SDK variable lists (ANTHROPIC_CUSTOM_HEADERS and its kin, from the provider table),
 * then the dialect's. */
static llmc_code build_headers(llmc_call *call, const llmc_request *req, bool stream, llmc_error *err)
{
    const char *const *base = llmc_dialect_headers(call->client, call->endpoint->info.dialect, stream);
    const char *custom_env = call->endpoint->info.custom_headers_env;
    const char *custom = custom_env ? getenv(custom_env) : NULL;
    call->headers = base;
    if (req->n_headers == 0 && !(custom && *custom))
        return LLMC_OK;
    size_t n_base = 0, n_custom = 0;
    while (base[n_base])
        n_base++;
    for (const char *p = custom; p && *p; p++)
        n_custom += *p == '\n';
    char **lines = calloc(req->n_headers + n_custom + 1 + n_base + 1, sizeof *lines);
    if (!lines)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    call->owned_headers = lines;
    size_t n = 0;
    for (size_t i = 0; i < req->n_headers; i++)
        if (add_header_line(lines, &n, req->headers[i].key, strlen(req->headers[i].key), req->headers[i].value) < 0)
            return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    size_t line_no = 0;
    for (const char *line = custom; line && *line;) {
        const char *end = line + strcspn(line, "\r\n");
        const char *colon = memchr(line, ':', (size_t)(end - line));
        char name[129] = "", value[1024] = "", why[256] = "not \"Name: value\"";
        line_no++;
        if (colon && colon > line && (size_t)(colon - line) < sizeof name) {
            memcpy(name, line, (size_t)(colon - line));
            const char *v = colon + 1;
            while (v < end && *v == ' ')
                v++;
            snprintf(value, sizeof value, "%.*s", (int)(end - v), v);
        }
        /* the SDK's format is one header a line, so the line's own end is never in a value */
        if (!name[0] || !llmc_header_check(name, strlen(name), value, why, sizeof why))
            llmc_logf(&call->client->log, LLMC_LOG_WARN, "%s line %zu skipped: %s", custom_env, line_no, why);
        else if (add_header_line(lines, &n, name, strlen(name), value) < 0)
            return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        line = *end ? end + 1 : end;
    }
    for (size_t i = 0; i < n_base; i++) {
        const char *colon = strchr(base[i], ':');
        if (add_header_line(lines, &n, base[i], (size_t)(colon - base[i]), colon + 2) < 0)
            return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    call->headers = (const char *const *)lines;
    return LLMC_OK;
}

llmc_code llmc_call_prepare(llmc_client *c, const llmc_request *req, bool stream, llmc_call *call, llmc_error *err)
{
    memset(call, 0, sizeof *call);
    call->client = c;
    if (req->n_messages == 0)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "the request has no messages");
    call->endpoint = llmc_route(c, req->model, NULL, &call->wire_model, err);
    if (!call->endpoint)
        return err ? err->code : LLMC_E_CONFIG;
    llmc_endpoint *ep = call->endpoint;
    call->may_fetch_models = true;
    call->base_url_source = req->base_url ? "llmc_request_set_base_url" : llmc_endpoint_base_url_source(ep);
    if (err)
        llmc_strlcpy(err->provider, ep->name, sizeof err->provider);
    const char *base = req->base_url ? req->base_url : llmc_endpoint_base_url(ep);
    llmc_code rc = llmc_base_url_check(ep, base, call->base_url_source, err);
    if (rc != LLMC_OK)
        return rc;
    rc = req->key ? llmc_credential_from_request(ep, req->key, &call->cred, err)
                  : llmc_credential_resolve(ep, c->use_store, &call->cred, err);
    if (rc != LLMC_OK)
        return rc;
    call->url = llmc_join_url(base, ep->info.messages_path);
    if (!call->url)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    /* refuse an insecure address here, naming the key that would have travelled */
    if ((rc = llmc_url_check(call->url, c->allow_insecure_http || ep->allow_insecure_http, err)) != LLMC_OK) {
        if (err && err->diagnosis.cause == LLMC_CAUSE_TRANSPORT_INSECURE) {
            bool keyless = ep->info.auth == LLMC_AUTH_NONE;
            err->diagnosis.source = call->cred.source;
            llmc_strlcpy(err->diagnosis.source_name, call->cred.source_name, sizeof err->diagnosis.source_name);
            llmc_strlcpy(err->diagnosis.fingerprint, call->cred.fingerprint, sizeof err->diagnosis.fingerprint);
            llmc_strlcpy(err->diagnosis.provider, ep->name, sizeof err->diagnosis.provider);
            llmc_endpoint_set_fix(ep, &err->diagnosis, keyless ? "keyless" : NULL);
            if (keyless) /* no key would travel, but the prompt and the reply would, in clear */
                llmc_error_set(err, LLMC_E_INSECURE,
                               "plain http:// to a host that is not this machine (%.300s): the prompt and the reply "
                               "would cross the network unencrypted (no key is sent: auth = none)",
                               call->url);
        }
        return rc;
    }
    if (err && err->diagnosis.severity == LLMC_SEVERITY_WARNING)
        llmc_logf(&c->log, LLMC_LOG_WARN, "%s key from %s %s: %s", ep->name, llmc_key_source_name(call->cred.source),
                  call->cred.source_name, err->diagnosis.detail);
    call->anthropic = ep->info.dialect == LLMC_DIALECT_ANTHROPIC;
    llmc_wire_ctx ctx;
    llmc_wire_ctx_for(c, ep, req, call->wire_model, stream, &ctx);
    /* a warning about the key (logged above) rides on no error of the request itself: a refusal
     * before sending brings its own diagnosis, others none */
    llmc_diagnosis key_warning;
    if (err)
        key_warning = err->diagnosis;
    if (err && err->diagnosis.severity == LLMC_SEVERITY_WARNING)
        memset(&err->diagnosis, 0, sizeof err->diagnosis);
    call->body = llmc_dialect_get(ep->info.dialect)->encode(req, &ctx, err);
    if (!call->body)
        return err ? err->code : LLMC_E_NOMEM;
    if (err && err->diagnosis.cause == LLMC_CAUSE_NONE)
        err->diagnosis = key_warning; /* sent: the warning stays for the reply, as before */
    if ((rc = build_headers(call, req, stream, err)) != LLMC_OK)
        return rc;
    llmc_transport_opts_for(c, ep, &call->opts);
    if (req->timeout_ms > 0)
        call->opts.request_ms = req->timeout_ms;
    if (req->total_ms > 0)
        call->opts.whole_ms = req->total_ms;
    call->opts.cancel = req->cancel;
    if (ep->info.auth == LLMC_AUTH_NONE)
        llmc_logf(&c->log, LLMC_LOG_INFO, "POST %s (model %s; no key: auth = none%s)", call->url, call->wire_model,
                  ep->allow_insecure_http ? "; plain http allowed for this endpoint" : "");
    else
        llmc_logf(&c->log, LLMC_LOG_INFO, "POST %s (model %s; key from %s %s, %s%s)", call->url, call->wire_model,
                  llmc_key_source_name(call->cred.source), call->cred.source_name, call->cred.fingerprint,
                  ep->allow_insecure_http ? "; plain http allowed for this endpoint: the key travels unencrypted" : "");
    return LLMC_OK;
}

static llmc_code call_get(llmc_client *c, llmc_endpoint *ep, const char *path, long limit_ms, int retries,
                          llmc_call *call, llmc_http_response *resp, llmc_error *err)
{
    memset(call, 0, sizeof *call);
    call->client = c;
    call->endpoint = ep;
    call->base_url_source = llmc_endpoint_base_url_source(ep);
    if (err)
        llmc_strlcpy(err->provider, ep->name, sizeof err->provider);
    llmc_code rc = llmc_base_url_check(ep, llmc_endpoint_base_url(ep), call->base_url_source, err);
    if (rc != LLMC_OK)
        return rc;
    rc = llmc_credential_resolve(ep, c->use_store, &call->cred, err);
    if (rc != LLMC_OK)
        return rc;
    if (!(call->url = llmc_join_url(llmc_endpoint_base_url(ep), path)))
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    llmc_transport_opts_for(c, ep, &call->opts);
    if (retries >= 0)
        call->opts.max_retries = retries;
    if (limit_ms > 0 && call->opts.request_ms > limit_ms)
        call->opts.request_ms = limit_ms;
    if (limit_ms > 0)
        call->opts.whole_ms = limit_ms; /* the whole exchange, not only each attempt */
    call->headers = llmc_dialect_headers(c, ep->info.dialect, false);
    return llmc_engine_send(c->engine, call, "GET", NULL, NULL, 0, NULL, true, resp, err);
}

llmc_code llmc_call_get(llmc_client *c, llmc_endpoint *ep, const char *path, bool quick, llmc_call *call,
                        llmc_http_response *resp, llmc_error *err)
{
    /* a start-up check should answer quickly: no retries, a short overall limit */
    return quick ? call_get(c, ep, path, 15000, 0, call, resp, err) : call_get(c, ep, path, 0, -1, call, resp, err);
}

llmc_code llmc_call_get_quick(llmc_client *c, llmc_endpoint *ep, const char *path, long limit_ms, llmc_call *call,
                              llmc_http_response *resp, llmc_error *err)
{
    return call_get(c, ep, path, limit_ms, 0, call, resp, err);
}

llmc_code llmc_call_fail(llmc_call *call, const llmc_http_response *resp, llmc_error *err)
{
    const char *provider = call->endpoint->name;
    if (!err)
        return llmc_code_for_status(resp->status);
    int attempts = err->attempts;
    /* A warning about the key (a repaired paste, an odd shape) belongs to the key, not to this
     * failure: it is kept only where the key is the cause (a 401), as a note. */
    char key_warning[200] = "";
    if (err->diagnosis.severity == LLMC_SEVERITY_WARNING)
        llmc_strlcpy(key_warning, err->diagnosis.detail, sizeof key_warning);
    else
        llmc_strlcpy(key_warning, call->cred.warning, sizeof key_warning); /* the engine's err starts clean */
    memset(&err->diagnosis, 0, sizeof err->diagnosis);
    llmc_error_from_response(resp->status, resp->content_type, resp->body.data, resp->body.len, provider, err);
    err->attempts = attempts;
    err->retry_after = resp->retry_after_s;
    if (!err->request_id[0])
        llmc_strlcpy(err->request_id, resp->request_id, sizeof err->request_id);
    if (resp->status >= 300 && resp->status < 400)
        llmc_error_set(err, LLMC_E_INSECURE,
                       "refused to follow a redirect (HTTP %ld to %s): it would carry the API key to another "
                       "address; set the base URL to the final address instead",
                       resp->status, resp->location[0] ? resp->location : "an unnamed location");
    err->rate_limits = resp->rate;
    llmc_verdict(call, resp, err);
    if (key_warning[0] && err->diagnosis.cause == LLMC_CAUSE_AUTH_REJECTED && !err->diagnosis.detail[0])
        snprintf(err->diagnosis.detail, sizeof err->diagnosis.detail, "the key also %s", key_warning);
    return err->code;
}

/* After a 401: a key command may have rotated the key, and the store may hold another key. Get
 * a different key from the same chain (marking a rejected stored key so it is skipped from now
 * on), and say in `tried` which keys were rejected. Returns whether there is a new key to try. */
bool llmc_call_recover(llmc_call *call, char *tried, size_t size)
{
    llmc_credential *cred = &call->cred;
    if (cred->source != LLMC_SOURCE_STORE && cred->source != LLMC_SOURCE_COMMAND)
        return false; /* an explicit key, a variable or a file cannot change by itself */
    size_t len = strlen(tried);
    snprintf(tried + len, size - len, "%s%s %s (%s)", len ? "; " : "", llmc_key_source_name(cred->source),
             cred->source_name, cred->fingerprint);
    if (cred->source == LLMC_SOURCE_STORE)
        llmc_store_mark(call->endpoint->name, cred->store_label, false);
    else {
        llmc_secret_free(call->endpoint->command_key);
        call->endpoint->command_key = NULL;
    }
    llmc_credential next;
    llmc_error quiet;
    llmc_error_clear(&quiet);
    if (llmc_credential_resolve(call->endpoint, call->client->use_store, &next, &quiet) != LLMC_OK) {
        llmc_credential_clear(&next);
        return false;
    }
    if (llmc_secret_equal(next.secret, cred->secret)) {
        llmc_credential_clear(&next);
        return false;
    }
    llmc_logf(&call->client->log, LLMC_LOG_INFO, "%s rejected the key from %s %s (%s); trying %s %s (%s)",
              call->endpoint->name, llmc_key_source_name(cred->source), cred->source_name, cred->fingerprint,
              llmc_key_source_name(next.source), next.source_name, next.fingerprint);
    llmc_credential_clear(cred);
    *cred = next;
    return true;
}

/* Remove every copy of the key's bytes from the error's text fields: a provider or proxy may
 * echo what it received, and errors end up in logs. */
void llmc_scrub_error(llmc_error *err, const llmc_credential *cred)
{
    if (!err || !cred->secret)
        return;
    char *fields[] = {err->message, err->provider_type, err->provider_code, err->request_id, err->diagnosis.detail};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        llmc_secret_scrub(fields[i], cred->secret);
    llmc_redact(err->message);
}

void llmc_call_scrub_headers(const llmc_call *call, llmc_http_response *resp)
{
    const llmc_secret *key = call->cred.secret;
    if (!key)
        return;
    llmc_secret_scrub(resp->request_id, key);
    llmc_secret_scrub(resp->content_type, key);
    llmc_secret_scrub(resp->location, key);
}

void llmc_call_scrub_response(const llmc_call *call, llmc_http_response *resp)
{
    const llmc_secret *key = call->cred.secret;
    if (!key)
        return;
    if (resp->body.data)
        llmc_secret_scrub_buf(resp->body.data, &resp->body.len, key);
    llmc_secret_scrub(resp->request_id, key);
    llmc_secret_scrub(resp->content_type, key);
    llmc_secret_scrub(resp->location, key);
}

size_t llmc_call_scrub_bytes(const llmc_call *call, char *data, size_t len)
{
    if (call->cred.secret)
        llmc_secret_scrub_buf(data, &len, call->cred.secret);
    return len;
}

void llmc_call_finish(llmc_call *call, llmc_error *err)
{
    llmc_scrub_error(err, &call->cred);
    llmc_http_headers_free(call->slist);
    call->slist = NULL;
    llmc_credential_clear(&call->cred);
    for (size_t i = 0; call->owned_headers && call->owned_headers[i]; i++)
        free(call->owned_headers[i]);
    free(call->owned_headers);
    call->owned_headers = NULL;
    free(call->body);
    free(call->url);
    call->body = call->url = NULL;
}

llmc_code llmc_call_reply(const llmc_call *call, const llmc_http_response *resp, bool keep_raw, llmc_response **out,
                          llmc_error *err)
{
    *out = NULL;
    if (resp->content_type[0] && !strcasestr(resp->content_type, "json")) {
        /* a captive portal or proxy answering 200 with a page: name that, not a JSON column */
        llmc_error_from_response(resp->status, resp->content_type, resp->body.data, resp->body.len,
                                 call->endpoint->name, err);
        return err ? err->code : LLMC_E_PROTOCOL;
    }
    llmc_response *r = llmc_response_alloc();
    if (!r)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    llmc_code rc = llmc_dialect_get(call->endpoint->info.dialect)->decode(resp->body.data, resp->body.len, r, err);
    if (rc == LLMC_OK) {
        r->provider = strdup(call->endpoint->name);
        r->request_id = strdup(resp->request_id);
        r->rate_limits = resp->rate;
        if (keep_raw)
            r->raw = strdup(resp->body.data ? resp->body.data : "");
        if (!r->provider || !r->request_id || (keep_raw && !r->raw))
            rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    } else if (err) {
        err->http_status = (int)resp->status;
        llmc_strlcpy(err->request_id, resp->request_id, sizeof err->request_id);
    }
    if (rc == LLMC_OK)
        *out = r;
    else
        llmc_response_free(r);
    return rc;
}

llmc_code llmc_messages_create(llmc_client *c, const llmc_request *req, llmc_response **out, llmc_error *err)
{
    llmc_error_clear(err);
    if (out)
        *out = NULL;
    if (!c || !req || !out)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "client, request and out must not be NULL");
    llmc_call call;
    llmc_http_response resp = {0};
    llmc_code rc = llmc_call_prepare(c, req, false, &call, err);
    if (rc == LLMC_OK) {
        double t0 = llmc_now_s();
        rc = llmc_engine_send(c->engine, &call, "POST", NULL, call.body, strlen(call.body), NULL, true, &resp, err);
        llmc_logf(&c->log, LLMC_LOG_INFO, "HTTP %ld from %s in %.1f ms (request id %s)", resp.status,
                  call.endpoint->name, (llmc_now_s() - t0) * 1000.0, resp.request_id[0] ? resp.request_id : "none");
    }
    if (rc == LLMC_OK)
        rc = llmc_call_reply(&call, &resp, req->keep_raw, out, err);
    llmc_call_finish(&call, err);
    llmc_http_response_free(&resp);
    if (rc == LLMC_OK && err && err->diagnosis.severity != LLMC_SEVERITY_WARNING)
        llmc_error_clear(err);
    return rc;
}

llmc_code llmc_generate(llmc_client *c, const char *model, const char *prompt, char **text_out, llmc_error *err)
{
    llmc_error_clear(err);
    if (text_out)
        *text_out = NULL;
    if (!c || !prompt || !text_out)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "client, prompt and text_out must not be NULL");
    llmc_request *req = llmc_request_new(model);
    if (!req)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    llmc_response *resp = NULL;
    llmc_code rc = llmc_request_add_message(req, LLMC_ROLE_USER, prompt, err);
    if (rc == LLMC_OK)
        rc = llmc_messages_create(c, req, &resp, err);
    else
        llmc_error_set(err, rc, "%s", llmc_strerror(rc));
    if (rc == LLMC_OK && !(*text_out = strdup(llmc_response_text(resp))))
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    llmc_response_free(resp);
    llmc_request_free(req);
    return rc;
}
