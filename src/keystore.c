/* SPDX-License-Identifier: MIT */
/*
 * keystore.c — the key store: $XDG_CONFIG_HOME/llmc/keys, one key a line with its provider,
 * label and the verified/rejected marks (git-credential's approve/reject lifecycle). Every change
 * is a read-modify-write under an exclusive lock (keys.lock beside it), so concurrent writers —
 * processes or threads — never lose each other's keys; the new store goes to a fresh mkstemp
 * file, checked to be ours and 0600, fsynced, renamed over the old one and the directory
 * fsynced, so a crash never leaves half a store. A store other users can read, or one in a
 * directory they can write to or own, is refused, as ssh refuses such a private key.
 */
#include "auth.h"
#include "secret.h"
#include "diagnose.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STORE_HEADER                                                                                                   \
    "# llmc key store, written by `llmc keys set`: keep it private (mode 0600).\n"                                     \
    "# provider<TAB>label<TAB>added<TAB>last_verified<TAB>last_rejected<TAB>key\n"
#define MAX_STORE_BYTES (1024 * 1024)

static llmc_code config_dir(char *buf, size_t size, llmc_error *err)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    int n;
    if (xdg && *xdg == '/')
        n = snprintf(buf, size, "%s/llmc", xdg);
    else if (home && *home)
        n = snprintf(buf, size, "%s/.config/llmc", home);
    else
        return llmc_error_set(err, LLMC_E_CONFIG, "neither XDG_CONFIG_HOME nor HOME is set: no place for llmc's files");
    if (n < 0 || (size_t)n >= size)
        return llmc_error_set(err, LLMC_E_CONFIG, "the configuration directory's path is too long");
    return LLMC_OK;
}

llmc_code llmc_config_dir(char *buf, size_t size, llmc_error *err)
{
    return config_dir(buf, size, err);
}

llmc_code llmc_key_store_path(char *buf, size_t size, llmc_error *err)
{
    llmc_error_clear(err);
    char dir[448];
    llmc_code rc = config_dir(dir, sizeof dir, err);
    if (rc != LLMC_OK)
        return rc;
    if ((size_t)snprintf(buf, size, "%s/keys", dir) >= size)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "buffer too small for the key store's path");
    return LLMC_OK;
}

/* A refusal of the store on permission grounds: LLMC_E_KEY with cause key.file_permissions, the
 * path as its source and `fix` (a command) in the detail. */
/* Refuse the store (key.file_permissions): `found` says what is wrong (the diagnosis' detail),
 * `fix` what to do in one paragraph, or NULL for the catalogue's fix composed for `path`. */
