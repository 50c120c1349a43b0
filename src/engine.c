/* SPDX-License-Identifier: MIT */
/*
 * engine.c — the engine's loop: a libcurl multi handle, the list of transfers added to it, and
 * the scheduler that decides which queued transfer may go (limits, retry times), when the loop
 * must wake up (curl's timer, retry times, deadlines, cancellation), and which transfers end now
 * because they were cancelled or ran out of time. What happens to one transfer on the wire and
 * when its attempt ends (retry, recovery, failure) is in xfer.c.
 */
#include "engine_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Cancellation tokens are flags set from anywhere (another thread, a signal handler): the loop
 * looks at them at least this often while one is in use. */
#define CANCEL_POLL_MS 50
/* Without a better reason to wake, a loop blocked by rate limits looks again after this long. */
#define LIMIT_POLL_MS 100

double llmc_engine_now(const llmc_engine *eng)
{
    (void)eng;
    return llmc_now_s();
}

/* xorshift64*: the one jitter source of retries; seeded per engine so two processes started in
 * the same second do not retry in step. */
double llmc_engine_jitter(llmc_engine *eng)
{
    uint64_t x = eng->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    eng->rng = x;
    return (double)((x * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

llmc_engine *llmc_engine_new(const llmc_logger *log)
{
    llmc_engine *eng = calloc(1, sizeof *eng);
    if (!eng)
        return NULL;
    if (!(eng->multi = curl_multi_init())) {
        free(eng);
        return NULL;
    }
    eng->log = log;
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    eng->rng = ((uint64_t)t.tv_nsec << 20) ^ (uint64_t)t.tv_sec ^ ((uint64_t)getpid() << 40) ^ (uintptr_t)eng;
    if (eng->rng == 0)
        eng->rng = 0x9E3779B97F4A7C15ULL;
    double now = llmc_engine_now(eng);
    bl_bucket_init(&eng->rpm, 0, now);
    bl_bucket_init(&eng->tpm, 0, now);
    return eng;
}

void llmc_engine_free(llmc_engine *eng)
{
    if (!eng)
        return;
    while (eng->head)
        llmc_xfer_remove(eng->head);
    for (size_t i = 0; i < eng->n_pool; i++)
        curl_easy_cleanup(eng->pool[i].easy);
    free(eng->pool);
    curl_multi_cleanup(eng->multi);
    free(eng);
}

void llmc_engine_free_transfers(llmc_engine *eng)
{
    while (eng && eng->head)
        llmc_xfer_free(eng->head);
}

void llmc_engine_set_limits(llmc_engine *eng, size_t max_in_flight, double rpm, double tpm)
{
    double now = llmc_engine_now(eng);
    eng->max_in_flight = max_in_flight;
    bl_bucket_init(&eng->rpm, rpm, now);
    bl_bucket_init(&eng->tpm, tpm, now);
    eng->limited = true;
    if (max_in_flight)
        curl_multi_setopt(eng->multi, CURLMOPT_MAXCONNECTS, (long)max_in_flight);
}

void llmc_engine_set_feeder(llmc_engine *eng, bool (*feed)(void *ud, llmc_engine *eng), void *ud)
{
    eng->feed = feed;
    eng->feed_ud = ud;
}

void llmc_engine_adjust_tokens(llmc_engine *eng, double delta)
{
    bl_bucket_adjust(&eng->tpm, delta);
}

size_t llmc_engine_in_flight(const llmc_engine *eng)
{
    return eng->in_flight;
}

size_t llmc_engine_live(const llmc_engine *eng)
{
    return eng->live;
}

CURLM *llmc_engine_multi(llmc_engine *eng)
{
    return eng->multi;
}

/* ---- the list of added transfers ---- */

void llmc_engine_link(llmc_engine *eng, llmc_xfer *x)
{
    x->prev = eng->tail;
    x->next = NULL;
    if (eng->tail)
        eng->tail->next = x;
    else
        eng->head = x;
    eng->tail = x;
    eng->live++;
}

void llmc_engine_unlink(llmc_engine *eng, llmc_xfer *x)
{
    if (x->prev)
        x->prev->next = x->next;
    else
        eng->head = x->next;
    if (x->next)
        x->next->prev = x->prev;
    else
        eng->tail = x->prev;
    x->prev = x->next = NULL;
    eng->live--;
}

/* ---- easy handles are pooled, and kept set up: most transfers of an engine look alike ---- */

static bool same_shape(const llmc_easy_shape *a, const llmc_easy_shape *b)
{
    return a->call_id && a->call_id == b->call_id && a->gen == b->gen && a->headers == b->headers &&
           a->has_body == b->has_body && a->streams == b->streams && a->recv_buffer == b->recv_buffer &&
           a->url_hash == b->url_hash && strcmp(a->method, b->method) == 0;
}

CURL *llmc_engine_easy_get(llmc_engine *eng, const llmc_easy_shape *shape, bool *warm)
{
    *warm = false;
    if (eng->n_pool == 0)
        return curl_easy_init();
    /* the handle given back last is the likeliest match */
    for (size_t i = eng->n_pool; i-- > 0;)
        if (same_shape(&eng->pool[i].shape, shape)) {
            CURL *h = eng->pool[i].easy;
            eng->pool[i] = eng->pool[--eng->n_pool];
            *warm = true;
            return h;
        }
    CURL *h = eng->pool[--eng->n_pool].easy;
    curl_easy_reset(h);
    return h;
}

void llmc_engine_easy_put(llmc_engine *eng, CURL *easy, const llmc_easy_shape *shape)
{
    if (!easy)
        return;
    if (eng->n_pool == eng->cap_pool) {
        size_t cap = eng->cap_pool ? eng->cap_pool * 2 : 8;
        llmc_easy_slot *grown = realloc(eng->pool, cap * sizeof *grown);
        if (!grown) {
            curl_easy_cleanup(easy);
            return;
        }
        eng->pool = grown;
        eng->cap_pool = cap;
    }
    /* what pointed at the last transfer goes now: a handle at rest holds no dangling pointer */
    curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, NULL);
    llmc_easy_slot *slot = &eng->pool[eng->n_pool++];
    slot->easy = easy;
    memset(&slot->shape, 0, sizeof slot->shape);
    if (shape)
        slot->shape = *shape;
    else
        curl_easy_reset(easy);
}

/* ---- scheduling ---- */

/* Whether a transfer of `call` costing `tokens` may go now; *wake learns when to look again. */
static bool may_start(llmc_engine *eng, const llmc_call *call, double tokens, double now, double *wake)
{
    if (eng->max_in_flight && eng->in_flight >= eng->max_in_flight)
        return false; /* a transfer ending wakes the loop */
    if (!eng->limited)
        return true;
    if (!bl_provider_may_start((bl_provider *)&call->limits, call->in_flight, tokens, now, wake))
        return false;
    double w = bl_bucket_wait(&eng->rpm, 1, now), wt = bl_bucket_wait(&eng->tpm, tokens, now);
    if (wt > w)
        w = wt;
    if (w > 0) {
        if (now + w < *wake)
            *wake = now + w;
        return false;
    }
    return true;
}

bool llmc_engine_may_start(llmc_engine *eng, const llmc_call *call, double tokens)
{
    double wake = INFINITY;
    return may_start(eng, call, tokens, llmc_engine_now(eng), &wake);
}

/* Start every queued transfer whose time has come, in the order they were added, as far as the
 * limits allow. Returns when the loop should look again for queued transfers (INFINITY: never
 * on their account). */
static double start_due(llmc_engine *eng, double now)
{
    double wake = INFINITY;
    for (llmc_xfer *x = eng->head, *next; x; x = next) {
        next = x->next;
        if (x->state != LLMC_XS_QUEUED)
            continue;
        if (x->not_before > now) {
            if (x->not_before < wake)
                wake = x->not_before;
            continue;
        }
        if (!may_start(eng, x->call, x->est_tokens, now, &wake)) {
            if (eng->max_in_flight && eng->in_flight >= eng->max_in_flight)
                break;
            continue;
        }
        if (eng->limited) {
            bl_bucket_take(&eng->rpm, 1, now);
            bl_bucket_take(&eng->tpm, x->est_tokens, now);
        }
        llmc_xfer_start(x, now); /* on failure it ends the transfer (done runs) */
    }
    return wake;
}

/* Let the feeder add transfers while there is room; they start at once when they may. */
static void feed(llmc_engine *eng, double now)
{
    if (!eng->feed)
        return;
    for (int rounds = 0; rounds < 4096; rounds++) {
        if (eng->max_in_flight && eng->in_flight >= eng->max_in_flight)
            return;
        if (eng->limited) {
            double w = bl_bucket_wait(&eng->rpm, 1, now);
            if (w > 0) {
                if (now + w < eng->feed_wake)
                    eng->feed_wake = now + w;
                return;
            }
        }
        llmc_xfer *before = eng->tail;
        if (!eng->feed(eng->feed_ud, eng))
            return;
        /* start what was just added */
        for (llmc_xfer *x = before ? before->next : eng->head, *next; x; x = next) {
            next = x->next;
            if (x->state == LLMC_XS_QUEUED && x->not_before <= now) {
                double wake = INFINITY;
                if (!may_start(eng, x->call, x->est_tokens, now, &wake))
                    continue;
                if (eng->limited) {
                    bl_bucket_take(&eng->rpm, 1, now);
                    bl_bucket_take(&eng->tpm, x->est_tokens, now);
                }
                llmc_xfer_start(x, now);
            }
        }
    }
}

/* End what was cancelled or ran past its deadline, whatever its phase. */
static void enforce(llmc_engine *eng, double now)
{
    eng->n_cancel_tokens = 0;
    for (llmc_xfer *x = eng->head, *next; x; x = next) {
        next = x->next;
        const llmc_cancel *cancel = x->call->opts.cancel;
        if (cancel)
            eng->n_cancel_tokens++;
        if (x->cancel_requested || llmc_cancelled(cancel))
            llmc_xfer_end(x, LLMC_E_ABORTED);
        else if (x->deadline > 0 && now >= x->deadline)
            llmc_xfer_end(x, LLMC_E_TIMEOUT);
        else if (x->state == LLMC_XS_RUNNING && x->answer_by > 0 && now >= x->answer_by)
            llmc_xfer_end(x, LLMC_E_TIMEOUT);
    }
}

/* Finished transfers, as libcurl reports them. */
static void reap(llmc_engine *eng)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(eng->multi, &left)) != NULL) {
        if (m->msg != CURLMSG_DONE)
            continue;
        char *p = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &p);
        llmc_xfer *x = (llmc_xfer *)(void *)p;
        if (x && x->easy == m->easy_handle)
            llmc_xfer_attempt_ended(x, m->data.result);
    }
}

