/* SPDX-License-Identifier: MIT */
/* The lazy SSE producer behind every streamed reply (see stream.h). It renders one frame at a
 * time into a buffer; without pacing it packs as many frames as fit into each write, with
 * pacing it sleeps before each frame and sends it alone so the client sees the rhythm. */
#define _POSIX_C_SOURCE 200809L
#include "stream.h"
#include "emulator.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct frame_list {
    char **items;
    size_t n, cap;
} frame_list;

struct emu_stream {
    frame_list prefix, suffix, pieces;
    char *pre, *post;
    int cycle;
    size_t n_deltas;
    int n_deltas_set;
    long delay_ms, cut_after, error_after;
    char *error_frame;
    /* cursor */
    size_t frame; /* index of the next frame to render */
    char *cur;
    size_t cur_len, cur_pos;
    int state; /* 0 running, 1 cut pending, 2 done */
};

static void list_add(frame_list *l, char *item)
{
    if (!item)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **grown = realloc(l->items, cap * sizeof *grown);
        if (!grown) {
            free(item);
            return;
        }
        l->items = grown;
        l->cap = cap;
    }
    l->items[l->n++] = item;
}

static void list_free(frame_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
}

emu_stream *stream_new(void)
{
    emu_stream *s = calloc(1, sizeof *s);
    if (s) {
        s->cut_after = -1;
        s->error_after = -1;
    }
    return s;
}

void stream_add_prefix(emu_stream *s, char *frame)
{
    list_add(&s->prefix, frame);
}
void stream_add_suffix(emu_stream *s, char *frame)
{
    list_add(&s->suffix, frame);
}

void stream_set_deltas(emu_stream *s, const char *pre, const char *post, int cycle)
{
    free(s->pre);
    free(s->post);
    s->pre = strdup(pre);
    s->post = strdup(post);
    s->cycle = cycle;
}

/* JSON string contents without the quotes, so a piece drops into a template's string. */
static char *escape(const char *raw)
{
    json_t *str = json_string(raw);
    char *quoted = str ? json_dumps(str, JSON_ENCODE_ANY) : NULL;
    json_decref(str);
    if (!quoted)
        return NULL;
    size_t n = strlen(quoted);
    memmove(quoted, quoted + 1, n - 2);
    quoted[n - 2] = '\0';
    return quoted;
}

void stream_add_piece(emu_stream *s, const char *raw_text)
{
    list_add(&s->pieces, escape(raw_text));
}
size_t stream_piece_count(const emu_stream *s)
{
    return s->pieces.n;
}

void stream_set_count(emu_stream *s, size_t n_deltas)
{
    if (!s->cycle && n_deltas > s->pieces.n)
        n_deltas = s->pieces.n;
    s->n_deltas = n_deltas;
    s->n_deltas_set = 1;
}

void stream_set_pacing(emu_stream *s, long delay_ms)
{
    s->delay_ms = delay_ms;
}
void stream_set_cut(emu_stream *s, long after_events)
{
    s->cut_after = after_events;
}

void stream_set_error(emu_stream *s, long after_events, char *error_frame)
{
    free(s->error_frame);
    s->error_after = after_events;
    s->error_frame = error_frame;
}

void stream_free(emu_stream *s)
{
    if (!s)
        return;
    list_free(&s->prefix);
    list_free(&s->suffix);
    list_free(&s->pieces);
    free(s->pre);
    free(s->post);
    free(s->error_frame);
    free(s->cur);
    free(s);
}

void stream_release(void *cls)
{
    stream_free(cls);
}

char *stream_frame(const char *event, const char *json_text)
{
    size_t n = strlen(json_text) + (event ? strlen(event) : 0) + 32;
    char *f = malloc(n);
    if (!f)
        return NULL;
    if (event)
        snprintf(f, n, "event: %s\ndata: %s\n\n", event, json_text);
    else
        snprintf(f, n, "data: %s\n\n", json_text);
    return f;
}

static size_t total_frames(const emu_stream *s)
{
    size_t deltas = s->n_deltas_set ? s->n_deltas : s->pieces.n;
    return s->prefix.n + deltas + s->suffix.n;
}

