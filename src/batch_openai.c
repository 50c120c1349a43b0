/* SPDX-License-Identifier: MIT */
/*
 * batch_openai.c — the OpenAI Batch API, for the endpoints that serve it (OpenAI, Groq, Cerebras'
 * preview, other OpenAI-compatible servers): the input uploaded as a JSONL file (POST /files,
 * purpose "batch"), a batch created on it (POST /batches), polled until it ends, and its output and
 * error files read back by custom_id. The remote id is "PROVIDER/batch_…", so a later
 * `--resume` knows where to look; it is recorded in OUT.remote (br_record) the moment the batch
 * exists, as for the other engines. Every exchange goes through rsend().
 */
#include "batch_remote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ENDPOINT "/v1/chat/completions"

/* The batch's own id: the remote id without its "PROVIDER/". */
static const char *api_id(const remote *rm)
{
    const char *slash = strchr(rm->b->remote_id, '/');
    return slash ? slash + 1 : rm->b->remote_id;
}

static char *url_of(remote *rm, const char *fmt, const char *id)
{
    char path[400];
    snprintf(path, sizeof path, fmt, id);
    return llmc_join_url(rm->base, path);
}

/* The multipart body: purpose=batch and the JSONL of every request not done yet. */
static llmc_code upload_body(remote *rm, const char *boundary, llmc_buf *out, size_t *count, llmc_error *err)
{
    bool oom =
        llmc_buf_append_str(out, "--") < 0 || llmc_buf_append_str(out, boundary) < 0 ||
        llmc_buf_append_str(out, "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--") < 0 ||
        llmc_buf_append_str(out, boundary) < 0 ||
        llmc_buf_append_str(out,
                            "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"llmc-batch.jsonl\"\r\n"
                            "Content-Type: application/jsonl\r\n\r\n") < 0;
    *count = 0;
    for (size_t i = 0; i < rm->in->n && !oom; i++) {
        bi_item *it = &rm->in->items[i];
        if (it->done)
            continue;
        json_t *body = json_loadb(it->body, it->body_len, 0, NULL);
        json_t *line = body ? json_pack("{s:s, s:s, s:s, s:o}", "custom_id", it->custom_id, "method", "POST", "url",
                                        ENDPOINT, "body", body)
                            : NULL;
        char *text = line ? llmc_json_dump(line, JSON_COMPACT) : NULL;
        json_decref(line);
        oom = !text || llmc_buf_append_str(out, text) < 0 || llmc_buf_append_str(out, "\n") < 0;
        free(text);
        (*count)++;
    }
    if (oom || llmc_buf_append_str(out, "\r\n--") < 0 || llmc_buf_append_str(out, boundary) < 0 ||
        llmc_buf_append_str(out, "--\r\n") < 0)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    return LLMC_OK;
}

