/* SPDX-License-Identifier: MIT */
/*
 * session.c — what the prompt and chat commands share around a call: choosing the model, the
 * system prompt and the options (flags first, then a template, a continued conversation, an
 * alias, $LLMC_MODEL and the config file), continuing a logged conversation, and after each
 * call the usage and cost lines of -v and the entry in the log.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

long cli_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Where a setting of the template comes in: only when the flag did not set it. */
static void apply_template(cli_session *s)
{
    const char *t = s->o.template_name;
    const char *v;
    if (!t)
        return;
    if (!s->o.system && (v = llmc_client_config_value(s->client, "template", t, "system")))
        s->o.system = v;
    if (s->o.max_tokens <= 0 && (v = llmc_client_config_value(s->client, "template", t, "max_tokens")))
        s->o.max_tokens = strtod(v, NULL);
    if (s->o.temperature < 0 && (v = llmc_client_config_value(s->client, "template", t, "temperature")))
        s->o.temperature = strtod(v, NULL);
    if (s->o.top_p < 0 && (v = llmc_client_config_value(s->client, "template", t, "top_p")))
        s->o.top_p = strtod(v, NULL);
    if (s->o.n_stops == 0 && (v = llmc_client_config_value(s->client, "template", t, "stop")))
        s->o.stops[s->o.n_stops++] = v;
}

static bool template_exists(llmc_client *client, const char *name)
{
    for (size_t i = 0; llmc_client_config_section_at(client, "template", i); i++)
        if (strcmp(llmc_client_config_section_at(client, "template", i), name) == 0)
            return true;
    return false;
}

static llmc_code no_template(cli_session *s, llmc_error *err)
{
    char known[512] = "";
    for (size_t i = 0; llmc_client_config_section_at(s->client, "template", i); i++) {
        size_t len = strlen(known);
        snprintf(known + len, sizeof known - len, "%s%s", i ? ", " : "",
                 llmc_client_config_section_at(s->client, "template", i));
    }
    err->code = LLMC_E_CONFIG;
    char shown[96];
    bool quotable = cli_quotable(s->o.template_name, strlen(s->o.template_name));
    snprintf(err->message, sizeof err->message, "no template %s in the config file (%s); add a [template %s] section",
             cli_shown(s->o.template_name, shown, sizeof shown), known[0] ? known : "it has none",
             quotable ? s->o.template_name : "NAME");
    return LLMC_E_CONFIG;
}

/* Which conversation -c / --cid means, and its model and system prompt. */
static llmc_code find_conversation(cli_session *s, cli_resumed *resumed, llmc_error *err)
{
    cli_log_problem p;
    s->log = cli_log_open(true, &p);
    if (!s->log) {
        err->code = LLMC_E_IO;
        snprintf(err->message, sizeof err->message, "cannot continue a conversation: %.600s (%.380s)", p.what, p.fix);
        return LLMC_E_IO;
    }
    if (s->o.cid) {
        if (!cli_conversation_exists(s->log, s->o.cid)) {
            err->code = LLMC_E_INVALID_ARG;
            snprintf(err->message, sizeof err->message,
                     "no conversation %s in the log (`llmc logs` lists them with their ids)", s->o.cid);
            return LLMC_E_INVALID_ARG;
        }
        snprintf(s->cid, sizeof s->cid, "%s", s->o.cid);
    } else if (!cli_log_last_conversation(s->log, s->cid, sizeof s->cid)) {
        err->code = LLMC_E_INVALID_ARG;
        snprintf(err->message, sizeof err->message, "the log holds no conversation to continue yet");
        return LLMC_E_INVALID_ARG;
    }
    if (cli_conversation_load(s->log, s->cid, NULL, resumed) < 0) {
        err->code = LLMC_E_IO;
        snprintf(err->message, sizeof err->message, "cannot read conversation %s from %s", s->cid,
                 cli_log_file(s->log));
        return LLMC_E_IO;
    }
    return LLMC_OK;
}

