/*
 * client.c — the public entry points: clients and their per-provider endpoints, model-string
 * routing, and llmc_messages_create / llmc_generate, which run the one-way pipeline
 * request → dialect encoder → transport (key attached last) → dialect decoder.
 */
#include "internal.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LLMC_DEFAULT_CONNECT_MS 5000
#define LLMC_DEFAULT_MAX_BODY (64u * 1024 * 1024)

struct llmc_client {
    llmc_endpoint *endpoints;
    size_t n_endpoints;
    size_t default_endpoint;
    CURL *curl;                    /* reused so connections are kept alive between calls */
    long connect_ms, request_ms;   /* 0: defaults */
    int max_retries;
    bool allow_insecure_http;
    char *ca_file;
    llmc_logger log;
};

llmc_code llmc_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? LLMC_OK : LLMC_E_TRANSPORT;
}

void llmc_global_cleanup(void)
{
    curl_global_cleanup();
}

static void endpoint_clear(llmc_endpoint *ep)
{
    free(ep->name);
    free(ep->base_url_override);
    free(ep->custom_base_url);
    free(ep->custom_key_env);
    llmc_secret_free(ep->explicit_key);
    memset(ep, 0, sizeof *ep);
}

llmc_client *llmc_client_new(void)
{
    llmc_client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->max_retries = 2;
    llmc_logger_default(&c->log);
    size_t n = 0;
    while (llmc_provider_at(n))
        n++;
    c->endpoints = calloc(n, sizeof *c->endpoints);
    c->curl = curl_easy_init();
    if (!c->endpoints || !c->curl)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        c->endpoints[i].info = *llmc_provider_at(i);
        if (!(c->endpoints[i].name = strdup(c->endpoints[i].info.name)))
            goto oom;
        c->n_endpoints++;
    }
    return c;
oom:
    llmc_client_free(c);
    return NULL;
}

void llmc_client_free(llmc_client *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_endpoints; i++)
        endpoint_clear(&c->endpoints[i]);
    free(c->endpoints);
    if (c->curl)
        curl_easy_cleanup(c->curl);
    free(c->ca_file);
    free(c);
}

static llmc_endpoint *find_endpoint(llmc_client *c, const char *name, size_t name_len)
{
    for (size_t i = 0; i < c->n_endpoints; i++)
        if (strlen(c->endpoints[i].name) == name_len && memcmp(c->endpoints[i].name, name, name_len) == 0)
            return &c->endpoints[i];
    return NULL;
}

static llmc_endpoint *endpoint_or_error(llmc_client *c, const char *provider, llmc_error *err)
{
    llmc_endpoint *ep = provider ? find_endpoint(c, provider, strlen(provider)) : NULL;
    if (!ep)
        llmc_error_set(err, LLMC_E_CONFIG,
                       "unknown provider \"%s\" (known: anthropic, cerebras, fireworks, openai, or an endpoint "
                       "added with llmc_client_add_endpoint)", provider ? provider : "(null)");
    return ep;
}

llmc_code llmc_client_set_default_provider(llmc_client *c, const char *provider, llmc_error *err)
{
    llmc_error_clear(err);
    if (!c)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "client is NULL");
    llmc_endpoint *ep = endpoint_or_error(c, provider, err);
    if (!ep)
        return LLMC_E_CONFIG;
    c->default_endpoint = (size_t)(ep - c->endpoints);
    return LLMC_OK;
}

llmc_code llmc_client_set_key(llmc_client *c, const char *provider, const char *key, llmc_error *err)
{
    llmc_error_clear(err);
    if (!c)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "client is NULL");
    llmc_endpoint *ep = endpoint_or_error(c, provider, err);
    if (!ep)
        return LLMC_E_CONFIG;
    llmc_secret *s = NULL;
    if (key && !(s = llmc_secret_new(key, strlen(key))))
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    llmc_secret_free(ep->explicit_key);
    ep->explicit_key = s;
    return LLMC_OK;
}

llmc_code llmc_client_set_base_url(llmc_client *c, const char *provider, const char *base_url, llmc_error *err)
{
    llmc_error_clear(err);
    if (!c)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "client is NULL");
    llmc_endpoint *ep = endpoint_or_error(c, provider, err);
    if (!ep)
        return LLMC_E_CONFIG;
    if (base_url) {
        llmc_code rc = llmc_url_check(base_url, c->allow_insecure_http, err);
        if (rc != LLMC_OK)
            return rc;
    }
    char *copy = NULL;
    if (base_url && !(copy = strdup(base_url)))
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    free(ep->base_url_override);
    ep->base_url_override = copy;
    return LLMC_OK;
}