llmc_code br_openai_create(remote *rm, llmc_error *err)
{
    const char *provider = rm->call.endpoint->name;
    char boundary[64];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(boundary, sizeof boundary, "llmc-%lx-%lx", (unsigned long)ts.tv_sec,
             (unsigned long)(ts.tv_nsec ^ (long)getpid()));
    llmc_buf upload = {0};
    size_t count = 0;
    json_t *file = NULL, *batch = NULL;
    char *url = NULL, *body = NULL;
    llmc_code rc = upload_body(rm, boundary, &upload, &count, err);
    if (rc != LLMC_OK)
        goto done;
    if (count > 50000) {
        rc = llmc_error_set(err, LLMC_E_INVALID_ARG,
                            "the OpenAI Batch API takes at most 50,000 requests a batch; this input has %zu left to "
                            "run (split it)",
                            count);
        goto done;
    }
    /* 1. the input file */
    char ctype[120];
    snprintf(ctype, sizeof ctype, "content-type: multipart/form-data; boundary=%s", boundary);
    const char *mp_headers[] = {ctype, "accept: application/json", NULL};
    const char **hl = llmc_batch_header_list(rm->b, mp_headers);
    url = llmc_join_url(rm->base, "/files");
    if (!url || !hl) {
        free(hl);
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        goto done;
    }
    rc = rsend(rm, "POST", url, hl, upload.data, upload.len, true, &file, NULL, err);
    free(hl);
    free(url);
    url = NULL;
    if (rc != LLMC_OK)
        goto done;
    const char *file_id = json_string_value(json_object_get(file, "id"));
    if (!file_id || !*file_id) {
        rc = llmc_error_set(err, LLMC_E_PROTOCOL, "%s took the batch input but gave no file id", provider);
        goto done;
    }
    /* 2. the batch */
    json_t *create = json_pack("{s:s, s:s, s:s, s:{s:s}}", "input_file_id", file_id, "endpoint", ENDPOINT,
                               "completion_window", "24h", "metadata", "created_by", "llmc");
    body = create ? llmc_json_dump(create, JSON_COMPACT) : NULL;
    json_decref(create);
    url = llmc_join_url(rm->base, "/batches");
    if (!body || !url) {
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        goto done;
    }
    if ((rc = rsend(rm, "POST", url, NULL, body, strlen(body), true, &batch, NULL, err)) != LLMC_OK)
        goto done;
    const char *id = json_string_value(json_object_get(batch, "id"));
    if (!id || !*id || strpbrk(id, "/?#% .") || strlen(provider) + strlen(id) + 2 > sizeof rm->b->remote_id) {
        rc = llmc_error_set(err, LLMC_E_PROTOCOL, "%s created a batch without a usable id", provider);
        goto done;
    }
    size_t plen = strlen(provider);
    memcpy(rm->b->remote_id, provider, plen);
    rm->b->remote_id[plen] = '/';
    memcpy(rm->b->remote_id + plen + 1, id, strlen(id) + 1); /* fits: checked above */
    llmc_logf(&rm->b->client->log, LLMC_LOG_INFO, "batch: created %s with %zu requests (input file %s)",
              rm->b->remote_id, count, file_id);
    /* durable before anyone is told: a run killed from here on is resumed, not submitted again */
    rc = br_record(rm, err);
    br_set_status(rm, json_string_value(json_object_get(batch, "status")));
done:
    json_decref(file);
    json_decref(batch);
    free(url);
    free(body);
    llmc_buf_free(&upload);
    return rc;
}

llmc_code br_openai_wait(remote *rm, json_t **batch_out, llmc_error *err)
{
    static const char *const done[] = {"completed", "failed", "expired", "cancelled", NULL};
    return br_poll(rm, url_of(rm, "/batches/%s", api_id(rm)), "status", done, batch_out, err);
}

/* One output (or error) file line: {"custom_id","response":{"status_code","body"},"error"}. */
static llmc_code line_of(remote *rm, const char *text, size_t len, llmc_error *err)
{
    json_t *line = llmc_json_loadb(text, len, 0, NULL);
    json_t *idv = json_object_get(line, "custom_id");
    json_t *response = json_object_get(line, "response"), *error = json_object_get(line, "error");
    json_t *body = json_object_get(response, "body");
    long status = llmc_json_long(response, "status_code");
    size_t item;
    bool again;
    llmc_code rc = LLMC_OK;
    const char *provider = rm->call.endpoint->name;
    if (!json_is_string(idv)) {
        json_decref(line);
        return llmc_error_set(err, LLMC_E_PROTOCOL, "%s's batch output holds a line that is not a result", provider);
    }
    const char *id = json_string_value(idv);
    if (!br_wanted(rm, id, json_string_length(idv), &item, &again)) {
        json_decref(line);
        return LLMC_OK;
    }
    if (json_is_object(body) && status >= 200 && status < 300 && (!error || json_is_null(error))) {
        llmc_batch_count_usage(rm->b, body, NULL);
        rc = br_put(rm, item, llmc_batch_success_line(rm->b, id, provider, false, body, NULL, 0, NULL), true, err);
    } else {
        /* the body the endpoint would have answered, or the line's own error object */
        llmc_error e;
        llmc_error_clear(&e);
        json_t *shaped = json_is_object(body)    ? json_incref(body)
                         : json_is_object(error) ? json_pack("{s:O}", "error", error)
                                                 : NULL;
        char *btext = shaped ? llmc_json_dump(shaped, JSON_COMPACT) : NULL;
        json_decref(shaped);
        llmc_error_from_response(status >= 400 && status < 600 ? status : 500, "application/json", btext,
                                 btext ? strlen(btext) : 0, provider, &e);
        free(btext);
        llmc_scrub_error(&e, &rm->call.cred);
        rc = br_put(rm, item, bo_line_errored(id, &e, NULL), false, err);
    }
    json_decref(line);
    return rc;
}

