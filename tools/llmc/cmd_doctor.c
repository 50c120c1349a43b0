/* SPDX-License-Identifier: MIT */
/*
 * cmd_doctor.c — `llmc doctor`: every check llmc can make on each provider's key, static and
 * live, in one report: which sources are set, which wins and what it shadows, near-miss names,
 * static findings, file permissions, then a cheap authenticated request. Every problem line
 * ends with the `llmc explain` command for its cause. The exit status says whether every
 * configured provider works, so scripts and CI can gate on it.
 */
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fprintf(out,
            "usage: llmc doctor [PROVIDER...] [--json] [--offline]\n"
            "\n"
            "Check every provider's key (or only those named): where llmc looks, which source wins\n"
            "and what it shadows, misspelled variable names, static checks, file permissions, and\n"
            "(unless --offline) whether the provider accepts the key.\n"
            "exit status: 0 when every configured provider works, 3 when one does not or when no\n"
            "provider has a key, 4 for a bad configuration file or an unknown provider, 2 for a bad\n"
            "command line.\n");
}

/* One thing wrong, with where it was found; printed with its `llmc explain` line. */
typedef struct problem {
    llmc_cause cause;
    llmc_severity severity;
    char where[1100]; /* "env ANTHROPIC_API_KEY (sk-ant-…H1RE)", or a path */
    char what[1100];  /* the detail or the error message */
    char fix[1024];
} problem;

#define MAX_PROBLEMS 16

typedef struct provider_check {
    const char *name;
    llmc_key_report report;
    bool configured;
    bool store_refused; /* the only place a key could be is the store, and it is refused */
    bool live_checked;
    llmc_code live;
    llmc_error live_err;
    size_t n_problems;
    problem problems[MAX_PROBLEMS];
} provider_check;

static const char *severity_word(llmc_severity s)
{
    switch (s) {
    case LLMC_SEVERITY_INFO:
        return "info";
    case LLMC_SEVERITY_WARNING:
        return "warning";
    case LLMC_SEVERITY_ERROR:
        return "error";
    }
    return "error";
}

static void describe_source(const llmc_diagnosis *d, char *buf, size_t size)
{
    if (d->source == LLMC_SOURCE_NONE)
        snprintf(buf, size, "%s", d->source_name);
    else
        snprintf(buf, size, "%s %s%s%s%s", llmc_key_source_name(d->source), d->source_name,
                 d->fingerprint[0] ? " (" : "", d->fingerprint, d->fingerprint[0] ? ")" : "");
}

/* Add a problem unless the same cause at the same place is already listed (the static result
 * repeats the chosen candidate's finding). `what` is a whole sentence (a message that names the
 * source) or, with `where_first`, a detail to be read after the source's name. */
static void add_problem(provider_check *pc, const llmc_diagnosis *d, const char *what, bool where_first)
{
    char where[1100];
    describe_source(d, where, sizeof where);
    for (size_t i = 0; i < pc->n_problems; i++)
        if (pc->problems[i].cause == d->cause && strcmp(pc->problems[i].where, where) == 0)
            return;
    if (pc->n_problems == MAX_PROBLEMS)
        return;
    problem *p = &pc->problems[pc->n_problems++];
    p->cause = d->cause;
    p->severity = d->cause == LLMC_CAUSE_NONE ? LLMC_SEVERITY_ERROR : d->severity;
    snprintf(p->where, sizeof p->where, "%s", where);
    if (where_first)
        snprintf(p->what, sizeof p->what, "%.500s %.590s", where, what);
    else
        snprintf(p->what, sizeof p->what, "%s", what);
    snprintf(p->fix, sizeof p->fix, "%s", d->fix);
}

static bool provider_ok(const provider_check *pc)
{
    return pc->configured && pc->report.result.code == LLMC_OK && (!pc->live_checked || pc->live == LLMC_OK);
}

