/* SPDX-License-Identifier: MIT */
/*
 * stream.c — the streaming transport: one libcurl easy handle pumped through a multi handle, so
 * the same code serves the pull iterator (no threads) and the push callback. Decoding is in
 * stream_decode.c and the dialects' stream_*.c.
 */
#include "stream.h"
#include "transport.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* The idle limit in whole seconds (what CURLOPT_LOW_SPEED_TIME takes), at least one. */
static long idle_seconds(const llmc_transport_opts *o)
{
    long s = (o->idle_ms + 999) / 1000;
    return s > 0 ? s : 1;
}
#define LLMC_STREAM_MAX_ERROR_BODY (1024u * 1024u)
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
    llmc_call call;
    bool call_live;
    CURL *easy;
    CURLM *multi;
    bool attached;
    struct curl_slist *headers; /* holds the key: wiped when the transfer ends */
    char detail[CURL_ERROR_SIZE];
    llmc_http_response resp; /* status, headers, and the body of a refusal */
    double retry_after_ms, retry_after;
    bool headers_done, not_stream, transfer_done;
    CURLcode result;
    llmc_sdec dec;
    /* push mode: events go straight to the caller */
    llmc_event_fn user_fn;
    void *user_data;
    /* pull mode: a queue of events and the terminal one */
    qevent *q;
    size_t q_head, q_len, q_cap;
    llmc_buf arena;
    llmc_event terminal;
    bool terminal_ready, ended;
    bool paused; /* the transfer waits for the queue to be read (pull mode) */
    llmc_event cur;
};

static bool is_2xx(long status)
{
    return status >= 200 && status < 300;
}

/* The streams of one client share one libcurl multi handle. A multi handle of its own costs a
 * stream about 40 KiB (curl's socket hash alone is 911 slots) and a wakeup socket pair; shared,
 * streams also reuse each other's kept-alive connections. Sharing is safe under the streams'
 * contract: a client with live streams is used by one thread at a time. The registry itself is
 * touched only when a stream opens or is freed. */
typedef struct shared_multi {
    const llmc_client *client;
    CURLM *multi;
    size_t users;
    struct shared_multi *next;
} shared_multi;

static pthread_mutex_t multis_lock = PTHREAD_MUTEX_INITIALIZER;
static shared_multi *multis;

static CURLM *multi_acquire(const llmc_client *c)
{
    pthread_mutex_lock(&multis_lock);
    shared_multi *m = multis;
    while (m && m->client != c)
        m = m->next;
    if (!m && (m = calloc(1, sizeof *m)) != NULL) {
        if ((m->multi = curl_multi_init()) == NULL) {
            free(m);
            m = NULL;
        } else {
            m->client = c;
            m->next = multis;
            multis = m;
        }
    }
    if (m)
        m->users++;
    pthread_mutex_unlock(&multis_lock);
    return m ? m->multi : NULL;
}

static void multi_release(CURLM *multi)
{
    pthread_mutex_lock(&multis_lock);
    for (shared_multi **pm = &multis; *pm; pm = &(*pm)->next) {
        shared_multi *m = *pm;
        if (m->multi != multi)
            continue;
        if (--m->users == 0) {
            *pm = m->next;
            curl_multi_cleanup(m->multi);
            free(m);
        }
        break;
    }
    pthread_mutex_unlock(&multis_lock);
}

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

static size_t on_header(char *line, size_t size, size_t nmemb, void *userdata)
{
    llmc_stream *s = userdata;
    size_t n = size * nmemb;
    llmc_http_header_line(line, n, &s->resp, &s->retry_after_ms, &s->retry_after);
    if (n <= 2 && n > 0 && (line[0] == '\r' || line[0] == '\n')) {
        long status = 0;
        curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200) { /* a 1xx interim answer is not the response */
            s->resp.status = status;
            s->resp.retry_after_s = s->retry_after_ms >= 0 ? s->retry_after_ms / 1000.0 : s->retry_after;
            s->headers_done = true;
            /* A 2xx JSON body means the server ignored "stream": true (or is not what it seems). */
            s->not_stream = is_2xx(status) && strncasecmp(s->resp.content_type, "application/json", 16) == 0;
            s->dec.http_status = (int)status;
            llmc_strlcpy(s->dec.request_id, s->resp.request_id, sizeof s->dec.request_id);
        }
    }
    return n;
}

