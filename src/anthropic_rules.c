/* SPDX-License-Identifier: MIT */
/*
 * anthropic_rules.c — before an Anthropic request leaves: which thinking form the model takes,
 * and the refusals the service is known to give (a 400) for the API version, the model, thinking
 * with sampling or forced tools, effort levels, and cache breakpoints. A refusal names the rule,
 * where it comes from, and what to do instead, and nothing is sent.
 */
#include "anthropic_wire.h"
#include "model_rules.h"

#include <stdio.h>
#include <string.h>

#define DEFAULT_MAX_TOKENS 1024
#define DEFAULT_BUDGET 4096
#define VERSION_2026 "2026-10-21"
#define SRC_VERSION "Anthropic API versioning: version 2026-10-21 removes temperature, top_p and top_k"
#define SRC_THINKING_SAMPLING                                                                                          \
    "Anthropic docs, extended thinking: temperature may only be 1 and top_p at least 0.95 with thinking"
#define SRC_THINKING_TOOLS "Anthropic docs, extended thinking: with thinking, tool_choice takes only auto or none"
#define SRC_FORCED_TOOLS "400 \"tool_choice: type \\\"tool\\\" and \\\"any\\\" are not supported for this model.\""
#define SRC_CACHE_LIMIT "400 \"A maximum of 4 blocks with cache_control may be provided.\""
#define SRC_CACHE_ORDER                                                                                                \
    "400 \"a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that blocks are "   \
    "processed in the following order: `tools`, `system`, `messages`.\""

static bool new_version(const llmc_wire_ctx *ctx)
{
    return ctx->anthropic_version && strcmp(ctx->anthropic_version, VERSION_2026) >= 0;
}

/* A sampling field set by a passthrough body field (e.g. top_k), or NULL. */
static bool body_sets(const llmc_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_body; i++)
        if (strcmp(req->body[i].name, name) == 0)
            return true;
    return false;
}

static llmc_code check_sampling(const llmc_request *req, const llmc_wire_ctx *ctx, llmc_error *err)
{
    bool temperature = req->temperature >= 0 || body_sets(req, "temperature");
    bool top_p = req->top_p >= 0 || body_sets(req, "top_p");
    bool top_k = body_sets(req, "top_k");
    if (ctx->count_tokens)
        return LLMC_OK; /* not part of a count */
    if (new_version(ctx) && (temperature || top_p || top_k)) {
        const char *what = temperature ? "temperature" : top_p ? "top_p" : "top_k";
        char version[64];
        snprintf(version, sizeof version, "anthropic-version %s", ctx->anthropic_version);
        return llmc_rule_refuse(err, ctx->provider, version, what, "version", NULL,
                                "%s is not accepted with anthropic-version %s (source: %s): leave it out, or send "
                                "anthropic-version 2023-06-01",
                                what, ctx->anthropic_version, SRC_VERSION);
    }
    const llmc_model_rule *r = llmc_model_rule_find(LLMC_DIALECT_ANTHROPIC, ctx->provider, ctx->model,
                                                    LLMC_RULE_NO_TEMPERATURE | LLMC_RULE_NO_TOP_P);
    if (r && ((temperature && (r->aspects & LLMC_RULE_NO_TEMPERATURE)) || (top_p && (r->aspects & LLMC_RULE_NO_TOP_P))))
        return llmc_rule_refuse(err, ctx->provider, ctx->model, temperature ? "temperature" : "top_p", "sampling", NULL,
                                "%s refuses %s (source: %s): leave it out (steer with an effort level instead)",
                                ctx->model, temperature ? "temperature" : "top_p", r->source);
    r = llmc_model_rule_find(LLMC_DIALECT_ANTHROPIC, ctx->provider, ctx->model, LLMC_RULE_TEMPERATURE_XOR_TOP_P);
    if (r && temperature && top_p)
        return llmc_rule_refuse(err, ctx->provider, ctx->model, "temperature and top_p", "sampling_pair", NULL,
                                "%s refuses temperature and top_p together (source: %s): set only one of them",
                                ctx->model, r->source);
    return LLMC_OK;
}

static const char *forms_text(llmc_thinking_forms forms)
{
    switch (forms) {
    case LLMC_TF_BUDGET_ONLY:
        return "thinking with a token budget only";
    case LLMC_TF_BOTH:
        return "adaptive thinking or a budget";
    case LLMC_TF_ADAPTIVE_ONLY:
        return "adaptive thinking only, not a budget";
    case LLMC_TF_ALWAYS_ADAPTIVE:
        return "adaptive thinking only, always on";
    }
    return "";
}

