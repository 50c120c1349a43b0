/* SPDX-License-Identifier: MIT */
/*
 * config.c — the configuration file ($XDG_CONFIG_HOME/llmc/config): `name = value` lines in
 * sections for providers, custom OpenAI-compatible endpoints and model aliases (the format is
 * documented at llmc_client_load_config in llmc.h). Every mistake is reported with the file,
 * the line and what was expected; keys never live here.
 */
#include "transport.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
    SECTION_TOP,
    SECTION_PROVIDER,
    SECTION_ENDPOINT,
    SECTION_ALIAS,
    SECTION_TEMPLATE,
    SECTION_PRICE
} section_kind;

typedef struct parse_state {
    llmc_client *client;
    const char *path;
    int line;
    section_kind kind;
    char name[160]; /* a [price] section is named by a whole model string */
    /* an [endpoint] is created when its section ends, once base_url and key_env are known */
    char ep_base[512];
    char ep_key_env[64];
    char *ep_command; /* key_command of the pending endpoint */
    long ep_timeout_s, ep_ttl_s;
    llmc_error *err;
} parse_state;

static llmc_code bad(parse_state *st, const char *fmt, const char *what)
{
    char msg[600];
    snprintf(msg, sizeof msg, fmt, what);
    return llmc_error_set(st->err, LLMC_E_CONFIG, "%s:%d: %s", st->path, st->line, msg);
}

/* A setter failed while applying a line: out of memory stays LLMC_E_NOMEM (the file is fine);
 * anything else is the line's fault and says where it is. */
static llmc_code failed(parse_state *st, llmc_code rc, const char *what)
{
    if (rc == LLMC_E_NOMEM)
        return llmc_error_set(st->err, LLMC_E_NOMEM, "out of memory while reading %s", st->path);
    return bad(st, what, st->err ? st->err->message : llmc_strerror(rc));
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

/* Split a command line into argv: spaces separate words, '…' and "…" group them. No shell
 * expansions of any kind. Returns a NULL-terminated array (free with free_argv) or NULL. */
static char **split_command(const char *text, const char **why)
{
    size_t cap = 8, n = 0;
    char **argv = calloc(cap, sizeof *argv);
    char *word = malloc(strlen(text) + 1);
    if (!argv || !word)
        goto oom;
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        size_t len = 0;
        char quote = 0;
        for (; *p && (quote || (*p != ' ' && *p != '\t')); p++) {
            if (!quote && (*p == '"' || *p == '\'')) {
                quote = *p;
            } else if (quote && *p == quote) {
                quote = 0;
            } else {
                word[len++] = *p;
            }
        }
        if (quote) {
            *why = "an unclosed quote";
            goto fail;
        }
        if (n + 2 > cap) {
            char **grown = realloc(argv, (cap *= 2) * sizeof *grown);
            if (!grown)
                goto oom;
            argv = grown;
        }
        if (!(argv[n] = strndup(word, len)))
            goto oom;
        argv[++n] = NULL;
    }
    free(word);
    if (n == 0) {
        *why = "an empty command";
        free(argv);
        return NULL;
    }
    return argv;
oom:
    *why = "out of memory";
fail:
    for (size_t i = 0; argv && i < n; i++)
        free(argv[i]);
    free(argv);
    free(word);
    return NULL;
}

static void free_argv(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}

static llmc_code set_command(parse_state *st, const char *provider, const char *text, long timeout_s, long ttl_s)
{
    const char *why = NULL;
    char **argv = split_command(text, &why);
    if (!argv)
        return strcmp(why, "out of memory") == 0 ? failed(st, LLMC_E_NOMEM, "") : bad(st, "key_command: %s", why);
    llmc_code rc = llmc_client_set_key_command(st->client, provider, (const char *const *)argv, timeout_s * 1000,
                                               ttl_s * 1000, st->err);
    free_argv(argv);
    return rc == LLMC_OK ? LLMC_OK : failed(st, rc, "key_command: %s");
}

static bool parse_seconds(const char *value, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (end == value || *end || errno || v <= 0 || v > 86400 * 7)
        return false;
    *out = v;
    return true;
}

