/* SPDX-License-Identifier: MIT */
/*
 * cause_lookup.c — finding a catalogue page the way a person names it (an id in any case, the end
 * of an id, an HTTP status), and a cause's fix written for one provider, for `llmc explain ID
 * --provider P`. The pages themselves are data in catalogue.c.
 */
#include "transport.h"
#include "diagnose.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_match(const llmc_cause_info *p, const llmc_cause_info **matches, size_t max, size_t *n,
                      const llmc_cause_info **first)
{
    if (*n == 0)
        *first = p;
    if (matches && *n < max)
        matches[*n] = p;
    (*n)++;
}

LLMC_API const llmc_cause_info *llmc_cause_info_lookup(const char *text, const llmc_cause_info **matches, size_t max,
                                                       size_t *n_matches)
{
    size_t n = 0;
    const llmc_cause_info *first = NULL;
    if (n_matches)
        *n_matches = 0;
    if (!text || !*text)
        return NULL;
    char lower[128];
    size_t len = 0;
    for (; text[len] && len < sizeof lower - 1; len++)
        lower[len] = (char)tolower((unsigned char)text[len]);
    lower[len] = '\0';
    const llmc_cause_info *exact = llmc_cause_info_find(lower);
    if (exact) {
        if (n_matches)
            *n_matches = 1;
        return exact;
    }
    bool digits = len > 0 && len <= 3;
    for (size_t i = 0; i < len; i++)
        digits = digits && isdigit((unsigned char)lower[i]);
    /* the name after the family ("whitespace" for key.whitespace) beats a mere ending, which
     * beats a word inside a name ("file" in key.file_missing) */
    for (int pass = 0; pass < 4 && n == 0; pass++) {
        for (size_t i = 0; llmc_cause_info_at(i); i++) {
            const llmc_cause_info *p = llmc_cause_info_at(i);
            const char *dot = strchr(p->id, '.');
            size_t il = strlen(p->id);
            bool hit = false;
            if (pass == 0)
                hit = digits && p->http_status == atoi(lower);
            else if (pass == 1)
                hit = !digits && dot && strcmp(dot + 1, lower) == 0;
            else if (pass == 2)
                hit = !digits && len >= 3 && il > len && strcmp(p->id + il - len, lower) == 0;
            else
                hit = !digits && len >= 3 && dot && strstr(dot + 1, lower) != NULL;
            if (hit)
                add_match(p, matches, max, &n, &first);
        }
    }
    if (n_matches)
        *n_matches = n;
    return n == 1 ? first : NULL;
}

/* "ANTHROPIC_KEY": a misspelling of "ANTHROPIC_API_KEY" to show in a generic fix. */
static void sample_misspelling(const char *key_env, char *out, size_t size)
{
    const char *suffix = key_env ? strstr(key_env, "_API_KEY") : NULL;
    if (suffix)
        snprintf(out, size, "%.*s_KEY", (int)(suffix - key_env), key_env);
    else
        snprintf(out, size, "%s_TYPO", key_env ? key_env : "KEY");
}

LLMC_API size_t llmc_cause_fix_for(const llmc_client *client, llmc_cause cause, const char *provider, char *buf,
                                   size_t size)
{
    if (buf && size)
        buf[0] = '\0';
    const llmc_cause_info *page = llmc_cause_info_get(cause);
    if (!page || !buf)
        return 0;
    const llmc_provider_info *info = NULL;
    const char *name = provider;
    for (size_t i = 0; client && provider && i < client->n_endpoints; i++)
        if (strcmp(client->endpoints[i].name, provider) == 0)
            info = &client->endpoints[i].info;
    if (!info)
        info = llmc_provider_find(provider);
    if (!info) {
        /* not a provider llmc knows: the page's own words */
        int n = snprintf(buf, size, "%s", page->fix);
        return n < 0 ? 0 : (size_t)n;
    }
    char known[400] = "", misspelled[80], store[512] = "", file_var[96];
    for (size_t i = 0; llmc_provider_at(i); i++) {
        size_t len = strlen(known);
        snprintf(known + len, sizeof known - len, "%s%s", i ? ", " : "", llmc_provider_at(i)->name);
    }
    sample_misspelling(info->key_env, misspelled, sizeof misspelled);
    snprintf(file_var, sizeof file_var, "%s_FILE", info->key_env ? info->key_env : "KEY");
    llmc_key_store_path(store, sizeof store, NULL);

    llmc_fix_ctx c = {.info = info, .name = name, .source = LLMC_SOURCE_ENV, .source_name = info->key_env};
    switch (cause) {
    case LLMC_CAUSE_KEY_VAR_MISSPELLED:
        c.source = LLMC_SOURCE_NONE;
        c.source_name = misspelled;
        break;
    case LLMC_CAUSE_KEY_FILE_PERMISSIONS:
        c.source = LLMC_SOURCE_STORE;
        c.source_name = store[0] ? store : "~/.config/llmc/keys";
        break;
    case LLMC_CAUSE_KEY_FILE_MISSING:
    case LLMC_CAUSE_KEY_FILE_UNREADABLE:
        c.source = LLMC_SOURCE_FILE;
        c.source_name = "the path";
        break;
    case LLMC_CAUSE_KEY_COMMAND_FAILED:
        c.source = LLMC_SOURCE_COMMAND;
        c.source_name = "the key command";
        break;
    case LLMC_CAUSE_MODEL_UNKNOWN_PROVIDER:
        c.source = LLMC_SOURCE_NONE;
        c.source_name = "the name typed";
        c.extra2 = known;
        break;
    case LLMC_CAUSE_MODEL_NOT_FOUND:
        c.extra = "MODEL";
        break;
    case LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER:
        c.extra = "the parameter";
        c.extra2 = "the model";
        break;
    case LLMC_CAUSE_CONFIG_BASE_URL:
        c.source_name = info->base_url_env ? info->base_url_env : "base_url in the config file";
        break;
    default:
        break;
    }
    return llmc_fix_compose(cause, &c, buf, size);
}
