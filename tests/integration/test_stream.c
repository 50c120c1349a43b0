/* SPDX-License-Identifier: MIT */
/*
 * test_stream.c — streaming against the emulator for every provider: the streamed reply equals
 * the non-streamed one, the iterator gives the callback's events, aborts, a 100,000-event
 * stream, tool calls, refusals before the stream starts, retries before it, and failures after
 * it (a mid-stream error event, a cut connection) — each with exactly one terminal event.
 */
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
    const char *name, *upper, *model, *path;
} provider_case;

static const provider_case providers[] = {
    {"anthropic", "ANTHROPIC", TEST_MODEL_ANTHROPIC, "/anthropic/v1/messages"},
    {"cerebras", "CEREBRAS", TEST_MODEL_CEREBRAS, "/cerebras/v1/chat/completions"},
    {"fireworks", "FIREWORKS", TEST_MODEL_FIREWORKS, "/fireworks/inference/v1/chat/completions"},
    {"openai", "OPENAI", TEST_MODEL_OPENAI, "/openai/v1/chat/completions"},
};
#define N_PROVIDERS (sizeof providers / sizeof providers[0])

static llmc_client *client_for(const provider_case *p, const char *key_state)
{
    llmc_client *c = llmc_client_new();
    assert_non_null(c);
    llmc_error err;
    llmc_client_use_key_store(c, 0); /* only the key given here: nothing from the user's store */
    assert_int_equal(llmc_client_set_base_url(c, p->name, emulator_base_url(&emu, p->name), &err), LLMC_OK);
    assert_int_equal(llmc_client_set_key(c, p->name, test_key(p->upper, key_state), &err), LLMC_OK);
    return c;
}

static llmc_request *request_for(const provider_case *p, const char *prompt)
{
    llmc_request *req = llmc_request_new(p->model);
    assert_non_null(req);
    llmc_request_set_system(req, "Be brief.", NULL);
    llmc_request_add_message(req, LLMC_ROLE_USER, prompt, NULL);
    return req;
}

static void reset_emulator(void)
{
    emulator_clear_requests(&emu);
    emulator_call(&emu, "DELETE", "/_emulator/faults", NULL, NULL);
}

/* ---- a transcript of events, the same for push and pull ---- */

typedef struct recorder {
    char *log; /* one line per event */
    size_t len, cap;
    char *text; /* the TEXT pieces joined */
    size_t text_len, text_cap;
    char *tool_input; /* the TOOL_INPUT_DELTA pieces joined */
    size_t tool_len, tool_cap;
    size_t n_text, n_events, n_done, n_error;
    llmc_code error_code;
    char error_type[64];
    int abort_at_text; /* return nonzero on this TEXT event (1-based), 0: never */
    bool log_text;     /* log each text piece (off for the long stream) */
} recorder;

static void append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *buf = realloc(*buf, *cap);
        assert_non_null(*buf);
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
}

