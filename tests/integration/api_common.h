/* SPDX-License-Identifier: MIT */
/*
 * api_common.h — what the tests of the providers' current features (test_reasoning.c,
 * test_structured.c, test_caching.c, test_passthrough.c, test_documents.c, test_replay.c) share:
 * one emulator per program, each provider pointed at it, and the last request it received.
 */
#ifndef LLMC_TEST_API_COMMON_H
#define LLMC_TEST_API_COMMON_H

#include "harness.h"
#include "models.h"

#include <llmc/llmc.h>

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static emulator emu;

typedef struct provider_case {
    const char *name;  /* "anthropic" */
    const char *upper; /* "ANTHROPIC" */
} provider_case;

static const provider_case all_providers[] = {
    {"anthropic", "ANTHROPIC"}, {"cerebras", "CEREBRAS"}, {"fireworks", "FIREWORKS"}, {"openai", "OPENAI"}};

/* Point every provider at the emulator with its valid key. */
static void use_emulator(void)
{
    static char vars[8][256];
    const char *env[9] = {NULL};
    for (size_t i = 0; i < 4; i++) {
        snprintf(vars[2 * i], sizeof vars[0], "%s_API_KEY=%s", all_providers[i].upper,
                 test_key(all_providers[i].upper, "VALID"));
        snprintf(vars[2 * i + 1], sizeof vars[0], "%s_BASE_URL=%s", all_providers[i].upper,
                 emulator_base_url(&emu, all_providers[i].name));
        env[2 * i] = vars[2 * i];
        env[2 * i + 1] = vars[2 * i + 1];
    }
    set_provider_env(env);
}

/* The body of the last request the emulator received (new reference), and clear the log. */
static __attribute__((unused)) json_t *last_body(void)
{
    char *text = emulator_requests(&emu, true);
    json_t *all = json_loads(text, 0, NULL);
    free(text);
    assert_true(json_array_size(all) > 0);
    json_t *last = json_array_get(all, json_array_size(all) - 1);
    json_t *body = json_loads(json_string_value(json_object_get(last, "body")), 0, NULL);
    json_decref(all);
    assert_non_null(body);
    return body;
}

/* A header of the last request (malloc'd copy, or NULL); clears nothing. */
static __attribute__((unused)) char *last_header(const char *name)
{
    char *text = emulator_requests(&emu, false);
    json_t *all = json_loads(text, 0, NULL);
    free(text);
    json_t *last = json_array_get(all, json_array_size(all) - 1);
    const char *v = json_string_value(json_object_get(json_object_get(last, "headers"), name));
    char *copy = v ? strdup(v) : NULL;
    json_decref(all);
    return copy;
}

/* A request of one user turn. */
static __attribute__((unused)) llmc_request *ask(const char *model, const char *prompt)
{
    llmc_request *req = llmc_request_new(model);
    assert_non_null(req);
    assert_int_equal(llmc_request_add_message(req, LLMC_ROLE_USER, prompt, NULL), LLMC_OK);
    return req;
}

/* Send, expecting success; the response. */
static __attribute__((unused)) llmc_response *send_ok(llmc_client *c, const llmc_request *req)
{
    llmc_response *r = NULL;
    llmc_error err;
    llmc_code rc = llmc_messages_create(c, req, &r, &err);
    if (rc != LLMC_OK)
        fail_msg("%s: %s (HTTP %d)", llmc_strerror(rc), err.message, err.http_status);
    return r;
}

static __attribute__((unused)) int drop_events(void *userdata, const llmc_event *ev)
{
    size_t *counts = userdata;
    if (counts)
        counts[ev->type]++;
    return 0;
}

/* Send as a stream, expecting success; the final response (event counts by type in counts). */
static __attribute__((unused)) llmc_response *stream_ok(llmc_client *c, const llmc_request *req, size_t counts[16])
{
    llmc_response *r = NULL;
    llmc_error err;
    llmc_code rc = llmc_messages_stream(c, req, drop_events, counts, &r, &err);
    if (rc != LLMC_OK)
        fail_msg("stream: %s: %s (HTTP %d)", llmc_strerror(rc), err.message, err.http_status);
    return r;
}

/* Send, expecting `code`; err is filled. No request may reach the emulator when `refused`. */
static __attribute__((unused)) void send_fails(llmc_client *c, const llmc_request *req, llmc_code code, bool refused,
                                               llmc_error *err)
{
    size_t before = emulator_request_count(&emu);
    llmc_response *r = NULL;
    llmc_code rc = llmc_messages_create(c, req, &r, err);
    if (rc != code)
        fail_msg("expected %s, got %s: %s", llmc_strerror(code), llmc_strerror(rc), err->message);
    assert_null(r);
    if (refused)
        assert_int_equal(emulator_request_count(&emu), before);
}

static int setup(void **state)
{
    (void)state;
    llmc_global_init();
    emulator_start(&emu, NULL);
    use_emulator();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    emulator_stop(&emu);
    llmc_global_cleanup();
    return 0;
}

#endif
