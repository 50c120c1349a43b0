/* SPDX-License-Identifier: MIT */
/* The OpenAI Batch API, for the generic OpenAI provider and Cerebras: files (multipart upload
 * with a purpose, retrieve, content) and batches (create on an uploaded JSONL file, retrieve,
 * list, cancel). Each input line is answered at creation exactly as /v1/chat/completions would,
 * into the output file (2xx) or the error file; the batch walks validating → in_progress →
 * finalizing → completed over the create request's x-emulator-batch-delay-ms (0: completed at
 * the first read). Input that does not validate fails the whole batch with errors.data, as the
 * service does; x-emulator-batch-expire: ID1,ID2 makes the batch expire without those ids. */
#define _POSIX_C_SOURCE 200809L
#include "openai.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct efile {
    char id[40];
    char purpose[24];
    char filename[128];
    char *content;
    size_t len;
    long long created;
} efile;

typedef struct ebatch {
    char id[40];
    char input_file_id[40], output_file_id[40], error_file_id[40];
    char *endpoint;
    long long created, delay_ms, cancelled_ms;
    size_t total, completed, failed;
    int expired;        /* ends "expired" */
    json_t *validation; /* errors.data when the input did not validate, else NULL */
} ebatch;

typedef struct textbuf {
    char *data;
    size_t len, cap;
} textbuf;

static void buf_add(textbuf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *grown = realloc(b->data, cap);
        if (!grown)
            return;
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n + 1);
    b->len += n;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static efile *files;
static size_t n_files, cap_files;
static ebatch *batches;
static size_t n_batches, cap_batches;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int openai_batch_owns(const char *subpath)
{
    return strcmp(subpath, "/v1/files") == 0 || strncmp(subpath, "/v1/files/", 10) == 0 ||
           strcmp(subpath, "/v1/batches") == 0 || strncmp(subpath, "/v1/batches/", 12) == 0;
}

/* With the lock held. */
static efile *find_file(const char *id)
{
    for (size_t i = 0; i < n_files; i++)
        if (strcmp(files[i].id, id) == 0)
            return &files[i];
    return NULL;
}

static ebatch *find_batch(const char *id)
{
    for (size_t i = 0; i < n_batches; i++)
        if (strcmp(batches[i].id, id) == 0)
            return &batches[i];
    return NULL;
}

/* A new file (lock held); its content is taken. */
static efile *add_file(const char *purpose, const char *filename, char *content, size_t len)
{
    if (n_files == cap_files) {
        size_t cap = cap_files ? cap_files * 2 : 16;
        efile *grown = realloc(files, cap * sizeof *grown);
        if (!grown)
            return NULL;
        files = grown;
        cap_files = cap;
    }
    efile *f = &files[n_files++];
    memset(f, 0, sizeof *f);
    emu_random_id(f->id, sizeof f->id, "file-", 22);
    snprintf(f->purpose, sizeof f->purpose, "%s", purpose);
    snprintf(f->filename, sizeof f->filename, "%s", filename);
    f->content = content;
    f->len = len;
    f->created = now_ms() / 1000;
    return f;
}

static json_t *file_json(const efile *f)
{
    return json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:n, s:n}", "id", f->id, "object", "file", "bytes",
                     (json_int_t)f->len, "created_at", (json_int_t)f->created, "filename", f->filename, "purpose",
                     f->purpose, "status", "processed", "expires_at", "status_details");
}