static void logf_(recorder *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(recorder *r, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    append(&r->log, &r->len, &r->cap, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static int on_event(void *userdata, const llmc_event *ev)
{
    recorder *r = userdata;
    r->n_events++;
    assert_int_equal(r->n_done + r->n_error, 0); /* nothing after the terminal event */
    switch (ev->type) {
    case LLMC_EVENT_TEXT:
        r->n_text++;
        append(&r->text, &r->text_len, &r->text_cap, ev->text, ev->text_len);
        if (r->log_text)
            logf_(r, "text %zu %s\n", ev->index, ev->text);
        return r->abort_at_text && (int)r->n_text == r->abort_at_text;
    case LLMC_EVENT_THINKING:
        logf_(r, "thinking %zu %s\n", ev->index, ev->text);
        break;
    case LLMC_EVENT_TOOL_USE_START:
        /* the id is random per reply: only its presence is compared */
        logf_(r, "tool_start %zu %s id:%s\n", ev->index, ev->tool_name, ev->tool_id[0] ? "yes" : "no");
        break;
    case LLMC_EVENT_TOOL_INPUT_DELTA:
        append(&r->tool_input, &r->tool_len, &r->tool_cap, ev->text, ev->text_len);
        logf_(r, "tool_input %zu %s\n", ev->index, ev->text);
        break;
    case LLMC_EVENT_CITATION:
        logf_(r, "citation %zu %s\n", ev->index, ev->text);
        break;
    case LLMC_EVENT_USAGE:
        logf_(r, "usage %ld %ld\n", ev->usage.input_tokens, ev->usage.output_tokens);
        break;
    case LLMC_EVENT_STOP:
        logf_(r, "stop %s\n", ev->stop_reason_raw);
        break;
    case LLMC_EVENT_DONE:
        r->n_done++;
        logf_(r, "done %s %ld %ld\n", ev->stop_reason_raw, ev->usage.input_tokens, ev->usage.output_tokens);
        break;
    case LLMC_EVENT_ERROR:
        r->n_error++;
        assert_non_null(ev->error);
        r->error_code = ev->error->code;
        snprintf(r->error_type, sizeof r->error_type, "%s", ev->error->provider_type);
        logf_(r, "error %d\n", (int)ev->error->code);
        break;
    }
    return 0;
}

static void recorder_free(recorder *r)
{
    free(r->log);
    free(r->text);
    free(r->tool_input);
}

/* Pull the whole stream through the iterator into a recorder; returns the last code. */
static llmc_code pull_all(llmc_client *c, const llmc_request *req, recorder *r, llmc_error *err)
{
    llmc_stream *s = NULL;
    llmc_code rc = llmc_stream_open(c, req, &s, err);
    if (rc != LLMC_OK) {
        assert_null(s);
        return rc;
    }
    assert_non_null(s);
    const llmc_event *ev;
    for (;;) {
        assert_null(llmc_stream_response(s)); /* not before DONE has been handed out */
        rc = llmc_stream_next(s, &ev, err);
        assert_non_null(ev);
        on_event(r, ev);
        if (ev->type == LLMC_EVENT_DONE || ev->type == LLMC_EVENT_ERROR)
            break;
        assert_int_equal(rc, LLMC_OK);
    }
    /* after the terminal event: nothing more, and the same answer again */
    const llmc_event *after;
    llmc_code again = llmc_stream_next(s, &after, NULL);
    assert_null(after);
    assert_int_equal(again, rc);
    if (rc == LLMC_OK)
        assert_non_null(llmc_stream_response(s));
    llmc_stream_free(s);
    return rc;
}

static void assert_same_response(const llmc_response *a, const llmc_response *b)
{
    assert_string_equal(llmc_response_text(a), llmc_response_text(b));
    assert_int_equal(llmc_response_stop_reason(a), llmc_response_stop_reason(b));
    assert_string_equal(llmc_response_stop_reason_raw(a), llmc_response_stop_reason_raw(b));
    llmc_usage ua = llmc_response_usage(a), ub = llmc_response_usage(b);
    assert_memory_equal(&ua, &ub, sizeof ua);
    assert_string_equal(llmc_response_model(a), llmc_response_model(b));
    assert_string_equal(llmc_response_provider(a), llmc_response_provider(b));
    assert_int_equal(llmc_response_block_count(a), llmc_response_block_count(b));
    for (size_t i = 0; i < llmc_response_block_count(a); i++) {
        assert_int_equal(llmc_response_block_type(a, i), llmc_response_block_type(b, i));
        assert_string_equal(llmc_response_block_text(a, i), llmc_response_block_text(b, i));
        assert_string_equal(llmc_response_block_tool_name(a, i), llmc_response_block_tool_name(b, i));
        /* tool ids are random per reply: both present or both absent */
        assert_int_equal(llmc_response_block_tool_id(a, i)[0] != 0, llmc_response_block_tool_id(b, i)[0] != 0);
    }
    /* ids differ per reply, but both have one; the request id is there whenever the provider sends one */
    assert_true(strlen(llmc_response_id(a)) > 0 && strlen(llmc_response_id(b)) > 0);
    assert_int_equal(llmc_response_request_id(a)[0] != 0, llmc_response_request_id(b)[0] != 0);
}

/* ---- the tests ---- */

static void test_streamed_equals_non_streamed(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_PROVIDERS; i++) {
        const provider_case *p = &providers[i];
        reset_emulator();
        llmc_client *c = client_for(p, "VALID");
        llmc_request *req = request_for(p, "hello emulator friend");
        llmc_error err;
        llmc_response *plain = NULL, *streamed = NULL;
        assert_int_equal(llmc_messages_create(c, req, &plain, &err), LLMC_OK);
        recorder r = {.log_text = true};
        llmc_code rc = llmc_messages_stream(c, req, on_event, &r, &streamed, &err);
        if (rc != LLMC_OK)
            fail_msg("%s: %s", p->name, err.message);
        assert_int_equal(err.code, LLMC_OK);
        assert_int_equal(r.n_done, 1);
        assert_int_equal(r.n_error, 0);
        assert_string_equal(r.text, "You said: hello emulator friend");
        assert_string_equal(llmc_response_text(streamed), "You said: hello emulator friend");
        assert_same_response(plain, streamed);
        if (strcmp(p->name, "anthropic") == 0)
            assert_true(strncmp(llmc_response_request_id(streamed), "req_", 4) == 0);

        /* what went over the wire: "stream": true, an event-stream Accept, the right key header */
        char *log = emulator_requests(&emu, false);
        json_t *all = json_loads(log, 0, NULL);
        free(log);
        json_t *last = json_array_get(all, json_array_size(all) - 1);
        assert_string_equal(json_string_value(json_object_get(last, "path")), p->path);
        json_t *body = json_loads(json_string_value(json_object_get(last, "body")), 0, NULL);
        assert_true(json_is_true(json_object_get(body, "stream")));
        json_t *headers = json_object_get(last, "headers");
        assert_string_equal(json_string_value(json_object_get(headers, "accept")), "text/event-stream");
        if (strcmp(p->name, "anthropic") == 0)
            assert_string_equal(json_string_value(json_object_get(headers, "x-api-key")), test_key(p->upper, "VALID"));
        json_decref(body);
        json_decref(all);

        recorder_free(&r);
        llmc_response_free(plain);
        llmc_response_free(streamed);
        llmc_request_free(req);
        llmc_client_free(c);
    }
}

static void test_iterator_gives_the_callbacks_events(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_PROVIDERS; i++) {
        const provider_case *p = &providers[i];
        llmc_client *c = client_for(p, "VALID");
        llmc_request *req = request_for(p, "one two three four five six");
        llmc_error err;
        recorder push = {.log_text = true}, pull = {.log_text = true};
        assert_int_equal(llmc_messages_stream(c, req, on_event, &push, NULL, &err), LLMC_OK);
        assert_int_equal(pull_all(c, req, &pull, &err), LLMC_OK);
        assert_string_equal(push.log, pull.log);
        assert_true(push.n_text >= 8); /* one delta per word */
        recorder_free(&push);
        recorder_free(&pull);
        llmc_request_free(req);
        llmc_client_free(c);
    }
}

static void test_abort_from_callback(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_PROVIDERS; i++) {
        const provider_case *p = &providers[i];
        llmc_client *c = client_for(p, "VALID");
        llmc_request *req = request_for(p, "please stop me early");
        llmc_error err;
        llmc_response *final = (llmc_response *)&err; /* must be reset to NULL */
        recorder r = {.abort_at_text = 2};
        assert_int_equal(llmc_messages_stream(c, req, on_event, &r, &final, &err), LLMC_E_ABORTED);
        assert_null(final);
        assert_int_equal(err.code, LLMC_E_ABORTED);
        assert_int_equal(r.n_text, 2);
        assert_int_equal(r.n_error, 1);
        assert_int_equal(r.n_done, 0);
        assert_int_equal(r.error_code, LLMC_E_ABORTED);
        /* the client is fine afterwards */
        llmc_response *resp = NULL;
        assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_OK);
        llmc_response_free(resp);
        recorder_free(&r);
        llmc_request_free(req);
        llmc_client_free(c);
    }
}

