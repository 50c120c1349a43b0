/* SPDX-License-Identifier: MIT */
/*
 * batch_out.c — the batch's output file, where nothing finished may be lost: whole lines are
 * appended and fsynced before their requests count as done (group commit: lines that finish
 * within a few milliseconds share one fdatasync), and at open a torn last line is cut off.
 */
#include "batch_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *bo_code_name(llmc_code code)
{
    switch (code) {
    case LLMC_OK:
        return "ok";
    case LLMC_E_INVALID_ARG:
        return "invalid_arg";
    case LLMC_E_NOMEM:
        return "nomem";
    case LLMC_E_CONFIG:
        return "config";
    case LLMC_E_KEY:
        return "key";
    case LLMC_E_AUTH:
        return "auth";
    case LLMC_E_PERMISSION:
        return "permission";
    case LLMC_E_BAD_REQUEST:
        return "bad_request";
    case LLMC_E_NOT_FOUND:
        return "not_found";
    case LLMC_E_RATE_LIMIT:
        return "rate_limit";
    case LLMC_E_SERVER:
        return "server";
    case LLMC_E_OVERLOADED:
        return "overloaded";
    case LLMC_E_TRANSPORT:
        return "transport";
    case LLMC_E_TIMEOUT:
        return "timeout";
    case LLMC_E_PROTOCOL:
        return "protocol";
    case LLMC_E_INSECURE:
        return "insecure";
    case LLMC_E_ABORTED:
        return "aborted";
    case LLMC_E_LIMIT:
        return "limit";
    case LLMC_E_IO:
        return "io";
    case LLMC_E_FORMAT:
        return "format";
    case LLMC_E_UNSUPPORTED:
        return "unsupported";
    }
    return "error";
}

char *bo_line_succeeded(const char *custom_id, json_t *message)
{
    json_t *line =
        json_pack("{s:s, s:{s:s, s:O}}", "custom_id", custom_id, "result", "type", "succeeded", "message", message);
    char *text = line ? llmc_json_dump(line, JSON_COMPACT) : NULL;
    json_decref(line);
    return text;
}

char *bo_line_succeeded_raw(const char *custom_id, const char *body, size_t len)
{
    /* The provider's bytes as they came: re-serializing would change its numbers' spelling.
     * Raw CR/LF can only be whitespace between tokens (inside strings they are escaped), so
     * turning them into spaces keeps the JSON the same and the line whole. */
    while (len > 0 && (body[len - 1] == '\n' || body[len - 1] == '\r' || body[len - 1] == ' '))
        len--;
    json_t *id = json_string(custom_id);
    char *qid = id ? llmc_json_dump(id, JSON_ENCODE_ANY) : NULL;
    json_decref(id);
    static const char head[] = "{\"custom_id\":", mid[] = ",\"result\":{\"type\":\"succeeded\",\"message\":",
                      tail[] = "}}";
    size_t qlen = qid ? strlen(qid) : 0;
    char *line = qid ? malloc(sizeof head + qlen + sizeof mid + len + sizeof tail) : NULL;
    if (line) {
        char *w = line;
        memcpy(w, head, sizeof head - 1);
        w += sizeof head - 1;
        memcpy(w, qid, qlen);
        w += qlen;
        memcpy(w, mid, sizeof mid - 1);
        w += sizeof mid - 1;
        for (size_t i = 0; i < len; i++)
            *w++ = body[i] == '\n' || body[i] == '\r' ? ' ' : body[i];
        memcpy(w, tail, sizeof tail);
    }
    free(qid);
    return line;
}

char *bo_line_errored(const char *custom_id, const llmc_error *e, const char *type)
{
    const char *t = type ? type : e->provider_type;
    json_t *error =
        json_pack("{s:s, s:i, s:s, s:s, s:s, s:s}", "code", bo_code_name(e->code), "http_status", e->http_status,
                  "type", t, "message", e->message, "request_id", e->request_id, "provider", e->provider);
    if (!error) /* a field that is not UTF-8 (a provider's bytes): keep the line, lose the text */
        error = json_pack("{s:s, s:i, s:s, s:s}", "code", bo_code_name(e->code), "http_status", e->http_status, "type",
                          "", "message", llmc_strerror(e->code));
    json_t *line =
        error ? json_pack("{s:s, s:{s:s, s:o}}", "custom_id", custom_id, "result", "type", "errored", "error", error)
              : NULL;
    char *text = line ? llmc_json_dump(line, JSON_COMPACT) : NULL;
    json_decref(line);
    return text;
}

