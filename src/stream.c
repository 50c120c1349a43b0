/* SPDX-License-Identifier: MIT */
/*
 * stream.c — streams on the transfer engine: a transfer whose 2xx body is fed to the stream
 * decoder as it arrives, delivered either to a callback (push: llmc_messages_stream, and every
 * streamed request of an llmc_multi) or to a queue read by llmc_stream_next (pull, no threads).
 * A stream is retried and recovered like any call until its answer starts; then never again.
 * Decoding is in stream_decode.c and the dialects' stream_*.c.
 */
#include "stream_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Pull mode holds one read's worth of events: 8 KiB reads keep that small. */
#define LLMC_STREAM_PULL_READ 8192L

/* A queued event, kept small since one read queues dozens: a plain piece of text (the common
 * case) is its type, block and text; any other event is copied whole into the arena (`full`).
 * Strings live in the arena, by offset, until handed out. */
typedef struct qevent {
    llmc_event_type type;
    size_t index;
    size_t text, text_len;
    size_t full; /* offset of a qfull in the arena, or NO_FULL */
} qevent;

typedef struct qfull {
    llmc_event ev;
    size_t tool_id, tool_name, stop_raw;
} qfull;

#define NO_FULL ((size_t)-1)

struct llmc_stream {
    llmc_client *client;
    llmc_engine *eng;
    llmc_call call;
    bool call_live;
    llmc_xfer *x;
    llmc_sdec dec;
    bool started;    /* the provider answered 2xx with an event stream */
    bool not_stream; /* … or 2xx with JSON: it ignored "stream": true */
    bool xfer_done;  /* the transfer is over (the decoder has heard how) */
    llmc_code start_rc;
    /* push mode: events go straight to the caller */
    llmc_event_fn user_fn;
    void *user_data;
    /* told once the stream is over, started or not (llmc_multi) */
    void (*on_end)(void *ud, llmc_stream *s);
    void *end_ud;
    /* pull mode: a queue of events and the terminal one */
    qevent *q;
    size_t q_head, q_len, q_cap;
    llmc_buf arena;
    llmc_event terminal;
    bool terminal_ready, ended;
    bool paused; /* the transfer waits for the queue to be read (pull mode) */
    llmc_event cur;
};

static size_t arena_put(llmc_stream *s, const char *str, size_t n, bool *oom)
{
    size_t off = s->arena.len;
    if (llmc_buf_append(&s->arena, str, n) < 0 || llmc_buf_append(&s->arena, "", 1) < 0)
        *oom = true;
    return off;
}

static llmc_code stream_emit(void *userdata, const llmc_event *ev)
{
    llmc_stream *s = userdata;
    if (s->user_fn)
        return s->user_fn(s->user_data, ev) ? LLMC_E_ABORTED : LLMC_OK;
    if (ev->type == LLMC_EVENT_DONE || ev->type == LLMC_EVENT_ERROR) {
        /* Its pointers stay valid as long as the stream: the failure and the final response. */
        s->terminal = *ev;
        s->terminal_ready = true;
        return LLMC_OK;
    }
    if (s->q_head + s->q_len == s->q_cap) {
        size_t cap = s->q_cap ? s->q_cap * 2 : 64;
        qevent *grown = realloc(s->q, cap * sizeof *grown);
        if (!grown)
            return LLMC_E_NOMEM;
        s->q = grown;
        s->q_cap = cap;
    }
    bool oom = false;
    qevent *q = &s->q[s->q_head + s->q_len];
    static const llmc_usage no_usage;
    bool plain = !ev->tool_id[0] && !ev->tool_name[0] && !ev->stop_reason_raw[0] &&
                 ev->stop_reason == LLMC_STOP_UNKNOWN && !ev->error &&
                 memcmp(&ev->usage, &no_usage, sizeof no_usage) == 0;
    q->type = ev->type;
    q->index = ev->index;
    q->text_len = ev->text_len;
    q->full = NO_FULL;
    if (!plain) {
        qfull f = {.ev = *ev};
        q->full = arena_put(s, (const char *)&f, sizeof f, &oom);
        f.tool_id = arena_put(s, ev->tool_id, strlen(ev->tool_id), &oom);
        f.tool_name = arena_put(s, ev->tool_name, strlen(ev->tool_name), &oom);
        f.stop_raw = arena_put(s, ev->stop_reason_raw, strlen(ev->stop_reason_raw), &oom);
        if (!oom)
            memcpy(s->arena.data + q->full, &f, sizeof f);
    }
    q->text = arena_put(s, ev->text, ev->text_len, &oom);
    if (oom)
        return LLMC_E_NOMEM;
    s->q_len++;
    return LLMC_OK;
}

