/* SPDX-License-Identifier: MIT */
/* The models lists: Anthropic's paged list (after_id / before_id / limit) and the flat
 * OpenAI-style list the other providers return. The catalogue is fixed so tests can count. */
#define _POSIX_C_SOURCE 200809L
#include "emulator.h"

#include <stdlib.h>
#include <string.h>

typedef struct model_info {
    const char *id;
    const char *display_name;
    const char *created_at;
} model_info;

/* Newest first, as the real list is ordered. */
static const model_info anthropic_models[] = {
    {"claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", "2025-09-29T00:00:00Z"},
    {"claude-opus-4-1-20250805", "Claude Opus 4.1", "2025-08-05T00:00:00Z"},
    {"claude-opus-4-20250514", "Claude Opus 4", "2025-05-22T00:00:00Z"},
    {"claude-sonnet-4-20250514", "Claude Sonnet 4", "2025-05-22T00:00:00Z"},
    {"claude-3-7-sonnet-20250219", "Claude Sonnet 3.7", "2025-02-24T00:00:00Z"},
    {"claude-3-5-haiku-20241022", "Claude Haiku 3.5", "2024-10-22T00:00:00Z"},
    {"claude-3-haiku-20240307", "Claude Haiku 3", "2024-03-07T00:00:00Z"},
};
#define N_ANTHROPIC (sizeof anthropic_models / sizeof anthropic_models[0])

static const char *const cerebras_models[] = {"llama3.1-8b", "llama-3.3-70b", "qwen-3-32b", "gpt-oss-120b"};
static const char *const fireworks_models[] = {
    "accounts/fireworks/models/llama-v3p1-8b-instruct", "accounts/fireworks/models/llama-v3p3-70b-instruct",
    "accounts/fireworks/models/deepseek-v3", "accounts/fireworks/models/qwen3-235b-a22b"};
static const char *const openai_models[] = {"gpt-4o-mini", "gpt-4o", "gpt-4.1", "o4-mini"};

static json_t *anthropic_item(const model_info *m)
{
    /* Fields the 2026-10-21 API version added; the SDK types them as present, possibly null. */
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:n, s:n, s:i, s:i, s:n, s:n}", "type", "model", "id", m->id,
                     "display_name", m->display_name, "created_at", m->created_at, "lifecycle", "active",
                     "deprecated_at", "retires_at", "max_input_tokens", 200000, "max_tokens", 64000, "capabilities",
                     "line");
}

static long index_of(const char *id)
{
    for (size_t i = 0; i < N_ANTHROPIC; i++)
        if (strcmp(anthropic_models[i].id, id) == 0)
            return (long)i;
    return -1;
}

void models_anthropic_one(emu_reply *r, const emu_request *rq, const char *id)
{
    long i = index_of(id);
    if (i < 0)
        error_model_not_found(r, rq, id);
    else
        reply_json(r, 200, anthropic_item(&anthropic_models[i]));
}

void models_anthropic(emu_reply *r, const emu_request *rq)
{
    const char *after = req_query(rq, "after_id"), *before = req_query(rq, "before_id"),
               *limit_s = req_query(rq, "limit");
    long limit = 20;
    if (limit_s) {
        char *end;
        limit = strtol(limit_s, &end, 10);
        if (*limit_s == '\0' || *end != '\0' || limit < 1 || limit > 1000) {
            error_reply(r, rq, 400, "limit: Input should be greater than or equal to 1 and less than or equal to 1000");
            return;
        }
    }
    long start = 0, stop = (long)N_ANTHROPIC; /* half-open range of candidates */
    if (after) {
        long i = index_of(after);
        start = i < 0 ? (long)N_ANTHROPIC : i + 1;
    }
    int backwards = 0;
    if (before) {
        long i = index_of(before);
        stop = i < 0 ? 0 : i;
        backwards = !after; /* before_id pages towards the start: take the items nearest it */
    }
    long first = start, last = stop; /* the page */
    if (stop - start > limit) {
        if (backwards)
            first = stop - limit;
        else
            last = start + limit;
    }
    int has_more = backwards ? first > start : last < stop;
    json_t *data = json_array();
    for (long i = first; i < last; i++)
        json_array_append_new(data, anthropic_item(&anthropic_models[i]));
    json_t *page = json_pack("{s:o, s:b}", "data", data, "has_more", has_more);
    json_object_set_new(page, "first_id", last > first ? json_string(anthropic_models[first].id) : json_null());
    json_object_set_new(page, "last_id", last > first ? json_string(anthropic_models[last - 1].id) : json_null());
    reply_json(r, 200, page);
}

void models_openai(emu_reply *r, const emu_request *rq)
{
    const char *const *ids;
    size_t n;
    const char *owner;
    switch (rq->provider) {
    case EMU_CEREBRAS:
        ids = cerebras_models, n = 4, owner = "Cerebras";
        break;
    case EMU_FIREWORKS:
        ids = fireworks_models, n = 4, owner = "fireworks";
        break;
    default:
        ids = openai_models, n = 4, owner = "system";
        break;
    }
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(data, json_pack("{s:s, s:s, s:I, s:s}", "id", ids[i], "object", "model", "created",
                                              (json_int_t)1721692800, "owned_by", owner));
    reply_json(r, 200, json_pack("{s:s, s:o}", "object", "list", "data", data));
}
