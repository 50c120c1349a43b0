/* SPDX-License-Identifier: MIT */
/* Reading an Anthropic Messages (or count_tokens) request the way the API does: every check it
 * answers with a 400 — API version, unknown fields, the model (a 404 when the model table does
 * not serve it), the model's thinking forms and sampling,
 * effort levels, the output format's schema, strict tools, cache breakpoints, documents,
 * blocks sent back changed — with the messages README.md records, then what the request asks
 * for (emu_convo) and what its prompt cache reads and writes. */
#define _POSIX_C_SOURCE 200809L
#include "anthropic.h"
#include "emu_rules.h"
#include "model_table.h"
#include "prompt_cache.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_MIN_TOKENS 1024

static int fail(emu_reply *r, const emu_request *rq, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(emu_reply *r, const emu_request *rq, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    error_reply(r, rq, 400, msg);
    return -1;
}

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

int anthropic_version_2026(const emu_request *rq)
{
    const char *v = req_header(rq, "anthropic-version");
    return v && strcmp(v, "2026-10-21") >= 0;
}

static int check_version(emu_reply *r, const emu_request *rq)
{
    static const char *const known[] = {"2023-01-01", "2023-06-01", "2026-10-21", NULL};
    const char *v = req_header(rq, "anthropic-version");
    for (size_t i = 0; v && known[i]; i++)
        if (strcmp(v, known[i]) == 0)
            return 0;
    return fail(r, rq, "anthropic-version: \"%s\" is not a valid version", v ? v : "");
}

static int check_fields(emu_reply *r, const emu_request *rq, const json_t *body, int count_tokens)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        if (!emu_field_known(EMU_ANTHROPIC, key, count_tokens, anthropic_version_2026(rq)))
            return fail(r, rq, "%s: Extra inputs are not permitted", key);
    }
    return 0;
}

/* ---- thinking, sampling, effort ---- */

