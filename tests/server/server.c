/* SPDX-License-Identifier: MIT */
/* The libmicrohttpd side: collects a request (its body may arrive in many pieces), records it,
 * applies a queued fault or routes it to its provider by the first path segment, and turns the
 * emu_reply into an MHD response (plain or TLS). Nothing here logs headers: they carry keys. */
#define _GNU_SOURCE /* POLLRDHUP: a hung request notices its client leaving */
#include "server.h"
#include "emulator.h"
#include "stream.h"
#include "fireworks_batch.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#define MAX_BODY (32u * 1024u * 1024u)
/* A hung request gives up after this long even if its client never leaves. */
#define HANG_MAX_MS (300L * 1000L)

static int serving_tls;

const char *emu_scheme(void)
{
    return serving_tls ? "https" : "http";
}

typedef struct conn_ctx {
    char *raw_uri;
    char *body;
    size_t len, cap;
    int started;
    int too_large;
} conn_ctx;

const char *req_header(const emu_request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *req_query(const emu_request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* The raw URI (with its query) arrives here before anything else: keep it for the log. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    (void)conn;
    conn_ctx *c = calloc(1, sizeof *c);
    if (c)
        c->raw_uri = strdup(uri);
    return c;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    conn_ctx *c = *con_cls;
    if (c) {
        free(c->raw_uri);
        free(c->body);
        free(c);
    }
    *con_cls = NULL;
}

static void append_body(conn_ctx *c, const char *data, size_t n)
{
    if (c->too_large || c->len + n > MAX_BODY) {
        c->too_large = 1; /* keep reading (discarding) so the client gets our 413, not a reset */
        return;
    }
    if (c->len + n + 1 > c->cap) {
        size_t cap = c->cap ? c->cap : 4096;
        while (cap < c->len + n + 1)
            cap *= 2;
        char *grown = realloc(c->body, cap);
        if (!grown) {
            c->too_large = 1;
            return;
        }
        c->body = grown;
        c->cap = cap;
    }
    memcpy(c->body + c->len, data, n);
    c->len += n;
    c->body[c->len] = '\0';
}

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    json_t *headers = cls;
    char name[256];
    size_t i = 0;
    for (; key[i] && i + 1 < sizeof name; i++)
        name[i] = (char)tolower((unsigned char)key[i]);
    name[i] = '\0';
    const char *old = json_string_value(json_object_get(headers, name));
    if (old) {
        /* Repeated headers are joined as HTTP allows, so a test sees every copy that was sent. */
        size_t n = strlen(old) + strlen(value ? value : "") + 3;
        char *joined = malloc(n);
        if (joined) {
            snprintf(joined, n, "%s, %s", old, value ? value : "");
            json_object_set_new(headers, name, json_string(joined));
            free(joined);
        }
    } else {
        json_object_set_new(headers, name, json_string(value ? value : ""));
    }
    return MHD_YES;
}

static void record(const emu_request *rq, const conn_ctx *c)
{
    json_t *headers = json_object();
    MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, collect_header, headers);
    /* A body over the limit is not kept: the log says so instead of holding 32 MiB. */
    json_t *body = c->too_large ? NULL : c->body ? json_stringn(c->body, c->len) : json_string("");
    json_t *entry = json_pack("{s:s, s:s, s:o}", "method", rq->method, "path", c->raw_uri ? c->raw_uri : rq->path,
                              "headers", headers);
    if (body) {
        json_object_set_new(entry, "body", body);
    } else if (c->too_large) {
        json_object_set_new(entry, "body", json_null());
        json_object_set_new(entry, "body_too_large", json_true());
    } else {
        json_object_set_new(entry, "body", json_null()); /* not UTF-8: the log says so, not what */
        json_object_set_new(entry, "body_invalid_utf8", json_true());
    }
    state_record(entry);
}

/* Which provider a path belongs to, and the rest of the path after its prefix. */
static int route(const char *path, emu_provider *p, const char **subpath)
{
    static const struct {
        const char *prefix;
        emu_provider provider;
    } prefixes[] = {
        {"/anthropic", EMU_ANTHROPIC}, {"/cerebras", EMU_CEREBRAS}, {"/fireworks/inference", EMU_FIREWORKS},
        {"/fireworks", EMU_FIREWORKS}, /* the Fireworks SDK drops "/inference" from a custom base URL */
        {"/openai", EMU_OPENAI},       {"/ollama", EMU_OLLAMA},
    };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t n = strlen(prefixes[i].prefix);
        if (strncmp(path, prefixes[i].prefix, n) == 0 && (path[n] == '/' || path[n] == '\0')) {
            *p = prefixes[i].provider;
            *subpath = path + n;
            return 1;
        }
    }
    return 0;
}