/* Create the endpoint a finished [endpoint NAME] section described. */
static llmc_code close_section(parse_state *st)
{
    llmc_code rc = LLMC_OK;
    if (st->kind == SECTION_ENDPOINT) {
        if (!st->ep_base[0] || !st->ep_key_env[0])
            rc = llmc_error_set(st->err, LLMC_E_CONFIG, "%s: [endpoint %s] needs both base_url and key_env", st->path,
                                st->name);
        else
            rc = llmc_client_add_endpoint(st->client, st->name, st->ep_base, st->ep_key_env, st->err);
        if (rc == LLMC_OK && st->ep_command)
            rc = set_command(st, st->name, st->ep_command, st->ep_timeout_s, st->ep_ttl_s);
        if (rc != LLMC_OK && rc != LLMC_E_NOMEM && st->err && !strstr(st->err->message, st->path)) {
            char msg[sizeof st->err->message];
            llmc_strlcpy(msg, st->err->message, sizeof msg);
            llmc_error_set(st->err, LLMC_E_CONFIG, "%s: [endpoint %s]: %s", st->path, st->name, msg);
        }
    }
    free(st->ep_command);
    st->ep_command = NULL;
    st->ep_base[0] = st->ep_key_env[0] = '\0';
    st->ep_timeout_s = st->ep_ttl_s = 0;
    return rc;
}

static llmc_code open_section(parse_state *st, char *header)
{
    char *end = strchr(header, ']');
    if (!end || trim(end + 1)[0])
        return bad(st, "expected a section header like [provider anthropic]%s", "");
    *end = '\0';
    char *kind = trim(header + 1);
    char *name = kind + strcspn(kind, " \t");
    if (*name)
        *name++ = '\0';
    name = trim(name);
    /* a price is for a model string, which has a '/'; other names become model prefixes */
    bool slash_ok = strcmp(kind, "price") == 0;
    if (!*name || strlen(name) >= (slash_ok ? sizeof st->name : 64) || strchr(name, ' ') ||
        (!slash_ok && strchr(name, '/')))
        return bad(st, "section [%s …] needs one name without spaces or '/'", kind);
    if (strcmp(kind, "provider") == 0) {
        if (!llmc_client_endpoint(st->client, name, strlen(name)))
            return bad(st,
                       "unknown provider \"%s\" (built-in: anthropic, cerebras, fireworks, openai; "
                       "define others with [endpoint NAME])",
                       name);
        st->kind = SECTION_PROVIDER;
    } else if (strcmp(kind, "endpoint") == 0) {
        st->kind = SECTION_ENDPOINT;
    } else if (strcmp(kind, "alias") == 0) {
        st->kind = SECTION_ALIAS;
    } else if (strcmp(kind, "template") == 0) {
        st->kind = SECTION_TEMPLATE;
    } else if (strcmp(kind, "price") == 0) {
        st->kind = SECTION_PRICE;
    } else {
        return bad(st, "unknown section kind \"%s\" (expected provider, endpoint, alias, template or price)", kind);
    }
    llmc_strlcpy(st->name, name, sizeof st->name);
    return LLMC_OK;
}

static llmc_code add_alias(parse_state *st, const char *model)
{
    llmc_client *c = st->client;
    for (size_t i = 0; i < c->n_aliases; i++)
        if (strcmp(c->aliases[i].key, st->name) == 0) {
            char *copy = strdup(model);
            if (!copy)
                return llmc_error_set(st->err, LLMC_E_NOMEM, "out of memory");
            free(c->aliases[i].value);
            c->aliases[i].value = copy;
            return LLMC_OK;
        }
    llmc_kv *grown = realloc(c->aliases, (c->n_aliases + 1) * sizeof *grown);
    if (!grown)
        return llmc_error_set(st->err, LLMC_E_NOMEM, "out of memory");
    c->aliases = grown;
    char *name = strdup(st->name), *target = strdup(model);
    if (!name || !target) {
        free(name);
        free(target);
        return llmc_error_set(st->err, LLMC_E_NOMEM, "out of memory");
    }
    c->aliases[c->n_aliases++] = (llmc_kv){name, target};
    return LLMC_OK;
}