/* Render frame i into s->cur; 0 when there is no such frame. */
static int render(emu_stream *s, size_t i)
{
    free(s->cur);
    s->cur = NULL;
    s->cur_len = s->cur_pos = 0;
    size_t deltas = s->n_deltas_set ? s->n_deltas : s->pieces.n;
    const char *fixed = NULL;
    if (i < s->prefix.n) {
        fixed = s->prefix.items[i];
    } else if (i < s->prefix.n + deltas) {
        size_t k = i - s->prefix.n;
        size_t np = s->pieces.n ? s->pieces.n : 1;
        const char *piece = s->pieces.n ? s->pieces.items[k % np] : "";
        /* A repetition's first piece has no leading space of its own: add one. */
        const char *join = (k >= np && k % np == 0) ? " " : "";
        size_t n = strlen(s->pre) + strlen(join) + strlen(piece) + strlen(s->post) + 1;
        s->cur = malloc(n);
        if (!s->cur)
            return 0;
        snprintf(s->cur, n, "%s%s%s%s", s->pre, join, piece, s->post);
    } else if (i < total_frames(s)) {
        fixed = s->suffix.items[i - s->prefix.n - deltas];
    } else {
        return 0;
    }
    if (fixed)
        s->cur = strdup(fixed);
    if (!s->cur)
        return 0;
    s->cur_len = strlen(s->cur);
    return 1;
}

ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    emu_stream *s = cls;
    (void)pos;
    size_t out = 0;
    while (out < max) {
        if (s->cur && s->cur_pos < s->cur_len) {
            size_t n = s->cur_len - s->cur_pos;
            if (n > max - out)
                n = max - out;
            memcpy(buf + out, s->cur + s->cur_pos, n);
            s->cur_pos += n;
            out += n;
            continue;
        }
        if (out > 0 && s->delay_ms > 0)
            break; /* paced: one frame per write */
        if (s->state == 1)
            return out ? (ssize_t)out : MHD_CONTENT_READER_END_WITH_ERROR;
        if (s->state == 2)
            return out ? (ssize_t)out : MHD_CONTENT_READER_END_OF_STREAM;
        size_t i = s->frame++;
        if (s->delay_ms > 0 && i > 0)
            emu_sleep_ms(s->delay_ms);
        if (s->error_after >= 0 && i == (size_t)s->error_after) {
            free(s->cur);
            s->cur = s->error_frame ? strdup(s->error_frame) : NULL;
            s->cur_len = s->cur ? strlen(s->cur) : 0;
            s->cur_pos = 0;
            s->state = 2;
            continue;
        }
        int have = render(s, i);
        if (s->cut_after >= 0 && i == (size_t)s->cut_after) {
            /* Half an event, then the connection drops: the client must not see a whole frame. */
            s->cur_len = have ? s->cur_len / 2 : 0;
            s->state = 1;
            continue;
        }
        if (!have)
            s->state = s->cut_after >= 0 ? 1 : 2;
    }
    return (ssize_t)out;
}

static char *dump(json_t *value)
{
    char *text = json_dumps(value, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(value);
    return text;
}

void stream_prefix_json(emu_stream *s, const char *event, json_t *value)
{
    char *text = dump(value);
    if (text)
        stream_add_prefix(s, stream_frame(event, text));
    free(text);
}

void stream_suffix_json(emu_stream *s, const char *event, json_t *value)
{
    char *text = dump(value);
    if (text)
        stream_add_suffix(s, stream_frame(event, text));
    free(text);
}

void stream_set_delta_json(emu_stream *s, const char *event, json_t *chunk, int cycle)
{
    char *text = dump(chunk);
    char *frame = text ? stream_frame(event, text) : NULL;
    char *mark = frame ? strstr(frame, STREAM_PIECE_MARKER) : NULL;
    if (mark) {
        *mark = '\0';
        stream_set_deltas(s, frame, mark + strlen(STREAM_PIECE_MARKER), cycle);
    }
    free(frame);
    free(text);
}

void stream_add_words(emu_stream *s, const char *text)
{
    size_t i = 0, n = strlen(text);
    while (i < n) {
        size_t start = i;
        while (i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
            i++;
        while (i < n && !(text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
            i++;
        char *piece = strndup(text + start, i - start);
        if (piece)
            stream_add_piece(s, piece);
        free(piece);
    }
}

size_t stream_apply_request(emu_stream *s, const emu_request *rq, int text_deltas)
{
    const char *events = req_header(rq, "x-emulator-stream-events");
    const char *delay = req_header(rq, "x-emulator-stream-delay-ms");
    if (events && text_deltas) {
        long n = strtol(events, NULL, 10);
        if (n >= 0)
            stream_set_count(s, (size_t)n);
    }
    if (delay)
        stream_set_pacing(s, strtol(delay, NULL, 10));
    if (rq->fault && rq->fault->stream_cut_after >= 0)
        stream_set_cut(s, rq->fault->stream_cut_after);
    return s->n_deltas_set ? s->n_deltas : s->pieces.n;
}
