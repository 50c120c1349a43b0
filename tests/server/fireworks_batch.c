/* SPDX-License-Identifier: MIT */
/* Fireworks batch inference: datasets (create, multipart upload, get, download endpoint), jobs
 * (create, get, cancel) whose state walks VALIDATING → PENDING → CREATING → RUNNING → COMPLETED
 * over the create request's x-emulator-batch-delay-ms, and the output JSONL served at a signed URL. */
#define _POSIX_C_SOURCE 200809L
#include "fireworks_batch.h"
#include "conversation.h"
#include "openai.h"
#include "model_table.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct dataset {
    char account[64], id[96];
    char signature[40];
    char *content; /* JSONL; NULL until uploaded (inputs) or the job completed (outputs) */
    size_t len;
    long long examples;
    long long created_ms;
} dataset;

typedef struct job {
    char account[64], id[96];
    char model[256], input[256], output[256]; /* dataset names "accounts/A/datasets/D" */
    long long created_ms, delay_ms, cancel_ms;
    int failed;  /* a model not in the table (or retired): the job fails */
    int written; /* output dataset filled */
} job;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static dataset *datasets;
static size_t n_datasets, cap_datasets;
static job *jobs;
static size_t n_jobs, cap_jobs;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static json_t *rfc3339(long long ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[48];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(buf);
}

int fireworks_batch_owns(const char *subpath)
{
    return strncmp(subpath, "/v1/accounts/", 13) == 0 || strncmp(subpath, "/_signed/", 9) == 0;
}

/* Call with the lock held. */
static dataset *find_dataset(const char *account, const char *id)
{
    for (size_t i = 0; i < n_datasets; i++)
        if (strcmp(datasets[i].account, account) == 0 && strcmp(datasets[i].id, id) == 0)
            return &datasets[i];
    return NULL;
}

static dataset *find_dataset_name(const char *name)
{
    char account[64], id[96];
    if (sscanf(name, "accounts/%63[^/]/datasets/%95s", account, id) != 2)
        return NULL;
    return find_dataset(account, id);
}

static job *find_job(const char *account, const char *id)
{
    for (size_t i = 0; i < n_jobs; i++)
        if (strcmp(jobs[i].account, account) == 0 && strcmp(jobs[i].id, id) == 0)
            return &jobs[i];
    return NULL;
}

static int valid_id(const char *s)
{
    if (!s || !*s || strlen(s) > 63)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return 0;
    return 1;
}

static json_t *dataset_json(const dataset *d)
{
    char name[200];
    snprintf(name, sizeof name, "accounts/%s/datasets/%s", d->account, d->id);
    json_t *o = json_pack("{s:s, s:s, s:o}", "name", name, "state", d->content ? "READY" : "UPLOADING", "createTime",
                          rfc3339(d->created_ms));
    char count[32];
    snprintf(count, sizeof count, "%lld", d->examples);
    json_object_set_new(o, "exampleCount", json_string(count));
    json_object_set_new(o, "userUploaded", json_object());
    return o;
}

static const char *job_state(const job *j, long long now)
{
    if (j->cancel_ms)
        return "JOB_STATE_CANCELLED";
    long long t = now - j->created_ms;
    if (t >= j->delay_ms)
        return j->failed ? "JOB_STATE_FAILED" : "JOB_STATE_COMPLETED";
    double f = j->delay_ms > 0 ? (double)t / (double)j->delay_ms : 1;
    return f < 0.1   ? "JOB_STATE_VALIDATING"
           : f < 0.2 ? "JOB_STATE_PENDING"
           : f < 0.3 ? "JOB_STATE_CREATING"
                     : "JOB_STATE_RUNNING";
}

