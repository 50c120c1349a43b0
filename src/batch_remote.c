/* SPDX-License-Identifier: MIT */
/*
 * batch_remote.c — batches run by the providers' own engines: Anthropic Message Batches (create,
 * poll, results JSONL by custom_id, cancel) and Fireworks batch inference jobs (dataset create
 * and upload, job create, poll, signed download); the OpenAI Batch API is in batch_openai.c.
 * Results land in the local runner's format. The id of a batch is recorded beside the output
 * (OUT.remote, batch_sidecar.c) the moment it is created, whatever the engine, so that a rerun of
 * the same command resumes it rather than submitting again.
 */
#include "batch_remote.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- one authenticated exchange ---- */

llmc_code rsend(remote *rm, const char *method, const char *url, const char *const *headers, const char *body,
                size_t len, bool with_key, json_t **json_out, llmc_http_response *resp, llmc_error *err)
{
    llmc_http_response local = {0};
    llmc_http_response *rp = resp ? resp : &local;
    if (json_out)
        *json_out = NULL;
    llmc_logf(&rm->b->client->log, LLMC_LOG_INFO, "batch: %s %s", method, url);
    llmc_code rc =
        llmc_engine_send(rm->b->client->engine, &rm->call, method, url, body, len, headers, with_key, rp, err);
    if (rc == LLMC_OK && json_out) {
        *json_out = llmc_json_parse(rp->body.data, rp->body.len, url, err);
        if (!*json_out)
            rc = err ? err->code : LLMC_E_PROTOCOL;
    }
    llmc_scrub_error(err, &rm->call.cred);
    if (!resp)
        llmc_http_response_free(&local);
    return rc;
}

static void remote_close(remote *rm, llmc_error *err)
{
    if (rm->live)
        llmc_call_finish(&rm->call, err);
    rm->live = false;
    free(rm->headers);
    rm->headers = NULL;
    if (rm->out_open)
        bo_close(&rm->out);
    rm->out_open = false;
    json_decref(rm->seen);
    rm->seen = NULL;
}

static llmc_code remote_open(remote *rm, llmc_batch *b, remote_kind kind, const char *provider, llmc_error *err)
{
    memset(rm, 0, sizeof *rm);
    rm->b = b;
    rm->kind = kind;
    rm->out.fd = -1;
    rm->start = llmc_now_s();
    if (!(rm->seen = json_object()))
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    /* Anthropic and Fireworks: the built-in provider whose engine this is (the provider table says
     * which); the OpenAI Batch API: the endpoint named, when the table gives it that engine */
    llmc_batch_engine engine = kind == REMOTE_ANTHROPIC   ? LLMC_BATCH_ANTHROPIC
                               : kind == REMOTE_FIREWORKS ? LLMC_BATCH_FIREWORKS
                                                          : LLMC_BATCH_OPENAI;
    llmc_endpoint *ep = NULL;
    if (kind == REMOTE_OPENAI) {
        ep = provider ? llmc_client_endpoint(b->client, provider, strlen(provider)) : NULL;
        if (ep && ep->info.batch_engine != engine)
            ep = NULL;
    } else {
        for (size_t i = 0; i < b->client->n_endpoints && !ep; i++)
            if (b->client->endpoints[i].info.batch_engine == engine && llmc_provider_find(b->client->endpoints[i].name))
                ep = &b->client->endpoints[i];
    }
    if (!ep)
        return llmc_error_set(err, LLMC_E_CONFIG, "the client knows no provider with this batch engine");
    const char *name = ep->name;
    rm->call.client = b->client;
    rm->call.endpoint = ep;
    rm->live = true;
    if (err)
        llmc_strlcpy(err->provider, name, sizeof err->provider);
    llmc_code rc = llmc_credential_resolve(ep, b->client->use_store, &rm->call.cred, err);
    if (rc != LLMC_OK)
        return rc;
    llmc_transport_opts_for(b->client, ep, &rm->call.opts);
    rm->call.opts.max_body = REMOTE_MAX_BODY;
    rm->call.opts.compress = true; /* results files are large and compress well */
    llmc_strlcpy(rm->base, llmc_endpoint_base_url(ep), sizeof rm->base);
    size_t n = strlen(rm->base);
    while (n > 0 && rm->base[n - 1] == '/')
        rm->base[--n] = '\0';
    if (kind == REMOTE_OPENAI) {
        /* the API's root: where chat/completions lives, e.g. ".../v1" (OpenAI's base URL holds the
         * /v1 already; Cerebras' does not and its path adds it) */
        const char *path = ep->info.messages_path;
        size_t plen = strlen(path), tail = strlen("/chat/completions");
        if (plen >= tail && strcmp(path + plen - tail, "/chat/completions") == 0 && n + plen - tail < sizeof rm->base) {
            memcpy(rm->base + n, path, plen - tail);
            rm->base[n + plen - tail] = '\0';
        }
    } else if (kind == REMOTE_FIREWORKS) {
        /* the control plane lives beside the inference API: ".../inference" → "..." */
        if (n >= 10 && strcmp(rm->base + n - 10, "/inference") == 0)
            rm->base[n - 10] = '\0';
        const char *acct_env = ep->info.account_env;
        const char *acct = acct_env ? getenv(acct_env) : NULL;
        if (!acct || !*acct)
            return llmc_error_set(
                err, LLMC_E_CONFIG, "%s batch jobs need the account id: set %s (the {account_id} of your %s URLs)",
                llmc_endpoint_display(ep), acct_env ? acct_env : "the account variable", llmc_endpoint_display(ep));
        for (const char *p = acct; *p; p++)
            if (!(*p == '-' || *p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                  (*p >= '0' && *p <= '9')))
                return llmc_error_set(err, LLMC_E_CONFIG, "%s holds characters an account id cannot", acct_env);
        llmc_strlcpy(rm->account, acct, sizeof rm->account);
    }
    if ((rc = llmc_url_check(rm->base, b->client->allow_insecure_http || ep->allow_insecure_http, err)) != LLMC_OK)
        return rc;
    if (!(rm->headers = llmc_batch_header_list(b, llmc_dialect_headers(b->client, ep->info.dialect, false))))
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    rm->call.headers = rm->headers;
    return LLMC_OK;
}