/* 100,000 words in, "You said: " and the same 100,000 words out: one text delta per word. */
static void test_long_stream(void **state)
{
    (void)state;
    enum { WORDS = 100000 };
    char *prompt = malloc(WORDS * 7 + 1);
    size_t n = 0;
    for (int w = 0; w < WORDS; w++)
        n += (size_t)sprintf(prompt + n, w ? " w%d" : "w%d", w % 10000);
    size_t expect_len = strlen("You said: ") + n;
    for (size_t i = 0; i < N_PROVIDERS; i++) {
        const provider_case *p = &providers[i];
        llmc_client *c = client_for(p, "VALID");
        llmc_request *req = llmc_request_new(p->model);
        llmc_request_add_message(req, LLMC_ROLE_USER, prompt, NULL);
        llmc_request_set_max_tokens(req, 2 * WORDS, NULL);
        llmc_error err;
        llmc_response *final = NULL;
        recorder r = {0};
        llmc_code rc = llmc_messages_stream(c, req, on_event, &r, &final, &err);
        if (rc != LLMC_OK)
            fail_msg("%s: %s", p->name, err.message);
        assert_int_equal(r.n_done, 1);
        assert_int_equal(r.n_text, WORDS + 2); /* "You", " said:", then each word */
        assert_int_equal(r.text_len, expect_len);
        assert_true(strncmp(r.text, "You said: ", 10) == 0);
        assert_string_equal(r.text + 10, prompt);
        assert_string_equal(llmc_response_text(final), r.text);
        llmc_usage u = llmc_response_usage(final);
        assert_int_equal(u.input_tokens, WORDS);
        /* reasoning models (gpt-oss) count their reasoning in the output too */
        llmc_usage_details d;
        llmc_response_usage_details(final, &d);
        assert_int_equal(u.output_tokens - d.reasoning_tokens, WORDS + 2);
        assert_int_equal(llmc_response_stop_reason(final), LLMC_STOP_END_TURN);
        llmc_response_free(final);
        recorder_free(&r);
        llmc_request_free(req);
        llmc_client_free(c);
    }
    free(prompt);
}

