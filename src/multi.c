/* SPDX-License-Identifier: MIT */
/*
 * multi.c — llmc_multi: many calls at once on the caller's thread, for servers and tools that
 * own their event loop. It is an engine of its own (the one every blocking call runs on) with
 * the caller's limits: each added request becomes a transfer (plain) or a stream (with an event
 * callback), retried and recovered as llmc_messages_create would, and ends in one done callback
 * with the same llmc_response / llmc_error. It is driven either by perform + wait, or by the
 * application's loop through libcurl's socket and timer callbacks.
 */
#include "engine_internal.h"
#include "stream_internal.h"

#include <stdlib.h>
#include <string.h>

struct llmc_transfer {
    llmc_multi *m;
    llmc_call call; /* plain requests */
    bool call_live;
    llmc_xfer *x;   /* plain requests */
    llmc_stream *s; /* streamed requests */
    bool keep_raw;
    bool silent;   /* removed: no callback any more */
    bool finished; /* its done callback has run (or it was removed) */
    llmc_event_fn on_event;
    llmc_done_fn on_done;
    void *userdata;
    llmc_transfer *prev, *next;
};

struct llmc_multi {
    llmc_client *client;
    llmc_engine *eng;
    llmc_transfer *head; /* every transfer not yet freed */
    llmc_socket_fn socket_fn;
    void *socket_ud;
    llmc_timer_fn timer_fn;
    void *timer_ud;
    long timer_ms; /* the last timeout told to timer_fn (-2: none yet) */
    bool in_callback;
};

static void link_transfer(llmc_multi *m, llmc_transfer *t)
{
    t->m = m;
    t->next = m->head;
    if (m->head)
        m->head->prev = t;
    m->head = t;
}

static void free_transfer(llmc_transfer *t)
{
    llmc_multi *m = t->m;
    if (t->prev)
        t->prev->next = t->next;
    else if (m->head == t)
        m->head = t->next;
    if (t->next)
        t->next->prev = t->prev;
    llmc_xfer_free(t->x);
    llmc_stream_free(t->s);
    if (t->call_live)
        llmc_call_finish(&t->call, NULL);
    free(t);
}

/* Transfers end inside the engine's step; they are freed after it returns, when no loop of the
 * engine holds them any more. */
static void sweep(llmc_multi *m)
{
    for (llmc_transfer *t = m->head, *next; t; t = next) {
        next = t->next;
        if (t->finished)
            free_transfer(t);
    }
}

static void finish(llmc_transfer *t, llmc_code rc, llmc_response *resp, const llmc_error *err)
{
    t->finished = true;
    if (t->silent || !t->on_done) {
        llmc_response_free(resp);
        return;
    }
    t->m->in_callback = true;
    t->on_done(t->userdata, t, rc, resp, err);
    t->m->in_callback = false;
}

/* ---- plain requests ---- */

static void plain_done(void *owner, llmc_xfer *x, llmc_code rc)
{
    llmc_transfer *t = owner;
    llmc_response *resp = NULL;
    llmc_error err = x->err;
    if (rc == LLMC_OK) {
        llmc_error_clear(&err);
        rc = llmc_call_reply(&t->call, &x->resp, t->keep_raw, &resp, &err);
    }
    llmc_scrub_error(&err, &t->call.cred);
    finish(t, rc, resp, &err);
}

static const llmc_xfer_ops plain_ops = {NULL, NULL, plain_done};

/* ---- streamed requests ---- */

static int stream_event(void *userdata, const llmc_event *ev)
{
    llmc_transfer *t = userdata;
    if (t->silent)
        return 0;
    t->m->in_callback = true;
    int r = t->on_event(t->userdata, ev);
    t->m->in_callback = false;
    return r;
}

static void stream_end(void *ud, llmc_stream *s)
{
    llmc_transfer *t = ud;
    llmc_response *resp = NULL;
    llmc_error err;
    llmc_error_clear(&err);
    llmc_code rc = llmc_stream_outcome(s, &resp, &err);
    finish(t, rc, resp, &err);
}

/* ---- the handle ---- */

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    (void)easy;
    (void)socketp;
    llmc_multi *m = userp;
    int w = what == CURL_POLL_IN      ? LLMC_POLL_IN
            : what == CURL_POLL_OUT   ? LLMC_POLL_OUT
            : what == CURL_POLL_INOUT ? LLMC_POLL_IN | LLMC_POLL_OUT
                                      : LLMC_POLL_REMOVE;
    if (m->socket_fn)
        m->socket_fn(m->socket_ud, (int)fd, w);
    return 0;
}

