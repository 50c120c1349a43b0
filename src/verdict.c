/* SPDX-License-Identifier: MIT */
/*
 * verdict.c — what a failed response means. The provider's error body says what it refused; this
 * file names the cause behind it, the way a person who knows each provider would: which key was
 * rejected and what it shadows (401), a key the provider did not receive (403 "Not
 * authenticated"), a model it does not serve — or no longer serves, and what replaced it (404), a
 * parameter the model refuses (400), a base URL that doubles /v1. It also checks a base URL is one
 * before anything is sent. Only verdicts it is sure of are given; any other failure keeps the
 * provider's own words and no cause.
 */
#include "transport.h"
#include "diagnose.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A model list older than this is fetched again (once per client) when a 404 needs it. */
#define MODELS_CACHE_MAX_AGE_S (24.0 * 3600.0)

static void diag_start(llmc_diagnosis *d, llmc_cause cause, const char *provider)
{
    memset(d, 0, sizeof *d);
    d->cause = cause;
    const llmc_cause_info *info = llmc_cause_info_get(cause);
    d->severity = info ? info->severity : LLMC_SEVERITY_ERROR;
    llmc_strlcpy(d->provider, provider, sizeof d->provider);
}

/* ---- base URLs ---- */

llmc_code llmc_base_url_check(const llmc_endpoint *ep, const char *base, const char *source, llmc_error *err)
{
    /* the base URL this thread last found good passes again without a parse */
    static _Thread_local char passed[512];
    if (passed[0] && strcmp(base, passed) == 0)
        return LLMC_OK;
    CURLU *u = curl_url();
    if (!u)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    char *scheme = NULL, *host = NULL;
    bool ok = curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host[0] &&
              (strcasecmp(scheme, "https") == 0 || strcasecmp(scheme, "http") == 0);
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    if (ok) {
        if (strlen(base) < sizeof passed)
            memcpy(passed, base, strlen(base) + 1);
        return LLMC_OK;
    }
    const char *where = source ? source : "the base URL";
    llmc_error_set(err, LLMC_E_CONFIG, "%s is not a URL llmc can send to: \"%.300s\" (it needs https:// and a host)",
                   where, base);
    if (err) {
        diag_start(&err->diagnosis, LLMC_CAUSE_CONFIG_BASE_URL, ep->name);
        llmc_strlcpy(err->diagnosis.source_name, where, sizeof err->diagnosis.source_name);
        llmc_endpoint_set_fix(ep, &err->diagnosis, NULL);
    }
    return LLMC_E_CONFIG;
}

/* A 404 that is about the path, not the model: the base URL already ends in /v1 and llmc added
 * its own, or an OpenAI-compatible base URL lacks the /v1 its servers answer under. */
static bool base_url_verdict(llmc_call *call, llmc_error *err)
{
    const char *src = call->base_url_source;
    if (!src || !call->url)
        return false;
    const char *base = llmc_endpoint_base_url(call->endpoint);
    const char *path = call->url + strlen(call->url);
    /* the part llmc appended: the URL minus the base */
    size_t blen = strlen(base);
    while (blen > 0 && base[blen - 1] == '/')
        blen--;
    if (strncmp(call->url, base, blen) == 0)
        path = call->url + blen;
    const char *variant = NULL;
    if (strstr(call->url, "/v1/v1/"))
        variant = "v1";
    else if (strncmp(path, "/v1/", 4) != 0 && !strstr(call->url, "/v1/") && !strstr(call->url, "/v1beta/") &&
             call->endpoint->info.dialect == LLMC_DIALECT_OPENAI)
        variant = "no_v1";
    if (!variant)
        return false;
    llmc_diagnosis *d = &err->diagnosis;
    diag_start(d, LLMC_CAUSE_CONFIG_BASE_URL, call->endpoint->name);
    llmc_strlcpy(d->source_name, src, sizeof d->source_name);
    snprintf(d->detail, sizeof d->detail, "the request went to %.400s", call->url);
    llmc_fix_ctx c = llmc_fix_ctx_of(d, &call->endpoint->info, call->endpoint->name);
    c.variant = variant;
    c.extra = path;
    llmc_diagnosis_set_fix(d, &c);
    return true;
}

/* ---- models ---- */

static bool about_model(const llmc_error *err)
{
    const char *m = err->message;
    if (strcasestr(err->provider_code, "model_not_found") || strcmp(err->provider_param, "model") == 0 ||
        strncmp(m, "model:", 6) == 0)
        return true;
    return strcasestr(m, "model") &&
           (strcasestr(m, "not found") || strcasestr(m, "does not exist") || strcasestr(m, "not deployed") ||
            strcasestr(m, "deprecated") || strcasestr(m, "decommissioned") || strcasestr(m, "retired"));
}