static void test_tool_call_streamed(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_PROVIDERS; i++) {
        const provider_case *p = &providers[i];
        llmc_client *c = client_for(p, "VALID");
        llmc_request *req = request_for(p, "what is the weather in Paris?");
        assert_int_equal(
            llmc_request_add_tool(req, "get_weather", "Current weather for a city",
                                  "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}}}", NULL),
            LLMC_OK);
        llmc_error err;
        llmc_response *plain = NULL, *streamed = NULL;
        assert_int_equal(llmc_messages_create(c, req, &plain, &err), LLMC_OK);
        recorder r = {.log_text = true};
        assert_int_equal(llmc_messages_stream(c, req, on_event, &r, &streamed, &err), LLMC_OK);
        assert_same_response(plain, streamed);
        assert_int_equal(llmc_response_stop_reason(streamed), LLMC_STOP_TOOL_USE);
        size_t last = llmc_response_block_count(streamed) - 1;
        assert_int_equal(llmc_response_block_type(streamed, last), LLMC_BLOCK_TOOL_USE);
        assert_string_equal(llmc_response_block_tool_name(streamed, last), "get_weather");
        assert_string_equal(llmc_response_block_text(streamed, last), "{\"location\":\"Paris\"}");
        assert_non_null(strstr(r.log, "tool_start"));
        assert_string_equal(r.tool_input, "{\"location\":\"Paris\"}");

        /* the second step, streamed as well: the tool's answer comes back as text */
        assert_int_equal(llmc_request_add_response(req, streamed, &err), LLMC_OK);
        assert_int_equal(
            llmc_request_add_tool_result(req, llmc_response_block_tool_id(streamed, last), "18 C and sunny", 0, &err),
            LLMC_OK);
        llmc_response *second = NULL;
        recorder r2 = {.log_text = true};
        llmc_code rc = llmc_messages_stream(c, req, on_event, &r2, &second, &err);
        if (rc != LLMC_OK)
            fail_msg("%s: second step: %s", p->name, err.message);
        assert_string_equal(llmc_response_text(second), "Tool said: 18 C and sunny");
        llmc_response_free(second);
        recorder_free(&r2);
        recorder_free(&r);
        llmc_response_free(plain);
        llmc_response_free(streamed);
        llmc_request_free(req);
        llmc_client_free(c);
    }
}

