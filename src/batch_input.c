/* SPDX-License-Identifier: MIT */
/*
 * batch_input.c — reading a batch's JSONL input and checking all of it before anything is sent:
 * each line's shape (Anthropic {custom_id, params} or OpenAI {custom_id, method, url, body}),
 * its custom_id (present, unique), its model's provider; the body to send is made here, once.
 */
#include "batch_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Past this many, issues are only counted: a wrong file should not fill the terminal. */
#define BI_MAX_ISSUES 200
#define BI_MAX_ID 512

/* ---- custom_id → item ---- */

static size_t hash_id(const char *s, size_t n)
{
    size_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static int idmap_grow(bi_input *in)
{
    size_t cap = in->ids.cap ? in->ids.cap * 2 : 1024;
    size_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < in->ids.cap; i++) {
        size_t v = in->ids.slots[i];
        if (!v)
            continue;
        const char *id = in->items[v - 1].custom_id;
        size_t h = hash_id(id, strlen(id)) & (cap - 1);
        while (slots[h])
            h = (h + 1) & (cap - 1);
        slots[h] = v;
    }
    free(in->ids.slots);
    in->ids.slots = slots;
    in->ids.cap = cap;
    return 0;
}

bi_item *bi_input_find(const bi_input *in, const char *id, size_t len)
{
    if (!in->ids.cap)
        return NULL;
    for (size_t h = hash_id(id, len) & (in->ids.cap - 1);; h = (h + 1) & (in->ids.cap - 1)) {
        size_t v = in->ids.slots[h];
        if (!v)
            return NULL;
        const char *cand = in->items[v - 1].custom_id;
        if (strncmp(cand, id, len) == 0 && cand[len] == '\0')
            return &in->items[v - 1];
    }
}

/* Insert item `index` (its custom_id set); -1 when out of memory. */
static int idmap_put(bi_input *in, size_t index)
{
    if ((in->n + 1) * 2 > in->ids.cap && idmap_grow(in) < 0)
        return -1;
    const char *id = in->items[index].custom_id;
    size_t h = hash_id(id, strlen(id)) & (in->ids.cap - 1);
    while (in->ids.slots[h])
        h = (h + 1) & (in->ids.cap - 1);
    in->ids.slots[h] = index + 1;
    return 0;
}

/* ---- issues ---- */

