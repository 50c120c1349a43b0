/* SPDX-License-Identifier: MIT */
/*
 * call.c — one call through the one-way pipeline: route the model string to an endpoint,
 * resolve the key, encode the request, send it (key attached last), and decode the reply or
 * the refusal. llmc_call_prepare/llmc_call_fail/llmc_call_finish are shared with streaming.
 */
#include "transport.h"
#include "secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define LLMC_DEFAULT_CONNECT_MS 5000
#define LLMC_DEFAULT_MAX_BODY (64u * 1024 * 1024)
#define LLMC_DEFAULT_IDLE_MS 60000L

/* "provider/model" → endpoint + wire model; a model without a known provider goes to the default. */
static llmc_endpoint *route(llmc_client *c, const char *model, const char **wire_model, llmc_error *err)
{
    if (!model || !*model) {
        llmc_error_set(err, LLMC_E_CONFIG, "no model given (use provider/model, e.g. anthropic/claude-sonnet-4-5)");
        return NULL;
    }
    for (size_t i = 0; i < c->n_aliases; i++)
        if (strcmp(c->aliases[i].key, model) == 0) {
            model = c->aliases[i].value;
            break;
        }
    const char *slash = strchr(model, '/');
    llmc_endpoint *ep = slash ? llmc_client_endpoint(c, model, (size_t)(slash - model)) : NULL;
    *wire_model = ep ? slash + 1 : model;
    if (!ep)
        ep = &c->endpoints[c->default_endpoint];
    if (!**wire_model) {
        llmc_error_set(err, LLMC_E_CONFIG, "model \"%s\" names a provider but no model", model);
        return NULL;
    }
    return ep;
}

const char *llmc_endpoint_base_url(const llmc_endpoint *ep)
{
    if (ep->base_url_override)
        return ep->base_url_override;
    const char *env = ep->info.base_url_env ? getenv(ep->info.base_url_env) : NULL;
    return env && *env ? env : ep->info.default_base_url;
}

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
    o->max_retries = c->max_retries;
    o->allow_insecure_http = c->allow_insecure_http;
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

const char *const *llmc_dialect_headers(llmc_dialect_kind dialect, bool stream)
{
    const llmc_dialect *d = llmc_dialect_get(dialect);
    return stream ? d->stream_headers : d->headers;
}

bool llmc_header_name_allowed(const char *name)
{
    static const char *const credentials[] = {
        "authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", NULL};
    if (!*name || strlen(name) > 128)
        return false;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("!#$%&'*+-.^_`|~", *p))
            return false;
    for (size_t i = 0; credentials[i]; i++)
        if (strcasecmp(name, credentials[i]) == 0)
            return false;
    return true;
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

/* The request's non-secret headers: its own extra headers first (they win), then for Anthropic
 * the ones ANTHROPIC_CUSTOM_HEADERS lists, then the dialect's. */