static int check_thinking(emu_reply *r, const emu_request *rq, const json_t *body, const emu_model_rule *rule,
                          emu_convo *c)
{
    const json_t *t = json_object_get(body, "thinking");
    const char *type = str(t, "type");
    int forced = 0;
    const char *choice = str(json_object_get(body, "tool_choice"), "type");
    if (choice && (strcmp(choice, "any") == 0 || strcmp(choice, "tool") == 0))
        forced = 1;
    if (forced && rule->thinking == EMU_TF_ALWAYS_ADAPTIVE)
        return fail(r, rq, "tool_choice: type \"tool\" and \"any\" are not supported for this model.");
    if (type && strcmp(type, "enabled") == 0) {
        if (rule->thinking == EMU_TF_ADAPTIVE_ONLY || rule->thinking == EMU_TF_ALWAYS_ADAPTIVE)
            return fail(r, rq,
                        "\"thinking.type.enabled\" is not supported for this model. Use \"thinking.type.adaptive\" "
                        "and \"output_config.effort\" to control thinking behavior.");
        const json_t *budget = json_object_get(t, "budget_tokens");
        if (!json_is_integer(budget) || json_integer_value(budget) < 1024)
            return fail(r, rq, "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
        if (c->max_tokens >= 0 && json_integer_value(budget) >= c->max_tokens)
            return fail(r, rq,
                        "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation "
                        "at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-"
                        "window-size");
        c->thinking = 1;
    } else if (type && strcmp(type, "adaptive") == 0) {
        if (rule->thinking == EMU_TF_BUDGET_ONLY)
            return fail(r, rq, "adaptive thinking is not supported on this model");
        c->thinking = 2;
    } else if (type && strcmp(type, "disabled") == 0) {
        if (rule->thinking == EMU_TF_ALWAYS_ADAPTIVE)
            return fail(r, rq,
                        "\"thinking.type.disabled\" is not supported for this model. Use \"thinking.type.adaptive\" "
                        "and \"output_config.effort\" to control thinking behavior.");
    } else if (type) {
        return fail(r, rq, "thinking.type: Input should be 'enabled', 'disabled', 'adaptive' or 'between_tools'");
    } else if (rule->thinking == EMU_TF_ALWAYS_ADAPTIVE) {
        c->thinking = 2; /* always on */
    }
    const json_t *temp = json_object_get(body, "temperature"), *top_p = json_object_get(body, "top_p");
    if (c->thinking && forced)
        return fail(r, rq, "Thinking may not be enabled when tool_choice forces tool use.");
    if (rule->no_temperature && temp)
        return fail(r, rq, "`temperature` is deprecated for this model.");
    if (rule->no_temperature && top_p)
        return fail(r, rq, "`top_p` is deprecated for this model.");
    if (rule->temp_xor_top_p && temp && top_p)
        return fail(r, rq, "`temperature` and `top_p` cannot both be specified for this model. Please use only one.");
    if (c->thinking && temp && json_number_value(temp) != 1.0)
        return fail(r, rq,
                    "`temperature` may only be set to 1 when thinking is enabled or in adaptive mode. Please consult "
                    "our documentation at https://platform.claude.com/docs/en/build-with-claude/extended-thinking");
    if (c->thinking && top_p && json_number_value(top_p) < 0.95)
        return fail(r, rq,
                    "`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled. Please consult "
                    "our documentation at https://platform.claude.com/docs/en/build-with-claude/extended-thinking");
    return 0;
}

static int check_output_config(emu_reply *r, const emu_request *rq, const json_t *body, const emu_model_rule *rule,
                               emu_convo *c)
{
    const json_t *oc = json_object_get(body, "output_config");
    const char *effort = str(oc, "effort");
    if (json_object_get(oc, "effort")) {
        if (!effort || !emu_effort_listed("low,medium,high,xhigh,max", effort))
            return fail(r, rq, "output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'");
        if (!emu_effort_listed(rule->efforts, effort)) {
            /* the service lists the model's levels in alphabetical order */
            return fail(r, rq, "This model does not support effort level '%s'. Supported levels: %s.", effort,
                        strcmp(rule->efforts, "low,medium,high,max") == 0 ? "high, low, max, medium" : rule->efforts);
        }
        c->effort = effort;
    }
    const json_t *format = json_object_get(oc, "format");
    if (format) {
        if (!str(format, "type") || strcmp(str(format, "type"), "json_schema") != 0)
            return fail(r, rq, "output_config.format.type: Input should be 'json_schema'");
        const json_t *schema = json_object_get(format, "schema");
        if (!json_is_object(schema))
            return fail(r, rq, "output_config.format.schema: Field required");
        char *open = emu_schema_open_object(schema);
        if (open) {
            free(open);
            return fail(r, rq,
                        "output_config.format.schema: For 'object' type, 'additionalProperties' must be explicitly "
                        "set to false");
        }
        c->schema = schema;
    }
    return 0;
}

/* ---- tools ---- */

static int read_tools(emu_reply *r, const emu_request *rq, const json_t *body, emu_convo *c)
{
    const json_t *tools = json_object_get(body, "tools");
    size_t i;
    const json_t *t;
    json_array_foreach(tools, i, t)
    {
        const char *type = str(t, "type");
        if (type && strncmp(type, "web_search_", 11) == 0) {
            c->web_search = 1;
            continue;
        }
        if (!c->tool_name)
            c->tool_name = str(t, "name");
        if (json_is_true(json_object_get(t, "strict"))) {
            char *open = emu_schema_open_object(json_object_get(t, "input_schema"));
            if (open) {
                free(open);
                return fail(r, rq,
                            "tools.%zu.custom: For 'object' type, 'additionalProperties' must be explicitly set "
                            "to false",
                            i);
            }
        }
    }
    c->parallel_off = json_is_true(json_object_get(json_object_get(body, "tool_choice"), "disable_parallel_tool_use"));
    return 0;
}

/* ---- messages: text, tool results, documents, blocks sent back ---- */

static size_t block_words(const json_t *b)
{
    const char *type = str(b, "type");
    if (json_is_string(b))
        return emu_count_words(json_string_value(b));
    if (!type)
        return 0;
    if (strcmp(type, "text") == 0)
        return emu_count_words(str(b, "text"));
    if (strcmp(type, "tool_result") == 0) {
        char *t = convo_text_of(json_object_get(b, "content"));
        size_t n = emu_count_words(t);
        free(t);
        return n;
    }
    if (strcmp(type, "document") == 0) {
        const json_t *src = json_object_get(b, "source");
        const char *st = str(src, "type");
        if (st && strcmp(st, "text") == 0)
            return emu_count_words(str(src, "data"));
        if (st && strcmp(st, "base64") == 0)
            return json_string_length(json_object_get(src, "data")) / 8 + 1; /* a PDF: its size, roughly */
        return 10;
    }
    return 0;
}

static int check_document(emu_reply *r, const emu_request *rq, const json_t *b, size_t mi, size_t bi, int assistant,
                          int *with_citations, int *without)
{
    const json_t *src = json_object_get(b, "source");
    const char *st = str(src, "type"), *mt = str(src, "media_type");
    if (assistant && anthropic_version_2026(rq))
        return fail(r, rq, "messages.%zu.content.%zu: document blocks are not allowed in assistant messages", mi, bi);
    if (!st)
        return fail(r, rq, "messages.%zu.content.%zu.document.source: Field required", mi, bi);
    if (strcmp(st, "base64") == 0 && (!mt || strcmp(mt, "application/pdf") != 0))
        return fail(r, rq,
                    "messages.%zu.content.%zu.document.source.base64.media_type: Input should be "
                    "'application/pdf'",
                    mi, bi);
    if (strcmp(st, "text") == 0 && (!mt || strcmp(mt, "text/plain") != 0))
        return fail(r, rq, "messages.%zu.content.%zu.document.source.text.media_type: Input should be 'text/plain'", mi,
                    bi);
    if (strcmp(st, "url") == 0) {
        const char *url = str(src, "url");
        if (!url || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0))
            return fail(r, rq, "messages.%zu.content.%zu.document.source.url: Input should be a valid URL", mi, bi);
    }
    if (json_is_true(json_object_get(json_object_get(b, "citations"), "enabled")))
        (*with_citations)++;
    else
        (*without)++;
    return 0;
}

