/* SPDX-License-Identifier: MIT */
/*
 * providers.c — the provider table: each service's base URL, paths, key variables, auth header
 * style, default timeout and known key prefixes. Everything provider-specific that is not wire
 * shape lives here, so adding an OpenAI-compatible provider is one row.
 */
#include "providers.h"

#include <string.h>

static const char *const anthropic_prefixes[] = {"sk-ant-", NULL};
static const char *const cerebras_prefixes[] = {"csk-", NULL};
static const char *const fireworks_prefixes[] = {"fw_", NULL};
static const char *const openai_prefixes[] = {"sk-", NULL};

/* Base URLs carry the official SDK's meaning of its *_BASE_URL variable, so that a value which
 * works there works here: the messages path is appended to it. */
static const llmc_provider_info providers[] = {
    {"anthropic", LLMC_DIALECT_ANTHROPIC, LLMC_AUTH_X_API_KEY, "https://api.anthropic.com", "ANTHROPIC_BASE_URL",
     "/v1/messages", "/v1/models", "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", 600000, anthropic_prefixes},
    {"cerebras", LLMC_DIALECT_OPENAI, LLMC_AUTH_BEARER, "https://api.cerebras.ai", "CEREBRAS_BASE_URL",
     "/v1/chat/completions", "/v1/models", "CEREBRAS_API_KEY", NULL, 60000, cerebras_prefixes},
    {"fireworks", LLMC_DIALECT_OPENAI, LLMC_AUTH_BEARER, "https://api.fireworks.ai/inference", "FIREWORKS_BASE_URL",
     "/v1/chat/completions", "/v1/models", "FIREWORKS_API_KEY", NULL, 60000, fireworks_prefixes},
    {"openai", LLMC_DIALECT_OPENAI, LLMC_AUTH_BEARER, "https://api.openai.com/v1", "OPENAI_BASE_URL",
     "/chat/completions", "/models", "OPENAI_API_KEY", NULL, 60000, openai_prefixes},
};

const llmc_provider_info *llmc_provider_at(size_t index)
{
    return index < sizeof providers / sizeof providers[0] ? &providers[index] : NULL;
}

const llmc_provider_info *llmc_provider_find(const char *name)
{
    for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++)
        if (strcmp(providers[i].name, name) == 0)
            return &providers[i];
    return NULL;
}