static llmc_code step(llmc_engine *eng, curl_socket_t fd, int events, bool socket_mode)
{
    if (eng->in_step)
        return LLMC_E_INVALID_ARG; /* a callback drove the engine that is calling it */
    eng->in_step = true;
    double now = llmc_engine_now(eng);
    enforce(eng, now);
    eng->feed_wake = INFINITY;
    eng->queue_wake = start_due(eng, now);
    feed(eng, now);
    int running = 0;
    CURLMcode mc = socket_mode ? curl_multi_socket_action(eng->multi, fd, events, &running)
                               : curl_multi_perform(eng->multi, &running);
    reap(eng);
    /* transfers that ended may have made room: fill it now, not after the next wait (also when
     * none is left: with one in flight, the next must not wait for a timer) */
    if (eng->live > 0 || eng->feed) {
        now = llmc_engine_now(eng);
        double w = start_due(eng, now);
        if (w < eng->queue_wake)
            eng->queue_wake = w;
        feed(eng, now);
    }
    eng->in_step = false;
    if (mc != CURLM_OK && mc != CURLM_CALL_MULTI_PERFORM) {
        llmc_logf(eng->log, LLMC_LOG_WARN, "libcurl: %s", curl_multi_strerror(mc));
        return mc == CURLM_OUT_OF_MEMORY ? LLMC_E_NOMEM : LLMC_E_TRANSPORT;
    }
    return LLMC_OK;
}

