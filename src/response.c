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