static int check_sent_back(emu_reply *r, const emu_request *rq, const json_t *b, size_t mi, size_t bi)
{
    const char *type = str(b, "type");
    if (!type)
        return 0;
    if (strcmp(type, "thinking") == 0) {
        char *want = emu_thinking_signature(str(b, "thinking") ? str(b, "thinking") : "");
        int ok = want && str(b, "signature") && strcmp(want, str(b, "signature")) == 0;
        free(want);
        if (!ok)
            return fail(r, rq, "messages.%zu.content.%zu: Invalid `signature` in `thinking` block", mi, bi);
    } else if (strcmp(type, "redacted_thinking") == 0) {
        if (!str(b, "data") || strcmp(str(b, "data"), EMU_REDACTED_DATA) != 0)
            return fail(r, rq,
                        "messages.%zu.content.%zu: `thinking` or `redacted_thinking` blocks in the latest assistant "
                        "message cannot be modified. These blocks must remain as they were in the original response.",
                        mi, bi);
    } else if (strcmp(type, "web_search_tool_result") == 0) {
        size_t i;
        const json_t *res;
        json_array_foreach(json_object_get(b, "content"), i, res)
        {
            char *want = anthropic_encrypted(str(res, "url"));
            int ok = want && str(res, "encrypted_content") && strcmp(want, str(res, "encrypted_content")) == 0;
            free(want);
            if (!ok)
                return fail(r, rq, "messages.%zu.content.%zu.content.%zu.encrypted_content: invalid value", mi, bi, i);
        }
    }
    return 0;
}

