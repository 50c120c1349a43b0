/* SPDX-License-Identifier: MIT */
/*
 * fuzz_keycheck.c — libFuzzer target: arbitrary bytes as a key (llmc_key_check) and as a
 * variable name (llmc_near_miss_vars). The first byte picks the provider. Findings stay within
 * bounds, the cleaned range lies inside the input, the returned severity is the worst finding,
 * the check is deterministic, and details never quote the key: the same key with its letters
 * and digits rotated (rot13, rot5; a known public prefix and Anthropic's closing "AA" kept, as
 * the shape rules name them) must give word-for-word the same details whenever it gives the same
 * findings. (Searching details for key bytes instead would let the fuzzer, which sees those
 * comparisons, put a detail's own words into the key.)
 */
#include "diagnose.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond))                                                                                                   \
            __builtin_trap();                                                                                          \
    } while (0)

/* The prefixes the shape rules and the wrong-provider check name (as tests/unit/test_keycheck.c),
 * longest first. */
static const char *const public_prefixes[] = {"gsk_"};

/* Another key of the same shape: letters and digits rotated, everything else kept. */
static void rotate(const char *in, char *out, size_t len, const llmc_key_verdict *v)
{
    memcpy(out, in, len);
    size_t from = v->clean_offset, to = v->clean_offset + v->clean_len;
    /* the provider table's prefixes first (longest first), then a few of other services */
    for (size_t i = 0; llmc_provider_key_prefix_at(i); i++) {
        size_t n = strlen(llmc_provider_key_prefix_at(i));
        if (to - from >= n && memcmp(in + from, llmc_provider_key_prefix_at(i), n) == 0) {
            from += n;
            goto rotate;
        }
    }
    for (size_t i = 0; i < sizeof public_prefixes / sizeof public_prefixes[0]; i++) {
        size_t n = strlen(public_prefixes[i]);
        if (to - from >= n && memcmp(in + from, public_prefixes[i], n) == 0) {
            from += n;
            break;
        }
    }
rotate:
    if (to - from >= 2 && in[to - 2] == 'A' && in[to - 1] == 'A')
        to -= 2;
    for (size_t i = from; i < to; i++) {
        char c = in[i];
        if (c >= 'a' && c <= 'z')
            c = (char)('a' + (c - 'a' + 13) % 26);
        else if (c >= 'A' && c <= 'Z')
            c = (char)('A' + (c - 'A' + 13) % 26);
        else if (c >= '0' && c <= '9')
            c = (char)('0' + (c - '0' + 5) % 10);
        out[i] = c;
    }
}

static int same_findings(const llmc_key_verdict *a, const llmc_key_verdict *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->findings[i].cause != b->findings[i].cause || a->findings[i].severity != b->findings[i].severity)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const providers[] = {"anthropic", "cerebras", "fireworks", "openai", "groq"};
    if (size < 1 || size > 4096)
        return 0;
    const char *provider = providers[data[0] % (sizeof providers / sizeof providers[0])];
    const char *key = (const char *)data + 1;
    size_t len = size - 1;

    llmc_key_verdict v, again;
    llmc_severity worst = llmc_key_check(provider, key, len, &v);
    CHECK(v.n <= LLMC_MAX_FINDINGS);
    CHECK(v.clean_offset <= len && v.clean_len <= len - v.clean_offset);
    llmc_severity max = LLMC_SEVERITY_INFO;
    for (size_t i = 0; i < v.n; i++) {
        CHECK(v.findings[i].cause != LLMC_CAUSE_NONE);
        CHECK(memchr(v.findings[i].detail, '\0', sizeof v.findings[i].detail) != NULL);
        if (v.findings[i].severity > max)
            max = v.findings[i].severity;
    }
    CHECK(worst == max);
    CHECK(llmc_key_check(provider, key, len, &again) == worst);
    CHECK(again.n == v.n && again.clean_offset == v.clean_offset && again.clean_len == v.clean_len);

    char rotated[4096];
    rotate(key, rotated, len, &v);
    llmc_key_verdict other;
    llmc_key_check(provider, rotated, len, &other);
    if (same_findings(&v, &other))
        for (size_t i = 0; i < v.n; i++)
            CHECK(strcmp(v.findings[i].detail, other.findings[i].detail) == 0);

    /* the same bytes as a variable name set in the environment (up to the first '=' or NUL) */
    char entry[96];
    size_t n = len < 60 ? len : 60;
    memcpy(entry, key, n);
    entry[n] = '\0';
    char *eq = strchr(entry, '=');
    if (eq)
        *eq = '\0';
    strcat(entry, "=value");
    char *const env[] = {entry, "PATH=/bin", NULL};
    char out[4][64];
    size_t found = llmc_near_miss_vars("ANTHROPIC_API_KEY", env, out, 4);
    CHECK(found <= 4);
    for (size_t i = 0; i < found; i++)
        CHECK(memchr(out[i], '\0', sizeof out[i]) != NULL);
    return 0;
}