static llmc_code read_file(remote *rm, const char *file_id, llmc_error *err)
{
    if (!file_id || !*file_id || strpbrk(file_id, "/?#% "))
        return LLMC_OK;
    char *url = url_of(rm, "/files/%s/content", file_id);
    if (!url)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    llmc_http_response resp = {0};
    llmc_code rc = rsend(rm, "GET", url, NULL, NULL, 0, true, NULL, &resp, err);
    free(url);
    for (size_t at = 0; rc == LLMC_OK && at < resp.body.len;) {
        const char *line = resp.body.data + at;
        const char *nl = memchr(line, '\n', resp.body.len - at);
        size_t len = nl ? (size_t)(nl - line) : resp.body.len - at;
        at += len + 1;
        if (len > 0 && !(len == 1 && line[0] == '\r'))
            rc = line_of(rm, line, len, err);
    }
    llmc_http_response_free(&resp);
    return rc;
}

llmc_code br_openai_collect(remote *rm, json_t *batch, llmc_error *err)
{
    const char *status = json_string_value(json_object_get(batch, "status"));
    llmc_code rc = read_file(rm, json_string_value(json_object_get(batch, "output_file_id")), err);
    if (rc == LLMC_OK)
        rc = read_file(rm, json_string_value(json_object_get(batch, "error_file_id")), err);
    if (rc != LLMC_OK)
        return rc;
    if (status && strcmp(status, "failed") == 0) {
        /* a batch refused whole (its input did not validate): the reason is in errors.data */
        json_t *first = json_array_get(json_object_get(json_object_get(batch, "errors"), "data"), 0);
        const char *msg = json_string_value(json_object_get(first, "message"));
        char why[600];
        snprintf(why, sizeof why, "the batch failed%s%s", msg ? ": " : "", msg ? msg : "");
        return br_unanswered(rm, "failed", why, LLMC_E_BAD_REQUEST, err);
    }
    if (status && strcmp(status, "cancelled") == 0)
        return br_unanswered(rm, "canceled", "the batch was canceled before this request was processed", LLMC_E_ABORTED,
                             err);
    if (status && strcmp(status, "expired") == 0)
        return br_unanswered(rm, "expired", "the batch expired (24 hours) before this request was processed",
                             LLMC_E_TIMEOUT, err);
    return br_unanswered(rm, "not_returned", "the provider's results did not include this request", LLMC_E_PROTOCOL,
                         err);
}

llmc_code br_openai_cancel(remote *rm, const char *id, llmc_error *err)
{
    (void)id; /* the remote id; api_id() takes the batch's part of it */
    char *url = url_of(rm, "/batches/%s/cancel", api_id(rm));
    json_t *batch = NULL;
    llmc_code rc = url ? rsend(rm, "POST", url, NULL, "{}", 2, true, &batch, NULL, err)
                       : llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    free(url);
    if (rc == LLMC_OK)
        br_set_status(rm, json_string_value(json_object_get(batch, "status")));
    json_decref(batch);
    return rc;
}
