/* SPDX-License-Identifier: MIT */
/*
 * safe_args.c — repeating the command line back without repeating a secret. A word the user typed
 * may be a key pasted in the wrong place (`--apikey=sk-…`, `llmc keys set sk-…`), so an error
 * names it only when it is short and shaped like an option, provider or cause name; getopt's own
 * messages, which print whole arguments, are replaced here.
 */
#include "cli.h"

#include <ctype.h>
#include <getopt.h>
#include <string.h>

/* Longer than any option, provider, subcommand or cause id llmc has; shorter than any key. */
#define QUOTABLE_MAX 24

bool cli_quotable(const char *word, size_t len)
{
    if (len == 0 || len > QUOTABLE_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)word[i];
        if (!(islower(ch) || isdigit(ch) || ch == '-' || ch == '_' || ch == '.'))
            return false;
    }
    return true;
}

const char *cli_shown(const char *word, char *buf, size_t size)
{
    size_t len = word ? strlen(word) : 0;
    /* an option's name may be shown, never what follows its '=' */
    size_t name_len = word && word[0] == '-' ? strcspn(word, "=") : len;
    if (cli_quotable(word, name_len))
        snprintf(buf, size, "\"%.*s\"%s", (int)name_len, word, name_len < len ? " (its value not shown)" : "");
    else
        snprintf(buf, size, "(%zu characters, not shown: it may be a secret)", len);
    return buf;
}

/* "--name" of a long option element (before any '='), or a placeholder. */
static const char *long_name(const char *element, char *buf, size_t size)
{
    const char *name = element + 2;
    size_t len = strcspn(name, "=");
    if (cli_quotable(name, len))
        snprintf(buf, size, "--%.*s", (int)len, name);
    else
        snprintf(buf, size, "(%zu characters, not shown: it may be a secret)", len + 2);
    return buf;
}

/* Whether the long option `name` (an abbreviation allowed) is one without a value whose val is
 * `val`: what getopt means by '?' with optopt set for a long option given "=value". */
static bool takes_no_value(const struct option *longopts, const char *name, size_t len, int val)
{
    for (const struct option *o = longopts; o->name; o++)
        if (strncmp(o->name, name, len) == 0 && o->has_arg == no_argument && o->val == val)
            return true;
    return false;
}

void cli_option_error(const char *command, int argc, char **argv, int c, const struct option *longopts)
{
    char shown[96];
    const char *element = optind >= 1 && optind - 1 < argc ? argv[optind - 1] : "";
    bool is_long = strncmp(element, "--", 2) == 0;
    size_t name_len = is_long ? strcspn(element + 2, "=") : 0;
    if (c == ':') {
        /* only the last word can lack its value, so the element is the option itself */
        if (is_long)
            fprintf(stderr, "llmc: error: option %s needs a value", long_name(element, shown, sizeof shown));
        else
            fprintf(stderr, "llmc: error: option -%c needs a value", isalnum(optopt) ? optopt : '?');
    } else if (is_long && optopt == 0) {
        size_t matches = 0;
        for (const struct option *o = longopts; o->name; o++)
            matches += strncmp(o->name, element + 2, name_len) == 0;
        fprintf(stderr, "llmc: error: %s option %s", matches > 1 ? "ambiguous" : "unknown",
                long_name(element, shown, sizeof shown));
        if (matches > 1 && cli_quotable(element + 2, name_len)) {
            fprintf(stderr, " (could be");
            for (const struct option *o = longopts; o->name; o++)
                if (strncmp(o->name, element + 2, name_len) == 0)
                    fprintf(stderr, " --%s", o->name);
            fprintf(stderr, ")");
        }
    } else if (is_long && strchr(element, '=') && takes_no_value(longopts, element + 2, name_len, optopt)) {
        /* a long option that takes no value was given one: say so without the value */
        fprintf(stderr, "llmc: error: option %s takes no value", long_name(element, shown, sizeof shown));
    } else {
        if (isalnum(optopt))
            fprintf(stderr, "llmc: error: unknown option -%c", optopt);
        else
            fprintf(stderr, "llmc: error: unknown option");
    }
    fprintf(stderr, " (see `llmc %s%s--help`)\n", command ? command : "", command ? " " : "");
    /* --apikey=…, --token=…: someone tried to pass a key; say where keys go instead */
    static const char *const keyish[] = {"key", "token", "secret", "auth", "pass"};
    for (size_t i = 0; is_long && i < sizeof keyish / sizeof keyish[0]; i++)
        if (memmem(element + 2, name_len, keyish[i], strlen(keyish[i]))) {
            fprintf(stderr,
                    "  note: a key is never taken from the command line (it shows in `ps` and shell history):\n"
                    "        export the provider's variable, point <VAR>_FILE at a file, or `llmc keys set`\n");
            break;
        }
}
