/* SPDX-License-Identifier: MIT */
/*
 * test_replies.c — real replies recorded from the providers (and a few marked hand-made ones),
 * kept with their sources in data/replies/<provider>/SOURCES.md, each decoded the way llmc would
 * meet it: whole messages, streams, error bodies, token counts, batch output lines. What each one
 * decodes to is pinned in data/replies/EXPECTED (regenerate with UPDATE_EXPECTED=1 and review the
 * diff); the cases the issue names are asserted on their own below, and every Anthropic reply is
 * sent back through llmc_request_add_response to check that it goes back unchanged.
 */
#include "stream.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define REPLIES UNIT_DATA_DIR "/replies"

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    llmc_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        assert_int_equal(llmc_buf_append(&b, chunk, n), 0);
    fclose(f);
    if (!b.data)
        llmc_buf_append(&b, "", 0);
    if (len)
        *len = b.len;
    return b.data;
}

static void put(llmc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(llmc_buf *b, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    llmc_buf_append(b, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* At most `max` characters of s, control characters and quotes escaped, on one line. */
static void put_excerpt(llmc_buf *b, const char *s, size_t max)
{
    llmc_buf_append_str(b, "\"");
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n < max; p++, n++) {
        if (*p < 0x20 || *p == '"' || *p == '\\')
            put(b, "\\x%02x", *p);
        else
            llmc_buf_append(b, p, 1);
    }
    llmc_buf_append_str(b, n >= max && s[n] ? "…\"" : "\"");
}

static void summarize(llmc_buf *b, const llmc_response *r)
{
    llmc_usage_details u;
    llmc_response_usage_details(r, &u);
    put(b, "stop=%s(%d) model=%s blocks=[", llmc_response_stop_reason_raw(r), (int)llmc_response_stop_reason(r),
        llmc_response_model(r));
    for (size_t i = 0; i < llmc_response_block_count(r); i++) {
        put(b, "%s%s:%zu", i ? " " : "", llmc_response_block_kind(r, i), strlen(llmc_response_block_text(r, i)));
        if (llmc_response_block_citation_count(r, i))
            put(b, "/c%zu", llmc_response_block_citation_count(r, i));
        if (llmc_response_block_json(r, i))
            put(b, "+json");
        if (r->blocks[i].signature && *r->blocks[i].signature)
            put(b, "+sig");
        if (*llmc_response_block_tool_name(r, i))
            put(b, "(%s)", llmc_response_block_tool_name(r, i));
    }
    put(b, "] in=%ld out=%ld cache_read=%ld cache_write=%ld(5m %ld, 1h %ld) reasoning=%ld text=", u.input_tokens,
        u.output_tokens, u.cache_read_input_tokens, u.cache_creation_input_tokens, u.cache_creation_5m_input_tokens,
        u.cache_creation_1h_input_tokens, u.reasoning_tokens);
    put_excerpt(b, llmc_response_text(r), 40);
}

static void summarize_error(llmc_buf *b, const llmc_error *e)
{
    put(b, "error %s status=%d type=%s code=%s request_id=%s message=", llmc_strerror(e->code), e->http_status,
        e->provider_type, e->provider_code, e->request_id);
    put_excerpt(b, e->message, 60);
}

/* ---- the fast reader (reply_fast.c) against the full decoders ---- */

static size_t fast_taken; /* recorded replies the fast reader took */

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Whether two decoded responses hold exactly the same (every field a caller can reach). */
static bool same_response(const llmc_response *a, const llmc_response *b)
{
    if (!same_str(a->id, b->id) || !same_str(a->model, b->model) || !same_str(a->stop_reason_raw, b->stop_reason_raw) ||
        a->stop_reason != b->stop_reason || memcmp(&a->usage, &b->usage, sizeof a->usage) != 0 ||
        memcmp(&a->usage_more, &b->usage_more, sizeof a->usage_more) != 0 || a->n_blocks != b->n_blocks ||
        !same_str(a->text, b->text))
        return false;
    for (size_t i = 0; i < a->n_blocks; i++) {
        const llmc_block *x = &a->blocks[i], *y = &b->blocks[i];
        if (x->type != y->type || x->dialect != y->dialect || !same_str(x->text, y->text) ||
            !same_str(x->tool_id, y->tool_id) || !same_str(x->tool_name, y->tool_name) ||
            !same_str(x->signature, y->signature) || !same_str(x->kind, y->kind) || !same_str(x->raw, y->raw) ||
            (x->citations != NULL) != (y->citations != NULL))
            return false;
    }
    return true;
}

/* When the fast reader takes `text`, it must give what the full decoder gives. */
static void check_fast(const char *text, size_t n, bool anthropic, const char *what)
{
    llmc_error err;
    llmc_error_clear(&err);
    llmc_response *fast = llmc_response_alloc(), *full = llmc_response_alloc();
    llmc_code frc = LLMC_E_PROTOCOL;
    bool taken = anthropic ? llmc_anthropic_decode_fast(text, n, fast, &frc, &err)
                           : llmc_openai_decode_fast(text, n, fast, &frc, &err);
    llmc_code rc =
        anthropic ? llmc_anthropic_decode_full(text, n, full, &err) : llmc_openai_decode_full(text, n, full, &err);
    if (taken) {
        fast_taken++;
        if (frc != LLMC_OK || rc != LLMC_OK || !same_response(fast, full))
            fail_msg("%s: the fast reader and the full decoder disagree", what);
    } else if (fast->n_blocks || fast->id || fast->model) {
        fail_msg("%s: the fast reader gave up but changed the response", what);
    }
    llmc_response_free(fast);
    llmc_response_free(full);
}

/* ---- streams ---- */

static llmc_code count_events(void *userdata, const llmc_event *ev)
{
    size_t *counts = userdata;
    counts[ev->type]++;
    return LLMC_OK;
}

/* Decode an event stream fed in ragged pieces; the summary of its final response or failure. */
static void decode_stream(llmc_buf *b, llmc_dialect_kind dialect, const char *in, size_t n, const char *provider)
{
    size_t counts[16] = {0};
    llmc_sdec d;
    llmc_sdec_init(&d, dialect, count_events, counts);
    llmc_strlcpy(d.provider, provider, sizeof d.provider);
    d.http_status = 200;
    for (size_t pos = 0, k = 1; pos < n; pos += k, k = k % 97 + 13)
        llmc_sdec_feed(&d, in + pos, pos + k > n ? n - pos : k, NULL);
    llmc_error err;
    llmc_error_clear(&err);
    llmc_code rc = llmc_sdec_close(&d, &err);
    put(b, "events text=%zu thinking=%zu tool_start=%zu citations=%zu; ", counts[LLMC_EVENT_TEXT],
        counts[LLMC_EVENT_THINKING], counts[LLMC_EVENT_TOOL_USE_START], counts[LLMC_EVENT_CITATION]);
    llmc_response *r = llmc_sdec_take_response(&d);
    if (rc == LLMC_OK && r)
        summarize(b, r);
    else
        summarize_error(b, &err);
    llmc_response_free(r);
    llmc_sdec_free(&d);
}

/* One JSON object a line (a recorder's dump) or a JSON array of chunks, as the SSE it was. */
static char *as_sse(const char *text, size_t len, bool array, size_t *out_len)
{
    llmc_buf b = {0};
    if (array) {
        json_t *all = json_loadb(text, len, 0, NULL);
        assert_true(json_is_array(all));
        size_t i;
        json_t *chunk;
        json_array_foreach(all, i, chunk)
        {
            char *one = json_dumps(chunk, JSON_COMPACT);
            put(&b, "data: %s\n\n", one);
            free(one);
        }
        json_decref(all);
    } else {
        for (const char *p = text; p < text + len;) {
            const char *nl = memchr(p, '\n', (size_t)(text + len - p));
            size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
            if (n) {
                llmc_buf_append_str(&b, "data: ");
                llmc_buf_append(&b, p, n);
                llmc_buf_append_str(&b, "\n\n");
            }
            p += n + 1;
        }
    }
    *out_len = b.len;
    return b.data;
}

/* ---- one file ---- */

static const char *provider_of(const char *dir)
{
    return strcmp(dir, "anthropic") == 0 ? "anthropic" : dir;
}

static void decode_file(llmc_buf *b, const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s", REPLIES, dir, name);
    size_t n;
    char *text = read_file(path, &n);
    assert_non_null(text);
    bool anthropic = strcmp(dir, "anthropic") == 0;
    llmc_dialect_kind dialect = anthropic ? LLMC_DIALECT_ANTHROPIC : LLMC_DIALECT_OPENAI;
    const char *ext = strrchr(name, '.');
    llmc_error err;
    llmc_error_clear(&err);
    if (strcmp(ext, ".sse") == 0) {
        /* a file saved without the blank line that ends its last event on the wire (see SOURCES.md) */
        if (n >= 2 && text[n - 1] == '\n' && text[n - 2] != '\n') {
            char *grown = realloc(text, n + 2);
            assert_non_null(grown);
            text = grown;
            text[n++] = '\n';
            text[n] = '\0';
        }
        decode_stream(b, dialect, text, n, provider_of(dir));
    } else if (strstr(name, "stream_") && (strcmp(ext, ".jsonl") == 0 || strcmp(ext, ".json") == 0)) {
        size_t sn;
        char *sse = as_sse(text, n, strcmp(ext, ".json") == 0, &sn);
        decode_stream(b, dialect, sse, sn, provider_of(dir));
        free(sse);
    } else if (strncmp(name, "error_", 6) == 0 || strstr(name, "_error_")) {
        /* the status is in the name (error_401_…); an error body from a stream's chunk otherwise */
        const char *digits = strstr(name, "error_") + 6;
        long status = strtol(digits, NULL, 10);
        llmc_error_from_response(status ? status : 500, "application/json", text, n, provider_of(dir), &err);
        summarize_error(b, &err);
    } else if (strncmp(name, "count_tokens", 12) == 0) {
        json_t *root = llmc_json_parse(text, n, "count", &err);
        put(b, "input_tokens=%ld", llmc_json_long(root, "input_tokens"));
        json_decref(root);
    } else if (strcmp(ext, ".jsonl") == 0 || strstr(name, "batch_output")) {
        /* batch output lines: the reply inside (OpenAI/Groq wrap it in response.body) */
        json_t *whole = strcmp(ext, ".jsonl") == 0 ? NULL : llmc_json_parse(text, n, "line", &err);
        for (const char *p = text; p < text + n;) {
            const char *nl = memchr(p, '\n', (size_t)(text + n - p));
            size_t len = nl ? (size_t)(nl - p) : (size_t)(text + n - p);
            json_t *line = whole ? json_incref(whole) : (len ? llmc_json_parse(p, len, "line", &err) : NULL);
            json_t *resp = json_object_get(line, "response");
            json_t *body = json_object_get(resp, "body") ? json_object_get(resp, "body") : resp;
            if (body) {
                char *one = json_dumps(body, JSON_COMPACT);
                check_fast(one, strlen(one), false, name);
                llmc_response *r = llmc_response_alloc();
                assert_int_equal(llmc_openai_decode(one, strlen(one), r, &err), LLMC_OK);
                put(b, "%s: ", json_string_value(json_object_get(line, "custom_id")));
                summarize(b, r);
                put(b, " | ");
                llmc_response_free(r);
                free(one);
            }
            json_decref(line);
            if (whole)
                break;
            p += len + 1;
        }
        json_decref(whole);
    } else {
        if (anthropic && strncmp(name, "citations_", 10) == 0) {
            /* the docs' example is the content array of a message only: give it the envelope */
            json_t *part = json_loadb(text, n, 0, NULL);
            json_object_set_new(part, "type", json_string("message"));
            free(text);
            text = json_dumps(part, JSON_COMPACT);
            n = strlen(text);
            json_decref(part);
        }
        check_fast(text, n, anthropic, name);
        llmc_response *r = llmc_response_alloc();
        llmc_code rc = anthropic ? llmc_anthropic_decode(text, n, r, &err) : llmc_openai_decode(text, n, r, &err);
        if (rc == LLMC_OK)
            summarize(b, r);
        else
            summarize_error(b, &err);
        llmc_response_free(r);
    }
    free(text);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_every_recorded_reply(void **state)
{
    (void)state;
    static const char *const dirs[] = {"anthropic", "cerebras", "fireworks", "openai"};
    llmc_buf got = {0};
    size_t files = 0;
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", REPLIES, dirs[d]);
        DIR *dir = opendir(path);
        assert_non_null(dir);
        char *names[256];
        size_t count = 0;
        struct dirent *e;
        while ((e = readdir(dir)) && count < 256)
            if (e->d_name[0] != '.' && strcmp(e->d_name, "SOURCES.md") != 0)
                names[count++] = strdup(e->d_name);
        closedir(dir);
        qsort(names, count, sizeof names[0], by_name);
        for (size_t i = 0; i < count; i++) {
            put(&got, "%s/%s\t", dirs[d], names[i]);
            decode_file(&got, dirs[d], names[i]);
            llmc_buf_append_str(&got, "\n");
            free(names[i]);
            files++;
        }
    }
    assert_true(files >= 85);
    assert_true(fast_taken >= 10); /* the fast reader is really exercised by recorded replies */
    const char *expected_path = REPLIES "/EXPECTED";
    if (getenv("UPDATE_EXPECTED")) {
        FILE *f = fopen(expected_path, "wb");
        assert_non_null(f);
        fputs(got.data, f);
        fclose(f);
    }
    char *want = read_file(expected_path, NULL);
    assert_non_null(want);
    if (strcmp(got.data, want) != 0) {
        /* name the first line that differs */
        const char *g = got.data, *w = want;
        while (*g && *g == *w)
            g++, w++;
        while (g > got.data && g[-1] != '\n')
            g--;
        fail_msg("decoded differently from data/replies/EXPECTED, from:\n%.600s", g);
    }
    free(want);
    llmc_buf_free(&got);
}

/* What the fast reader takes and what it leaves to the full decoder; the same answer either way. */
static void test_fast_reader_edges(void **state)
{
    (void)state;
    static const struct {
        bool anthropic, taken;
        const char *json;
    } cases[] = {
        {true, true,
         "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[{\"type\":"
         "\"text\",\"text\":\"h\\u00e9\\n\\ud83d\\ude00\"},{\"type\":\"text\",\"text\":\"\",\"citations\":null}],"
         "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":5,\"output_tokens\":2,"
         "\"cache_creation\":{\"ephemeral_5m_input_tokens\":3,\"ephemeral_1h_input_tokens\":0},\"service_tier\":"
         "\"standard\",\"output_tokens_details\":{\"thinking_tokens\":0}},\"container\":null}"},
        {true, true, "{\"type\":\"message\",\"content\":[],\"usage\":{},\"stop_reason\":null}"},
        /* left to the full decoder */
        {true, false,
         "{\"type\":\"message\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"n\",\"input\":{}}],\"usage\":{}}"},
        {true, false,
         "{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"a\",\"citations\":[]}],\"usage\":{}}"},
        {true, false, "{\"type\":\"message\",\"content\":[],\"content\":[],\"usage\":{}}"},
        {true, false, "{\"type\":\"message\",\"model\":\"a\",\"model\":\"b\",\"content\":[],\"usage\":{}}"},
        {true, false, "{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"a\\u0000b\"}],\"usage\":{}}"},
        {true, false, "{\"type\":\"message\",\"content\":[],\"usage\":{\"input_tokens\":1.5}}"},
        {true, false, "{\"type\":\"message\",\"content\":[],\"usage\":{\"input_tokens\":-1}}"},
        {true, false, "{\"type\":\"message\",\"usage\":{}}"},
        {true, false, "{\"type\":\"error\",\"content\":[],\"usage\":{}}"},
        {true, false, "{\"type\":\"message\",\"content\":[],\"usage\":{}} x"},
        {true, false, "{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"\xff\"}],\"usage\":{}}"},
        {true, false, "{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"a\"}]"},
        {false, true,
         "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
         "\"assistant\",\"content\":\"hi\",\"reasoning\":\"thought\",\"tool_calls\":[],\"refusal\":null},\"logprobs\":null,"
         "\"finish_reason\":\"stop\"},{\"index\":1}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,"
         "\"total_tokens\":7,\"prompt_tokens_details\":{\"cached_tokens\":1},\"completion_tokens_details\":"
         "{\"reasoning_tokens\":2}}}"},
        {false, true,
         "{\"choices\":[{\"message\":{\"content\":null,\"reasoning_content\":\"\",\"reasoning\":\"r\"},"
         "\"finish_reason\":null}]}"},
        {false, false, "{\"choices\":[{\"message\":{\"content\":\"a\",\"refusal\":\"no\"}}]}"},
        {false, false,
         "{\"choices\":[{\"message\":{\"content\":null,\"tool_calls\":[{\"id\":\"1\",\"type\":\"function\","
         "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}}]}"},
        {false, false, "{\"choices\":[{\"message\":{\"content\":\"a\"}}],\"x_groq\":{\"usage\":{}}}"},
        {false, false, "{\"choices\":[]}"},
        {false, false, "{\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\"}]}}]}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        llmc_response *r = llmc_response_alloc();
        llmc_code rc = LLMC_E_PROTOCOL;
        llmc_error err;
        llmc_error_clear(&err);
        size_t n = strlen(cases[i].json);
        bool taken = cases[i].anthropic ? llmc_anthropic_decode_fast(cases[i].json, n, r, &rc, &err)
                                        : llmc_openai_decode_fast(cases[i].json, n, r, &rc, &err);
        if (taken != cases[i].taken)
            fail_msg("case %zu: the fast reader %s it", i, taken ? "took" : "left");
        llmc_response_free(r);
        char what[32];
        snprintf(what, sizeof what, "case %zu", i);
        check_fast(cases[i].json, n, cases[i].anthropic, what);
    }
}

/* ---- the cases the issue names ---- */

static llmc_response *decode_named(const char *dir, const char *name, llmc_code want)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s", REPLIES, dir, name);
    size_t n;
    char *text = read_file(path, &n);
    assert_non_null(text);
    llmc_response *r = llmc_response_alloc();
    llmc_error err;
    llmc_error_clear(&err);
    llmc_code rc =
        strcmp(dir, "anthropic") == 0 ? llmc_anthropic_decode(text, n, r, &err) : llmc_openai_decode(text, n, r, &err);
    if (rc != want)
        fail_msg("%s: %s (%s)", name, llmc_strerror(rc), err.message);
    free(text);
    return r;
}

static void test_integer_past_64_bits(void **state)
{
    (void)state;
    llmc_response *r = decode_named("openai", "derived_groq_seed_past_int64.json", LLMC_OK);
    assert_string_equal(llmc_response_text(r),
                        "Why don't scientists trust atoms?\n\nBecause they make up everything! 🧪✨");
    llmc_usage u = llmc_response_usage(r);
    assert_int_equal(u.input_tokens, 16); /* counts still read, though decoded as reals */
    assert_int_equal(u.output_tokens, 19);
    llmc_response_free(r);
    /* and an error body, and a stream chunk, with one */
    llmc_error err;
    llmc_error_clear(&err);
    const char *body =
        "{\"error\":{\"message\":\"bad seed\",\"type\":\"invalid_request_error\",\"code\":null},"
        "\"seed\":14836394043272784000}";
    llmc_error_from_response(400, "application/json", body, strlen(body), "openai", &err);
    assert_string_equal(err.message, "bad seed");
}

static void test_groq_usage_in_x_groq(void **state)
{
    (void)state;
    llmc_buf b = {0};
    decode_file(&b, "openai", "groq_stream_x_groq_usage.sse");
    assert_non_null(strstr(b.data, "in=18 out=439"));
    llmc_buf_free(&b);
}

static void test_stream_error_with_numeric_code(void **state)
{
    (void)state;
    llmc_buf b = {0};
    decode_file(&b, "openai", "derived_openrouter_stream_error_code_429.sse");
    /* a 4xx (rate limit), not "the provider had an internal error" */
    assert_non_null(strstr(b.data, "error rate limited status=200"));
    assert_non_null(strstr(b.data, "code=429"));
    assert_non_null(strstr(b.data, "Token limit reached"));
    llmc_buf_free(&b);
}

static void test_custom_tool_call_kept(void **state)
{
    (void)state;
    llmc_response *r = decode_named("openai", "SYNTHETIC_openai_chat_completion_custom_tool_call.json", LLMC_OK);
    assert_int_equal(llmc_response_block_count(r), 1);
    assert_int_equal(llmc_response_block_type(r, 0), LLMC_BLOCK_OTHER);
    assert_string_equal(llmc_response_block_kind(r, 0), "custom");
    json_t *call = json_loads(llmc_response_block_json(r, 0), 0, NULL);
    assert_string_equal(json_string_value(json_object_get(json_object_get(call, "custom"), "input")),
                        "print(\"hello world\")");
    assert_string_equal(json_string_value(json_object_get(call, "id")), "call_SYNTHETIC0001");
    json_decref(call);

    /* sent back as it came, in the assistant turn's tool_calls */
    llmc_request *req = llmc_request_new("openai/gpt-5.4");
    llmc_request_add_message(req, LLMC_ROLE_USER, "run it", NULL);
    assert_int_equal(llmc_request_add_response(req, r, NULL), LLMC_OK);
    llmc_request_add_tool_result(req, "call_SYNTHETIC0001", "hello world", 0, NULL);
    llmc_wire_ctx ctx = {.model = "gpt-5.4", .provider = "openai"};
    char *body = llmc_openai_encode(req, &ctx, NULL);
    json_t *root = json_loads(body, 0, NULL);
    json_t *assistant = json_array_get(json_object_get(root, "messages"), 1);
    json_t *sent = json_array_get(json_object_get(assistant, "tool_calls"), 0);
    assert_string_equal(json_string_value(json_object_get(sent, "type")), "custom");
    assert_string_equal(json_string_value(json_object_get(json_object_get(sent, "custom"), "name")), "code_exec");
    json_decref(root);
    free(body);
    llmc_request_free(req);
    llmc_response_free(r);

    /* streamed, the same block */
    llmc_buf b = {0};
    decode_file(&b, "openai", "SYNTHETIC_openai_stream_custom_tool_call.sse");
    assert_non_null(strstr(b.data, "blocks=[custom:0+json]"));
    llmc_buf_free(&b);
}

/* A content array with null members dropped (llmc does not send what says nothing). */
static json_t *without_nulls(json_t *v)
{
    if (json_is_array(v)) {
        json_t *out = json_array();
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) json_array_append_new(out, without_nulls(x));
        return out;
    }
    if (json_is_object(v)) {
        json_t *out = json_object();
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
        {
            if (!json_is_null(x))
                json_object_set_new(out, k, without_nulls(x));
        }
        return out;
    }
    return json_incref(v);
}

/* Every Anthropic reply goes back whole: the assistant turn llmc sends is the content that came. */
static void test_anthropic_replies_go_back_unchanged(void **state)
{
    (void)state;
    static const char *const names[] = {
        "message_pause_turn.json",
        "message_web_search.json",
        "message_redacted_thinking.json",
        "message_thinking.json",
        "message_tool_use.json",
        "message_programmatic_tool_call.json",
        "message_plain.json",
        "message_adaptive_thinking_opus5.json",
        "citations_document_docs_example.json",
        "message_structured_output.json",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/anthropic/%s", REPLIES, names[i]);
        size_t n;
        char *text = read_file(path, &n);
        json_t *orig = json_loadb(text, n, 0, NULL);
        assert_non_null(orig);
        if (!json_object_get(orig, "type")) { /* the docs example is only a content array */
            json_object_set_new(orig, "type", json_string("message"));
            free(text);
            text = json_dumps(orig, JSON_COMPACT);
            n = strlen(text);
        }
        llmc_response *r = llmc_response_alloc();
        assert_int_equal(llmc_anthropic_decode(text, n, r, NULL), LLMC_OK);
        llmc_request *req = llmc_request_new("anthropic/claude-x");
        llmc_request_add_message(req, LLMC_ROLE_USER, "go on", NULL);
        assert_int_equal(llmc_request_add_response(req, r, NULL), LLMC_OK);
        llmc_wire_ctx ctx = {.model = "claude-x", .provider = "anthropic"};
        char *body = llmc_anthropic_encode(req, &ctx, NULL);
        assert_non_null(body);
        json_t *root = json_loads(body, 0, NULL);
        json_t *sent = json_object_get(json_array_get(json_object_get(root, "messages"), 1), "content");
        json_t *want = without_nulls(json_object_get(orig, "content"));
        /* a lone text block goes as a plain string, which is the same content */
        json_t *have =
            json_is_string(sent) ? json_pack("[{s:s, s:O}]", "type", "text", "text", sent) : without_nulls(sent);
        if (!json_equal(want, have)) {
            char *a = json_dumps(want, JSON_COMPACT), *b = json_dumps(have, JSON_COMPACT);
            fail_msg("%s: sent back\n%.900s\ninstead of\n%.900s", names[i], b, a);
        }
        json_decref(want);
        json_decref(have);
        json_decref(root);
        free(body);
        llmc_request_free(req);
        llmc_response_free(r);
        json_decref(orig);
        free(text);
    }
}

static void test_pause_turn_reply(void **state)
{
    (void)state;
    llmc_response *r = decode_named("anthropic", "message_pause_turn.json", LLMC_OK);
    assert_int_equal(llmc_response_stop_reason(r), LLMC_STOP_PAUSE);
    size_t last = llmc_response_block_count(r) - 1;
    assert_string_equal(llmc_response_block_kind(r, last), "server_tool_use");
    assert_non_null(strstr(llmc_response_block_json(r, last), "\"name\":\"web_search\""));
    llmc_response_free(r);
}

static void test_citations_read(void **state)
{
    (void)state;
    llmc_response *r = decode_named("anthropic", "message_web_search.json", LLMC_OK);
    bool found = false;
    for (size_t i = 0; i < llmc_response_block_count(r) && !found; i++)
        if (llmc_response_block_citation_count(r, i)) {
            llmc_citation c;
            assert_int_equal(llmc_response_block_citation(r, i, 0, &c), 1);
            assert_string_equal(c.type, "web_search_result_location");
            assert_true(strncmp(c.url, "https://", 8) == 0);
            assert_true(*c.cited_text);
            assert_int_equal(c.document_index, -1);
            assert_int_equal(llmc_response_block_citation(r, i, 99, &c), 0);
            found = true;
        }
    assert_true(found);
    llmc_response_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_recorded_reply),
        cmocka_unit_test(test_fast_reader_edges),
        cmocka_unit_test(test_integer_past_64_bits),
        cmocka_unit_test(test_groq_usage_in_x_groq),
        cmocka_unit_test(test_stream_error_with_numeric_code),
        cmocka_unit_test(test_custom_tool_call_kept),
        cmocka_unit_test(test_anthropic_replies_go_back_unchanged),
        cmocka_unit_test(test_pause_turn_reply),
        cmocka_unit_test(test_citations_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
