/* SPDX-License-Identifier: MIT */
/* Anthropic Message Batches: create, retrieve, list, cancel, delete, results (JSONL). Each
 * request's result is computed at creation with the same model as /v1/messages; the batch
 * reports in_progress until its delay (header x-emulator-batch-delay-ms, default 0) has passed;
 * ids listed in x-emulator-batch-expire end as "expired". */
#define _POSIX_C_SOURCE 200809L
#include "anthropic.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct batch {
    char id[48];
    long long created_ms, ends_ms, cancel_ms; /* cancel_ms 0: not canceled */
    json_t *results;                          /* array of {custom_id, result} as if all succeeded/errored */
    int deleted;
} batch;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static batch *batches;
static size_t n_batches, cap_batches;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static json_t *rfc3339(long long ms)
{
    if (ms == 0)
        return json_null();
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[40], out[48];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, sizeof out, "%s.%03dZ", buf, (int)(ms % 1000));
    return json_string(out);
}

static int ended(const batch *b, long long now)
{
    return b->cancel_ms ? 1 : now >= b->ends_ms;
}

/* The batch object as the API shows it at time now. Call with the lock held. */
static json_t *batch_json(const batch *b, const emu_request *rq, long long now, int just_canceled)
{
    size_t n = json_array_size(b->results), ok = 0, bad = 0, expired = 0;
    size_t i;
    json_t *r;
    json_array_foreach(b->results, i, r)
    {
        const char *type = json_string_value(json_object_get(json_object_get(r, "result"), "type"));
        if (type && strcmp(type, "succeeded") == 0)
            ok++;
        else if (type && strcmp(type, "expired") == 0)
            expired++;
        else
            bad++;
    }
    int done = ended(b, now) && !just_canceled;
    const char *status = done ? "ended" : b->cancel_ms ? "canceling" : "in_progress";
    json_t *counts = b->cancel_ms ? json_pack("{s:i, s:i, s:i, s:I, s:i}", "processing", 0, "succeeded", 0, "errored",
                                              0, "canceled", (json_int_t)n, "expired", 0)
                     : done       ? json_pack("{s:i, s:I, s:I, s:i, s:I}", "processing", 0, "succeeded", (json_int_t)ok,
                                              "errored", (json_int_t)bad, "canceled", 0, "expired", (json_int_t)expired)
                                  : json_pack("{s:I, s:i, s:i, s:i, s:i}", "processing", (json_int_t)n, "succeeded", 0,
                                              "errored", 0, "canceled", 0, "expired", 0);
    json_t *o = json_pack("{s:s, s:s, s:s, s:o}", "id", b->id, "type", "message_batch", "processing_status", status,
                          "request_counts", counts);
    json_object_set_new(o, "ended_at", done ? rfc3339(b->cancel_ms ? b->cancel_ms : b->ends_ms) : json_null());
    json_object_set_new(o, "created_at", rfc3339(b->created_ms));
    json_object_set_new(o, "expires_at", rfc3339(b->created_ms + 24LL * 3600 * 1000));
    json_object_set_new(o, "archived_at", json_null());
    json_object_set_new(o, "cancel_initiated_at", b->cancel_ms ? rfc3339(b->cancel_ms) : json_null());
    if (done) {
        /* The SDK fetches results_url as an absolute URL: point it back at this emulator. */
        const char *host = req_header(rq, "host");
        char url[512];
        snprintf(url, sizeof url, "%s://%s/anthropic/v1/messages/batches/%s/results", emu_scheme(),
                 host ? host : "127.0.0.1", b->id);
        json_object_set_new(o, "results_url", json_string(url));
    } else {
        json_object_set_new(o, "results_url", json_null());
    }
    return o;
}

static batch *find(const char *id)
{
    for (size_t i = 0; i < n_batches; i++)
        if (!batches[i].deleted && strcmp(batches[i].id, id) == 0)
            return &batches[i];
    return NULL;
}

