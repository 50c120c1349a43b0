/* SPDX-License-Identifier: MIT */
/*
 * response.c — the normalized reply and its accessors. The dialect decoders fill it; callers
 * only read it. Accessors never return NULL for strings, so callers can print them directly.
 */
#include "wire.h"

#include <stdlib.h>
#include <string.h>

llmc_response *llmc_response_alloc(void)
{
    return calloc(1, sizeof(llmc_response));
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
    }
    free(r->blocks);
    free(r->provider);
    free(r->id);
    free(r->model);
    free(r->request_id);
    free(r->stop_reason_raw);
    free(r->text);
    free(r->raw);
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
    r->blocks[r->n_blocks++] = (llmc_block){type, text, tool_id, tool_name, NULL};
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
                                     const char *tool_name, const char *signature)
{
    if (!r || (type != LLMC_BLOCK_TEXT && type != LLMC_BLOCK_THINKING && type != LLMC_BLOCK_TOOL_USE))
        return LLMC_E_INVALID_ARG;
    if (type == LLMC_BLOCK_TOOL_USE && (!tool_id || !*tool_id || !tool_name || !*tool_name))
        return LLMC_E_INVALID_ARG;
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
        return LLMC_E_NOMEM;
    }
    if (llmc_response_add_block(r, type, t, id, name) < 0) {
        free(sig);
        return LLMC_E_NOMEM;
    }
    llmc_response_set_signature(r, sig); /* cannot fail: the block was just added */
    if (llmc_response_finish(r) < 0) {
        /* the joined text could not follow: take the block back out, so nothing changed */
        llmc_block *b = &r->blocks[--r->n_blocks];
        free(b->text);
        free(b->tool_id);
        free(b->tool_name);
        free(b->signature);
        return LLMC_E_NOMEM;
    }
    return LLMC_OK;
}