/* ---- the transfer's side ---- */

static bool on_stream_start(void *owner, llmc_xfer *x)
{
    llmc_stream *s = owner;
    /* A 2xx JSON body means the server ignored "stream": true (or is not what it seems). */
    if (strncasecmp(x->resp.content_type, "application/json", 16) == 0) {
        s->not_stream = true;
        return false;
    }
    s->started = true;
    s->dec.http_status = (int)x->resp.status;
    llmc_strlcpy(s->dec.request_id, x->resp.request_id, sizeof s->dec.request_id);
    llmc_logf(&s->client->log, LLMC_LOG_INFO, "HTTP %ld from %s: streaming (request id %s)", x->resp.status,
              s->call.endpoint->name, x->resp.request_id[0] ? x->resp.request_id : "none");
    return true;
}

static size_t on_stream_data(void *owner, llmc_xfer *x, char *data, size_t n)
{
    llmc_stream *s = owner;
    if (s->dec.state != LLMC_SDEC_RUNNING)
        return 0; /* the stream is over for us: stop reading */
    /* Pull mode: while decoded events wait to be read, leave the bytes with curl (and the rest in
     * the socket), so a stream holds one read's worth of events however slowly it is read. */
    if (!s->user_fn && s->q_len > 0) {
        s->paused = true;
        return CURL_WRITEFUNC_PAUSE;
    }
    /* a server may echo the key anywhere in a stream: scrub it before the decoder reads a byte
     * (curl is done with these bytes once this returns; a paused piece was returned above) */
    llmc_sdec_feed(&s->dec, data, llmc_call_scrub_bytes(&s->call, data, n), NULL);
    if (s->dec.state == LLMC_SDEC_FAILED)
        return 0;
    if (!s->user_fn && s->q_len > 0 && !s->paused && s->dec.state == LLMC_SDEC_RUNNING) {
        /* Stop reading now rather than refuse the next piece: curl then holds no copy of it. */
        s->paused = true;
        curl_easy_pause(x->easy, CURLPAUSE_RECV);
    }
    return n;
}

static void on_done(void *owner, llmc_xfer *x, llmc_code rc)
{
    llmc_stream *s = owner;
    s->xfer_done = true;
    if (s->started) {
        if (rc == LLMC_OK)
            llmc_sdec_close(&s->dec, NULL);
        else
            llmc_sdec_fail(&s->dec, &x->err);
        /* the stream's answer carried the rate limits */
        if (s->dec.final)
            s->dec.final->rate_limits = x->resp.rate;
        if (s->dec.failure)
            s->dec.failure->rate_limits = x->resp.rate;
    } else if (rc == LLMC_OK && s->not_stream) {
        /* why it never started is kept in the transfer's own error (it lives as long as s) */
        llmc_error *e = &x->err;
        llmc_error_clear(e);
        s->start_rc = llmc_error_set(e, LLMC_E_PROTOCOL, "%s answered HTTP %ld with %s instead of an event stream",
                                     s->call.endpoint->name, x->resp.status, x->resp.content_type);
        e->http_status = (int)x->resp.status;
        llmc_strlcpy(e->provider, s->call.endpoint->name, sizeof e->provider);
        llmc_strlcpy(e->request_id, x->resp.request_id, sizeof e->request_id);
        e->attempts = x->attempts;
        e->rate_limits = x->resp.rate;
    } else {
        s->start_rc = rc == LLMC_OK ? LLMC_E_PROTOCOL : rc;
    }
    if (s->on_end)
        s->on_end(s->end_ud, s);
}

static const llmc_xfer_ops stream_ops = {on_stream_start, on_stream_data, on_done};