static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
    (void)multi;
    (void)timeout_ms;
    (void)userp;
    /* curl's own timer is folded into llmc_engine_timeout_ms, which tell_timer reports */
    return 0;
}

/* Tell the application's loop when to call llmc_multi_socket_action(LLMC_SOCKET_TIMEOUT). */
static void tell_timer(llmc_multi *m)
{
    if (!m->timer_fn)
        return;
    long ms = llmc_engine_live(m->eng) > 0 ? llmc_engine_timeout_ms(m->eng) : -1;
    if (llmc_engine_live(m->eng) > 0 && ms < 0)
        ms = 1000;
    if (ms == m->timer_ms && ms != 0)
        return;
    m->timer_ms = ms;
    m->timer_fn(m->timer_ud, ms);
}

llmc_multi *llmc_multi_new(llmc_client *client)
{
    if (!client)
        return NULL;
    llmc_multi *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->client = client;
    m->timer_ms = -2;
    if (!(m->eng = llmc_engine_new(&client->log))) {
        free(m);
        return NULL;
    }
    return m;
}

void llmc_multi_free(llmc_multi *m)
{
    if (!m)
        return;
    while (m->head) {
        m->head->silent = true;
        free_transfer(m->head);
    }
    llmc_engine_free(m->eng);
    free(m);
}

llmc_code llmc_multi_set_limits(llmc_multi *m, int max_in_flight, double rpm, double tpm, llmc_error *err)
{
    llmc_error_clear(err);
    if (!m || max_in_flight < 0 || !(rpm >= 0) || !(tpm >= 0) || rpm > 1e12 || tpm > 1e15)
        return llmc_error_set(err, LLMC_E_INVALID_ARG,
                              "limits are a number of transfers (0: no limit) and rates per minute (0: none)");
    llmc_engine_set_limits(m->eng, (size_t)max_in_flight, rpm, tpm);
    return LLMC_OK;
}

void llmc_multi_set_socket_fn(llmc_multi *m, llmc_socket_fn fn, void *userdata)
{
    if (!m)
        return;
    m->socket_fn = fn;
    m->socket_ud = userdata;
    CURLM *cm = llmc_engine_multi(m->eng);
    curl_multi_setopt(cm, CURLMOPT_SOCKETFUNCTION, fn ? on_socket : NULL);
    curl_multi_setopt(cm, CURLMOPT_SOCKETDATA, fn ? (void *)m : NULL);
    curl_multi_setopt(cm, CURLMOPT_TIMERFUNCTION, fn ? on_curl_timer : NULL);
}

void llmc_multi_set_timer_fn(llmc_multi *m, llmc_timer_fn fn, void *userdata)
{
    if (!m)
        return;
    m->timer_fn = fn;
    m->timer_ud = userdata;
    m->timer_ms = -2;
}

/* What a tokens-per-minute limit charges a request before its usage is known. */
static double estimate_tokens(const llmc_request *req, size_t body_len)
{
    return (double)body_len / 4.0 + (double)(req->max_tokens > 0 ? req->max_tokens : 1024);
}

llmc_code llmc_multi_add(llmc_multi *m, const llmc_request *req, llmc_event_fn on_event, llmc_done_fn on_done,
                         void *userdata, llmc_transfer **out, llmc_error *err)
{
    llmc_error_clear(err);
    if (out)
        *out = NULL;
    if (!m || !req || !on_done)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "multi, request and done callback must not be NULL");
    llmc_transfer *t = calloc(1, sizeof *t);
    if (!t)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    t->on_event = on_event;
    t->on_done = on_done;
    t->userdata = userdata;
    t->keep_raw = req->keep_raw;
    link_transfer(m, t);
    llmc_code rc;
    if (on_event) {
        rc = llmc_stream_begin(m->client, m->eng, req, stream_event, t, &t->s, err);
        if (rc == LLMC_OK) {
            llmc_stream_on_end(t->s, stream_end, t);
            llmc_xfer *x = llmc_stream_xfer(t->s);
            x->est_tokens = estimate_tokens(req, x->body_len);
        }
    } else {
        rc = llmc_call_prepare(m->client, req, false, &t->call, err);
        t->call_live = true;
        if (rc == LLMC_OK &&
            !(t->x = llmc_xfer_new(m->eng, &t->call, "POST", t->call.body, strlen(t->call.body), &plain_ops, t)))
            rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        if (rc == LLMC_OK) {
            t->x->est_tokens = estimate_tokens(req, t->x->body_len);
            if (t->call.opts.whole_ms > 0)
                t->x->deadline = llmc_engine_now(m->eng) + (double)t->call.opts.whole_ms / 1000.0;
            llmc_xfer_add(t->x);
        }
    }
    if (rc != LLMC_OK) {
        /* as libuv does: when adding fails, no callback ever runs for it */
        t->silent = true;
        free_transfer(t);
        return rc;
    }
    if (err && err->diagnosis.severity != LLMC_SEVERITY_WARNING)
        llmc_error_clear(err);
    if (out)
        *out = t;
    tell_timer(m);
    return LLMC_OK;
}

