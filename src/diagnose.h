/* SPDX-License-Identifier: MIT */
/*
 * diagnose.h — static checks on a key before it is sent, and the near-miss variable search.
 * The cause pages themselves (the catalogue) are public: llmc_cause_info_get() in llmc.h,
 * defined as data in catalogue.c. These checks never print or copy a key's bytes.
 */
#ifndef LLMC_DIAGNOSE_H
#define LLMC_DIAGNOSE_H

#include "providers.h"

#include <stddef.h>

/* One finding of a static check. */
typedef struct llmc_key_finding {
    llmc_cause cause;
    llmc_severity severity;  /* WARNING: repaired, request goes ahead; ERROR: refused */
    char detail[200];        /* e.g. "ends with a line break (\\n); stripped" — never key bytes */
    const char *fix_variant; /* the finer case the fix is written for (fix.c), or NULL */
} llmc_key_finding;

#define LLMC_MAX_FINDINGS 4

typedef struct llmc_key_verdict {
    size_t n;
    llmc_key_finding findings[LLMC_MAX_FINDINGS];
    size_t clean_offset; /* the usable key is key[clean_offset .. clean_offset+clean_len) */
    size_t clean_len;
} llmc_key_verdict;

/*
 * Check `key` (len bytes, not necessarily NUL-terminated) as a key for `provider` (a name of the
 * provider table, which holds every fact used here; a custom endpoint's name or NULL gets the
 * generic checks, and only a warning for another provider's key). Fills `v`; returns the worst
 * severity found (LLMC_SEVERITY_INFO when clean).
 * Order of checks: empty/whitespace-only → key.empty; matching outer quotes → key.quoted
 * (warning, stripped); leading/trailing whitespace, \r, \n → key.whitespace (warning, stripped);
 * then on the cleaned key: placeholder → key.placeholder; inner whitespace, control
 * characters, non-ASCII, length < 8 or > 512 → key.malformed; a character outside the provider's
 * alphabet (a literal \n escape, $, {, …) → key.malformed (error, the character named); another
 * provider's key family → key.wrong_provider (error where the provider refuses foreign keys);
 * an admin key or an OAuth token → key.wrong_provider (warning); a shape other than the
 * documented one → key.malformed (warning: formats change).
 */
llmc_severity llmc_key_check(const char *provider, const char *key, size_t len, llmc_key_verdict *v);

/*
 * Near-miss variables (nearmiss.c): names set in `environ_list` (NULL-terminated "NAME=value"
 * strings, like `environ`) that look like `wanted` ("ANTHROPIC_API_KEY") but are not it — the
 * provider table's variants (CLAUDE_API_KEY, …), the usual wrong endings (ANTHROPIC_KEY,
 * CEREBRAS_APIKEY, FIREWORKS_AI_API_KEY), a small edit distance, or a different case. Writes up to `max` names into out[i] (each up to 64 bytes).
 * Returns how many were found.
 */
size_t llmc_near_miss_vars(const char *wanted, char *const *environ_list, char out[][64], size_t max);

/* Which provider a key's prefix belongs to ("anthropic" for "sk-ant-…"), or NULL. */
const char *llmc_key_prefix_owner(const char *key, size_t len);

/* "mode 0644: its group and every other user can read it": what a key file's mode exposes. */
void llmc_describe_mode(unsigned mode, char *out, size_t size);

/* ---- fixes (fix.c): the fix paragraph of one error, naming its provider and source ---- */
typedef struct llmc_fix_ctx {
    const llmc_provider_info *info; /* the endpoint's facts; NULL: generic words */
    const char *name;               /* the endpoint's name ("groq" for a custom one) */
    llmc_key_source source;         /* where the key came from, as in the diagnosis */
    const char *source_name;
    const char *shadowed;                /* later sources that also hold a key, or NULL */
    const char *variant;                 /* a finer case of the cause ("directory", "retired", …) or NULL */
    const char *extra, *extra2, *extra3; /* values the cause's sentences name (a model, a list, a date) */
    const llmc_provider_info *owner;     /* key.wrong_provider: whose key it is */
} llmc_fix_ctx;
/* Write the fix of `cause` for ctx into out[size] (always terminated); returns the length the
 * whole text needs. No line breaks; "" when the cause has no fix. */
size_t llmc_fix_compose(llmc_cause cause, const llmc_fix_ctx *ctx, char *out, size_t size);
/* A context filled from a diagnosis (source, source name, shadowed) for the endpoint `name`. */
llmc_fix_ctx llmc_fix_ctx_of(const llmc_diagnosis *d, const llmc_provider_info *info, const char *name);
/* Append to d->fix how to reach d->shadowed (a later source holding a key) when the key came
 * from a variable. */
void llmc_fix_append_shadow(llmc_diagnosis *d, const llmc_provider_info *info, const char *name);
/* d->fix = the fix of d->cause for ctx. */
void llmc_diagnosis_set_fix(llmc_diagnosis *d, const llmc_fix_ctx *ctx);
/* A parameter `model` refuses at the endpoint `provider` (info: its facts, NULL for generic
 * words) — said by the provider's 400 (verdict.c) or known before sending (the dialects' model
 * rules, model_rules.c), so that both read the same: d becomes cause request.unsupported_parameter
 * with the detail "MODEL refuses PARAM" and the fix written for `variant` (fix.c's table; NULL:
 * picked from the parameter's name), `levels` naming the effort levels the model takes. */
void llmc_diagnose_parameter(llmc_diagnosis *d, const llmc_provider_info *info, const char *provider, const char *model,
                             const char *param, const char *variant, const char *levels);

#endif /* LLMC_DIAGNOSE_H */