static void test_refused_before_the_stream_starts(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_PROVIDERS; i++) {
        const provider_case *p = &providers[i];
        llmc_client *c = client_for(p, "REVOKED");
        llmc_request *req = request_for(p, "hello");
        llmc_error plain_err, err;
        llmc_response *resp = NULL;
        llmc_code plain_rc = llmc_messages_create(c, req, &resp, &plain_err);
        recorder r = {0};
        llmc_code rc = llmc_messages_stream(c, req, on_event, &r, NULL, &err);
        /* the same verdict as a non-streamed call, and no event at all */
        assert_int_equal(plain_rc, LLMC_E_AUTH);
        assert_int_equal(rc, LLMC_E_AUTH);
        assert_int_equal(r.n_events, 0);
        assert_int_equal(err.http_status, 401);
        assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_AUTH_REJECTED);
        assert_int_equal(err.diagnosis.cause, plain_err.diagnosis.cause);
        assert_string_equal(err.message, plain_err.message);
        assert_string_equal(err.diagnosis.fingerprint, plain_err.diagnosis.fingerprint);
        assert_string_equal(err.provider_type, plain_err.provider_type);
        assert_null(strstr(err.message, test_key(p->upper, "REVOKED")));
        /* and the iterator refuses at open */
        llmc_stream *s = (llmc_stream *)&err;
        assert_int_equal(llmc_stream_open(c, req, &s, &err), LLMC_E_AUTH);
        assert_null(s);
        llmc_request_free(req);
        llmc_client_free(c);
    }
    /* a missing model: the provider's 404 */
    llmc_client *c = client_for(&providers[0], "VALID");
    llmc_request *req = llmc_request_new("anthropic/missing-model");
    llmc_request_add_message(req, LLMC_ROLE_USER, "hi", NULL);
    llmc_error err;
    recorder r = {0};
    assert_int_equal(llmc_messages_stream(c, req, on_event, &r, NULL, &err), LLMC_E_NOT_FOUND);
    assert_int_equal(r.n_events, 0);
    llmc_request_free(req);
    llmc_client_free(c);
}

static void test_retry_before_the_stream_starts(void **state)
{
    (void)state;
    reset_emulator();
    emulator_fault(
        &emu,
        "{\"path\":\"/anthropic/v1/messages\",\"status\":529,\"headers\":{\"retry-after-ms\":\"10\"},\"count\":1}");
    llmc_client *c = client_for(&providers[0], "VALID");
    llmc_request *req = request_for(&providers[0], "retry me");
    llmc_error err;
    recorder r = {0};
    llmc_response *final = NULL;
    assert_int_equal(llmc_messages_stream(c, req, on_event, &r, &final, &err), LLMC_OK);
    assert_string_equal(llmc_response_text(final), "You said: retry me");
    assert_int_equal(emulator_request_count(&emu), 2);
    /* with retries off, the 529 is the answer */
    reset_emulator();
    emulator_fault(&emu, "{\"path\":\"/anthropic/v1/messages\",\"status\":529,\"count\":1}");
    llmc_client_set_max_retries(c, 0);
    recorder r2 = {0};
    assert_int_equal(llmc_messages_stream(c, req, on_event, &r2, NULL, &err), LLMC_E_OVERLOADED);
    assert_int_equal(err.http_status, 529);
    assert_int_equal(err.attempts, 1);
    assert_int_equal(r2.n_events, 0);
    llmc_response_free(final);
    recorder_free(&r);
    llmc_request_free(req);
    llmc_client_free(c);
}

static void test_error_event_mid_stream(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_PROVIDERS; i++) {
        const provider_case *p = &providers[i];
        reset_emulator();
        char fault[256];
        snprintf(fault, sizeof fault, "{\"path\":\"%s\",\"stream_error_after\":5}", p->path);
        emulator_fault(&emu, fault);
        llmc_client *c = client_for(p, "VALID");
        llmc_request *req = request_for(p, "one two three four five six seven eight");
        llmc_error err;
        llmc_response *final = NULL;
        recorder r = {0};
        llmc_code rc = llmc_messages_stream(c, req, on_event, &r, &final, &err);
        bool anthropic = strcmp(p->name, "anthropic") == 0;
        assert_int_equal(rc, anthropic ? LLMC_E_OVERLOADED : LLMC_E_SERVER);
        assert_int_equal(err.code, rc);
        assert_int_equal(err.http_status, 200);
        assert_string_equal(err.provider, p->name);
        if (anthropic)
            assert_string_equal(err.provider_type, "overloaded_error");
        assert_true(strlen(err.message) > 0);
        assert_null(final);
        assert_int_equal(r.n_error, 1);
        assert_int_equal(r.n_done, 0);
        assert_int_equal(r.error_code, rc);
        /* what came before the error was delivered (text, or a reasoning model's thinking) */
        assert_true(r.n_events > r.n_error);
        assert_int_equal(emulator_request_count(&emu), 1); /* never retried once it started */
        recorder_free(&r);
        llmc_request_free(req);
        llmc_client_free(c);
    }
}