int bi_issue_add(bi_input *in, size_t line, const char *fmt, ...)
{
    if (in->n_issues == in->cap_issues) {
        size_t cap = in->cap_issues ? in->cap_issues * 2 : 16;
        bi_issue *grown = realloc(in->issues, cap * sizeof *grown);
        if (!grown)
            return -1;
        in->issues = grown;
        in->cap_issues = cap;
    }
    char text[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (!(in->issues[in->n_issues].message = strdup(text)))
        return -1;
    in->issues[in->n_issues++].line = line;
    return 0;
}

void bi_input_free(bi_input *in)
{
    for (size_t i = 0; i < in->n; i++) {
        free(in->items[i].custom_id);
        free(in->items[i].wire_model);
        free(in->items[i].body);
    }
    for (size_t i = 0; i < in->n_issues; i++)
        free(in->issues[i].message);
    free(in->items);
    free(in->issues);
    free(in->eps);
    free(in->ids.slots);
    memset(in, 0, sizeof *in);
}

/* ---- one line ---- */

static size_t endpoint_index(bi_input *in, llmc_endpoint *ep)
{
    for (size_t i = 0; i < in->n_eps; i++)
        if (in->eps[i] == ep)
            return i;
    llmc_endpoint **grown = realloc(in->eps, (in->n_eps + 1) * sizeof *grown);
    if (!grown)
        return SIZE_MAX;
    in->eps = grown;
    in->eps[in->n_eps] = ep;
    return in->n_eps++;
}

/* Anthropic params sent to an OpenAI-compatible provider: the system prompt becomes the first
 * message and stop_sequences becomes stop; text blocks are valid OpenAI content parts as they
 * are, so nothing else changes. */
static int anthropic_to_openai(json_t *payload)
{
    json_t *system = json_object_get(payload, "system");
    if (system) {
        json_t *messages = json_object_get(payload, "messages");
        json_t *first = json_pack("{s:s, s:O}", "role", "system", "content", system);
        if (!first || json_array_insert_new(messages, 0, first) < 0)
            return -1;
        json_object_del(payload, "system");
    }
    json_t *stops = json_object_get(payload, "stop_sequences");
    if (stops) {
        if (json_object_set(payload, "stop", stops) < 0)
            return -1;
        json_object_del(payload, "stop_sequences");
    }
    return 0;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

/* Check one line and, when it is good, add its item. Returns -1 only when out of memory. */
static int load_line(bi_input *in, llmc_client *c, size_t lineno, const char *text, size_t len)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, len, 0, &jerr);
    int rc = 0;
    if (!root)
        return bi_issue_add(in, lineno, "not valid JSON: %s (column %d)", jerr.text, jerr.column);
    if (!json_is_object(root)) {
        rc = bi_issue_add(in, lineno, "not a JSON object");
        goto done;
    }
    json_t *idv = json_object_get(root, "custom_id");
    const char *id = json_string_value(idv);
    size_t id_len = json_string_length(idv);
    if (!idv) {
        rc = bi_issue_add(in, lineno, "missing custom_id");
        goto done;
    }
    if (!id || id_len == 0 || id_len > BI_MAX_ID || strlen(id) != id_len) {
        rc = bi_issue_add(in, lineno, "custom_id must be a non-empty string of at most %d bytes", BI_MAX_ID);
        goto done;
    }
    bi_item *dup = bi_input_find(in, id, id_len);
    if (dup) {
        rc = bi_issue_add(in, lineno, "duplicate custom_id \"%.200s\" (first on line %zu)", id, dup->line);
        goto done;
    }
    json_t *params = json_object_get(root, "params"), *body = json_object_get(root, "body");
    bi_shape shape;
    if (json_is_object(params)) {
        shape = BI_SHAPE_ANTHROPIC;
    } else if (json_is_object(body)) {
        shape = BI_SHAPE_OPENAI;
        const char *method = json_string_value(json_object_get(root, "method"));
        const char *url = json_string_value(json_object_get(root, "url"));
        if (json_object_get(root, "method") && (!method || strcmp(method, "POST") != 0)) {
            rc = bi_issue_add(in, lineno, "method must be \"POST\"");
            goto done;
        }
        size_t ulen = url ? strlen(url) : 0;
        if (json_object_get(root, "url") && (!url || ulen < 17 || strcmp(url + ulen - 17, "/chat/completions") != 0)) {
            rc = bi_issue_add(in, lineno, "url must be \"/v1/chat/completions\" (only chat completions are batched)");
            goto done;
        }
    } else {
        rc = bi_issue_add(in, lineno,
                          "neither \"params\" (Anthropic batch shape) nor \"body\" (OpenAI batch shape) "
                          "is an object");
        goto done;
    }
    json_t *payload = shape == BI_SHAPE_ANTHROPIC ? params : body;
    const char *model = json_string_value(json_object_get(payload, "model"));
    if (!model || !*model) {
        rc = bi_issue_add(in, lineno, "%s.model must be a non-empty string",
                          shape == BI_SHAPE_ANTHROPIC ? "params" : "body");
        goto done;
    }
    if (!json_is_array(json_object_get(payload, "messages"))) {
        rc = bi_issue_add(in, lineno, "%s.messages must be an array", shape == BI_SHAPE_ANTHROPIC ? "params" : "body");
        goto done;
    }
    /* A bare model in the Anthropic shape is Anthropic's (that shape's own provider); in the OpenAI
     * shape it goes to the client's default. Routing is the same as for single calls. */
    llmc_endpoint *fallback = NULL;
    for (size_t i = 0; shape == BI_SHAPE_ANTHROPIC && i < c->n_endpoints && !fallback; i++)
        if (c->endpoints[i].info.dialect == LLMC_DIALECT_ANTHROPIC && llmc_provider_find(c->endpoints[i].name))
            fallback = &c->endpoints[i];
    const char *wire = NULL;
    llmc_error route_err;
    llmc_error_clear(&route_err);
    llmc_endpoint *ep = llmc_route(c, model, fallback, &wire, &route_err);
    if (!ep) {
        rc = bi_issue_add(in, lineno, "%s", route_err.message);
        goto done;
    }
    if (shape == BI_SHAPE_OPENAI && ep->info.dialect == LLMC_DIALECT_ANTHROPIC) {
        rc = bi_issue_add(in, lineno,
                          "model \"%.200s\" goes to %s, which does not take the OpenAI batch shape: "
                          "write this line as {\"custom_id\",\"params\"} or name an OpenAI-compatible "
                          "provider (e.g. \"cerebras/…\")",
                          model, ep->name);
        goto done;
    }
    char *wire_copy = strdup(wire);
    if (!wire_copy || json_object_set_new(payload, "model", json_string(wire_copy)) < 0) {
        free(wire_copy);
        rc = -1;
        goto done;
    }
    json_object_del(payload, "stream"); /* results are whole bodies, never event streams */
    if (shape == BI_SHAPE_ANTHROPIC && ep->info.dialect != LLMC_DIALECT_ANTHROPIC && anthropic_to_openai(payload) < 0) {
        free(wire_copy);
        rc = -1;
        goto done;
    }
    char *text_out = llmc_json_dump(payload, JSON_COMPACT);
    size_t prov = endpoint_index(in, ep);
    if (!text_out || prov == SIZE_MAX) {
        free(text_out);
        free(wire_copy);
        rc = -1;
        goto done;
    }
    if (in->n == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 256;
        bi_item *grown = realloc(in->items, cap * sizeof *grown);
        if (!grown) {
            free(text_out);
            free(wire_copy);
            rc = -1;
            goto done;
        }
        in->items = grown;
        in->cap = cap;
    }
    json_t *maxv = json_object_get(payload, "max_tokens");
    if (!json_is_integer(maxv))
        maxv = json_object_get(payload, "max_completion_tokens");
    bi_item *it = &in->items[in->n];
    memset(it, 0, sizeof *it);
    it->custom_id = strndup(id, id_len);
    it->line = lineno;
    it->prov = prov;
    it->shape = shape;
    it->wire_model = wire_copy;
    it->body = text_out;
    it->body_len = strlen(text_out);
    it->max_out = json_is_integer(maxv) ? (double)json_integer_value(maxv) : 0;
    it->est_tokens = bl_estimate_tokens(NULL, it->body_len, it->max_out);
    if (!it->custom_id) {
        free(text_out);
        free(wire_copy);
        rc = -1;
        goto done;
    }
    if (idmap_put(in, in->n) < 0) {
        free(it->custom_id);
        free(text_out);
        free(wire_copy);
        rc = -1;
        goto done;
    }
    in->n++;
done:
    json_decref(root);
    return rc;
}

