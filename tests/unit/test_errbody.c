/* SPDX-License-Identifier: MIT */
/*
 * test_errbody.c — every error body that PROVIDERS.md records, and the bodies no provider
 * promises (HTML from a proxy, nothing, plain text, JSON in no known shape), decoded into
 * llmc_error: code, status, provider type and code, message and request id.
 */
#include "wire.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

typedef struct error_case {
    const char *name;
    long status;
    const char *provider;
    const char *content_type;
    const char *body;
    llmc_code code;
    const char *type;
    const char *ecode;
    const char *message; /* exact, or a substring when it starts with '~' */
    const char *request_id;
} error_case;

static const error_case cases[] = {
    {"anthropic 401 wrong key", 401, "anthropic", "application/json",
     "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"},\"request_id\":\"req_011CSHoEeqs5C35K2UUqR7Fy\"}",
     LLMC_E_AUTH, "authentication_error", "", "invalid x-api-key", "req_011CSHoEeqs5C35K2UUqR7Fy"},
    {"anthropic 401 no key header", 401, "anthropic", "application/json",
     "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"x-api-key header is required\"},\"request_id\":\"req_1\"}",
     LLMC_E_AUTH, "authentication_error", "", "x-api-key header is required", "req_1"},
    {"anthropic 400 no version", 400, "anthropic", "application/json",
     "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"anthropic-version: header is required\"},\"request_id\":\"req_2\"}",
     LLMC_E_BAD_REQUEST, "invalid_request_error", "", "anthropic-version: header is required", "req_2"},
    {"anthropic 403 permission", 403, "anthropic", "application/json",
     "{\"type\":\"error\",\"error\":{\"type\":\"permission_error\",\"message\":\"Permission denied\"},\"request_id\":\"req_3\"}",
     LLMC_E_PERMISSION, "permission_error", "", "Permission denied", "req_3"},
    {"anthropic 404", 404, "anthropic", "application/json",
     "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"model: nope\"},\"request_id\":\"req_4\"}",
     LLMC_E_NOT_FOUND, "not_found_error", "", "model: nope", "req_4"},
    {"anthropic 429", 429, "anthropic", "application/json",
     "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"},\"request_id\":\"req_5\"}",
     LLMC_E_RATE_LIMIT, "rate_limit_error", "", "~per-minute rate limit", "req_5"},
    {"anthropic 500", 500, "anthropic", "application/json",
     "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"},\"request_id\":\"req_6\"}",
     LLMC_E_SERVER, "api_error", "", "Internal server error", "req_6"},
    {"anthropic 529 overloaded", 529, "anthropic", "application/json",
     "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},\"request_id\":\"req_7\"}",
     LLMC_E_OVERLOADED, "overloaded_error", "", "Overloaded", "req_7"},
    {"anthropic 402 billing", 402, "anthropic", "application/json",
     "{\"type\":\"error\",\"error\":{\"type\":\"billing_error\",\"message\":\"Your credit balance is too low\"},\"request_id\":\"req_8\"}",
     LLMC_E_BAD_REQUEST, "billing_error", "", "Your credit balance is too low", "req_8"},
    {"anthropic 413 from the CDN", 413, "anthropic", "application/json",
     "{\"error\":{\"type\":\"request_too_large\",\"message\":\"Request exceeds the maximum size\"}}",
     LLMC_E_BAD_REQUEST, "request_too_large", "", "Request exceeds the maximum size", ""},
    {"cerebras 401 wrong key", 401, "cerebras", "application/json",
     "{\"message\":\"Wrong API Key\",\"type\":\"invalid_request_error\",\"param\":\"api_key\",\"code\":\"wrong_api_key\"}",
     LLMC_E_AUTH, "invalid_request_error", "wrong_api_key", "Wrong API Key", ""},
    {"cerebras 403 no header", 403, "cerebras", "application/json", "{\"detail\":\"Not authenticated\"}",
     LLMC_E_PERMISSION, "", "", "Not authenticated", ""},
    {"cerebras 404 model", 404, "cerebras", "application/json",
     "{\"message\":\"Model llama-9 does not exist or you do not have access to it.\",\"type\":\"not_found_error\",\"param\":\"model\",\"code\":\"model_not_found\"}",
     LLMC_E_NOT_FOUND, "not_found_error", "model_not_found", "~does not exist", ""},
    {"cerebras 429 tokens", 429, "cerebras", "application/json",
     "{\"message\":\"Tokens per minute limit exceeded - too many tokens processed.\",\"type\":\"too_many_tokens_error\",\"param\":\"quota\",\"code\":\"token_quota_exceeded\"}",
     LLMC_E_RATE_LIMIT, "too_many_tokens_error", "token_quota_exceeded", "~Tokens per minute", ""},
    {"cerebras 429 queue", 429, "cerebras", "application/json",
     "{\"message\":\"We're experiencing high traffic right now! Please try again soon.\",\"type\":\"too_many_requests_error\",\"param\":\"queue\",\"code\":\"queue_exceeded\"}",
     LLMC_E_RATE_LIMIT, "too_many_requests_error", "queue_exceeded", "~high traffic", ""},
    {"cerebras 422 validation", 422, "cerebras", "application/json",
     "{\"detail\":[{\"loc\":[\"body\",\"messages\"],\"msg\":\"field required\",\"type\":\"value_error.missing\"}]}",
     LLMC_E_BAD_REQUEST, "", "", "field required", ""},
    {"fireworks 401 wrong key", 401, "fireworks", "application/json",
     "{\"error\":{\"message\":\"The API key you provided is invalid.\",\"param\":null,\"code\":\"UNAUTHORIZED\",\"type\":\"error\"},\"request_id\":\"b7c1f0e2\"}",
     LLMC_E_AUTH, "", "UNAUTHORIZED", "The API key you provided is invalid.", "b7c1f0e2"},
    {"fireworks 403 control plane", 403, "fireworks", "application/json",
     "{\"error\":{\"message\":\"The API key you provided is invalid.\",\"param\":null,\"code\":\"UNAUTHORIZED\",\"type\":\"error\"},\"request_id\":\"x1\"}",
     LLMC_E_PERMISSION, "", "UNAUTHORIZED", "The API key you provided is invalid.", "x1"},
    {"fireworks 404 model", 404, "fireworks", "application/json",
     "{\"error\":{\"message\":\"Model not found, inaccessible, and/or not deployed\",\"param\":\"model\",\"code\":\"NOT_FOUND\"}}",
     LLMC_E_NOT_FOUND, "", "NOT_FOUND", "Model not found, inaccessible, and/or not deployed", ""},
    {"fireworks 400 envelope", 400, "fireworks", "application/json",
     "{\"error\":{\"object\":\"error\",\"type\":\"invalid_request_error\",\"message\":\"bad temperature\"}}",
     LLMC_E_BAD_REQUEST, "invalid_request_error", "", "bad temperature", ""},
    {"fireworks 412 suspended", 412, "fireworks", "application/json",
     "{\"error\":{\"object\":\"error\",\"type\":\"invalid_request_error\",\"message\":\"Account suspended\"}}",
     LLMC_E_BAD_REQUEST, "invalid_request_error", "", "Account suspended", ""},
    {"openai 401", 401, "openai", "application/json",
     "{\"error\":{\"message\":\"Incorrect API key provided.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}",
     LLMC_E_AUTH, "invalid_request_error", "invalid_api_key", "Incorrect API key provided.", ""},
    {"a numeric code", 400, "openai", "application/json", "{\"error\":{\"message\":\"bad\",\"code\":400}}",
     LLMC_E_BAD_REQUEST, "", "400", "bad", ""},
    {"a string error", 500, "openai", "application/json", "{\"error\":\"upstream failed\"}", LLMC_E_SERVER, "", "",
     "upstream failed", ""},
    {"HTML from a proxy", 502, "anthropic", "text/html",
     "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>", LLMC_E_SERVER, "",
     "", "~\"502 Bad Gateway\"", ""},
    {"empty body", 503, "fireworks", "", "", LLMC_E_SERVER, "", "", "HTTP 503 from fireworks with an empty body", ""},
    {"plain text", 500, "cerebras", "text/plain", "upstream connect error\r\nor disconnect", LLMC_E_SERVER, "", "",
     "~not JSON (text/plain): upstream connect error or disconnect", ""},
    {"JSON in no known shape", 500, "cerebras", "application/json", "{\"oops\":1}", LLMC_E_SERVER, "", "",
     "~no known error shape", ""},
    {"a redirect", 302, "anthropic", "text/html", "", LLMC_E_INSECURE, "", "", "~empty body", ""},
    {"408 is a timeout", 408, "openai", "application/json", "{\"error\":{\"message\":\"timeout\"}}", LLMC_E_TIMEOUT, "",
     "", "timeout", ""},
    {"control characters are flattened", 400, "openai", "application/json",
     "{\"error\":{\"message\":\"line one\\nline\\ttwo\\u001b[31m\"}}", LLMC_E_BAD_REQUEST, "", "",
     "line one line two\\e[31m", ""},
};

