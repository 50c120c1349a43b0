/* SPDX-License-Identifier: MIT */
/*
 * test_threads.c — the thread-safety promises of llmc.h, exercised at once: separate clients on
 * several threads calling three providers (plain calls, callback and pull streams, models lists,
 * validation, each with its own log callback); one of them takes its key from the key store,
 * which other threads keep writing (set, list, remove) and which each validation marks; and a call on
 * yet another thread cancelled from a third with llmc_cancel_trigger, plain and streamed.
 * Correct results are asserted here; `make tsan` runs this same test under ThreadSanitizer, where
 * any data race or lock-order problem fails it.
 */
#include "auth_fixture.h"
#include "models.h"

#include <pthread.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "llmc/llmc.h"

#define CALLS_PER_WORKER 4
#define WORKERS_PER_PROVIDER 2
#define STORE_WRITERS 3

static emulator emu;
static temp_home home;
static char openai_key[160]; /* read before the threads start: test_key is not thread-safe */

typedef struct worker {
    const char *provider, *model;
    int id;
    int failures;
    size_t log_lines;
    char why[1200];
} worker;

static void count_log(void *userdata, llmc_log_level level, const char *line)
{
    (void)level;
    (void)line;
    ((worker *)userdata)->log_lines++;
}

static int count_event(void *userdata, const llmc_event *ev)
{
    if (ev->type == LLMC_EVENT_TEXT)
        (*(size_t *)userdata)++;
    return 0;
}

static void fail_with(worker *w, const char *what, const llmc_error *err)
{
    if (w->failures++ == 0)
        snprintf(w->why, sizeof w->why, "%s: %s", what, err ? err->message : "");
}

static void *run_worker(void *arg)
{
    worker *w = arg;
    llmc_client *c = llmc_client_new();
    llmc_client_set_log(c, count_log, w, LLMC_LOG_DEBUG);
    llmc_error err;
    char prompt[64], expect[80];
    for (int i = 0; i < CALLS_PER_WORKER; i++) {
        snprintf(prompt, sizeof prompt, "worker %d call %d", w->id, i);
        snprintf(expect, sizeof expect, "You said: %s", prompt);
        char *text = NULL;
        if (llmc_generate(c, w->model, prompt, &text, &err) != LLMC_OK)
            fail_with(w, "llmc_generate", &err);
        else if (strcmp(text, expect) != 0)
            fail_with(w, "a reply to another prompt", NULL);
        llmc_free(text);
    }
    llmc_request *req = llmc_request_new(w->model);
    llmc_request_add_message(req, LLMC_ROLE_USER, "stream these words to me", &err);
    size_t events = 0;
    llmc_response *final = NULL;
    if (llmc_messages_stream(c, req, count_event, &events, &final, &err) != LLMC_OK || events == 0)
        fail_with(w, "llmc_messages_stream", &err);
    else if (strcmp(llmc_response_text(final), "You said: stream these words to me") != 0)
        fail_with(w, "a streamed reply", NULL);
    llmc_response_free(final);
    llmc_stream *s = NULL;
    if (llmc_stream_open(c, req, &s, &err) != LLMC_OK) {
        fail_with(w, "llmc_stream_open", &err);
    } else {
        const llmc_event *ev = NULL;
        llmc_code rc;
        while ((rc = llmc_stream_next(s, &ev, &err)) == LLMC_OK && ev && ev->type != LLMC_EVENT_DONE) {
        }
        if (rc != LLMC_OK || !ev)
            fail_with(w, "llmc_stream_next", &err);
        llmc_stream_free(s);
    }
    llmc_request_free(req);
    /* a key from the store is marked verified: a write to the store from this thread */
    if (llmc_client_validate(c, w->provider, &err) != LLMC_OK)
        fail_with(w, "llmc_client_validate", &err);
    llmc_model_info *models = NULL;
    size_t n = 0;
    if (llmc_models_list(c, w->provider, &models, &n, &err) != LLMC_OK || n == 0)
        fail_with(w, "llmc_models_list", &err);
    llmc_free(models);
    llmc_client_free(c);
    return NULL;
}

static void *run_store_writer(void *arg)
{
    worker *w = arg;
    llmc_error err;
    for (int i = 0; i < 6; i++) {
        char label[32];
        snprintf(label, sizeof label, "w%d-%d", w->id, i);
        if (llmc_key_store_set("openai", label, openai_key, &err) != LLMC_OK)
            fail_with(w, "llmc_key_store_set", &err);
        llmc_stored_key keys[64];
        size_t count = 0;
        if (llmc_key_store_list(NULL, keys, 64, &count, &err) != LLMC_OK)
            fail_with(w, "llmc_key_store_list", &err);
        if (i % 2 == 1 && llmc_key_store_remove("openai", label, &err) != LLMC_OK)
            fail_with(w, "llmc_key_store_remove", &err);
    }
    return NULL;
}