llmc_code cli_session_start(cli_session *s, const cli_options *o, const char *command, llmc_error *err)
{
    memset(s, 0, sizeof *s);
    s->o = *o;
    s->command = command;
    s->client = llmc_client_new();
    if (!s->client)
        return cli_nomem(err);
    /* a bad config file stops here with its file and line (exit 4) rather than half-applying */
    llmc_code rc = llmc_client_load_config(s->client, NULL, err);
    if (rc != LLMC_OK)
        return rc;
    if (s->o.template_name && !template_exists(s->client, s->o.template_name))
        return no_template(s, err);
    const char *log_setting = llmc_client_config_value(s->client, NULL, NULL, "log");
    s->log_on = !s->o.no_log && !(log_setting && strcmp(log_setting, "off") == 0);

    cli_resumed resumed = {{0}, NULL};
    bool resuming = s->o.continue_last || s->o.cid;
    if (resuming && (rc = find_conversation(s, &resumed, err)) != LLMC_OK) {
        free(resumed.system);
        return rc;
    }

    /* the model: flag, template, conversation, $LLMC_MODEL, config, built-in default */
    const char *t = s->o.template_name, *tm = t ? llmc_client_config_value(s->client, "template", t, "model") : NULL;
    const char *env = getenv("LLMC_MODEL");
    const char *config_model = llmc_client_default_model(s->client);
    const char *model;
    if (s->o.model_from_flag && s->o.model && *s->o.model) {
        model = s->o.model;
        snprintf(s->model_from, sizeof s->model_from, "-m");
    } else if (tm) {
        model = tm;
        snprintf(s->model_from, sizeof s->model_from, "template %s", t);
    } else if (resuming && resumed.model[0]) {
        model = resumed.model;
        snprintf(s->model_from, sizeof s->model_from, "conversation %s", s->cid);
    } else if (env && *env) {
        model = env;
        snprintf(s->model_from, sizeof s->model_from, "$LLMC_MODEL");
    } else if (config_model) {
        model = config_model;
        snprintf(s->model_from, sizeof s->model_from, "model = in the config file");
    } else {
        model = CLI_DEFAULT_MODEL;
        snprintf(s->model_from, sizeof s->model_from, "the built-in default");
    }
    snprintf(s->model, sizeof s->model, "%s", model);
    /* an unknown provider is refused here, before a key is looked for or anything is sent */
    const char *origin = s->model_from[0] == '$' ? s->model_from + 1 : s->model_from; /* the variable's name */
    if ((rc = cli_provider_of(s->client, s->model, origin, s->provider, sizeof s->provider, s->target, sizeof s->target,
                              err)) != LLMC_OK)
        return rc;

    /* the system prompt: flag, template, conversation, alias */
    apply_template(s);
    const char *alias_system = llmc_client_config_value(s->client, "alias", s->model, "system");
    const char *system = s->o.system ? s->o.system : resuming && resumed.system ? resumed.system : alias_system;
    s->system = system ? strdup(system) : NULL;
    free(resumed.system);
    if (system && !s->system)
        return cli_nomem(err);
    s->o.system = s->system;

    s->req = llmc_request_new(s->model);
    if (!s->req)
        return cli_nomem(err);
    if ((rc = cli_apply_options(&s->o, s->model, s->client, s->req, err)) != LLMC_OK)
        return rc;
    if (s->o.verbose) {
        cli_style st = cli_style_for(stderr);
        const char *name, *aliased;
        bool alias = false;
        for (size_t i = 0; llmc_client_alias_at(s->client, i, &name, &aliased) && !alias; i++)
            alias = strcmp(name, s->model) == 0;
        fprintf(stderr, "%s* model %s (from %s%s%s%s)%s\n", st.dim, s->target, s->model_from, alias ? "; alias " : "",
                alias ? s->model : "", alias ? " in the config file" : "", st.reset);
        if (t)
            fprintf(stderr, "%s* template %s%s\n", st.dim, t, st.reset);
    }
    if (resuming) {
        s->resumed_turns = cli_conversation_load(s->log, s->cid, s->req, NULL);
        if (s->resumed_turns < 0) {
            err->code = LLMC_E_IO;
            snprintf(err->message, sizeof err->message, "cannot read conversation %s from the log", s->cid);
            return LLMC_E_IO;
        }
        if (s->o.verbose)
            fprintf(stderr, "* continuing conversation %s (%d earlier exchange%s)\n", s->cid, s->resumed_turns,
                    s->resumed_turns == 1 ? "" : "s");
    } else {
        cli_log_new_id(s->cid);
    }
    return LLMC_OK;
}