static size_t on_write(char *data, size_t size, size_t nmemb, void *userdata)
{
    llmc_stream *s = userdata;
    size_t n = size * nmemb;
    if (!is_2xx(s->resp.status) || s->not_stream) {
        /* a refusal: keep its body (bounded) for the error */
        if (s->resp.body.len + n > LLMC_STREAM_MAX_ERROR_BODY)
            return n;
        return llmc_buf_append(&s->resp.body, data, n) == 0 ? n : 0;
    }
    if (s->dec.state != LLMC_SDEC_RUNNING)
        return 0; /* the stream is over for us: stop reading */
    /* Pull mode: while decoded events wait to be read, leave the bytes with curl (and the rest in
     * the socket), so a stream holds one read's worth of events however slowly it is read. */
    if (!s->user_fn && s->q_len > 0) {
        s->paused = true;
        return CURL_WRITEFUNC_PAUSE;
    }
    llmc_sdec_feed(&s->dec, data, n, NULL);
    if (s->dec.state == LLMC_SDEC_FAILED)
        return 0;
    if (!s->user_fn && s->q_len > 0 && !s->paused && s->dec.state == LLMC_SDEC_RUNNING) {
        /* Stop reading now rather than refuse the next piece: curl then holds no copy of it. */
        s->paused = true;
        curl_easy_pause(s->easy, CURLPAUSE_RECV);
    }
    return n;
}

/* Describe a failed transfer in `e`. Once the stream has started, a timeout is the idle one. */
static void transport_failure(llmc_stream *s, llmc_error *e)
{
    CURLcode cc = s->result;
    const char *what = s->detail[0] ? s->detail : curl_easy_strerror(cc);
    const char *url = s->call.url ? s->call.url : s->dec.provider;
    if (cc == CURLE_ABORTED_BY_CALLBACK && llmc_cancelled(s->call.opts.cancel))
        llmc_error_set(e, LLMC_E_ABORTED, "stream from %s cancelled", s->dec.provider);
    else if (cc == CURLE_OPERATION_TIMEDOUT && s->headers_done)
        llmc_error_set(e, LLMC_E_TIMEOUT, "stream from %s: no data for %ld s (idle timeout)", s->dec.provider,
                       idle_seconds(&s->call.opts));
    else if (s->headers_done)
        llmc_error_set(e, LLMC_E_TRANSPORT, "stream from %s ended before completion: %s", s->dec.provider, what);
    else if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE)
        llmc_error_set(e, LLMC_E_TRANSPORT,
                       "TLS certificate of %s could not be verified: %s (to trust a private CA, give its PEM file "
                       "with --cacert, llmc_client_set_ca_file() or CURL_CA_BUNDLE)",
                       url, what);
    else
        llmc_error_set(e, cc == CURLE_OPERATION_TIMEDOUT ? LLMC_E_TIMEOUT : LLMC_E_TRANSPORT, "%s: %s", url, what);
    if (e)
        e->transport_code = (int)cc;
}

static void detach(llmc_stream *s)
{
    if (s->attached) {
        curl_multi_remove_handle(s->multi, s->easy);
        s->attached = false;
    }
}

/* One round: let curl move bytes (callbacks run inside), then, if nothing happened, wait for
 * the socket up to wait_ms. */
static void pump(llmc_stream *s, int wait_ms)
{
    int running = 0;
    CURLMcode mc = curl_multi_perform(s->multi, &running);
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(s->multi, &left)) != NULL)
        if (m->msg == CURLMSG_DONE) {
            /* the multi handle is shared: the transfer may be another stream's */
            char *owner_p = NULL;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &owner_p);
            llmc_stream *owner = (llmc_stream *)(void *)owner_p;
            if (owner) {
                owner->transfer_done = true;
                owner->result = m->data.result;
            }
        }
    if (mc != CURLM_OK && !s->transfer_done) {
        s->transfer_done = true;
        s->result = CURLE_RECV_ERROR;
        snprintf(s->detail, sizeof s->detail, "%s", curl_multi_strerror(mc));
    }
    if (!s->transfer_done && running && s->q_len == 0 && !s->terminal_ready && wait_ms > 0)
        curl_multi_poll(s->multi, NULL, 0, wait_ms, NULL);
}

