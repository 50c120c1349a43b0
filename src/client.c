/* SPDX-License-Identifier: MIT */
/*
 * client.c — clients and their per-provider endpoints: keys, base URLs, custom OpenAI-compatible
 * endpoints, timeouts, retries, TLS trust and logging. The calls themselves are in call.c.
 */
#include "engine.h"
#include "secret.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    llmc_endpoint_forget_checked(ep);
    free(ep->name);
    free(ep->base_url_override);
    free(ep->custom_base_url);
    free(ep->custom_key_env);
    llmc_secret_free(ep->explicit_key);
    free(ep->stored_label);
    llmc_secret_free(ep->command_key);
    for (size_t i = 0; ep->key_command && ep->key_command[i]; i++)
        free(ep->key_command[i]);
    free(ep->key_command);
    memset(ep, 0, sizeof *ep);
}

llmc_client *llmc_client_new(void)
{
    llmc_client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->max_retries = 2;
    c->use_store = true;
    c->use_models_cache = true;
    llmc_logger_default(&c->log);
    size_t n = 0;
    while (llmc_provider_at(n))
        n++;
    c->endpoints = calloc(n, sizeof *c->endpoints);
    c->engine = llmc_engine_new(&c->log);
    if (!c->endpoints || !c->engine)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        c->endpoints[i].info = *llmc_provider_at(i);
        c->endpoints[i].key_auth = c->endpoints[i].info.auth;
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
    llmc_engine_free(c->engine);
    free(c->ca_file);
    free(c->default_model);
    for (size_t i = 0; i < c->n_aliases; i++) {
        free(c->aliases[i].key);
        free(c->aliases[i].value);
    }
    free(c->aliases);
    free(c->anthropic_version);
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < 4; i++)
            free(c->anthropic_headers[k][i]);
    llmc_settings_free(c->settings);
    free(c);
}

llmc_endpoint *llmc_client_endpoint(llmc_client *c, const char *name, size_t name_len)
{
    for (size_t i = 0; i < c->n_endpoints; i++)
        if (strlen(c->endpoints[i].name) == name_len && memcmp(c->endpoints[i].name, name, name_len) == 0)
            return &c->endpoints[i];
    return NULL;
}

/* The start of every per-provider setter: clear err, check the client, find the endpoint. */
static llmc_endpoint *setter_target(llmc_client *c, const char *provider, llmc_code *rc, llmc_error *err)
{
    llmc_error_clear(err);
    if (!c) {
        *rc = llmc_error_set(err, LLMC_E_INVALID_ARG, "client is NULL");
        return NULL;
    }
    llmc_endpoint *ep = llmc_endpoint_named(c, provider, err);
    *rc = ep ? LLMC_OK : LLMC_E_CONFIG;
    return ep;
}

llmc_code llmc_client_set_default_provider(llmc_client *c, const char *provider, llmc_error *err)
{
    llmc_code rc;
    llmc_endpoint *ep = setter_target(c, provider, &rc, err);
    if (!ep)
        return rc;
    c->default_endpoint = (size_t)(ep - c->endpoints);
    return LLMC_OK;
}

llmc_code llmc_client_set_key(llmc_client *c, const char *provider, const char *key, llmc_error *err)
{
    llmc_code rc;
    llmc_endpoint *ep = setter_target(c, provider, &rc, err);
    if (!ep)
        return rc;
    llmc_secret *s = NULL;
    if (key && !(s = llmc_secret_new(key, strlen(key))))
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    llmc_secret_free(ep->explicit_key);
    ep->explicit_key = s;
    return LLMC_OK;
}

llmc_code llmc_client_set_base_url(llmc_client *c, const char *provider, const char *base_url, llmc_error *err)
{
    llmc_code rc;
    llmc_endpoint *ep = setter_target(c, provider, &rc, err);
    if (!ep)
        return rc;
    if (base_url) {
        rc = llmc_url_check(base_url, c->allow_insecure_http || ep->allow_insecure_http, err);
        if (rc != LLMC_OK) {
            if (err && err->diagnosis.cause != LLMC_CAUSE_NONE) {
                llmc_strlcpy(err->diagnosis.provider, ep->name, sizeof err->diagnosis.provider);
                llmc_strlcpy(err->diagnosis.source_name, "the base URL given", sizeof err->diagnosis.source_name);
                llmc_endpoint_set_fix(ep, &err->diagnosis, NULL);
            }
            return rc;
        }
    }
    char *copy = NULL;
    if (base_url && !(copy = strdup(base_url)))
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    free(ep->base_url_override);
    ep->base_url_override = copy;
    ep->base_url_origin = NULL;
    return LLMC_OK;
}

