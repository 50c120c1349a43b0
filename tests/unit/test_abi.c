/* SPDX-License-Identifier: MIT */
/*
 * test_abi.c — the public structs keep their size as they grow. Each struct a caller allocates or
 * receives by value has reserved space at its end; a new field takes from it, and these asserts
 * (on LP64, where the sizes below were measured) fail the build if a change moved a size instead.
 * Changing a number here is an ABI break: it needs a new major version (llmc.h, "Conventions").
 */
#include "llmc/llmc.h"
#include "wire.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#if defined(__LP64__) && (defined(__x86_64__) || defined(__aarch64__))
#define PIN(type, size) _Static_assert(sizeof(type) == (size), #type " changed size: use its reserved space")
#else
#define PIN(type, size) _Static_assert(sizeof(type) > 0, #type)
#endif

PIN(llmc_cause_info, 168);
PIN(llmc_diagnosis, 2508);
PIN(llmc_rate_limit, 24);
PIN(llmc_rate_limits, 128);
PIN(llmc_error, 4104);
PIN(llmc_model_info, 456);
PIN(llmc_key_candidate, 2844);
PIN(llmc_key_report, 38984);
PIN(llmc_stored_key, 184);
PIN(llmc_usage, 64);
PIN(llmc_citation, 120);
PIN(llmc_usage_details, 128);
PIN(llmc_event, 184);
PIN(llmc_batch_progress, 176);

/* The reserved space a reply hands back is zero, so a later version can give it meaning. */
static void test_reserved_is_zero(void **state)
{
    (void)state;
    static const char reply[] =
        "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
        "\"model\":\"claude-sonnet-4-6\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],"
        "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":7,\"output_tokens\":2,"
        "\"cache_read_input_tokens\":3,\"cache_creation_input_tokens\":1}}";
    llmc_response *r = llmc_response_alloc();
    llmc_error err;
    llmc_error_clear(&err);
    assert_int_equal(llmc_anthropic_decode(reply, sizeof reply - 1, r, &err), LLMC_OK);
    llmc_usage u = llmc_response_usage(r);
    assert_int_equal(u.input_tokens, 7);
    assert_int_equal(u.cache_creation_input_tokens, 1);
    static const long zero[sizeof u.reserved / sizeof u.reserved[0]];
    assert_memory_equal(u.reserved, zero, sizeof zero);
    llmc_response_free(r);
}

/* The library linked is the one the header describes. */
static void test_version(void **state)
{
    (void)state;
    assert_int_equal(llmc_version_num(), LLMC_VERSION_NUM);
    assert_string_equal(llmc_version(), LLMC_VERSION_STRING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reserved_is_zero),
        cmocka_unit_test(test_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