/* The value of multipart field `name` (start, length), or -1. */
static int multipart_field(const emu_request *rq, const char *name, const char **start, size_t *len, char *filename,
                           size_t fsize)
{
    const char *ct = req_header(rq, "content-type");
    const char *b = ct ? strstr(ct, "boundary=") : NULL;
    if (!b)
        return -1;
    char delim[200], disp[200];
    snprintf(delim, sizeof delim, "--%s", b + 9);
    snprintf(disp, sizeof disp, "name=\"%s\"", name);
    const char *end = rq->body + rq->body_len;
    size_t dlen = strlen(delim);
    for (const char *p = rq->body; p + dlen <= end; p++) {
        if (memcmp(p, delim, dlen) != 0)
            continue;
        const char *head = p + dlen, *body = NULL;
        for (const char *q = head; q + 4 <= end; q++)
            if (memcmp(q, "\r\n\r\n", 4) == 0) {
                body = q + 4;
                break;
            }
        if (!body)
            return -1;
        char header[512];
        size_t hn = (size_t)(body - head) < sizeof header - 1 ? (size_t)(body - head) : sizeof header - 1;
        memcpy(header, head, hn);
        header[hn] = '\0';
        if (!strstr(header, disp))
            continue;
        const char *fn = strstr(header, "filename=\"");
        if (fn && filename)
            snprintf(filename, fsize, "%.*s", (int)strcspn(fn + 10, "\""), fn + 10);
        for (const char *q = body; q + dlen + 2 <= end; q++)
            if (q[0] == '\r' && q[1] == '\n' && memcmp(q + 2, delim, dlen) == 0) {
                *start = body;
                *len = (size_t)(q - body);
                return 0;
            }
        return -1;
    }
    return -1;
}

static void upload(emu_reply *r, const emu_request *rq)
{
    const char *pv, *fv;
    size_t pn, fn;
    char filename[128] = "upload.jsonl";
    if (multipart_field(rq, "purpose", &pv, &pn, NULL, 0) != 0) {
        error_param(r, rq, 400, "Missing required parameter: 'purpose'.", "purpose", "missing_required_parameter");
        return;
    }
    char purpose[32];
    snprintf(purpose, sizeof purpose, "%.*s", (int)pn, pv);
    if (strcmp(purpose, "batch") != 0 && strcmp(purpose, "user_data") != 0 && strcmp(purpose, "fine-tune") != 0 &&
        strcmp(purpose, "assistants") != 0 && strcmp(purpose, "vision") != 0 && strcmp(purpose, "evals") != 0) {
        error_param(r, rq, 400, "Invalid value for 'purpose'.", "purpose", "invalid_value");
        return;
    }
    if (multipart_field(rq, "file", &fv, &fn, filename, sizeof filename) != 0) {
        error_param(r, rq, 400, "Missing required parameter: 'file'.", "file", "missing_required_parameter");
        return;
    }
    char *content = malloc(fn + 1);
    if (!content) {
        error_reply(r, rq, 500, NULL);
        return;
    }
    memcpy(content, fv, fn);
    content[fn] = '\0';
    pthread_mutex_lock(&lock);
    efile *f = add_file(purpose, filename, content, fn);
    json_t *out = f ? file_json(f) : NULL;
    pthread_mutex_unlock(&lock);
    if (!out) {
        free(content);
        error_reply(r, rq, 500, NULL);
        return;
    }
    reply_json(r, 200, out);
}

static const char *batch_status(const ebatch *b, long long now)
{
    if (b->validation)
        return "failed";
    if (b->cancelled_ms)
        return now - b->cancelled_ms > 0 || b->delay_ms == 0 ? "cancelled" : "cancelling";
    long long t = now - b->created;
    if (t < 0 || (b->delay_ms > 0 && t < b->delay_ms * 2 / 10))
        return "validating";
    if (t < b->delay_ms * 9 / 10)
        return "in_progress";
    if (t < b->delay_ms)
        return "finalizing";
    return b->expired ? "expired" : "completed";
}

