/* SPDX-License-Identifier: MIT */
/* Anthropic's Messages API: POST /v1/messages (and count_tokens), the models endpoints, and
 * the hand-off to batches. The request is read and checked in anthropic_request.c; this file
 * builds the message: thinking (signed, or redacted), a web search with its result, the text or
 * tool calls, and cited text, with usage that includes what the prompt cache read and wrote. */
#define _POSIX_C_SOURCE 200809L
#include "anthropic.h"
#include "conversation.h"
#include "emu_rules.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static const char *stop_reason(emu_stop s)
{
    switch (s) {
    case EMU_STOP_END:
        return "end_turn";
    case EMU_STOP_MAX_TOKENS:
        return "max_tokens";
    case EMU_STOP_SEQUENCE:
        return "stop_sequence";
    case EMU_STOP_TOOL:
        return "tool_use";
    }
    return "end_turn";
}

char *anthropic_encrypted(const char *url)
{
    char *out = malloc(32);
    if (out)
        snprintf(out, 32, "EmuEnc%08lx", emu_hash(url ? url : ""));
    return out;
}

/* The SDK (API version 2026-10-21) types every usage field as present, possibly null. */
json_t *anthropic_usage(const emu_convo *c, size_t output_tokens)
{
    json_t *u =
        json_pack("{s:I, s:I, s:I, s:{s:I, s:I}, s:I, s:s, s:n, s:n, s:s, s:s}", "input_tokens",
                  (json_int_t)c->input_tokens, "cache_creation_input_tokens", (json_int_t)(c->cache_5m + c->cache_1h),
                  "cache_read_input_tokens", (json_int_t)c->cache_read, "cache_creation", "ephemeral_5m_input_tokens",
                  (json_int_t)c->cache_5m, "ephemeral_1h_input_tokens", (json_int_t)c->cache_1h, "output_tokens",
                  (json_int_t)output_tokens, "service_tier", "standard", "server_tool_use", "output_tokens_details",
                  "inference_geo", "global", "speed", "standard");
    if (c->web_search && (c->pause || c->search_done || convo_contains(c->last_user_text, "search")))
        json_object_set_new(
            u, "server_tool_use",
            json_pack("{s:i, s:i}", "web_search_requests", c->search_done ? 0 : 1, "web_fetch_requests", 0));
    return u;
}

static char *search_url(const emu_convo *c)
{
    char *url = malloc(64);
    if (url)
        snprintf(url, 64, "https://example.com/search/%08lx", emu_hash(c->last_user_text));
    return url;
}

static void add_search(json_t *content, const emu_convo *c)
{
    char id[48];
    emu_random_id(id, sizeof id, "srvtoolu_01", 22);
    char *url = search_url(c), *enc = anthropic_encrypted(url);
    size_t len = strlen(c->last_user_text) + 32;
    char *title = malloc(len);
    if (title)
        snprintf(title, len, "Emulator search: %s", c->last_user_text);
    json_array_append_new(content,
                          json_pack("{s:s, s:s, s:s, s:{s:s}, s:{s:s}}", "type", "server_tool_use", "id", id, "name",
                                    "web_search", "input", "query", c->last_user_text, "caller", "type", "direct"));
    json_array_append_new(content, json_pack("{s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:n}]}", "type",
                                             "web_search_tool_result", "tool_use_id", id, "content", "type",
                                             "web_search_result", "title", title ? title : "", "url", url ? url : "",
                                             "encrypted_content", enc ? enc : "", "page_age"));
    free(url);
    free(enc);
    free(title);
}

static void add_search_citation(json_t *content, const emu_convo *c)
{
    char *url = search_url(c);
    size_t len = strlen(c->last_user_text) + 48;
    char *cited = malloc(len), *title = malloc(len);
    if (cited && title) {
        snprintf(cited, len, "Emulator search result for %s", c->last_user_text);
        snprintf(title, len, "Emulator search: %s", c->last_user_text);
        json_array_append_new(content, json_pack("{s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:s}]}", "type", "text", "text",
                                                 "The search found an answer.", "citations", "type",
                                                 "web_search_result_location", "cited_text", cited, "url",
                                                 url ? url : "", "title", title, "encrypted_index", "EmuIdx01"));
    }
    free(url);
    free(cited);
    free(title);
}

/* A text document with citations on: its first sentence, cited. */
static void add_document_citation(json_t *content, const emu_convo *c)
{
    size_t n = strcspn(c->cite_text, ".\n");
    if (c->cite_text[n] == '.')
        n++;
    char *sentence = strndup(c->cite_text, n);
    if (!sentence)
        return;
    json_t *cite =
        json_pack("{s:s, s:s, s:I, s:o, s:i, s:I}", "type", "char_location", "cited_text", sentence, "document_index",
                  (json_int_t)c->cite_index, "document_title", c->cite_title ? json_string(c->cite_title) : json_null(),
                  "start_char_index", 0, "end_char_index", (json_int_t)n);
    json_array_append_new(content, json_pack("{s:s, s:s, s:[o]}", "type", "text", "text", sentence, "citations", cite));
    free(sentence);
}