static llmc_code refuse(llmc_error *err, const char *path, const char *found, const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static llmc_code refuse(llmc_error *err, const char *path, const char *found, const char *fix, const char *fmt, ...)
{
    if (!err)
        return LLMC_E_KEY;
    char msg[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    llmc_error_set(err, LLMC_E_KEY, "%s", msg);
    err->diagnosis.cause = LLMC_CAUSE_KEY_FILE_PERMISSIONS;
    err->diagnosis.source = LLMC_SOURCE_STORE;
    err->diagnosis.severity = LLMC_SEVERITY_ERROR;
    llmc_strlcpy(err->diagnosis.source_name, path, sizeof err->diagnosis.source_name);
    llmc_strlcpy(err->diagnosis.detail, found, sizeof err->diagnosis.detail);
    if (fix) {
        llmc_strlcpy(err->diagnosis.fix, fix, sizeof err->diagnosis.fix);
    } else {
        llmc_fix_ctx fc = llmc_fix_ctx_of(&err->diagnosis, NULL, NULL);
        llmc_diagnosis_set_fix(&err->diagnosis, &fc);
    }
    return LLMC_E_KEY;
}

/* The directory holding the store must be ours (or root's) and writable by nobody else: whoever
 * can write to it can replace the store with keys of their choosing or a link to their own file
 * (ssh's StrictModes rule). A missing directory is fine: it is created 0700 when needed. */
static llmc_code check_dir(const char *dir, llmc_error *err)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return errno == ENOENT ? LLMC_OK
                               : llmc_error_set(err, LLMC_E_IO, "cannot inspect %s: %s", dir, strerror(errno));
    char found[128], fix[700];
    if (!S_ISDIR(st.st_mode))
        return llmc_error_set(err, LLMC_E_IO, "%s should be a directory (it holds the key store)", dir);
    if (st.st_uid != geteuid() && st.st_uid != 0) {
        snprintf(found, sizeof found, "the directory belongs to uid %ld, not to you", (long)st.st_uid);
        snprintf(fix, sizeof fix,
                 "Move %.400s aside and let `llmc keys set` create your own, or set XDG_CONFIG_HOME to a directory "
                 "you own.",
                 dir);
        return refuse(err, dir, found, fix,
                      "the key store's directory %s belongs to another user (uid %ld); refused: they could "
                      "replace the store",
                      dir, (long)st.st_uid);
    }
    if (st.st_mode & 022) {
        snprintf(found, sizeof found, "the directory has mode %04o: others can write to it",
                 (unsigned)(st.st_mode & 07777));
        snprintf(fix, sizeof fix,
                 "Restrict the directory to its owner with `chmod 700 %.400s` (or set XDG_CONFIG_HOME to a directory "
                 "only you can write to), and rotate the stored keys if others may have read them.",
                 dir);
        return refuse(err, dir, found, fix,
                      "the key store's directory %s can be written by other users (mode %04o); refused: they "
                      "could replace the store",
                      dir, (unsigned)(st.st_mode & 07777));
    }
    return LLMC_OK;
}

/* The store's directory into buf (the path without its last component). */
static void dir_of(const char *path, char *buf, size_t size)
{
    llmc_strlcpy(buf, path, size);
    char *slash = strrchr(buf, '/');
    if (slash && slash != buf)
        *slash = '\0';
}

void llmc_store_free(llmc_store *store)
{
    for (size_t i = 0; i < store->n; i++)
        llmc_secret_free(store->entries[i].key);
    free(store->entries);
    store->entries = NULL;
    store->n = 0;
}

static int add_entry(llmc_store *store, const llmc_store_entry *e)
{
    llmc_store_entry *grown = realloc(store->entries, (store->n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    store->entries = grown;
    store->entries[store->n++] = *e;
    return 0;
}

/* Parse one line "provider\tlabel\tadded\tverified\trejected\tkey" into e (key copied into a
 * secret). Returns 0, or -1 when the line has the wrong shape. */
static int parse_line(char *line, llmc_store_entry *e)
{
    char *fields[6];
    char *p = line;
    for (int i = 0; i < 6; i++) {
        fields[i] = p;
        char *tab = i < 5 ? strchr(p, '\t') : NULL;
        if (i < 5 && !tab)
            return -1;
        if (tab) {
            *tab = '\0';
            p = tab + 1;
        }
    }
    if (!*fields[0] || strlen(fields[0]) >= sizeof e->provider || strlen(fields[1]) >= sizeof e->label || !*fields[5])
        return -1;
    memset(e, 0, sizeof *e);
    llmc_strlcpy(e->provider, fields[0], sizeof e->provider);
    llmc_strlcpy(e->label, fields[1], sizeof e->label);
    e->added = strtoll(fields[2], NULL, 10);
    e->last_verified = strtoll(fields[3], NULL, 10);
    e->last_rejected = strtoll(fields[4], NULL, 10);
    e->key = llmc_secret_new(fields[5], strlen(fields[5]));
    return e->key ? 0 : -1;
}

llmc_code llmc_store_load(llmc_store *store, llmc_error *err)
{
    memset(store, 0, sizeof *store);
    char path[512];
    llmc_code rc = llmc_key_store_path(path, sizeof path, err);
    if (rc != LLMC_OK)
        return rc;
    llmc_strlcpy(store->path, path, sizeof store->path);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT)
            return LLMC_OK;
        return llmc_error_set(err, LLMC_E_IO, "cannot read the key store %s: %s", path, strerror(errno));
    }
    /* A store in a directory others control may be theirs (their key, to collect what is sent with
     * it): refused. Without a store there is nothing to read, so such a directory is only refused
     * when a key is about to be written into it. */
    char dir[512];
    dir_of(path, dir, sizeof dir);
    if ((rc = check_dir(dir, err)) != LLMC_OK) {
        close(fd);
        return rc;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return llmc_error_set(err, LLMC_E_IO, "the key store %s is not a regular file", path);
    }
    if (st.st_uid != geteuid() && st.st_uid != 0) {
        close(fd);
        char found[128];
        snprintf(found, sizeof found, "the file belongs to uid %ld, not to you", (long)st.st_uid);
        return refuse(err, path, found,
                      "Remove the store (another user made it) and store your keys again with `llmc keys set`.",
                      "the key store %s belongs to another user (uid %ld); refused", path, (long)st.st_uid);
    }
    if (st.st_mode & 0077) {
        close(fd);
        char found[128];
        llmc_describe_mode(st.st_mode, found, sizeof found);
        return refuse(err, path, found, NULL, "the key store %s can be read by other users (mode %03o); refused", path,
                      (unsigned)(st.st_mode & 0777));
    }
    if (st.st_size > MAX_STORE_BYTES) {
        close(fd);
        return llmc_error_set(err, LLMC_E_LIMIT, "the key store %s is larger than %d bytes", path, MAX_STORE_BYTES);
    }
    size_t size = (size_t)st.st_size;
    char *text = malloc(size + 1);
    if (!text) {
        close(fd);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    size_t got = 0;
    ssize_t n;
    while (got < size && (n = read(fd, text + got, size - got)) > 0)
        got += (size_t)n;
    close(fd);
    text[got] = '\0';
    rc = LLMC_OK;
    int line_no = 0;
    for (char *line = text, *next; line && *line; line = next) {
        line_no++;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (*line == '#' || *line == '\0')
            continue;
        llmc_store_entry e;
        if (parse_line(line, &e) < 0 || add_entry(store, &e) < 0) {
            rc = llmc_error_set(err, LLMC_E_IO,
                                "the key store %s is damaged at line %d (expected six tab-separated "
                                "fields); fix or remove that line, or rewrite it with `llmc keys set`",
                                path, line_no);
            break;
        }
    }
    explicit_bzero(text, size + 1);
    free(text);
    if (rc != LLMC_OK)
        llmc_store_free(store);
    return rc;
}

static int mkdir_p(const char *dir)
{
    char tmp[512];
    llmc_strlcpy(tmp, dir, sizeof tmp);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(tmp, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

/* Make a rename (or a removal) in `dir` durable: the entry lives in the directory. */
static int sync_dir(const char *dir)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -1;
    int rc = fsync(dfd);
    close(dfd);
    return rc;
}

llmc_code llmc_store_save(const llmc_store *store, llmc_error *err)
{
    char dir[512];
    dir_of(store->path, dir, sizeof dir);
    if (mkdir_p(dir) != 0)
        return llmc_error_set(err, LLMC_E_IO, "cannot create %s: %s", dir, strerror(errno));
    llmc_code rc = check_dir(dir, err);
    if (rc != LLMC_OK)
        return rc;
    /* A fresh name no one can have prepared (mkstemp: O_EXCL, 0600), so a planted file or a hard
     * link to someone else's file can neither lend the store its mode nor keep a copy. */
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", store->path);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return llmc_error_set(err, LLMC_E_IO, "cannot create a temporary file beside %s: %s", store->path,
                              strerror(errno));
    struct stat st;
    if (fchmod(fd, 0600) != 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
        st.st_uid != geteuid() || (st.st_mode & 0777) != 0600) {
        int saved = errno;
        close(fd);
        unlink(tmp);
        return llmc_error_set(err, LLMC_E_IO, "the temporary file %s is not a private new file%s%s", tmp,
                              saved ? ": " : "", saved ? strerror(saved) : "");
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    fputs(STORE_HEADER, f);
    for (size_t i = 0; i < store->n; i++) {
        const llmc_store_entry *e = &store->entries[i];
        fprintf(f, "%s\t%s\t%lld\t%lld\t%lld\t%s\n", e->provider, e->label, e->added, e->last_verified,
                e->last_rejected, llmc_secret_bytes(e->key));
    }
    bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, store->path) != 0) {
        int saved = errno;
        unlink(tmp);
        return llmc_error_set(err, LLMC_E_IO, "cannot write the key store %s: %s", store->path, strerror(saved));
    }
    if (sync_dir(dir) != 0)
        return llmc_error_set(err, LLMC_E_IO, "cannot sync the directory of the key store %s: %s", store->path,
                              strerror(errno));
    return LLMC_OK;
}

/* Begin a read-modify-write: take the store's lock (keys.lock, created 0600 beside it; flock is
 * per open file, so threads of one process exclude each other too), then load. On success
 * *lock_fd must be given to store_end. */
static llmc_code store_begin(llmc_store *store, int *lock_fd, llmc_error *err)
{
    *lock_fd = -1;
    memset(store, 0, sizeof *store);
    char path[512], dir[512], lock[600];
    llmc_code rc = llmc_key_store_path(path, sizeof path, err);
    if (rc != LLMC_OK)
        return rc;
    dir_of(path, dir, sizeof dir);
    if (mkdir_p(dir) != 0)
        return llmc_error_set(err, LLMC_E_IO, "cannot create %s: %s", dir, strerror(errno));
    if ((rc = check_dir(dir, err)) != LLMC_OK)
        return rc;
    snprintf(lock, sizeof lock, "%s.lock", path);
    int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
    if (fd < 0)
        return llmc_error_set(err, LLMC_E_IO, "cannot open the key store's lock %s: %s", lock, strerror(errno));
    int lrc;
    while ((lrc = flock(fd, LOCK_EX)) != 0 && errno == EINTR) {
    }
    if (lrc != 0) {
        int saved = errno;
        close(fd);
        return llmc_error_set(err, LLMC_E_IO, "cannot lock the key store %s: %s", path, strerror(saved));
    }
    if ((rc = llmc_store_load(store, err)) != LLMC_OK) {
        close(fd);
        return rc;
    }
    *lock_fd = fd;
    return LLMC_OK;
}

static void store_end(int lock_fd)
{
    if (lock_fd >= 0)
        close(lock_fd); /* releases the flock */
}

void llmc_store_mark(const char *provider, const char *label, bool verified)
{
    llmc_store store;
    int lock;
    if (store_begin(&store, &lock, NULL) != LLMC_OK)
        return;
    for (size_t i = 0; i < store.n; i++)
        if (strcmp(store.entries[i].provider, provider) == 0 && strcmp(store.entries[i].label, label) == 0) {
            if (verified)
                store.entries[i].last_verified = (long long)time(NULL);
            else
                store.entries[i].last_rejected = (long long)time(NULL);
            llmc_store_save(&store, NULL);
            break;
        }
    llmc_store_free(&store);
    store_end(lock);
}

static bool valid_label(const char *label)
{
    if (!*label || strlen(label) >= 64)
        return false;
    for (const char *p = label; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return false;
    return true;
}

llmc_code llmc_key_store_set(const char *provider, const char *label, const char *key, llmc_error *err)
{
    llmc_error_clear(err);
    if (!label)
        label = "default";
    if (!provider || !*provider || strlen(provider) >= 32 || strchr(provider, '\t') || !key)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a provider name and a key are needed");
    if (!valid_label(label))
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a label is 1 to 63 printable characters without spaces");
    llmc_key_verdict v;
    size_t len = strlen(key);
    llmc_key_check(provider, key, len, &v);
    for (size_t i = 0; i < v.n; i++)
        if (v.findings[i].severity == LLMC_SEVERITY_ERROR) {
            /* the caller says "not stored"; the message says what is wrong with the key */
            llmc_error_set(err, LLMC_E_KEY, "the %s key %s", provider, v.findings[i].detail);
            if (err) {
                err->diagnosis.cause = v.findings[i].cause;
                err->diagnosis.severity = LLMC_SEVERITY_ERROR;
                llmc_strlcpy(err->diagnosis.provider, provider, sizeof err->diagnosis.provider);
                llmc_strlcpy(err->diagnosis.detail, v.findings[i].detail, sizeof err->diagnosis.detail);
                const llmc_provider_info *info = llmc_provider_find(provider);
                llmc_fix_ctx fc = llmc_fix_ctx_of(&err->diagnosis, info, provider);
                fc.owner = llmc_provider_owning_key(key + v.clean_offset, v.clean_len);
                llmc_diagnosis_set_fix(&err->diagnosis, &fc);
            }
            return LLMC_E_KEY;
        }
    llmc_store store;
    int lock;
    llmc_code rc = store_begin(&store, &lock, err);
    if (rc != LLMC_OK)
        return rc;
    llmc_store_entry e = {0};
    llmc_strlcpy(e.provider, provider, sizeof e.provider);
    llmc_strlcpy(e.label, label, sizeof e.label);
    e.added = (long long)time(NULL);
    e.key = llmc_secret_new(key + v.clean_offset, v.clean_len);
    if (!e.key) {
        llmc_store_free(&store);
        store_end(lock);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    bool replaced = false;
    for (size_t i = 0; i < store.n && !replaced; i++)
        if (strcmp(store.entries[i].provider, provider) == 0 && strcmp(store.entries[i].label, label) == 0) {
            /* a new value under an old label starts with clean marks: it has not been judged */
            llmc_secret_free(store.entries[i].key);
            store.entries[i] = e;
            replaced = true;
        }
    if (!replaced && add_entry(&store, &e) < 0) {
        llmc_secret_free(e.key);
        llmc_store_free(&store);
        store_end(lock);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    rc = llmc_store_save(&store, err);
    llmc_store_free(&store);
    store_end(lock);
    return rc;
}

llmc_code llmc_key_store_remove(const char *provider, const char *label, llmc_error *err)
{
    llmc_error_clear(err);
    if (!provider)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a provider name is needed");
    llmc_store store;
    int lock;
    llmc_code rc = store_begin(&store, &lock, err);
    if (rc != LLMC_OK)
        return rc;
    size_t kept = 0, removed = 0;
    for (size_t i = 0; i < store.n; i++) {
        bool match =
            strcmp(store.entries[i].provider, provider) == 0 && (!label || strcmp(store.entries[i].label, label) == 0);
        if (match) {
            llmc_secret_free(store.entries[i].key);
            removed++;
        } else {
            store.entries[kept++] = store.entries[i];
        }
    }
    store.n = kept;
    if (removed == 0)
        rc = llmc_error_set(err, LLMC_E_NOT_FOUND, "no stored %s key%s%s", provider, label ? " labelled " : "",
                            label ? label : "");
    else
        rc = llmc_store_save(&store, err);
    llmc_store_free(&store);
    store_end(lock);
    return rc;
}

llmc_code llmc_key_store_list(const char *provider, llmc_stored_key *out, size_t max, size_t *count, llmc_error *err)
{
    llmc_error_clear(err);
    if (count)
        *count = 0;
    llmc_store store;
    llmc_code rc = llmc_store_load(&store, err);
    if (rc != LLMC_OK)
        return rc;
    size_t n = 0;
    for (size_t i = 0; i < store.n; i++) {
        const llmc_store_entry *e = &store.entries[i];
        if (provider && strcmp(e->provider, provider) != 0)
            continue;
        if (out && n < max) {
            llmc_stored_key *k = &out[n];
            memset(k, 0, sizeof *k);
            llmc_strlcpy(k->provider, e->provider, sizeof k->provider);
            llmc_strlcpy(k->label, e->label, sizeof k->label);
            llmc_key_fingerprint(llmc_secret_bytes(e->key), llmc_secret_len(e->key), k->fingerprint);
            k->added = e->added;
            k->last_verified = e->last_verified;
            k->last_rejected = e->last_rejected;
        }
        n++;
    }
    if (count)
        *count = n;
    llmc_store_free(&store);
    return LLMC_OK;
}