llmc_code llmc_client_add_endpoint(llmc_client *c, const char *name, const char *base_url, const char *key_env,
                                   llmc_error *err)
{
    llmc_error_clear(err);
    if (!c || !name || !*name || strchr(name, '/') || !base_url || !key_env || !*key_env)
        return llmc_error_set(err, LLMC_E_INVALID_ARG,
                              "an endpoint needs a name without '/', a base URL and a key variable");
    llmc_code rc = llmc_url_check(base_url, c->allow_insecure_http, err);
    if (rc != LLMC_OK)
        return rc;
    llmc_endpoint ep = {0};
    ep.info = *llmc_provider_find("openai");
    ep.name = strdup(name);
    ep.custom_base_url = strdup(base_url);
    ep.custom_key_env = strdup(key_env);
    if (!ep.name || !ep.custom_base_url || !ep.custom_key_env) {
        endpoint_clear(&ep);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    ep.info.name = ep.name;
    ep.info.default_base_url = ep.custom_base_url;
    ep.info.base_url_env = NULL;
    ep.info.key_env = ep.custom_key_env;
    ep.info.key_prefixes = NULL;
    llmc_endpoint *existing = find_endpoint(c, name, strlen(name));
    if (existing) {
        endpoint_clear(existing);
        *existing = ep;
        return LLMC_OK;
    }
    llmc_endpoint *grown = realloc(c->endpoints, (c->n_endpoints + 1) * sizeof *grown);
    if (!grown) {
        endpoint_clear(&ep);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    c->endpoints = grown;
    c->endpoints[c->n_endpoints++] = ep;
    return LLMC_OK;
}

void llmc_client_set_timeouts(llmc_client *c, long connect_ms, long request_ms)
{
    if (!c)
        return;
    c->connect_ms = connect_ms > 0 ? connect_ms : 0;
    c->request_ms = request_ms > 0 ? request_ms : 0;
}

void llmc_client_allow_insecure_http(llmc_client *c, int allow)
{
    if (c)
        c->allow_insecure_http = allow != 0;
}

void llmc_client_set_max_retries(llmc_client *c, int max_retries)
{
    if (c)
        c->max_retries = max_retries < 0 ? 0 : max_retries;
}

llmc_code llmc_client_set_ca_file(llmc_client *c, const char *path, llmc_error *err)
{
    llmc_error_clear(err);
    if (!c)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "client is NULL");
    char *copy = NULL;
    if (path && !(copy = strdup(path)))
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    free(c->ca_file);
    c->ca_file = copy;
    return LLMC_OK;
}

void llmc_client_set_log(llmc_client *c, llmc_log_fn fn, void *userdata, llmc_log_level min_level)
{
    if (!c)
        return;
    if (!fn) {
        llmc_logger_default(&c->log);
        return;
    }
    c->log = (llmc_logger){fn, userdata, min_level, true};
}

/* ---- routing ---- */

/* "provider/model" → endpoint + wire model; a model without a known provider goes to the default. */
static llmc_endpoint *route(llmc_client *c, const char *model, const char **wire_model, llmc_error *err)
{
    if (!model || !*model) {
        llmc_error_set(err, LLMC_E_CONFIG, "no model given (use provider/model, e.g. anthropic/claude-sonnet-4-5)");
        return NULL;
    }
    const char *slash = strchr(model, '/');
    llmc_endpoint *ep = slash ? find_endpoint(c, model, (size_t)(slash - model)) : NULL;
    *wire_model = ep ? slash + 1 : model;
    if (!ep)
        ep = &c->endpoints[c->default_endpoint];
    if (!**wire_model) {
        llmc_error_set(err, LLMC_E_CONFIG, "model \"%s\" names a provider but no model", model);
        return NULL;
    }
    return ep;
}

/* The base URL in force: setter, then the SDK's variable, then the default. */
static const char *base_url_of(const llmc_endpoint *ep)
{
    if (ep->base_url_override)
        return ep->base_url_override;
    const char *env = ep->info.base_url_env ? getenv(ep->info.base_url_env) : NULL;
    return env && *env ? env : ep->info.default_base_url;
}

static char *join_url(const char *base, const char *path)
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

static void transport_opts_for(const llmc_client *c, const llmc_endpoint *ep, llmc_transport_opts *o)
{
    o->connect_ms = c->connect_ms ? c->connect_ms : LLMC_DEFAULT_CONNECT_MS;
    o->request_ms = c->request_ms ? c->request_ms : ep->info.default_timeout_ms;
    o->max_retries = c->max_retries;
    o->allow_insecure_http = c->allow_insecure_http;
    o->ca_file = c->ca_file;
    if (!o->ca_file) {
        /* the variables curl's own tool honours, so a CA that works for curl works here */
        const char *env = getenv("CURL_CA_BUNDLE");
        o->ca_file = env && *env ? env : NULL;
    }
    o->max_body = LLMC_DEFAULT_MAX_BODY;
    o->log = &c->log;
}

/* Remove every copy of the key's bytes from the error's text fields: a provider or proxy may
 * echo what it received, and errors end up in logs. */
static void scrub_error(llmc_error *err, const llmc_credential *cred)
{
    if (!err || !cred->secret || llmc_secret_len(cred->secret) < 4)
        return;
    const char *key = llmc_secret_bytes(cred->secret);
    size_t klen = llmc_secret_len(cred->secret);
    char *fields[] = {err->message, err->provider_type, err->provider_code, err->request_id,
                      err->diagnosis.detail};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        for (char *p; (p = strstr(fields[i], key)) != NULL;) {
            memmove(p + 10, p + klen, strlen(p + klen) + 1);
            memcpy(p, "[REDACTED]", 10);
        }
    llmc_redact(err->message);
}

static llmc_cause cause_for_status(long status)
{
    return status == 401 ? LLMC_CAUSE_AUTH_REJECTED : status == 403 ? LLMC_CAUSE_AUTH_FORBIDDEN : LLMC_CAUSE_NONE;
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
    if (req->n_messages == 0)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "the request has no messages");
    const char *wire_model;
    llmc_endpoint *ep = route(c, req->model, &wire_model, err);
    if (!ep)
        return LLMC_E_CONFIG;
    if (err)
        llmc_strlcpy(err->provider, ep->name, sizeof err->provider);

    llmc_credential cred;
    llmc_code rc = llmc_credential_resolve(ep, &cred, err);
    if (rc != LLMC_OK) {
        llmc_credential_clear(&cred);
        return rc;
    }
    if (err && err->diagnosis.severity == LLMC_SEVERITY_WARNING)
        llmc_logf(&c->log, LLMC_LOG_WARN, "%s key from %s %s: %s", ep->name, llmc_key_source_name(cred.source),
                  cred.source_name, err->diagnosis.detail);

    bool anthropic = ep->info.dialect == LLMC_DIALECT_ANTHROPIC;
    char *body = anthropic ? llmc_anthropic_encode(req, wire_model, err) : llmc_openai_encode(req, wire_model, err);
    char *url = join_url(base_url_of(ep), ep->info.messages_path);
    llmc_http_response resp = {0};
    llmc_response *r = NULL;
    if (!body || !url) {
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        goto done;
    }
    static const char *const anthropic_headers[] = {"content-type: application/json",
                                                    "accept: application/json",
                                                    "anthropic-version: 2023-06-01", NULL};
    static const char *const openai_headers[] = {"content-type: application/json", "accept: application/json", NULL};
    llmc_transport_opts opts;
    transport_opts_for(c, ep, &opts);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    llmc_logf(&c->log, LLMC_LOG_INFO, "POST %s (model %s; key from %s %s, %s)", url, wire_model,
              llmc_key_source_name(cred.source), cred.source_name, cred.fingerprint);
    rc = llmc_http_send(c->curl, &opts, "POST", url, anthropic ? anthropic_headers : openai_headers, &cred,
                        ep->info.auth, body, strlen(body), &resp, err);
    if (rc != LLMC_OK)
        goto done;
    llmc_logf(&c->log, LLMC_LOG_INFO, "HTTP %ld from %s in %.1f ms (request id %s)", resp.status, ep->name,
              elapsed_ms(&t0), resp.request_id[0] ? resp.request_id : "none");
    if (resp.status < 200 || resp.status >= 300) {
        int attempts = err ? err->attempts : 0;
        llmc_error_from_response(resp.status, resp.content_type, resp.body.data, resp.body.len, ep->name, err);
        if (err) {
            err->attempts = attempts;
            err->retry_after = resp.retry_after_s;
            if (!err->request_id[0])
                llmc_strlcpy(err->request_id, resp.request_id, sizeof err->request_id);
            if (resp.status >= 300 && resp.status < 400)
                llmc_error_set(err, LLMC_E_INSECURE,
                               "refused to follow a redirect (HTTP %ld to %s): it would carry the API key to "
                               "another address; set the base URL to the final address instead",
                               resp.status, resp.location[0] ? resp.location : "an unnamed location");
            llmc_cause cause = cause_for_status(resp.status);
            if (cause != LLMC_CAUSE_NONE)
                llmc_credential_describe(&cred, ep->name, cause, err);
            rc = err->code;
        } else {
            rc = llmc_code_for_status(resp.status);
        }
        goto done;
    }
    if (!(r = llmc_response_alloc())) {
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        goto done;
    }
    rc = anthropic ? llmc_anthropic_decode(resp.body.data, resp.body.len, r, err)
                   : llmc_openai_decode(resp.body.data, resp.body.len, r, err);
    if (rc == LLMC_OK) {
        r->provider = strdup(ep->name);
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
    scrub_error(err, &cred);
    llmc_credential_clear(&cred);
    llmc_http_response_free(&resp);
    free(body);
    free(url);
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
