/* SPDX-License-Identifier: MIT */
/* The models lists: Anthropic's paged list (after_id / before_id / limit) and the flat
 * OpenAI-style list the other providers return, both read from the model table (model_table.c):
 * served and deprecated models, never retired ones. */
#define _POSIX_C_SOURCE 200809L
#include "emulator.h"
#include "model_table.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *anthropic_item(const emu_model *m)
{
    /* Fields the 2026-10-21 API version added; the SDK types them as present, possibly null. */
    bool deprecated = m->state == EMU_MODEL_DEPRECATED;
    json_t *item =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:n, s:n}", "type", "model", "id", m->id, "display_name",
                  m->display_name, "created_at", m->created, "lifecycle", deprecated ? "deprecated" : "active",
                  "max_input_tokens", 200000, "max_tokens", 64000, "capabilities", "line");
    char retires[40];
    snprintf(retires, sizeof retires, "%sT00:00:00Z", m->date ? m->date : "");
    json_object_set_new(item, "deprecated_at", deprecated ? json_string("2026-11-23T00:00:00Z") : json_null());
    json_object_set_new(item, "retires_at", deprecated && m->date ? json_string(retires) : json_null());
    return item;
}

#define N_ANTHROPIC emu_model_listed_count(EMU_ANTHROPIC)
#define ANTHROPIC_AT(i) emu_model_listed(EMU_ANTHROPIC, (size_t)(i))

static long index_of(const char *id)
{
    for (size_t i = 0; i < N_ANTHROPIC; i++)
        if (strcmp(ANTHROPIC_AT(i)->id, id) == 0)
            return (long)i;
    return -1;
}

void models_anthropic_one(emu_reply *r, const emu_request *rq, const char *id)
{
    long i = index_of(id);
    if (i < 0)
        error_model_not_found(r, rq, id);
    else
        reply_json(r, 200, anthropic_item(ANTHROPIC_AT(i)));
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
        json_array_append_new(data, anthropic_item(ANTHROPIC_AT(i)));
    json_t *page = json_pack("{s:o, s:b}", "data", data, "has_more", has_more);
    json_object_set_new(page, "first_id", last > first ? json_string(ANTHROPIC_AT(first)->id) : json_null());
    json_object_set_new(page, "last_id", last > first ? json_string(ANTHROPIC_AT(last - 1)->id) : json_null());
    reply_json(r, 200, page);
}

void models_openai(emu_reply *r, const emu_request *rq)
{
    const char *owner = rq->provider == EMU_CEREBRAS    ? "Cerebras"
                        : rq->provider == EMU_FIREWORKS ? "fireworks"
                                                        : "system";
    json_t *data = json_array();
    for (size_t i = 0; emu_model_listed(rq->provider, i); i++) {
        const emu_model *m = emu_model_listed(rq->provider, i);
        json_t *item = json_pack("{s:s, s:s, s:I, s:s}", "id", m->id, "object", "model", "created",
                                 (json_int_t)strtoll(m->created ? m->created : "0", NULL, 10), "owned_by", owner);
        /* OpenAI's list carries the shutdown day of a deprecated model (openai 7.x `shutdown_date`) */
        if (rq->provider == EMU_OPENAI)
            json_object_set_new(item, "shutdown_date",
                                m->state == EMU_MODEL_DEPRECATED && m->date ? json_string(m->date) : json_null());
        json_array_append_new(data, item);
    }
    reply_json(r, 200, json_pack("{s:s, s:o}", "object", "list", "data", data));
}