static void test_cut_stream(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_PROVIDERS; i++) {
        const provider_case *p = &providers[i];
        reset_emulator();
        char fault[256];
        snprintf(fault, sizeof fault, "{\"path\":\"%s\",\"stream_cut_after\":5}", p->path);
        emulator_fault(&emu, fault);
        llmc_client *c = client_for(p, "VALID");
        llmc_request *req = request_for(p, "one two three four five six seven eight");
        llmc_error err;
        recorder r = {0};
        llmc_code rc = pull_all(c, req, &r, &err);
        if (getenv("LLMC_TEST_VERBOSE"))
            fprintf(stderr, "%s cut: %d %s\n", p->name, rc, err.message);
        /* the connection dropped mid-event: a transport failure, reported once */
        assert_int_equal(rc, LLMC_E_TRANSPORT);
        assert_int_equal(err.code, LLMC_E_TRANSPORT);
        assert_non_null(strstr(err.message, "before completion"));
        assert_int_equal(r.n_error, 1);
        assert_int_equal(r.n_done, 0);
        assert_int_equal(emulator_request_count(&emu), 1);
        recorder_free(&r);
        llmc_request_free(req);
        llmc_client_free(c);
    }
}

/* While a stream is open, the same client can make other calls (e.g. to run a tool). */
static void test_other_calls_while_streaming(void **state)
{
    (void)state;
    const provider_case *p = &providers[1];
    llmc_client *c = client_for(p, "VALID");
    llmc_request *req = request_for(p, "alpha beta gamma delta");
    llmc_error err;
    llmc_stream *s = NULL;
    assert_int_equal(llmc_stream_open(c, req, &s, &err), LLMC_OK);
    llmc_request_free(req); /* the stream does not need it any more */
    const llmc_event *ev;
    assert_int_equal(llmc_stream_next(s, &ev, &err), LLMC_OK);
    llmc_request *other = request_for(p, "meanwhile");
    llmc_response *resp = NULL;
    assert_int_equal(llmc_messages_create(c, other, &resp, &err), LLMC_OK);
    assert_string_equal(llmc_response_text(resp), "You said: meanwhile");
    llmc_response_free(resp);
    llmc_request_free(other);
    recorder r = {.log_text = true};
    on_event(&r, ev);
    llmc_code rc;
    do {
        rc = llmc_stream_next(s, &ev, &err);
        if (ev)
            on_event(&r, ev);
    } while (ev && ev->type != LLMC_EVENT_DONE && ev->type != LLMC_EVENT_ERROR);
    assert_int_equal(rc, LLMC_OK);
    assert_string_equal(r.text, "You said: alpha beta gamma delta");
    assert_string_equal(llmc_response_text(llmc_stream_response(s)), r.text);
    recorder_free(&r);
    llmc_stream_free(s);
    /* freeing a stream in the middle is fine too */
    req = request_for(p, "abandon this stream");
    assert_int_equal(llmc_stream_open(c, req, &s, &err), LLMC_OK);
    assert_int_equal(llmc_stream_next(s, &ev, &err), LLMC_OK);
    llmc_stream_free(s);
    llmc_stream_free(NULL);
    llmc_request_free(req);
    llmc_client_free(c);
}

static void test_invalid_arguments(void **state)
{
    (void)state;
    llmc_error err;
    assert_int_equal(llmc_messages_stream(NULL, NULL, NULL, NULL, NULL, &err), LLMC_E_INVALID_ARG);
    assert_int_equal(llmc_stream_open(NULL, NULL, NULL, &err), LLMC_E_INVALID_ARG);
    const llmc_event *ev = (const llmc_event *)&err;
    assert_int_equal(llmc_stream_next(NULL, &ev, &err), LLMC_E_INVALID_ARG);
    assert_null(ev);
    assert_null(llmc_stream_response(NULL));
}

static int group_setup(void **state)
{
    (void)state;
    set_provider_env(NULL);
    emulator_start(&emu, NULL);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    emulator_stop(&emu);
    return 0;
}

int main(void)
{
    llmc_global_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_streamed_equals_non_streamed),
        cmocka_unit_test(test_iterator_gives_the_callbacks_events),
        cmocka_unit_test(test_abort_from_callback),
        cmocka_unit_test(test_long_stream),
        cmocka_unit_test(test_tool_call_streamed),
        cmocka_unit_test(test_refused_before_the_stream_starts),
        cmocka_unit_test(test_retry_before_the_stream_starts),
        cmocka_unit_test(test_error_event_mid_stream),
        cmocka_unit_test(test_cut_stream),
        cmocka_unit_test(test_other_calls_while_streaming),
        cmocka_unit_test(test_invalid_arguments),
    };
    int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
    llmc_global_cleanup();
    return failed;
}