static void test_every_error_body(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const error_case *c = &cases[i];
        llmc_error err;
        llmc_error_clear(&err);
        llmc_error_from_response(c->status, c->content_type, c->body, strlen(c->body), c->provider, &err);
        print_message("case: %s -> [%s] %s\n", c->name, llmc_strerror(err.code), err.message);
        assert_int_equal(err.code, c->code);
        assert_int_equal(err.http_status, c->status);
        assert_string_equal(err.provider, c->provider);
        assert_string_equal(err.provider_type, c->type);
        assert_string_equal(err.provider_code, c->ecode);
        assert_string_equal(err.request_id, c->request_id);
        if (c->message[0] == '~')
            assert_non_null(strstr(err.message, c->message + 1));
        else
            assert_string_equal(err.message, c->message);
    }
}

static void test_long_message_is_cut_not_overrun(void **state)
{
    (void)state;
    char body[8192];
    int n = snprintf(body, sizeof body, "{\"error\":{\"message\":\"");
    memset(body + n, 'x', 5000);
    snprintf(body + n + 5000, sizeof body - (size_t)n - 5000, "\"}}");
    llmc_error err;
    llmc_error_clear(&err);
    llmc_error_from_response(400, "application/json", body, strlen(body), "openai", &err);
    assert_int_equal(strlen(err.message), sizeof err.message - 1);
}

