/* SPDX-License-Identifier: MIT */
/*
 * cmd_config.c — `llmc config path|show`: where the configuration file is, and what llmc makes
 * of it together with the environment — default model, aliases, templates, and per provider the
 * base URL and where its key would come from; `set` and `unset` change one setting in place
 * (config_edit.c). Keys are never shown: only sources and fingerprints.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int config_path(char *buf, size_t size)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    if (xdg && *xdg == '/')
        snprintf(buf, size, "%s/llmc/config", xdg);
    else if (home && *home)
        snprintf(buf, size, "%s/.config/llmc/config", home);
    else
        return -1;
    return 0;
}

static void show_provider(llmc_client *client, const char *provider, const cli_style *st)
{
    llmc_key_report r;
    if (llmc_client_inspect_key(client, provider, &r) != LLMC_OK)
        return;
    printf("%s[%s]%s\n  base URL    %s\n  variable    %s\n", st->bold, provider, st->reset, r.base_url, r.key_env);
    const llmc_key_candidate *used = NULL;
    for (size_t i = 0; i < r.n_candidates; i++) {
        const llmc_key_candidate *c = &r.candidates[i];
        if (c->source == LLMC_SOURCE_COMMAND && c->present)
            printf("  key command %s\n", c->source_name);
        if (c->chosen)
            used = c;
    }
    if (used)
        printf("  key         %s %s (%s)\n", llmc_key_source_name(used->source), used->source_name, used->fingerprint);
    else
        printf("  key         none usable%s%s\n", r.result.diagnosis.cause ? " — " : "",
               llmc_cause_id(r.result.diagnosis.cause));
}

int cmd_config(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "show";
    char path[1024];
    if (strcmp(what, "-h") == 0 || strcmp(what, "--help") == 0) {
        printf(
            "usage: llmc config path               where the configuration file is\n"
            "       llmc config show               what llmc makes of it (keys are never shown)\n"
            "       llmc config set KEY VALUE      set one setting, keeping the rest of the file as it is\n"
            "       llmc config unset KEY          remove one setting\n"
            "\n"
            "KEY is a name at the top of the file (model, log) or kind.name.key for a section:\n"
            "alias.fast.model, template.review.system, provider.anthropic.base_url,\n"
            "endpoint.groq.key_env, price.cerebras/gpt-oss-120b.input. The file is checked before it is\n"
            "replaced: a bad value leaves it unchanged (exit 4). Every key is listed in llmc.conf(5).\n");
        return EXIT_OK;
    }
    if (config_path(path, sizeof path) != 0) {
        fprintf(stderr, "llmc: error: neither XDG_CONFIG_HOME nor HOME is set\n");
        return EXIT_OTHER;
    }
    if (strcmp(what, "path") == 0) {
        printf("%s\n", path);
        return EXIT_OK;
    }
    if (strcmp(what, "set") == 0) {
        if (argc != 4)
            return cli_usage_error("config", "config set takes KEY and VALUE (quote a value with spaces)");
        return cli_config_set(path, argv[2], argv[3]);
    }
    if (strcmp(what, "unset") == 0) {
        if (argc != 3)
            return cli_usage_error("config", "config unset takes one KEY");
        return cli_config_unset(path, argv[2]);
    }
    if (strcmp(what, "show") != 0) {
        char shown[96];
        return cli_usage_error("config", "unknown config command %s (path, show, set or unset)",
                               cli_shown(what, shown, sizeof shown));
    }
    llmc_client *client = llmc_client_new();
    if (!client)
        return EXIT_OTHER;
    llmc_error err;
    llmc_code rc = llmc_client_load_config(client, NULL, &err);
    cli_style st = cli_style_for(stdout);
    printf("%sfile%s        %s (%s)\n", st.bold, st.reset, path,
           rc != LLMC_OK             ? "has an error"
           : access(path, R_OK) == 0 ? "read"
                                     : "absent: built-in defaults");
    if (rc != LLMC_OK) {
        cli_report_error(NULL, &err);
        llmc_client_free(client);
        return EXIT_REQUEST;
    }
    const char *env_model = getenv("LLMC_MODEL");
    const char *model = llmc_client_default_model(client);
    printf("%smodel%s       %s%s\n", st.bold, st.reset,
           env_model && *env_model ? env_model
           : model                 ? model
                                   : "anthropic/claude-sonnet-4-6",
           env_model && *env_model ? " (from LLMC_MODEL)"
           : model                 ? " (from the file)"
                                   : " (built-in)");
    const char *name, *target;
    for (size_t i = 0; llmc_client_alias_at(client, i, &name, &target); i++)
        printf("%salias%s       %s = %s\n", st.bold, st.reset, name, target);
    for (size_t i = 0; llmc_client_config_section_at(client, "template", i); i++) {
        const char *t = llmc_client_config_section_at(client, "template", i);
        const char *tm = llmc_client_config_value(client, "template", t, "model");
        printf("%stemplate%s    %s%s%s%s\n", st.bold, st.reset, t, tm ? " (model " : "", tm ? tm : "", tm ? ")" : "");
    }
    const char *log = llmc_client_config_value(client, NULL, NULL, "log");
    char log_path[1024] = "";
    cli_log_path(log_path, sizeof log_path);
    printf("%slog%s         %s%s%s\n", st.bold, st.reset, log && strcmp(log, "off") == 0 ? "off" : "on",
           log && strcmp(log, "off") == 0 ? "" : ": ", log && strcmp(log, "off") == 0 ? "" : log_path);
    for (size_t i = 0; llmc_client_provider_at(client, i); i++) {
        putchar('\n');
        show_provider(client, llmc_client_provider_at(client, i), &st);
    }
    llmc_client_free(client);
    return EXIT_OK;
}
