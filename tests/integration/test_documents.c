/* SPDX-License-Identifier: MIT */
/*
 * test_documents.c — documents, citations and replies sent back whole, against the emulator:
 * PDF and text documents (bytes and URL) for Anthropic with citations read plain and streamed,
 * file parts for OpenAI-compatible providers (and the servers that refuse them), attachments
 * told by their content; a web search that pauses and is continued by sending the reply back
 * unchanged; redacted thinking kept and sent back (a changed block is refused by the service:
 * tests/conformance, where the SDK can send one).
 */
#include "api_common.h"

#define MINI_PDF "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#define DOC "The grass is green. The sky is blue."

static void test_anthropic_documents(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    llmc_request *req = llmc_request_new(TEST_MODEL_ANTHROPIC);
    llmc_error err;
    assert_int_equal(llmc_request_add_document(req, "text/plain", DOC, strlen(DOC), "Nature notes", 1, &err), LLMC_OK);
    assert_int_equal(llmc_request_add_message(req, LLMC_ROLE_USER, "what colour is the grass", &err), LLMC_OK);
    llmc_response *r = send_ok(c, req);
    json_t *body = last_body();
    json_t *content = json_object_get(json_array_get(json_object_get(body, "messages"), 0), "content");
    json_t *doc = json_array_get(content, 0);
    assert_string_equal(json_string_value(json_object_get(doc, "type")), "document");
    assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "source"), "type")), "text");
    assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "source"), "data")), DOC);
    assert_string_equal(json_string_value(json_object_get(doc, "title")), "Nature notes");
    assert_true(json_is_true(json_object_get(json_object_get(doc, "citations"), "enabled")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(content, 1), "text")),
                        "what colour is the grass");
    json_decref(body);
    /* the cited block, and its citation read into the typed struct */
    size_t last = llmc_response_block_count(r) - 1;
    assert_int_equal(llmc_response_block_citation_count(r, last), 1);
    llmc_citation cite;
    assert_int_equal(llmc_response_block_citation(r, last, 0, &cite), 1);
    assert_string_equal(cite.type, "char_location");
    assert_string_equal(cite.cited_text, "The grass is green.");
    assert_int_equal(cite.document_index, 0);
    assert_string_equal(cite.document_title, "Nature notes");
    assert_int_equal(cite.start, 0);
    assert_int_equal(cite.end, 19);
    assert_non_null(strstr(cite.json, "\"char_location\""));
    /* streamed: a CITATION event, and the same citation in the final response */
    size_t counts[16] = {0};
    llmc_response *s = stream_ok(c, req, counts);
    assert_int_equal(counts[LLMC_EVENT_CITATION], 1);
    assert_int_equal(llmc_response_block_citation_count(s, llmc_response_block_count(s) - 1), 1);
    assert_string_equal(llmc_response_text(s), llmc_response_text(r));
    llmc_response_free(s);
    llmc_response_free(r);
    llmc_request_free(req);

    /* a PDF as base64, and a URL */
    req = llmc_request_new(TEST_MODEL_ANTHROPIC);
    assert_int_equal(llmc_request_add_document(req, "application/pdf", MINI_PDF, strlen(MINI_PDF), NULL, 0, &err),
                     LLMC_OK);
    assert_int_equal(llmc_request_add_document_url(req, "https://example.com/paper.pdf", "Paper", 0, &err), LLMC_OK);
    llmc_request_add_message(req, LLMC_ROLE_USER, "summarise", &err);
    r = send_ok(c, req);
    body = last_body();
    content = json_object_get(json_array_get(json_object_get(body, "messages"), 0), "content");
    json_t *src = json_object_get(json_array_get(content, 0), "source");
    assert_string_equal(json_string_value(json_object_get(src, "type")), "base64");
    assert_string_equal(json_string_value(json_object_get(src, "media_type")), "application/pdf");
    assert_string_equal(json_string_value(json_object_get(src, "data")),
                        "JVBERi0xLjQKMSAwIG9iajw8Pj5lbmRvYmoKdHJhaWxlcjw8"
                        "Pj4KJSVFT0YK" /* base64(1) */);
    src = json_object_get(json_array_get(content, 1), "source");
    assert_string_equal(json_string_value(json_object_get(src, "type")), "url");
    json_decref(body);
    llmc_response_free(r);
    llmc_request_free(req);

    /* documents the service refuses: citations on some but not all */
    req = llmc_request_new(TEST_MODEL_ANTHROPIC);
    llmc_request_add_document(req, "text/plain", "a", 1, NULL, 1, NULL);
    llmc_request_add_document(req, "text/plain", "b", 1, NULL, 0, NULL);
    llmc_request_add_message(req, LLMC_ROLE_USER, "x", &err);
    send_fails(c, req, LLMC_E_BAD_REQUEST, false, &err);
    assert_non_null(strstr(err.message, "citations must be enabled on all"));
    llmc_request_free(req);
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static void test_openai_compatible_documents(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    llmc_error err;
    /* OpenAI reads a PDF as a file part */
    llmc_request *req = llmc_request_new(TEST_MODEL_OPENAI);
    llmc_request_add_document(req, "application/pdf", MINI_PDF, strlen(MINI_PDF), "paper.pdf", 0, NULL);
    llmc_request_add_document(req, "text/plain", DOC, strlen(DOC), "Notes", 0, NULL);
    llmc_request_add_message(req, LLMC_ROLE_USER, "read these", &err);
    llmc_response *r = send_ok(c, req);
    json_t *body = last_body();
    json_t *content = json_object_get(json_array_get(json_object_get(body, "messages"), 0), "content");
    json_t *file = json_object_get(json_array_get(content, 0), "file");
    assert_string_equal(json_string_value(json_object_get(json_array_get(content, 0), "type")), "file");
    assert_string_equal(json_string_value(json_object_get(file, "filename")), "paper.pdf");
    assert_true(strncmp(json_string_value(json_object_get(file, "file_data")), "data:application/pdf;base64,", 28) ==
                0);
    assert_string_equal(json_string_value(json_object_get(json_array_get(content, 1), "text")), "Notes\n\n" DOC);
    json_decref(body);
    llmc_response_free(r);
    /* Cerebras and Fireworks refuse file parts */
    for (int i = 0; i < 2; i++) {
        llmc_request_set_model(req, i == 0 ? TEST_MODEL_CEREBRAS : TEST_MODEL_FIREWORKS, &err);
        send_fails(c, req, LLMC_E_BAD_REQUEST, false, &err);
        assert_int_equal(err.http_status, 400);
    }
    llmc_request_free(req);
    /* no URL documents in chat completions */
    req = llmc_request_new(TEST_MODEL_OPENAI);
    llmc_request_add_document_url(req, "https://example.com/a.pdf", NULL, 0, NULL);
    llmc_request_add_message(req, LLMC_ROLE_USER, "x", &err);
    send_fails(c, req, LLMC_E_UNSUPPORTED, true, &err);
    assert_non_null(strstr(err.message, "take no document URLs"));
    llmc_request_free(req);
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static void test_attach_by_content(void **state)
{
    (void)state;
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
    static const unsigned char junk[] = {0x00, 0xff, 0xfe, 0x01, 0x80};
    assert_string_equal(llmc_media_type_sniff(png, sizeof png), "image/png");
    assert_string_equal(llmc_media_type_sniff(MINI_PDF, strlen(MINI_PDF)), "application/pdf");
    assert_string_equal(llmc_media_type_sniff("plain words\n", 12), "text/plain");
    assert_string_equal(llmc_media_type_sniff("\xff\xd8\xff\xe0", 4), "image/jpeg");
    assert_string_equal(llmc_media_type_sniff("GIF89a....", 10), "image/gif");
    assert_string_equal(llmc_media_type_sniff("RIFF\0\0\0\0WEBPVP8 ", 16), "image/webp");
    assert_null(llmc_media_type_sniff(junk, sizeof junk));
    llmc_request *req = llmc_request_new(TEST_MODEL_ANTHROPIC);
    llmc_error err;
    assert_int_equal(llmc_request_attach(req, png, sizeof png, "pic.txt", &err), LLMC_OK); /* the name says txt */
    assert_int_equal(llmc_request_attach(req, MINI_PDF, strlen(MINI_PDF), "doc.png", &err), LLMC_OK);
    assert_int_equal(llmc_request_attach(req, junk, sizeof junk, "blob.bin", &err), LLMC_E_INVALID_ARG);
    assert_non_null(strstr(err.message, "blob.bin: not an image"));
    assert_int_equal(llmc_request_attach(req, "", 0, "empty.txt", &err), LLMC_E_INVALID_ARG);
    assert_non_null(strstr(err.message, "(it is empty)"));
    assert_int_equal(llmc_request_add_document(req, "application/msword", "x", 1, NULL, 0, &err), LLMC_E_INVALID_ARG);
    assert_int_equal(llmc_request_add_document(req, "text/plain", "\xff\xfe", 2, NULL, 0, &err), LLMC_E_INVALID_ARG);
    assert_int_equal(llmc_request_add_document_url(req, "ftp://x/y.pdf", NULL, 0, &err), LLMC_E_INVALID_ARG);
    llmc_request_add_message(req, LLMC_ROLE_USER, "what are these", &err);
    llmc_client *c = llmc_client_new();
    llmc_response *r = send_ok(c, req);
    json_t *body = last_body();
    json_t *content = json_object_get(json_array_get(json_object_get(body, "messages"), 0), "content");
    assert_string_equal(json_string_value(json_object_get(json_array_get(content, 0), "type")), "image");
    assert_string_equal(json_string_value(json_object_get(json_array_get(content, 1), "type")), "document");
    assert_string_equal(json_string_value(json_object_get(json_array_get(content, 1), "title")), "doc.png");
    json_decref(body);
    llmc_response_free(r);
    llmc_request_free(req);
    llmc_client_free(c);
}

static void test_pause_turn_continued(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    for (int streamed = 0; streamed < 2; streamed++) {
        llmc_request *req = ask(TEST_MODEL_ANTHROPIC, "search the web and pause");
        llmc_request_set_body_field(req, "tools", "[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]", NULL);
        llmc_response *r = streamed ? stream_ok(c, req, NULL) : send_ok(c, req);
        assert_int_equal(llmc_response_stop_reason(r), LLMC_STOP_PAUSE);
        assert_int_equal(llmc_response_block_count(r), 2);
        assert_string_equal(llmc_response_block_kind(r, 0), "server_tool_use");
        assert_string_equal(llmc_response_block_kind(r, 1), "web_search_tool_result");
        assert_int_equal(llmc_response_block_type(r, 1), LLMC_BLOCK_OTHER);
        assert_non_null(strstr(llmc_response_block_json(r, 0), "\"query\":\"search the web and pause\""));
        assert_non_null(strstr(llmc_response_block_json(r, 1), "\"encrypted_content\":\"EmuEnc"));
        /* continue: the paused turn goes back unchanged, and the service finishes it */
        assert_int_equal(llmc_request_add_response(req, r, NULL), LLMC_OK);
        llmc_response *next = send_ok(c, req);
        json_t *body = last_body();
        json_t *assistant = json_object_get(json_array_get(json_object_get(body, "messages"), 1), "content");
        json_t *sent = json_array_get(assistant, 1);
        json_t *kept = json_loads(llmc_response_block_json(r, 1), 0, NULL);
        assert_true(json_equal(sent, kept));
        json_decref(kept);
        json_decref(body);
        assert_int_equal(llmc_response_stop_reason(next), LLMC_STOP_END_TURN);
        size_t last = llmc_response_block_count(next) - 1;
        llmc_citation cite;
        assert_int_equal(llmc_response_block_citation(next, last, 0, &cite), 1);
        assert_string_equal(cite.type, "web_search_result_location");
        assert_true(strncmp(cite.url, "https://example.com/search/", 27) == 0);
        llmc_response_free(next);
        llmc_response_free(r);
        llmc_request_free(req);
    }
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static void test_redacted_thinking_sent_back(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    llmc_request *req =
        ask(TEST_MODEL_ANTHROPIC,
            "ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253D5E2"
            "D82641AC0E52CC2876CB");
    llmc_request_set_thinking_mode(req, LLMC_THINKING_ON, 0, NULL);
    llmc_response *r = send_ok(c, req);
    assert_int_equal(llmc_response_block_type(r, 0), LLMC_BLOCK_REDACTED_THINKING);
    assert_string_equal(llmc_response_block_text(r, 0), "");
    assert_non_null(strstr(llmc_response_block_json(r, 0), "\"type\":\"redacted_thinking\""));
    size_t counts[16] = {0};
    llmc_response *s = stream_ok(c, req, counts);
    assert_int_equal(llmc_response_block_type(s, 0), LLMC_BLOCK_REDACTED_THINKING);
    assert_string_equal(llmc_response_block_json(s, 0), llmc_response_block_json(r, 0));
    assert_int_equal(counts[LLMC_EVENT_THINKING], 0);
    /* the next turn: sent back as it came, which the service checks */
    llmc_request_add_response(req, s, NULL);
    llmc_request_add_message(req, LLMC_ROLE_USER, "and then", NULL);
    llmc_response *next = send_ok(c, req);
    json_t *body = last_body();
    json_t *block = json_array_get(json_object_get(json_array_get(json_object_get(body, "messages"), 1), "content"), 0);
    assert_string_equal(json_string_value(json_object_get(block, "type")), "redacted_thinking");
    json_decref(body);
    llmc_response_free(next);
    llmc_response_free(s);
    llmc_response_free(r);
    llmc_request_free(req);
    llmc_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anthropic_documents),         cmocka_unit_test(test_openai_compatible_documents),
        cmocka_unit_test(test_attach_by_content),           cmocka_unit_test(test_pause_turn_continued),
        cmocka_unit_test(test_redacted_thinking_sent_back),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
