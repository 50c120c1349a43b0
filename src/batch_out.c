/* SPDX-License-Identifier: MIT */
/*
 * batch_out.c — the batch's output file, where nothing finished may be lost and nothing done
 * twice: one run at a time holds it (an exclusive flock; the holder's pid in OUT.lock), whole
 * lines are appended and fsynced before their requests count as done (group commit: lines that
 * finish within a few milliseconds share one fdatasync), a failed write is cut back to the last
 * whole line, and at open a torn last line is cut off and every other line checked to be whole.
 */
#include "batch_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
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

/* The JSON string of a custom_id (malloc'd): written directly when it needs no escaping (the
 * common case), else by jansson. */
static char *quoted_id(const char *id)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++, n++)
        if (*p < 0x20 || *p == '"' || *p == '\\' || *p >= 0x80) {
            json_t *s = json_string(id);
            char *q = s ? llmc_json_dump(s, JSON_ENCODE_ANY) : NULL;
            json_decref(s);
            return q;
        }
    char *q = malloc(n + 3);
    if (q) {
        q[0] = '"';
        memcpy(q + 1, id, n);
        q[n + 1] = '"';
        q[n + 2] = '\0';
    }
    return q;
}

char *bo_line_succeeded_raw(const char *custom_id, const char *body, size_t len)
{
    /* The provider's bytes as they came: re-serializing would change its numbers' spelling.
     * Raw CR/LF can only be whitespace between tokens (inside strings they are escaped), so
     * turning them into spaces keeps the JSON the same and the line whole. */
    while (len > 0 && (body[len - 1] == '\n' || body[len - 1] == '\r' || body[len - 1] == ' '))
        len--;
    char *qid = quoted_id(custom_id);
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
        memcpy(w, body, len);
        for (char *p = w, *end = w + len; (p = memchr(p, '\n', (size_t)(end - p))) != NULL;)
            *p++ = ' ';
        for (char *p = w, *end = w + len; (p = memchr(p, '\r', (size_t)(end - p))) != NULL;)
            *p++ = ' ';
        w += len;
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

/* The pid another run wrote into the lock file, or 0 when it has not (yet). */
static long holder_pid(const char *lock_path)
{
    char buf[32] = "";
    int fd = open(lock_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    long pid = strtol(buf, NULL, 10);
    return pid > 0 ? pid : 0;
}

/* Take the exclusive lock on the open output `fd`, refusing or waiting while another run has it. */
static llmc_code take_lock(int fd, const char *path, const char *lock_path, const bo_lock_opts *lock, llmc_error *err)
{
    bool announced = false;
    for (int tries = 0;; tries++) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return LLMC_OK;
        if (errno == EINTR)
            continue;
        if (errno != EWOULDBLOCK)
            return llmc_error_set(err, LLMC_E_IO, "cannot lock the batch output %s: %s", path, strerror(errno));
        long pid = holder_pid(lock_path);
        /* the holder writes its pid just after it locks: give it a moment before saying "unknown" */
        if (pid == 0 && tries < 10 && !(lock && lock->wait)) {
            struct timespec ts = {0, 20 * 1000 * 1000};
            nanosleep(&ts, NULL);
            continue;
        }
        char who[64];
        if (pid)
            snprintf(who, sizeof who, "pid %ld", pid);
        else
            snprintf(who, sizeof who, "a process that did not record its pid");
        if (!lock || !lock->wait)
            return llmc_error_set(err, LLMC_E_IO,
                                  "the batch output %s is in use by another batch run (%s): two runs on one output "
                                  "would send every request twice; wait for it to finish, or let this run wait "
                                  "for it (llmc batch --wait)",
                                  path, who);
        if (!announced && lock->log)
            llmc_logf(lock->log, LLMC_LOG_WARN,
                      "batch: %s is in use by another batch run (%s); waiting for it to finish", path, who);
        announced = true;
        if (lock->stop && *lock->stop)
            return llmc_error_set(err, LLMC_E_ABORTED, "stopped while waiting for the batch output %s (held by %s)",
                                  path, who);
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* Record our pid beside the output while we hold it (for another run's message only: the flock
 * is what excludes, and the kernel drops it when we die, so a stale file misleads no one). */
static void write_pid(const char *lock_path)
{
    int fd = open(lock_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return;
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
    ssize_t w = write(fd, buf, (size_t)n);
    (void)w;
    close(fd);
}

llmc_code bo_open(bo_out *o, const char *path, const bo_lock_opts *lock, bo_seen_fn seen, void *userdata,
                  llmc_error *err)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->commit_s = 0.005;
    const char *env = getenv("LLMC_BATCH_COMMIT_MS"); /* for measuring: 0 fsyncs every line */
    if (env && *env)
        o->commit_s = atof(env) / 1000.0;
    size_t plen = strlen(path);
    if (!(o->lock_path = malloc(plen + 6)))
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    snprintf(o->lock_path, plen + 6, "%s.lock", path);
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        llmc_error_set(err, LLMC_E_IO, "cannot open the batch output %s: %s", path, strerror(errno));
        goto fail;
    }
    llmc_code rc = take_lock(fd, path, o->lock_path, lock, err);
    if (rc != LLMC_OK) {
        close(fd);
        free(o->lock_path);
        o->lock_path = NULL;
        return rc;
    }
    write_pid(o->lock_path);
    sync_parent(path);
    FILE *f = fdopen(dup(fd), "r");
    if (!f) {
        llmc_error_set(err, LLMC_E_IO, "cannot read the batch output %s: %s", path, strerror(errno));
        o->fd = fd;
        bo_close(o);
        return LLMC_E_IO;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    off_t whole = 0; /* bytes up to the end of the last complete line */
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] != '\n') {
            o->torn_bytes = (size_t)n; /* the writer died mid-line: this result never counted */
            break;
        }
        o->lines++;
        const char *id;
        size_t id_len;
        json_t *tree;
        if (!llmc_json_valid(line, (size_t)n - 1) || !line_id(line, (size_t)n - 1, &id, &id_len, &tree)) {
            rc = llmc_error_set(err, LLMC_E_IO,
                                "the batch output %s line %zu is not a whole result line (half a result glued to "
                                "another, or something else wrote into the file): refusing to append to it; move "
                                "that line out (or use another output file) and run again",
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
    o->fd = fd;
    if (rc != LLMC_OK) {
        bo_close(o);
        return rc;
    }
    o->whole_size = whole;
    return LLMC_OK;
fail:
    free(o->lock_path);
    o->lock_path = NULL;
    return err ? err->code : LLMC_E_IO;
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

/* A write or sync failed part-way: cut the file back to its last whole line, so that half a
 * result can never be glued to the next one. */
static llmc_code undo_partial(bo_out *o, const char *what, int saved, llmc_error *err)
{
    if (ftruncate(o->fd, o->whole_size) != 0 || fdatasync(o->fd) != 0) {
        o->broken = true;
        return llmc_error_set(err, LLMC_E_IO,
                              "cannot %s the batch output (%s), nor cut it back to its last whole line (%s): "
                              "nothing more is written to it; the next run drops the torn line",
                              what, strerror(saved), strerror(errno));
    }
    return llmc_error_set(err, LLMC_E_IO,
                          "cannot %s the batch output: %s (the file is cut back to its last whole line; the "
                          "results not written are sent again by the next run)",
                          what, strerror(saved));
}

llmc_code bo_commit(bo_out *o, bo_committed_fn committed, void *userdata, llmc_error *err)
{
    if (o->n_pending == 0)
        return LLMC_OK;
    if (o->broken)
        return llmc_error_set(err, LLMC_E_IO, "the batch output is broken by an earlier failed write: not written");
    const char *p = o->pending.data;
    size_t left = o->pending.len;
    while (left > 0) {
        ssize_t w = write(o->fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return undo_partial(o, "write", w < 0 ? errno : ENOSPC, err);
        p += w;
        left -= (size_t)w;
    }
    if (fdatasync(o->fd) != 0)
        return undo_partial(o, "sync", errno, err);
    o->whole_size += (off_t)o->pending.len;
    for (size_t i = 0; i < o->n_pending; i++)
        if (committed && o->pending_items[i] != SIZE_MAX)
            committed(userdata, o->pending_items[i]);
    o->n_pending = 0;
    llmc_buf_reset(&o->pending);
    return LLMC_OK;
}

void bo_close(bo_out *o)
{
    /* the pid file goes first, while the lock still keeps others from writing theirs */
    if (o->lock_path && o->fd >= 0)
        unlink(o->lock_path);
    free(o->lock_path);
    o->lock_path = NULL;
    if (o->fd >= 0)
        close(o->fd); /* releases the flock */
    o->fd = -1;
    llmc_buf_free(&o->pending);
    free(o->pending_items);
    o->pending_items = NULL;
    o->n_pending = o->cap_pending = 0;
}