void llmc_stream_free(llmc_stream *s)
{
    if (!s)
        return;
    llmc_xfer_free(s->x);
    if (s->call_live)
        llmc_call_finish(&s->call, NULL);
    llmc_sdec_free(&s->dec);
    free(s->q);
    llmc_buf_free(&s->arena);
    free(s);
}

llmc_code llmc_stream_begin(llmc_client *c, llmc_engine *eng, const llmc_request *req, llmc_event_fn fn, void *userdata,
                            llmc_stream **out, llmc_error *err)
{
    *out = NULL;
    llmc_stream *s = calloc(1, sizeof *s);
    if (!s)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    s->client = c;
    s->eng = eng;
    s->user_fn = fn;
    s->user_data = userdata;
    llmc_code rc = llmc_call_prepare(c, req, true, &s->call, err);
    s->call_live = true;
    if (rc != LLMC_OK) {
        llmc_stream_free(s);
        return rc;
    }
    llmc_sdec_init(&s->dec, s->call.endpoint->info.dialect, stream_emit, s);
    llmc_strlcpy(s->dec.provider, s->call.endpoint->name, sizeof s->dec.provider);
    s->x = llmc_xfer_new(eng, &s->call, "POST", s->call.body, strlen(s->call.body), &stream_ops, s);
    if (!s->x) {
        llmc_stream_free(s);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    if (!fn)
        s->x->recv_buffer = LLMC_STREAM_PULL_READ;
    if (s->call.opts.whole_ms > 0)
        s->x->deadline = llmc_engine_now(eng) + (double)s->call.opts.whole_ms / 1000.0;
    llmc_xfer_add(s->x);
    *out = s;
    return LLMC_OK;
}

void llmc_stream_on_end(llmc_stream *s, void (*fn)(void *ud, llmc_stream *s), void *ud)
{
    s->on_end = fn;
    s->end_ud = ud;
}

llmc_xfer *llmc_stream_xfer(llmc_stream *s)
{
    return s->x;
}

bool llmc_stream_over(const llmc_stream *s)
{
    return s->xfer_done;
}

llmc_code llmc_stream_outcome(llmc_stream *s, llmc_response **final_out, llmc_error *err)
{
    if (final_out)
        *final_out = NULL;
    if (!s->started) {
        if (err)
            *err = s->x->err; /* why it never started */
        return s->start_rc;
    }
    llmc_code rc = llmc_sdec_result(&s->dec, err);
    if (rc == LLMC_OK && final_out)
        *final_out = llmc_sdec_take_response(&s->dec);
    return rc;
}

/* Run the client's engine until the stream has started (2xx), or failed before that. */
static llmc_code wait_started(llmc_stream *s, llmc_error *err)
{
    while (!s->started && !s->xfer_done) {
        llmc_code rc = llmc_engine_step(s->eng);
        if (rc == LLMC_OK && !s->started && !s->xfer_done)
            rc = llmc_engine_wait(s->eng, -1);
        if (rc != LLMC_OK)
            return llmc_error_set(err, rc,
                                  rc == LLMC_E_INVALID_ARG ? "a callback called back into the client that "
                                                             "was running it"
                                                           : "the transfer engine failed");
    }
    if (!s->started)
        return llmc_stream_outcome(s, NULL, err);
    return LLMC_OK;
}

static llmc_code stream_start(llmc_client *c, const llmc_request *req, llmc_event_fn fn, void *userdata,
                              llmc_stream **out, llmc_error *err)
{
    llmc_stream *s = NULL;
    llmc_code rc = llmc_stream_begin(c, c->engine, req, fn, userdata, &s, err);
    if (rc != LLMC_OK)
        return rc;
    if ((rc = wait_started(s, err)) != LLMC_OK) {
        llmc_stream_free(s);
        return rc;
    }
    if (err)
        err->attempts = s->x->attempts;
    *out = s;
    return LLMC_OK;
}

llmc_code llmc_stream_open(llmc_client *client, const llmc_request *req, llmc_stream **out, llmc_error *err)
{
    llmc_error_clear(err);
    if (out)
        *out = NULL;
    if (!client || !req || !out)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "client, request and out must not be NULL");
    llmc_code rc = stream_start(client, req, NULL, NULL, out, err);
    if (rc == LLMC_OK && err && err->diagnosis.severity != LLMC_SEVERITY_WARNING)
        llmc_error_clear(err);
    return rc;
}

