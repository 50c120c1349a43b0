/* SPDX-License-Identifier: MIT */
/*
 * diagnose.h — static checks on a key before it is sent, and the near-miss variable search.
 * The cause pages themselves (the catalogue) are public: llmc_cause_info_get() in llmc.h,
 * defined as data in catalogue.c. These checks never print or copy a key's bytes.
 */
#ifndef LLMC_DIAGNOSE_H
#define LLMC_DIAGNOSE_H

#include "llmc/llmc.h"

#include <stddef.h>

/* One finding of a static check. */
typedef struct llmc_key_finding {
    llmc_cause cause;
    llmc_severity severity; /* WARNING: repaired, request goes ahead; ERROR: refused */
    char detail[200];       /* e.g. "ends with a line break (\\n); stripped" — never key bytes */
} llmc_key_finding;

#define LLMC_MAX_FINDINGS 4

typedef struct llmc_key_verdict {
    size_t n;
    llmc_key_finding findings[LLMC_MAX_FINDINGS];
    size_t clean_offset; /* the usable key is key[clean_offset .. clean_offset+clean_len) */
    size_t clean_len;
} llmc_key_verdict;

/*
 * Check `key` (len bytes, not necessarily NUL-terminated) as a key for `provider` ("anthropic",
 * "cerebras", "fireworks", "openai" or a custom endpoint name: unknown providers get only the
 * generic checks). Fills `v`; returns the worst severity found (LLMC_SEVERITY_INFO when clean).
 * Order of checks: empty/whitespace-only → key.empty; matching outer quotes → key.quoted
 * (warning, stripped); leading/trailing whitespace, \r, \n → key.whitespace (warning, stripped);
 * then on the cleaned key: placeholder → key.placeholder; inner whitespace, control
 * characters, non-ASCII, length < 8 or > 512 → key.malformed; another provider's known prefix →
 * key.wrong_provider (error); unknown shape for this provider → no error (formats change).
 */
llmc_severity llmc_key_check(const char *provider, const char *key, size_t len, llmc_key_verdict *v);

/*
 * Near-miss variables: names set in `environ_list` (NULL-terminated "NAME=value" strings, like
 * `environ`) that look like `wanted` ("ANTHROPIC_API_KEY") but are not it — known variants
 * (ANTHROPIC_KEY, CEREBRAS_APIKEY, FIREWORKS_AI_API_KEY, CLAUDE_API_KEY, …), a small edit
 * distance, or a different case. Writes up to `max` names into out[i] (each up to 64 bytes).
 * Returns how many were found.
 */
size_t llmc_near_miss_vars(const char *wanted, char *const *environ_list, char out[][64], size_t max);

/* Which provider a key's prefix belongs to ("anthropic" for "sk-ant-…"), or NULL. */
const char *llmc_key_prefix_owner(const char *key, size_t len);

#endif /* LLMC_DIAGNOSE_H */
