/* SPDX-License-Identifier: MIT */
/*
 * route.c — the one place a model string is turned into an endpoint and a wire model, for calls,
 * streams, batches and llmc_client_route alike: aliases first, then "provider/model", then the
 * default provider for a model without '/'. A prefix that names no provider is an error before
 * anything is sent — never a model sent to the default provider — and the error lists what is
 * known with a "did you mean".
 */
#include "transport.h"
#include "diagnose.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The closest name to `typed` among the endpoints and aliases, or NULL when none is close: the
 * same name in another case, or a few edits away (fewer for short names). */
static const char *closest_name(const llmc_client *c, const char *typed)
{
    size_t len = strlen(typed), limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < c->n_endpoints + c->n_aliases; i++) {
        const char *name = i < c->n_endpoints ? c->endpoints[i].name : c->aliases[i - c->n_endpoints].key;
        size_t d = strcasecmp(name, typed) == 0 ? 0 : llmc_edit_distance(name, typed);
        if (d < best_d) {
            best_d = d;
            best = name;
        }
    }
    return best_d <= limit ? best : NULL;
}

/* "anthropic, cerebras, fireworks, openai; endpoints: groq; aliases: fast" */
static void known_names(const llmc_client *c, char *out, size_t size, bool with_kinds)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < c->n_endpoints && len < size; i++) {
        bool custom = !llmc_provider_find(c->endpoints[i].name);
        bool first_custom = custom && (i == 0 || llmc_provider_find(c->endpoints[i - 1].name));
        const char *sep = i == 0 ? "" : (with_kinds && first_custom) ? "; endpoints: " : ", ";
        len += (size_t)snprintf(out + len, size - len, "%s%s", sep, c->endpoints[i].name);
    }
    for (size_t i = 0; i < c->n_aliases && len < size; i++)
        len += (size_t)snprintf(out + len, size - len, "%s%s", i == 0 ? (with_kinds ? "; aliases: " : ", ") : ", ",
                                c->aliases[i].key);
}

/* Whether a word may be repeated in a message: short and made of the characters of provider and
 * endpoint names. A key typed where a provider goes (`llmc -m "$KEY/x"`, `[provider sk-…]`) is
 * not, and must never be echoed into an error. */
static bool name_shaped(const char *s, size_t n)
{
    if (n == 0 || n > 24)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("_-.", s[i]))
            return false;
    return true;
}

llmc_code llmc_unknown_provider(llmc_client *c, const char *name, size_t name_len, const char *model, llmc_error *err)
{
    if (!name_shaped(name, name_len)) {
        char known[600];
        known_names(c, known, sizeof known, true);
        llmc_error_set(err, LLMC_E_CONFIG,
                       "unknown provider (%zu characters, not shown: it may be a secret) (known providers: %s)",
                       name_len, known);
        if (!err)
            return LLMC_E_CONFIG;
        llmc_diagnosis *d = &err->diagnosis;
        memset(d, 0, sizeof *d);
        d->cause = LLMC_CAUSE_MODEL_UNKNOWN_PROVIDER;
        d->severity = LLMC_SEVERITY_ERROR;
        snprintf(d->detail, sizeof d->detail, "known providers: %.480s", known);
        snprintf(d->fix, sizeof d->fix,
                 "Start the model with a provider llmc knows (%.600s), as provider/model; if what you typed there "
                 "was a key, treat it as exposed (it may be in your shell history) and rotate it.",
                 known);
        return LLMC_E_CONFIG;
    }
    char typed[64];
    snprintf(typed, sizeof typed, "%.*s", (int)(name_len < sizeof typed ? name_len : sizeof typed - 1), name);
    char known[600], plain[600];
    known_names(c, known, sizeof known, true);
    known_names(c, plain, sizeof plain, false);
    const char *near = closest_name(c, typed);
    char mean[96] = "";
    if (near)
        snprintf(mean, sizeof mean, "; did you mean \"%s\"?", near);
    if (model)
        llmc_error_set(err, LLMC_E_CONFIG, "unknown provider \"%s\" in the model \"%.300s\"%s (known providers: %s)",
                       typed, model, mean, known);
    else
        llmc_error_set(err, LLMC_E_CONFIG, "unknown provider \"%s\"%s (known providers: %s)", typed, mean, known);
    if (!err)
        return LLMC_E_CONFIG;
    llmc_diagnosis *d = &err->diagnosis;
    memset(d, 0, sizeof *d);
    d->cause = LLMC_CAUSE_MODEL_UNKNOWN_PROVIDER;
    d->severity = LLMC_SEVERITY_ERROR;
    llmc_strlcpy(d->source_name, typed, sizeof d->source_name);
    if (near)
        llmc_strlcpy(d->suggestions, near, sizeof d->suggestions);
    snprintf(d->detail, sizeof d->detail, "known providers: %.480s", known);
    /* the model string as it was probably meant: the close name, then the rest as typed */
    char meant[400] = "";
    if (near && model)
        snprintf(meant, sizeof meant, "%s%s", near, model + name_len);
    else if (near)
        snprintf(meant, sizeof meant, "%s", near);
    llmc_fix_ctx fc = llmc_fix_ctx_of(d, NULL, NULL);
    fc.variant = near ? "suggestion" : NULL;
    fc.extra = meant;
    fc.extra2 = plain;
    llmc_diagnosis_set_fix(d, &fc);
    return LLMC_E_CONFIG;
}