/* The transfer has ended: the decoder learns how (clean close, or a transport failure). */
static void finish_transfer(llmc_stream *s)
{
    detach(s);
    if (s->dec.state != LLMC_SDEC_RUNNING)
        return;
    if (s->result == CURLE_OK) {
        llmc_sdec_close(&s->dec, NULL);
        return;
    }
    llmc_error e;
    llmc_error_clear(&e);
    transport_failure(s, &e);
    llmc_sdec_fail(&s->dec, &e);
}

static void sleep_seconds(double sec)
{
    struct timespec ts = {(time_t)sec, (long)((sec - (double)(time_t)sec) * 1e9)};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void configure(llmc_stream *s)
{
    CURL *h = s->easy;
    const llmc_transport_opts *o = &s->call.opts;
    llmc_http_configure(h, o, s->call.url, s->headers, s->detail);
    /* No overall timeout: a long reply may stream for many minutes. Silence is what fails. */
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, idle_seconds(o));
    if (!s->user_fn) /* pull mode holds one read's worth of events: 8 KiB reads keep that small */
        curl_easy_setopt(h, CURLOPT_BUFFERSIZE, LLMC_STREAM_PULL_READ);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(h, CURLOPT_PRIVATE, (void *)s);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, s);
    size_t len = strlen(s->call.body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, s->call.body);
}

void llmc_stream_free(llmc_stream *s)
{
    if (!s)
        return;
    detach(s);
    if (s->easy)
        curl_easy_cleanup(s->easy);
    if (s->multi)
        multi_release(s->multi);
    llmc_http_headers_free(s->headers);
    if (s->call_live)
        llmc_call_finish(&s->call, NULL);
    llmc_http_response_free(&s->resp);
    llmc_sdec_free(&s->dec);
    free(s->q);
    llmc_buf_free(&s->arena);
    free(s);
}

