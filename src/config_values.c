/* SPDX-License-Identifier: MIT */
/*
 * config_values.c — the configuration file's settings that the library reads but does not act
 * on itself (an application's templates, prices and switches, an alias's system prompt): kept
 * per client as (section kind, section name, key) → value, so the one parser in config.c checks
 * the whole file and applications never parse it a second time.
 */
#include "transport.h"

#include <stdlib.h>
#include <string.h>

typedef struct llmc_setting {
    char *kind, *name, *key, *value; /* kind and name are "" for the top of the file */
} llmc_setting;

struct llmc_settings {
    llmc_setting *items;
    size_t n;
};

static bool same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

void llmc_settings_free(llmc_settings *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->items[i].kind);
        free(s->items[i].name);
        free(s->items[i].key);
        free(s->items[i].value);
    }
    free(s->items);
    free(s);
}

llmc_code llmc_settings_put(llmc_client *c, const char *kind, const char *name, const char *key, const char *value)
{
    if (!c->settings && !(c->settings = calloc(1, sizeof *c->settings)))
        return LLMC_E_NOMEM;
    llmc_settings *s = c->settings;
    char *v = strdup(value);
    if (!v)
        return LLMC_E_NOMEM;
    for (size_t i = 0; i < s->n; i++)
        if (same(s->items[i].kind, kind) && same(s->items[i].name, name) && same(s->items[i].key, key)) {
            free(s->items[i].value); /* a later line wins, as for every other setting */
            s->items[i].value = v;
            return LLMC_OK;
        }
    llmc_setting *grown = realloc(s->items, (s->n + 1) * sizeof *grown);
    if (!grown) {
        free(v);
        return LLMC_E_NOMEM;
    }
    s->items = grown;
    llmc_setting e = {strdup(kind ? kind : ""), strdup(name ? name : ""), strdup(key), v};
    if (!e.kind || !e.name || !e.key) {
        free(e.kind);
        free(e.name);
        free(e.key);
        free(v);
        return LLMC_E_NOMEM;
    }
    s->items[s->n++] = e;
    return LLMC_OK;
}

const char *llmc_client_config_value(const llmc_client *c, const char *kind, const char *name, const char *key)
{
    if (!c || !c->settings || !key)
        return NULL;
    for (size_t i = 0; i < c->settings->n; i++) {
        const llmc_setting *e = &c->settings->items[i];
        if (same(e->kind, kind) && same(e->name, name) && strcmp(e->key, key) == 0)
            return e->value;
    }
    return NULL;
}

const char *llmc_client_config_section_at(const llmc_client *c, const char *kind, size_t index)
{
    if (!c || !c->settings || !kind || !*kind)
        return NULL;
    /* distinct names of this kind, in the order they first appear */
    size_t seen = 0;
    for (size_t i = 0; i < c->settings->n; i++) {
        const llmc_setting *e = &c->settings->items[i];
        if (strcmp(e->kind, kind) != 0)
            continue;
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            if (strcmp(c->settings->items[j].kind, kind) == 0 && strcmp(c->settings->items[j].name, e->name) == 0)
                first = false;
        if (first && seen++ == index)
            return e->name;
    }
    return NULL;
}