/* The thinking form to send; a refusal when the model is known not to take what was asked. */
static llmc_code plan_thinking(const llmc_request *req, const llmc_wire_ctx *ctx, llmc_anthropic_plan *plan,
                               llmc_error *err)
{
    const llmc_model_rule *r =
        llmc_model_rule_find(LLMC_DIALECT_ANTHROPIC, ctx->provider, ctx->model, LLMC_RULE_THINKING);
    llmc_thinking_forms forms = r ? r->thinking : 0;
    long budget = req->thinking_budget > 0 ? req->thinking_budget : DEFAULT_BUDGET;
    plan->thinking = LLMC_THINKING_DEFAULT;
    switch (req->thinking) {
    case LLMC_THINKING_DEFAULT:
        return LLMC_OK;
    case LLMC_THINKING_OFF:
        if (forms == LLMC_TF_ALWAYS_ADAPTIVE)
            return llmc_rule_refuse(err, ctx->provider, ctx->model, "thinking.type.disabled", "thinking_off", NULL,
                                    "%s cannot turn thinking off: it takes %s (source: %s); leave thinking unset",
                                    ctx->model, forms_text(forms), r->source);
        plan->thinking = LLMC_THINKING_OFF;
        return LLMC_OK;
    case LLMC_THINKING_ON:
        /* a model no rule knows: a budget when one was given (the older call), else adaptive, the
         * form every model since Claude 4.6 takes */
        plan->thinking = forms == LLMC_TF_BUDGET_ONLY || (!forms && req->thinking_budget > 0) ? LLMC_THINKING_BUDGET
                                                                                              : LLMC_THINKING_ADAPTIVE;
        break;
    case LLMC_THINKING_ADAPTIVE:
        if (forms == LLMC_TF_BUDGET_ONLY)
            return llmc_rule_refuse(err, ctx->provider, ctx->model, "thinking.type.adaptive", "thinking_adaptive", NULL,
                                    "%s does not take adaptive thinking: it takes %s (source: %s); give a thinking "
                                    "budget",
                                    ctx->model, forms_text(forms), r->source);
        plan->thinking = LLMC_THINKING_ADAPTIVE;
        break;
    case LLMC_THINKING_BUDGET:
        if (forms == LLMC_TF_ADAPTIVE_ONLY || forms == LLMC_TF_ALWAYS_ADAPTIVE)
            return llmc_rule_refuse(err, ctx->provider, ctx->model, "thinking.type.enabled", "thinking", NULL,
                                    "%s does not take a thinking budget: it takes %s (source: %s); ask for thinking "
                                    "without a budget, and set an effort level to say how much",
                                    ctx->model, forms_text(forms), r->source);
        plan->thinking = LLMC_THINKING_BUDGET;
        break;
    }
    if (plan->thinking == LLMC_THINKING_BUDGET) {
        plan->budget = budget;
        /* the service requires room for the answer beyond the thinking budget */
        if (plan->max_tokens <= budget)
            plan->max_tokens = budget + DEFAULT_MAX_TOKENS;
    }
    return LLMC_OK;
}

/* What thinking forbids beside it (whatever form it takes). */
static llmc_code check_with_thinking(const llmc_request *req, const llmc_wire_ctx *ctx, const llmc_anthropic_plan *plan,
                                     llmc_error *err)
{
    const llmc_model_rule *r =
        llmc_model_rule_find(LLMC_DIALECT_ANTHROPIC, ctx->provider, ctx->model, LLMC_RULE_THINKING);
    bool forced =
        req->n_tools && (req->tool_choice == LLMC_TOOL_CHOICE_ANY || req->tool_choice == LLMC_TOOL_CHOICE_TOOL);
    if (forced && r && r->thinking == LLMC_TF_ALWAYS_ADAPTIVE)
        return llmc_rule_refuse(err, ctx->provider, ctx->model, "tool_choice", "forced_tools", NULL,
                                "%s refuses forced tool use (source: %s): let the model choose its tools (tool "
                                "choice auto)",
                                ctx->model, SRC_FORCED_TOOLS);
    bool thinking = plan->thinking == LLMC_THINKING_ADAPTIVE || plan->thinking == LLMC_THINKING_BUDGET;
    if (!thinking || ctx->count_tokens)
        return LLMC_OK;
    if (forced)
        return llmc_rule_refuse(err, ctx->provider, ctx->model, "tool_choice", "with_thinking", NULL,
                                "%s: forced tool use cannot be combined with thinking (source: %s)", ctx->model,
                                SRC_THINKING_TOOLS);
    if (req->temperature >= 0 && req->temperature != 1.0)
        return llmc_rule_refuse(err, ctx->provider, ctx->model, "temperature", "with_thinking", NULL,
                                "%s: a temperature other than 1 cannot be combined with thinking (source: %s); "
                                "leave it out",
                                ctx->model, SRC_THINKING_SAMPLING);
    if (req->top_p >= 0 && req->top_p < 0.95)
        return llmc_rule_refuse(err, ctx->provider, ctx->model, "top_p", "with_thinking", NULL,
                                "%s: top_p below 0.95 cannot be combined with thinking (source: %s); leave it out",
                                ctx->model, SRC_THINKING_SAMPLING);
    return LLMC_OK;
}