static json_t *batch_json(const ebatch *b, long long now, int just_created)
{
    const char *status = just_created ? (b->validation ? "failed" : "validating") : batch_status(b, now);
    int done = strcmp(status, "completed") == 0 || strcmp(status, "expired") == 0;
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", b->id, "object", "batch", "endpoint",
                          b->endpoint, "input_file_id", b->input_file_id, "completion_window", "24h", "status", status,
                          "created_at", (json_int_t)(b->created / 1000));
    json_object_set_new(o, "output_file_id",
                        done && b->output_file_id[0] ? json_string(b->output_file_id) : json_null());
    json_object_set_new(o, "error_file_id", done && b->error_file_id[0] ? json_string(b->error_file_id) : json_null());
    json_object_set_new(o, "errors",
                        b->validation ? json_pack("{s:s, s:O}", "object", "list", "data", b->validation) : json_null());
    json_object_set_new(o, "in_progress_at", json_null());
    json_object_set_new(o, "expires_at", json_integer(b->created / 1000 + 86400));
    json_object_set_new(o, "completed_at", strcmp(status, "completed") == 0 ? json_integer(now / 1000) : json_null());
    json_object_set_new(o, "failed_at", b->validation ? json_integer(b->created / 1000) : json_null());
    json_object_set_new(o, "expired_at", strcmp(status, "expired") == 0 ? json_integer(now / 1000) : json_null());
    json_object_set_new(o, "cancelling_at", b->cancelled_ms ? json_integer(b->cancelled_ms / 1000) : json_null());
    json_object_set_new(o, "cancelled_at",
                        strcmp(status, "cancelled") == 0 ? json_integer(b->cancelled_ms / 1000) : json_null());
    size_t total = b->validation || just_created ? 0 : b->total;
    json_object_set_new(o, "request_counts",
                        json_pack("{s:I, s:I, s:I}", "total", (json_int_t)total, "completed",
                                  (json_int_t)(done ? b->completed : 0), "failed", (json_int_t)(done ? b->failed : 0)));
    json_object_set_new(o, "metadata", json_null());
    return o;
}

/* Validate every line; the errors.data of a batch that fails, or NULL. */
static json_t *validate(const efile *f, const char *endpoint)
{
    json_t *errors = json_array();
    json_t *seen = json_object();
    size_t lineno = 0;
    for (const char *p = f->content; p < f->content + f->len;) {
        const char *nl = memchr(p, '\n', (size_t)(f->content + f->len - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(f->content + f->len - p);
        lineno++;
        if (n > 0) {
            json_t *line = json_loadb(p, n, 0, NULL);
            const char *id = json_string_value(json_object_get(line, "custom_id"));
            const char *url = json_string_value(json_object_get(line, "url"));
            const char *problem =
                !line ? "Invalid JSON line."
                : !id ? "Missing required parameter: 'custom_id'."
                : json_object_get(seen, id)
                    ? "The custom_id for this request is a duplicate of another request. The custom_id parameter must be unique for each request in a batch."
                : !url || strcmp(url, endpoint) != 0
                    ? "The URL provided for this request does not match the batch endpoint."
                : !json_is_object(json_object_get(line, "body")) ? "Missing required parameter: 'body'."
                                                                 : NULL;
            if (problem)
                json_array_append_new(errors, json_pack("{s:s, s:I, s:s, s:n}", "code", "invalid_request", "line",
                                                        (json_int_t)lineno, "message", problem, "param"));
            if (id)
                json_object_set_new(seen, id, json_true());
            json_decref(line);
        }
        p += n + 1;
    }
    json_decref(seen);
    if (json_array_size(errors) == 0) {
        json_decref(errors);
        return NULL;
    }
    return errors;
}

static int listed(const char *list, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, id, n) == 0)
            return 1;
        p += len + (comma ? 1 : 0);
    }
    return 0;
}