static llmc_xfer *transfer_xfer(llmc_transfer *t)
{
    return t->x ? t->x : t->s ? llmc_stream_xfer(t->s) : NULL;
}

void llmc_multi_cancel(llmc_multi *m, llmc_transfer *t)
{
    if (!m || !t || t->finished)
        return;
    llmc_xfer_cancel(transfer_xfer(t));
    tell_timer(m);
}

void llmc_multi_remove(llmc_multi *m, llmc_transfer *t)
{
    if (!m || !t || t->finished)
        return;
    t->silent = true;
    t->finished = true;
    if (m->in_callback) {
        /* inside the engine's step: end it there, free it after */
        llmc_xfer_cancel(transfer_xfer(t));
        return;
    }
    free_transfer(t);
}

void *llmc_transfer_userdata(const llmc_transfer *t)
{
    return t ? t->userdata : NULL;
}

size_t llmc_multi_running(const llmc_multi *m)
{
    size_t n = 0;
    for (const llmc_transfer *t = m ? m->head : NULL; t; t = t->next)
        n += !t->finished;
    return n;
}

static llmc_code after_step(llmc_multi *m, llmc_code rc, int *running)
{
    sweep(m);
    if (running)
        *running = (int)llmc_multi_running(m);
    tell_timer(m);
    return rc;
}

llmc_code llmc_multi_perform(llmc_multi *m, int *running)
{
    if (running)
        *running = 0;
    if (!m)
        return LLMC_E_INVALID_ARG;
    if (m->in_callback)
        return LLMC_E_INVALID_ARG;
    llmc_code rc = m->socket_fn ? llmc_engine_socket_step(m->eng, CURL_SOCKET_TIMEOUT, 0) : llmc_engine_step(m->eng);
    return after_step(m, rc, running);
}

llmc_code llmc_multi_wait(llmc_multi *m, int timeout_ms)
{
    if (!m || m->in_callback)
        return LLMC_E_INVALID_ARG;
    if (llmc_engine_live(m->eng) == 0)
        return LLMC_OK;
    return llmc_engine_wait(m->eng, timeout_ms);
}

long llmc_multi_timeout(llmc_multi *m)
{
    if (!m || llmc_engine_live(m->eng) == 0)
        return -1;
    return llmc_engine_timeout_ms(m->eng);
}

llmc_code llmc_multi_socket_action(llmc_multi *m, int fd, int events, int *running)
{
    if (running)
        *running = 0;
    if (!m || m->in_callback)
        return LLMC_E_INVALID_ARG;
    int ev = ((events & LLMC_POLL_IN) ? CURL_CSELECT_IN : 0) | ((events & LLMC_POLL_OUT) ? CURL_CSELECT_OUT : 0) |
             ((events & LLMC_POLL_ERR) ? CURL_CSELECT_ERR : 0);
    llmc_code rc =
        llmc_engine_socket_step(m->eng, fd == LLMC_SOCKET_TIMEOUT ? CURL_SOCKET_TIMEOUT : (curl_socket_t)fd, ev);
    if (fd != LLMC_SOCKET_TIMEOUT) {
        /* engine timers (retry waits, deadlines, cancels) also come due while sockets are busy */
        long ms = llmc_engine_timeout_ms(m->eng);
        if (ms == 0 && rc == LLMC_OK)
            rc = llmc_engine_socket_step(m->eng, CURL_SOCKET_TIMEOUT, 0);
    }
    return after_step(m, rc, running);
}