/* Send the request and wait for a 2xx answer, retrying before that as llmc_http_send does. */
static llmc_code stream_start(llmc_client *c, const llmc_request *req, llmc_event_fn fn, void *userdata,
                              llmc_stream **out, llmc_error *err)
{
    *out = NULL;
    llmc_stream *s = calloc(1, sizeof *s);
    if (!s)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    s->client = c;
    s->user_fn = fn;
    s->user_data = userdata;
    llmc_code rc = llmc_call_prepare(c, req, true, &s->call, err);
    s->call_live = true;
    if (rc != LLMC_OK)
        goto fail;
    llmc_sdec_init(&s->dec, s->call.endpoint->info.dialect, stream_emit, s);
    llmc_strlcpy(s->dec.provider, s->call.endpoint->name, sizeof s->dec.provider);
    if ((rc = llmc_url_check(s->call.url, s->call.opts.allow_insecure_http, err)) != LLMC_OK)
        goto fail;
    s->headers = llmc_http_headers(s->call.headers, &s->call.cred, s->call.endpoint->info.auth);
    s->easy = curl_easy_init();
    s->multi = multi_acquire(c);
    if (!s->headers || !s->easy || !s->multi) {
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        goto fail;
    }
    configure(s);
    const llmc_transport_opts *o = &s->call.opts;
    char tried[512] = "";
    bool recovered = false;
    for (int attempt = 0;; attempt++) {
        s->headers_done = s->not_stream = s->transfer_done = s->paused = false;
        s->result = CURLE_OK;
        s->detail[0] = '\0';
        s->resp.status = 0;
        s->resp.should_retry = -1;
        s->resp.retry_after_s = s->retry_after = s->retry_after_ms = -1;
        llmc_buf_reset(&s->resp.body);
        if (curl_multi_add_handle(s->multi, s->easy) != CURLM_OK) {
            rc = llmc_error_set(err, LLMC_E_NOMEM, "could not start the transfer");
            goto fail;
        }
        s->attached = true;
        double deadline = now_s() + (double)o->request_ms / 1000.0;
        bool started = false;
        while (!s->transfer_done && !(started = s->headers_done && is_2xx(s->resp.status) && !s->not_stream)) {
            pump(s, 200);
            if (!s->headers_done && now_s() > deadline) {
                s->transfer_done = true;
                s->result = CURLE_OPERATION_TIMEDOUT;
                snprintf(s->detail, sizeof s->detail, "no response within %ld ms", o->request_ms);
            }
        }
        started = started || (s->headers_done && is_2xx(s->resp.status) && !s->not_stream);
        if (err)
            err->attempts = attempt + 1;
        if (started) {
            if (s->call.cred.source == LLMC_SOURCE_STORE && tried[0])
                llmc_store_mark(s->call.endpoint->name, s->call.cred.store_label, true);
            llmc_logf(&c->log, LLMC_LOG_INFO, "HTTP %ld from %s: streaming (request id %s)", s->resp.status,
                      s->call.endpoint->name, s->resp.request_id[0] ? s->resp.request_id : "none");
            /* The request is sent: the key's last copy outside curl's header list goes now. */
            llmc_call_finish(&s->call, err);
            s->call_live = false;
            *out = s;
            return LLMC_OK;
        }
        detach(s);
        if (!s->headers_done) {
            rc = LLMC_E_TRANSPORT;
            transport_failure(s, err);
            if (err)
                rc = err->code;
            else
                rc = s->result == CURLE_OPERATION_TIMEDOUT ? LLMC_E_TIMEOUT : LLMC_E_TRANSPORT;
            if (attempt < o->max_retries && llmc_transport_retriable(s->result)) {
                double delay = llmc_retry_delay_s(attempt, -1, (double)rand() / ((double)RAND_MAX + 1));
                llmc_logf(&c->log, LLMC_LOG_INFO, "%s; retrying in %.2f s (attempt %d of %d)",
                          err ? err->message : s->call.url, delay, attempt + 2, o->max_retries + 1);
                sleep_seconds(delay);
                continue;
            }
            goto fail;
        }
        if (s->not_stream) {
            rc = llmc_error_set(err, LLMC_E_PROTOCOL, "%s answered HTTP %ld with %s instead of an event stream",
                                s->call.endpoint->name, s->resp.status, s->resp.content_type);
            goto fail;
        }
        /* As llmc_messages_create: after a 401, once, the chain's next different key. */
        if (s->resp.status == 401 && !recovered && llmc_call_recover(&s->call, tried, sizeof tried)) {
            recovered = true;
            struct curl_slist *fresh = llmc_http_headers(s->call.headers, &s->call.cred, s->call.endpoint->info.auth);
            if (!fresh) {
                rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
                goto fail;
            }
            curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, fresh);
            llmc_http_headers_free(s->headers);
            s->headers = fresh;
            attempt--; /* not a retry: another key */
            continue;
        }
        if (attempt < o->max_retries && llmc_retry_wanted(s->resp.status, s->resp.should_retry)) {
            double delay = llmc_retry_delay_s(attempt, s->resp.retry_after_s, (double)rand() / ((double)RAND_MAX + 1));
            llmc_logf(&c->log, LLMC_LOG_INFO, "HTTP %ld from %s; retrying in %.2f s (attempt %d of %d)", s->resp.status,
                      s->call.url, delay, attempt + 2, o->max_retries + 1);
            sleep_seconds(delay);
            continue;
        }
        rc = llmc_call_fail(&s->call, &s->resp, err);
        if (s->resp.status == 401 && s->call.cred.source == LLMC_SOURCE_STORE)
            llmc_store_mark(s->call.endpoint->name, s->call.cred.store_label, false);
        if (err && tried[0])
            snprintf(err->diagnosis.detail, sizeof err->diagnosis.detail, "also rejected before it: %.480s", tried);
        goto fail;
    }
fail:
    if (s->call_live) {
        llmc_call_finish(&s->call, err);
        s->call_live = false;
    }
    llmc_stream_free(s);
    return rc;
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
            curl_easy_pause(s->easy, CURLPAUSE_CONT); /* hands the held bytes to on_write at once */
        }
        while (s->q_len == 0 && !s->terminal_ready) {
            if (s->transfer_done) {
                finish_transfer(s);
                break;
            }
            pump(s, 1000);
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
    detach(s);
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
    while (s->dec.state == LLMC_SDEC_RUNNING) {
        if (s->transfer_done) {
            finish_transfer(s);
            break;
        }
        pump(s, 1000);
    }
    rc = llmc_sdec_result(&s->dec, err);
    if (rc == LLMC_OK) {
        if (final_out)
            *final_out = llmc_sdec_take_response(&s->dec);
        if (err && err->diagnosis.severity != LLMC_SEVERITY_WARNING)
            llmc_error_clear(err);
    }
    llmc_stream_free(s);
    return rc;
}