static void test_blank_message_and_bounded_body(void **state)
{
    (void)state;
    llmc_error err;
    llmc_error_clear(&err);
    const char *blank = "{\"error\":{\"message\":\"\\n\\t \"}}";
    llmc_error_from_response(500, "application/json", blank, strlen(blank), "openai", &err);
    assert_string_equal(err.message, "HTTP 500 from openai (its error message was blank)");

    /* only `len` bytes are the body: a title beyond them is not read */
    const char *page = "<html><title>secret beyond the end</title>";
    llmc_error_clear(&err);
    llmc_error_from_response(502, "text/html", page, 10, "anthropic", &err);
    assert_null(strstr(err.message, "secret"));
    assert_non_null(strstr(err.message, "<html><tit"));
}

static void test_status_mapping(void **state)
{
    (void)state;
    assert_int_equal(llmc_code_for_status(200), LLMC_OK);
    assert_int_equal(llmc_code_for_status(301), LLMC_E_INSECURE);
    assert_int_equal(llmc_code_for_status(409), LLMC_E_BAD_REQUEST);
    assert_int_equal(llmc_code_for_status(413), LLMC_E_BAD_REQUEST);
    assert_int_equal(llmc_code_for_status(422), LLMC_E_BAD_REQUEST);
    assert_int_equal(llmc_code_for_status(503), LLMC_E_SERVER);
    assert_int_equal(llmc_code_for_status(529), LLMC_E_OVERLOADED);
}

static void test_strerror_names_every_code(void **state)
{
    (void)state;
    for (int c = LLMC_OK; c <= LLMC_E_IO; c++)
        assert_string_not_equal(llmc_strerror((llmc_code)c), "unknown error code");
    assert_string_equal(llmc_strerror((llmc_code)999), "unknown error code");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_error_body),
        cmocka_unit_test(test_long_message_is_cut_not_overrun),
        cmocka_unit_test(test_blank_message_and_bounded_body),
        cmocka_unit_test(test_status_mapping),
        cmocka_unit_test(test_strerror_names_every_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
