/* SPDX-License-Identifier: MIT */
/*
 * response.c — the normalized reply and its accessors. The dialect decoders fill it; callers
 * only read it. Accessors never return NULL for strings, so callers can print them directly.
 */
#include "wire.h"
#include "ratelimit.h"

#include <stdlib.h>
#include <string.h>

llmc_response *llmc_response_alloc(void)
{
    llmc_response *r = calloc(1, sizeof(llmc_response));
    if (r)
        llmc_rate_limits_none(&r->rate_limits);
    return r;
}

llmc_rate_limits llmc_response_rate_limits(const llmc_response *r)
{
    llmc_rate_limits none;
    llmc_rate_limits_none(&none);
    return r ? r->rate_limits : none;
}

void llmc_response_free(llmc_response *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_blocks; i++) {
        free(r->blocks[i].text);
        free(r->blocks[i].tool_id);
        free(r->blocks[i].tool_name);
        free(r->blocks[i].signature);
        free(r->blocks[i].kind);
        free(r->blocks[i].raw);
        for (size_t j = 0; j < json_array_size(r->blocks[i].citations); j++)
            free(r->blocks[i].citation_json ? r->blocks[i].citation_json[j] : NULL);
        free(r->blocks[i].citation_json);
        json_decref(r->blocks[i].citations);
    }
    free(r->blocks);
    free(r->provider);
    free(r->id);
    free(r->model);
    free(r->request_id);
    free(r->stop_reason_raw);
    free(r->text);
    free(r->raw);
    free(r->json);
    free(r->json_err);
    free(r);
}

int llmc_response_add_block(llmc_response *r, llmc_block_type type, char *text, char *tool_id, char *tool_name)
{
    llmc_block *grown = realloc(r->blocks, (r->n_blocks + 1) * sizeof *grown);
    if (!grown) {
        free(text);
        free(tool_id);
        free(tool_name);
        return -1;
    }
    r->blocks = grown;
    r->blocks[r->n_blocks++] = (llmc_block){.type = type, .text = text, .tool_id = tool_id, .tool_name = tool_name};
    return 0;
}

int llmc_response_set_raw(llmc_response *r, char *kind, char *raw)
{
    if (r->n_blocks == 0) {
        free(kind);
        free(raw);
        return -1;
    }
    llmc_block *b = &r->blocks[r->n_blocks - 1];
    if (kind) {
        free(b->kind);
        b->kind = kind;
    }
    if (raw) {
        free(b->raw);
        b->raw = raw;
    }
    return 0;
}

int llmc_response_set_citations(llmc_response *r, json_t *citations)
{
    if (r->n_blocks == 0 || !json_is_array(citations))
        return -1;
    llmc_block *b = &r->blocks[r->n_blocks - 1];
    size_t n = json_array_size(citations);
    char **texts = calloc(n ? n : 1, sizeof *texts);
    if (!texts)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!(texts[i] = llmc_json_dump(json_array_get(citations, i), JSON_COMPACT | JSON_ENCODE_ANY))) {
            while (i-- > 0)
                free(texts[i]);
            free(texts);
            return -1;
        }
    for (size_t j = 0; j < json_array_size(b->citations); j++)
        free(b->citation_json ? b->citation_json[j] : NULL);
    free(b->citation_json);
    json_decref(b->citations);
    b->citations = json_incref(citations);
    b->citation_json = texts;
    return 0;
}

int llmc_response_set_signature(llmc_response *r, char *signature)
{
    if (!signature || r->n_blocks == 0) {
        free(signature);
        return signature ? -1 : 0;
    }
    free(r->blocks[r->n_blocks - 1].signature);
    r->blocks[r->n_blocks - 1].signature = signature;
    return 0;
}

int llmc_response_finish(llmc_response *r)
{
    llmc_buf all = {0};
    for (size_t i = 0; i < r->n_blocks; i++)
        if (r->blocks[i].type == LLMC_BLOCK_TEXT && r->blocks[i].text &&
            llmc_buf_append_str(&all, r->blocks[i].text) < 0) {
            llmc_buf_free(&all);
            return -1;
        }
    if (!all.data && llmc_buf_append(&all, "", 0) < 0)
        return -1;
    free(r->text);
    r->text = all.data;
    return 0;
}