/* Whether `id` is one of the comma-separated ids in `list` (header x-emulator-batch-expire). */
static int listed(const char *list, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = list; p && *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (len == n && strncmp(p, id, n) == 0)
            return 1;
        p = end ? end + 1 : p + len;
    }
    return 0;
}

static void create(emu_reply *r, const emu_request *rq)
{
    json_t *body = json_loadb(rq->body, rq->body_len, 0, NULL);
    const json_t *requests = json_object_get(body, "requests");
    if (!json_is_object(body)) {
        json_decref(body);
        error_invalid_json(r, rq);
        return;
    }
    if (!json_is_array(requests) || json_array_size(requests) == 0 || json_array_size(requests) > 100000) {
        json_decref(body);
        error_reply(r, rq, 400, "requests: must hold 1 to 100000 requests");
        return;
    }
    json_t *results = json_array();
    size_t i;
    const json_t *one;
    json_array_foreach(requests, i, one)
    {
        const char *custom_id = json_string_value(json_object_get(one, "custom_id"));
        const json_t *params = json_object_get(one, "params");
        if (!custom_id || !json_is_object(params)) {
            json_decref(results);
            json_decref(body);
            error_reply(r, rq, 400, "requests: each needs custom_id and params");
            return;
        }
        emu_reply err = {0};
        json_t *message = NULL;
        json_t *result;
        if (anthropic_answer(&err, rq, params, &message) == 0) {
            result = json_pack("{s:s, s:o}", "type", "succeeded", "message", message);
        } else {
            json_t *error_body = json_loadb(err.body ? err.body : "{}", err.body_len, 0, NULL);
            result = json_pack("{s:s, s:o}", "type", "errored", "error", error_body ? error_body : json_object());
        }
        reply_free(&err);
        if (listed(req_header(rq, "x-emulator-batch-expire"), custom_id)) {
            /* as if the 24 hours ran out before this request's turn */
            json_decref(result);
            result = json_pack("{s:s}", "type", "expired");
        }
        json_array_append_new(results, json_pack("{s:s, s:o}", "custom_id", custom_id, "result", result));
    }
    json_decref(body);

    const char *delay_s = req_header(rq, "x-emulator-batch-delay-ms");
    long long created = now_ms();
    batch b = {.created_ms = created, .ends_ms = created + (delay_s ? atoll(delay_s) : 0), .results = results};
    emu_random_id(b.id, sizeof b.id, "msgbatch_01", 22);
    pthread_mutex_lock(&lock);
    if (n_batches == cap_batches) {
        size_t cap = cap_batches ? cap_batches * 2 : 16;
        batch *grown = realloc(batches, cap * sizeof *grown);
        if (!grown) {
            pthread_mutex_unlock(&lock);
            json_decref(results);
            error_reply(r, rq, 500, NULL);
            return;
        }
        batches = grown;
        cap_batches = cap;
    }
    batches[n_batches++] = b;
    /* A new batch always reads in_progress first, as the real API answers the create call. */
    json_t *o = batch_json(&b, rq, created - 1, 0);
    if (b.ends_ms > created - 1)
        json_object_set_new(o, "processing_status", json_string("in_progress"));
    pthread_mutex_unlock(&lock);
    reply_json(r, 200, o);
}

static void list(emu_reply *r, const emu_request *rq)
{
    const char *limit_s = req_query(rq, "limit"), *after = req_query(rq, "after_id"),
               *before = req_query(rq, "before_id");
    long limit = limit_s ? strtol(limit_s, NULL, 10) : 20;
    if (limit < 1 || limit > 1000) {
        error_reply(r, rq, 400, "limit: must be between 1 and 1000");
        return;
    }
    long long now = now_ms();
    json_t *data = json_array();
    int has_more = 0, started = after == NULL;
    pthread_mutex_lock(&lock);
    /* Newest first; after_id continues past that batch, before_id stops at it. */
    for (size_t k = n_batches; k-- > 0;) {
        batch *b = &batches[k];
        if (b->deleted)
            continue;
        if (before && strcmp(b->id, before) == 0)
            break;
        if (!started) {
            started = strcmp(b->id, after) == 0;
            continue;
        }
        if ((long)json_array_size(data) == limit) {
            has_more = 1;
            break;
        }
        json_array_append_new(data, batch_json(b, rq, now, 0));
    }
    pthread_mutex_unlock(&lock);
    size_t n = json_array_size(data);
    json_t *page = json_pack("{s:o, s:b}", "data", data, "has_more", has_more);
    json_object_set_new(page, "first_id",
                        n ? json_deep_copy(json_object_get(json_array_get(data, 0), "id")) : json_null());
    json_object_set_new(page, "last_id",
                        n ? json_deep_copy(json_object_get(json_array_get(data, n - 1), "id")) : json_null());
    reply_json(r, 200, page);
}

