/* SPDX-License-Identifier: MIT */
/*
 * endpoint.c — a provider as one client sees it: where its requests go, whether the provider
 * table's key facts hold there, and the fix of a diagnosis written with its name and variables.
 */
#include "auth.h"
#include "diagnose.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *llmc_endpoint_base_url(const llmc_endpoint *ep)
{
    if (ep->base_url_override)
        return ep->base_url_override;
    const char *env = ep->info.base_url_env ? getenv(ep->info.base_url_env) : NULL;
    return env && *env ? env : ep->info.default_base_url;
}

const char *llmc_endpoint_base_url_source(const llmc_endpoint *ep)
{
    if (ep->base_url_override)
        return ep->base_url_origin ? ep->base_url_origin : "llmc_client_set_base_url";
    const char *env = ep->info.base_url_env ? getenv(ep->info.base_url_env) : NULL;
    if (env && *env)
        return ep->info.base_url_env;
    /* a custom endpoint's only base URL is the one its section gives */
    return llmc_provider_find(ep->name) ? NULL : "base_url in the config file";
}

const char *llmc_endpoint_display(const llmc_endpoint *ep)
{
    return ep->info.display_name ? ep->info.display_name : ep->name;
}

/* The host of a URL ("api.anthropic.com"), without port or user part, into out; "" if none. */
static void host_of(const char *url, char *out, size_t size)
{
    out[0] = '\0';
    const char *p = url ? strstr(url, "://") : NULL;
    if (!p)
        return;
    p += 3;
    const char *end = p + strcspn(p, "/?#");
    const char *at = memchr(p, '@', (size_t)(end - p));
    if (at)
        p = at + 1;
    size_t n;
    if (*p == '[') {
        const char *close = memchr(p, ']', (size_t)(end - p));
        n = close ? (size_t)(close - p) + 1 : (size_t)(end - p);
    } else {
        n = strcspn(p, ":/?#");
        if (p + n > end)
            n = (size_t)(end - p);
    }
    if (n >= size)
        n = size - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

static bool is_loopback_host(const char *host)
{
    return strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 || strncmp(host, "127.", 4) == 0;
}

bool llmc_endpoint_key_facts_apply(const llmc_endpoint *ep)
{
    if (!llmc_provider_find(ep->name) || !ep->info.default_base_url)
        return false; /* a custom endpoint: no facts to apply */
    char host[256], own[256];
    host_of(llmc_endpoint_base_url(ep), host, sizeof host);
    host_of(ep->info.default_base_url, own, sizeof own);
    return strcasecmp(host, own) == 0 || is_loopback_host(host);
}

void llmc_endpoint_set_fix(const llmc_endpoint *ep, llmc_diagnosis *d, const char *variant)
{
    llmc_fix_ctx c = llmc_fix_ctx_of(d, &ep->info, ep->name);
    c.variant = variant;
    llmc_diagnosis_set_fix(d, &c);
}