/* A model string that names a provider and nothing after it. */
static llmc_code no_model(llmc_endpoint *ep, const char *model, llmc_error *err)
{
    llmc_error_set(err, LLMC_E_CONFIG, "the model \"%.300s\" names the provider %s but no model", model, ep->name);
    if (err) {
        llmc_diagnosis *d = &err->diagnosis;
        memset(d, 0, sizeof *d);
        d->cause = LLMC_CAUSE_MODEL_UNKNOWN_PROVIDER;
        d->severity = LLMC_SEVERITY_ERROR;
        llmc_strlcpy(d->provider, ep->name, sizeof d->provider);
        llmc_strlcpy(d->source_name, ep->name, sizeof d->source_name);
        llmc_endpoint_set_fix(ep, d, "no_model");
    }
    return LLMC_E_CONFIG;
}

llmc_endpoint *llmc_route(llmc_client *c, const char *model, llmc_endpoint *fallback, const char **wire_model,
                          llmc_error *err)
{
    *wire_model = NULL;
    if (!model || !*model) {
        llmc_error_set(err, LLMC_E_CONFIG, "no model given (use provider/model, e.g. anthropic/claude-sonnet-4-6)");
        return NULL;
    }
    /* Aliases may name aliases; one that comes back to itself would never end. */
    const char *m = model;
    for (size_t hops = 0;; hops++) {
        const char *target = NULL;
        for (size_t i = 0; i < c->n_aliases && !target; i++)
            if (strcmp(c->aliases[i].key, m) == 0)
                target = c->aliases[i].value;
        if (!target)
            break;
        if (hops >= c->n_aliases || strcmp(target, model) == 0) {
            llmc_error_set(err, LLMC_E_CONFIG, "the alias \"%.200s\" names itself (through the config file's aliases)",
                           model);
            if (err) {
                llmc_diagnosis *d = &err->diagnosis;
                memset(d, 0, sizeof *d);
                d->cause = LLMC_CAUSE_MODEL_UNKNOWN_PROVIDER;
                d->severity = LLMC_SEVERITY_ERROR;
                llmc_strlcpy(d->source_name, model, sizeof d->source_name);
                llmc_fix_ctx fc = llmc_fix_ctx_of(d, NULL, NULL);
                fc.variant = "loop";
                llmc_diagnosis_set_fix(d, &fc);
            }
            return NULL;
        }
        m = target;
    }
    const char *slash = strchr(m, '/');
    if (!slash) {
        /* a bare provider name is a model string with its model left out */
        llmc_endpoint *named = llmc_client_endpoint(c, m, strlen(m));
        if (named) {
            no_model(named, m, err);
            return NULL;
        }
        *wire_model = m;
        return fallback ? fallback : &c->endpoints[c->default_endpoint];
    }
    llmc_endpoint *ep = llmc_client_endpoint(c, m, (size_t)(slash - m));
    if (!ep) {
        llmc_unknown_provider(c, m, (size_t)(slash - m), m, err);
        return NULL;
    }
    if (!slash[1]) {
        no_model(ep, m, err);
        return NULL;
    }
    *wire_model = slash + 1;
    return ep;
}

llmc_endpoint *llmc_endpoint_named(llmc_client *c, const char *name, llmc_error *err)
{
    llmc_endpoint *ep = name ? llmc_client_endpoint(c, name, strlen(name)) : NULL;
    if (!ep)
        llmc_unknown_provider(c, name ? name : "(null)", name ? strlen(name) : 6, NULL, err);
    return ep;
}

llmc_code llmc_client_route(llmc_client *c, const char *model, char *provider, size_t provider_size, char *wire_model,
                            size_t wire_size, llmc_error *err)
{
    llmc_error_clear(err);
    if (provider && provider_size)
        provider[0] = '\0';
    if (wire_model && wire_size)
        wire_model[0] = '\0';
    if (!c)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "client is NULL");
    const char *wire = NULL;
    llmc_endpoint *ep = llmc_route(c, model, NULL, &wire, err);
    if (!ep)
        return err ? err->code : LLMC_E_CONFIG;
    if (provider && provider_size)
        llmc_strlcpy(provider, ep->name, provider_size);
    if (wire_model && wire_size)
        llmc_strlcpy(wire_model, wire, wire_size);
    return LLMC_OK;
}
