/* SPDX-License-Identifier: MIT */
/*
 * models.c — the models list: Anthropic's pages ({data, has_more, last_id}, fetched with
 * after_id until done) and the OpenAI-compatible single list, as one array of plain records,
 * written to the models cache (models_cache.c) each time it is fetched whole.
 */
#include "transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PAGES 100
/* The list fetched to suggest models after a 404 must not hold the error up for long. */
#define QUICK_MODELS_MS 5000

/* `id` escaped for a query string (everything but unreserved characters as %XX). */
static void query_escape(const char *id, char *out, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)id; *p && n + 4 < size; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
            out[n++] = (char)*p;
        } else {
            out[n++] = '%';
            out[n++] = hex[*p >> 4];
            out[n++] = hex[*p & 15];
        }
    }
    out[n] = '\0';
}

static void copy_field(json_t *item, const char *key, char *dst, size_t size)
{
    json_t *v = json_object_get(item, key);
    if (json_is_string(v))
        llmc_strlcpy(dst, json_string_value(v), size);
    else if (json_is_integer(v))
        snprintf(dst, size, "%lld", (long long)json_integer_value(v));
}

/* Append one page's `data` to the list; returns the page's `has_more` and fills last_id. */
static llmc_code add_page(const llmc_http_response *resp, llmc_model_info **list, size_t *n, bool *more, char *last_id,
                          size_t last_size, llmc_error *err)
{
    json_t *root = llmc_json_parse(resp->body.data, resp->body.len, "models list", err);
    if (!root)
        return err ? err->code : LLMC_E_PROTOCOL;
    json_t *data = json_object_get(root, "data");
    llmc_code rc = LLMC_OK;
    if (!json_is_array(data)) {
        rc = llmc_error_set(err, LLMC_E_PROTOCOL, "models list: expected an object with a data array");
        goto done;
    }
    llmc_model_info *grown = realloc(*list, (*n + json_array_size(data) + 1) * sizeof *grown);
    if (!grown) {
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        goto done;
    }
    *list = grown;
    size_t i;
    json_t *item;
    json_array_foreach(data, i, item)
    {
        if (!json_is_string(json_object_get(item, "id")))
            continue;
        llmc_model_info *m = &(*list)[(*n)++];
        memset(m, 0, sizeof *m);
        copy_field(item, "id", m->id, sizeof m->id);
        copy_field(item, "display_name", m->display_name, sizeof m->display_name);
        copy_field(item, "owned_by", m->owned_by, sizeof m->owned_by);
        copy_field(item, json_object_get(item, "created_at") ? "created_at" : "created", m->created, sizeof m->created);
    }
    *more = json_is_true(json_object_get(root, "has_more"));
    last_id[0] = '\0';
    copy_field(root, "last_id", last_id, last_size);
done:
    json_decref(root);
    return rc;
}

llmc_code llmc_models_fetch(llmc_client *c, llmc_endpoint *ep, bool quick, llmc_model_info **out, size_t *count,
                            llmc_error *err)
{
    *out = NULL;
    *count = 0;
    bool paged = ep->info.dialect == LLMC_DIALECT_ANTHROPIC;
    llmc_model_info *list = NULL;
    size_t n = 0;
    char last_id[160] = "", previous[160] = "";
    llmc_code rc = LLMC_OK;
    bool more = true;
    for (int page = 0; rc == LLMC_OK && more && page < (quick ? 1 : MAX_PAGES); page++) {
        char path[800], cursor[480];
        if (page > 0 && strcmp(last_id, previous) == 0) {
            /* the same cursor again would fetch the same page forever */
            llmc_logf(
                &c->log, LLMC_LOG_WARN,
                "%s: the models list says it has more, but its cursor (%s) did not move; stopping with %zu models",
                ep->name, last_id, n);
            break;
        }
        llmc_strlcpy(previous, last_id, sizeof previous);
        query_escape(last_id, cursor, sizeof cursor);
        if (paged)
            snprintf(path, sizeof path, "%s?limit=1000%s%s", ep->info.models_path, cursor[0] ? "&after_id=" : "",
                     cursor);
        else
            snprintf(path, sizeof path, "%s", ep->info.models_path);
        llmc_call call;
        llmc_http_response resp = {0};
        rc = quick ? llmc_call_get_quick(c, ep, path, QUICK_MODELS_MS, &call, &resp, err)
                   : llmc_call_get(c, ep, path, false, &call, &resp, err);
        if (rc == LLMC_OK)
            rc = add_page(&resp, &list, &n, &more, last_id, sizeof last_id, err);
        llmc_http_response_free(&resp);
        llmc_call_finish(&call, err);
        more = more && paged && last_id[0];
    }
    if (rc != LLMC_OK) {
        free(list);
        return rc;
    }
    if (!list && !(list = calloc(1, sizeof *list)))
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    if (c->use_models_cache)
        llmc_models_cache_write(ep->name, list, n);
    *out = list;
    *count = n;
    return LLMC_OK;
}

llmc_code llmc_models_list(llmc_client *c, const char *provider, llmc_model_info **out, size_t *count, llmc_error *err)
{
    llmc_error_clear(err);
    if (out)
        *out = NULL;
    if (count)
        *count = 0;
    if (!c || !provider || !out || !count)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "client, provider, out and count must not be NULL");
    llmc_endpoint *ep = llmc_endpoint_named(c, provider, err);
    if (!ep)
        return LLMC_E_CONFIG;
    llmc_code rc = llmc_models_fetch(c, ep, false, out, count, err);
    if (rc == LLMC_OK && err && err->diagnosis.severity != LLMC_SEVERITY_WARNING)
        llmc_error_clear(err);
    return rc;
}
