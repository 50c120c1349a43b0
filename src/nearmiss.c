/* SPDX-License-Identifier: MIT */
/*
 * nearmiss.c — the near-miss variable search of key.var_misspelled: names set in the environment
 * that look like the variable llmc reads but are not it (known variants from the provider table,
 * the usual wrong endings, small edit distances, another case). Only names are read and reported;
 * values never are.
 */
#include "diagnose.h"

#include <ctype.h>
#include <string.h>

#define NAME_MAX_LEN 63

/* For a wanted name "<STEM>_API_KEY": the usual ways of getting the rest wrong. */
static const char *const stem_suffixes[] = {
    "_KEY",        "_APIKEY",     "_API_TOKEN", "_TOKEN",     "_SECRET_KEY", "_SECRET",  "_API_SECRET",
    "_ACCESS_KEY", "_AI_API_KEY", "_AI_KEY",    "AI_API_KEY", "_API_KEYS",   "_KEY_API",
};

/*
 * Names that are right in their own context and must never be reported: the alternatives llmc
 * itself reads, and other providers' own variables (GROQ_API_KEY is one edit from GROK_API_KEY,
 * HF_API_KEY two from FW_API_KEY — both legitimate).
 */
static const char *const legit_names[] = {
    "OPENAI_ORG_ID",    "OPENAI_PROJECT_ID", "AZURE_OPENAI_API_KEY",
    "GROQ_API_KEY",     "GROK_API_KEY",      "XAI_API_KEY",
    "MISTRAL_API_KEY",  "GEMINI_API_KEY",    "GOOGLE_API_KEY",
    "TOGETHER_API_KEY", "DEEPSEEK_API_KEY",  "OPENROUTER_API_KEY",
    "COHERE_API_KEY",   "CO_API_KEY",        "PERPLEXITY_API_KEY",
    "HF_TOKEN",         "HF_API_KEY",        "HUGGINGFACE_API_KEY",
    "NVIDIA_API_KEY",   "SAMBANOVA_API_KEY", "REPLICATE_API_TOKEN",
    "VOYAGE_API_KEY",   "AI21_API_KEY",      "GITHUB_TOKEN",
    "GH_TOKEN",         "LLMC_LOG",          "LLMC_MODEL",
};

/* Whether `name` is a variable some program reads on purpose: every variable of the provider
 * table (keys, tokens, base URLs, headers, accounts) and other tools' well-known names. */
static int is_legit_name(const char *name)
{
    for (size_t k = 0; k < sizeof legit_names / sizeof legit_names[0]; k++)
        if (strcmp(name, legit_names[k]) == 0)
            return 1;
    for (size_t i = 0; llmc_provider_at(i); i++) {
        const llmc_provider_info *p = llmc_provider_at(i);
        const char *vars[] = {p->key_env, p->token_env, p->base_url_env, p->custom_headers_env, p->account_env};
        for (size_t k = 0; k < sizeof vars / sizeof vars[0]; k++)
            if (vars[k] && strcmp(name, vars[k]) == 0)
                return 1;
    }
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void upper_copy(char *dst, const char *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = (char)toupper((unsigned char)src[i]);
    dst[n] = '\0';
}

/* Whether the upper-cased `name` looks like the upper-cased `want`. */
static int is_near_miss(const char *name, const char *want)
{
    if (strcmp(name, want) == 0)
        return 1; /* the same name in another case: the caller ruled out the exact one */

    /* the provider table's list of names people set for its key variable */
    for (size_t i = 0; llmc_provider_at(i); i++) {
        const llmc_provider_info *p = llmc_provider_at(i);
        if (!p->key_env || strcmp(want, p->key_env) != 0)
            continue;
        for (const char *const *v = p->key_env_variants; v && *v; v++)
            if (strcmp(name, *v) == 0)
                return 1;
    }

    if (ends_with(want, "_API_KEY")) {
        size_t stem = strlen(want) - strlen("_API_KEY");
        if (strlen(name) > stem && memcmp(name, want, stem) == 0)
            for (size_t i = 0; i < sizeof stem_suffixes / sizeof stem_suffixes[0]; i++)
                if (strcmp(name + stem, stem_suffixes[i]) == 0)
                    return 1;
    }

    /* Typos: only among names that are about this provider or about keys at all, and with a
     * tighter bound for short names, where two edits turn one real name into another. */
    char word[NAME_MAX_LEN + 1];
    size_t wl = strcspn(want, "_");
    memcpy(word, want, wl);
    word[wl] = '\0';
    int relevant =
        (wl >= 3 && strstr(name, word) != NULL) || strstr(name, "KEY") != NULL || strstr(name, "TOKEN") != NULL;
    size_t limit = strlen(want) >= 10 ? 2 : 1;
    return relevant && llmc_edit_distance(name, want) <= limit;
}

size_t llmc_near_miss_vars(const char *wanted, char *const *environ_list, char out[][64], size_t max)
{
    if (wanted == NULL || environ_list == NULL || out == NULL || max == 0)
        return 0;
    size_t wlen = strlen(wanted);
    if (wlen == 0 || wlen > NAME_MAX_LEN)
        return 0;
    char want[NAME_MAX_LEN + 1];
    upper_copy(want, wanted, wlen);

    size_t found = 0;
    for (size_t i = 0; environ_list[i] != NULL && found < max; i++) {
        const char *entry = environ_list[i];
        size_t nlen = strcspn(entry, "=");
        if (nlen == 0 || nlen > NAME_MAX_LEN)
            continue;
        if (nlen == wlen && memcmp(entry, wanted, wlen) == 0)
            continue; /* the wanted name itself */

        char name[NAME_MAX_LEN + 1];
        upper_copy(name, entry, nlen);

        /* <VAR>_FILE and *_BASE_URL are legitimate companions, never misspellings. */
        if (strcmp(name, want) != 0) {
            if (ends_with(name, "_FILE") || ends_with(name, "_BASE_URL"))
                continue;
            /* Only a name spelt exactly as the legit one is legit: "anthropic_auth_token" in
             * lower case is read by nobody and still worth reporting if it is close enough. */
            if (is_legit_name(name) && memcmp(entry, name, nlen) == 0)
                continue;
        }
        if (!is_near_miss(name, want))
            continue;

        int dup = 0;
        for (size_t k = 0; k < found && !dup; k++)
            dup = strlen(out[k]) == nlen && memcmp(out[k], entry, nlen) == 0;
        if (dup)
            continue;
        memcpy(out[found], entry, nlen);
        out[found][nlen] = '\0';
        found++;
    }
    return found;
}