llmc_stop_reason llmc_stop_reason_from(const char *raw)
{
    static const struct {
        const char *raw;
        llmc_stop_reason reason;
    } map[] = {
        {"end_turn", LLMC_STOP_END_TURN},
        {"stop", LLMC_STOP_END_TURN},
        {"max_tokens", LLMC_STOP_MAX_TOKENS},
        {"length", LLMC_STOP_MAX_TOKENS},
        {"stop_sequence", LLMC_STOP_STOP_SEQUENCE},
        {"tool_use", LLMC_STOP_TOOL_USE},
        {"tool_calls", LLMC_STOP_TOOL_USE},
        {"function_call", LLMC_STOP_TOOL_USE},
        {"refusal", LLMC_STOP_REFUSAL},
        {"content_filter", LLMC_STOP_REFUSAL},
        {"pause_turn", LLMC_STOP_PAUSE},
    };
    if (!raw)
        return LLMC_STOP_UNKNOWN;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].raw, raw) == 0)
            return map[i].reason;
    return LLMC_STOP_UNKNOWN;
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

const char *llmc_response_text(const llmc_response *r)
{
    return r ? or_empty(r->text) : "";
}
size_t llmc_response_block_count(const llmc_response *r)
{
    return r ? r->n_blocks : 0;
}

llmc_block_type llmc_response_block_type(const llmc_response *r, size_t i)
{
    return r && i < r->n_blocks ? r->blocks[i].type : LLMC_BLOCK_OTHER;
}

const char *llmc_response_block_text(const llmc_response *r, size_t i)
{
    return r && i < r->n_blocks ? or_empty(r->blocks[i].text) : "";
}

const char *llmc_response_block_tool_id(const llmc_response *r, size_t i)
{
    return r && i < r->n_blocks ? or_empty(r->blocks[i].tool_id) : "";
}

const char *llmc_response_block_tool_name(const llmc_response *r, size_t i)
{
    return r && i < r->n_blocks ? or_empty(r->blocks[i].tool_name) : "";
}

llmc_stop_reason llmc_response_stop_reason(const llmc_response *r)
{
    return r ? r->stop_reason : LLMC_STOP_UNKNOWN;
}

const char *llmc_response_stop_reason_raw(const llmc_response *r)
{
    return r ? or_empty(r->stop_reason_raw) : "";
}

llmc_usage llmc_response_usage(const llmc_response *r)
{
    llmc_usage none = {0};
    return r ? r->usage : none;
}

const char *llmc_response_model(const llmc_response *r)
{
    return r ? or_empty(r->model) : "";
}
const char *llmc_response_id(const llmc_response *r)
{
    return r ? or_empty(r->id) : "";
}
const char *llmc_response_request_id(const llmc_response *r)
{
    return r ? or_empty(r->request_id) : "";
}
const char *llmc_response_provider(const llmc_response *r)
{
    return r ? or_empty(r->provider) : "";
}
const char *llmc_response_raw_json(const llmc_response *r)
{
    return r ? r->raw : NULL;
}

const char *llmc_response_block_kind(const llmc_response *r, size_t i)
{
    if (!r || i >= r->n_blocks)
        return "";
    const llmc_block *b = &r->blocks[i];
    if (b->kind)
        return b->kind;
    switch (b->type) {
    case LLMC_BLOCK_TEXT:
        return "text";
    case LLMC_BLOCK_THINKING:
        return "thinking";
    case LLMC_BLOCK_TOOL_USE:
        return "tool_use";
    case LLMC_BLOCK_REDACTED_THINKING:
        return "redacted_thinking";
    case LLMC_BLOCK_OTHER:
        break;
    }
    return "other";
}

const char *llmc_response_block_json(const llmc_response *r, size_t i)
{
    return r && i < r->n_blocks ? r->blocks[i].raw : NULL;
}

size_t llmc_response_block_citation_count(const llmc_response *r, size_t i)
{
    return r && i < r->n_blocks ? json_array_size(r->blocks[i].citations) : 0;
}

