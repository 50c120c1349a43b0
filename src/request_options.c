/* SPDX-License-Identifier: MIT */
/*
 * request_options.c — the request's generation controls that are plain settings: reasoning
 * (effort, thinking, reasoning format), parallel tool calls and prompt caching. They are only
 * recorded here; whether a model takes them is decided when the request is encoded for it.
 */
#include "wire.h"

#include <stdlib.h>
#include <string.h>

static const char *const effort_names[] = {
    [LLMC_EFFORT_DEFAULT] = "",    [LLMC_EFFORT_NONE] = "none",     [LLMC_EFFORT_MINIMAL] = "minimal",
    [LLMC_EFFORT_LOW] = "low",     [LLMC_EFFORT_MEDIUM] = "medium", [LLMC_EFFORT_HIGH] = "high",
    [LLMC_EFFORT_XHIGH] = "xhigh", [LLMC_EFFORT_MAX] = "max",
};
#define N_EFFORTS (sizeof effort_names / sizeof effort_names[0])

const char *llmc_effort_name(llmc_effort effort)
{
    return (size_t)effort < N_EFFORTS ? effort_names[effort] : "";
}

llmc_code llmc_effort_from_name(const char *name, llmc_effort *out)
{
    for (size_t i = LLMC_EFFORT_NONE; name && i < N_EFFORTS; i++)
        if (strcmp(name, effort_names[i]) == 0) {
            if (out)
                *out = (llmc_effort)i;
            return LLMC_OK;
        }
    return LLMC_E_INVALID_ARG;
}

llmc_code llmc_request_set_effort(llmc_request *req, llmc_effort effort, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || (size_t)effort >= N_EFFORTS)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "no such effort level (%d)", (int)effort);
    req->effort = effort;
    return LLMC_OK;
}

llmc_code llmc_request_set_thinking_mode(llmc_request *req, llmc_thinking mode, long budget_tokens, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || mode < LLMC_THINKING_DEFAULT || mode > LLMC_THINKING_BUDGET)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "no such thinking mode (%d)", (int)mode);
    if (budget_tokens < 0)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a thinking budget cannot be negative");
    /* the service's own floor for budget_tokens */
    if (mode == LLMC_THINKING_BUDGET && budget_tokens < 1024)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a thinking budget must be at least 1024 tokens (got %ld)",
                              budget_tokens);
    req->thinking = mode;
    req->thinking_budget = budget_tokens;
    return LLMC_OK;
}

llmc_code llmc_request_set_thinking(llmc_request *req, long budget_tokens, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || budget_tokens < 0)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a thinking budget is 0 (off) or more tokens (%ld)",
                              budget_tokens);
    return llmc_request_set_thinking_mode(req, budget_tokens > 0 ? LLMC_THINKING_ON : LLMC_THINKING_DEFAULT,
                                          budget_tokens, err);
}

llmc_code llmc_request_set_reasoning_format(llmc_request *req, const char *format, llmc_error *err)
{
    static const char *const formats[] = {"none", "parsed", "text_parsed", "raw", "hidden", NULL};
    llmc_error_clear(err);
    if (!req)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "no request");
    bool known = !format;
    for (size_t i = 0; format && formats[i]; i++)
        known |= strcmp(format, formats[i]) == 0;
    if (!known)
        return llmc_error_set(err, LLMC_E_INVALID_ARG,
                              "reasoning format \"%.64s\" is not one of none, parsed, text_parsed, raw, hidden",
                              format);
    char *copy = format ? strdup(format) : NULL;
    if (format && !copy)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    free(req->reasoning_format);
    req->reasoning_format = copy;
    return LLMC_OK;
}

llmc_code llmc_request_set_parallel_tool_calls(llmc_request *req, int allow, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || allow < -1 || allow > 1)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "parallel tool calls: 0 (forbid), 1 (allow) or -1 (default)");
    req->parallel_tool_calls = allow;
    return LLMC_OK;
}

static bool ttl_valid(llmc_cache_ttl ttl)
{
    return ttl == LLMC_CACHE_OFF || ttl == LLMC_CACHE_5M || ttl == LLMC_CACHE_1H;
}

llmc_code llmc_request_set_cache(llmc_request *req, llmc_cache_ttl ttl, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || !ttl_valid(ttl))
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "no such cache TTL (%d)", (int)ttl);
    req->cache = ttl;
    return LLMC_OK;
}

llmc_code llmc_request_add_cache_breakpoint(llmc_request *req, llmc_cache_point point, llmc_cache_ttl ttl,
                                            llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || !ttl_valid(ttl))
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "no such cache TTL (%d)", (int)ttl);
    switch (point) {
    case LLMC_CACHE_SYSTEM:
        if (!req->system)
            return llmc_error_set(err, LLMC_E_INVALID_ARG, "a cache breakpoint on the system prompt needs one");
        req->cache_system = ttl;
        return LLMC_OK;
    case LLMC_CACHE_TOOLS:
        if (!req->n_tools)
            return llmc_error_set(err, LLMC_E_INVALID_ARG, "a cache breakpoint on the tools needs a tool");
        req->tools[req->n_tools - 1].cache = (unsigned char)ttl;
        return LLMC_OK;
    case LLMC_CACHE_LAST_PART: {
        llmc_message *m = req->n_messages ? &req->messages[req->n_messages - 1] : NULL;
        if (!m || !m->n_parts)
            return llmc_error_set(err, LLMC_E_INVALID_ARG, "a cache breakpoint on the last part needs a message");
        m->parts[m->n_parts - 1].cache = (unsigned char)ttl;
        return LLMC_OK;
    }
    }
    return llmc_error_set(err, LLMC_E_INVALID_ARG, "no such cache point (%d)", (int)point);
}