static void seen_done(void *userdata, const char *id, size_t len)
{
    remote *rm = userdata;
    if (!rm->in) {
        char *key = strndup(id, len);
        if (key && !json_object_get(rm->seen, key) && json_object_set_new(rm->seen, key, json_true()) == 0)
            rm->b->stats.skipped++;
        free(key);
        return;
    }
    bi_item *it = bi_input_find(rm->in, id, len);
    if (it && !it->done) {
        it->done = true;
        rm->b->stats.skipped++;
    }
}

/* Sleep up to `s` seconds, waking early when the batch is asked to stop. */
bool br_nap(llmc_batch *b, double s)
{
    for (double t = 0; t < s && !b->stop; t += 0.05) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return !b->stop;
}

llmc_code br_poll(remote *rm, char *url, const char *status_key, const char *const *done, json_t **out, llmc_error *err)
{
    if (!url)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    llmc_code rc;
    for (;;) {
        json_t *obj = NULL;
        if ((rc = rsend(rm, "GET", url, NULL, NULL, 0, true, &obj, NULL, err)) != LLMC_OK)
            break;
        const char *status = json_string_value(json_object_get(obj, status_key));
        br_set_status(rm, status);
        bool over = false;
        for (size_t i = 0; status && done[i] && !over; i++)
            over = strcmp(status, done[i]) == 0;
        if (over) {
            *out = obj;
            break;
        }
        json_decref(obj);
        if (!br_nap(rm->b, rm->b->poll_s)) {
            rc = llmc_error_set(err, LLMC_E_ABORTED,
                                "stopped waiting for %s; it goes on at the provider: collect it later with --resume %s",
                                rm->b->remote_id, rm->b->remote_id);
            break;
        }
    }
    free(url);
    return rc;
}

static void mark_committed(void *userdata, size_t item)
{
    remote *rm = userdata;
    if (!rm->in)
        return;
    bi_item *it = &rm->in->items[item];
    it->done = true;
    if (it->outcome == 1)
        rm->b->stats.succeeded++;
    else
        rm->b->stats.errored++;
}

/* Write one result line; `item` may be SIZE_MAX on a resume without input (counted at once). */
llmc_code br_put(remote *rm, size_t item, char *line, bool ok, llmc_error *err)
{
    if (!line)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory writing a result");
    llmc_code rc = bo_add(&rm->out, line, strlen(line), item, err);
    free(line);
    if (item != SIZE_MAX)
        rm->in->items[item].outcome = ok ? 1 : 2;
    else if (ok)
        rm->b->stats.succeeded++;
    else
        rm->b->stats.errored++;
    if (rc == LLMC_OK && bo_due(&rm->out, llmc_now_s()))
        rc = bo_commit(&rm->out, mark_committed, rm, err);
    return rc;
}

/* Whether a result for this id should be written; *item is its index (SIZE_MAX: no input). */
bool br_wanted(remote *rm, const char *id, size_t len, size_t *item, bool *seen_before)
{
    *item = SIZE_MAX;
    *seen_before = false;
    if (!rm->in) {
        char *key = strndup(id, len);
        bool fresh = key && !json_object_get(rm->seen, key);
        if (fresh)
            json_object_set_new(rm->seen, key, json_true());
        free(key);
        *seen_before = !fresh;
        return fresh;
    }
    bi_item *it = bi_input_find(rm->in, id, len);
    if (!it)
        return false; /* not part of this input: leave it out */
    *item = (size_t)(it - rm->in->items);
    if (it->done || it->outcome) {
        *seen_before = true;
        return false;
    }
    return true;
}

/* Input ids the provider did not answer, once its batch is over. */
llmc_code br_unanswered(remote *rm, const char *type, const char *why, llmc_code code, llmc_error *err)
{
    if (!rm->in)
        return LLMC_OK;
    for (size_t i = 0; i < rm->in->n; i++) {
        bi_item *it = &rm->in->items[i];
        if (it->done || it->outcome)
            continue;
        llmc_error e;
        llmc_error_clear(&e);
        llmc_error_set(&e, code, "%s", why);
        llmc_strlcpy(e.provider, rm->call.endpoint->name, sizeof e.provider);
        llmc_code rc = br_put(rm, i, bo_line_errored(it->custom_id, &e, type), false, err);
        if (rc != LLMC_OK)
            return rc;
    }
    return LLMC_OK;
}