static json_t *job_json(const job *j, const char *state)
{
    char name[200];
    snprintf(name, sizeof name, "accounts/%s/batchInferenceJobs/%s", j->account, j->id);
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "name", name, "state", state, "model", j->model, "inputDatasetId",
                  j->input, "outputDatasetId", j->output, "createTime", rfc3339(j->created_ms));
    if (strcmp(state, "JOB_STATE_FAILED") == 0)
        json_object_set_new(o, "status",
                            json_pack("{s:s, s:s}", "code", "NOT_FOUND", "message",
                                      "Model not found, inaccessible, and/or not deployed"));
    return o;
}

/* One output line for one input line: a chat completion, as /v1/chat/completions would answer. */
static json_t *answer_line(const emu_request *rq, const char *model, const json_t *in)
{
    const char *custom_id = json_string_value(json_object_get(in, "custom_id"));
    const json_t *body = json_object_get(in, "body");
    const json_t *messages = json_object_get(body, "messages");
    if (!custom_id)
        return NULL;
    if (!json_is_array(messages))
        return json_pack("{s:s, s:{s:i, s:s, s:s}}", "custom_id", custom_id, "error", "code", 400, "type",
                         "invalid_request_error", "message", "messages is required");
    emu_convo c;
    memset(&c, 0, sizeof c);
    c.max_tokens = -1;
    const json_t *max = json_object_get(body, "max_completion_tokens");
    if (!json_is_integer(max))
        max = json_object_get(body, "max_tokens");
    if (json_is_integer(max))
        c.max_tokens = (long)json_integer_value(max);
    size_t i;
    const json_t *m;
    json_array_foreach(messages, i, m)
    {
        const char *role = json_string_value(json_object_get(m, "role"));
        char *text = convo_text_of(json_object_get(m, "content"));
        c.input_tokens += emu_count_words(text);
        if (role && strcmp(role, "user") == 0) {
            free(c.last_user_text);
            c.last_user_text = text;
        } else {
            free(text);
        }
    }
    if (!c.last_user_text)
        c.last_user_text = strdup("");
    c.stop = json_object_get(body, "stop");
    emu_answer a;
    answer_make(&c, &a, EMU_FIREWORKS);
    char id[64];
    openai_id(rq, id, sizeof id);
    json_t *choice = json_pack("{s:i, s:{s:s, s:s}, s:s}", "index", 0, "message", "role", "assistant", "content",
                               a.text, "finish_reason", openai_finish_reason(a.stop));
    json_t *completion = json_pack("{s:s, s:s, s:I, s:s, s:[o], s:o}", "id", id, "object", "chat.completion", "created",
                                   (json_int_t)emu_now(), "model", model, "choices", choice, "usage",
                                   openai_usage(rq, c.input_tokens, a.output_tokens));
    answer_free(&a);
    convo_free(&c);
    return json_pack("{s:s, s:o}", "custom_id", custom_id, "response", completion);
}

/* Fill the output dataset of a completed job. Call with the lock held. */
static void write_output(const emu_request *rq, job *j)
{
    dataset *in = find_dataset_name(j->input), *out = find_dataset_name(j->output);
    if (j->written || !in || !out)
        return;
    j->written = 1;
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    long long count = 0;
    for (const char *p = in->content, *end = in->content + in->len; text && p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        json_t *line = json_loadb(p, n, 0, NULL);
        p += n + 1;
        json_t *result = line ? answer_line(rq, j->model, line) : NULL;
        json_decref(line);
        char *dumped = result ? json_dumps(result, JSON_COMPACT) : NULL;
        json_decref(result);
        if (!dumped)
            continue;
        size_t k = strlen(dumped);
        while (len + k + 2 > cap) {
            char *grown = realloc(text, cap *= 2);
            if (!grown) {
                free(text);
                text = NULL;
                break;
            }
            text = grown;
        }
        if (text) {
            memcpy(text + len, dumped, k);
            len += k;
            text[len++] = '\n';
            count++;
        }
        free(dumped);
    }
    free(out->content);
    out->content = text ? text : strdup("");
    out->len = text ? len : 0;
    out->examples = count;
}