/* ---- cache breakpoints ---- */

#define CACHE_UNITS 512
#define CACHE_LOOKBACK 20 /* blocks the service looks back from a breakpoint for an earlier write */

typedef struct cache_walk {
    unsigned long hash;
    size_t words;
    int n_points;
    unsigned long point_hash[8];
    size_t point_words[8];
    int point_ttl[8];  /* seconds */
    int point_unit[8]; /* the unit the breakpoint is on */
    int seen_5m;
    int n_units;
    unsigned long unit_hash[CACHE_UNITS]; /* the prefix up to and including each unit */
    size_t unit_words[CACHE_UNITS];
} cache_walk;

/* One cacheable unit (a tool, a system block, a message block): into the running prefix hash,
 * and a breakpoint when it carries cache_control. */
static int cache_unit(emu_reply *r, const emu_request *rq, cache_walk *w, const json_t *unit, size_t words,
                      const char *where)
{
    json_t *copy = json_is_object(unit) ? json_deep_copy(unit) : json_incref((json_t *)unit);
    if (json_is_object(copy))
        json_object_del(copy, "cache_control");
    char *text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    json_decref(copy);
    char seed[32];
    snprintf(seed, sizeof seed, "%lx:", w->hash);
    size_t len = strlen(seed) + (text ? strlen(text) : 0) + 1;
    char *joined = malloc(len);
    if (joined) {
        snprintf(joined, len, "%s%s", seed, text ? text : "");
        w->hash = emu_hash(joined);
    }
    free(joined);
    free(text);
    w->words += words;
    if (w->n_units < CACHE_UNITS) {
        w->unit_hash[w->n_units] = w->hash;
        w->unit_words[w->n_units] = w->words;
    }
    w->n_units++;
    const json_t *cc = json_is_object(unit) ? json_object_get(unit, "cache_control") : NULL;
    if (!cc)
        return 0;
    const char *ttl = str(cc, "ttl");
    if (ttl && strcmp(ttl, "5m") != 0 && strcmp(ttl, "1h") != 0)
        return fail(r, rq, "%s.cache_control.ttl: Input should be '5m' or '1h'", where);
    int hour = ttl && strcmp(ttl, "1h") == 0;
    if (hour && w->seen_5m)
        return fail(r, rq,
                    "%s.cache_control.ttl: a ttl='1h' cache_control block must not come after a ttl='5m' "
                    "cache_control block. Note that blocks are processed in the following order: `tools`, `system`, "
                    "`messages`.",
                    where);
    w->seen_5m |= !hour;
    if (w->n_points < 8) {
        w->point_hash[w->n_points] = w->hash;
        w->point_words[w->n_points] = w->words;
        w->point_ttl[w->n_points] = hour ? 3600 : 300;
        w->point_unit[w->n_points] = w->n_units - 1;
    }
    w->n_points++;
    return 0;
}

/* What the cache reads and writes for this request's breakpoints: the longest earlier write found
 * looking back from a breakpoint is read, and from there on each breakpoint's segment is written
 * with its TTL. */
static void cache_settle(cache_walk *w, emu_convo *c, int count_tokens)
{
    int n = w->n_points < 8 ? w->n_points : 8;
    size_t read = 0;
    if (!count_tokens)
        for (int i = n - 1; i >= 0 && !read; i--)
            for (int u = w->point_unit[i]; u >= 0 && u > w->point_unit[i] - CACHE_LOOKBACK && !read; u--)
                if (u < CACHE_UNITS && w->unit_words[u] >= CACHE_MIN_TOKENS &&
                    prompt_cache_touch(w->unit_hash[u], w->point_ttl[i], 0))
                    read = w->unit_words[u];
    size_t from = read;
    for (int i = 0; i < n && !count_tokens; i++) {
        if (w->point_words[i] <= from || w->point_words[i] < CACHE_MIN_TOKENS)
            continue; /* read already, or too short to cache: the service skips it */
        size_t seg = w->point_words[i] - from;
        if (w->point_ttl[i] == 3600)
            c->cache_1h += seg;
        else
            c->cache_5m += seg;
        from = w->point_words[i];
        prompt_cache_touch(w->point_hash[i], w->point_ttl[i], 1);
    }
    c->cache_read = read;
}

