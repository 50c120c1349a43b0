/* SPDX-License-Identifier: MIT */
/*
 * config.c — the configuration file ($XDG_CONFIG_HOME/llmc/config): `name = value` lines in
 * sections for providers, custom OpenAI-compatible endpoints and model aliases (the format is
 * documented at llmc_client_load_config in llmc.h). Every mistake is reported with the file,
 * the line and what was expected; keys never live here, and since one may be pasted here by
 * mistake, a message repeats a word of the file only when it is short and shaped like a name.
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
    bool ep_keyless;    /* auth = none */
    bool ep_allow_http; /* allow_http = true */
    int base_line;      /* the line of a [provider]'s base_url, for its error */
    llmc_error *err;
} parse_state;

/* A word of the file as a message may show it: quoted when it is short and made of the characters
 * of setting, section and provider names; otherwise only its length, since a line holding a bare
 * key (or a key where a name belongs) must not put the key into an error. */
static const char *shown(const char *word, char *buf, size_t size)
{
    size_t len = strlen(word);
    bool ok = len > 0 && len <= 24;
    for (size_t i = 0; ok && i < len; i++)
        ok = isalnum((unsigned char)word[i]) || strchr("_-.", word[i]);
    if (ok)
        snprintf(buf, size, "\"%s\"", word);
    else
        snprintf(buf, size, "(%zu characters, not shown: it could be a secret)", len);
    return buf;
}

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

/* Add the pending endpoint; a new one that is allowed plain http is created with that allowance
 * set for its URL check, then marked. */
static llmc_code add_endpoint_allowing(parse_state *st)
{
    llmc_client *c = st->client;
    bool global = c->allow_insecure_http;
    if (st->ep_allow_http)
        c->allow_insecure_http = true; /* only for this one check */
    llmc_code rc =
        llmc_client_add_endpoint(c, st->name, st->ep_base, st->ep_key_env[0] ? st->ep_key_env : NULL, st->err);
    c->allow_insecure_http = global;
    if (rc == LLMC_OK)
        rc = llmc_client_allow_insecure_http_for(c, st->name, st->ep_allow_http, st->err);
    return rc;
}

/* "true" / "false" (also yes/no, on/off, 1/0); -1 for anything else. */
static int parse_bool(const char *v)
{
    if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "on") == 0 || strcmp(v, "1") == 0)
        return 1;
    if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 || strcmp(v, "off") == 0 || strcmp(v, "0") == 0)
        return 0;
    return -1;
}