static llmc_code build_headers(llmc_call *call, const llmc_request *req, bool stream, llmc_error *err)
{
    const char *const *base = llmc_dialect_headers(call->endpoint->info.dialect, stream);
    const char *custom = call->anthropic ? getenv("ANTHROPIC_CUSTOM_HEADERS") : NULL;
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
    for (const char *line = custom; line && *line;) {
        const char *end = line + strcspn(line, "\r\n");
        const char *colon = memchr(line, ':', (size_t)(end - line));
        char name[129] = "", value[1024] = "";
        if (colon && colon > line && (size_t)(colon - line) < sizeof name) {
            memcpy(name, line, (size_t)(colon - line));
            const char *v = colon + 1;
            while (v < end && *v == ' ')
                v++;
            snprintf(value, sizeof value, "%.*s", (int)(end - v), v);
        }
        if (!name[0] || !llmc_header_name_allowed(name))
            llmc_logf(&call->client->log, LLMC_LOG_WARN,
                      "ANTHROPIC_CUSTOM_HEADERS: a line is not a header llmc may send (\"Name: value\", no "
                      "credentials); skipped");
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
    call->endpoint = route(c, req->model, &call->wire_model, err);
    if (!call->endpoint)
        return LLMC_E_CONFIG;
    llmc_endpoint *ep = call->endpoint;
    if (err)
        llmc_strlcpy(err->provider, ep->name, sizeof err->provider);
    llmc_code rc = req->key ? llmc_credential_from_request(ep, req->key, &call->cred, err)
                            : llmc_credential_resolve(ep, c->use_store, &call->cred, err);
    if (rc != LLMC_OK)
        return rc;
    call->url = llmc_join_url(req->base_url ? req->base_url : llmc_endpoint_base_url(ep), ep->info.messages_path);
    if (!call->url)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    /* refuse an insecure address here, naming the key that would have travelled */
    if ((rc = llmc_url_check(call->url, c->allow_insecure_http, err)) != LLMC_OK) {
        if (err && err->diagnosis.cause == LLMC_CAUSE_TRANSPORT_INSECURE) {
            err->diagnosis.source = call->cred.source;
            llmc_strlcpy(err->diagnosis.source_name, call->cred.source_name, sizeof err->diagnosis.source_name);
            llmc_strlcpy(err->diagnosis.fingerprint, call->cred.fingerprint, sizeof err->diagnosis.fingerprint);
            llmc_strlcpy(err->diagnosis.provider, ep->name, sizeof err->diagnosis.provider);
        }
        return rc;
    }
    if (err && err->diagnosis.severity == LLMC_SEVERITY_WARNING)
        llmc_logf(&c->log, LLMC_LOG_WARN, "%s key from %s %s: %s", ep->name, llmc_key_source_name(call->cred.source),
                  call->cred.source_name, err->diagnosis.detail);
    call->anthropic = ep->info.dialect == LLMC_DIALECT_ANTHROPIC;
    call->body = llmc_dialect_get(ep->info.dialect)->encode(req, call->wire_model, stream, err);
    if (!call->body)
        return err ? err->code : LLMC_E_NOMEM;
    if ((rc = build_headers(call, req, stream, err)) != LLMC_OK)
        return rc;
    llmc_transport_opts_for(c, ep, &call->opts);
    if (req->timeout_ms > 0)
        call->opts.request_ms = req->timeout_ms;
    call->opts.cancel = req->cancel;
    llmc_logf(&c->log, LLMC_LOG_INFO, "POST %s (model %s; key from %s %s, %s)", call->url, call->wire_model,
              llmc_key_source_name(call->cred.source), call->cred.source_name, call->cred.fingerprint);
    return LLMC_OK;
}

llmc_code llmc_call_get(llmc_client *c, llmc_endpoint *ep, const char *path, bool quick, llmc_call *call,
                        llmc_http_response *resp, llmc_error *err)
{
    memset(call, 0, sizeof *call);
    call->client = c;
    call->endpoint = ep;
    if (err)
        llmc_strlcpy(err->provider, ep->name, sizeof err->provider);
    llmc_code rc = llmc_credential_resolve(ep, c->use_store, &call->cred, err);
    if (rc != LLMC_OK)
        return rc;
    if (!(call->url = llmc_join_url(llmc_endpoint_base_url(ep), path)))
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    llmc_transport_opts_for(c, ep, &call->opts);
    if (quick) {
        /* a start-up check should answer quickly: no retries, a short overall limit */
        call->opts.max_retries = 0;
        if (call->opts.request_ms > 15000)
            call->opts.request_ms = 15000;
    }
    rc = llmc_http_send(c->curl, &call->opts, "GET", call->url, llmc_dialect_headers(ep->info.dialect, false),
                        &call->cred, ep->info.auth, NULL, 0, resp, err);
    if (rc == LLMC_OK && (resp->status < 200 || resp->status >= 300))
        rc = llmc_call_fail(call, resp, err);
    return rc;
}

static llmc_cause cause_for_status(long status)
{
    return status == 401 ? LLMC_CAUSE_AUTH_REJECTED : status == 403 ? LLMC_CAUSE_AUTH_FORBIDDEN : LLMC_CAUSE_NONE;
}

llmc_code llmc_call_fail(llmc_call *call, const llmc_http_response *resp, llmc_error *err)
{
    const char *provider = call->endpoint->name;
    if (!err)
        return llmc_code_for_status(resp->status);
    int attempts = err->attempts;
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
    llmc_cause cause = cause_for_status(resp->status);
    if (cause != LLMC_CAUSE_NONE)
        llmc_credential_describe(&call->cred, provider, cause, err);
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

void llmc_call_finish(llmc_call *call, llmc_error *err)
{
    llmc_scrub_error(err, &call->cred);
    llmc_credential_clear(&call->cred);
    for (size_t i = 0; call->owned_headers && call->owned_headers[i]; i++)
        free(call->owned_headers[i]);
    free(call->owned_headers);
    call->owned_headers = NULL;
    free(call->body);
    free(call->url);
    call->body = call->url = NULL;
}

static double elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
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
    llmc_response *r = NULL;
    llmc_code rc = llmc_call_prepare(c, req, false, &call, err);
    if (rc != LLMC_OK)
        goto done;
    char tried[512] = "";
    for (int recovered = 0;; recovered++) {
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        rc = llmc_http_send(c->curl, &call.opts, "POST", call.url, call.headers, &call.cred, call.endpoint->info.auth,
                            call.body, strlen(call.body), &resp, err);
        if (rc != LLMC_OK)
            goto done;
        llmc_logf(&c->log, LLMC_LOG_INFO, "HTTP %ld from %s in %.1f ms (request id %s)", resp.status,
                  call.endpoint->name, elapsed_ms(&t0), resp.request_id[0] ? resp.request_id : "none");
        if (resp.status == 401 && recovered == 0 && llmc_call_recover(&call, tried, sizeof tried))
            continue;
        break;
    }
    if (resp.status < 200 || resp.status >= 300) {
        rc = llmc_call_fail(&call, &resp, err);
        if (resp.status == 401 && call.cred.source == LLMC_SOURCE_STORE)
            llmc_store_mark(call.endpoint->name, call.cred.store_label, false);
        if (err && tried[0])
            snprintf(err->diagnosis.detail, sizeof err->diagnosis.detail, "also rejected before it: %.480s", tried);
        goto done;
    }
    if (call.cred.source == LLMC_SOURCE_STORE && tried[0])
        llmc_store_mark(call.endpoint->name, call.cred.store_label, true);
    if (!(r = llmc_response_alloc())) {
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        goto done;
    }
    if (resp.content_type[0] && !strcasestr(resp.content_type, "json")) {
        /* a captive portal or proxy answering 200 with a page: name that, not a JSON column */
        llmc_error_from_response(resp.status, resp.content_type, resp.body.data, resp.body.len, call.endpoint->name,
                                 err);
        rc = err ? err->code : LLMC_E_PROTOCOL;
        goto done;
    }
    rc = llmc_dialect_get(call.endpoint->info.dialect)->decode(resp.body.data, resp.body.len, r, err);
    if (rc == LLMC_OK) {
        r->provider = strdup(call.endpoint->name);
        r->request_id = strdup(resp.request_id);
        if (req->keep_raw)
            r->raw = strdup(resp.body.data ? resp.body.data : "");
        if (!r->provider || !r->request_id || (req->keep_raw && !r->raw))
            rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    } else if (err) {
        err->http_status = (int)resp.status;
        llmc_strlcpy(err->request_id, resp.request_id, sizeof err->request_id);
    }
done:
    llmc_call_finish(&call, err);
    llmc_http_response_free(&resp);
    if (rc == LLMC_OK) {
        *out = r;
        if (err && err->diagnosis.severity != LLMC_SEVERITY_WARNING)
            llmc_error_clear(err);
    } else {
        llmc_response_free(r);
    }
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
    llmc_code rc = llmc_request_add_message(req, LLMC_ROLE_USER, prompt);
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