llmc_code llmc_engine_step(llmc_engine *eng)
{
    return step(eng, CURL_SOCKET_TIMEOUT, 0, false);
}

llmc_code llmc_engine_socket_step(llmc_engine *eng, curl_socket_t fd, int events)
{
    return step(eng, fd, events, true);
}

long llmc_engine_timeout_ms(llmc_engine *eng)
{
    double now = llmc_engine_now(eng);
    double wake = eng->queue_wake < eng->feed_wake ? eng->queue_wake : eng->feed_wake;
    bool blocked = false;
    for (llmc_xfer *x = eng->head; x; x = x->next) {
        if (x->deadline > 0 && x->deadline < wake)
            wake = x->deadline;
        if (x->state == LLMC_XS_RUNNING && x->answer_by > 0 && x->answer_by < wake)
            wake = x->answer_by;
        if (x->state == LLMC_XS_QUEUED && x->not_before <= now)
            blocked = true; /* due but held by a limit */
    }
    long ms = -1;
    if (wake < INFINITY) {
        double d = (wake - now) * 1000.0;
        ms = d <= 0 ? 0 : (long)ceil(d);
    }
    for (llmc_xfer *x = eng->head; x; x = x->next)
        if (x->cancel_requested)
            ms = 0;
    long curl_ms = -1;
    curl_multi_timeout(eng->multi, &curl_ms);
    if (curl_ms >= 0 && (ms < 0 || curl_ms < ms))
        ms = curl_ms;
    if (eng->n_cancel_tokens > 0 && (ms < 0 || ms > CANCEL_POLL_MS))
        ms = CANCEL_POLL_MS;
    if (blocked && (ms < 0 || ms > LIMIT_POLL_MS))
        ms = LIMIT_POLL_MS;
    return ms;
}

llmc_code llmc_engine_wait(llmc_engine *eng, int max_ms)
{
    long ms = llmc_engine_timeout_ms(eng);
    if (max_ms >= 0 && (ms < 0 || ms > max_ms))
        ms = max_ms;
    if (ms < 0)
        ms = 1000;
    if (ms == 0)
        return LLMC_OK;
    CURLMcode mc = curl_multi_poll(eng->multi, NULL, 0, (int)ms, NULL);
    return mc == CURLM_OK ? LLMC_OK : LLMC_E_TRANSPORT;
}

llmc_code llmc_engine_run_until(llmc_engine *eng, const bool *flag)
{
    llmc_code rc = LLMC_OK;
    while (!*flag && eng->live > 0) {
        if ((rc = llmc_engine_step(eng)) != LLMC_OK)
            return rc;
        if (*flag || eng->live == 0)
            break;
        if ((rc = llmc_engine_wait(eng, -1)) != LLMC_OK)
            return rc;
    }
    return rc;
}