/* Create the endpoint a finished [endpoint NAME] section described. */
static llmc_code close_section(parse_state *st)
{
    llmc_code rc = LLMC_OK;
    char word[96];
    if (st->kind == SECTION_PROVIDER) {
        llmc_endpoint *ep = llmc_client_endpoint(st->client, st->name, strlen(st->name));
        rc = llmc_client_allow_insecure_http_for(st->client, st->name, st->ep_allow_http, st->err);
        if (rc == LLMC_OK && st->ep_base[0]) {
            rc = llmc_client_set_base_url(st->client, st->name, st->ep_base, st->err);
            if (rc == LLMC_OK) {
                ep->base_url_origin = "base_url in the config file";
            } else if (rc != LLMC_E_NOMEM) {
                int line = st->line;
                st->line = st->base_line;
                rc = failed(st, rc, "base_url: %s");
                st->line = line;
            }
        }
    }
    if (st->kind == SECTION_ENDPOINT) {
        if (!st->ep_base[0])
            rc = llmc_error_set(st->err, LLMC_E_CONFIG, "%s: [endpoint %s] needs base_url", st->path,
                                shown(st->name, word, sizeof word));
        else if (!st->ep_key_env[0] && !st->ep_keyless)
            rc = llmc_error_set(st->err, LLMC_E_CONFIG,
                                "%s: [endpoint %s] needs key_env (the variable that holds its key), or auth = none "
                                "for a server that takes no key",
                                st->path, shown(st->name, word, sizeof word));
        else if (st->ep_key_env[0] && st->ep_keyless)
            rc = llmc_error_set(st->err, LLMC_E_CONFIG,
                                "%s: [endpoint %s] has both key_env and auth = none: keep the one you mean", st->path,
                                shown(st->name, word, sizeof word));
        else if (st->ep_keyless && st->ep_command)
            rc = llmc_error_set(st->err, LLMC_E_CONFIG,
                                "%s: [endpoint %s] has both key_command and auth = none: keep the one you mean",
                                st->path, shown(st->name, word, sizeof word));
        else {
            /* allow_http first: the URL check of add_endpoint must see it */
            llmc_endpoint *old = llmc_client_endpoint(st->client, st->name, strlen(st->name));
            bool was = old && old->allow_insecure_http;
            if (old)
                old->allow_insecure_http = st->ep_allow_http;
            rc = add_endpoint_allowing(st);
            if (rc != LLMC_OK && old)
                old->allow_insecure_http = was;
        }
        if (rc == LLMC_OK && st->ep_command)
            rc = set_command(st, st->name, st->ep_command, st->ep_timeout_s, st->ep_ttl_s);
        if (rc != LLMC_OK && rc != LLMC_E_NOMEM && st->err && !strstr(st->err->message, st->path)) {
            char msg[sizeof st->err->message];
            llmc_strlcpy(msg, st->err->message, sizeof msg);
            llmc_error_set(st->err, LLMC_E_CONFIG, "%s: [endpoint %s]: %s", st->path, word, msg);
        }
    }
    free(st->ep_command);
    st->ep_command = NULL;
    st->ep_base[0] = st->ep_key_env[0] = '\0';
    st->ep_timeout_s = st->ep_ttl_s = 0;
    st->ep_keyless = st->ep_allow_http = false;
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
    char word[96];
    /* a price is for a model string, which has a '/'; other names become model prefixes */
    bool slash_ok = strcmp(kind, "price") == 0;
    if (!*name || strlen(name) >= (slash_ok ? sizeof st->name : 64) || strchr(name, ' ') ||
        (!slash_ok && strchr(name, '/')))
        return bad(st, "section [%s …] needs one name without spaces or '/'", shown(kind, word, sizeof word));
    if (strcmp(kind, "provider") == 0) {
        if (!llmc_client_endpoint(st->client, name, strlen(name))) {
            llmc_unknown_provider(st->client, name, strlen(name), NULL, st->err); /* never echoes a key */
            char why[400];
            llmc_strlcpy(why, st->err ? st->err->message : "unknown provider", sizeof why);
            return bad(st, "[provider …]: %s; define others with [endpoint NAME]", why);
        }
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
        return bad(st, "unknown section kind %s (expected provider, endpoint, alias, template or price)",
                   shown(kind, word, sizeof word));
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
    char word[96];
    if (strcmp(key, "max_tokens") == 0 && !is_number(value, 1, 1e9))
        return bad(st, "max_tokens expects a whole number of tokens, not %s", shown(value, word, sizeof word));
    if (strcmp(key, "temperature") == 0 && !is_number(value, 0, 2))
        return bad(st, "temperature expects a number from 0 to 2, not %s", shown(value, word, sizeof word));
    if (strcmp(key, "top_p") == 0 && !is_number(value, 0, 1))
        return bad(st, "top_p expects a number from 0 to 1, not %s", shown(value, word, sizeof word));
    if (strcmp(key, "max_tokens") == 0 || strcmp(key, "temperature") == 0 || strcmp(key, "top_p") == 0)
        return keep(st, "template", key, value);
    return bad(st,
               "unknown setting %s in a [template] (expected model, system, prompt, max_tokens, temperature, top_p "
               "or stop)",
               shown(key, word, sizeof word));
}

/* A [price MODEL] line: US dollars per million tokens. */
static llmc_code price_setting(parse_state *st, const char *key, const char *value)
{
    char word[96];
    if (strcmp(key, "input") != 0 && strcmp(key, "output") != 0 && strcmp(key, "cache_write") != 0 &&
        strcmp(key, "cache_read") != 0)
        return bad(st, "unknown setting %s in a [price] (expected input, output, cache_write or cache_read)",
                   shown(key, word, sizeof word));
    if (!is_number(value, 0, 1e9))
        return bad(st, "a price is US dollars per million tokens, a number from 0, not %s",
                   shown(value, word, sizeof word));
    return keep(st, "price", key, value);
}

static llmc_code setting(parse_state *st, const char *key, const char *value)
{
    long seconds;
    char word[96];
    if (strcmp(key, "api_key") == 0 || strcmp(key, "key") == 0)
        return bad(st,
                   "keys do not belong in the config file (it is not kept private); store them with "
                   "`llmc keys set %s`",
                   st->kind == SECTION_PROVIDER || st->kind == SECTION_ENDPOINT ? st->name : "anthropic");
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
                return bad(st, "log expects on or off, not %s", shown(value, word, sizeof word));
            return keep(st, "", key, value);
        }
        return bad(st, "unknown setting %s at the top (expected model or log, or a [section])",
                   shown(key, word, sizeof word));
    case SECTION_ALIAS:
        if (strcmp(key, "model") == 0)
            return add_alias(st, value);
        if (strcmp(key, "system") == 0)
            return keep(st, "alias", key, value);
        return bad(st, "unknown setting %s in an [alias] (expected model or system)", shown(key, word, sizeof word));
    case SECTION_TEMPLATE:
        return template_setting(st, key, value);
    case SECTION_PRICE:
        return price_setting(st, key, value);
    case SECTION_PROVIDER:
        if (strcmp(key, "base_url") == 0) {
            /* applied when the section ends, once allow_http (which may follow) is known */
            llmc_strlcpy(st->ep_base, value, sizeof st->ep_base);
            st->base_line = st->line;
            return LLMC_OK;
        }
        if (strcmp(key, "auth") == 0) {
            if (strcmp(value, "none") != 0 && strcmp(value, "key") != 0)
                return bad(st, "auth expects none (no key is sent) or key (the default), not %s",
                           shown(value, word, sizeof word));
            llmc_code rc = llmc_client_set_keyless(st->client, st->name, strcmp(value, "none") == 0, st->err);
            return rc == LLMC_OK ? LLMC_OK : failed(st, rc, "auth: %s");
        }
        if (strcmp(key, "allow_http") == 0) {
            int b = parse_bool(value);
            if (b < 0)
                return bad(st, "allow_http expects true or false, not %s", shown(value, word, sizeof word));
            st->ep_allow_http = b == 1;
            return LLMC_OK;
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
                   "unknown setting %s in [provider] (expected base_url, key_command, "
                   "key_command_timeout, key_command_ttl, auth or allow_http)",
                   shown(key, word, sizeof word));
    case SECTION_ENDPOINT:
        if (strcmp(key, "base_url") == 0)
            return llmc_strlcpy(st->ep_base, value, sizeof st->ep_base), LLMC_OK;
        if (strcmp(key, "key_env") == 0) {
            /* the variable's name, not its value: a key pasted here is refused without being shown */
            bool name_ok =
                strlen(value) < sizeof st->ep_key_env && (isalpha((unsigned char)value[0]) || value[0] == '_');
            for (const char *p = value; name_ok && *p; p++)
                name_ok = isalnum((unsigned char)*p) || *p == '_';
            if (!name_ok)
                return bad(st, "key_env names the variable that holds the key (like GROQ_API_KEY), not the key%s", "");
            return llmc_strlcpy(st->ep_key_env, value, sizeof st->ep_key_env), LLMC_OK;
        }
        if (strcmp(key, "auth") == 0) {
            if (strcmp(value, "none") != 0 && strcmp(value, "key") != 0)
                return bad(st, "auth expects none (no key is sent) or key (the default), not %s",
                           shown(value, word, sizeof word));
            st->ep_keyless = strcmp(value, "none") == 0;
            return LLMC_OK;
        }
        if (strcmp(key, "allow_http") == 0) {
            int b = parse_bool(value);
            if (b < 0)
                return bad(st, "allow_http expects true or false, not %s", shown(value, word, sizeof word));
            st->ep_allow_http = b == 1;
            return LLMC_OK;
        }
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
                   "unknown setting %s in [endpoint] (expected base_url, key_env, auth, allow_http, "
                   "key_command, key_command_timeout or key_command_ttl)",
                   shown(key, word, sizeof word));
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
            char shown_line[96];
            rc = bad(&st, "expected `name = value`, a [section] or a # comment, not %s",
                     shown(line, shown_line, sizeof shown_line));
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