void cli_session_end(cli_session *s)
{
    llmc_request_free(s->req);
    llmc_client_free(s->client);
    cli_log_close(s->log);
    free(s->system);
    memset(s, 0, sizeof *s);
}

llmc_code cli_session_check_key(cli_session *s, llmc_error *err)
{
    llmc_key_report r;
    if (llmc_client_inspect_key(s->client, s->provider, &r) != LLMC_OK)
        return LLMC_OK; /* an endpoint it cannot inspect: the first call will tell */
    if (r.result.code != LLMC_OK) {
        *err = r.result;
        return r.result.code;
    }
    /* a repaired key (whitespace, quotes) is worth its warning before the session too */
    if (r.result.diagnosis.severity == LLMC_SEVERITY_WARNING)
        *err = r.result;
    return LLMC_OK;
}

llmc_code cli_session_set_model(cli_session *s, const char *model, llmc_error *err)
{
    char provider[64], target[256];
    llmc_code rc = cli_provider_of(s->client, model, NULL, provider, sizeof provider, target, sizeof target, err);
    if (rc != LLMC_OK)
        return rc;
    llmc_key_report r;
    if (llmc_client_inspect_key(s->client, provider, &r) == LLMC_OK && r.result.code != LLMC_OK) {
        *err = r.result;
        return r.result.code;
    }
    rc = llmc_request_set_model(s->req, model, err);
    if (rc != LLMC_OK)
        return cli_code(err, rc);
    snprintf(s->model, sizeof s->model, "%s", model);
    snprintf(s->target, sizeof s->target, "%s", target);
    snprintf(s->provider, sizeof s->provider, "%s", provider);
    snprintf(s->model_from, sizeof s->model_from, "/model");
    return LLMC_OK;
}

llmc_code cli_session_set_system(cli_session *s, const char *system)
{
    char *copy = system && *system ? strdup(system) : NULL;
    if (system && *system && !copy)
        return LLMC_E_NOMEM;
    llmc_code rc = llmc_request_set_system(s->req, copy, NULL);
    if (rc != LLMC_OK) {
        free(copy);
        return rc;
    }
    free(s->system);
    s->system = copy;
    s->o.system = copy;
    return LLMC_OK;
}

llmc_code cli_session_clear(cli_session *s)
{
    llmc_request *fresh = llmc_request_new(s->model);
    llmc_error err;
    llmc_error_clear(&err);
    if (!fresh || cli_apply_options(&s->o, s->model, s->client, fresh, &err) != LLMC_OK) {
        llmc_request_free(fresh);
        return LLMC_E_NOMEM;
    }
    llmc_request_free(s->req);
    s->req = fresh;
    cli_log_new_id(s->cid);
    return LLMC_OK;
}

void cli_session_supersede_last(cli_session *s)
{
    if (s->log && s->last_log_id > 0)
        cli_log_supersede(s->log, s->last_log_id);
    s->last_log_id = 0;
}

/* The class of a failure as the exit codes name it, for the log. */
static const char *error_class(llmc_code code)
{
    if (code == LLMC_E_ABORTED)
        return "cancelled";
    switch (cli_exit_code(code)) {
    case EXIT_AUTH:
        return "auth";
    case EXIT_REQUEST:
        return "request";
    case EXIT_UNAVAILABLE:
        return "unavailable";
    case EXIT_NETWORK:
        return "network";
    case EXIT_PROTOCOL:
        return "protocol";
    default:
        return "other";
    }
}

