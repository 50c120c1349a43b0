/* SPDX-License-Identifier: MIT */
/*
 * anthropic_wire.h — what the Anthropic dialect's files share: the plan the rules make for a
 * request (which thinking form, which limit) and the usage reader both decoders use.
 */
#ifndef LLMC_ANTHROPIC_WIRE_H
#define LLMC_ANTHROPIC_WIRE_H

#include "wire.h"

/* What the encoder sends, decided from the request and the model's rules. */
typedef struct llmc_anthropic_plan {
    llmc_thinking thinking; /* the form: DEFAULT (none sent), OFF, ADAPTIVE or BUDGET */
    long budget;            /* BUDGET: budget_tokens */
    long max_tokens;
} llmc_anthropic_plan;

/* Check the request against the API version and the model's rules and make the plan. On a
 * refusal: LLMC_E_BAD_REQUEST (or LLMC_E_UNSUPPORTED) with the rule, its source and the fix in
 * err->message, and nothing may be sent. */
llmc_code llmc_anthropic_check(const llmc_request *req, const llmc_wire_ctx *ctx, llmc_anthropic_plan *plan,
                               llmc_error *err);

/* Read a `usage` object into u and more. Members it does not carry keep their value (streams send
 * cumulative usage that may omit some). */
void llmc_anthropic_read_usage(json_t *usage, llmc_usage *u, llmc_usage_more *more);

/* Whether a tool_use block has members beyond type, id, name and input (then llmc keeps it whole). */
bool llmc_anthropic_tool_has_extra(json_t *block);

#endif /* LLMC_ANTHROPIC_WIRE_H */
