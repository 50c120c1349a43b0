/* SPDX-License-Identifier: MIT */
/*
 * features.c — the providers' newer features through one API: thinking with an effort level,
 * a reply held to a JSON schema, a document with citations, prompt caching, and counting a
 * prompt's tokens before sending it. The README's "Provider features" examples, run for real.
 * usage: features [ANTHROPIC-MODEL]   (default anthropic/claude-opus-5; key from ANTHROPIC_API_KEY)
 */
#include <llmc/llmc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, const llmc_error *err)
{
    fprintf(stderr, "features: %s: %s: %s\n", what, llmc_strerror(err->code), err->message);
    return 1;
}

/* Thinking with an effort level: the reply's thinking blocks come before its text. */
static int thinking(llmc_client *client, const char *model)
{
    llmc_error err;
    llmc_request *req = llmc_request_new(model);
    llmc_request_add_message(req, LLMC_ROLE_USER, "plan a day in Rome", &err);
    llmc_request_set_thinking_mode(req, LLMC_THINKING_ON, 0, &err); /* adaptive where the model takes it */
    llmc_request_set_effort(req, LLMC_EFFORT_HIGH, &err);
    llmc_response *resp = NULL;
    int rc = 0;
    if (llmc_messages_create(client, req, &resp, &err) != LLMC_OK) {
        rc = fail("thinking", &err);
    } else {
        for (size_t i = 0; i < llmc_response_block_count(resp); i++)
            if (llmc_response_block_type(resp, i) == LLMC_BLOCK_THINKING)
                printf("thought: %s\n", llmc_response_block_text(resp, i));
        llmc_usage_details u;
        llmc_response_usage_details(resp, &u);
        printf("answer: %s (%ld thinking tokens)\n", llmc_response_text(resp), u.reasoning_tokens);
    }
    llmc_response_free(resp);
    llmc_request_free(req);
    return rc;
}

/* Structured output: the reply is JSON that follows the schema. */
static int structured(llmc_client *client, const char *model)
{
    static const char schema[] =
        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
        "\"required\":[\"city\"],\"additionalProperties\":false}";
    llmc_error err;
    llmc_request *req = llmc_request_new(model);
    llmc_request_add_message(req, LLMC_ROLE_USER, "the capital of Italy", &err);
    int rc = 0;
    llmc_response *resp = NULL;
    const char *json = NULL;
    if (llmc_request_set_format(req, LLMC_FORMAT_JSON_SCHEMA, "place", schema, &err) != LLMC_OK)
        rc = fail("schema", &err);
    else if (llmc_messages_create(client, req, &resp, &err) != LLMC_OK)
        rc = fail("structured", &err);
    else if (llmc_response_json(resp, &json, &err) != LLMC_OK)
        rc = fail("not JSON", &err); /* err names the line and column */
    else
        printf("json: %s\n", json);
    llmc_response_free(resp);
    llmc_request_free(req);
    return rc;
}

/* A document with citations on: text blocks carry the passages they rest on. */
static int cited(llmc_client *client, const char *model)
{
    static const char notes[] = "The grass is green. The sky is blue.";
    llmc_error err;
    llmc_request *req = llmc_request_new(model);
    llmc_request_add_document(req, "text/plain", notes, strlen(notes), "Notes", 1, &err);
    llmc_request_add_message(req, LLMC_ROLE_USER, "what colour is the grass", &err);
    llmc_response *resp = NULL;
    int rc = 0;
    if (llmc_messages_create(client, req, &resp, &err) != LLMC_OK) {
        rc = fail("citations", &err);
    } else {
        for (size_t i = 0; i < llmc_response_block_count(resp); i++) {
            llmc_citation c;
            for (size_t n = 0; llmc_response_block_citation(resp, i, n, &c); n++)
                printf("cited: \"%s\" (%s, characters %ld-%ld)\n", c.cited_text, c.document_title, c.start, c.end);
        }
    }
    llmc_response_free(resp);
    llmc_request_free(req);
    return rc;
}

/* Prompt caching and token counting: count a long prompt, then send it twice; the second call
 * reads what the first wrote. */
static int cached(llmc_client *client, const char *model)
{
    size_t words = 1500, len = words * 6;
    char *longtext = malloc(len + 1);
    if (!longtext)
        return 1;
    for (size_t i = 0; i < words; i++)
        memcpy(longtext + i * 6, "words ", 6);
    longtext[len - 1] = '\0';
    llmc_error err;
    llmc_request *req = llmc_request_new(model);
    llmc_request_set_system(req, longtext, &err);
    llmc_request_add_message(req, LLMC_ROLE_USER, "summarize", &err);
    llmc_request_set_cache(req, LLMC_CACHE_5M, &err);
    long tokens = 0;
    int rc = 0;
    if (llmc_count_tokens(client, req, &tokens, &err) != LLMC_OK)
        rc = fail("count_tokens", &err);
    else
        printf("prompt: %ld tokens\n", tokens);
    for (int round = 0; round < 2 && rc == 0; round++) {
        llmc_response *resp = NULL;
        if (llmc_messages_create(client, req, &resp, &err) != LLMC_OK) {
            rc = fail("cache", &err);
        } else {
            llmc_usage_details u;
            llmc_response_usage_details(resp, &u);
            printf("call %d: %ld written to the cache, %ld read from it\n", round + 1, u.cache_creation_input_tokens,
                   u.cache_read_input_tokens);
        }
        llmc_response_free(resp);
    }
    llmc_request_free(req);
    free(longtext);
    return rc;
}

int main(int argc, char **argv)
{
    const char *model = argc > 1 ? argv[1] : "anthropic/claude-opus-5";
    llmc_global_init();
    llmc_client *client = llmc_client_new();
    int rc = thinking(client, model) | structured(client, model) | cited(client, model) | cached(client, model);
    llmc_client_free(client);
    llmc_global_cleanup();
    return rc;
}
