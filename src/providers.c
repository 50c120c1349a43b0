/* SPDX-License-Identifier: MIT */
/*
 * providers.c — the provider table: everything llmc knows about a service that is not wire shape.
 * Base URLs, paths, variables, auth header, key prefixes, shapes and alphabets, the variable names
 * people set by mistake, retired models and batch engines live here and nowhere else, so adding an
 * OpenAI-compatible provider is one row and correcting a fact is one line. The source of each key
 * and model fact is recorded in tests/server/README.md.
 */
#include "providers.h"

#include <pthread.h>
#include <string.h>

/* ---- Anthropic ---- */

/* The secret scanners' rules, which Anthropic supplied: `sk-ant-api03-[a-zA-Z0-9_\-]{93}AA`
 * (108 characters), admin keys the same after `sk-ant-admin01-`; OAuth tokens `sk-ant-oat01-`
 * with a body of 40 or more. */
static const llmc_key_shape anthropic_shapes[] = {
    {"sk-ant-api03-", LLMC_KEY_KIND_API, "an Anthropic API key", 95, 95, LLMC_CHARS_B64URL, "AA"},
    {"sk-ant-admin01-", LLMC_KEY_KIND_ADMIN, "an Anthropic Admin API key", 95, 95, LLMC_CHARS_B64URL, "AA"},
    {"sk-ant-oat01-", LLMC_KEY_KIND_OAUTH, "an OAuth token from a Claude subscription", 40, 200, LLMC_CHARS_B64URL,
     NULL},
    {"sk-ant-ort01-", LLMC_KEY_KIND_OAUTH, "an OAuth refresh token from a Claude subscription", 40, 200,
     LLMC_CHARS_B64URL, NULL},
    {NULL, 0, NULL, 0, 0, NULL, NULL},
};

static const char *const anthropic_variants[] = {
    "CLAUDE_API_KEY",           "CLAUDE_KEY", "CLAUDE_APIKEY", "CLAUDE_TOKEN", "CLAUDE_API_TOKEN",
    "ANTHROPIC_CLAUDE_API_KEY", NULL,
};

/* The deprecations page, as the SDK's data and a transcription of it record (README). */
static const llmc_retired_model anthropic_retired[] = {
    {"claude-sonnet-4-5", "2026-11-30", NULL},
    {"claude-sonnet-4-5-20250929", "2026-11-30", NULL},
    {"claude-opus-4-1", "2026-08-05", "claude-opus-4-8"},
    {"claude-opus-4-1-20250805", "2026-08-05", "claude-opus-4-8"},
    {"claude-sonnet-4-0", "2026-06-15", "claude-sonnet-4-6"},
    {"claude-sonnet-4-20250514", "2026-06-15", "claude-sonnet-4-6"},
    {"claude-opus-4-0", "2026-06-15", "claude-opus-4-8"},
    {"claude-opus-4-20250514", "2026-06-15", "claude-opus-4-8"},
    {"claude-3-7-sonnet-latest", NULL, NULL},
    {"claude-3-7-sonnet-20250219", NULL, NULL},
    {"claude-3-5-sonnet-latest", NULL, NULL},
    {"claude-3-5-sonnet-20241022", NULL, NULL},
    {"claude-3-5-sonnet-20240620", NULL, NULL},
    {"claude-3-5-haiku-latest", NULL, NULL},
    {"claude-3-5-haiku-20241022", NULL, NULL},
    {"claude-3-opus-latest", NULL, NULL},
    {"claude-3-opus-20240229", NULL, NULL},
    {"claude-3-sonnet-20240229", NULL, NULL},
    {"claude-3-haiku-20240307", NULL, NULL},
    {NULL, NULL, NULL},
};

/* ---- Cerebras ---- */

/* `csk-[a-z0-9]{48}` (a scanner rule; Cerebras shows only `csk-...`). The alphabet allows upper
 * case and `_`: a key in another case is a shape warning, not a refusal. */
static const llmc_key_shape cerebras_shapes[] = {
    {"csk-", LLMC_KEY_KIND_API, "a Cerebras API key", 48, 48, LLMC_CHARS_LOWER_DIGIT, NULL},
    {NULL, 0, NULL, 0, 0, NULL, NULL},
};

static const char *const cerebras_variants[] = {"CEREBRAS_CLOUD_API_KEY", "CEREBRAS_CLOUD_KEY", NULL};

/* The deprecation page (llama-3.3-70b and qwen-3-32b, pointed at gpt-oss-120b), and the dates
 * Cerebras staff announced for the rest. */
