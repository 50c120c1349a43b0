/* SPDX-License-Identifier: MIT */
/*
 * render.c — what the prompt and chat commands print: a reply streamed to the terminal as it
 * is written (text on stdout; tool calls and, with -v, thinking on stderr), a finished reply,
 * or the normalized response and errors as JSON for machines.
 */
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void cli_print_json_response(const llmc_response *r)
{
    /* the library's one normalized shape, shared with batches in --format normalized */
    char *text = llmc_response_to_json(r);
    if (text)
        printf("%s\n", text);
    llmc_free(text);
}

void cli_print_json_error(const llmc_error *err)
{
    const llmc_cause_info *info = llmc_cause_info_get(err->diagnosis.cause);
    json_t *root =
        json_pack("{s:{s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:i}}", "error", "code", llmc_strerror(err->code),
                  "message", err->message, "http_status", err->http_status, "provider", err->provider, "provider_type",
                  err->provider_type, "provider_code", err->provider_code, "request_id", err->request_id, "cause",
                  info ? info->id : "", "attempts", err->attempts);
    if (root && info) {
        json_t *e = json_object_get(root, "error");
        json_object_set_new(e, "key_source", json_string(llmc_key_source_name(err->diagnosis.source)));
        json_object_set_new(e, "key_source_name", json_string(err->diagnosis.source_name));
        json_object_set_new(e, "key_fingerprint", json_string(err->diagnosis.fingerprint));
        if (err->diagnosis.fix)
            json_object_set_new(e, "fix", json_string(err->diagnosis.fix));
    }
    char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
    if (text)
        printf("%s\n", text);
    free(text);
    json_decref(root);
}

typedef struct stream_view {
    bool show_text; /* false with --json: only the final response is printed */
    bool show_thinking;
    bool ended_newline; /* whether the last text written ended a line */
    bool any_text;
} stream_view;

static int on_event(void *userdata, const llmc_event *ev)
{
    stream_view *v = userdata;
    cli_style st = cli_style_for(stderr);
    switch (ev->type) {
    case LLMC_EVENT_TEXT:
        if (v->show_text && ev->text_len) {
            fwrite(ev->text, 1, ev->text_len, stdout);
            fflush(stdout);
            v->ended_newline = ev->text[ev->text_len - 1] == '\n';
            v->any_text = true;
        }
        break;
    case LLMC_EVENT_THINKING:
        if (v->show_thinking && ev->text_len) {
            fprintf(stderr, "%s", st.dim);
            fwrite(ev->text, 1, ev->text_len, stderr);
            fprintf(stderr, "%s", st.reset);
        }
        break;
    case LLMC_EVENT_TOOL_USE_START:
        if (v->show_text)
            fprintf(stderr, "%s[calls tool %s]%s\n", st.dim, ev->tool_name, st.reset);
        break;
    default:
        break;
    }
    return 0;
}

llmc_code cli_send(llmc_client *client, const llmc_request *req, const cli_options *o, llmc_response **out,
                   llmc_error *err)
{
    if (!o->stream)
        return llmc_messages_create(client, req, out, err);
    stream_view view = {!o->json, o->verbose, true, false};
    llmc_code rc = llmc_messages_stream(client, req, on_event, &view, out, err);
    /* end the streamed text's line, so the prompt (or an error) starts on a fresh one */
    if (view.any_text && !view.ended_newline)
        fputc('\n', stdout);
    fflush(stdout);
    return rc;
}

void cli_print_reply(const llmc_response *resp, const cli_options *o)
{
    if (o->json) {
        cli_print_json_response(resp);
    } else if (!o->stream) {
        const char *text = llmc_response_text(resp);
        fputs(text, stdout);
        if (!*text || text[strlen(text) - 1] != '\n')
            fputc('\n', stdout);
    }
}