static llmc_code finish_output(remote *rm, llmc_error *err)
{
    llmc_code rc = bo_commit(&rm->out, mark_committed, rm, err);
    rm->b->stats.finished = 1;
    llmc_batch_report(rm->b, rm->start, &rm->last_report, true);
    return rc;
}

void br_set_status(remote *rm, const char *status)
{
    llmc_strlcpy(rm->b->remote_status, status ? status : "", sizeof rm->b->remote_status);
    llmc_batch_report(rm->b, rm->start, &rm->last_report, true);
}

char *br_json_quote(const char *s)
{
    json_t *str = json_string(s);
    char *text = str ? llmc_json_dump(str, JSON_ENCODE_ANY) : NULL;
    json_decref(str);
    return text;
}

llmc_code br_record(remote *rm, llmc_error *err)
{
    bs_record rec;
    memset(&rec, 0, sizeof rec);
    llmc_strlcpy(rec.remote_id, rm->b->remote_id, sizeof rec.remote_id);
    bs_input_fingerprint(rm->in, rec.fingerprint);
    rec.n_requests = rm->in->n;
    llmc_code rc = bs_write(rm->b->output, &rec, err);
    if (rc != LLMC_OK && err) {
        char msg[sizeof err->message];
        llmc_strlcpy(msg, err->message, sizeof msg);
        llmc_error_set(err, rc, "%.700s; the batch %s exists at the provider: collect it with --resume %s", msg,
                       rm->b->remote_id, rm->b->remote_id);
    }
    return rc;
}

/* ================================ Anthropic Message Batches ================================ */

static int status_for_type(const char *type)
{
    static const struct {
        const char *type;
        int status;
    } map[] = {{"invalid_request_error", 400}, {"authentication_error", 401},
               {"billing_error", 402},         {"permission_error", 403},
               {"not_found_error", 404},       {"request_too_large", 413},
               {"rate_limit_error", 429},      {"api_error", 500},
               {"timeout_error", 504},         {"overloaded_error", 529}};
    for (size_t i = 0; type && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].type, type) == 0)
            return map[i].status;
    return 500;
}

static llmc_code anthropic_create(remote *rm, llmc_error *err)
{
    llmc_buf body = {0};
    llmc_code rc = LLMC_OK;
    size_t count = 0;
    bool oom = llmc_buf_append_str(&body, "{\"requests\":[") < 0;
    for (size_t i = 0; i < rm->in->n && !oom; i++) {
        bi_item *it = &rm->in->items[i];
        if (it->done)
            continue;
        char *id = br_json_quote(it->custom_id);
        oom = !id || llmc_buf_append_str(&body, count ? ",{\"custom_id\":" : "{\"custom_id\":") < 0 ||
              llmc_buf_append_str(&body, id) < 0 || llmc_buf_append_str(&body, ",\"params\":") < 0 ||
              llmc_buf_append(&body, it->body, it->body_len) < 0 || llmc_buf_append_str(&body, "}") < 0;
        free(id);
        count++;
    }
    if (oom || llmc_buf_append_str(&body, "]}") < 0) {
        llmc_buf_free(&body);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    if (count > 100000) {
        llmc_buf_free(&body);
        return llmc_error_set(err, LLMC_E_INVALID_ARG,
                              "Anthropic Message Batches take at most 100,000 requests; "
                              "this input has %zu left to run (split it)",
                              count);
    }
    char *url = llmc_join_url(rm->base, "/v1/messages/batches");
    json_t *batch = NULL;
    rc = url ? rsend(rm, "POST", url, NULL, body.data, body.len, true, &batch, NULL, err)
             : llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    free(url);
    llmc_buf_free(&body);
    if (rc != LLMC_OK)
        return rc;
    const char *id = json_string_value(json_object_get(batch, "id"));
    if (!id || !*id || strlen(id) >= sizeof rm->b->remote_id || strchr(id, '/')) {
        json_decref(batch);
        return llmc_error_set(err, LLMC_E_PROTOCOL, "anthropic created a batch without a usable id");
    }
    llmc_strlcpy(rm->b->remote_id, id, sizeof rm->b->remote_id);
    llmc_logf(&rm->b->client->log, LLMC_LOG_INFO, "batch: created %s with %zu requests", id, count);
    rc = br_record(rm, err);
    br_set_status(rm, json_string_value(json_object_get(batch, "processing_status")));
    json_decref(batch);
    return rc;
}

/* Poll until processing_status is "ended"; *batch_out is the last batch object. */
static llmc_code anthropic_wait(remote *rm, json_t **batch_out, llmc_error *err)
{
    static const char *const done[] = {"ended", NULL};
    char path[400];
    snprintf(path, sizeof path, "/v1/messages/batches/%s", rm->b->remote_id);
    return br_poll(rm, llmc_join_url(rm->base, path), "processing_status", done, batch_out, err);
}

static llmc_code anthropic_line(remote *rm, const char *text, size_t len, llmc_error *err)
{
    json_t *line = json_loadb(text, len, 0, NULL);
    json_t *idv = json_object_get(line, "custom_id"), *result = json_object_get(line, "result");
    const char *type = json_string_value(json_object_get(result, "type"));
    llmc_code rc = LLMC_OK;
    size_t item;
    bool again;
    if (!json_is_string(idv) || !type) {
        json_decref(line);
        return llmc_error_set(err, LLMC_E_PROTOCOL, "anthropic batch results hold a line that is not a result");
    }
    const char *id = json_string_value(idv);
    if (!br_wanted(rm, id, json_string_length(idv), &item, &again)) {
        json_decref(line);
        return LLMC_OK;
    }
    llmc_error e;
    llmc_error_clear(&e);
    llmc_strlcpy(e.provider, rm->call.endpoint->name, sizeof e.provider);
    if (strcmp(type, "succeeded") == 0) {
        json_t *message = json_object_get(result, "message");
        llmc_batch_count_usage(rm->b, message, NULL);
        rc = br_put(rm, item, llmc_batch_success_line(rm->b, id, rm->call.endpoint->name, true, message, NULL, 0, NULL),
                    true, err);
    } else if (strcmp(type, "errored") == 0) {
        /* the error as /v1/messages would have sent it: {"type":"error","error":{type,message}} */
        json_t *body = json_object_get(result, "error");
        const char *etype = json_string_value(json_object_get(json_object_get(body, "error"), "type"));
        char *btext = llmc_json_dump(body, JSON_COMPACT);
        llmc_error_from_response(status_for_type(etype), "application/json", btext, btext ? strlen(btext) : 0,
                                 rm->call.endpoint->name, &e);
        free(btext);
        llmc_scrub_error(&e, &rm->call.cred);
        rc = br_put(rm, item, bo_line_errored(id, &e, NULL), false, err);
    } else if (strcmp(type, "canceled") == 0 || strcmp(type, "expired") == 0) {
        bool canceled = type[0] == 'c';
        llmc_error_set(&e, canceled ? LLMC_E_ABORTED : LLMC_E_TIMEOUT, "%s",
                       canceled ? "the batch was canceled before this request was processed"
                                : "the batch expired (24 hours) before this request was processed");
        rc = br_put(rm, item, bo_line_errored(id, &e, type), false, err);
    } else {
        llmc_error_set(&e, LLMC_E_PROTOCOL, "unknown result type \"%.64s\"", type);
        rc = br_put(rm, item, bo_line_errored(id, &e, type), false, err);
    }
    json_decref(line);
    return rc;
}

static llmc_code anthropic_collect(remote *rm, json_t *batch, llmc_error *err)
{
    const char *results_url = json_string_value(json_object_get(batch, "results_url"));
    char path[400];
    snprintf(path, sizeof path, "/v1/messages/batches/%s/results", rm->b->remote_id);
    /* The key goes only where the base URL points: a results_url elsewhere is not followed. */
    size_t blen = strlen(rm->base);
    char *url = results_url && strncmp(results_url, rm->base, blen) == 0 && results_url[blen] == '/'
                    ? strdup(results_url)
                    : llmc_join_url(rm->base, path);
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
            rc = anthropic_line(rm, line, len, err);
    }
    llmc_http_response_free(&resp);
    if (rc == LLMC_OK)
        rc = br_unanswered(rm, "not_returned", "the provider's results did not include this request", LLMC_E_PROTOCOL,
                           err);
    return rc;
}