static const llmc_retired_model cerebras_retired[] = {
    {"llama-3.3-70b", "2026-02-16", "gpt-oss-120b"},
    {"qwen-3-32b", "2026-02-16", "gpt-oss-120b"},
    {"llama3.1-8b", "2026-05-27", NULL},
    {"qwen-3-235b-a22b-instruct-2507", "2026-05-27", NULL},
    {"qwen-3-235b-a22b-thinking-2507", NULL, NULL},
    {"zai-glm-4.6", "2026-01-20", NULL},
    {"zai-glm-4.7", "2026-08-17", NULL},
    {"qwen-3-coder-480b", "2025-11-05", NULL},
    {"llama-4-scout-17b-16e-instruct", NULL, NULL},
    {"llama-4-maverick-17b-128e-instruct", NULL, NULL},
    {"llama3.1-70b", NULL, NULL},
    {"deepseek-r1-distill-llama-70b", NULL, NULL},
    {"gemma-4-31b", "2026-09-03", NULL},
    {NULL, NULL, NULL},
};

/* ---- Fireworks ---- */

/* Keys show as `fw_...`; no length is published, so only the prefix and alphabet are known. */
static const llmc_key_shape fireworks_shapes[] = {
    {"fw_", LLMC_KEY_KIND_API, "a Fireworks API key", 0, 0, LLMC_CHARS_ALNUM, NULL},
    {NULL, 0, NULL, 0, 0, NULL, NULL},
};

static const char *const fireworks_variants[] = {"FW_API_KEY", "FW_KEY", "FIREWORK_AI_API_KEY", NULL};

static const llmc_retired_model fireworks_retired[] = {
    {"accounts/fireworks/models/deepseek-v3p1", NULL, NULL},
    {NULL, NULL, NULL},
};

/* ---- OpenAI (and any OpenAI-compatible endpoint reached through OPENAI_BASE_URL) ---- */

/* The scanners' rules: `sk-(proj|svcacct|admin)-` + 74 or 58 + `T3BlbkFJ` + 74 or 58 (bodies of 156
 * or 124), early project keys 20 + 8 + 20 (48); legacy `sk-` + 20 + `T3BlbkFJ` + 20. */
static const llmc_key_shape openai_shapes[] = {
    {"sk-proj-", LLMC_KEY_KIND_API, "an OpenAI project key", 48, 156, LLMC_CHARS_B64URL, NULL},
    {"sk-svcacct-", LLMC_KEY_KIND_API, "an OpenAI service-account key", 48, 156, LLMC_CHARS_B64URL, NULL},
    {"sk-admin-", LLMC_KEY_KIND_ADMIN, "an OpenAI Admin key", 48, 156, LLMC_CHARS_B64URL, NULL},
    {NULL, 0, NULL, 0, 0, NULL, NULL},
};

static const char *const openai_variants[] = {"OPEN_AI_API_KEY", "OPEN_AI_KEY", "OPENAI_SECRET", NULL};

/* The shutdown dates of the deprecations page, as openai 7.x's model list records them. */
static const llmc_retired_model openai_retired[] = {
    {"gpt-4.1-nano", "2026-10-23", NULL},
    {"o4-mini", "2026-10-23", NULL},
    {"o3-mini", "2026-10-23", NULL},
    {"o1", "2026-10-23", NULL},
    {"gpt-4-turbo", "2026-10-23", NULL},
    {"gpt-4", "2026-10-23", NULL},
    {"gpt-3.5-turbo", "2026-10-23", NULL},
    {"gpt-3.5-turbo-0125", "2026-10-23", NULL},
    {"gpt-5.3-chat-latest", "2026-08-10", NULL},
    {"gpt-5.2-chat-latest", "2026-08-10", NULL},
    {"gpt-5.1-chat-latest", "2026-07-23", NULL},
    {"gpt-5-chat-latest", "2026-07-23", NULL},
    {"gpt-5.1-codex", "2026-07-23", NULL},
    {NULL, NULL, NULL},
};

/* Base URLs carry the official SDK's meaning of its *_BASE_URL variable, so that a value which
 * works there works here: the messages path is appended to it. */
#ifdef LLMC_TEST_EXTRA_PROVIDER
static const llmc_key_shape acme_shapes[] = {
    {"acme-", LLMC_KEY_KIND_API, "an Acme Inference API key", 40, 40, LLMC_CHARS_B64URL, NULL},
    {NULL, 0, NULL, 0, 0, NULL, NULL},
};
static const char *const acme_variants[] = {"ACME_KEY", "ACME_TOKEN", NULL};
static const llmc_retired_model acme_retired[] = {
    {"acme-old-1", "2026-01-31", "llama3.2"},
    {NULL, NULL, NULL},
};
#endif