static void results(emu_reply *r, const emu_request *rq, batch *b, long long now)
{
    if (!ended(b, now)) {
        error_reply(r, rq, 400, "Batch is still processing: results are not available yet");
        return;
    }
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    size_t i;
    json_t *line;
    json_array_foreach(b->results, i, line)
    {
        json_t *copy = json_deep_copy(line);
        if (b->cancel_ms)
            json_object_set_new(copy, "result", json_pack("{s:s}", "type", "canceled"));
        char *text = json_dumps(copy, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(copy);
        size_t n = text ? strlen(text) : 0;
        while (out && len + n + 2 > cap) {
            char *grown = realloc(out, cap *= 2);
            if (!grown) {
                free(out);
                out = NULL;
            } else {
                out = grown;
            }
        }
        if (out && text) {
            memcpy(out + len, text, n);
            len += n;
            out[len++] = '\n';
        }
        free(text);
    }
    if (!out) {
        error_reply(r, rq, 500, NULL);
        return;
    }
    r->status = 200;
    r->content_type = "application/binary";
    r->body = out;
    r->body_len = len;
}

void batches_handle(emu_reply *r, const emu_request *rq)
{
    const char *rest = rq->subpath + strlen("/v1/messages/batches");
    int get = strcmp(rq->method, "GET") == 0, post = strcmp(rq->method, "POST") == 0,
        del = strcmp(rq->method, "DELETE") == 0;
    if (*rest == '\0') {
        if (post)
            create(r, rq);
        else if (get)
            list(r, rq);
        else
            error_reply(r, rq, 405, NULL);
        return;
    }
    char id[64] = {0};
    const char *action = strchr(rest + 1, '/');
    size_t id_len = action ? (size_t)(action - rest - 1) : strlen(rest + 1);
    if (*rest != '/' || id_len == 0 || id_len >= sizeof id) {
        error_reply(r, rq, 404, "Not Found");
        return;
    }
    memcpy(id, rest + 1, id_len);
    long long now = now_ms();
    pthread_mutex_lock(&lock);
    batch *b = find(id);
    if (!b) {
        pthread_mutex_unlock(&lock);
        char msg[128];
        snprintf(msg, sizeof msg, "message_batch_id: %s not found", id);
        error_reply(r, rq, 404, msg);
        return;
    }
    if (!action && get) {
        reply_json(r, 200, batch_json(b, rq, now, 0));
    } else if (!action && del) {
        if (!ended(b, now)) {
            error_reply(r, rq, 400, "Batch is still processing: cancel it before deleting");
        } else {
            b->deleted = 1;
            json_decref(b->results);
            b->results = NULL;
            reply_json(r, 200, json_pack("{s:s, s:s}", "id", b->id, "type", "message_batch_deleted"));
        }
    } else if (action && strcmp(action, "/cancel") == 0 && post) {
        int fresh = !ended(b, now);
        if (fresh)
            b->cancel_ms = now;
        reply_json(r, 200, batch_json(b, rq, now, fresh));
    } else if (action && strcmp(action, "/results") == 0 && get) {
        results(r, rq, b, now);
    } else {
        error_reply(r, rq, 404, "Not Found");
    }
    pthread_mutex_unlock(&lock);
}
