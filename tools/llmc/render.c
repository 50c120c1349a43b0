/* SPDX-License-Identifier: MIT */
/*
 * render.c — what the prompt and chat commands print: a reply streamed to the terminal as it
 * is written (text on stdout; tool calls and, with --show-thinking, thinking on stderr, dimmed on
 * a terminal), a finished reply (the JSON a --schema asked for), or the normalized response and
 * errors as JSON for machines.
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

/* A string member: null when empty, and escaped when it is not valid UTF-8 (JSON text must be). */
static json_t *json_text(const char *s)
{
    if (!s || !*s)
        return json_null();
    json_t *v = json_string(s);
    if (v)
        return v;
    char safe[4096];
    return json_string(cli_safe(s, safe, sizeof safe));
}

void cli_print_json_error(const llmc_error *err)
{
    const llmc_cause_info *info = llmc_cause_info_get(err->diagnosis.cause);
    const llmc_diagnosis *d = &err->diagnosis;
    bool keyed = d->source != LLMC_SOURCE_NONE;
    json_t *e = json_object();
    json_object_set_new(e, "code", json_string(llmc_code_name(err->code)));
    json_object_set_new(e, "cause", info ? json_string(info->id) : json_null());
    json_object_set_new(e, "message", json_text(err->message));
    json_object_set_new(e, "exit_status", json_integer(cli_exit_code(err->code)));
    json_object_set_new(e, "http_status", err->http_status ? json_integer(err->http_status) : json_null());
    json_object_set_new(e, "provider", json_text(err->provider[0] ? err->provider : d->provider));
    json_object_set_new(e, "provider_type", json_text(err->provider_type));
    json_object_set_new(e, "provider_code", json_text(err->provider_code));
    json_object_set_new(e, "provider_param", json_text(err->provider_param));
    json_object_set_new(e, "request_id", json_text(err->request_id));
    json_object_set_new(e, "retry_after", err->retry_after >= 0 ? json_real(err->retry_after) : json_null());
    json_object_set_new(e, "attempts", err->attempts ? json_integer(err->attempts) : json_null());
    json_object_set_new(e, "key_source", keyed ? json_string(llmc_key_source_name(d->source)) : json_null());
    json_object_set_new(e, "key_source_name", keyed ? json_text(d->source_name) : json_null());
    json_object_set_new(e, "key_fingerprint", json_text(d->fingerprint));
    json_object_set_new(e, "detail", json_text(d->detail));
    json_object_set_new(e, "fix", json_text(info ? d->fix : ""));
    json_object_set_new(e, "shadowed", json_text(d->shadowed));
    json_t *sugg = json_array();
    for (const char *p = d->suggestions; *p;) {
        size_t n = strcspn(p, ",");
        char one[256];
        snprintf(one, sizeof one, "%.*s", (int)n, p);
        json_array_append_new(sugg, json_text(one));
        p += n;
        while (*p == ',' || *p == ' ')
            p++;
    }
    json_object_set_new(e, "suggestions", json_array_size(sugg) ? sugg : json_null());
    if (!json_array_size(sugg))
        json_decref(sugg);
    json_t *root = json_pack("{s:o}", "error", e);
    char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
    if (text)
        printf("%s\n", text);
    free(text);
    json_decref(root);
}

typedef struct stream_view {
    bool show_text; /* false with --json and --schema: only the final response is printed */
    bool show_thinking;
    bool thought;       /* some thinking was shown: end its line before the answer */
    bool ended_newline; /* whether the last text written ended a line */
    bool any_text;
    cli_style st; /* looked up once: not an isatty() per event */
    /* the outcome, from the multi handle's done callback */
    bool done;
    llmc_code rc;
    llmc_response *resp;
    llmc_error *err;
} stream_view;