static const llmc_provider_info providers[] = {
    {
        .name = "anthropic",
        .display_name = "Anthropic",
        .dialect = LLMC_DIALECT_ANTHROPIC,
        .auth = LLMC_AUTH_X_API_KEY,
        .default_base_url = "https://api.anthropic.com",
        .base_url_env = "ANTHROPIC_BASE_URL",
        .messages_path = "/v1/messages",
        .models_path = "/v1/models",
        .key_env = "ANTHROPIC_API_KEY",
        .token_env = "ANTHROPIC_AUTH_TOKEN",
        .custom_headers_env = "ANTHROPIC_CUSTOM_HEADERS",
        .batch_engine = LLMC_BATCH_ANTHROPIC,
        .default_timeout_ms = 600000,
        .key_family = "sk-ant-",
        .key_family_required = true,
        .foreign_keys_refused = true,
        .key_chars = LLMC_CHARS_B64URL,
        .shapes = anthropic_shapes,
        .key_env_variants = anthropic_variants,
        .retired = anthropic_retired,
    },
    {
        .name = "cerebras",
        .display_name = "Cerebras",
        .dialect = LLMC_DIALECT_OPENAI,
        .auth = LLMC_AUTH_BEARER,
        .default_base_url = "https://api.cerebras.ai",
        .base_url_env = "CEREBRAS_BASE_URL",
        .messages_path = "/v1/chat/completions",
        .models_path = "/v1/models",
        .key_env = "CEREBRAS_API_KEY",
        .custom_headers_env = "CEREBRAS_CUSTOM_HEADERS",
        .batch_engine = LLMC_BATCH_OPENAI, /* its preview of the OpenAI Batch API (tests/server/README.md) */
        .default_timeout_ms = 60000,
        .key_family = "csk-",
        .key_family_required = true,
        .foreign_keys_refused = true,
        .key_chars = LLMC_CHARS_B64URL,
        .shapes = cerebras_shapes,
        .key_env_variants = cerebras_variants,
        .retired = cerebras_retired,
    },
    {
        .name = "fireworks",
        .display_name = "Fireworks AI",
        .dialect = LLMC_DIALECT_OPENAI,
        .auth = LLMC_AUTH_BEARER,
        .default_base_url = "https://api.fireworks.ai/inference",
        .base_url_env = "FIREWORKS_BASE_URL",
        .messages_path = "/v1/chat/completions",
        .models_path = "/v1/models",
        .key_env = "FIREWORKS_API_KEY",
        .custom_headers_env = "FIREWORKS_CUSTOM_HEADERS",
        .account_env = "FIREWORKS_ACCOUNT_ID",
        .batch_engine = LLMC_BATCH_FIREWORKS,
        .default_timeout_ms = 60000,
        .key_family = "fw_",
        .key_family_required = false, /* older keys may have no prefix */
        .foreign_keys_refused = true,
        .key_chars = LLMC_CHARS_B64URL,
        .shapes = fireworks_shapes,
        .key_env_variants = fireworks_variants,
        .retired = fireworks_retired,
    },
    {
        .name = "openai",
        .display_name = "OpenAI",
        .dialect = LLMC_DIALECT_OPENAI,
        .auth = LLMC_AUTH_BEARER,
        .default_base_url = "https://api.openai.com/v1",
        .base_url_env = "OPENAI_BASE_URL",
        .messages_path = "/chat/completions",
        .models_path = "/models",
        .key_env = "OPENAI_API_KEY",
        .batch_engine = LLMC_BATCH_OPENAI,
        .default_timeout_ms = 60000,
        .console = "https://platform.openai.com/api-keys",
        .key_family = "sk-",
        /* OpenAI's own keys are base64url; with OPENAI_BASE_URL on a gateway these facts are not
         * applied at all (llmc_endpoint_key_facts_apply) */
        .key_chars = LLMC_CHARS_B64URL,
        .shapes = openai_shapes,
        .key_env_variants = openai_variants,
        .retired = openai_retired,
    },
#ifdef LLMC_TEST_EXTRA_PROVIDER
    /* "Adding a provider is one row": a made-up OpenAI-compatible service, compiled only into the
     * test build of tests/onerow, which checks that routing, the key chain, the static checks,
     * every diagnosis and the CLI take it up with nothing else changed. */
    {
        .name = "acme",
        .display_name = "Acme Inference",
        .dialect = LLMC_DIALECT_OPENAI,
        .auth = LLMC_AUTH_BEARER,
        .default_base_url = "https://api.acme.invalid/v1",
        .base_url_env = "ACME_BASE_URL",
        .messages_path = "/chat/completions",
        .models_path = "/models",
        .key_env = "ACME_API_KEY",
        .custom_headers_env = "ACME_CUSTOM_HEADERS",
        .batch_engine = LLMC_BATCH_NONE,
        .default_timeout_ms = 60000,
        .console = "https://console.acme.invalid/keys",
        .key_family = "acme-",
        .key_family_required = true,
        .foreign_keys_refused = true,
        .key_chars = LLMC_CHARS_B64URL,
        .shapes = acme_shapes,
        .key_env_variants = acme_variants,
        .retired = acme_retired,
    },
#endif
};