static bool is_refused_store(const llmc_key_candidate *c)
{
    return c->source == LLMC_SOURCE_STORE && c->check.cause == LLMC_CAUSE_KEY_FILE_PERMISSIONS;
}

/* `store_reported`: the store's permissions are already one problem at the top of the report;
 * repeating it under every provider would bury the rest. */
static void run_checks(llmc_client *client, provider_check *pc, bool offline, bool store_reported)
{
    llmc_key_report *r = &pc->report;
    if (llmc_client_inspect_key(client, pc->name, r) != LLMC_OK && r->result.code == LLMC_OK)
        r->result.code = LLMC_E_INVALID_ARG;
    /* a provider that takes no key (auth = none) is configured by that setting alone */
    pc->configured = r->keyless || cli_report_is_configured(r);
    /* A refused store cannot be read, so whether it holds this provider's key is unknown: that
     * is not "configured and failing" for every provider, only the store's problem. */
    if (pc->configured && store_reported && r->n_near_miss == 0) {
        bool other = false;
        for (size_t i = 0; i < r->n_candidates; i++)
            if (r->candidates[i].present && !is_refused_store(&r->candidates[i]))
                other = true;
        if (!other) {
            pc->configured = false;
            pc->store_refused = true;
        }
    }
    for (size_t i = 0; i < r->n_candidates; i++) {
        const llmc_key_candidate *c = &r->candidates[i];
        if (c->check.cause == LLMC_CAUSE_NONE || (store_reported && is_refused_store(c)))
            continue;
        llmc_diagnosis d = c->check;
        if (d.source == LLMC_SOURCE_NONE) {
            d.source = c->source;
            snprintf(d.source_name, sizeof d.source_name, "%s", c->source_name);
        }
        if (!d.fingerprint[0])
            snprintf(d.fingerprint, sizeof d.fingerprint, "%s", c->fingerprint);
        add_problem(pc, &d, d.detail, true);
    }
    if (!pc->configured)
        return;
    if (r->result.code != LLMC_OK) {
        add_problem(pc, &r->result.diagnosis, r->result.message, false);
        return;
    }
    if (offline)
        return;
    pc->live_checked = true;
    llmc_error_clear(&pc->live_err);
    pc->live = llmc_client_validate(client, pc->name, &pc->live_err);
    if (pc->live != LLMC_OK) {
        char what[1100];
        if (pc->live_err.http_status)
            snprintf(what, sizeof what, "%s (HTTP %d): %s", llmc_strerror(pc->live), pc->live_err.http_status,
                     pc->live_err.message);
        else
            snprintf(what, sizeof what, "%s: %s", llmc_strerror(pc->live), pc->live_err.message);
        add_problem(pc, &pc->live_err.diagnosis, what, false);
    }
    /* The key in use works: what is wrong with the others (a rejected stored key, a shadowed
     * variable with a stray newline) is worth a warning, not a failure. */
    if (provider_ok(pc))
        for (size_t i = 0; i < pc->n_problems; i++)
            pc->problems[i].severity = LLMC_SEVERITY_WARNING;
}

static const char *status_word(const provider_check *pc, bool offline)
{
    if (pc->store_refused)
        return "store refused";
    if (!pc->configured)
        return "no key";
    if (!provider_ok(pc))
        return "FAILED";
    return offline ? "ok (offline)" : "ok";
}

static const llmc_key_candidate *chosen(const llmc_key_report *r)
{
    for (size_t i = 0; i < r->n_candidates; i++)
        if (r->candidates[i].chosen)
            return &r->candidates[i];
    return NULL;
}

/* Columns counted in characters: fingerprints hold a multi-byte "…". */
static void pad(const char *s, int width)
{
    int cols = 0;
    for (const char *p = s; *p; p++)
        cols += ((unsigned char)*p & 0xC0) != 0x80;
    fputs(s, stdout);
    for (; cols < width; cols++)
        putchar(' ');
}

