/* SPDX-License-Identifier: MIT */
/*
 * models_cache.c — the models each provider served when last asked, kept in
 * $XDG_CACHE_HOME/llmc/models/<provider>.txt (else ~/.cache/llmc/models/…), one id a line, so that
 * a model.not_found error can name the closest models without a request each time, and shell
 * completions can offer them. Written whole to a temporary file and renamed: a reader never sees
 * half a list. Holds no secret (0644). Every failure here is silent: a cache is a convenience.
 */
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CACHE_MAX_BYTES (4 * 1024 * 1024)

/* Provider names come from the config file: keep the path inside the cache directory. */
static bool safe_name(const char *name)
{
    if (!name || !*name || name[0] == '.' || strlen(name) > 64)
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
              *p == '_' || *p == '.'))
            return false;
    return true;
}

static llmc_code cache_dir(char *buf, size_t size, llmc_error *err)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int n;
    if (xdg && *xdg == '/')
        n = snprintf(buf, size, "%s/llmc/models", xdg);
    else if (home && *home)
        n = snprintf(buf, size, "%s/.cache/llmc/models", home);
    else
        return llmc_error_set(err, LLMC_E_CONFIG, "neither XDG_CACHE_HOME nor HOME is set: no place for the cache");
    if (n < 0 || (size_t)n >= size)
        return llmc_error_set(err, LLMC_E_CONFIG, "the cache directory's path is too long");
    return LLMC_OK;
}

llmc_code llmc_models_cache_path(const char *provider, char *buf, size_t size, llmc_error *err)
{
    llmc_error_clear(err);
    if (!buf || size == 0)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "no buffer for the path");
    buf[0] = '\0';
    if (!safe_name(provider))
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "\"%s\" cannot name a cache file", provider ? provider : "");
    char dir[900];
    llmc_code rc = cache_dir(dir, sizeof dir, err);
    if (rc != LLMC_OK)
        return rc;
    if ((size_t)snprintf(buf, size, "%s/%s.txt", dir, provider) >= size)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "buffer too small for the cache file's path");
    return LLMC_OK;
}

/* mkdir -p for the few levels under the cache home. */
static int make_dirs(const char *dir)
{
    char path[1024];
    if (llmc_strlcpy(path, dir, sizeof path) && strlen(dir) >= sizeof path)
        return -1;
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(path, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

void llmc_models_cache_write(const char *provider, const llmc_model_info *models, size_t n)
{
    char path[1024], dir[900];
    if (llmc_models_cache_path(provider, path, sizeof path, NULL) != LLMC_OK ||
        cache_dir(dir, sizeof dir, NULL) != LLMC_OK || make_dirs(dir) != 0)
        return;
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return;
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (models[i].id[0] && !strpbrk(models[i].id, "\r\n"))
            fprintf(f, "%s\n", models[i].id);
    bool ok = fflush(f) == 0 && fchmod(fileno(f), 0644) == 0 && fsync(fileno(f)) == 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0)
        unlink(tmp);
}

int llmc_models_cache_read(const char *provider, double max_age_s, char ***ids_out, size_t *n_out)
{
    *ids_out = NULL;
    *n_out = 0;
    char path[1024];
    if (llmc_models_cache_path(provider, path, sizeof path, NULL) != LLMC_OK)
        return -1;
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > CACHE_MAX_BYTES) {
        fclose(f);
        return -1;
    }
    bool stale = difftime(time(NULL), st.st_mtime) > max_age_s;
    char line[512];
    char **ids = NULL;
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        char **grown = realloc(ids, (n + 1) * sizeof *grown);
        char *copy = strdup(line);
        if (!grown || !copy) {
            free(copy);
            if (grown)
                ids = grown;
            break;
        }
        ids = grown;
        ids[n++] = copy;
    }
    fclose(f);
    *ids_out = ids;
    *n_out = n;
    return stale ? 1 : 0;
}

void llmc_models_cache_free(char **ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

/* How near `id` is to what was asked for; lower is nearer, (size_t)-1 is not near at all. A
 * model that holds the other whole ("claude-sonnet-4" in "claude-sonnet-4-6") is near whatever
 * the edit distance says. */
static size_t nearness(const char *asked, const char *id)
{
    if (strcasecmp(asked, id) == 0)
        return 0;
    size_t d = llmc_edit_distance(asked, id);
    size_t la = strlen(asked), li = strlen(id);
    size_t limit = (la > li ? la : li) / 3 + 1;
    if (strcasestr(id, asked) || strcasestr(asked, id))
        return d < limit ? d : limit;
    return d <= limit ? d : (size_t)-1;
}

size_t llmc_models_closest(char *const *ids, size_t n, const char *asked, char *out, size_t size, size_t max)
{
    out[0] = '\0';
    size_t picked[8], score[8], k = 0;
    if (max > 8)
        max = 8;
    for (size_t i = 0; i < n; i++) {
        size_t d = nearness(asked, ids[i]);
        if (d == (size_t)-1)
            continue;
        /* insertion into the best `max`, nearest first, ties in list order */
        size_t at = k;
        while (at > 0 && score[at - 1] > d)
            at--;
        if (at >= max)
            continue;
        if (k < max)
            k++;
        for (size_t j = k - 1; j > at; j--) {
            picked[j] = picked[j - 1];
            score[j] = score[j - 1];
        }
        picked[at] = i;
        score[at] = d;
    }
    size_t len = 0;
    for (size_t j = 0; j < k && len < size; j++)
        len += (size_t)snprintf(out + len, size - len, "%s%s", j ? ", " : "", ids[picked[j]]);
    return k;
}
