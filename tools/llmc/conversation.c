/* SPDX-License-Identifier: MIT */
/*
 * conversation.c — conversations in the log: what of a reply is kept so that it can be sent back
 * (the assistant's turn as JSON blocks: thinking with its signature, text, tool calls), and
 * rebuilding a logged conversation into a request for `llmc -c`, `--cid ID` and `llmc chat -c`.
 */
#include "cli.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static char *dump(json_t *v)
{
    char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(v);
    return text;
}

char *cli_assistant_turn_json(const llmc_response *resp)
{
    json_t *blocks = json_array();
    for (size_t i = 0; blocks && i < llmc_response_block_count(resp); i++) {
        const char *text = llmc_response_block_text(resp, i);
        json_t *b = NULL;
        switch (llmc_response_block_type(resp, i)) {
        case LLMC_BLOCK_TEXT:
            b = json_pack("{s:s, s:s}", "type", "text", "text", text);
            break;
        case LLMC_BLOCK_THINKING:
            b = json_pack("{s:s, s:s, s:s}", "type", "thinking", "text", text, "signature",
                          llmc_response_block_signature(resp, i));
            break;
        case LLMC_BLOCK_TOOL_USE:
            b = json_pack("{s:s, s:s, s:s, s:s}", "type", "tool_use", "id", llmc_response_block_tool_id(resp, i),
                          "name", llmc_response_block_tool_name(resp, i), "input", text);
            break;
        case LLMC_BLOCK_REDACTED_THINKING:
        case LLMC_BLOCK_OTHER:
            /* kept whole only within a reply (llmc_response_block_json); a continued turn goes back
             * without them, as the providers take an earlier turn without its thinking */
            break;
        }
        if (b)
            json_array_append_new(blocks, b);
    }
    return dump(blocks);
}

char *cli_tool_calls_json(const llmc_response *resp)
{
    json_t *calls = json_array();
    for (size_t i = 0; calls && i < llmc_response_block_count(resp); i++)
        if (llmc_response_block_type(resp, i) == LLMC_BLOCK_TOOL_USE)
            json_array_append_new(calls, json_pack("{s:s, s:s, s:s}", "id", llmc_response_block_tool_id(resp, i),
                                                   "name", llmc_response_block_tool_name(resp, i), "input",
                                                   llmc_response_block_text(resp, i)));
    if (json_array_size(calls) == 0) {
        json_decref(calls);
        return NULL;
    }
    return dump(calls);
}

char *cli_thinking_text(const llmc_response *resp)
{
    size_t len = 0;
    for (size_t i = 0; i < llmc_response_block_count(resp); i++)
        if (llmc_response_block_type(resp, i) == LLMC_BLOCK_THINKING)
            len += strlen(llmc_response_block_text(resp, i)) + 1;
    if (len == 0)
        return NULL;
    char *out = calloc(1, len + 1);
    for (size_t i = 0; out && i < llmc_response_block_count(resp); i++)
        if (llmc_response_block_type(resp, i) == LLMC_BLOCK_THINKING) {
            if (*out)
                strcat(out, "\n");
            strcat(out, llmc_response_block_text(resp, i));
        }
    return out;
}

/* The reply saved as JSON blocks, rebuilt; NULL when the JSON is unusable or memory runs out. */
static llmc_response *response_from_json(const char *text)
{
    json_t *blocks = json_loads(text, 0, NULL);
    llmc_response *r = json_is_array(blocks) ? llmc_response_new() : NULL;
    size_t i;
    json_t *b;
    json_array_foreach(blocks, i, b)
    {
        if (!r)
            break;
        const char *type = json_string_value(json_object_get(b, "type"));
        const char *body = json_string_value(json_object_get(b, "text"));
        llmc_code rc = LLMC_OK;
        if (type && strcmp(type, "text") == 0)
            rc = llmc_response_append_block(r, LLMC_BLOCK_TEXT, body, NULL, NULL, NULL, NULL);
        else if (type && strcmp(type, "thinking") == 0)
            rc = llmc_response_append_block(r, LLMC_BLOCK_THINKING, body, NULL, NULL,
                                            json_string_value(json_object_get(b, "signature")), NULL);
        else if (type && strcmp(type, "tool_use") == 0)
            rc = llmc_response_append_block(r, LLMC_BLOCK_TOOL_USE, json_string_value(json_object_get(b, "input")),
                                            json_string_value(json_object_get(b, "id")),
                                            json_string_value(json_object_get(b, "name")), NULL, NULL);
        if (rc != LLMC_OK) {
            llmc_response_free(r);
            r = NULL;
        }
    }
    json_decref(blocks);
    return r;
}

bool cli_conversation_exists(cli_log *log, const char *cid)
{
    sqlite3_stmt *st = NULL;
    bool found =
        sqlite3_prepare_v2(cli_log_db(log), "SELECT 1 FROM conversations WHERE id = ?", -1, &st, NULL) == SQLITE_OK;
    if (found) {
        sqlite3_bind_text(st, 1, cid, -1, SQLITE_TRANSIENT);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

int cli_conversation_load(cli_log *log, const char *cid, llmc_request *req, cli_resumed *out)
{
    sqlite3_stmt *st = NULL;
    int turns = 0;
    if (sqlite3_prepare_v2(cli_log_db(log),
                           "SELECT prompt, reply, assistant_turn, model, system FROM exchanges "
                           "WHERE conversation_id = ? AND error_class IS NULL ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, cid, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *prompt = (const char *)sqlite3_column_text(st, 0);
        const char *reply = (const char *)sqlite3_column_text(st, 1);
        const char *turn = (const char *)sqlite3_column_text(st, 2);
        const char *model = (const char *)sqlite3_column_text(st, 3);
        const char *system = (const char *)sqlite3_column_text(st, 4);
        if (req) {
            llmc_response *r = turn ? response_from_json(turn) : NULL;
            /* a turn saved without blocks goes back as its text */
            if (!r && (r = llmc_response_new()) != NULL &&
                llmc_response_append_block(r, LLMC_BLOCK_TEXT, reply ? reply : "", NULL, NULL, NULL, NULL) != LLMC_OK) {
                llmc_response_free(r);
                r = NULL;
            }
            if (!r || llmc_request_add_message(req, LLMC_ROLE_USER, prompt ? prompt : "", NULL) != LLMC_OK ||
                llmc_request_add_response(req, r, NULL) != LLMC_OK) {
                llmc_response_free(r);
                sqlite3_finalize(st);
                return -1;
            }
            llmc_response_free(r);
        }
        if (out) {
            snprintf(out->model, sizeof out->model, "%s", model ? model : "");
            free(out->system);
            out->system = system ? strdup(system) : NULL;
        }
        turns++;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? turns : -1;
}

void cli_conversation_pairs(cli_log *log, const char *cid, void (*fn)(void *, const char *, const char *),
                            void *userdata)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(cli_log_db(log),
                           "SELECT prompt, coalesce(reply, '') FROM exchanges WHERE conversation_id = ? AND "
                           "error_class IS NULL ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, cid, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW)
        fn(userdata, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
}