json_t *anthropic_content(const emu_convo *c, const emu_answer *a)
{
    json_t *content = json_array();
    if (c->thinking && c->redacted) {
        json_array_append_new(content, json_pack("{s:s, s:s}", "type", "redacted_thinking", "data", EMU_REDACTED_DATA));
    } else if (c->thinking && a->thinking) {
        char *sig = emu_thinking_signature(a->thinking);
        json_array_append_new(content, json_pack("{s:s, s:s, s:s}", "type", "thinking", "thinking", a->thinking,
                                                 "signature", sig ? sig : ""));
        free(sig);
    }
    int searching = c->web_search && !c->search_done && convo_contains(c->last_user_text, "search");
    if (searching)
        add_search(content, c);
    if (c->pause)
        return content; /* the turn pauses after the search: the caller sends it back to continue */
    if (a->stop == EMU_STOP_TOOL) {
        json_t *input = json_loads(a->tool_input, 0, NULL);
        json_array_append_new(content, json_pack("{s:s, s:s, s:s, s:o}", "type", "tool_use", "id", a->tool_id, "name",
                                                 a->tool_name, "input", input ? input : json_object()));
        if (a->tool_input2) {
            json_t *input2 = json_loads(a->tool_input2, 0, NULL);
            json_array_append_new(content, json_pack("{s:s, s:s, s:s, s:o}", "type", "tool_use", "id", a->tool_id2,
                                                     "name", a->tool_name, "input", input2 ? input2 : json_object()));
        }
    } else {
        json_array_append_new(content, json_pack("{s:s, s:s}", "type", "text", "text", a->text));
    }
    if (searching || c->search_done)
        add_search_citation(content, c);
    if (c->cite_text && a->stop != EMU_STOP_TOOL)
        add_document_citation(content, c);
    return content;
}

json_t *anthropic_message(const char *model, const emu_convo *c, const emu_answer *a)
{
    char id[48];
    emu_random_id(id, sizeof id, "msg_01", 22);
    json_t *msg =
        json_pack("{s:s, s:s, s:s, s:s, s:o, s:s}", "id", id, "type", "message", "role", "assistant", "model", model,
                  "content", anthropic_content(c, a), "stop_reason", c->pause ? "pause_turn" : stop_reason(a->stop));
    json_object_set_new(msg, "stop_sequence", a->stop_sequence ? json_string(a->stop_sequence) : json_null());
    json_object_set_new(msg, "stop_details", json_null());
    json_object_set_new(msg, "container", json_null());
    size_t thinking_tokens = c->thinking && a->thinking ? emu_count_words(a->thinking) : 0;
    json_t *usage = anthropic_usage(c, (c->pause ? 2 : a->output_tokens) + thinking_tokens);
    if (thinking_tokens)
        json_object_set_new(usage, "output_tokens_details",
                            json_pack("{s:I}", "thinking_tokens", (json_int_t)thinking_tokens));
    json_object_set_new(msg, "usage", usage);
    return msg;
}

const char *anthropic_stop_reason(emu_stop s)
{
    return stop_reason(s);
}

static json_t *load_body(emu_reply *r, const emu_request *rq)
{
    json_t *body = json_loadb(rq->body, rq->body_len, 0, NULL);
    if (!json_is_object(body)) {
        json_decref(body);
        error_invalid_json(r, rq);
        return NULL;
    }
    return body;
}

static int read_request(emu_reply *r, const emu_request *rq, const json_t *body, emu_convo *c, int count_tokens)
{
    if (anthropic_read(r, rq, body, c, count_tokens) != 0)
        return -1;
    c->pause = c->web_search && !c->search_done && convo_contains(c->last_user_text, "search") &&
               convo_contains(c->last_user_text, "pause");
    return 0;
}

int anthropic_answer(emu_reply *r, const emu_request *rq, const json_t *body, json_t **message)
{
    emu_convo c;
    if (read_request(r, rq, body, &c, 0) != 0) {
        convo_free(&c);
        return -1;
    }
    emu_answer a;
    answer_make(&c, &a, EMU_ANTHROPIC);
    *message = anthropic_message(json_string_value(json_object_get(body, "model")), &c, &a);
    answer_free(&a);
    convo_free(&c);
    return 0;
}

static void messages(emu_reply *r, const emu_request *rq)
{
    json_t *body = load_body(r, rq);
    if (!body)
        return;
    emu_convo c;
    if (read_request(r, rq, body, &c, 0) == 0) {
        const char *model = json_string_value(json_object_get(body, "model"));
        emu_answer a;
        answer_make(&c, &a, EMU_ANTHROPIC);
        if (json_is_true(json_object_get(body, "stream")))
            anthropic_stream(r, rq, model, &c, &a);
        else
            reply_json(r, 200, anthropic_message(model, &c, &a));
        answer_free(&a);
    }
    convo_free(&c);
    json_decref(body);
}

static void count_tokens(emu_reply *r, const emu_request *rq)
{
    json_t *body = load_body(r, rq);
    if (!body)
        return;
    emu_convo c;
    if (read_request(r, rq, body, &c, 1) == 0)
        reply_json(r, 200, json_pack("{s:I}", "input_tokens", (json_int_t)c.input_tokens));
    convo_free(&c);
    json_decref(body);
}

void anthropic_handle(emu_reply *r, const emu_request *rq)
{
    const char *p = rq->subpath;
    int get = strcmp(rq->method, "GET") == 0, post = strcmp(rq->method, "POST") == 0;
    int known = (post && (strcmp(p, "/v1/messages") == 0 || strcmp(p, "/v1/messages/count_tokens") == 0)) ||
                (get && strncmp(p, "/v1/models", 10) == 0 && (p[10] == '\0' || p[10] == '/')) ||
                strncmp(p, "/v1/messages/batches", 20) == 0;
    if (!known) {
        error_reply(r, rq, 404, "Not Found");
        return;
    }
    if (auth_check(r, rq) != 0)
        return;
    if (strncmp(p, "/v1/messages/batches", 20) == 0)
        batches_handle(r, rq);
    else if (strcmp(p, "/v1/messages") == 0)
        messages(r, rq);
    else if (strcmp(p, "/v1/messages/count_tokens") == 0)
        count_tokens(r, rq);
    else if (strcmp(p, "/v1/models") == 0)
        models_anthropic(r, rq);
    else
        models_anthropic_one(r, rq, p + strlen("/v1/models/"));
}