static int on_event(void *userdata, const llmc_event *ev)
{
    stream_view *v = userdata;
    const cli_style st = v->st;
    switch (ev->type) {
    case LLMC_EVENT_TEXT:
        if (v->thought) {
            fputc('\n', stderr);
            v->thought = false;
        }
        if (v->show_text && ev->text_len) {
            /* buffered: cli_send flushes once per network read, not once per piece */
            fwrite(ev->text, 1, ev->text_len, stdout);
            v->ended_newline = ev->text[ev->text_len - 1] == '\n';
            v->any_text = true;
        }
        break;
    case LLMC_EVENT_THINKING:
        if (v->show_thinking && ev->text_len) {
            fprintf(stderr, "%s", st.dim);
            fwrite(ev->text, 1, ev->text_len, stderr);
            fprintf(stderr, "%s", st.reset);
            v->thought = true;
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

static void on_stream_done(void *userdata, llmc_transfer *t, llmc_code code, llmc_response *resp, const llmc_error *err)
{
    (void)t;
    stream_view *v = userdata;
    v->done = true;
    v->rc = code;
    v->resp = resp;
    /* a failure replaces what llmc_multi_add left (a repaired key's warning stays only where the
     * key is the cause, as the library words it) */
    if (v->err && err && code != LLMC_OK)
        *v->err = *err;
}

llmc_code cli_send(llmc_client *client, const llmc_request *req, const cli_options *o, llmc_response **out,
                   llmc_error *err)
{
    if (!o->stream)
        return llmc_messages_create(client, req, out, err);
    /* One stream on a multi handle of its own, driven here: every perform hands over what one
     * read from the network brought, and stdout is flushed once after it. A terminal still sees
     * each piece as it arrives; a pipe gets one write per read instead of one per event. */
    stream_view view = {.show_text = !o->json && !o->schema,
                        .show_thinking = o->show_thinking,
                        .ended_newline = true,
                        .st = cli_style_for(stderr),
                        .rc = LLMC_E_NOMEM,
                        .err = err};
    *out = NULL;
    llmc_multi *m = llmc_multi_new(client);
    if (!m)
        return cli_nomem(err);
    llmc_code rc = llmc_multi_add(m, req, on_event, on_stream_done, &view, NULL, err);
    if (rc == LLMC_OK) {
        int running = 1;
        while (!view.done && rc == LLMC_OK) {
            rc = llmc_multi_perform(m, &running);
            fflush(stdout);
            if (!view.done && rc == LLMC_OK)
                rc = llmc_multi_wait(m, -1);
        }
        if (rc == LLMC_OK || view.done) {
            rc = view.rc;
            *out = view.resp;
        } else {
            cli_code(err, rc);
        }
    }
    llmc_multi_free(m);
    /* end the streamed text's line, so the prompt (or an error) starts on a fresh one */
    if (view.any_text && !view.ended_newline)
        fputc('\n', stdout);
    if (view.thought)
        fputc('\n', stderr);
    fflush(stdout);
    return rc;
}

/* A finished reply's thinking, on stderr (dimmed on a terminal): what --show-thinking shows when
 * the reply did not stream. */
static void print_thinking(const llmc_response *resp)
{
    cli_style st = cli_style_for(stderr);
    for (size_t i = 0; i < llmc_response_block_count(resp); i++) {
        llmc_block_type t = llmc_response_block_type(resp, i);
        if (t == LLMC_BLOCK_THINKING && *llmc_response_block_text(resp, i))
            fprintf(stderr, "%s%s%s\n", st.dim, llmc_response_block_text(resp, i), st.reset);
        else if (t == LLMC_BLOCK_REDACTED_THINKING)
            fprintf(stderr, "%s[redacted thinking]%s\n", st.dim, st.reset);
    }
}

int cli_print_reply(const llmc_response *resp, const cli_options *o)
{
    if (o->show_thinking && !o->stream && !o->json)
        print_thinking(resp);
    if (o->json) {
        cli_print_json_response(resp);
    } else if (o->schema) {
        const char *json;
        llmc_error err;
        llmc_error_clear(&err);
        if (llmc_response_json(resp, &json, &err) != LLMC_OK) {
            /* nothing is lost: the text as it came, and why it is not the JSON asked for */
            fputs(llmc_response_text(resp), stdout);
            fputc('\n', stdout);
            cli_report_error(NULL, &err);
            return EXIT_PROTOCOL;
        }
        printf("%s\n", json);
    } else if (!o->stream) {
        const char *text = llmc_response_text(resp);
        fputs(text, stdout);
        if (!*text || text[strlen(text) - 1] != '\n')
            fputc('\n', stdout);
    }
    return EXIT_OK;
}
