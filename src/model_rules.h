/* SPDX-License-Identifier: MIT */
/*
 * model_rules.h — what particular models take and refuse, so llmc sends the right field in the
 * first place (max_completion_tokens to OpenAI reasoning models, adaptive thinking to Claude 4.7
 * and later) or refuses before sending what the provider is known to answer with a 400. One
 * table, each row with its source (model_rules.c); the dialect encoders ask it.
 */
#ifndef LLMC_MODEL_RULES_H
#define LLMC_MODEL_RULES_H

#include "providers.h"

/* What a row says about its models (one or more aspects per row). */
enum {
    LLMC_RULE_MAX_COMPLETION_TOKENS = 1u << 0, /* the limit is `max_completion_tokens`; `max_tokens` is a 400 */
    LLMC_RULE_NO_TEMPERATURE = 1u << 1,        /* `temperature` (any value but the default) is a 400 */
    LLMC_RULE_NO_TOP_P = 1u << 2,              /* `top_p` is a 400 */
    LLMC_RULE_TEMPERATURE_XOR_TOP_P = 1u << 3, /* both together are a 400 */
    LLMC_RULE_NO_REASONING_EFFORT = 1u << 4,   /* `reasoning_effort` is a 400 (not a reasoning model) */
    LLMC_RULE_JSON_OBJECT_ONLY = 1u << 5,      /* `response_format` takes json_object, not json_schema */
    LLMC_RULE_NO_TOOLS_WITH_FORMAT = 1u << 6,  /* `tools` with `response_format` is a 400 */
    LLMC_RULE_NO_RAW_WITH_FORMAT = 1u << 7,    /* reasoning_format "raw" with a JSON format is a 400 */
    LLMC_RULE_THINKING = 1u << 8,              /* the row gives the thinking forms (below) */
    LLMC_RULE_EFFORTS = 1u << 9                /* the row gives the accepted effort levels */
};

/* The Anthropic thinking forms a model takes. */
typedef enum llmc_thinking_forms {
    LLMC_TF_BUDGET_ONLY = 1,    /* "enabled" with budget_tokens, or "disabled" */
    LLMC_TF_BOTH = 2,           /* "adaptive" or "enabled" (the latter deprecated), or "disabled" */
    LLMC_TF_ADAPTIVE_ONLY = 3,  /* "adaptive" or "disabled" ("enabled" is a 400) */
    LLMC_TF_ALWAYS_ADAPTIVE = 4 /* "adaptive" only: thinking cannot be turned off */
} llmc_thinking_forms;

typedef struct llmc_model_rule {
    llmc_dialect_kind dialect;
    const char *provider; /* the endpoint's name, or NULL for any endpoint of the dialect */
    const char *pattern;  /* fnmatch(3) pattern over the wire model */
    unsigned aspects;     /* LLMC_RULE_* */
    llmc_thinking_forms thinking;
    unsigned efforts; /* with LLMC_RULE_EFFORTS: bit (1 << llmc_effort) per accepted level */
    const char *source;
} llmc_model_rule;

/* The first row that matches the model and gives `aspect`, or NULL when none is known. */
const llmc_model_rule *llmc_model_rule_find(llmc_dialect_kind dialect, const char *provider, const char *model,
                                            unsigned aspect);
/* Row `index` of the table (NULL past the end): for tests and documentation. */
const llmc_model_rule *llmc_model_rule_at(size_t index);
/* The accepted levels of a rule as text, e.g. "low, medium, high" (into buf). */
const char *llmc_model_rule_efforts(const llmc_model_rule *rule, char *buf, size_t size);

/* Refuse before sending what a rule (or the API version) says the provider would answer with a
 * 400: err gets LLMC_E_BAD_REQUEST with the message `fmt` (no HTTP status: nothing was sent) and
 * the diagnosis the provider's own 400 would get — cause request.unsupported_parameter, "MODEL
 * refuses PARAM" and the fix for `variant` (NULL: from the parameter's name; `levels`: the effort
 * levels the model takes) — so a refusal reads the same whoever makes it. `provider` is the
 * endpoint's name. Returns LLMC_E_BAD_REQUEST. */
llmc_code llmc_rule_refuse(llmc_error *err, const char *provider, const char *model, const char *param,
                           const char *variant, const char *levels, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

#endif /* LLMC_MODEL_RULES_H */