static llmc_code anthropic_cancel(remote *rm, const char *id, llmc_error *err)
{
    char path[400];
    snprintf(path, sizeof path, "/v1/messages/batches/%s/cancel", id);
    char *url = llmc_join_url(rm->base, path);
    json_t *batch = NULL;
    llmc_code rc = url ? rsend(rm, "POST", url, NULL, "{}", 2, true, &batch, NULL, err)
                       : llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    free(url);
    if (rc == LLMC_OK)
        br_set_status(rm, json_string_value(json_object_get(batch, "processing_status")));
    json_decref(batch);
    return rc;
}

/* ================================ Fireworks batch inference jobs ================================ */

static char *fw_url(remote *rm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *fw_url(remote *rm, const char *fmt, ...)
{
    char path[800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    return llmc_join_url(rm->base, path);
}

/* The input as Fireworks wants it: {"custom_id","body"} with the model on the job instead. */
static llmc_code fw_upload_body(remote *rm, const char *boundary, llmc_buf *out, size_t *count, llmc_error *err)
{
    bool oom = llmc_buf_append_str(out, "--") < 0 || llmc_buf_append_str(out, boundary) < 0 ||
               llmc_buf_append_str(out,
                                   "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"input.jsonl\"\r\n"
                                   "Content-Type: application/jsonl\r\n\r\n") < 0;
    *count = 0;
    for (size_t i = 0; i < rm->in->n && !oom; i++) {
        bi_item *it = &rm->in->items[i];
        if (it->done)
            continue;
        json_t *body = json_loadb(it->body, it->body_len, 0, NULL);
        json_object_del(body, "model");
        json_t *line = json_pack("{s:s, s:o}", "custom_id", it->custom_id, "body", body);
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

static llmc_code fw_create(remote *rm, llmc_error *err)
{
    /* One model per job: Fireworks sets it on the job, not per line. */
    const char *model = NULL;
    for (size_t i = 0; i < rm->in->n; i++) {
        bi_item *it = &rm->in->items[i];
        if (!model)
            model = it->wire_model;
        else if (strcmp(model, it->wire_model) != 0)
            bi_issue_add(rm->in, it->line,
                         "model \"%.200s\" differs from \"%.200s\": a Fireworks batch job runs one "
                         "model (split the input by model)",
                         it->wire_model, model);
    }
    if (rm->in->n_issues)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "the batch input mixes models (first: line %zu: %s)",
                              rm->in->issues[0].line, rm->in->issues[0].message);
    char tag[48];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(tag, sizeof tag, "llmc-%lx-%lx", (unsigned long)ts.tv_sec, (unsigned long)(ts.tv_nsec ^ (long)getpid()));
    char in_id[80], out_id[80];
    snprintf(in_id, sizeof in_id, "%s-in", tag);
    snprintf(out_id, sizeof out_id, "%s-out", tag);

    llmc_buf upload = {0};
    size_t count = 0;
    llmc_code rc = fw_upload_body(rm, tag, &upload, &count, err);
    char *url = NULL, *body = NULL;
    json_t *reply = NULL;
    if (rc != LLMC_OK)
        goto done;
    /* 1. the input dataset */
    char countbuf[32];
    snprintf(countbuf, sizeof countbuf, "%zu", count);
    json_t *ds =
        json_pack("{s:s, s:{s:{}, s:s}}", "datasetId", in_id, "dataset", "userUploaded", "exampleCount", countbuf);
    body = ds ? llmc_json_dump(ds, JSON_COMPACT) : NULL;
    json_decref(ds);
    url = fw_url(rm, "/v1/accounts/%s/datasets", rm->account);
    if (!body || !url) {
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        goto done;
    }
    if ((rc = rsend(rm, "POST", url, NULL, body, strlen(body), true, NULL, NULL, err)) != LLMC_OK)
        goto done;
    free(url);
    /* 2. its contents, as a multipart upload */
    url = fw_url(rm, "/v1/accounts/%s/datasets/%s:upload", rm->account, in_id);
    char ctype[120];
    snprintf(ctype, sizeof ctype, "content-type: multipart/form-data; boundary=%s", tag);
    const char *mp_headers[] = {ctype, "accept: application/json", NULL};
    const char **hl = llmc_batch_header_list(rm->b, mp_headers);
    if (!url || !hl) {
        free(hl);
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        goto done;
    }
    rc = rsend(rm, "POST", url, hl, upload.data, upload.len, true, NULL, NULL, err);
    free(hl);
    if (rc != LLMC_OK)
        goto done;
    free(url);
    free(body);
    /* 3. the job */
    char in_name[300], out_name[300];
    snprintf(in_name, sizeof in_name, "accounts/%s/datasets/%s", rm->account, in_id);
    snprintf(out_name, sizeof out_name, "accounts/%s/datasets/%s", rm->account, out_id);
    json_t *job = json_pack("{s:s, s:s, s:s}", "model", model, "inputDatasetId", in_name, "outputDatasetId", out_name);
    body = job ? llmc_json_dump(job, JSON_COMPACT) : NULL;
    json_decref(job);
    url = fw_url(rm, "/v1/accounts/%s/batchInferenceJobs?batchInferenceJobId=%s", rm->account, tag);
    if (!body || !url) {
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        goto done;
    }
    if ((rc = rsend(rm, "POST", url, NULL, body, strlen(body), true, &reply, NULL, err)) != LLMC_OK)
        goto done;
    const char *name = json_string_value(json_object_get(reply, "name"));
    if (!name || strncmp(name, "accounts/", 9) != 0 || strlen(name) >= sizeof rm->b->remote_id || strstr(name, "..")) {
        rc = llmc_error_set(err, LLMC_E_PROTOCOL, "fireworks created a batch job without a usable name");
        goto done;
    }
    llmc_strlcpy(rm->b->remote_id, name, sizeof rm->b->remote_id);
    llmc_logf(&rm->b->client->log, LLMC_LOG_INFO, "batch: created %s with %zu requests", name, count);
    rc = br_record(rm, err);
    br_set_status(rm, json_string_value(json_object_get(reply, "state")));
done:
    json_decref(reply);
    free(url);
    free(body);
    llmc_buf_free(&upload);
    return rc;
}

static llmc_code fw_wait(remote *rm, json_t **job_out, llmc_error *err)
{
    static const char *const done[] = {"JOB_STATE_COMPLETED", "JOB_STATE_FAILED", "JOB_STATE_CANCELLED",
                                       "JOB_STATE_EXPIRED", NULL};
    return br_poll(rm, fw_url(rm, "/v1/%s", rm->b->remote_id), "state", done, job_out, err);
}

static llmc_code fw_line(remote *rm, const char *text, size_t len, llmc_error *err)
{
    json_t *line = json_loadb(text, len, 0, NULL);
    json_t *idv = json_object_get(line, "custom_id");
    json_t *response = json_object_get(line, "response"), *error = json_object_get(line, "error");
    size_t item;
    bool again;
    llmc_code rc = LLMC_OK;
    if (!json_is_string(idv)) {
        json_decref(line);
        return LLMC_OK; /* not a result (a header or summary line of another output file) */
    }
    const char *id = json_string_value(idv);
    if (!br_wanted(rm, id, json_string_length(idv), &item, &again)) {
        json_decref(line);
        return LLMC_OK;
    }
    if (json_is_object(response) && !error) {
        llmc_batch_count_usage(rm->b, response, NULL);
        rc = br_put(rm, item,
                    llmc_batch_success_line(rm->b, id, rm->call.endpoint->name, false, response, NULL, 0, NULL), true,
                    err);
    } else {
        llmc_error e;
        llmc_error_clear(&e);
        json_t *wrapped = json_is_object(error) ? json_pack("{s:O}", "error", error) : NULL;
        char *btext = wrapped ? llmc_json_dump(wrapped, JSON_COMPACT) : NULL;
        json_decref(wrapped);
        json_t *code = json_object_get(error, "code");
        long status = json_is_integer(code) ? (long)json_integer_value(code) : 500;
        llmc_error_from_response(status >= 400 && status < 600 ? status : 500, "application/json", btext,
                                 btext ? strlen(btext) : 0, rm->call.endpoint->name, &e);
        free(btext);
        llmc_scrub_error(&e, &rm->call.cred);
        rc = br_put(rm, item, bo_line_errored(id, &e, NULL), false, err);
    }
    json_decref(line);
    return rc;
}

static llmc_code fw_collect(remote *rm, json_t *job, llmc_error *err)
{
    const char *state = json_string_value(json_object_get(job, "state"));
    const char *out_ds = json_string_value(json_object_get(job, "outputDatasetId"));
    llmc_code rc = LLMC_OK;
    if (out_ds && strncmp(out_ds, "accounts/", 9) == 0 && !strstr(out_ds, "..") &&
        strcmp(state, "JOB_STATE_FAILED") != 0) {
        char *url = fw_url(rm, "/v1/%s:getDownloadEndpoint", out_ds);
        json_t *ep = NULL;
        rc = url ? rsend(rm, "GET", url, NULL, NULL, 0, true, &ep, NULL, err)
                 : llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        free(url);
        bool completed = strcmp(state, "JOB_STATE_COMPLETED") == 0;
        if (rc != LLMC_OK && rc != LLMC_E_NOMEM && !completed) {
            /* a canceled or expired job may have written nothing at all: then every request is
             * reported with the job's fate below */
            llmc_error_clear(err);
            rc = LLMC_OK;
        }
        json_t *files = json_object_get(ep, "filenameToSignedUrls");
        const char *fname;
        json_t *link;
        json_object_foreach(files, fname, link)
        {
            const char *signed_url = json_string_value(link);
            if (rc != LLMC_OK || !signed_url)
                continue;
            /* A signed URL carries its own authority: the key never goes there. */
            const char *const plain[] = {"accept: application/json", NULL};
            llmc_http_response resp = {0};
            rc = llmc_url_check(signed_url, rm->call.opts.allow_insecure_http, err);
            if (rc == LLMC_OK)
                rc = rsend(rm, "GET", signed_url, plain, NULL, 0, false, NULL, &resp, err);
            for (size_t at = 0; rc == LLMC_OK && at < resp.body.len;) {
                const char *line = resp.body.data + at;
                const char *nl = memchr(line, '\n', resp.body.len - at);
                size_t len = nl ? (size_t)(nl - line) : resp.body.len - at;
                at += len + 1;
                if (len > 1)
                    rc = fw_line(rm, line, len, err);
            }
            llmc_http_response_free(&resp);
        }
        json_decref(ep);
    }
    if (rc != LLMC_OK)
        return rc;
    const char *why = json_string_value(json_object_get(json_object_get(job, "status"), "message"));
    if (strcmp(state, "JOB_STATE_FAILED") == 0)
        return br_unanswered(rm, "failed", why && *why ? why : "the batch job failed", LLMC_E_SERVER, err);
    if (strcmp(state, "JOB_STATE_CANCELLED") == 0)
        return br_unanswered(rm, "canceled", "the batch job was canceled before this request was processed",
                             LLMC_E_ABORTED, err);
    if (strcmp(state, "JOB_STATE_EXPIRED") == 0)
        return br_unanswered(rm, "expired", "the batch job expired before this request was processed", LLMC_E_TIMEOUT,
                             err);
    return br_unanswered(rm, "not_returned", "the provider's results did not include this request", LLMC_E_PROTOCOL,
                         err);
}

static llmc_code fw_cancel(remote *rm, const char *name, llmc_error *err)
{
    char *url = fw_url(rm, "/v1/%s:cancel", name);
    json_t *job = NULL;
    llmc_code rc = url ? rsend(rm, "POST", url, NULL, "{}", 2, true, &job, NULL, err)
                       : llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    free(url);
    if (rc == LLMC_OK)
        br_set_status(rm, json_string_value(json_object_get(job, "state")));
    json_decref(job);
    return rc;
}

/* ================================ entry points ================================ */

static void reset(llmc_batch *b)
{
    b->stop = 0;
    memset(&b->stats, 0, sizeof b->stats);
    b->stats.eta_s = -1;
    b->stats.remote_id = b->remote_id;
    b->stats.remote_status = b->remote_status;
    b->remote_status[0] = '\0';
}

/* Which engine a remote id belongs to: "msgbatch_…", "accounts/…/batchInferenceJobs/…", or
 * "PROVIDER/batch_…" for an endpoint serving the OpenAI Batch API. *provider gets that endpoint. */
static bool kind_of_id(llmc_client *c, const char *id, remote_kind *kind, char *provider, size_t size, llmc_error *err)
{
    if (id && strncmp(id, "msgbatch_", 9) == 0 && !strchr(id, '/') && strlen(id) < 200) {
        *kind = REMOTE_ANTHROPIC;
        return true;
    }
    if (id && strncmp(id, "accounts/", 9) == 0 && strstr(id, "/batchInferenceJobs/") && !strstr(id, "..") &&
        !strpbrk(id, "?#% ") && strlen(id) < 250) {
        *kind = REMOTE_FIREWORKS;
        return true;
    }
    const char *slash = id ? strchr(id, '/') : NULL;
    llmc_endpoint *ep = slash ? llmc_client_endpoint(c, id, (size_t)(slash - id)) : NULL;
    if (ep && ep->info.batch_engine == LLMC_BATCH_OPENAI && slash[1] && !strpbrk(slash + 1, "/?#% .") &&
        strlen(id) < 200) {
        *kind = REMOTE_OPENAI;
        llmc_strlcpy(provider, ep->name, size);
        return true;
    }
    llmc_error_set(err, LLMC_E_INVALID_ARG,
                   "\"%.100s\" is not a remote batch id (Anthropic: msgbatch_…; Fireworks: "
                   "accounts/ACCOUNT/batchInferenceJobs/JOB; OpenAI Batch API: PROVIDER/batch_…)",
                   id ? id : "");
    return false;
}

/* Load the input (when given) and open the output, skipping what is already there. */
static llmc_code prepare(remote *rm, const char *input_path, llmc_error *err)
{
    llmc_batch *b = rm->b;
    llmc_code rc;
    if (input_path) {
        rm->in = &b->input;
        if ((rc = bi_input_load(rm->in, b->client, input_path, err)) != LLMC_OK)
            return rc;
        b->stats.total = rm->in->n;
    }
    bo_lock_opts lock = llmc_batch_lock_opts(b);
    if ((rc = bo_open(&rm->out, b->output, &lock, seen_done, rm, err)) != LLMC_OK)
        return rc;
    rm->out_open = true;
    return LLMC_OK;
}

static llmc_code collect(remote *rm, llmc_error *err)
{
    json_t *done = NULL;
    llmc_code rc = rm->kind == REMOTE_ANTHROPIC   ? anthropic_wait(rm, &done, err)
                   : rm->kind == REMOTE_FIREWORKS ? fw_wait(rm, &done, err)
                                                  : br_openai_wait(rm, &done, err);
    if (rc == LLMC_OK)
        rc = rm->kind == REMOTE_ANTHROPIC   ? anthropic_collect(rm, done, err)
             : rm->kind == REMOTE_FIREWORKS ? fw_collect(rm, done, err)
                                            : br_openai_collect(rm, done, err);
    json_decref(done);
    llmc_code crc = finish_output(rm, rc == LLMC_OK ? err : NULL);
    return rc != LLMC_OK ? rc : crc;
}

/* The output already belongs to a remote batch (OUT.remote): resume it if it was made from this
 * input, else refuse — submitting again would run (and bill) every request twice. */
static llmc_code adopt(remote *rm, const bs_record *rec, llmc_error *err)
{
    const char *out = rm->b->output;
    char fp[17];
    bs_input_fingerprint(rm->in, fp);
    remote_kind kind;
    char provider[64] = "";
    if (!kind_of_id(rm->b->client, rec->remote_id, &kind, provider, sizeof provider, NULL) || kind != rm->kind ||
        (kind == REMOTE_OPENAI && strcmp(provider, rm->call.endpoint->name) != 0) ||
        strcmp(fp, rec->fingerprint) != 0 || rec->n_requests != rm->in->n)
        return llmc_error_set(err, LLMC_E_INVALID_ARG,
                              "%s already belongs to the remote batch %s, made from another input (see %s.remote): "
                              "collect it with --resume %s, or cancel it with --cancel %s; then remove %s.remote or "
                              "use another output file",
                              out, rec->remote_id, out, rec->remote_id, rec->remote_id, out);
    llmc_strlcpy(rm->b->remote_id, rec->remote_id, sizeof rm->b->remote_id);
    llmc_logf(&rm->b->client->log, LLMC_LOG_WARN,
              "batch: resuming the remote batch %s recorded in %s.remote (not submitting the input again)",
              rec->remote_id, out);
    br_set_status(rm, "");
    return LLMC_OK;
}

/* A resumed batch the provider does not know (deleted, or another account): say how to start over. */
static void resume_hint(llmc_code rc, const char *id, const char *out, llmc_error *err)
{
    if (rc != LLMC_E_NOT_FOUND || !err)
        return;
    char msg[sizeof err->message];
    llmc_strlcpy(msg, err->message, sizeof msg);
    llmc_error_set(err, rc,
                   "%.600s (the remote batch %s recorded in %s.remote: if it is gone, remove that file to "
                   "submit the input again)",
                   msg, id, out);
}

llmc_code llmc_batch_run_remote(llmc_batch *b, const char *input_path, unsigned flags, llmc_error *err)
{
    llmc_error_clear(err);
    if (!b || !input_path)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "batch and input path must be given");
    if (flags & ~(unsigned)LLMC_REMOTE_WAIT)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "unknown flags 0x%x for llmc_batch_run_remote",
                              flags & ~(unsigned)LLMC_REMOTE_WAIT);
    bool wait = flags & LLMC_REMOTE_WAIT;
    if (!b->output)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "no output file: call llmc_batch_set_output first");
    reset(b);
    b->remote_id[0] = '\0';
    llmc_code rc = bi_input_load(&b->input, b->client, input_path, err);
    if (rc != LLMC_OK)
        return rc;
    /* one engine per run: every line must go to the same provider, and it must have one */
    bi_input *in = &b->input;
    const char *name = in->eps[0]->name;
    for (size_t i = 0; i < in->n; i++) {
        const char *p = in->eps[in->items[i].prov]->name;
        if (strcmp(p, name) != 0)
            bi_issue_add(in, in->items[i].line,
                         "goes to %s while line %zu goes to %s: a remote batch runs at one "
                         "provider (split the input)",
                         p, in->items[0].line, name);
    }
    llmc_batch_engine engine = in->eps[0]->info.batch_engine;
    if (!llmc_provider_find(name) && engine != LLMC_BATCH_OPENAI)
        engine = LLMC_BATCH_NONE; /* an added endpoint may only serve the OpenAI Batch API */
    if (!in->n_issues && engine == LLMC_BATCH_NONE) {
        char with[200] = "";
        for (size_t i = 0; llmc_provider_at(i); i++)
            if (llmc_provider_at(i)->batch_engine != LLMC_BATCH_NONE) {
                size_t len = strlen(with);
                snprintf(with + len, sizeof with - len, "%s%s", len ? ", " : "", llmc_provider_at(i)->name);
            }
        bi_issue_add(in, in->items[0].line,
                     "%s has no batch engine llmc can use (remote batches: %s, and added endpoints that serve the "
                     "OpenAI Batch API)",
                     name, with);
    }
    if (in->n_issues)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "the input cannot run as one remote batch (first: line %zu: %s)",
                              in->issues[0].line, in->issues[0].message);
    remote rm;
    rc = remote_open(&rm, b,
                     engine == LLMC_BATCH_ANTHROPIC   ? REMOTE_ANTHROPIC
                     : engine == LLMC_BATCH_FIREWORKS ? REMOTE_FIREWORKS
                                                      : REMOTE_OPENAI,
                     name, err);
    if (rc == LLMC_OK) {
        rm.in = &b->input;
        /* the input was loaded above: open the output only */
        b->stats.total = rm.in->n;
        bo_lock_opts lock = llmc_batch_lock_opts(b);
        rc = bo_open(&rm.out, b->output, &lock, seen_done, &rm, err);
        rm.out_open = rc == LLMC_OK;
    }
    bs_record rec;
    bool recorded = false;
    if (rc == LLMC_OK)
        rc = bs_read(b->output, &rec, &recorded, err);
    if (rc == LLMC_OK && b->stats.skipped == rm.in->n) {
        rc = finish_output(&rm, err); /* an earlier run collected everything */
        if (rc == LLMC_OK && recorded)
            rc = bs_remove(b->output, err);
        remote_close(&rm, err);
        return rc;
    }
    if (rc == LLMC_OK)
        rc = recorded                      ? adopt(&rm, &rec, err)
             : rm.kind == REMOTE_ANTHROPIC ? anthropic_create(&rm, err)
             : rm.kind == REMOTE_FIREWORKS ? fw_create(&rm, err)
                                           : br_openai_create(&rm, err);
    if (rc == LLMC_OK && wait) {
        rc = collect(&rm, err);
        if (recorded)
            resume_hint(rc, rec.remote_id, b->output, err);
        /* every result is in the output: the record has done its job */
        if (rc == LLMC_OK)
            rc = bs_remove(b->output, err);
    }
    remote_close(&rm, err);
    return rc;
}