static void print_problem(const cli_style *st, const problem *p, const char *provider)
{
    const llmc_cause_info *info = llmc_cause_info_get(p->cause);
    const char *colour = p->severity == LLMC_SEVERITY_ERROR ? st->red : st->yellow;
    printf("  %s%-8s%s %s%s%s", colour, p->severity == LLMC_SEVERITY_ERROR ? "problem" : "warning", st->reset,
           info ? info->id : "", info ? ": " : "", p->what);
    if (info)
        printf(" — llmc explain %s", info->id);
    putchar('\n');
    (void)provider;
    if (p->fix[0]) {
        char safe[2100];
        printf("           fix: %s\n", cli_safe(p->fix, safe, sizeof safe));
    }
}

static void print_detail(const cli_style *st, const provider_check *pc, bool offline, int name_width)
{
    const llmc_key_report *r = &pc->report;
    printf("\n%s%s%s  %s\n", st->bold, pc->name, st->reset, r->base_url);
    if (pc->store_refused) {
        printf("  %sno key outside the key store, which is refused (above)%s\n", st->red, st->reset);
        return;
    }
    if (r->insecure_http_allowed)
        printf("  http     %splain http allowed%s for this provider (allow_http = true)%s\n",
               r->keyless ? "" : st->yellow, r->keyless ? "" : st->reset,
               r->keyless ? "" : ": its key travels unencrypted");
    if (r->keyless) {
        printf("  auth     none: no key is looked up or sent (auth = none)\n");
        if (pc->live_checked && pc->live == LLMC_OK)
            printf("  live     %sok%s: %s answered without a key\n", st->green, st->reset, pc->name);
        else if (offline)
            printf("  live     skipped (--offline)\n");
        for (size_t i = 0; i < pc->n_problems; i++)
            print_problem(st, &pc->problems[i], pc->name);
        return;
    }
    if (!pc->configured && pc->n_problems == 0) {
        /* Nothing to show but where llmc looked: one line, not a table of "not set". */
        printf("  %sno key; looked in", st->dim);
        for (size_t i = 0; i < r->n_candidates; i++)
            printf("%s %s", i ? "," : "", r->candidates[i].source_name);
        printf("%s\n", st->reset);
        return;
    }
    for (size_t i = 0; i < r->n_candidates; i++) {
        const llmc_key_candidate *c = &r->candidates[i];
        const char *state = c->chosen                                    ? "used"
                            : c->check.cause == LLMC_CAUSE_AUTH_REJECTED ? "rejected"
                            : is_refused_store(c)                        ? "refused"
                            : c->shadowed                                ? "shadowed"
                            : c->present                                 ? "set, unusable"
                                                                         : "not set";
        printf("  %-8s ", llmc_key_source_name(c->source));
        pad(c->source_name[0] ? c->source_name : "-", name_width);
        printf(" %s", c->chosen ? st->green : "");
        if (c->present && c->fingerprint[0]) {
            pad(state, 14);
            printf("%s %s\n", c->chosen ? st->reset : "", c->fingerprint);
        } else {
            printf("%s%s\n", state, c->chosen ? st->reset : "");
        }
    }
    for (size_t i = 0; i < r->n_near_miss; i++)
        printf("  %snear-miss%s %s is set, but %s is the variable read\n", st->yellow, st->reset, r->near_miss[i],
               r->key_env);
    for (size_t i = 0; i < pc->n_problems; i++)
        print_problem(st, &pc->problems[i], pc->name);
    if (!pc->configured)
        return;
    if (r->result.code == LLMC_OK)
        printf("  static   ok\n");
    if (pc->live_checked && pc->live == LLMC_OK)
        printf("  live     %sok%s: %s accepted the key\n", st->green, st->reset, pc->name);
    else if (offline && r->result.code == LLMC_OK)
        printf("  live     skipped (--offline)\n");
}