static int read_messages(emu_reply *r, const emu_request *rq, const json_t *body, emu_convo *c, cache_walk *w)
{
    const json_t *messages = json_object_get(body, "messages");
    int with_citations = 0, without = 0;
    long doc_index = 0;
    size_t last_assistant = (size_t)-1;
    size_t mi;
    const json_t *m;
    json_array_foreach(messages, mi, m)
    {
        const char *role = str(m, "role");
        if (role && strcmp(role, "assistant") == 0)
            last_assistant = mi;
    }
    json_array_foreach(messages, mi, m)
    {
        const char *role = str(m, "role");
        int assistant = role && strcmp(role, "assistant") == 0;
        const json_t *content = json_object_get(m, "content");
        char *text = convo_text_of(content);
        free(c->tool_result);
        c->tool_result = NULL;
        char where[64];
        if (json_is_string(content)) {
            snprintf(where, sizeof where, "messages.%zu.content", mi);
            c->input_tokens += emu_count_words(text);
            if (cache_unit(r, rq, w, content, emu_count_words(text), where) != 0) {
                free(text);
                return -1;
            }
        }
        size_t bi;
        const json_t *b;
        json_array_foreach(content, bi, b)
        {
            const char *type = str(b, "type");
            snprintf(where, sizeof where, "messages.%zu.content.%zu", mi, bi);
            size_t words = block_words(b);
            c->input_tokens += words;
            int bad = cache_unit(r, rq, w, b, words, where) != 0;
            if (!bad && type && strcmp(type, "document") == 0) {
                bad = check_document(r, rq, b, mi, bi, assistant, &with_citations, &without) != 0;
                const json_t *src = json_object_get(b, "source");
                if (!bad && !c->cite_text &&
                    json_is_true(json_object_get(json_object_get(b, "citations"), "enabled")) && str(src, "type") &&
                    strcmp(str(src, "type"), "text") == 0) {
                    c->cite_text = strdup(str(src, "data") ? str(src, "data") : "");
                    c->cite_title = str(b, "title");
                    c->cite_index = doc_index;
                }
                doc_index++;
            }
            if (!bad && type && strcmp(type, "text") == 0 && !assistant && anthropic_version_2026(rq) &&
                json_array_size(json_object_get(b, "citations")) > 0)
                bad = fail(r, rq, "%s: citations are not allowed on text in user messages", where) != 0;
            if (!bad && assistant)
                bad = check_sent_back(r, rq, b, mi, bi) != 0;
            if (bad) {
                free(text);
                return -1;
            }
            if (type && strcmp(type, "tool_result") == 0) {
                free(c->tool_result);
                c->tool_result = convo_text_of(json_object_get(b, "content"));
            }
        }
        if (role && strcmp(role, "user") == 0) {
            free(c->last_user_text);
            c->last_user_text = text;
        } else {
            free(text);
        }
    }
    if (with_citations && without)
        return fail(r, rq, "citations must be enabled on all of the documents of a request, or on none of them");
    /* a paused server-tool turn sent back to be continued: it ends with the tool's result */
    const json_t *last = json_array_get(messages, json_array_size(messages) - 1);
    const json_t *content = json_object_get(last, "content");
    const char *last_type = str(json_array_get(content, json_array_size(content) - 1), "type");
    c->search_done = last_assistant == json_array_size(messages) - 1 && last_type &&
                     strcmp(last_type, "web_search_tool_result") == 0;
    return 0;
}