static dataset *add_dataset(const char *account, const char *id)
{
    if (n_datasets == cap_datasets) {
        size_t cap = cap_datasets ? cap_datasets * 2 : 16;
        dataset *grown = realloc(datasets, cap * sizeof *grown);
        if (!grown)
            return NULL;
        datasets = grown;
        cap_datasets = cap;
    }
    dataset *d = &datasets[n_datasets++];
    memset(d, 0, sizeof *d);
    snprintf(d->account, sizeof d->account, "%s", account);
    snprintf(d->id, sizeof d->id, "%s", id);
    emu_random_id(d->signature, sizeof d->signature, "", 32);
    d->created_ms = now_ms();
    return d;
}

static void create_dataset(emu_reply *r, const emu_request *rq, const char *account)
{
    json_t *body = json_loadb(rq->body, rq->body_len, 0, NULL);
    const char *id = json_string_value(json_object_get(body, "datasetId"));
    if (!json_is_object(body) || !valid_id(id)) {
        json_decref(body);
        error_reply(r, rq, 400, "datasetId: 1-63 characters of a-z, 0-9 and -");
        return;
    }
    pthread_mutex_lock(&lock);
    if (find_dataset(account, id)) {
        pthread_mutex_unlock(&lock);
        json_decref(body);
        reply_json(r, 409,
                   json_pack("{s:{s:s, s:s}}", "error", "code", "ALREADY_EXISTS", "message", "dataset already exists"));
        return;
    }
    dataset *d = add_dataset(account, id);
    json_t *o = d ? dataset_json(d) : NULL;
    pthread_mutex_unlock(&lock);
    json_decref(body);
    if (o)
        reply_json(r, 200, o);
    else
        error_reply(r, rq, 500, NULL);
}

/* The file part of a multipart/form-data body. */
static int multipart_file(const emu_request *rq, const char **start, size_t *len)
{
    const char *ct = req_header(rq, "content-type");
    const char *b = ct ? strstr(ct, "boundary=") : NULL;
    if (!b)
        return -1;
    char delim[200];
    snprintf(delim, sizeof delim, "\r\n--%s", b + 9);
    const char *body = rq->body, *end = rq->body + rq->body_len;
    const char *head = strstr(body, "\r\n\r\n");
    if (!head)
        return -1;
    head += 4;
    size_t dlen = strlen(delim);
    for (const char *p = head; p + dlen <= end; p++)
        if (memcmp(p, delim, dlen) == 0) {
            *start = head;
            *len = (size_t)(p - head);
            return 0;
        }
    return -1;
}

static void upload(emu_reply *r, const emu_request *rq, const char *account, const char *id)
{
    const char *file;
    size_t len;
    if (multipart_file(rq, &file, &len) != 0) {
        error_reply(r, rq, 400, "expected a multipart/form-data body with a file");
        return;
    }
    pthread_mutex_lock(&lock);
    dataset *d = find_dataset(account, id);
    if (d) {
        free(d->content);
        d->content = malloc(len + 1);
        if (d->content) {
            memcpy(d->content, file, len);
            d->content[len] = '\0';
            d->len = len;
            d->examples = 0;
            for (size_t i = 0; i < len; i++)
                d->examples += file[i] == '\n';
        }
    }
    pthread_mutex_unlock(&lock);
    if (!d)
        error_reply(r, rq, 404, "dataset not found");
    else
        reply_json(r, 200, json_object());
}

static void download_endpoint(emu_reply *r, const emu_request *rq, const char *account, const char *id)
{
    pthread_mutex_lock(&lock);
    dataset *d = find_dataset(account, id);
    json_t *o = NULL;
    if (d && d->content) {
        const char *host = req_header(rq, "host");
        char url[600];
        snprintf(url, sizeof url, "%s://%s/fireworks/_signed/%s/%s/BIJOutputSet.jsonl?signature=%s", emu_scheme(),
                 host ? host : "127.0.0.1", account, id, d->signature);
        o = json_pack("{s:{s:s}}", "filenameToSignedUrls", "BIJOutputSet.jsonl", url);
    }
    pthread_mutex_unlock(&lock);
    if (!d)
        error_reply(r, rq, 404, "dataset not found");
    else if (!o)
        error_reply(r, rq, 400, "dataset has no files yet");
    else
        reply_json(r, 200, o);
}