llmc_code bi_input_load(bi_input *in, llmc_client *c, const char *path, llmc_error *err)
{
    bi_input_free(in);
    FILE *f = fopen(path, "r");
    if (!f)
        return llmc_error_set(err, LLMC_E_IO, "cannot read the batch input %s: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0, lineno = 0, dropped = 0;
    ssize_t n;
    llmc_code rc = LLMC_OK;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (blank(line, (size_t)n))
            continue;
        if (in->n_issues >= BI_MAX_ISSUES) {
            dropped++;
            continue;
        }
        if (load_line(in, c, lineno, line, (size_t)n) < 0) {
            rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory reading the batch input");
            break;
        }
    }
    if (rc == LLMC_OK && ferror(f))
        rc = llmc_error_set(err, LLMC_E_IO, "cannot read the batch input %s: %s", path, strerror(errno));
    free(line);
    fclose(f);
    if (rc != LLMC_OK)
        return rc;
    if (dropped)
        bi_issue_add(in, 0, "%zu more lines not checked after the first %d problems", dropped, BI_MAX_ISSUES);
    if (in->n == 0 && in->n_issues == 0)
        bi_issue_add(in, 0, "the input %s holds no requests", path);
    if (in->n_issues)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "the batch input %s has %zu problem%s (first: line %zu: %s)",
                              path, in->n_issues, in->n_issues == 1 ? "" : "s", in->issues[0].line,
                              in->issues[0].message);
    return LLMC_OK;
}