int anthropic_read(emu_reply *r, const emu_request *rq, const json_t *body, emu_convo *c, int count_tokens)
{
    memset(c, 0, sizeof *c);
    c->max_tokens = -1;
    const json_t *max_tokens = json_object_get(body, "max_tokens");
    const char *model = str(body, "model");
    if (check_version(r, rq) != 0 || check_fields(r, rq, body, count_tokens) != 0)
        return -1;
    if (!model)
        return fail(r, rq, "model: Field required");
    if (!json_is_array(json_object_get(body, "messages")))
        return fail(r, rq, "messages: Field required");
    if (!count_tokens && !json_is_integer(max_tokens))
        return fail(r, rq, "max_tokens: Field required");
    if (json_is_integer(max_tokens))
        c->max_tokens = (long)json_integer_value(max_tokens);
    /* the model exists (else the 404 for an unknown or retired one), then what it takes */
    if (emu_model_check(r, rq, model) != 0)
        return -1;
    emu_model_rule rule = emu_rule_for(EMU_ANTHROPIC, model);
    if (check_thinking(r, rq, body, &rule, c) != 0 || check_output_config(r, rq, body, &rule, c) != 0 ||
        read_tools(r, rq, body, c) != 0)
        return -1;

    cache_walk w = {.hash = emu_hash(model)};
    size_t i;
    const json_t *t;
    json_array_foreach(json_object_get(body, "tools"), i, t)
    {
        char where[32];
        snprintf(where, sizeof where, "tools.%zu", i);
        if (cache_unit(r, rq, &w, t, 0, where) != 0)
            return -1;
    }
    const json_t *system = json_object_get(body, "system");
    if (json_is_string(system)) {
        c->input_tokens += emu_count_words(json_string_value(system));
        if (cache_unit(r, rq, &w, system, emu_count_words(json_string_value(system)), "system") != 0)
            return -1;
    }
    json_array_foreach(system, i, t)
    {
        char where[32];
        snprintf(where, sizeof where, "system.%zu", i);
        c->input_tokens += block_words(t);
        if (cache_unit(r, rq, &w, t, block_words(t), where) != 0)
            return -1;
    }
    if (read_messages(r, rq, body, c, &w) != 0)
        return -1;
    if (w.n_points > 4)
        return fail(r, rq, "A maximum of 4 blocks with cache_control may be provided. Found %d.", w.n_points);
    /* automatic caching: the breakpoint goes on the last block */
    const json_t *auto_cc = json_object_get(body, "cache_control");
    if (auto_cc) {
        const char *ttl = str(auto_cc, "ttl");
        if (ttl && strcmp(ttl, "5m") != 0 && strcmp(ttl, "1h") != 0)
            return fail(r, rq, "cache_control.ttl: Input should be '5m' or '1h'");
        int hour = ttl && strcmp(ttl, "1h") == 0;
        if (hour && w.seen_5m)
            return fail(r, rq,
                        "cache_control.ttl: a ttl='1h' cache_control block must not come after a ttl='5m' "
                        "cache_control block. Note that blocks are processed in the following order: `tools`, "
                        "`system`, `messages`.");
        if (w.n_points < 8 && (w.n_points == 0 || w.point_hash[w.n_points - 1] != w.hash)) {
            w.point_hash[w.n_points] = w.hash;
            w.point_words[w.n_points] = w.words;
            w.point_ttl[w.n_points] = hour ? 3600 : 300;
            w.point_unit[w.n_points] = w.n_units - 1;
            w.n_points++;
        }
    }
    cache_settle(&w, c, count_tokens);
    size_t cached = c->cache_read + c->cache_5m + c->cache_1h;
    c->input_tokens = c->input_tokens > cached ? c->input_tokens - cached : 0;
    if (!c->last_user_text)
        c->last_user_text = strdup("");
    c->stop = json_object_get(body, "stop_sequences");
    c->redacted = c->thinking && strstr(c->last_user_text, EMU_REDACTED_TRIGGER) != NULL;
    return 0;
}