static void signed_download(emu_reply *r, const emu_request *rq)
{
    char account[64], id[96];
    const char *sig = req_query(rq, "signature");
    if (sscanf(rq->subpath, "/_signed/%63[^/]/%95[^/]/", account, id) != 2 || !sig) {
        reply_json(r, 403, json_pack("{s:s}", "error", "SignatureDoesNotMatch"));
        return;
    }
    pthread_mutex_lock(&lock);
    dataset *d = find_dataset(account, id);
    if (!d || !d->content || strcmp(d->signature, sig) != 0) {
        pthread_mutex_unlock(&lock);
        reply_json(r, 403, json_pack("{s:s}", "error", "SignatureDoesNotMatch"));
        return;
    }
    reply_text(r, 200, "application/octet-stream", d->content, d->len);
    pthread_mutex_unlock(&lock);
}

static void create_job(emu_reply *r, const emu_request *rq, const char *account)
{
    const char *id = req_query(rq, "batchInferenceJobId");
    json_t *body = json_loadb(rq->body, rq->body_len, 0, NULL);
    const char *model = json_string_value(json_object_get(body, "model"));
    const char *input = json_string_value(json_object_get(body, "inputDatasetId"));
    const char *output = json_string_value(json_object_get(body, "outputDatasetId"));
    char generated[64];
    if (!id) {
        emu_random_id(generated, sizeof generated, "job-", 12);
        for (char *p = generated; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        id = generated;
    }
    if (!json_is_object(body) || !model || !input || !valid_id(id) || strlen(model) >= 256 || strlen(input) >= 256 ||
        (output && strlen(output) >= 256)) {
        json_decref(body);
        error_reply(r, rq, 400, "model and inputDatasetId are required");
        return;
    }
    const char *delay = req_header(rq, "x-emulator-batch-delay-ms");
    pthread_mutex_lock(&lock);
    dataset *in = find_dataset_name(input);
    if (!in || !in->content) {
        pthread_mutex_unlock(&lock);
        json_decref(body);
        error_reply(r, rq, 400, "inputDatasetId: dataset not found or not uploaded");
        return;
    }
    if (find_job(account, id)) {
        pthread_mutex_unlock(&lock);
        json_decref(body);
        reply_json(r, 409,
                   json_pack("{s:{s:s, s:s}}", "error", "code", "ALREADY_EXISTS", "message", "job already exists"));
        return;
    }
    char out_name[256];
    if (output) {
        snprintf(out_name, sizeof out_name, "%s", output);
    } else {
        snprintf(out_name, sizeof out_name, "accounts/%s/datasets/%s-output", account, id);
    }
    char oa[64], oid[96];
    if (sscanf(out_name, "accounts/%63[^/]/datasets/%95s", oa, oid) == 2 && !find_dataset(oa, oid))
        add_dataset(oa, oid);
    if (n_jobs == cap_jobs) {
        size_t cap = cap_jobs ? cap_jobs * 2 : 16;
        job *grown = realloc(jobs, cap * sizeof *grown);
        if (!grown) {
            pthread_mutex_unlock(&lock);
            json_decref(body);
            error_reply(r, rq, 500, NULL);
            return;
        }
        jobs = grown;
        cap_jobs = cap;
    }
    job *j = &jobs[n_jobs++];
    memset(j, 0, sizeof *j);
    snprintf(j->account, sizeof j->account, "%s", account);
    snprintf(j->id, sizeof j->id, "%s", id);
    snprintf(j->model, sizeof j->model, "%s", model);
    snprintf(j->input, sizeof j->input, "%s", input);
    snprintf(j->output, sizeof j->output, "%s", out_name);
    j->created_ms = now_ms();
    j->delay_ms = delay ? atoll(delay) : 0;
    const emu_model *m = emu_model_find(EMU_FIREWORKS, model);
    j->failed = !m || m->state == EMU_MODEL_RETIRED; /* a model Fireworks does not serve fails the job */
    /* the create answer always reads VALIDATING, as the real service answers it */
    json_t *o = job_json(j, "JOB_STATE_VALIDATING");
    pthread_mutex_unlock(&lock);
    json_decref(body);
    reply_json(r, 200, o);
}

static void job_get_or_cancel(emu_reply *r, const emu_request *rq, const char *account, const char *id, int cancel)
{
    pthread_mutex_lock(&lock);
    job *j = find_job(account, id);
    if (!j) {
        pthread_mutex_unlock(&lock);
        error_reply(r, rq, 404, "batch inference job not found");
        return;
    }
    long long now = now_ms();
    const char *state = job_state(j, now);
    if (cancel && strcmp(state, "JOB_STATE_COMPLETED") != 0 && strcmp(state, "JOB_STATE_FAILED") != 0) {
        j->cancel_ms = now;
        state = job_state(j, now);
    }
    if (strcmp(state, "JOB_STATE_COMPLETED") == 0)
        write_output(rq, j);
    json_t *o = job_json(j, state);
    pthread_mutex_unlock(&lock);
    reply_json(r, 200, o);
}

void fireworks_batch_handle(emu_reply *r, const emu_request *rq)
{
    if (strncmp(rq->subpath, "/_signed/", 9) == 0) {
        if (strcmp(rq->method, "GET") == 0)
            signed_download(r, rq);
        else
            error_reply(r, rq, 405, NULL);
        return;
    }
    if (auth_check(r, rq) != 0)
        return;
    int get = strcmp(rq->method, "GET") == 0, post = strcmp(rq->method, "POST") == 0;
    char account[64] = "", kind[32] = "", rest[160] = "";
    /* /v1/accounts/{account}/{kind}[/{rest}] */
    int n = sscanf(rq->subpath, "/v1/accounts/%63[^/]/%31[^/]/%159s", account, kind, rest);
    if (n < 2) {
        error_reply(r, rq, 404, "Not Found");
        return;
    }
    char *action = strchr(rest, ':'); /* "{id}:upload", "{id}:cancel", "{id}:getDownloadEndpoint" */
    if (action)
        *action++ = '\0';
    if (strcmp(kind, "datasets") == 0) {
        if (n == 2 && post)
            create_dataset(r, rq, account);
        else if (n == 3 && post && action && strcmp(action, "upload") == 0)
            upload(r, rq, account, rest);
        else if (n == 3 && get && action && strcmp(action, "getDownloadEndpoint") == 0)
            download_endpoint(r, rq, account, rest);
        else if (n == 3 && get && !action) {
            pthread_mutex_lock(&lock);
            dataset *d = find_dataset(account, rest);
            json_t *o = d ? dataset_json(d) : NULL;
            pthread_mutex_unlock(&lock);
            if (o)
                reply_json(r, 200, o);
            else
                error_reply(r, rq, 404, "dataset not found");
        } else
            error_reply(r, rq, 404, "Not Found");
    } else if (strcmp(kind, "batchInferenceJobs") == 0) {
        if (n == 2 && post)
            create_job(r, rq, account);
        else if (n == 3 && get && !action)
            job_get_or_cancel(r, rq, account, rest, 0);
        else if (n == 3 && post && action && strcmp(action, "cancel") == 0)
            job_get_or_cancel(r, rq, account, rest, 1);
        else
            error_reply(r, rq, 404, "Not Found");
    } else {
        error_reply(r, rq, 404, "Not Found");
    }
}
