/* SPDX-License-Identifier: MIT */
/*
 * batch_sidecar.c — the durable record of a remote batch, beside its output: OUT.remote holds the
 * id the provider gave the batch and a fingerprint of the input it was made from. It is written
 * (temporary file, fsync, rename, directory fsync) the moment the provider answers the create
 * request, so a run killed after submitting is resumed by the next one instead of submitting (and
 * paying for) every request again; it is removed once every result is in the output.
 */
#include "batch_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SIDECAR_MAX_BYTES 4096

static char *sidecar_path(const char *output)
{
    size_t len = strlen(output) + sizeof ".remote";
    char *path = malloc(len);
    if (path)
        snprintf(path, len, "%s.remote", output);
    return path;
}

void bs_input_fingerprint(const bi_input *in, char out[17])
{
    /* FNV-1a over the custom_ids in input order: which requests, not how they are spelled */
    unsigned long long h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < in->n; i++) {
        for (const char *p = in->items[i].custom_id; *p; p++)
            h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
        h = (h ^ '\n') * 0x100000001b3ULL;
    }
    snprintf(out, 17, "%016llx", h);
}

llmc_code bs_read(const char *output, bs_record *rec, bool *found, llmc_error *err)
{
    memset(rec, 0, sizeof *rec);
    *found = false;
    char *path = sidecar_path(output);
    if (!path)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        int saved = errno;
        llmc_code rc =
            saved == ENOENT ? LLMC_OK : llmc_error_set(err, LLMC_E_IO, "cannot read %s: %s", path, strerror(saved));
        free(path);
        return rc;
    }
    char buf[SIDECAR_MAX_BYTES];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    json_t *root = n > 0 && n < (ssize_t)sizeof buf ? json_loadb(buf, (size_t)n, 0, NULL) : NULL;
    const char *id = json_string_value(json_object_get(root, "remote_id"));
    const char *fp = json_string_value(json_object_get(root, "input_fingerprint"));
    json_t *count = json_object_get(root, "input_requests");
    llmc_code rc = LLMC_OK;
    if (!id || !*id || strlen(id) >= sizeof rec->remote_id || !fp || strlen(fp) != 16 || !json_is_integer(count) ||
        json_integer_value(count) < 0)
        rc = llmc_error_set(err, LLMC_E_IO,
                            "%s is damaged (it should name the remote batch this output belongs to): look the "
                            "batch up at the provider, collect it with --resume ID, then remove the file",
                            path);
    else {
        llmc_strlcpy(rec->remote_id, id, sizeof rec->remote_id);
        llmc_strlcpy(rec->fingerprint, fp, sizeof rec->fingerprint);
        rec->n_requests = (size_t)json_integer_value(count);
        *found = true;
    }
    json_decref(root);
    free(path);
    return rc;
}

static int sync_dir_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (dfd < 0)
        return -1;
    int rc = fsync(dfd);
    close(dfd);
    return rc;
}

llmc_code bs_write(const char *output, const bs_record *rec, llmc_error *err)
{
    char *path = sidecar_path(output);
    json_t *root = json_pack("{s:s, s:s, s:I, s:I}", "remote_id", rec->remote_id, "input_fingerprint", rec->fingerprint,
                             "input_requests", (json_int_t)rec->n_requests, "created", (json_int_t)time(NULL));
    char *text = root ? llmc_json_dump(root, JSON_COMPACT) : NULL;
    json_decref(root);
    size_t tlen = path ? strlen(path) + 8 : 0;
    char *tmp = path ? malloc(tlen) : NULL;
    if (!path || !text || !tmp) {
        free(path);
        free(text);
        free(tmp);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    snprintf(tmp, tlen, "%s.XXXXXX", path);
    llmc_code rc = LLMC_OK;
    int fd = mkostemp(tmp, O_CLOEXEC);
    bool ok = fd >= 0 && fchmod(fd, 0644) == 0;
    size_t len = strlen(text);
    ok = ok && write(fd, text, len) == (ssize_t)len && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    int saved = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        saved = errno;
    }
    if (!ok) {
        if (fd >= 0)
            unlink(tmp);
        rc = llmc_error_set(err, LLMC_E_IO, "cannot record the remote batch %s in %s: %s", rec->remote_id, path,
                            strerror(saved));
    } else if (sync_dir_of(path) != 0) {
        rc = llmc_error_set(err, LLMC_E_IO, "cannot make the record %s durable: %s", path, strerror(errno));
    }
    free(tmp);
    free(text);
    free(path);
    return rc;
}

llmc_code bs_remove(const char *output, llmc_error *err)
{
    char *path = sidecar_path(output);
    if (!path)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    llmc_code rc = LLMC_OK;
    if (unlink(path) != 0 && errno != ENOENT)
        rc = llmc_error_set(err, LLMC_E_IO, "cannot remove %s: %s", path, strerror(errno));
    else
        sync_dir_of(path); /* a record that comes back after a crash only makes the next run resume */
    free(path);
    return rc;
}