/* The key the request carried (x-api-key, or Authorization: Bearer), or "". */
static const char *request_key(const emu_request *rq)
{
    const char *k = req_header(rq, "x-api-key");
    if (k)
        return k;
    const char *a = req_header(rq, "authorization");
    if (a && strncasecmp(a, "Bearer ", 7) == 0)
        return a + 7;
    return "";
}

/* `text` with every "{KEY}" replaced by the key the request carried: a server that echoes what
 * it received, to prove the client never shows it (malloc'd). */
static char *echo_key(const emu_request *rq, const char *text)
{
    const char *key = request_key(rq);
    size_t n = 0, klen = strlen(key);
    for (const char *p = strstr(text, "{KEY}"); p; p = strstr(p + 5, "{KEY}"))
        n++;
    char *out = malloc(strlen(text) + n * klen + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = text, *q;; p = q + 5) {
        q = strstr(p, "{KEY}");
        size_t run = q ? (size_t)(q - p) : strlen(p);
        memcpy(o, p, run);
        o += run;
        if (!q)
            break;
        memcpy(o, key, klen);
        o += klen;
    }
    *o = '\0';
    return out;
}

/* Header values of a faulted reply that depend on the moment it is sent (and on the key). */
static void fault_headers(emu_reply *r, const emu_request *rq, const emu_fault *f)
{
    const char *name;
    json_t *value;
    json_object_foreach(f->headers, name, value)
    {
        if (!json_is_string(value))
            continue;
        char *v = echo_key(rq, json_string_value(value));
        if (v)
            reply_header(r, name, v);
        free(v);
    }
    if (f->retry_after_date_s >= 0) {
        /* Rendered now, not when queued, so the client sees the intended distance. */
        time_t when = time(NULL) + f->retry_after_date_s;
        struct tm tm;
        char date[64];
        gmtime_r(&when, &tm);
        strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        reply_header(r, "retry-after", date);
    }
}

static void fault_reply(emu_reply *r, const emu_request *rq, const emu_fault *f)
{
    /* The fault is freed before the reply is sent: the reply keeps its own copy of the type. */
    const char *ctype = "application/json";
    if (f->content_type && (r->owned_content_type = strdup(f->content_type)) != NULL)
        ctype = r->owned_content_type;
    if (f->body_bytes > 0) {
        r->status = f->status ? f->status : 200;
        r->content_type = ctype;
        r->gen_bytes = f->body_bytes;
    } else if (f->body) {
        char *body = echo_key(rq, f->body);
        if (body)
            reply_text(r, f->status ? f->status : 200, ctype, body, strlen(body));
        free(body);
    } else {
        error_reply(r, rq, f->status, NULL);
    }
    fault_headers(r, rq, f);
}

/* Wait, without answering, until the client closes its end (its timeout fired), the emulator
 * stops, or HANG_MAX_MS passed. Polls the socket every 20 ms: cheap, and no MHD internals. */
static void hang(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    for (long waited = 0; waited < HANG_MAX_MS && !emu_stopping(); waited += 20) {
        if (info) {
            struct pollfd p = {info->connect_fd, POLLRDHUP, 0};
            if (poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)))
                return;
        }
        emu_sleep_ms(20);
    }
}

/* A body of exactly `total` bytes made on the fly, so a fault can send gigabytes cheaply: a
 * JSON object whose one string is padding. Over 10 bytes it is valid JSON. */
typedef struct generated {
    uint64_t total;
} generated;

static ssize_t generated_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    const generated *g = cls;
    static const char head[] = "{\"pad\":\"", tail[] = "\"}";
    if (pos >= g->total)
        return MHD_CONTENT_READER_END_OF_STREAM;
    size_t n = g->total - pos < max ? (size_t)(g->total - pos) : max;
    int framed = g->total >= sizeof head + sizeof tail;
    for (size_t i = 0; i < n; i++) {
        uint64_t at = pos + i;
        if (framed && at < sizeof head - 1)
            buf[i] = head[at];
        else if (framed && at >= g->total - (sizeof tail - 1))
            buf[i] = tail[at - (g->total - (sizeof tail - 1))];
        else
            buf[i] = 'x';
    }
    return (ssize_t)n;
}

/* A reply body sent one byte every delay_ms: a server that is alive but slower than any timeout. */
typedef struct drip {
    char *body;
    size_t len;
    long delay_ms;
} drip;