/* The default configuration path, for the header only: the library owns reading it. */
static void config_path(char *buf, size_t size)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    if (xdg && *xdg)
        snprintf(buf, size, "%s/llmc/config", xdg);
    else if (home && *home)
        snprintf(buf, size, "%s/.config/llmc/config", home);
    else
        snprintf(buf, size, "(none)");
}

/* The key store's own permissions, checked once rather than once per provider. */
static bool store_problem(char *path, size_t size, mode_t *mode)
{
    if (llmc_key_store_path(path, size, NULL) != LLMC_OK)
        return false;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return false;
    *mode = sb.st_mode & 0777;
    return (sb.st_mode & 0077) != 0;
}

static json_t *diag_json(const llmc_diagnosis *d)
{
    const llmc_cause_info *info = llmc_cause_info_get(d->cause);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "cause", info ? info->id : "", "severity",
                     d->cause ? severity_word(d->severity) : "", "source", llmc_key_source_name(d->source),
                     "source_name", d->source_name, "fingerprint", d->fingerprint, "detail", d->detail);
}

static json_t *error_json(llmc_code rc, const llmc_error *e)
{
    const llmc_cause_info *info = llmc_cause_info_get(e->diagnosis.cause);
    json_t *o = json_pack("{s:b, s:s, s:i, s:s, s:s, s:s, s:s, s:s}", "ok", rc == LLMC_OK, "code",
                          rc == LLMC_OK ? "ok" : llmc_strerror(rc), "http_status", e->http_status, "message",
                          e->message, "cause", info ? info->id : "", "provider_type", e->provider_type, "provider_code",
                          e->provider_code, "request_id", e->request_id);
    if (o && e->diagnosis.cause != LLMC_CAUSE_NONE)
        json_object_set_new(o, "diagnosis", diag_json(&e->diagnosis));
    return o;
}

static json_t *provider_json(const provider_check *pc, bool offline)
{
    const llmc_key_report *r = &pc->report;
    json_t *sources = json_array();
    for (size_t i = 0; i < r->n_candidates; i++) {
        const llmc_key_candidate *c = &r->candidates[i];
        const llmc_cause_info *info = llmc_cause_info_get(c->check.cause);
        json_array_append_new(
            sources,
            json_pack("{s:s, s:s, s:b, s:b, s:b, s:s, s:s, s:s, s:s}", "source", llmc_key_source_name(c->source),
                      "name", c->source_name, "present", c->present, "chosen", c->chosen, "shadowed", c->shadowed,
                      "fingerprint", c->present ? c->fingerprint : "", "check", info ? info->id : "", "check_severity",
                      info ? severity_word(c->check.severity) : "", "check_detail", c->check.detail));
    }
    json_t *near = json_array();
    for (size_t i = 0; i < r->n_near_miss; i++)
        json_array_append_new(near, json_string(r->near_miss[i]));
    json_t *problems = json_array();
    for (size_t i = 0; i < pc->n_problems; i++) {
        const problem *p = &pc->problems[i];
        const llmc_cause_info *info = llmc_cause_info_get(p->cause);
        char explain[64] = "";
        if (info)
            snprintf(explain, sizeof explain, "llmc explain %s", info->id);
        json_array_append_new(problems, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "cause", info ? info->id : "",
                                                  "severity", severity_word(p->severity), "where", p->where, "detail",
                                                  p->what, "fix", p->fix, "explain", explain));
    }
    const llmc_key_candidate *c = chosen(r);
    const char *status = pc->store_refused  ? "store_refused"
                         : !pc->configured  ? "not_configured"
                         : !provider_ok(pc) ? "failed"
                         : offline          ? "ok_offline"
                                            : "ok";
    json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b, s:s, s:o, s:o, s:o, s:o}", "provider", pc->name, "key_env",
                          r->key_env, "base_url", r->base_url, "configured", pc->configured, "ok", provider_ok(pc),
                          "status", status, "sources", sources, "near_miss", near, "static",
                          error_json(r->result.code, &r->result), "problems", problems);
    if (o) {
        json_object_set_new(o, "keyless", json_boolean(r->keyless));
        json_object_set_new(o, "allow_http", json_boolean(r->insecure_http_allowed));
    }
    if (o && c)
        json_object_set_new(o, "chosen",
                            json_pack("{s:s, s:s, s:s}", "source", llmc_key_source_name(c->source), "name",
                                      c->source_name, "fingerprint", c->fingerprint));
    if (o)
        json_object_set_new(o, "live", pc->live_checked ? error_json(pc->live, &pc->live_err) : json_null());
    return o;
}