static const char *string_member(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

/* The first of the keys present as a number, else -1. */
static long index_member(json_t *obj, const char *k1, const char *k2, const char *k3)
{
    const char *keys[] = {k1, k2, k3};
    for (size_t i = 0; i < 3; i++)
        if (keys[i] && json_is_number(json_object_get(obj, keys[i])))
            return llmc_json_long(obj, keys[i]);
    return -1;
}

int llmc_response_block_citation(const llmc_response *r, size_t i, size_t n, llmc_citation *out)
{
    if (!r || i >= r->n_blocks || n >= json_array_size(r->blocks[i].citations) || !out)
        return 0;
    json_t *c = json_array_get(r->blocks[i].citations, n);
    memset(out, 0, sizeof *out);
    out->type = string_member(c, "type");
    out->cited_text = string_member(c, "cited_text");
    out->document_index = index_member(c, "document_index", NULL, NULL);
    out->document_title = string_member(c, "document_title");
    out->start = index_member(c, "start_char_index", "start_page_number", "start_block_index");
    out->end = index_member(c, "end_char_index", "end_page_number", "end_block_index");
    out->url = string_member(c, "url");
    out->title = string_member(c, "title");
    out->json = r->blocks[i].citation_json[n];
    return 1;
}

void llmc_response_usage_details(const llmc_response *r, llmc_usage_details *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (!r)
        return;
    out->input_tokens = r->usage.input_tokens;
    out->output_tokens = r->usage.output_tokens;
    out->cache_read_input_tokens = r->usage.cache_read_input_tokens;
    out->cache_creation_input_tokens = r->usage.cache_creation_input_tokens;
    out->cache_creation_5m_input_tokens = r->usage_more.cache_5m;
    out->cache_creation_1h_input_tokens = r->usage_more.cache_1h;
    out->reasoning_tokens = r->usage_more.reasoning;
}

const char *llmc_response_block_signature(const llmc_response *r, size_t i)
{
    return r && i < r->n_blocks ? or_empty(r->blocks[i].signature) : "";
}

/* A reply rebuilt by the caller (e.g. from a saved conversation): blocks only, no ids. */
llmc_response *llmc_response_new(void)
{
    llmc_response *r = llmc_response_alloc();
    if (r && llmc_response_finish(r) < 0) {
        llmc_response_free(r);
        return NULL;
    }
    return r;
}

llmc_code llmc_response_append_block(llmc_response *r, llmc_block_type type, const char *text, const char *tool_id,
                                     const char *tool_name, const char *signature, llmc_error *err)
{
    llmc_error_clear(err);
    if (!r || (type != LLMC_BLOCK_TEXT && type != LLMC_BLOCK_THINKING && type != LLMC_BLOCK_TOOL_USE))
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a block appended is a text, thinking or tool-use block (%d)",
                              (int)type);
    if (type == LLMC_BLOCK_TOOL_USE && (!tool_id || !*tool_id || !tool_name || !*tool_name))
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a tool-use block needs the call's id and the tool's name");
    char *t = strdup(text ? text : "");
    char *id = type == LLMC_BLOCK_TOOL_USE ? strdup(tool_id) : NULL;
    char *name = type == LLMC_BLOCK_TOOL_USE ? strdup(tool_name) : NULL;
    char *sig = type == LLMC_BLOCK_THINKING && signature && *signature ? strdup(signature) : NULL;
    if (!t || (type == LLMC_BLOCK_TOOL_USE && (!id || !name)) ||
        (type == LLMC_BLOCK_THINKING && signature && *signature && !sig)) {
        free(t);
        free(id);
        free(name);
        free(sig);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    if (llmc_response_add_block(r, type, t, id, name) < 0) {
        free(sig);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    llmc_response_set_signature(r, sig); /* cannot fail: the block was just added */
    if (llmc_response_finish(r) < 0) {
        /* the joined text could not follow: take the block back out, so nothing changed */
        llmc_block *b = &r->blocks[--r->n_blocks];
        free(b->text);
        free(b->tool_id);
        free(b->tool_name);
        free(b->signature);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    return LLMC_OK;
}