void cli_session_record(cli_session *s, const char *prompt, const llmc_response *resp, const llmc_error *err,
                        long duration_ms)
{
    cli_exchange x = {0};
    x.conversation_id = s->cid;
    x.command = s->command;
    x.provider = s->provider;
    x.model = s->target;
    x.template_name = s->o.template_name;
    x.system = s->system;
    x.prompt = prompt;
    x.duration_ms = duration_ms;
    x.cost = -1;
    char *turn = NULL, *tools = NULL, *thinking = NULL;
    cli_price price;
    bool priced = false;
    if (resp) {
        x.served_model = llmc_response_model(resp);
        x.reply = llmc_response_text(resp);
        x.request_id = llmc_response_request_id(resp);
        x.usage = cli_usage_of(resp);
        priced = cli_price_find(s->client, s->target, s->provider, x.served_model, &price);
        if (priced)
            x.cost = cli_cost(&price, &x.usage);
        if (s->log_on) { /* only the log keeps them: a long reply costs a JSON text each */
            x.assistant_turn = turn = cli_assistant_turn_json(resp);
            x.tool_calls = tools = cli_tool_calls_json(resp);
            x.thinking = thinking = cli_thinking_text(resp);
        }
    } else if (err) {
        x.error_class = error_class(err->code);
        const llmc_cause_info *info = llmc_cause_info_get(err->diagnosis.cause);
        x.error_cause = info ? info->id : err->provider_type;
        x.request_id = err->request_id;
    }
    if (s->o.verbose && resp) {
        cli_style st = cli_style_for(stderr);
        char cost[32];
        cli_format_cost(cost, sizeof cost, x.cost);
        fprintf(stderr, "%s* usage %ld in, %ld out, cache %ld read, %ld written; %.2f s%s\n", st.dim,
                x.usage.input_tokens, x.usage.output_tokens, x.usage.cache_read_tokens, x.usage.cache_write_tokens,
                (double)duration_ms / 1000.0, st.reset);
        if (priced)
            fprintf(stderr, "%s* cost %s (%s)%s\n", st.dim, cost, price.source, st.reset);
        else
            fprintf(stderr, "%s* cost unknown: no price for %s (add a [price %s] section to the config)%s\n", st.dim,
                    s->target, s->target, st.reset);
    }
    if (s->log_on) {
        cli_log_problem p;
        if (!s->log && !(s->log = cli_log_open(true, &p))) {
            if (!s->log_warned)
                cli_log_report(&p, "this exchange was not logged");
            s->log_warned = true;
        } else if (s->log && !cli_log_add(s->log, &x, &s->last_log_id, &p)) {
            s->last_log_id = 0;
            cli_log_report(&p, "this exchange was not logged");
        }
    }
    free(turn);
    free(tools);
    free(thinking);
}

char *cli_template_apply(const char *tmpl, const char *input)
{
    /* $input is the user's text; \n in the config value is a line break (values are one line) */
    size_t n = 0, in_len = strlen(input);
    for (const char *p = tmpl; *p; p++)
        n += strncmp(p, "$input", 6) == 0 ? in_len : 1;
    bool has_input = strstr(tmpl, "$input") != NULL;
    char *out = malloc(n + (has_input ? 0 : in_len + 2) + 1);
    if (!out)
        return NULL;
    char *o = out;
    for (const char *p = tmpl; *p; p++) {
        if (strncmp(p, "$input", 6) == 0) {
            memcpy(o, input, in_len);
            o += in_len;
            p += 5;
        } else if (p[0] == '\\' && p[1] == 'n') {
            *o++ = '\n';
            p++;
        } else {
            *o++ = *p;
        }
    }
    /* a template prompt without $input takes the input after it, as `llm` does */
    if (!has_input && in_len) {
        *o++ = '\n';
        *o++ = '\n';
        memcpy(o, input, in_len);
        o += in_len;
    }
    *o = '\0';
    return out;
}