int cmd_doctor(int argc, char **argv)
{
    bool json = false, offline = false;
    const char *named[64];
    size_t n_named = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--offline") == 0)
            offline = true;
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return EXIT_OK;
        } else if (argv[i][0] == '-' || n_named == 64) {
            {
                char shown_[96];
                return cli_usage_error("doctor", "unexpected %s", cli_shown(argv[i], shown_, sizeof shown_));
            }
        } else
            named[n_named++] = argv[i];
    }

    llmc_client *client = llmc_client_new();
    if (!client) {
        fprintf(stderr, "llmc: error: out of memory\n");
        return EXIT_OTHER;
    }
    /* A bad configuration file is itself a finding: report it and check the rest anyway. */
    llmc_error cfg_err;
    llmc_error_clear(&cfg_err);
    llmc_code cfg_rc = llmc_client_load_config(client, NULL, &cfg_err);
    for (size_t i = 0; i < n_named; i++)
        if (!cli_check_provider(client, named[i])) {
            llmc_client_free(client);
            return EXIT_REQUEST;
        }
    if (n_named == 0)
        for (size_t i = 0; llmc_client_provider_at(client, i) && n_named < 64; i++)
            named[n_named++] = llmc_client_provider_at(client, i);

    provider_check *checks = calloc(n_named, sizeof *checks);
    if (!checks) {
        llmc_client_free(client);
        fprintf(stderr, "llmc: error: out of memory\n");
        return EXIT_OTHER;
    }
    char cfg_path[1024], store_path[1024] = "";
    config_path(cfg_path, sizeof cfg_path);
    mode_t store_mode = 0;
    bool bad_store = store_problem(store_path, sizeof store_path, &store_mode);
    size_t configured = 0, working = 0;
    for (size_t i = 0; i < n_named; i++) {
        checks[i].name = named[i];
        run_checks(client, &checks[i], offline, bad_store);
        configured += checks[i].configured;
        working += provider_ok(&checks[i]);
    }

    int exit_code = EXIT_OK;
    if (configured == 0 || working < configured || bad_store)
        exit_code = EXIT_AUTH;
    else if (cfg_rc != LLMC_OK)
        exit_code = cli_exit_code(cfg_rc);

    if (json) {
        json_t *providers = json_array();
        for (size_t i = 0; i < n_named; i++)
            json_array_append_new(providers, provider_json(&checks[i], offline));
        json_t *root =
            json_pack("{s:b, s:i, s:i, s:b, s:{s:s, s:b, s:s}, s:{s:s, s:b, s:s}, s:o}", "ok", exit_code == EXIT_OK,
                      "configured", (int)configured, "working", (int)working, "offline", offline, "config", "path",
                      cfg_path, "ok", cfg_rc == LLMC_OK, "error", cfg_rc == LLMC_OK ? "" : cfg_err.message, "key_store",
                      "path", store_path, "permissions_ok", !bad_store, "mode", "", "providers", providers);
        if (root && store_path[0] && store_mode) {
            char mode[8];
            snprintf(mode, sizeof mode, "%03o", (unsigned)store_mode);
            json_object_set_new(json_object_get(root, "key_store"), "mode", json_string(mode));
        }
        char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
        if (text)
            printf("%s\n", text);
        free(text);
        json_decref(root);
        free(checks);
        llmc_client_free(client);
        return exit_code;
    }

    cli_style st = cli_style_for(stdout);
    printf("%sllmc doctor%s  config %s%s; key store %s%s\n", st.bold, st.reset, cfg_path,
           access(cfg_path, F_OK) == 0 ? "" : " (absent)", store_path[0] ? store_path : "(unknown)",
           store_path[0] && access(store_path, F_OK) != 0 ? " (absent)" : "");
    if (cfg_rc != LLMC_OK) {
        printf("  %sproblem%s  configuration: %s\n", st.red, st.reset, cfg_err.message);
    }
    if (bad_store) {
        problem p = {.cause = LLMC_CAUSE_KEY_FILE_PERMISSIONS, .severity = LLMC_SEVERITY_ERROR};
        const llmc_cause_info *info = llmc_cause_info_get(p.cause);
        llmc_cause_fix_for(NULL, LLMC_CAUSE_KEY_FILE_PERMISSIONS, "anthropic", p.fix, sizeof p.fix);
        (void)info;
        snprintf(p.where, sizeof p.where, "store %s", store_path);
        snprintf(p.what, sizeof p.what,
                 "the key store %.1000s has mode %03o: other users can read it, so it is refused", store_path,
                 (unsigned)store_mode);
        print_problem(&st, &p, NULL);
    }
    printf("\n%s%-10s %-13s %-48s %s%s\n", st.bold, "PROVIDER", "STATUS", "KEY", "BASE URL", st.reset);
    for (size_t i = 0; i < n_named; i++) {
        const provider_check *pc = &checks[i];
        const llmc_key_candidate *c = chosen(&pc->report);
        char key[1200];
        if (c)
            snprintf(key, sizeof key, "%s %s (%s)", llmc_key_source_name(c->source), c->source_name, c->fingerprint);
        else if (pc->report.keyless)
            snprintf(key, sizeof key, "none needed (auth = none)");
        else if (pc->configured && pc->n_problems)
            snprintf(key, sizeof key, "%s", pc->problems[0].where);
        else
            snprintf(key, sizeof key, "-");
        const char *colour = pc->store_refused ? st.red
                             : !pc->configured ? st.dim
                             : provider_ok(pc) ? st.green
                                               : st.red;
        printf("%-10s %s", pc->name, colour);
        pad(status_word(pc, offline), 13);
        printf("%s ", st.reset);
        pad(key, 48);
        printf(" %s\n", pc->report.base_url);
    }
    int name_width = 8;
    for (size_t i = 0; i < n_named; i++)
        for (size_t j = 0; j < checks[i].report.n_candidates; j++) {
            int w = (int)strlen(checks[i].report.candidates[j].source_name);
            if (w > name_width)
                name_width = w > 60 ? 60 : w;
        }
    for (size_t i = 0; i < n_named; i++)
        print_detail(&st, &checks[i], offline, name_width);
    putchar('\n');
    if (configured == 0 && bad_store) {
        printf(
            "%sthe key store is refused (mode %03o), so no provider has a usable key.%s\n"
            "  fix:  chmod 600 %s\n  more: llmc explain key.file_permissions\n",
            st.red, (unsigned)store_mode, st.reset, store_path);
    } else if (configured == 0) {
        cli_print_nothing_configured(stdout, &st, client);
    } else if (working == configured) {
        printf("%s%zu of %zu configured provider%s work%s%s\n", st.green, working, configured,
               configured == 1 ? "" : "s", configured == 1 ? "s" : "", st.reset);
    } else {
        printf("%s%zu of %zu configured provider%s work%s%s\n", st.red, working, configured, configured == 1 ? "" : "s",
               configured == 1 ? "s" : "", st.reset);
    }
    free(checks);
    llmc_client_free(client);
    return exit_code;
}