/* Keep a setting for the application under the current section. */
static llmc_code keep(parse_state *st, const char *kind, const char *key, const char *value)
{
    if (llmc_settings_put(st->client, kind, kind[0] ? st->name : "", key, value) != LLMC_OK)
        return llmc_error_set(st->err, LLMC_E_NOMEM, "out of memory");
    return LLMC_OK;
}

static bool is_number(const char *value, double lo, double hi)
{
    char *end;
    errno = 0;
    double v = strtod(value, &end);
    return end != value && !*end && !errno && v >= lo && v <= hi;
}

/* A [template NAME] line: what `llmc -t NAME` applies (checked here, used by the CLI). */
static llmc_code template_setting(parse_state *st, const char *key, const char *value)
{
    static const char *const text_keys[] = {"model", "system", "prompt", "stop", NULL};
    for (size_t i = 0; text_keys[i]; i++)
        if (strcmp(key, text_keys[i]) == 0)
            return keep(st, "template", key, value);
    if (strcmp(key, "max_tokens") == 0 && !is_number(value, 1, 1e9))
        return bad(st, "max_tokens expects a whole number of tokens, not \"%s\"", value);
    if (strcmp(key, "temperature") == 0 && !is_number(value, 0, 2))
        return bad(st, "temperature expects a number from 0 to 2, not \"%s\"", value);
    if (strcmp(key, "top_p") == 0 && !is_number(value, 0, 1))
        return bad(st, "top_p expects a number from 0 to 1, not \"%s\"", value);
    if (strcmp(key, "max_tokens") == 0 || strcmp(key, "temperature") == 0 || strcmp(key, "top_p") == 0)
        return keep(st, "template", key, value);
    return bad(st,
               "unknown setting \"%s\" in a [template] (expected model, system, prompt, max_tokens, temperature, "
               "top_p or stop)",
               key);
}

/* A [price MODEL] line: US dollars per million tokens. */
static llmc_code price_setting(parse_state *st, const char *key, const char *value)
{
    if (strcmp(key, "input") != 0 && strcmp(key, "output") != 0 && strcmp(key, "cache_write") != 0 &&
        strcmp(key, "cache_read") != 0)
        return bad(st, "unknown setting \"%s\" in a [price] (expected input, output, cache_write or cache_read)", key);
    if (!is_number(value, 0, 1e9))
        return bad(st, "a price is US dollars per million tokens, a number from 0, not \"%s\"", value);
    return keep(st, "price", key, value);
}

static llmc_code setting(parse_state *st, const char *key, const char *value)
{
    long seconds;
    if (strcmp(key, "api_key") == 0 || strcmp(key, "key") == 0)
        return bad(st,
                   "keys do not belong in the config file (it is not kept private); store them with "
                   "`llmc keys set PROVIDER`%s",
                   "");
    switch (st->kind) {
    case SECTION_TOP:
        if (strcmp(key, "model") == 0) {
            char *copy = strdup(value);
            if (!copy)
                return llmc_error_set(st->err, LLMC_E_NOMEM, "out of memory");
            free(st->client->default_model);
            st->client->default_model = copy;
            return LLMC_OK;
        }
        if (strcmp(key, "log") == 0) {
            if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0)
                return bad(st, "log expects on or off, not \"%s\"", value);
            return keep(st, "", key, value);
        }
        return bad(st, "unknown setting \"%s\" at the top (expected model or log, or a [section])", key);
    case SECTION_ALIAS:
        if (strcmp(key, "model") == 0)
            return add_alias(st, value);
        if (strcmp(key, "system") == 0)
            return keep(st, "alias", key, value);
        return bad(st, "unknown setting \"%s\" in an [alias] (expected model or system)", key);
    case SECTION_TEMPLATE:
        return template_setting(st, key, value);
    case SECTION_PRICE:
        return price_setting(st, key, value);
    case SECTION_PROVIDER:
        if (strcmp(key, "base_url") == 0) {
            llmc_code rc = llmc_client_set_base_url(st->client, st->name, value, st->err);
            return rc == LLMC_OK ? LLMC_OK : failed(st, rc, "base_url: %s");
        }
        if (strcmp(key, "key_command") == 0)
            return set_command(st, st->name, value, 0, 0);
        if (strcmp(key, "key_command_timeout") == 0 || strcmp(key, "key_command_ttl") == 0) {
            llmc_endpoint *ep = llmc_client_endpoint(st->client, st->name, strlen(st->name));
            if (!parse_seconds(value, &seconds))
                return bad(st, "%s expects a whole number of seconds (1 to 604800)", key);
            if (strcmp(key, "key_command_timeout") == 0)
                ep->key_command_timeout_ms = seconds * 1000;
            else
                ep->key_command_ttl_ms = seconds * 1000;
            return LLMC_OK;
        }
        return bad(st,
                   "unknown setting \"%s\" in [provider] (expected base_url, key_command, "
                   "key_command_timeout or key_command_ttl)",
                   key);
    case SECTION_ENDPOINT:
        if (strcmp(key, "base_url") == 0)
            return llmc_strlcpy(st->ep_base, value, sizeof st->ep_base), LLMC_OK;
        if (strcmp(key, "key_env") == 0)
            return llmc_strlcpy(st->ep_key_env, value, sizeof st->ep_key_env), LLMC_OK;
        if (strcmp(key, "key_command") == 0) {
            free(st->ep_command);
            return (st->ep_command = strdup(value)) ? LLMC_OK : llmc_error_set(st->err, LLMC_E_NOMEM, "out of memory");
        }
        if (strcmp(key, "key_command_timeout") == 0 || strcmp(key, "key_command_ttl") == 0) {
            if (!parse_seconds(value, &seconds))
                return bad(st, "%s expects a whole number of seconds (1 to 604800)", key);
            *(strcmp(key, "key_command_timeout") == 0 ? &st->ep_timeout_s : &st->ep_ttl_s) = seconds;
            return LLMC_OK;
        }
        return bad(st,
                   "unknown setting \"%s\" in [endpoint] (expected base_url, key_env, key_command, "
                   "key_command_timeout or key_command_ttl)",
                   key);
    }
    return LLMC_OK;
}