/* The model the request named: the wire model, else the one Anthropic's "model: ID" names. */
static void asked_model(const llmc_call *call, const llmc_error *err, char *out, size_t size)
{
    out[0] = '\0';
    if (call->wire_model)
        llmc_strlcpy(out, call->wire_model, size);
    else if (strncmp(err->message, "model: ", 7) == 0)
        llmc_strlcpy(out, err->message + 7, size);
}

/* Another endpoint whose cached list holds `model` exactly (a model sent to the wrong provider). */
static const char *served_elsewhere(const llmc_call *call, const char *model)
{
    const llmc_client *c = call->client;
    for (size_t i = 0; c->use_models_cache && i < c->n_endpoints; i++) {
        const llmc_endpoint *ep = &c->endpoints[i];
        if (ep == call->endpoint)
            continue;
        char **ids = NULL;
        size_t n = 0;
        llmc_models_cache_read(ep->name, 1e12, &ids, &n);
        bool found = false;
        for (size_t j = 0; j < n && !found; j++)
            found = strcmp(ids[j], model) == 0;
        llmc_models_cache_free(ids, n);
        if (found)
            return ep->name;
    }
    return NULL;
}

/* The served ids of the call's endpoint: the cache, refreshed once per client when it is missing
 * or stale. A failure to fetch is silent: the original error must stand as it is. */
static void served_models(llmc_call *call, char ***ids, size_t *n)
{
    llmc_client *c = call->client;
    llmc_endpoint *ep = call->endpoint;
    *ids = NULL;
    *n = 0;
    if (!c->use_models_cache)
        return;
    int age = llmc_models_cache_read(ep->name, MODELS_CACHE_MAX_AGE_S, ids, n);
    if (age == 0 || !call->may_fetch_models || ep->models_fetched)
        return;
    ep->models_fetched = true;
    llmc_model_info *list = NULL;
    size_t count = 0;
    llmc_error quiet;
    llmc_error_clear(&quiet);
    if (llmc_models_fetch(c, ep, true, &list, &count, &quiet) != LLMC_OK)
        return;
    llmc_models_cache_free(*ids, *n);
    *ids = calloc(count ? count : 1, sizeof **ids);
    *n = 0;
    for (size_t i = 0; *ids && i < count; i++)
        if (((*ids)[*n] = strdup(list[i].id)) != NULL)
            (*n)++;
    free(list);
}

static void model_verdict(llmc_call *call, llmc_error *err)
{
    llmc_endpoint *ep = call->endpoint;
    char model[160];
    asked_model(call, err, model, sizeof model);
    llmc_diagnosis *d = &err->diagnosis;
    diag_start(d, LLMC_CAUSE_MODEL_NOT_FOUND, ep->name);
    llmc_fix_ctx c = llmc_fix_ctx_of(d, &ep->info, ep->name);
    c.extra = model[0] ? model : "this model";

    const llmc_retired_model *r = llmc_provider_retired(&ep->info, model);
    char when[40] = "";
    bool deprecated = strcasestr(err->message, "deprecated") || strcasestr(err->message, "decommissioned") ||
                      strcasestr(err->message, "retired");
    if (r || deprecated) {
        if (r && r->retired_on)
            snprintf(when, sizeof when, " on %s", r->retired_on);
        /* the fix says it all (retired, when, instead of what): no detail to repeat it */
        c.extra3 = when;
        if (r && r->replacement) {
            llmc_strlcpy(d->suggestions, r->replacement, sizeof d->suggestions);
            c.variant = "retired_replacement";
            c.extra2 = r->replacement;
        } else {
            c.variant = "retired";
        }
        llmc_diagnosis_set_fix(d, &c);
        return;
    }
    const char *other = model[0] ? served_elsewhere(call, model) : NULL;
    if (other) {
        snprintf(d->suggestions, sizeof d->suggestions, "%s/%s", other, model);
        snprintf(d->detail, sizeof d->detail, "%s serves a model called %s", other, model);
        c.variant = "elsewhere";
        c.extra2 = other;
        llmc_diagnosis_set_fix(d, &c);
        return;
    }
    char **ids = NULL;
    size_t n = 0;
    if (model[0])
        served_models(call, &ids, &n);
    bool listed = false;
    for (size_t i = 0; i < n && !listed; i++)
        listed = strcmp(ids[i], model) == 0;
    if (listed) {
        snprintf(d->detail, sizeof d->detail, "%s lists %s among its models", llmc_endpoint_display(ep), model);
        c.variant = "listed";
    } else if (n > 0 && llmc_models_closest(ids, n, model, d->suggestions, sizeof d->suggestions, 3) > 0) {
        c.variant = "suggestions";
        c.extra2 = d->suggestions;
    }
    llmc_models_cache_free(ids, n);
    llmc_diagnosis_set_fix(d, &c);
}