#define N_PROVIDERS (sizeof providers / sizeof providers[0])

static const llmc_provider_info custom_template = {
    .name = "custom",
    .display_name = NULL, /* the endpoint's own name is used */
    .dialect = LLMC_DIALECT_OPENAI,
    .auth = LLMC_AUTH_BEARER,
    .messages_path = "/chat/completions",
    .models_path = "/models",
    /* OpenAI-compatible servers that batch (Groq, vLLM, …) serve the OpenAI Batch API; one that
     * does not answers the upload with its own 404 */
    .batch_engine = LLMC_BATCH_OPENAI,
    .default_timeout_ms = 60000,
};

const llmc_provider_info *llmc_provider_at(size_t index)
{
    return index < N_PROVIDERS ? &providers[index] : NULL;
}

const llmc_provider_info *llmc_provider_find(const char *name)
{
    for (size_t i = 0; name && i < N_PROVIDERS; i++)
        if (strcmp(providers[i].name, name) == 0)
            return &providers[i];
    return NULL;
}

const llmc_provider_info *llmc_provider_custom_template(void)
{
    return &custom_template;
}

static bool starts_with(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

const llmc_provider_info *llmc_provider_owning_key(const char *key, size_t len)
{
    const llmc_provider_info *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; key && i < N_PROVIDERS; i++) {
        const char *f = providers[i].key_family;
        if (f && strlen(f) > best_len && starts_with(key, len, f)) {
            best = &providers[i];
            best_len = strlen(f);
        }
    }
    return best;
}

const llmc_key_shape *llmc_provider_shape_of(const char *key, size_t len, const llmc_provider_info **owner)
{
    const llmc_key_shape *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; key && i < N_PROVIDERS; i++)
        for (const llmc_key_shape *s = providers[i].shapes; s && s->prefix; s++)
            if (strlen(s->prefix) > best_len && starts_with(key, len, s->prefix)) {
                best = s;
                best_len = strlen(s->prefix);
                if (owner)
                    *owner = &providers[i];
            }
    return best;
}

/* Every shape prefix and family, longest first, built once (the table is constant). */
#define MAX_PREFIXES 32
static const char *prefix_list[MAX_PREFIXES + 1];
static size_t n_prefix_list;

static void add_prefix(const char *p)
{
    for (size_t i = 0; i < n_prefix_list; i++)
        if (strcmp(prefix_list[i], p) == 0)
            return;
    if (n_prefix_list == MAX_PREFIXES)
        return;
    size_t at = n_prefix_list;
    while (at > 0 && strlen(prefix_list[at - 1]) < strlen(p)) {
        prefix_list[at] = prefix_list[at - 1];
        at--;
    }
    prefix_list[at] = p;
    n_prefix_list++;
}

static void build_prefix_list(void)
{
    for (size_t i = 0; i < N_PROVIDERS; i++) {
        for (const llmc_key_shape *s = providers[i].shapes; s && s->prefix; s++)
            add_prefix(s->prefix);
        if (providers[i].key_family)
            add_prefix(providers[i].key_family);
    }
}

const char *llmc_provider_key_prefix_at(size_t index)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, build_prefix_list);
    return index < n_prefix_list ? prefix_list[index] : NULL;
}

const llmc_retired_model *llmc_provider_retired(const llmc_provider_info *p, const char *model)
{
    for (const llmc_retired_model *r = p && model ? p->retired : NULL; r && r->model; r++)
        if (strcmp(r->model, model) == 0)
            return r;
    return NULL;
}