llmc_code llmc_client_load_config(llmc_client *c, const char *path, llmc_error *err)
{
    llmc_error_clear(err);
    if (!c)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "client is NULL");
    char default_path[512];
    bool is_default = !path;
    if (is_default) {
        char dir[448];
        if (llmc_config_dir(dir, sizeof dir, NULL) != LLMC_OK)
            return LLMC_OK; /* no home at all: nothing to read */
        snprintf(default_path, sizeof default_path, "%s/config", dir);
        path = default_path;
    }
    FILE *f = fopen(path, "re");
    if (!f) {
        if (is_default && errno == ENOENT)
            return LLMC_OK;
        return llmc_error_set(err, LLMC_E_CONFIG, "cannot read the config file %s: %s", path, strerror(errno));
    }
    parse_state st = {.client = c, .path = path, .kind = SECTION_TOP, .err = err};
    char buf[2048];
    llmc_code rc = LLMC_OK;
    while (rc == LLMC_OK && fgets(buf, sizeof buf, f)) {
        st.line++;
        if (!strchr(buf, '\n') && !feof(f)) {
            rc = bad(&st, "line longer than %s characters", "2047");
            break;
        }
        char *hash = strchr(buf, '#');
        /* a '#' starts a comment only at the line's start or after a space, so values may hold one */
        while (hash && hash != buf && !isspace((unsigned char)hash[-1]))
            hash = strchr(hash + 1, '#');
        if (hash)
            *hash = '\0';
        char *line = trim(buf);
        if (!*line)
            continue;
        if (*line == '[') {
            rc = close_section(&st);
            if (rc == LLMC_OK)
                rc = open_section(&st, line);
            continue;
        }
        char *eq = strchr(line, '=');
        if (!eq) {
            rc = bad(&st, "expected `name = value`, a [section] or a # comment, not \"%.40s\"", line);
            break;
        }
        *eq = '\0';
        char *key = trim(line), *value = trim(eq + 1);
        if (!*key || !*value) {
            rc = bad(&st, "expected `name = value` with both sides filled%s", "");
            break;
        }
        rc = setting(&st, key, value);
    }
    if (rc == LLMC_OK && ferror(f))
        rc = llmc_error_set(err, LLMC_E_CONFIG, "cannot read the config file %s", path);
    if (rc == LLMC_OK)
        rc = close_section(&st);
    free(st.ep_command);
    fclose(f);
    return rc;
}