llmc_code llmc_client_add_endpoint(llmc_client *c, const char *name, const char *base_url, const char *key_env,
                                   llmc_error *err)
{
    llmc_error_clear(err);
    if (!c || !name || !*name || strchr(name, '/') || !base_url || (key_env && !*key_env))
        return llmc_error_set(err, LLMC_E_INVALID_ARG,
                              "an endpoint needs a name without '/', a base URL, and a key variable unless it takes "
                              "no key");
    if (llmc_provider_find(name))
        return llmc_error_set(err, LLMC_E_INVALID_ARG,
                              "\"%s\" is a built-in provider: change it in a [provider %s] section, not an endpoint",
                              name, name);
    llmc_endpoint *existing = llmc_client_endpoint(c, name, strlen(name));
    bool allow = c->allow_insecure_http || (existing && existing->allow_insecure_http);
    llmc_code rc = llmc_url_check(base_url, allow, err);
    if (rc != LLMC_OK) {
        if (err && err->diagnosis.cause == LLMC_CAUSE_TRANSPORT_INSECURE) {
            /* written for this endpoint: its name, and whether a key would travel at all */
            llmc_endpoint tmp = {0};
            tmp.info = *llmc_provider_custom_template();
            tmp.name = (char *)name;
            tmp.info.name = name;
            tmp.info.key_env = key_env;
            llmc_strlcpy(err->diagnosis.provider, name, sizeof err->diagnosis.provider);
            llmc_endpoint_set_fix(&tmp, &err->diagnosis, key_env ? NULL : "keyless");
            if (!key_env)
                llmc_error_set(err, LLMC_E_INSECURE,
                               "plain http:// to a host that is not this machine (%.300s): the prompt and the reply "
                               "would cross the network unencrypted (no key is sent: auth = none)",
                               base_url);
        }
        return rc;
    }
    llmc_endpoint ep = {0};
    ep.info = *llmc_provider_custom_template();
    ep.name = strdup(name);
    ep.custom_base_url = strdup(base_url);
    ep.custom_key_env = key_env ? strdup(key_env) : NULL;
    if (!ep.name || !ep.custom_base_url || (key_env && !ep.custom_key_env)) {
        endpoint_clear(&ep);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    ep.info.name = ep.name;
    ep.info.default_base_url = ep.custom_base_url;
    ep.info.key_env = ep.custom_key_env;
    ep.key_auth = ep.info.auth;
    if (!key_env)
        ep.info.auth = LLMC_AUTH_NONE; /* no key to find, none to send */
    if (existing) {
        ep.allow_insecure_http = existing->allow_insecure_http;
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

llmc_code llmc_client_set_keyless(llmc_client *c, const char *provider, int keyless, llmc_error *err)
{
    llmc_code rc;
    llmc_endpoint *ep = setter_target(c, provider, &rc, err);
    if (!ep)
        return rc;
    if (!keyless && !ep->info.key_env)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "%s has no key variable (key_env): it can only be keyless",
                              ep->name);
    ep->info.auth = keyless ? LLMC_AUTH_NONE : ep->key_auth;
    return LLMC_OK;
}

llmc_code llmc_client_allow_insecure_http_for(llmc_client *c, const char *provider, int allow, llmc_error *err)
{
    llmc_code rc;
    llmc_endpoint *ep = setter_target(c, provider, &rc, err);
    if (!ep)
        return rc;
    ep->allow_insecure_http = allow != 0;
    return LLMC_OK;
}

void llmc_client_use_models_cache(llmc_client *c, int use)
{
    if (c)
        c->use_models_cache = use != 0;
}

void llmc_client_set_timeouts(llmc_client *c, long connect_ms, long request_ms)
{
    if (!c)
        return;
    c->connect_ms = connect_ms > 0 ? connect_ms : 0;
    c->request_ms = request_ms > 0 ? request_ms : 0;
}

void llmc_client_set_total_timeout(llmc_client *c, long total_ms)
{
    if (c)
        c->total_ms = total_ms > 0 ? total_ms : 0;
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

void llmc_client_use_key_store(llmc_client *c, int use)
{
    if (c)
        c->use_store = use != 0;
}

const char *llmc_client_provider_at(const llmc_client *c, size_t index)
{
    return c && index < c->n_endpoints ? c->endpoints[index].name : NULL;
}

const char *llmc_client_default_model(const llmc_client *c)
{
    return c ? c->default_model : NULL;
}

int llmc_client_alias_at(const llmc_client *c, size_t index, const char **name, const char **model)
{
    if (!c || index >= c->n_aliases)
        return 0;
    if (name)
        *name = c->aliases[index].key;
    if (model)
        *model = c->aliases[index].value;
    return 1;
}

llmc_code llmc_client_set_key_command(llmc_client *c, const char *provider, const char *const *argv, long timeout_ms,
                                      long ttl_ms, llmc_error *err)
{
    llmc_code rc;
    llmc_endpoint *ep = setter_target(c, provider, &rc, err);
    if (!ep)
        return rc;
    size_t n = 0;
    while (argv && argv[n])
        n++;
    if (argv && (n == 0 || !*argv[0]))
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a key command needs a program to run");
    char **copy = NULL;
    if (argv) {
        if (!(copy = calloc(n + 1, sizeof *copy)))
            return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        for (size_t i = 0; i < n; i++)
            if (!(copy[i] = strdup(argv[i]))) {
                for (size_t j = 0; j < i; j++)
                    free(copy[j]);
                free(copy);
                return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
            }
    }
    for (size_t i = 0; ep->key_command && ep->key_command[i]; i++)
        free(ep->key_command[i]);
    free(ep->key_command);
    ep->key_command = copy;
    ep->key_command_timeout_ms = timeout_ms > 0 ? timeout_ms : 10000;
    ep->key_command_ttl_ms = ttl_ms > 0 ? ttl_ms : 3600000;
    llmc_secret_free(ep->command_key);
    ep->command_key = NULL;
    return LLMC_OK;
}

llmc_code llmc_client_use_stored_key(llmc_client *c, const char *provider, const char *label, llmc_error *err)
{
    llmc_code rc;
    llmc_endpoint *ep = setter_target(c, provider, &rc, err);
    if (!ep)
        return rc;
    if (label) {
        size_t count = 0;
        llmc_stored_key keys[64];
        rc = llmc_key_store_list(provider, keys, 64, &count, err);
        if (rc != LLMC_OK)
            return rc;
        bool found = false;
        for (size_t i = 0; i < count && i < 64 && !found; i++)
            found = strcmp(keys[i].label, label) == 0;
        if (!found) {
            llmc_error_set(err, LLMC_E_NOT_FOUND, "no stored %s key is labelled \"%s\"", provider, label);
            if (err) {
                err->diagnosis.cause = LLMC_CAUSE_KEY_MISSING;
                err->diagnosis.severity = LLMC_SEVERITY_ERROR;
                err->diagnosis.source = LLMC_SOURCE_STORE;
                llmc_strlcpy(err->diagnosis.provider, ep->name, sizeof err->diagnosis.provider);
                llmc_strlcpy(err->diagnosis.source_name, label, sizeof err->diagnosis.source_name);
                llmc_endpoint_set_fix(ep, &err->diagnosis, "label");
            }
            return LLMC_E_NOT_FOUND;
        }
    }
    char *copy = NULL;
    if (label && !(copy = strdup(label)))
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    free(ep->stored_label);
    ep->stored_label = copy;
    return LLMC_OK;
}

void llmc_client_set_max_response_bytes(llmc_client *c, size_t max_bytes)
{
    if (c)
        c->max_body = max_bytes;
}

void llmc_client_set_stream_idle_timeout(llmc_client *c, long idle_ms)
{
    if (c)
        c->idle_ms = idle_ms > 0 ? idle_ms : 0;
}