size_t llmc_stream_queued(const llmc_stream *s)
{
    return s ? s->q_len : 0;
}

llmc_code llmc_stream_next(llmc_stream *s, const llmc_event **event, llmc_error *err)
{
    llmc_error_clear(err);
    if (event)
        *event = NULL;
    if (!s || !event)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "stream and event must not be NULL");
    if (s->ended)
        return llmc_sdec_result(&s->dec, err);
    if (s->q_len == 0) {
        /* Everything handed out before is now stale: reuse the memory. */
        s->q_head = 0;
        llmc_buf_reset(&s->arena);
        if (s->paused) {
            s->paused = false;
            llmc_xfer_unpause(s->x); /* hands the held bytes to on_stream_data at once */
        }
        while (s->q_len == 0 && !s->terminal_ready && !s->xfer_done) {
            llmc_code rc = llmc_engine_step(s->eng);
            if (rc == LLMC_OK && s->q_len == 0 && !s->terminal_ready && !s->xfer_done)
                rc = llmc_engine_wait(s->eng, 1000);
            if (rc != LLMC_OK) {
                llmc_error e;
                llmc_error_clear(&e);
                llmc_error_set(&e, rc,
                               rc == LLMC_E_INVALID_ARG ? "a callback called back into the client that was "
                                                          "running it"
                                                        : "the transfer engine failed");
                llmc_sdec_fail(&s->dec, &e);
                break;
            }
        }
    }
    if (s->q_len) {
        qevent *q = &s->q[s->q_head++];
        s->q_len--;
        if (q->full == NO_FULL) {
            memset(&s->cur, 0, sizeof s->cur);
            s->cur.type = q->type;
            s->cur.index = q->index;
            s->cur.tool_id = s->cur.tool_name = s->cur.stop_reason_raw = "";
        } else {
            qfull f;
            memcpy(&f, s->arena.data + q->full, sizeof f);
            s->cur = f.ev;
            s->cur.tool_id = s->arena.data + f.tool_id;
            s->cur.tool_name = s->arena.data + f.tool_name;
            s->cur.stop_reason_raw = s->arena.data + f.stop_raw;
        }
        s->cur.text = s->arena.data + q->text;
        s->cur.text_len = q->text_len;
        *event = &s->cur;
        return LLMC_OK;
    }
    /* the terminal event: the decoder always produces one once the transfer has ended */
    s->ended = true;
    s->cur = s->terminal;
    *event = &s->cur;
    return llmc_sdec_result(&s->dec, err);
}

const llmc_response *llmc_stream_response(const llmc_stream *s)
{
    return s && s->ended ? s->dec.final : NULL;
}

llmc_code llmc_messages_stream(llmc_client *client, const llmc_request *req, llmc_event_fn fn, void *userdata,
                               llmc_response **final_out, llmc_error *err)
{
    llmc_error_clear(err);
    if (final_out)
        *final_out = NULL;
    if (!client || !req || !fn)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "client, request and callback must not be NULL");
    llmc_stream *s = NULL;
    llmc_code rc = stream_start(client, req, fn, userdata, &s, err);
    if (rc != LLMC_OK)
        return rc; /* the stream never started: the callback was not called */
    if ((rc = llmc_engine_run_until(s->eng, &s->xfer_done)) != LLMC_OK) {
        llmc_error e;
        llmc_error_clear(&e);
        llmc_error_set(&e, rc, "the transfer engine failed");
        llmc_sdec_fail(&s->dec, &e);
    }
    if (!s->xfer_done && s->dec.state == LLMC_SDEC_RUNNING) {
        llmc_error e;
        llmc_error_clear(&e);
        llmc_error_set(&e, LLMC_E_PROTOCOL, "the stream ended without its transfer finishing");
        llmc_sdec_fail(&s->dec, &e);
    }
    rc = llmc_stream_outcome(s, final_out, err);
    if (rc == LLMC_OK && err && err->diagnosis.severity != LLMC_SEVERITY_WARNING)
        llmc_error_clear(err);
    llmc_stream_free(s);
    return rc;
}