/* The custom_id of a result line: the common case (our own lines) without building a tree. */
static bool line_id(const char *s, size_t n, const char **id, size_t *id_len, json_t **tree)
{
    static const char head[] = "{\"custom_id\":\"";
    *tree = NULL;
    if (n > sizeof head && memcmp(s, head, sizeof head - 1) == 0 && s[n - 1] == '}') {
        const char *p = s + sizeof head - 1, *end = s + n;
        const char *q = p;
        while (q < end && *q != '"' && *q != '\\')
            q++;
        if (q < end && *q == '"') {
            *id = p;
            *id_len = (size_t)(q - p);
            return true;
        }
    }
    json_t *root = json_loadb(s, n, 0, NULL);
    json_t *idv = json_object_get(root, "custom_id");
    if (!json_is_string(idv) || !json_is_object(json_object_get(root, "result"))) {
        json_decref(root);
        return false;
    }
    *id = json_string_value(idv);
    *id_len = json_string_length(idv);
    *tree = root;
    return true;
}

/* Make the file's creation itself durable: its directory entry lives in the parent. */
static void sync_parent(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return;
    int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    free(copy);
}

llmc_code bo_open(bo_out *o, const char *path, bo_seen_fn seen, void *userdata, llmc_error *err)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->commit_s = 0.005;
    const char *env = getenv("LLMC_BATCH_COMMIT_MS"); /* for measuring: 0 fsyncs every line */
    if (env && *env)
        o->commit_s = atof(env) / 1000.0;
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return llmc_error_set(err, LLMC_E_IO, "cannot open the batch output %s: %s", path, strerror(errno));
    sync_parent(path);
    FILE *f = fdopen(dup(fd), "r");
    if (!f) {
        close(fd);
        return llmc_error_set(err, LLMC_E_IO, "cannot read the batch output %s: %s", path, strerror(errno));
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    off_t whole = 0; /* bytes up to the end of the last complete line */
    llmc_code rc = LLMC_OK;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] != '\n') {
            o->torn_bytes = (size_t)n; /* the writer died mid-line: this result never counted */
            break;
        }
        o->lines++;
        const char *id;
        size_t id_len;
        json_t *tree;
        if (!line_id(line, (size_t)n - 1, &id, &id_len, &tree)) {
            rc = llmc_error_set(err, LLMC_E_IO,
                                "the batch output %s line %zu is not a result line: refusing to append to a file "
                                "something else wrote (use another output file)",
                                path, o->lines);
            break;
        }
        if (seen)
            seen(userdata, id, id_len);
        json_decref(tree);
        whole += n;
    }
    if (rc == LLMC_OK && ferror(f))
        rc = llmc_error_set(err, LLMC_E_IO, "cannot read the batch output %s: %s", path, strerror(errno));
    free(line);
    fclose(f);
    if (rc == LLMC_OK && o->torn_bytes && (ftruncate(fd, whole) != 0 || fsync(fd) != 0))
        rc = llmc_error_set(err, LLMC_E_IO, "cannot cut the torn last line of %s: %s", path, strerror(errno));
    if (rc != LLMC_OK) {
        close(fd);
        return rc;
    }
    o->fd = fd;
    return LLMC_OK;
}

llmc_code bo_add(bo_out *o, const char *line, size_t len, size_t item, llmc_error *err)
{
    if (o->n_pending == o->cap_pending) {
        size_t cap = o->cap_pending ? o->cap_pending * 2 : 64;
        size_t *grown = realloc(o->pending_items, cap * sizeof *grown);
        if (!grown)
            return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        o->pending_items = grown;
        o->cap_pending = cap;
    }
    if (llmc_buf_append(&o->pending, line, len) < 0 || llmc_buf_append(&o->pending, "\n", 1) < 0)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    if (o->n_pending == 0)
        o->first_pending_at = llmc_now_s();
    o->pending_items[o->n_pending++] = item;
    return LLMC_OK;
}

bool bo_due(const bo_out *o, double now)
{
    return o->n_pending > 0 && now - o->first_pending_at >= o->commit_s;
}

llmc_code bo_commit(bo_out *o, bo_committed_fn committed, void *userdata, llmc_error *err)
{
    if (o->n_pending == 0)
        return LLMC_OK;
    const char *p = o->pending.data;
    size_t left = o->pending.len;
    while (left > 0) {
        ssize_t w = write(o->fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return llmc_error_set(err, LLMC_E_IO, "cannot write the batch output: %s", strerror(errno));
        p += w;
        left -= (size_t)w;
    }
    if (fdatasync(o->fd) != 0)
        return llmc_error_set(err, LLMC_E_IO, "cannot sync the batch output: %s", strerror(errno));
    for (size_t i = 0; i < o->n_pending; i++)
        if (committed && o->pending_items[i] != SIZE_MAX)
            committed(userdata, o->pending_items[i]);
    o->n_pending = 0;
    llmc_buf_reset(&o->pending);
    return LLMC_OK;
}

void bo_close(bo_out *o)
{
    if (o->fd >= 0)
        close(o->fd);
    o->fd = -1;
    llmc_buf_free(&o->pending);
    free(o->pending_items);
    o->pending_items = NULL;
    o->n_pending = o->cap_pending = 0;
}
