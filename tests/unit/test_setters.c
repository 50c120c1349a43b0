/* SPDX-License-Identifier: MIT */
/*
 * test_setters.c — the one setter convention (llmc.h, "Conventions"): a setter or adder that
 * refuses its input returns LLMC_E_INVALID_ARG and says why in `err`; NULL for `err` is allowed;
 * one that succeeds clears `err` and changes what it sets.
 */
#include "llmc/llmc.h"
#include "wire.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

/* The call refused its input, said so, and does the same without an err. */
#define REFUSED(call_with_err, call_without_err, words)                                                                \
    do {                                                                                                               \
        llmc_error e_;                                                                                                 \
        llmc_error_clear(&e_);                                                                                         \
        llmc_error *err = &e_;                                                                                         \
        assert_int_equal((call_with_err), LLMC_E_INVALID_ARG);                                                         \
        if (!strstr(e_.message, (words)))                                                                              \
            fail_msg("expected \"%s\" in \"%s\"", (words), e_.message);                                                \
        assert_int_equal(e_.code, LLMC_E_INVALID_ARG);                                                                 \
        err = NULL;                                                                                                    \
        assert_int_equal((call_without_err), LLMC_E_INVALID_ARG);                                                      \
        (void)err;                                                                                                     \
    } while (0)

static void test_refusals_say_why(void **state)
{
    (void)state;
    llmc_request *req = llmc_request_new("anthropic/claude-sonnet-4-6");
    REFUSED(llmc_request_set_model(req, "", err), llmc_request_set_model(req, "", err), "needs a model");
    REFUSED(llmc_request_add_message(req, (llmc_role)7, "x", err),
            llmc_request_add_message(req, (llmc_role)7, "x", err), "role");
    REFUSED(llmc_request_set_temperature(req, 2.5, err), llmc_request_set_temperature(req, 2.5, err),
            "between 0 and 2");
    REFUSED(llmc_request_set_temperature(req, NAN, err), llmc_request_set_temperature(req, NAN, err),
            "between 0 and 2");
    REFUSED(llmc_request_set_top_p(req, 1.5, err), llmc_request_set_top_p(req, 1.5, err), "between 0 and 1");
    REFUSED(llmc_request_set_max_tokens(req, -1, err), llmc_request_set_max_tokens(req, -1, err), "max_tokens");
    REFUSED(llmc_request_set_timeout(req, -5, err), llmc_request_set_timeout(req, -5, err), "(-5)");
    REFUSED(llmc_request_set_total_timeout(req, -5, err), llmc_request_set_total_timeout(req, -5, err), "(-5)");
    REFUSED(llmc_request_add_stop(req, "", err), llmc_request_add_stop(req, "", err), "stop sequence");
    REFUSED(llmc_request_set_metadata(req, "", "v", err), llmc_request_set_metadata(req, "", "v", err), "metadata");
    REFUSED(llmc_request_add_image(req, "text/plain", "x", 1, err),
            llmc_request_add_image(req, "text/plain", "x", 1, err), "image/");
    REFUSED(llmc_request_add_tool_result(req, "", "x", 0, err), llmc_request_add_tool_result(req, "", "x", 0, err),
            "the call's id");
    REFUSED(llmc_request_set_tool_choice(req, LLMC_TOOL_CHOICE_TOOL, NULL, err),
            llmc_request_set_tool_choice(req, LLMC_TOOL_CHOICE_TOOL, NULL, err), "tool's name");
    REFUSED(llmc_request_set_thinking(req, -1, err), llmc_request_set_thinking(req, -1, err), "thinking budget");
    REFUSED(llmc_request_drop_last_turn(req, err), llmc_request_drop_last_turn(req, err), "no turn");
    REFUSED(llmc_request_add_tool(req, "", NULL, NULL, err), llmc_request_add_tool(req, "", NULL, NULL, err),
            "a tool needs a name");
    REFUSED(llmc_request_add_tool(req, "t", NULL, "{\"type\": ", err), llmc_request_add_tool(req, "t", NULL, "{", err),
            "line 1, column");
    /* a header that carries a credential: refused, and the reason is the header rule's own */
    REFUSED(llmc_request_set_header(req, "Authorization", "Bearer x", err),
            llmc_request_set_header(req, "Authorization", "Bearer x", err), "header not set: ");
    REFUSED(llmc_request_set_header(req, "X-Bad", "a\r\nb", err), llmc_request_set_header(req, "X-Bad", "a\r\nb", err),
            "header not set: ");
    llmc_response *r = llmc_response_new();
    REFUSED(llmc_response_append_block(r, LLMC_BLOCK_TOOL_USE, "{}", NULL, "t", NULL, err),
            llmc_response_append_block(r, LLMC_BLOCK_TOOL_USE, "{}", NULL, "t", NULL, err), "the call's id");
    llmc_response_free(r);
    REFUSED(llmc_request_add_response(req, NULL, err), llmc_request_add_response(req, NULL, err), "must not be NULL");
    llmc_request_free(req);
}

static void test_success_clears_and_sets(void **state)
{
    (void)state;
    llmc_request *req = llmc_request_new("anthropic/claude-sonnet-4-6");
    llmc_error err;
    llmc_error_clear(&err);
    llmc_error_set(&err, LLMC_E_INVALID_ARG, "left over");
    assert_int_equal(llmc_request_set_temperature(req, 0.25, &err), LLMC_OK);
    assert_int_equal(err.code, LLMC_OK);
    assert_string_equal(err.message, "");
    assert_true(req->temperature == 0.25);
    assert_int_equal(llmc_request_set_max_tokens(req, 77, &err), LLMC_OK);
    assert_int_equal(req->max_tokens, 77);
    assert_int_equal(llmc_request_add_message(req, LLMC_ROLE_USER, "hi", &err), LLMC_OK);
    assert_int_equal(llmc_request_add_message(req, LLMC_ROLE_ASSISTANT, "hello", NULL), LLMC_OK);
    assert_int_equal(req->n_messages, 2);
    assert_int_equal(llmc_request_drop_last_turn(req, &err), LLMC_OK);
    assert_int_equal(req->n_messages, 1);
    assert_int_equal(llmc_request_set_header(req, "X-Trace", "1", &err), LLMC_OK);
    assert_int_equal(req->n_headers, 1);
    assert_int_equal(llmc_request_set_header(req, "x-trace", NULL, &err), LLMC_OK); /* NULL removes it */
    assert_int_equal(req->n_headers, 0);
    assert_int_equal(llmc_request_set_model(req, "openai/gpt-4.1-mini", &err), LLMC_OK);
    assert_string_equal(req->model, "openai/gpt-4.1-mini");
    llmc_request_free(req);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refusals_say_why),
        cmocka_unit_test(test_success_clears_and_sets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
