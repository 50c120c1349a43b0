/* SPDX-License-Identifier: MIT */
/*
 * config_edit.c — `llmc config set KEY VALUE` and `llmc config unset KEY`: change one setting of
 * the config file in place, as `git config` does. Every other line — comments, blank lines,
 * order, a comment after the value — stays as it was. KEY is `name` for the top of the file or
 * `kind.name.key` for a section ([alias fast] → alias.fast.model; the middle part may hold dots
 * and slashes: price.openai/gpt-4.1.input). The edited file is checked by the library's parser
 * before it replaces the old one (written beside it, then renamed), so a bad value never breaks
 * the file.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct lines {
    char **v;
    size_t n, cap;
} lines;

static void lines_free(lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static bool lines_insert(lines *l, size_t at, const char *text)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        char **grown = realloc(l->v, cap * sizeof *grown);
        if (!grown)
            return false;
        l->v = grown;
        l->cap = cap;
    }
    char *copy = strdup(text);
    if (!copy)
        return false;
    memmove(l->v + at + 1, l->v + at, (l->n - at) * sizeof *l->v);
    l->v[at] = copy;
    l->n++;
    return true;
}

static void lines_remove(lines *l, size_t at)
{
    free(l->v[at]);
    memmove(l->v + at, l->v + at + 1, (l->n - at - 1) * sizeof *l->v);
    l->n--;
}

/* Read the file's lines (without their line ends); a missing file is no lines. */
static bool read_lines(const char *path, lines *l)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return errno == ENOENT;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    bool ok = true;
    while (ok && (n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        ok = lines_insert(l, l->n, line);
    }
    free(line);
    ok = ok && !ferror(f);
    fclose(f);
    return ok;
}

static const char *skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Whether `line` is the header [kind name] (spaces as the parser allows them). */
static bool is_header(const char *line, const char *kind, const char *name)
{
    const char *p = skip_space(line);
    if (*p != '[')
        return false;
    p = skip_space(p + 1);
    size_t kl = strlen(kind);
    if (strncmp(p, kind, kl) != 0 || (p[kl] != ' ' && p[kl] != '\t'))
        return false;
    p = skip_space(p + kl);
    size_t nl = strlen(name);
    if (strncmp(p, name, nl) != 0)
        return false;
    p = skip_space(p + nl);
    return *p == ']';
}

static bool is_any_header(const char *line)
{
    return *skip_space(line) == '[';
}

/* Whether `line` sets `key` (`key = …`, not in a comment). */
static bool sets_key(const char *line, const char *key)
{
    const char *p = skip_space(line);
    size_t kl = strlen(key);
    if (*p == '#' || strncmp(p, key, kl) != 0)
        return false;
    p = skip_space(p + kl);
    return *p == '=';
}

/* A comment after the value (" # …"), as the parser reads one; NULL when none. */
static const char *trailing_comment(const char *line)
{
    const char *eq = strchr(line, '=');
    for (const char *h = eq ? strchr(eq, '#') : NULL; h; h = strchr(h + 1, '#'))
        if (h[-1] == ' ' || h[-1] == '\t')
            return h;
    return NULL;
}

/* Split KEY into kind, name and key. */
static bool split_key(const char *full, char *kind, size_t ks, char *name, size_t ns, char *key, size_t keys)
{
    const char *first = strchr(full, '.');
    const char *last = strrchr(full, '.');
    if (!first) {
        kind[0] = name[0] = '\0';
        snprintf(key, keys, "%s", full);
        return *full != '\0';
    }
    if (first == last || last == first + 1 || !last[1] || first == full)
        return false;
    snprintf(kind, ks, "%.*s", (int)(first - full), full);
    snprintf(name, ns, "%.*s", (int)(last - first - 1), first + 1);
    snprintf(key, keys, "%s", last + 1);
    return true;
}

/* The range of lines of the section: [*begin, *end). The top of the file when kind is "". */
static bool find_section(const lines *l, const char *kind, const char *name, size_t *begin, size_t *end)
{
    size_t i = 0;
    if (kind[0]) {
        for (; i < l->n && !is_header(l->v[i], kind, name); i++)
            ;
        if (i == l->n)
            return false;
        i++;
    }
    *begin = i;
    for (; i < l->n && !is_any_header(l->v[i]); i++)
        ;
    *end = i;
    return true;
}