static void *trigger_soon(void *token)
{
    struct timespec ts = {0, 150 * 1000 * 1000};
    nanosleep(&ts, NULL);
    llmc_cancel_trigger(token);
    return NULL;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A call that would hang forever, cancelled from another thread: plain, then streamed. */
static void *run_cancelled(void *arg)
{
    worker *w = arg;
    llmc_client *c = llmc_client_new();
    llmc_cancel *token = llmc_cancel_new();
    llmc_request *req = llmc_request_new(TEST_MODEL_OPENAI);
    llmc_request_add_message(req, LLMC_ROLE_USER, "never answered", NULL);
    llmc_request_set_cancel(req, token, NULL);
    llmc_error err;
    for (int streamed = 0; streamed < 2; streamed++) {
        emulator_fault(&emu, "{\"path\":\"/openai/v1/chat/completions\",\"hang\":true}");
        llmc_cancel_reset(token);
        pthread_t t;
        pthread_create(&t, NULL, trigger_soon, token);
        double t0 = now_s();
        llmc_response *resp = NULL;
        size_t events = 0;
        llmc_code rc = streamed ? llmc_messages_stream(c, req, count_event, &events, &resp, &err)
                                : llmc_messages_create(c, req, &resp, &err);
        pthread_join(t, NULL);
        if (rc != LLMC_E_ABORTED || resp)
            fail_with(w, streamed ? "a cancelled stream" : "a cancelled call", &err);
        if (now_s() - t0 > 10)
            fail_with(w, "a cancel that took more than 10 s", NULL);
        llmc_response_free(resp);
    }
    llmc_request_free(req);
    llmc_cancel_free(token);
    llmc_client_free(c);
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    /* anthropic and cerebras keys from the environment; fireworks only from the shared store */
    const char *env[] = {envf("ANTHROPIC_BASE_URL=%s", emulator_base_url(&emu, "anthropic")),
                         envf("ANTHROPIC_API_KEY=%s", test_key("ANTHROPIC", "VALID")),
                         envf("CEREBRAS_BASE_URL=%s", emulator_base_url(&emu, "cerebras")),
                         envf("CEREBRAS_API_KEY=%s", test_key("CEREBRAS", "VALID")),
                         envf("FIREWORKS_BASE_URL=%s", emulator_base_url(&emu, "fireworks")),
                         envf("OPENAI_BASE_URL=%s", emulator_base_url(&emu, "openai")),
                         envf("OPENAI_API_KEY=%s", test_key("OPENAI", "VALID")),
                         NULL};
    set_provider_env(env);
    snprintf(openai_key, sizeof openai_key, "%s", test_key("OPENAI", "VALID"));
    llmc_error err;
    assert_int_equal(llmc_key_store_set("fireworks", "default", test_key("FIREWORKS", "VALID"), &err), LLMC_OK);

    static const struct {
        const char *provider, *model;
    } targets[] = {
        {"anthropic", TEST_MODEL_ANTHROPIC}, {"cerebras", TEST_MODEL_CEREBRAS}, {"fireworks", TEST_MODEL_FIREWORKS}};
    enum { N_WORKERS = 3 * WORKERS_PER_PROVIDER, N_ALL = N_WORKERS + STORE_WRITERS + 1 };
    worker ws[N_ALL];
    pthread_t threads[N_ALL];
    memset(ws, 0, sizeof ws);
    for (int i = 0; i < N_ALL; i++) {
        ws[i].id = i;
        void *(*fn)(void *) = run_worker;
        if (i < N_WORKERS) {
            ws[i].provider = targets[i % 3].provider;
            ws[i].model = targets[i % 3].model;
        } else if (i < N_WORKERS + STORE_WRITERS) {
            fn = run_store_writer;
        } else {
            fn = run_cancelled;
        }
        assert_int_equal(pthread_create(&threads[i], NULL, fn, &ws[i]), 0);
    }
    for (int i = 0; i < N_ALL; i++) {
        pthread_join(threads[i], NULL);
        if (ws[i].failures)
            fail_msg("thread %d: %d failures, first: %s", i, ws[i].failures, ws[i].why);
        if (i < N_WORKERS)
            assert_true(ws[i].log_lines > 0);
    }
    /* every writer's kept labels are there: nothing was lost between threads */
    for (int w = N_WORKERS; w < N_WORKERS + STORE_WRITERS; w++)
        for (int i = 0; i < 6; i += 2) {
            llmc_stored_key keys[64];
            size_t count = 0;
            assert_int_equal(llmc_key_store_list("openai", keys, 64, &count, &err), LLMC_OK);
            char label[32];
            snprintf(label, sizeof label, "w%d-%d", w, i);
            bool found = false;
            for (size_t k = 0; k < count && k < 64; k++)
                found = found || strcmp(keys[k].label, label) == 0;
            if (!found)
                fail_msg("the stored key %s was lost", label);
        }
    /* the validations of the stored fireworks key marked it verified */
    llmc_stored_key fw;
    size_t count = 0;
    assert_int_equal(llmc_key_store_list("fireworks", &fw, 1, &count, &err), LLMC_OK);
    assert_int_equal(count, 1);
    assert_true(fw.last_verified > 0);
    set_provider_env(NULL);
}

static int setup(void **state)
{
    (void)state;
    emulator_start(&emu, NULL);
    home_make(&home);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    emulator_stop(&emu);
    home_remove(&home);
    return 0;
}

int main(void)
{
    llmc_global_init();
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_threads)};
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    llmc_global_cleanup();
    return rc;
}