llmc_code llmc_batch_resume_remote(llmc_batch *b, const char *remote_id, const char *input_path, llmc_error *err)
{
    llmc_error_clear(err);
    remote_kind kind;
    if (!b)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "batch must be given");
    if (!b->output)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "no output file: call llmc_batch_set_output first");
    char provider[64] = "";
    if (!kind_of_id(b->client, remote_id, &kind, provider, sizeof provider, err))
        return LLMC_E_INVALID_ARG;
    reset(b);
    llmc_strlcpy(b->remote_id, remote_id, sizeof b->remote_id);
    remote rm;
    llmc_code rc = remote_open(&rm, b, kind, provider, err);
    if (rc == LLMC_OK)
        rc = prepare(&rm, input_path, err);
    if (rc == LLMC_OK)
        rc = collect(&rm, err);
    /* collected: a record of this very batch beside the output is done with */
    bs_record rec;
    bool recorded = false;
    if (rc == LLMC_OK && bs_read(b->output, &rec, &recorded, NULL) == LLMC_OK && recorded &&
        strcmp(rec.remote_id, remote_id) == 0)
        rc = bs_remove(b->output, err);
    remote_close(&rm, err);
    return rc;
}

llmc_code llmc_batch_cancel_remote(llmc_batch *b, const char *remote_id, llmc_error *err)
{
    llmc_error_clear(err);
    remote_kind kind;
    if (!b)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "batch must be given");
    char provider[64] = "";
    if (!kind_of_id(b->client, remote_id, &kind, provider, sizeof provider, err))
        return LLMC_E_INVALID_ARG;
    reset(b);
    llmc_strlcpy(b->remote_id, remote_id, sizeof b->remote_id);
    remote rm;
    llmc_code rc = remote_open(&rm, b, kind, provider, err);
    if (rc == LLMC_OK)
        rc = kind == REMOTE_ANTHROPIC   ? anthropic_cancel(&rm, remote_id, err)
             : kind == REMOTE_FIREWORKS ? fw_cancel(&rm, remote_id, err)
                                        : br_openai_cancel(&rm, remote_id, err);
    remote_close(&rm, err);
    return rc;
}