/* Write the lines beside `path`, check them with the library's parser, then rename over it. */
static int commit(const char *path, const lines *l)
{
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.llmc-edit-XXXXXX", path);
    struct stat st;
    bool existed = stat(path, &st) == 0;
    /* the directory is made as the key store's is: private to the user */
    char dir[1100];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        mkdir(dir, 0700);
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "llmc: error: cannot write beside %s: %s\n", path, strerror(errno));
        return EXIT_OTHER;
    }
    fchmod(fd, existed ? (st.st_mode & 07777) : 0644);
    FILE *f = fdopen(fd, "w");
    for (size_t i = 0; f && i < l->n; i++)
        fprintf(f, "%s\n", l->v[i]);
    bool ok = f && fflush(f) == 0 && fsync(fileno(f)) == 0 && !ferror(f);
    if (f)
        ok = fclose(f) == 0 && ok;
    else
        close(fd);
    if (!ok) {
        fprintf(stderr, "llmc: error: cannot write beside %s: %s\n", path, strerror(errno));
        unlink(tmp);
        return EXIT_OTHER;
    }
    llmc_client *check = llmc_client_new();
    llmc_error err;
    llmc_error_clear(&err);
    llmc_code rc = check ? llmc_client_load_config(check, tmp, &err) : LLMC_E_NOMEM;
    llmc_client_free(check);
    if (rc != LLMC_OK) {
        /* name the real file, not the temporary one, in what the parser said */
        char msg[sizeof err.message];
        const char *at = strstr(err.message, tmp);
        if (at)
            snprintf(msg, sizeof msg, "%.*s%s%s", (int)(at - err.message), err.message, path, at + strlen(tmp));
        else
            snprintf(msg, sizeof msg, "%s", err.message);
        snprintf(err.message, sizeof err.message, "%s", msg);
        unlink(tmp);
        cli_report_error("the config file was not changed", &err);
        return cli_exit_code(rc);
    }
    if (rename(tmp, path) != 0) {
        fprintf(stderr, "llmc: error: cannot replace %s: %s\n", path, strerror(errno));
        unlink(tmp);
        return EXIT_OTHER;
    }
    return EXIT_OK;
}

int cli_config_set(const char *path, const char *full_key, const char *value)
{
    char kind[32], name[200], key[64];
    if (!split_key(full_key, kind, sizeof kind, name, sizeof name, key, sizeof key)) {
        char shown[96];
        return cli_usage_error("config",
                               "%s is no setting: name (top of the file) or kind.name.key, e.g. model or "
                               "alias.fast.model",
                               cli_shown(full_key, shown, sizeof shown));
    }
    if (!*value || strpbrk(value, "\r\n"))
        return cli_usage_error("config", "a value is one non-empty line");
    for (const char *h = strchr(value, '#'); h; h = strchr(h + 1, '#'))
        if (h > value && (h[-1] == ' ' || h[-1] == '\t'))
            return cli_usage_error("config", "a \" #\" in a value would start a comment; write it without the space");
    lines l = {0};
    if (!read_lines(path, &l)) {
        fprintf(stderr, "llmc: error: cannot read %s: %s\n", path, strerror(errno));
        lines_free(&l);
        return EXIT_OTHER;
    }
    char text[2400];
    size_t begin, end;
    bool ok = true;
    if (find_section(&l, kind, name, &begin, &end)) {
        size_t at = end;
        for (size_t i = begin; i < end; i++)
            if (sets_key(l.v[i], key))
                at = i; /* the last one counts, as for the parser: change that one */
        if (at < end) {
            const char *comment = trailing_comment(l.v[at]);
            /* keep the line's indent and its comment */
            const char *indent_end = skip_space(l.v[at]);
            snprintf(text, sizeof text, "%.*s%s = %s%s%s", (int)(indent_end - l.v[at]), l.v[at], key, value,
                     comment ? "  " : "", comment ? comment : "");
            free(l.v[at]);
            l.v[at] = strdup(text);
            ok = l.v[at] != NULL;
        } else {
            /* after the section's last setting, before the blank lines that end it */
            size_t ins = end;
            while (ins > begin && *skip_space(l.v[ins - 1]) == '\0')
                ins--;
            snprintf(text, sizeof text, "%s = %s", key, value);
            ok = lines_insert(&l, ins, text);
        }
    } else {
        if (l.n && *skip_space(l.v[l.n - 1]))
            ok = lines_insert(&l, l.n, "");
        snprintf(text, sizeof text, "[%s %s]", kind, name);
        ok = ok && lines_insert(&l, l.n, text);
        snprintf(text, sizeof text, "%s = %s", key, value);
        ok = ok && lines_insert(&l, l.n, text);
    }
    int rc = ok ? commit(path, &l) : EXIT_OTHER;
    if (!ok)
        fprintf(stderr, "llmc: error: out of memory\n");
    lines_free(&l);
    return rc;
}

int cli_config_unset(const char *path, const char *full_key)
{
    char kind[32], name[200], key[64];
    if (!split_key(full_key, kind, sizeof kind, name, sizeof name, key, sizeof key)) {
        char shown_[96];
        return cli_usage_error("config", "%s is no setting: name or kind.name.key",
                               cli_shown(full_key, shown_, sizeof shown_));
    }
    lines l = {0};
    if (!read_lines(path, &l)) {
        fprintf(stderr, "llmc: error: cannot read %s: %s\n", path, strerror(errno));
        lines_free(&l);
        return EXIT_OTHER;
    }
    size_t begin, end, removed = 0;
    if (find_section(&l, kind, name, &begin, &end))
        for (size_t i = end; i-- > begin;)
            if (sets_key(l.v[i], key)) {
                lines_remove(&l, i);
                removed++;
            }
    int rc;
    if (removed == 0) {
        fprintf(stderr, "llmc: error: %s is not set in %s\n", full_key, path);
        rc = EXIT_OTHER;
    } else {
        rc = commit(path, &l);
    }
    lines_free(&l);
    return rc;
}