static ssize_t drip_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    drip *d = cls;
    if (pos >= d->len)
        return MHD_CONTENT_READER_END_OF_STREAM;
    if (max == 0)
        return 0;
    for (long waited = 0; waited < d->delay_ms; waited += 20) {
        if (emu_stopping())
            return MHD_CONTENT_READER_END_WITH_ERROR;
        emu_sleep_ms(d->delay_ms - waited < 20 ? d->delay_ms - waited : 20);
    }
    buf[0] = d->body[pos];
    return 1;
}

static void drip_free(void *cls)
{
    drip *d = cls;
    free(d->body);
    free(d);
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, emu_reply *r)
{
    struct MHD_Response *resp;
    if (r->drop)
        return MHD_NO; /* libmicrohttpd closes the connection: the client gets no answer at all */
    if (r->gen_bytes > 0) {
        generated *g = malloc(sizeof *g);
        if (!g)
            return MHD_NO;
        g->total = (uint64_t)r->gen_bytes;
        resp = MHD_create_response_from_callback(g->total, 64 * 1024, generated_read, g, free);
        if (!resp)
            free(g);
    } else if (r->drip_ms > 0 && !r->stream) {
        drip *d = malloc(sizeof *d);
        if (!d)
            return MHD_NO;
        d->body = r->body;
        d->len = r->body_len;
        d->delay_ms = r->drip_ms;
        resp = MHD_create_response_from_callback(d->len, 1, drip_read, d, drip_free);
        if (resp)
            r->body = NULL; /* now owned by the drip */
        else
            free(d);
    } else if (r->stream) {
        resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, stream_read, r->stream, stream_release);
        if (resp)
            r->stream = NULL; /* now owned by the response */
    } else {
        resp = MHD_create_response_from_buffer(r->body_len, r->body ? r->body : (char *)"", MHD_RESPMEM_MUST_FREE);
        if (resp && r->body)
            r->body = NULL;
    }
    if (!resp)
        return MHD_NO;
    if (r->content_type)
        MHD_add_response_header(resp, "Content-Type", r->content_type);
    for (size_t i = 0; i < r->n_headers; i++)
        MHD_add_response_header(resp, r->header_names[i], r->header_values[i]);
    enum MHD_Result ret = MHD_queue_response(conn, r->status ? r->status : 500, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* The rate-limit headers each provider sends with every answer (names and formats as
 * tests/server/README.md records them), with windows so large that no test runs them out: a test
 * that wants a provider saying "none left" queues a fault with its own values, which win. */
static void rate_limit_headers(emu_reply *r, const emu_request *rq)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (strstr(r->header_names[i], "ratelimit-"))
            return;
    char reset[64];
    time_t when = time(NULL) + 60;
    struct tm tm;
    gmtime_r(&when, &tm);
    strftime(reset, sizeof reset, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (rq->provider == EMU_ANTHROPIC) {
        static const char *const kinds[] = {"requests", "tokens", "input-tokens", "output-tokens"};
        static const char *const limits[] = {"4000", "2000000", "1600000", "400000"};
        static const char *const left[] = {"3999", "1999000", "1599000", "399900"};
        char name[64];
        for (size_t k = 0; k < 4; k++) {
            snprintf(name, sizeof name, "anthropic-ratelimit-%s-limit", kinds[k]);
            reply_header(r, name, limits[k]);
            snprintf(name, sizeof name, "anthropic-ratelimit-%s-remaining", kinds[k]);
            reply_header(r, name, left[k]);
            snprintf(name, sizeof name, "anthropic-ratelimit-%s-reset", kinds[k]);
            reply_header(r, name, reset);
        }
    } else if (rq->provider == EMU_CEREBRAS) {
        reply_header(r, "x-ratelimit-limit-requests-day", "14400");
        reply_header(r, "x-ratelimit-remaining-requests-day", "14399");
        reply_header(r, "x-ratelimit-reset-requests-day", "33011.382867");
        reply_header(r, "x-ratelimit-limit-tokens-minute", "60000");
        reply_header(r, "x-ratelimit-remaining-tokens-minute", "59000");
        reply_header(r, "x-ratelimit-reset-tokens-minute", "59.5");
    } else if (rq->provider == EMU_OPENAI) {
        reply_header(r, "x-ratelimit-limit-requests", "10000");
        reply_header(r, "x-ratelimit-remaining-requests", "9999");
        reply_header(r, "x-ratelimit-reset-requests", "6ms");
        reply_header(r, "x-ratelimit-limit-tokens", "30000000");
        reply_header(r, "x-ratelimit-remaining-tokens", "29999000");
        reply_header(r, "x-ratelimit-reset-tokens", "1m30s");
    }
}

static void dispatch(emu_reply *r, emu_request *rq, conn_ctx *c)
{
    if (strncmp(rq->path, "/_emulator/", 11) == 0) {
        control_handle(r, rq);
        return;
    }
    if (!route(rq->path, &rq->provider, &rq->subpath)) {
        record(rq, c);
        reply_json(r, 404, json_pack("{s:s}", "error", "unknown path: the first segment names the provider"));
        return;
    }
    record(rq, c);
    /* Each provider's id shape: Anthropic "req_011C…", OpenAI "req_…", Fireworks a bare token. */
    if (rq->provider == EMU_ANTHROPIC)
        emu_random_id(rq->request_id, sizeof rq->request_id, "req_011C", 20);
    else
        emu_random_id(rq->request_id, sizeof rq->request_id, rq->provider == EMU_OPENAI ? "req_" : "", 32);

    emu_fault fault = {0};
    int faulted = state_take_fault(rq->path, &fault);
    if (faulted) {
        emu_sleep_ms(fault.delay_ms);
        rq->fault = &fault;
        r->drip_ms = fault.drip_ms;
        if (fault.hang)
            hang(rq->conn);
        if (fault.hang || fault.drop) {
            r->drop = 1;
            fault_free(&fault);
            rq->fault = NULL;
            return;
        }
    }
    if (c->too_large) {
        error_reply(r, rq, 413, NULL);
    } else if (faulted && (fault.status || fault.body_bytes > 0)) {
        fault_reply(r, rq, &fault);
    } else if (rq->provider == EMU_FIREWORKS && fireworks_batch_owns(rq->subpath)) {
        fireworks_batch_handle(r, rq);
    } else if (rq->provider == EMU_ANTHROPIC) {
        anthropic_handle(r, rq);
    } else {
        openai_handle(r, rq);
    }
    rate_limit_headers(r, rq);
    /* the request id header, unless a fault sent its own */
    bool own_id = false;
    for (size_t i = 0; i < r->n_headers; i++)
        own_id |= strcmp(r->header_names[i], "request-id") == 0 || strcmp(r->header_names[i], "x-request-id") == 0;
    if (rq->provider == EMU_ANTHROPIC && !own_id)
        reply_header(r, "request-id", rq->request_id);
    else if (rq->provider == EMU_OPENAI && !own_id)
        reply_header(r, "x-request-id", rq->request_id);
    rq->fault = NULL;
    if (faulted)
        fault_free(&fault);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)cls;
    (void)version;
    conn_ctx *c = *con_cls;
    if (!c)
        return MHD_NO;
    if (!c->started) {
        c->started = 1;
        return MHD_YES; /* the body, if any, comes in the next calls */
    }
    if (*upload_data_size > 0) {
        append_body(c, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    emu_request rq = {.conn = conn,
                      .method = method,
                      .path = url,
                      .subpath = url,
                      .provider = EMU_OPENAI,
                      .body = c->body ? c->body : "",
                      .body_len = c->len};
    emu_reply reply = {0};
    dispatch(&reply, &rq, c);
    enum MHD_Result ret = send_reply(conn, &reply);
    reply_free(&reply);
    return ret;
}

/* libmicrohttpd's error log, minus the lines our own drop and hang faults cause on purpose. */
static void log_error(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    if (strcasestr(line, "application reported"))
        return;
    fputs(line, stderr);
}

struct MHD_Daemon *server_start(unsigned short port, unsigned threads, const char *tls_cert_pem,
                                const char *tls_key_pem)
{
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* loopback only, always */

    /* Thread per connection by default: a paced stream may sleep without stalling anyone else.
   * A fixed pool (--threads N) is faster for benchmarks that do not pace streams. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (threads == 0)
        flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
    else
        flags |= MHD_USE_EPOLL;
    struct MHD_OptionItem opts[10];
    size_t n = 0;
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, 4096, NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL};
    if (threads > 1)
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, threads, NULL};
    if (tls_cert_pem && tls_key_pem) {
        flags |= MHD_USE_TLS;
        /* libmicrohttpd only reads these pointers; the cast drops const for its void * slot. */
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)(uintptr_t)tls_cert_pem};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)(uintptr_t)tls_key_pem};
        serving_tls = 1;
    }
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    return MHD_start_daemon(flags, port, NULL, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, log_error,
                            NULL, /* first, or MHD complains */
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
}

unsigned short server_port(struct MHD_Daemon *d)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}