/* ---- parameters ---- */

/* The name between the first pair of `open`/`close` marks in s, into out; false if none. */
static bool quoted(const char *s, char open, char close, char *out, size_t size)
{
    const char *a = strchr(s, open);
    const char *b = a ? strchr(a + 1, close) : NULL;
    if (!a || !b || b == a + 1 || (size_t)(b - a - 1) >= size)
        return false;
    memcpy(out, a + 1, (size_t)(b - a - 1));
    out[b - a - 1] = '\0';
    for (const char *p = out; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("._-[]", *p))
            return false;
    return true;
}

/* Whether a 400 says a parameter is not taken, and which: OpenAI's unsupported_parameter /
 * unsupported_value with `param`; Anthropic's "\"thinking.type.enabled\" is not supported for
 * this model." and "`temperature` is deprecated for this model."; Cerebras' wrong_api_format
 * "property '…' is unsupported" and "\"prediction\" is not currently supported". */
static bool unsupported_parameter(const llmc_error *err, char *param, size_t size)
{
    const char *m = err->message;
    param[0] = '\0';
    if (strcmp(err->provider_code, "unsupported_parameter") == 0 ||
        strcmp(err->provider_code, "unsupported_value") == 0) {
        if (err->provider_param[0])
            llmc_strlcpy(param, err->provider_param, size);
        else
            quoted(m, '\'', '\'', param, size);
        return param[0] != '\0';
    }
    if (strstr(m, "is not supported for this model") || strstr(m, "is deprecated for this model") ||
        strstr(m, "is not currently supported") || strstr(m, "not supported on this model"))
        return quoted(m, '"', '"', param, size) || quoted(m, '`', '`', param, size);
    if (strstr(m, "' is unsupported"))
        return quoted(m, '\'', '\'', param, size);
    const char *extra = strstr(m, ": Extra inputs are not permitted");
    if (extra && (size_t)(extra - m) < size) {
        memcpy(param, m, (size_t)(extra - m));
        param[extra - m] = '\0';
        return !strchr(param, ' ');
    }
    return false;
}

static void parameter_verdict(llmc_call *call, llmc_error *err, const char *param)
{
    llmc_endpoint *ep = call->endpoint;
    llmc_diagnose_parameter(&err->diagnosis, &ep->info, ep->name, call->wire_model, param, NULL, NULL);
}

/* ---- keys ---- */

static void key_verdict(llmc_call *call, llmc_error *err, llmc_cause cause, const char *variant)
{
    llmc_endpoint *ep = call->endpoint;
    llmc_diagnosis *d = &err->diagnosis;
    diag_start(d, cause, ep->name);
    d->source = call->cred.source;
    llmc_strlcpy(d->source_name, call->cred.source_name, sizeof d->source_name);
    llmc_strlcpy(d->fingerprint, call->cred.fingerprint, sizeof d->fingerprint);
    if (cause == LLMC_CAUSE_AUTH_REJECTED)
        llmc_credential_shadowed(ep, call->client->use_store, &call->cred, d->shadowed, sizeof d->shadowed);
    llmc_endpoint_set_fix(ep, d, variant);
}

void llmc_verdict(llmc_call *call, const llmc_http_response *resp, llmc_error *err)
{
    long status = resp->status;
    bool keyless = call->endpoint->info.auth == LLMC_AUTH_NONE;
    if (status == 401) {
        key_verdict(call, err, LLMC_CAUSE_AUTH_REJECTED, keyless ? "keyless" : NULL);
    } else if (status == 403) {
        /* Fireworks' control plane answers a bad key with 403 UNAUTHORIZED: that is a rejected
         * key, not a permission; Cerebras answers 403 "Not authenticated" when no key arrived. */
        if (strcmp(err->provider_code, "UNAUTHORIZED") == 0)
            key_verdict(call, err, LLMC_CAUSE_AUTH_REJECTED, keyless ? "keyless" : NULL);
        else if (!err->provider_type[0] && strcmp(err->message, "Not authenticated") == 0)
            key_verdict(call, err, LLMC_CAUSE_AUTH_FORBIDDEN, keyless ? "keyless" : "no_header");
        else
            key_verdict(call, err, LLMC_CAUSE_AUTH_FORBIDDEN, NULL);
    } else if (status == 404) {
        if (about_model(err))
            model_verdict(call, err);
        else
            base_url_verdict(call, err);
    } else if (status == 400 || status == 422) {
        char param[64];
        if (unsupported_parameter(err, param, sizeof param))
            parameter_verdict(call, err, param);
    }
}