static llmc_code check_effort(const llmc_request *req, const llmc_wire_ctx *ctx, llmc_error *err)
{
    if (!req->effort)
        return LLMC_OK;
    if (req->effort == LLMC_EFFORT_NONE || req->effort == LLMC_EFFORT_MINIMAL) {
        return llmc_rule_refuse(err, ctx->provider, ctx->model, "output_config.effort", "effort",
                                "low, medium, high, xhigh, max",
                                "Anthropic has no effort level \"%s\" (its levels: low, medium, high, xhigh, max); "
                                "to skip thinking, turn it off",
                                llmc_effort_name(req->effort));
    }
    const llmc_model_rule *r =
        llmc_model_rule_find(LLMC_DIALECT_ANTHROPIC, ctx->provider, ctx->model, LLMC_RULE_EFFORTS);
    if (r && !(r->efforts & (1u << req->effort))) {
        char levels[80];
        llmc_model_rule_efforts(r, levels, sizeof levels);
        return llmc_rule_refuse(err, ctx->provider, ctx->model, "output_config.effort", "effort", levels,
                                "%s does not take effort level \"%s\"; it takes %s (source: %s)", ctx->model,
                                llmc_effort_name(req->effort), levels, r->source);
    }
    return LLMC_OK;
}

/* Breakpoints in the order the service reads them (tools, system, messages, then the automatic
 * one at the end): at most four explicit ones, and none lasting longer after a shorter one. */
static llmc_code check_cache(const llmc_request *req, llmc_error *err)
{
    unsigned char seen_5m = 0;
    int explicit_points = 0;
    const char *where = NULL;
    bool order_broken = false;
#define VISIT(ttl, place)                                                                                              \
    do {                                                                                                               \
        unsigned char t_ = (ttl);                                                                                      \
        if (!t_)                                                                                                       \
            break;                                                                                                     \
        if (t_ == LLMC_CACHE_1H && seen_5m && !order_broken) {                                                         \
            order_broken = true;                                                                                       \
            where = (place);                                                                                           \
        }                                                                                                              \
        seen_5m |= t_ == LLMC_CACHE_5M;                                                                                \
    } while (0)
    for (size_t i = 0; i < req->n_tools; i++) {
        explicit_points += req->tools[i].cache != 0;
        VISIT(req->tools[i].cache, "a tool");
    }
    explicit_points += req->cache_system != 0;
    VISIT(req->cache_system, "the system prompt");
    for (size_t i = 0; i < req->n_messages; i++)
        for (size_t j = 0; j < req->messages[i].n_parts; j++) {
            explicit_points += req->messages[i].parts[j].cache != 0;
            VISIT(req->messages[i].parts[j].cache, "a message");
        }
    VISIT(req->cache, "the automatic breakpoint");
#undef VISIT
    if (explicit_points > 4) {
        llmc_error_set(err, LLMC_E_BAD_REQUEST,
                       "the request has %d cache breakpoints; Anthropic takes at most 4 (source: %s)", explicit_points,
                       SRC_CACHE_LIMIT);
        return LLMC_E_BAD_REQUEST;
    }
    if (order_broken) {
        llmc_error_set(err, LLMC_E_BAD_REQUEST,
                       "a 1-hour cache breakpoint (on %s) comes after a 5-minute one (source: %s): give the earlier "
                       "ones 1 hour too, or this one 5 minutes",
                       where, SRC_CACHE_ORDER);
        return LLMC_E_BAD_REQUEST;
    }
    return LLMC_OK;
}

llmc_code llmc_anthropic_check(const llmc_request *req, const llmc_wire_ctx *ctx, llmc_anthropic_plan *plan,
                               llmc_error *err)
{
    memset(plan, 0, sizeof *plan);
    plan->max_tokens = req->max_tokens > 0 ? req->max_tokens : DEFAULT_MAX_TOKENS;
    if (req->format == LLMC_FORMAT_JSON_OBJECT) {
        llmc_error_set(err, LLMC_E_UNSUPPORTED,
                       "Anthropic has no \"any JSON object\" format: give a JSON schema for the reply instead");
        return LLMC_E_UNSUPPORTED;
    }
    llmc_code rc = check_sampling(req, ctx, err);
    if (rc == LLMC_OK)
        rc = plan_thinking(req, ctx, plan, err);
    if (rc == LLMC_OK)
        rc = check_with_thinking(req, ctx, plan, err);
    if (rc == LLMC_OK)
        rc = check_effort(req, ctx, err);
    if (rc == LLMC_OK)
        rc = check_cache(req, err);
    return rc;
}