/* Answer every line now, into an output and an error file (lock held). */
static void run_lines(const emu_request *rq, ebatch *b, const efile *in)
{
    textbuf out = {0}, errs = {0};
    const char *expire = req_header(rq, "x-emulator-batch-expire");
    /* the file's bytes, not the file: adding the output files may move the array */
    const char *text = in->content, *end = in->content + in->len;
    for (const char *p = text; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        json_t *line = n ? json_loadb(p, n, 0, NULL) : NULL;
        p += n + 1;
        if (!line)
            continue;
        const char *id = json_string_value(json_object_get(line, "custom_id"));
        b->total++;
        if (expire && listed(expire, id)) {
            b->expired = 1; /* the 24 hours ran out before this one */
            json_decref(line);
            continue;
        }
        json_t *answer = NULL;
        unsigned status = openai_answer(rq, json_object_get(line, "body"), &answer);
        char rid[40], lid[40];
        emu_random_id(rid, sizeof rid, "req_", 32);
        emu_random_id(lid, sizeof lid, "batch_req_", 24);
        json_t *result =
            json_pack("{s:s, s:s, s:{s:i, s:s, s:o}, s:n}", "id", lid, "custom_id", id, "response", "status_code",
                      (int)status, "request_id", rid, "body", answer ? answer : json_object(), "error");
        char *dumped = json_dumps(result, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(result);
        textbuf *dst = status >= 200 && status < 300 ? &out : &errs;
        if (status >= 200 && status < 300)
            b->completed++;
        else
            b->failed++;
        buf_add(dst, dumped ? dumped : "{}");
        buf_add(dst, "\n");
        free(dumped);
        json_decref(line);
    }
    if (out.len) {
        efile *f = add_file("batch_output", "batch_output.jsonl", out.data, out.len);
        if (f)
            snprintf(b->output_file_id, sizeof b->output_file_id, "%s", f->id);
    } else {
        free(out.data);
    }
    if (errs.len) {
        efile *f = add_file("batch_output", "batch_errors.jsonl", errs.data, errs.len);
        if (f)
            snprintf(b->error_file_id, sizeof b->error_file_id, "%s", f->id);
    } else {
        free(errs.data);
    }
}

static void create(emu_reply *r, const emu_request *rq)
{
    json_t *body = json_loadb(rq->body, rq->body_len, 0, NULL);
    const char *file_id = json_string_value(json_object_get(body, "input_file_id"));
    const char *endpoint = json_string_value(json_object_get(body, "endpoint"));
    const char *window = json_string_value(json_object_get(body, "completion_window"));
    if (!file_id || !endpoint || !window) {
        error_param(r, rq, 400,
                    !file_id    ? "Missing required parameter: 'input_file_id'."
                    : !endpoint ? "Missing required parameter: 'endpoint'."
                                : "Missing required parameter: 'completion_window'.",
                    !file_id    ? "input_file_id"
                    : !endpoint ? "endpoint"
                                : "completion_window",
                    "missing_required_parameter");
        json_decref(body);
        return;
    }
    if (strcmp(window, "24h") != 0) {
        char msg[200];
        snprintf(msg, sizeof msg, "Invalid value: '%.40s'. Supported values are: '24h'.", window);
        error_param(r, rq, 400, msg, "completion_window", "invalid_value");
        json_decref(body);
        return;
    }
    if (strcmp(endpoint, "/v1/chat/completions") != 0) {
        error_param(r, rq, 400, "Invalid value for 'endpoint'.", "endpoint", "invalid_value");
        json_decref(body);
        return;
    }
    pthread_mutex_lock(&lock);
    efile *in = find_file(file_id);
    if (!in || strcmp(in->purpose, "batch") != 0) {
        pthread_mutex_unlock(&lock);
        char msg[160];
        snprintf(msg, sizeof msg, "No such File object: %.60s", file_id);
        error_param(r, rq, 404, msg, "id", NULL);
        json_decref(body);
        return;
    }
    if (n_batches == cap_batches) {
        size_t cap = cap_batches ? cap_batches * 2 : 8;
        ebatch *grown = realloc(batches, cap * sizeof *grown);
        if (!grown) {
            pthread_mutex_unlock(&lock);
            error_reply(r, rq, 500, NULL);
            json_decref(body);
            return;
        }
        batches = grown;
        cap_batches = cap;
    }
    ebatch *b = &batches[n_batches++];
    memset(b, 0, sizeof *b);
    emu_random_id(b->id, sizeof b->id, "batch_", 24);
    snprintf(b->input_file_id, sizeof b->input_file_id, "%s", file_id);
    b->endpoint = strdup(endpoint);
    b->created = now_ms();
    const char *delay = req_header(rq, "x-emulator-batch-delay-ms");
    b->delay_ms = delay ? strtoll(delay, NULL, 10) : 0;
    b->validation = validate(in, endpoint);
    if (!b->validation)
        run_lines(rq, b, in);
    json_t *out = batch_json(b, b->created, 1);
    pthread_mutex_unlock(&lock);
    reply_json(r, 200, out);
    json_decref(body);
}

static void content(emu_reply *r, const emu_request *rq, const char *id)
{
    pthread_mutex_lock(&lock);
    efile *f = find_file(id);
    if (f)
        reply_text(r, 200, "application/octet-stream", f->content, f->len);
    pthread_mutex_unlock(&lock);
    if (!f) {
        char msg[160];
        snprintf(msg, sizeof msg, "No such File object: %.60s", id);
        error_param(r, rq, 404, msg, "id", NULL);
    }
}

void openai_batch_handle(emu_reply *r, const emu_request *rq)
{
    const char *p = rq->subpath;
    int get = strcmp(rq->method, "GET") == 0, post = strcmp(rq->method, "POST") == 0;
    char id[64] = "", rest[32] = "";
    if (post && strcmp(p, "/v1/files") == 0) {
        upload(r, rq);
        return;
    }
    if (post && strcmp(p, "/v1/batches") == 0) {
        create(r, rq);
        return;
    }
    if (sscanf(p, "/v1/files/%63[^/]/%31s", id, rest) >= 1 && strncmp(p, "/v1/files/", 10) == 0) {
        if (get && strcmp(rest, "content") == 0) {
            content(r, rq, id);
            return;
        }
        pthread_mutex_lock(&lock);
        efile *f = get && !rest[0] ? find_file(id) : NULL;
        json_t *out = f ? file_json(f) : NULL;
        pthread_mutex_unlock(&lock);
        if (out)
            reply_json(r, 200, out);
        else
            error_reply(r, rq, 404, "No such File object");
        return;
    }
    if (sscanf(p, "/v1/batches/%63[^/]/%31s", id, rest) >= 1 && strncmp(p, "/v1/batches/", 12) == 0) {
        long long now = now_ms();
        pthread_mutex_lock(&lock);
        ebatch *b = find_batch(id);
        json_t *out = NULL;
        if (b && post && strcmp(rest, "cancel") == 0) {
            const char *st = batch_status(b, now);
            if (strcmp(st, "completed") != 0 && strcmp(st, "failed") != 0 && strcmp(st, "expired") != 0 &&
                !b->cancelled_ms) {
                b->cancelled_ms = now;
                /* nothing was processed yet: a cancelled batch's files are empty */
                b->output_file_id[0] = b->error_file_id[0] = '\0';
                b->completed = b->failed = 0;
            }
            out = batch_json(b, now, 0);
            json_object_set_new(out, "status", json_string(b->delay_ms ? "cancelling" : "cancelled"));
        } else if (b && get && !rest[0]) {
            out = batch_json(b, now, 0);
        }
        pthread_mutex_unlock(&lock);
        if (out)
            reply_json(r, 200, out);
        else {
            char msg[160];
            snprintf(msg, sizeof msg, "No batch found with id '%.60s'.", id);
            error_param(r, rq, 404, msg, NULL, NULL);
        }
        return;
    }
    if (get && strcmp(p, "/v1/batches") == 0) {
        pthread_mutex_lock(&lock);
        json_t *data = json_array();
        long long now = now_ms();
        for (size_t i = n_batches; i-- > 0;)
            json_array_append_new(data, batch_json(&batches[i], now, 0));
        pthread_mutex_unlock(&lock);
        json_t *page = json_pack("{s:s, s:o, s:b}", "object", "list", "data", data, "has_more", 0);
        json_object_set_new(page, "first_id",
                            json_array_size(data) ? json_incref(json_object_get(json_array_get(data, 0), "id"))
                                                  : json_null());
        json_object_set_new(page, "last_id",
                            json_array_size(data)
                                ? json_incref(json_object_get(json_array_get(data, json_array_size(data) - 1), "id"))
                                : json_null());
        reply_json(r, 200, page);
        return;
    }
    error_reply(r, rq, 404, "Not Found");
}
